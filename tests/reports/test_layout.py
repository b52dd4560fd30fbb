"""The reports app's own layout: no circle of imports between its modules (imports inside
functions count), job recovery started from one place only, and scoping left to the one rule."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT / "reports"


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The reports modules a file imports, wherever the import statement stands."""
    package = _module(path) if path.name == "__init__.py" else _module(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            stem = ".".join([*base, node.module] if node.module else base)
            found.add(stem)
            found.update(f"{stem}.{alias.name}" for alias in node.names)  # `from . import pdf`
    return {name for name in found if name.split(".")[0] == "reports"}


def _graph() -> dict[str, set[str]]:
    files = [p for p in REPORTS.rglob("*.py") if "migrations" not in p.parts]
    modules = {_module(p) for p in files}
    return {_module(p): {name for name in _imports(p) if name in modules} - {_module(p)} for p in files}


def test_no_circle_of_imports_inside_reports():
    graph = _graph()
    assert "reports.documents.access" in graph and "reports.services" in graph["reports.tasks"]
    done, path = set(), []

    def visit(module):
        if module in path:
            raise AssertionError(" → ".join([*path[path.index(module) :], module]))
        if module in done:
            return
        path.append(module)
        for imported in sorted(graph[module]):
            if not (module.startswith(f"{imported}.") or imported == "reports"):  # a package's own modules
                visit(imported)
        path.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)
    assert not graph["reports.services"] & {"reports.tasks", "reports.health"}


def test_job_recovery_is_started_from_the_worker_heartbeat_only():
    callers = set()
    for path in ROOT.rglob("*.py"):
        if {"tests", ".venv", "migrations", "node_modules"} & set(path.relative_to(ROOT).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name and name.startswith("jobs_recover"):
                    callers.add(str(path.relative_to(ROOT)))
    assert callers == {"reports/health.py"}


def test_the_access_module_reads_no_role():
    """Who sees what is the one rule's (``unit_scope``, ``visible_to``); which roles may ask for
    a kind is the registry entry's ``roles``."""
    tree = ast.parse((REPORTS / "documents" / "access.py").read_text(encoding="utf-8"))
    assert not [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Attribute) and node.attr == "role"]
    assert not [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id == "Role"]
