"""The scheduler's `deliberation_days` job: this month's and next month's 议事日 in every community."""

from datetime import datetime

from app.deliberation.operations import ensure_days
from ledger import periods


def deliberation_days(now: datetime) -> str:
    """The month of `now` and the next: a job down for a week still makes what is missing, and the months
    it missed before the current one stay unmade (a deliberation day is not held in the past)."""
    month = periods.month_of(now)
    made = {period: ensure_days(period, now) for period in (month, periods.next_month(month))}
    return "新建议事日 " + "，".join(f"{period}: {n}" for period, n in made.items())
