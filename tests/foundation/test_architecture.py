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
