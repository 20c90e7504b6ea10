"""The quarterly reporting duty (每季度至少到所在社区报到服务1次) and who has met it (报到率).

A member has reported in a stretch of time when one of their check-ins at an event of their OWN
residence community, starting in that stretch (Asia/Shanghai), has a posted and unreversed ledger
entry (DOMAIN rule 4). A pending or rejected check-in does not count, nor one at another community."""

from datetime import datetime

from sqlalchemy import and_, exists, select

from app.auth import scope
from app.checkins.models import Checkin
from app.events.models import Event
from app.extensions import db
from app.members.models import Member
from app.members.queries import in_scope
from app.org.models import Community, Unit
from app.points.models import EntryStatus
from ledger import periods
from ledger.states import State


def reported(start: datetime, end: datetime):
    """A boolean SQL expression, correlated to Member: the member reported at home within [start, end)."""
    return exists(
        select(Checkin.id)
        .join(Event, Event.id == Checkin.event_id)
        .join(
            EntryStatus,
            and_(
                EntryStatus.source == "checkin",
                EntryStatus.source_id == Checkin.id,
                EntryStatus.member_id == Checkin.member_id,
            ),
        )
        .where(
            Checkin.member_id == Member.id,
            Event.community_id == Member.community_id,
            Event.starts_at >= start,
            Event.starts_at < end,
            EntryStatus.state == State.POSTED.value,
            EntryStatus.reversed_by.is_(None),
        )
    )


def quarter_duty(quarter: str, *, community_id: int | None = None, unit_id: int | None = None) -> list[dict]:
    """Every active member in scope (the whole county without one) and whether they met the quarter's duty.

    Raises ledger.errors.InvalidPeriod for anything but YYYY-Qn."""
    periods.parse_quarter(quarter)
    start, end = periods.bounds(quarter)
    query = (
        select(
            Member.id,
            Member.name,
            Member.phone,
            Member.community_id,
            Community.name.label("community"),
            Member.unit_id,
            Unit.name.label("unit"),
            reported(start, end).label("met"),
        )
        .join(Community, Community.id == Member.community_id)
        .join(Unit, Unit.id == Member.unit_id)
        .where(Member.active)
        .order_by(Member.community_id, Member.id)
    )
    query = in_scope(query, community_id=community_id, unit_id=unit_id)
    return [
        {
            "member_id": r.id,
            "name": r.name,
            "phone": r.phone,
            "community_id": r.community_id,
            "community": r.community,
            "unit_id": r.unit_id,
            "unit": r.unit,
            "met": bool(r.met),
        }
        for r in db.session.execute(query)
    ]


def member_met(member_id: int, quarter: str) -> bool:
    """Whether one member has met the quarter's duty, by the same rule as the secretaries' lists."""
    start, end = periods.bounds(quarter)
    return bool(db.session.scalar(select(reported(start, end)).where(Member.id == member_id)))


def days_left(quarter: str, now: datetime) -> int:
    """Calendar days left to report in the quarter, counting today: all of them before it starts, 0 after."""
    start, end = periods.bounds(quarter)
    if now >= end:
        return 0
    if now < start:
        return (periods.local(end).date() - periods.local(start).date()).days
    return periods.days_left_in_quarter(now)


def rate(met: int, members: int) -> float:
    """A share from 0 to 1; 0 for no members (nobody to measure is not 100%)."""
    return met / members if members else 0.0


def _scope_names(community_id: int | None, unit_id: int | None) -> dict:
    community = db.session.get(Community, community_id) if community_id is not None else None
    unit = db.session.get(Unit, unit_id) if unit_id is not None else None
    return {
        "community_id": community_id,
        "community": community.name if community else None,
        "unit_id": unit_id,
        "unit": unit.name if unit else None,
    }


def duty_report(
    actor, quarter: str, *, community_id: int | None, unit_id: int | None, now: datetime, missing_only: bool = False
) -> dict:
    """GET /duty and /duty/missing: the quarter's members in a secretary's scope, with the reporting rate.

    Missing members go to their community's secretary and to their work unit's (上班时间单位管、下班时间社区管)."""
    scope.require_scope(actor, community_id=community_id, unit_id=unit_id)
    members = quarter_duty(quarter, community_id=community_id, unit_id=unit_id)
    met = sum(m["met"] for m in members)
    shown = [m for m in members if not m["met"]] if missing_only else members
    return {
        "quarter": quarter,
        **_scope_names(community_id, unit_id),
        "members": shown,
        "reporting_rate": rate(met, len(members)),
        "met": met,
        "total": len(members),
        "days_left": days_left(quarter, now),
    }
