"""The scheduled jobs. Each calls the same operations as the pages and the API, takes `now`, and is safe
to run twice: the second run changes nothing."""
import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select

from app.db import transaction
from app.events.return_days import ensure_return_days
from app.extensions import db
from app.periods.operations import close_month
from app.periods.state import is_closed
from app.points.models import Balance
from app.points.rules import county_settings
from ledger import periods

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[datetime], str]
    trigger: CronTrigger
    doc: str


def return_days(now: datetime) -> str:
    """This month's return day for every community, and next month's once this one has passed."""
    month = periods.month_of(now)
    made = []
    for period in (month, periods.next_month(month)):
        with transaction():
            made.append(f"{period}: {ensure_return_days(period, now)}")
        if periods.local(now).date() <= periods.return_day(month):
            break
    return "新建回家日活动 " + "，".join(made)


def _deadline(month: str) -> date:
    """The audit deadline for the month before `month`: the county's audit day of `month`."""
    year, number = periods.parse_month(month)
    return date(year, number, county_settings().audit_day)


def close_due_months(now: datetime) -> str:
    """Close every month before now's whose audit deadline has passed, oldest first: a missed close still happens once."""
    month = periods.month_of(now)
    last = periods.prev_month(month) if periods.local(now).date() > _deadline(month) else periods.prev_month(periods.prev_month(month))
    first = db.session.scalar(select(Balance.period).order_by(Balance.period).limit(1))
    closed = []
    period = first
    while period is not None and period <= last:
        if not is_closed(period):
            close_month(period, None, now)
            closed.append(period)
        period = periods.next_month(period)
    return "结账 " + ("、".join(closed) if closed else "无到期月份")


JOBS = {
    job.name: job for job in (
        Job("return_days", return_days, CronTrigger(hour=1, minute=0, timezone=periods.TZ),
            "每日 01:00 为各社区建立本月（及下月）最后一个星期日的回家日活动"),
        Job("close_month", close_due_months, CronTrigger(hour=2, minute=0, timezone=periods.TZ),
            "每日 02:00 对已过审核截止日的月份结账（封存排名与哈希链）"),
    )
}
