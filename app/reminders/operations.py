"""The calendar's reminders (提醒) and the quarter close's flags: into inboxes, and by SMS through the outbox.

Each takes `now` and is safe to run twice (every message has a dedupe key). After downtime each catches up
only what is still useful: a reminder whose day has passed is not sent late (see each function)."""

import logging
from datetime import datetime, timedelta

from app.db import transaction
from app.duty.operations import record_quarter
from app.duty.queries import days_left, quarter_duty
from app.notices.operations import deliver
from app.outbox.operations import enqueue
from app.periods.queries import audit_deadline
from app.reminders import queries
from ledger import periods
from ledger.words import month_words

log = logging.getLogger(__name__)

EARLY_DAYS = 3  # the first return-day reminder, this many days before
DUTY_DAYS = 14  # members short of the quarter's duty are told when this many days are left
STALE_AFTER = timedelta(days=3)  # an entry waiting longer is overdue for audit
DEADLINE_DAYS = 3  # secretaries are told this many days before a month's audit deadline
NAMES_SHOWN = 10


def _quarter_words(quarter: str) -> str:
    year, q = periods.parse_quarter(quarter)
    return f"{year}年第{q}季度"


def _tell(messages: list[dict], now: datetime, *, expires_at: datetime | None = None) -> int:
    """Into each recipient's inbox, and each message with a `phone` also by SMS (same dedupe key)."""
    added = deliver(messages, now)
    for m in messages:
        if m.get("phone"):
            recipient = f"member:{m['member_id']}" if m.get("member_id") else f"account:{m['account_id']}"
            enqueue(
                text=f"【积分台账】{m['title']}：{m['body']}",
                phone=m["phone"],
                account_id=m.get("account_id"),
                dedupe=f"{m['dedupe']}:{recipient}",
                expires_at=expires_at,
                now=now,
            )
    return added


def remind_return_days(now: datetime) -> int:
    """回家日提醒: each member expected at a return day (not on approved leave), three days before and on the
    morning of the day. Catching up: the early reminder goes on any of the three days before if missed; the
    day's own reminder only before the event starts; nothing for a day already begun."""
    today = periods.local(now).date()
    added = 0
    with transaction():
        horizon = queries.local_day_start(today + timedelta(days=EARLY_DAYS + 1))
        for event in queries.return_days_between(now, horizon):
            day = periods.local(event.starts_at).date()
            which = "day" if day == today else "3d"
            starts = periods.local(event.starts_at)
            when = f"{starts.month}月{starts.day}日 {starts:%H:%M}"
            title = "今天是回家日" if which == "day" else "回家日提醒"
            body = f"{event.title}：{when}，{event.place or '本社区'}。请准时到社区报到服务；不能参加请提前请假。"
            messages = [
                {
                    "member_id": member.id,
                    "phone": member.phone,
                    "kind": "reminder",
                    "title": title,
                    "body": body,
                    "link": "/me/events",
                    "dedupe": f"return_day-{which}:event:{event.id}",
                }
                for member in queries.expected_at(event)
            ]
            added += _tell(messages, now, expires_at=event.starts_at)
    log.info("return-day reminders as of %s: %s new", now.isoformat(), added)
    return added


def remind_duty(now: datetime) -> int:
    """季度报到提醒: members who have not yet met the quarter's duty, once, when 14 days or fewer are left.
    Catching up: on any later day of the quarter if missed; never after it ends."""
    quarter = periods.quarter_of(now)
    left = days_left(quarter, now)
    if not 0 < left <= DUTY_DAYS:
        return 0
    last_day = periods.local(periods.bounds(quarter)[1] - timedelta(seconds=1)).date()
    body = (
        f"{_quarter_words(quarter)}还剩 {left} 天（至{last_day.month}月{last_day.day}日），您本季度尚未到居住社区报到服务，"
        "请参加社区活动或回家日。已参加但积分待审核的，审核通过后即计入。"
    )
    with transaction():
        member_phones = {
            m.id: m.phone
            for m in queries.members_by_id([m["member_id"] for m in quarter_duty(quarter) if not m["met"]])
        }
        messages = [
            {
                "member_id": member_id,
                "phone": phone,
                "kind": "reminder",
                "title": "季度报到服务提醒",
                "body": body,
                "link": "/me/events",
                "dedupe": f"duty-{DUTY_DAYS}d:{quarter}",
            }
            for member_id, phone in member_phones.items()
        ]
        added = _tell(messages, now, expires_at=periods.bounds(quarter)[1])
    log.info("duty reminders for %s: %s new", quarter, added)
    return added


