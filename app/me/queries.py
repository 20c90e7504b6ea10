"""What a member's home page shows, gathered from each domain's own reads (no figure computed twice)."""
from datetime import datetime, timedelta

from app.duty.queries import member_met
from app.events.queries import next_return_day, signed_up
from app.leave.queries import my_leave
from app.notices.queries import my_notices, unread_count
from app.points.queries import member_summary
from ledger import periods

UNREAD_SHOWN = 3


def home(account, now: datetime) -> dict:
    """首页: the figures of GET /api/v1/me, this quarter's duty, the next return day, unread notices."""
    member = account.member
    quarter = periods.quarter_of(now)
    event = next_return_day(member.community_id, now)
    unread = unread_count(member.id)
    return {
        "summary": member_summary(member, now),
        "month": periods.month_of(now),
        "quarter": quarter,
        "duty_met": member_met(member.id, quarter),
        "quarter_last_day": periods.local(periods.bounds(quarter)[1] - timedelta(seconds=1)).date(),
        "return_day": event,
        "signed_up": signed_up(member.id, event.id) if event else False,
        "leave": my_leave(member.id, event.id) if event else None,
        "unread": unread,
        "unread_notices": my_notices(member.id, limit=UNREAD_SHOWN, unread_only=True) if unread else [],
    }
