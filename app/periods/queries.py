"""What the county can read about a month: closed or not, its seal, and what still waits for audit."""

import calendar
from datetime import date, datetime

from sqlalchemy import func, select

from app.auth import scope
from app.extensions import db
from app.members.models import Member
from app.members.queries import in_scope
from app.org.models import Community
from app.org.settings import county_settings
from app.periods.models import Period
from app.periods.state import first_month_with_entries, last_closed
from app.points.models import EntryStatus
from ledger import periods
from ledger.states import State
from ledger.words import month_words


def period_status(period: str) -> dict:
    periods.parse_month(period)
    row = db.session.get(Period, period)
    return {
        "period": period,
        "closed": row is not None,
        "closed_at": row.closed_at.astimezone(periods.TZ).isoformat() if row else None,
        "seal": row.seal if row else None,
    }


def audit_deadline(period: str) -> date:
    """积分审核 ends on the county's audit day of the next month; the month closes after it."""
    year, month = periods.parse_month(periods.next_month(period))
    return date(year, month, min(county_settings().audit_day, calendar.monthrange(year, month)[1]))


def pending_by_community(account, period: str, *, community_id: int | None = None, unit_id: int | None = None) -> dict:
    """The month's entries still waiting for audit, counted per community, against the deadline."""
    periods.parse_month(period)
    scope.require_scope(account, community_id=community_id, unit_id=unit_id)
    query = (
        select(Community.id, Community.name, func.count(EntryStatus.entry_id))
        .join(Member, Member.id == EntryStatus.member_id)
        .join(Community, Community.id == Member.community_id)
        .where(EntryStatus.period == period, EntryStatus.state == State.PENDING.value)
        .group_by(Community.id, Community.name)
        .order_by(Community.id)
    )
    query = in_scope(query, community_id=community_id, unit_id=unit_id)
    communities = [{"community_id": cid, "community": name, "pending": n} for cid, name, n in db.session.execute(query)]
    deadline = audit_deadline(period)
    return {
        "period": period,
        "closed": db.session.get(Period, period) is not None,
        "deadline": deadline.isoformat(),
        "message": f"{month_words(period)}积分审核截止日期：{deadline.year}年{deadline.month}月{deadline.day}日",
        "pending": sum(c["pending"] for c in communities),
        "communities": communities,
    }


def overview(now: datetime) -> dict:
    """The county's months for the office, newest first: every month closed or holding entries, and the
    current one; each with its seal and its entries still pending by community (one grouped query). And
    the month a close may take now: the earliest open month holding entries, once it has ended (months
    close in order; one holding nothing is sealed over by the next close)."""
    current = periods.month_of(now)
    closed = {row.period: row for row in db.session.scalars(select(Period))}
    entries: dict[str, int] = dict(
        db.session.execute(select(EntryStatus.period, func.count()).group_by(EntryStatus.period)).tuples().all()
    )
    pending: dict[str, list[dict]] = {}
    by_community: dict[int, dict] = {}
    for period, community_id, name, n in db.session.execute(
        select(EntryStatus.period, Community.id, Community.name, func.count(EntryStatus.entry_id))
        .join(Member, Member.id == EntryStatus.member_id)
        .join(Community, Community.id == Member.community_id)
        .where(EntryStatus.state == State.PENDING.value)
        .group_by(EntryStatus.period, Community.id, Community.name)
        .order_by(EntryStatus.period, Community.id)
    ):
        pending.setdefault(period, []).append({"community_id": community_id, "community": name, "pending": n})
        total = by_community.setdefault(community_id, {"community_id": community_id, "community": name, "pending": 0})
        total["pending"] += n
    months = []
    for period in sorted({*closed, *entries, current}, reverse=True):
        row = closed.get(period)
        months.append(
            {
                "period": period,
                "words": month_words(period),
                "closed": row is not None,
                "closed_at": row.closed_at if row else None,
                "seal": row.seal if row else None,
                "ended": now >= periods.bounds(period)[1],
                "entries": entries.get(period, 0),
                "pending": sum(c["pending"] for c in pending.get(period, [])),
                "communities": pending.get(period, []),
            }
        )
    due = first_month_with_entries(last_closed())
    return {
        "months": months,
        "due": due,
        "closable": due if due is not None and now >= periods.bounds(due)[1] else None,
        "pending_by_community": sorted(by_community.values(), key=lambda c: (-c["pending"], c["community_id"])),
    }
