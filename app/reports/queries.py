"""The monthly leaderboard report's figures (月度积分通报): rankings, quarterly duty, pairing and visits.

Rankings come from app.rankings (so the report adds up as the API does); duty, coverage and visits
from app.duty and app.stats; residents' needs from app.needs.figures. Both the workbook and the PDF are drawn from `month_report`."""

from datetime import datetime
from typing import TypedDict

from sqlalchemy import select

from app.auth import scope
from app.duty.queries import quarter_duty, rate
from app.errors import NotFound
from app.extensions import db
from app.hosts import on_replica
from app.needs.figures import breakdown
from app.org.models import Community, Region, Unit
from app.rankings.queries import full_ranking
from app.stats.queries import figures, figures_by
from ledger import periods

HISTORY_MONTHS = 6


def _county_name() -> str:
    return db.session.scalars(select(Region.name).where(Region.kind == "county").limit(1)).first() or "本县"


class _Scope(TypedDict):
    community_id: int | None
    unit_id: int | None


def _scope_name(community_id, unit_id) -> str | None:
    """The community's or unit's name, or None for the county; 404 for an unknown one."""
    if community_id is not None:
        community = db.session.get(Community, community_id)
        if community is None:
            raise NotFound("社区")
        return community.name
    if unit_id is not None:
        unit = db.session.get(Unit, unit_id)
        if unit is None:
            raise NotFound("单位")
        return unit.name
    return None


def month_report(
    account, period: str, *, community_id: int | None = None, unit_id: int | None = None, now: datetime
) -> dict:
    """Everything the month's report prints, within the account's scope (account None: the CLI, any scope);
    read on the replica when one serves (app.hosts)."""
    return on_replica(
        db.session, lambda: _month_report(account, period, community_id=community_id, unit_id=unit_id, now=now)
    )


def _month_report(account, period: str, *, community_id, unit_id, now: datetime) -> dict:
    periods.parse_month(period)
    if account is not None:
        scope.require_scope(account, community_id=community_id, unit_id=unit_id)
    name = _scope_name(community_id, unit_id)
    where: _Scope = {"community_id": community_id, "unit_id": unit_id}
    members = full_ranking(period, "member", **where)
    quarter = periods.quarter_of_month(period)
    duty = quarter_duty(quarter, **where)
    coverage = (
        figures_by(period, "community")
        if name is None
        else [{"id": community_id or unit_id, "name": name, **figures(period, **where)}]
    )
    return {
        "period": period,
        "closed": members["closed"],
        "county": _county_name(),
        "scope": name or "全县",
        "made_on": periods.local(now).date(),
        "members": members["rows"],
        "units": full_ranking(period, "unit", **where)["rows"],
        # A community ranking is not cut by work unit, so a unit's report shows the county's.
        "communities": full_ranking(period, "community", community_id=community_id)["rows"],
        "quarter": quarter,
        "duty": duty,
        "duty_rate": rate(sum(m["met"] for m in duty), len(duty)),
        "coverage": coverage,
        "totals": figures(period, **where),
        "needs": breakdown(period, **where),
        "history": [
            (
                month,
                sum(
                    r["points"]
                    for r in (members if month == period else full_ranking(month, "member", **where))["rows"]
                ),
            )
            for month in periods.months_up_to(period, HISTORY_MONTHS)
        ],
    }
