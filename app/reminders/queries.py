"""Who the calendar's reminders and flags go to: members due at a return day, secretaries and their queues."""

from datetime import date, datetime

from sqlalchemy import func, select

from app.auth.models import Account
from app.duty.models import QuarterOutcome
from app.events.models import Event
from app.extensions import db
from app.leave.models import LeaveRequest
from app.members.models import Member
from app.points.models import EntryStatus
from ledger import periods
from ledger.states import State


def return_days_between(start: datetime, end: datetime) -> list[Event]:
    """Return days starting within [start, end)."""
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.kind == "return_day", Event.starts_at >= start, Event.starts_at < end)
            .order_by(Event.starts_at, Event.id)
        )
    )


def expected_at(event: Event) -> list[Member]:
    """The community's active members, less those whose leave from the event was approved."""
    on_leave = select(LeaveRequest.member_id).where(LeaveRequest.event_id == event.id, LeaveRequest.state == "approved")
    return list(
        db.session.scalars(
            select(Member)
            .where(Member.community_id == event.community_id, Member.active, Member.id.not_in(on_leave))
            .order_by(Member.id)
        )
    )


def secretaries() -> list[Account]:
    """Every secretary who can act now (not suspended), with their community or unit."""
    return list(
        db.session.scalars(
            select(Account).where(Account.role == "secretary", Account.suspended.is_(False)).order_by(Account.id)
        )
    )


def _covers(account: Account, community_id: int, unit_id: int) -> bool:
    """A secretary's scope, as the audit queue reads it: their community and/or unit (both named: both)."""
    if account.community_id is None and account.unit_id is None:
        return False
    return account.community_id in (None, community_id) and account.unit_id in (None, unit_id)


def pending_audits() -> list[tuple[int, int, str, int, datetime]]:
    """Entries waiting for audit, grouped: (community_id, unit_id, period, count, oldest created_at)."""
    return [
        tuple(row)
        for row in db.session.execute(
            select(
                Member.community_id,
                Member.unit_id,
                EntryStatus.period,
                func.count(),
                func.min(EntryStatus.created_at),
            )
            .join(Member, Member.id == EntryStatus.member_id)
            .where(EntryStatus.state == State.PENDING.value)
            .group_by(Member.community_id, Member.unit_id, EntryStatus.period)
        )
    ]


def queue_of(account: Account, pending) -> dict:
    """One secretary's share of `pending_audits()`: how many, the oldest, and how many per month."""
    mine = [row for row in pending if _covers(account, row[0], row[1])]
    by_period: dict[str, int] = {}
    for _c, _u, period, count, _oldest in mine:
        by_period[period] = by_period.get(period, 0) + count
    oldest = min((row[4] for row in mine), default=None)
    return {"pending": sum(by_period.values()), "oldest": oldest, "by_period": by_period}


def missing_outcomes(quarter: str) -> list[tuple[int, str, int, int]]:
    """The quarter's recorded members who did not meet the duty: (member_id, name, community_id, unit_id)."""
    return [
        tuple(row)
        for row in db.session.execute(
            select(QuarterOutcome.member_id, Member.name, QuarterOutcome.community_id, QuarterOutcome.unit_id)
            .join(Member, Member.id == QuarterOutcome.member_id)
            .where(QuarterOutcome.quarter == quarter, QuarterOutcome.met.is_(False))
            .order_by(QuarterOutcome.member_id)
        )
    ]


def missing_for(account: Account, missing) -> list[str]:
    """The names in `missing_outcomes()` that are the secretary's to follow up."""
    return [name for _id, name, community_id, unit_id in missing if _covers(account, community_id, unit_id)]


def quarter_recorded(quarter: str) -> bool:
    return (
        db.session.scalar(select(QuarterOutcome.member_id).where(QuarterOutcome.quarter == quarter).limit(1))
        is not None
    )


def local_day_start(day: date) -> datetime:
    """00:00 of a day in Asia/Shanghai, as an aware datetime."""
    return datetime(day.year, day.month, day.day, tzinfo=periods.TZ)


def members_by_id(ids: list[int]) -> list[Member]:
    if not ids:
        return []
    return list(db.session.scalars(select(Member).where(Member.id.in_(ids)).order_by(Member.id)))
