"""The county's points rules, read from the database into the pure ledger.rules.RuleBook."""

from datetime import datetime

from sqlalchemy import select

from app.catalogue.models import PointsRule
from app.extensions import db
from app.org.settings import county_settings
from ledger.rules import Rule, RuleBook, default_rules


def rulebook() -> RuleBook:
    rows = db.session.scalars(select(PointsRule)).all()
    rules = [
        Rule(
            code=r.code,
            name=r.name,
            source=r.source,
            match=r.match,
            points=r.points,
            needs_audit=r.needs_audit,
            cap_month=r.cap_month,
            valid_from=r.valid_from,
            valid_to=r.valid_to,
        )
        for r in rows
    ]
    return RuleBook(rules, month_cap=county_settings().month_cap)


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
            db.session.add(
                PointsRule(
                    code=rule.code,
                    name=rule.name,
                    source=rule.source,
                    match=rule.match,
                    points=rule.points,
                    needs_audit=rule.needs_audit,
                    cap_month=rule.cap_month,
                    valid_from=rule.valid_from,
                    valid_to=rule.valid_to,
                )
            )
            added += 1
    return added
