"""Every act the code logs has its Chinese name on the office's log page."""

import re
from pathlib import Path

from app.action_log.words import ACTIONS

ROOT = Path(__file__).resolve().parents[2] / "app"


def test_every_logged_action_has_chinese_words():
    logged = set()
    for path in ROOT.rglob("*.py"):
        logged |= set(re.findall(r"record\(\s*\w+,\s*\"([a-z_]+\.[a-z_]+)\"", path.read_text(encoding="utf-8")))
    assert logged and logged <= set(ACTIONS), sorted(logged - set(ACTIONS))
