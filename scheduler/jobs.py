"""The scheduled jobs. Each calls the same operations as the pages and the API, takes `now`, and is safe
to run twice: the second run changes nothing."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from apscheduler.triggers.cron import CronTrigger

from app.deliberation.jobs import deliberation_days
from app.events.return_days import ensure_return_days
from app.integrity.operations import default_workers, verify_and_record
from app.outbox.operations import deliver_due
from app.periods.operations import close_month
from app.periods.queries import audit_deadline
from app.periods.state import first_month_with_entries, last_closed
from app.reminders.operations import close_quarter, remind_audits, remind_duty, remind_return_days
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


def return_day_reminders(now: datetime) -> str:
    return f"回家日提醒：新增 {remind_return_days(now)} 条"


def duty_reminders(now: datetime) -> str:
    return f"季度报到提醒：新增 {remind_duty(now)} 条"


def audit_reminders(now: datetime) -> str:
    return f"审核提醒：新增 {remind_audits(now)} 条"


def quarter_close(now: datetime) -> str:
    done = close_quarter(now)
    return f"季度结算 {done['quarter']}：新存档 {done['recorded']} 人，提醒书记 {done['flagged']} 人"


def deliver_outbox(now: datetime) -> str:
    done = deliver_due(now)
    return f"发送短信：成功 {done['sent']}，待重试 {done['retry']}，放弃 {done['failed']}"


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
            "deliberation_days",
            deliberation_days,
            CronTrigger(hour=1, minute=10, timezone=periods.TZ),
            "每日 01:10 为各社区建立本月和下月第一个工作日的议事日（书记改过的日期不变）",
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
        Job(
            "quarter_close",
            quarter_close,
            CronTrigger(hour=3, minute=0, timezone=periods.TZ),
            "每日 03:00（月结账之后）存档已过审核截止日的季度报到结果，并提醒书记未报到的党员",
        ),
        Job(
            "return_day_reminders",
            return_day_reminders,
            CronTrigger(hour=7, minute=30, timezone=periods.TZ),
            "每日 07:30 提醒党员：回家日前三天和当天上午（已批准请假的除外）",
        ),
        Job(
            "duty_reminders",
            duty_reminders,
            CronTrigger(hour=8, minute=0, timezone=periods.TZ),
            "每日 08:00 检查：季度结束前两周提醒尚未报到的党员（每季度一次）",
        ),
        Job(
            "audit_reminders",
            audit_reminders,
            CronTrigger(hour=8, minute=30, timezone=periods.TZ),
            "每日 08:30 提醒书记：待审核超过3天的积分、临近审核截止日的月份",
        ),
        Job(
            "deliver_outbox",
            deliver_outbox,
            CronTrigger(minute="*", timezone=periods.TZ),
            "每分钟发送到期的短信/微信消息（失败按 1、5、30 分钟、2、6 小时重试，之后放弃）",
        ),
    )
}
