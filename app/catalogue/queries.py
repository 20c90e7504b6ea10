"""Reading the county's data: points rules with their versions, settings, the catalogue (for the office), and
the catalogue's categories (for the forms that offer them)."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.catalogue.models import PointsRule, ServiceCategory
from app.extensions import db
from app.org.settings import county_settings

SETTINGS = ("month_cap", "audit_day", "visit_max_age_days", "pairing_target", "return_day_start", "return_day_end")


def rule_version(rule: PointsRule, now: datetime) -> dict:
    state = "future" if rule.valid_from > now else ("past" if rule.valid_to and rule.valid_to <= now else "current")
    return {
        "id": rule.id,
        "code": rule.code,
        "name": rule.name,
        "source": rule.source,
        "match": rule.match,
        "points": rule.points,
        "needs_audit": rule.needs_audit,
        "cap_month": rule.cap_month,
        "valid_from": rule.valid_from,
        "valid_to": rule.valid_to,
        "state": state,
    }


def rules(now: datetime) -> list[dict]:
    """Every rule code, each with its versions oldest first and the one in force `now` (None if none is)."""
    by_code: dict[str, dict] = {}
    for row in db.session.scalars(select(PointsRule).order_by(PointsRule.id)):
        by_code.setdefault(row.code, {"code": row.code, "versions": []})["versions"].append(rule_version(row, now))
    for rule in by_code.values():
        rule["versions"].sort(key=lambda v: v["valid_from"])
        rule["current"] = next((v for v in rule["versions"] if v["state"] == "current"), None)
    return list(by_code.values())


def settings() -> dict:
    current = county_settings()
    return {key: getattr(current, key) for key in SETTINGS}


def catalogue() -> list[dict]:
    """The categories in the county's order, each with its items in order."""
    categories = db.session.scalars(
        select(ServiceCategory)
        .options(selectinload(ServiceCategory.items))
        .order_by(ServiceCategory.position, ServiceCategory.id)
    )
    return [
        {
            "id": c.id,
            "name": c.name,
            "position": c.position,
            "items": [{"id": i.id, "name": i.name, "position": i.position} for i in c.items],
        }
        for c in categories
    ]


def category_names() -> list[str]:
    """The categories in the county's order; empty while the county has loaded no catalogue."""
    return list(db.session.scalars(select(ServiceCategory.name).order_by(ServiceCategory.position, ServiceCategory.id)))
