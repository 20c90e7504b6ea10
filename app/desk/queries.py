"""What the desk's home and audit pages show, gathered from each domain's own reads (no figure computed
twice, no query of its own)."""

from collections.abc import Sequence
from datetime import datetime

from app.duty.queries import duty_report
from app.events.queries import list_events
from app.leave.queries import leave_list
from app.notices.queries import desk_inbox
from app.points.queries import audit_queue, audit_queue_total, names_of_entries, queue_events
from ledger import periods

MISSING_SHOWN = 8
EVENTS_SHOWN = 20
INBOX_SHOWN = 5


def home(actor, where: dict, now: datetime) -> dict:
    """工作台: the audit queue's size, this quarter's reporting rate and the first members still missing,
    this month's and next month's events of the community, the leave requests waiting, the newest flags and
    reminders the ledger has sent them."""
    quarter = periods.quarter_of(now)
    duty = duty_report(actor, quarter, **where, now=now, missing_only=True)
    month = periods.month_of(now)
    events = []
    # A work unit's secretary has no community of their own to hold events; the county sees them all.
    if where["community_id"] is not None or actor.role == "admin":
        for shown in (month, periods.next_month(month)):
            events += list_events(actor, community_id=where["community_id"], kind=None, month=shown)
    return {
        "pending": audit_queue_total(actor, **where),
        "quarter": quarter,
        "duty": duty | {"members": duty["members"][:MISSING_SHOWN], "missing": len(duty["members"])},
        "events": events[:EVENTS_SHOWN],
        "more_events": len(events) > EVENTS_SHOWN,
        "leave_waiting": len(leave_list(actor, **where, state="pending")),
        "inbox": desk_inbox(actor, limit=INBOX_SHOWN),
    }


def audit_page(actor, where: dict, filters: dict, *, limit: int, offset: int, decided: Sequence[int] = ()) -> dict:
    """积分审核: one page of the queue (the API's query and filters), its size, the events to filter by, and
    the names of the members behind the entries just decided (those the caller may see)."""
    return {
        "entries": audit_queue(actor, **where, **filters, limit=limit, offset=offset),
        "total": audit_queue_total(actor, **where, **filters),
        "events": queue_events(actor, **where),
        "names": names_of_entries(actor, decided),
    }
