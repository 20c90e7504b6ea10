"""The layers of the design card: ledger/ is pure; app depends on ledger; nothing depends on scheduler."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imports(folder: str):
    for path in (ROOT / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                yield path, [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield path, [node.module]


def test_the_ledger_imports_no_web_or_database_library():
    forbidden = ("flask", "sqlalchemy", "flask_sqlalchemy", "marshmallow", "app", "scheduler")
    offenders = [(str(p), n) for p, names in _imports("ledger") for n in names if n.split(".")[0] in forbidden]
    assert offenders == []


def test_the_app_does_not_depend_on_the_scheduler():
    offenders = [(str(p), n) for p, names in _imports("app") for n in names if n.split(".")[0] == "scheduler"]
    assert offenders == []


def _callers():
    """The views, API handlers, commands and jobs: they call operations and never hold a transaction."""
    app = ROOT / "app"
    for name in ("api.py", "pages.py", "cli.py"):
        yield from app.rglob(name)
    # The desk's and the office's page modules are named for their areas (home.py, periods.py, ...).
    for area in ("desk", "office"):
        yield from (p for p in (app / area).glob("*.py") if p.name != "queries.py")
    yield from (ROOT / "scheduler").glob("*.py")


def _unit_of_work_touches(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if called == "transaction":
                yield node.lineno, "transaction()"
        if isinstance(node, ast.Attribute) and node.attr == "session" and getattr(node.value, "id", None) == "db":
            yield node.lineno, "db.session"


def test_no_view_command_or_job_opens_a_transaction_or_holds_the_session():
    offenders = [
        f"{path.relative_to(ROOT)}:{line} {what}" for path in _callers() for line, what in _unit_of_work_touches(path)
    ]
    assert offenders == []


def _imports_month_close(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "app.periods.operations":
            return True
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "app.periods"
            and any(alias.name == "operations" for alias in node.names)
        ):
            return True
    return False


def test_only_the_callers_of_the_month_close_import_it():
    # The month has two layers: periods.state (low: is_closed, open_period), read by the ledger's write path,
    # and periods.operations (high: close_month), which calls that path; the low never reaches the high.
    callers = set(_callers())
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "app").rglob("*.py")
        if path not in callers and _imports_month_close(path)
    ]
    assert offenders == []