def remind_audits(now: datetime) -> int:
    """审核提醒 to secretaries: entries in their queue waiting over 3 days (at most once a day, while any
    does), and a month with pending entries within 3 days of its audit deadline (once per month). Catching
    up: only today's; a deadline already passed is the month close's, not a reminder's."""
    today = periods.local(now).date()
    messages = []
    with transaction():
        pending = queries.pending_audits()
        for account in queries.secretaries():
            queue = queries.queue_of(account, pending)
            if not queue["pending"]:
                continue
            base = {"account_id": account.id, "phone": account.phone, "kind": "reminder", "link": "/desk/audit"}
            if queue["oldest"] <= now - STALE_AFTER:
                waited = (now - queue["oldest"]).days
                messages.append(
                    base
                    | {
                        "title": "待审核积分已超过3天",
                        "body": f"审核队列中有 {queue['pending']} 条积分待审核，最早的已等待 {waited} 天，请及时审核。",
                        "dedupe": f"audit-stale:{today.isoformat()}",
                    }
                )
            for period, count in sorted(queue["by_period"].items()):
                deadline = audit_deadline(period)
                if 0 <= (deadline - today).days <= DEADLINE_DAYS:
                    messages.append(
                        base
                        | {
                            "title": f"{month_words(period)}积分审核即将截止",
                            "body": f"{month_words(period)}还有 {count} 条积分待审核，"
                            f"审核截止日期：{deadline.year}年{deadline.month}月{deadline.day}日，逾期将随月结账。",
                            "dedupe": f"audit-deadline:{period}",
                        }
                    )
        added = _tell(messages, now, expires_at=queries.local_day_start(today + timedelta(days=1)))
    log.info("audit reminders as of %s: %s new", now.isoformat(), added)
    return added


def last_quarter_due(now: datetime) -> str:
    """The latest quarter whose last month's audit deadline has passed: its check-ins are all decided."""
    quarter = periods.quarter_of(now)
    while True:
        quarter = periods.quarter_of(periods.bounds(quarter)[0] - timedelta(seconds=1))
        if periods.local(now).date() > audit_deadline(periods.months_of(quarter)[-1]):
            return quarter


def close_quarter(now: datetime) -> dict:
    """季度结算: the latest due quarter's duty outcomes recorded once (the same operation as `flask duty
    record`), and each community's and unit's secretary flagged with their members who missed it, once.

    Recorded only after the quarter's last month is past its audit deadline, so a check-in still waiting for
    audit is not judged missing. A quarter already recorded (by this job or the command) is not recorded
    again, so a member who joined later gets no outcome for it; its flags still go out if none did."""
    quarter = last_quarter_due(now)
    with transaction():
        recorded = 0 if queries.quarter_recorded(quarter) else record_quarter(quarter, now)["recorded"]
        missing = queries.missing_outcomes(quarter)
        messages = []
        for account in queries.secretaries():
            names = queries.missing_for(account, missing)
            if not names:
                continue
            listed = "、".join(names[:NAMES_SHOWN]) + ("等" if len(names) > NAMES_SHOWN else "")
            messages.append(
                {
                    "account_id": account.id,
                    "kind": "flag",
                    "title": f"{_quarter_words(quarter)}有 {len(names)} 名党员未完成报到服务",
                    "body": f"{listed}，共 {len(names)} 人本季度未到居住社区报到服务，请了解情况、督促提醒。",
                    "link": f"/desk/duty?quarter={quarter}",
                    "dedupe": f"duty-missing:{quarter}",
                }
            )
        flagged = deliver(messages, now)
    log.info("quarter %s closed: %s outcomes recorded, %s secretaries flagged", quarter, recorded, flagged)
    return {"quarter": quarter, "recorded": recorded, "flagged": flagged}
