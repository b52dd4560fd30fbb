"""The house rules of the code: every app imports only apps on the floors below it
(imports inside functions count), and no two modules import each other.

The floors are the Architecture section of the README. An app that needs to react to
one above it listens instead (``branches.signals``, an ``AppConfig`` attribute the
upper app reads), or a page on the upper floor gathers from the lower ones."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FLOORS = {
    "common": 0,  # helpers without models: workbooks, upload checks, today in Asia/Shanghai
    "branches": 1,  # organisation tree, members, yearly figures, users, the one scoping rule, the register
    "audit": 2,  # the append-only trail (every app above records into it)
    "inbox": 2,  # 站内消息 and 催办: the apps above send; the daily reminders ask what they register
    "accounts": 3,  # password policy, lockout, the three administrators' pages
    "records": 3,  # organisational life, deeds, problems, pledges, appraisals, their photos
    "scoring": 4,  # frameworks, sheets, evidence, the pure engine, facts read from records
    "inspections": 5,  # rounds, rankings, the problem ledger, notices
    "ratings": 5,  # members' yearly star ratings, the branch meeting's decision, the township's approval
    "targets": 5,  # the county's yearly targets (目标任务) and the board of shares met, read from scoring's facts
    "campaigns": 6,  # campaigns and their workflow (puts low verification scores on the ledger)
    "duty_reports": 7,  # 述职评议 rounds: duty reports drafted from the year's facts, votes, tiers, 约谈
    "awards": 8,  # 评选表彰: selections, nominations, decision, publicity, commendation
    "reports": 9,  # document jobs, recovery, documents
    "home": 10,  # every role's 工作台, gathered from the apps below
    "ops": 10,  # demo seeding, backup and restore, the startup guard
}
# config/ (settings, URLs, the Celery app) sits above every app and may import any of them.


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _product_modules() -> dict[str, Path]:
    modules = {}
    for app in FLOORS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[_module_name(path)] = path
    return modules


def _imported(path: Path, module: str, modules=()) -> set[str]:
    """Every module named by an import anywhere in the file, functions included
    (``from pkg import a, b`` names pkg itself only when a or b is not a module of it)."""
    is_package = path.name == "__init__.py"
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            submodules = {f"{target}.{alias.name}" for alias in node.names}
            names.update(submodules)
            if not submodules <= set(modules):
                names.add(target)
    return names


def _graph() -> dict[str, set[str]]:
    modules = _product_modules()
    graph = {}
    for module, path in modules.items():
        graph[module] = {name for name in _imported(path, module, modules) if name in modules and name != module}
    return graph


def _app(module: str) -> str:
    return module.split(".")[0]


def test_every_app_of_the_product_has_a_floor():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")} | {"common"}
    assert apps == set(FLOORS), "a new app needs its floor in FLOORS and in the README"


def test_no_app_imports_an_app_on_its_own_floor_or_above():
    upward = sorted(
        f"{module} imports {target} (floor {FLOORS[_app(module)]} → {FLOORS[_app(target)]})"
        for module, targets in _graph().items()
        for target in targets
        if _app(target) != _app(module) and FLOORS[_app(target)] >= FLOORS[_app(module)]
    )
    assert upward == []


def test_no_two_modules_import_each_other():
    graph = _graph()
    pairs = sorted({tuple(sorted((a, b))) for a, targets in graph.items() for b in targets if a in graph.get(b, ())})
    assert pairs == []


@pytest.mark.parametrize(
    "source, wrong",
    [
        ("def f():\n    from reports.services import job_request\n", "reports.services"),
        ("from campaigns import workflow\n", "campaigns.workflow"),
    ],
)
def test_the_reader_sees_imports_inside_functions_and_of_submodules(tmp_path, source, wrong):
    path = tmp_path / "views.py"
    path.write_text(source)
    assert wrong in _imported(path, "branches.views")
