"""Every act the code logs has its Chinese name on the office's log page, and so has every detail it keeps."""

import ast
import dataclasses
from pathlib import Path

from app.action_log.words import ACTIONS, DETAILS
from app.members.operations import Summary

ROOT = Path(__file__).resolve().parents[2] / "app"


def _record_calls():
    """Every call of the action log's `record`, by whatever name a module imported it."""
    for path in ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {"record"} if path.parts[-2:] == ("action_log", "operations.py") else set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "app.action_log.operations":
                names |= {alias.asname or alias.name for alias in node.names if alias.name == "record"}
        for node in ast.walk(tree):
            called = getattr(node, "func", None)
            if (
                isinstance(node, ast.Call)
                and getattr(called, "id", getattr(called, "attr", None)) in names
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
            ):
                yield node


def test_every_logged_action_has_chinese_words():
    logged = {call.args[1].value for call in _record_calls()}
    assert logged and logged <= set(ACTIONS), sorted(logged - set(ACTIONS))


def test_every_detail_a_logged_action_keeps_has_chinese_words():
    keys = {k.arg for call in _record_calls() for k in call.keywords if k.arg not in (None, "address")}
    keys |= {field.name for field in dataclasses.fields(Summary)}  # spread into the import's row
    assert keys and keys <= set(DETAILS), sorted(keys - set(DETAILS))
