"""The built-in frameworks, authored from the seed work plans as YAML."""

from pathlib import Path

from django.db import transaction

from .framework_io import spec_from_yaml
from .services import framework_save

BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"


def builtin_specs():
    return [spec_from_yaml(path.read_text(encoding="utf-8")) for path in sorted(BUILTIN_DIR.glob("*.yaml"))]


@transaction.atomic
def load_builtin_frameworks() -> list[tuple[str, int, bool]]:
    """Load every built-in; unchanged ones are left alone. Returns (code, version, created)."""
    outcome = []
    for spec in builtin_specs():
        framework, created = framework_save(spec=spec)
        outcome.append((framework.name, framework.version, created))
    return outcome
