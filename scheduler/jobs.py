"""The scheduled jobs. Each calls the same operations as the pages and the API, takes `now`, and is safe
to run twice: the second run changes nothing."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from apscheduler.triggers.cron import CronTrigger

from app.events.return_days import ensure_return_days
from app.integrity.operations import default_workers, verify_and_record
from app.periods.operations import close_month
from app.periods.queries import audit_deadline
from app.periods.state import first_month_with_entries, last_closed
from ledger import periods

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[datetime], str]
    trigger: CronTrigger
    doc: str


def return_days(now: datetime) -> str:
    """This month's return day for every community while it is still to come, else next month's: an event
    never starts in the past (a community added after the day gets next month's)."""
    month = periods.month_of(now)
    period = month if periods.local(now).date() <= periods.return_day(month) else periods.next_month(month)
    made = ensure_return_days(period, now)
    return f"新建回家日活动 {period}: {made}"


def _last_due(now: datetime) -> str:
    """The latest month whose audit deadline has passed by `now`."""
    previous = periods.prev_month(periods.month_of(now))
    return previous if periods.local(now).date() > audit_deadline(previous) else periods.prev_month(previous)


def close_due_months(now: datetime) -> str:
    """Close every month that holds entries and whose audit deadline has passed, oldest first: a missed
    close still happens once. A month that holds nothing is skipped, and sealed over by the next close."""
    due = _last_due(now)
    closed = []
    period = first_month_with_entries(last_closed())
    while period is not None and period <= due:
        close_month(period, None, now)
        closed.append(period)
        period = first_month_with_entries(period)
    return "结账 " + ("、".join(closed) if closed else "无到期月份")


def verify_ledger(now: datetime) -> str:
    """Check the whole ledger and record the run for the office's home; a second run records a second
    check and changes nothing else. `now` is not used: the check is of the ledger as it stands."""
    verified = verify_and_record("scheduler", default_workers())
    if verified.ok:
        assert verified.summary is not None
        return f"台账校验通过：{verified.summary['records']} 条记录"
    log.error("ledger verify failed: %s", verified.failure)
    return f"台账校验未通过：{verified.failure}"


JOBS = {
    job.name: job
    for job in (
        Job(
            "return_days",
            return_days,
            CronTrigger(hour=1, minute=0, timezone=periods.TZ),
            "每日 01:00 为各社区建立本月（及下月）最后一个星期日的回家日活动",
        ),
        Job(
            "close_month",
            close_due_months,
            CronTrigger(hour=2, minute=0, timezone=periods.TZ),
            "每日 02:00 对已过审核截止日的月份结账（封存排名与哈希链）",
        ),
        Job(
            "verify_ledger",
            verify_ledger,
            # After the night's close, so the seal it has just written is checked the same night.
            CronTrigger(hour=2, minute=30, timezone=periods.TZ),
            "每日 02:30 校验整个积分台账（哈希、链、余额、封存），结果显示在组织部后台首页",
        ),
    )
}
