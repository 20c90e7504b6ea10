"""The ledger is pure Python: the standard library and itself, nothing else."""

import ast
import sys
from pathlib import Path

import ledger

LEDGER = Path(ledger.__file__).parent


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_the_ledger_imports_only_the_standard_library():
    allowed = set(sys.stdlib_module_names) | {"__future__"}
    for path in sorted(LEDGER.glob("*.py")):
        assert imported_roots(path) <= allowed, path.name


def test_the_ledger_never_reads_the_clock():
    for path in sorted(LEDGER.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for call in (".now(", ".utcnow(", ".today(", "time.time(", "time()"):
            assert call not in text, f"{path.name} reads the clock via {call}"


def test_every_ledger_module_opens_with_a_one_line_docstring():
    for path in sorted(LEDGER.glob("*.py")):
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert doc and "\n" not in doc, path.name
