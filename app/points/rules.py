"""The county's points rules, read from the database into the pure ledger.rules.RuleBook."""

from dataclasses import asdict, fields
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from app.catalogue.models import PointsRule
from app.extensions import db
from app.org.settings import county_settings
from ledger.rules import Rule, RuleBook, default_rules

# A stored rule row has a column for each field of the pure Rule, under the same name.
RULE_FIELDS = tuple(field.name for field in fields(Rule))


def rulebook() -> RuleBook:
    """The rules and the county's month cap as they stand in the database."""
    rows = db.session.scalars(select(PointsRule)).all()
    rules = [Rule(**{name: getattr(r, name) for name in RULE_FIELDS}) for r in rows]
    return RuleBook(rules, month_cap=county_settings().month_cap)


# The rules change a few times a year and are read on every scan: each app process keeps the last book it
# read, with the config version (app.org.models.ConfigVersion) it was read at.
_KEPT = "kept_rulebook"


def kept_rulebook() -> RuleBook | None:
    """This process's copy, to price with before the caller has read the version (then `rulebook_as_of`)."""
    kept = current_app.extensions.get(_KEPT)
    return kept[1] if kept is not None else None


def rulebook_as_of(version: int | None) -> RuleBook:
    """The rulebook at config `version`, which the caller read in its own transaction: the kept copy when it
    is that version's, else read afresh and kept. Read after the version, a book is never older than it says."""
    kept = current_app.extensions.get(_KEPT)
    if kept is not None and kept[0] == version:
        return kept[1]
    book = rulebook()
    current_app.extensions[_KEPT] = (version, book)
    return book


def rule_name(code: str) -> str:
    return rule_names({code}).get(code, code)


def rule_names(codes: set[str]) -> dict[str, str]:
    """code -> the name of its newest version, for every code given that the county has."""
    if not codes:
        return {}
    rows = db.session.execute(
        select(PointsRule.code, PointsRule.name).where(PointsRule.code.in_(codes)).order_by(PointsRule.valid_from)
    )
    return {code: name for code, name in rows}  # later versions overwrite earlier ones


def install_default_rules(valid_from: datetime) -> int:
    """Write the default rules once (a county edits them afterwards); returns how many were added."""
    known = set(db.session.scalars(select(PointsRule.code)))
    added = 0
    for rule in default_rules(valid_from):
        if rule.code not in known:
            db.session.add(PointsRule(**asdict(rule)))
            added += 1
    return added
