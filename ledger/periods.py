"""Months, quarters and the county calendar (回家日, 议事日), all in China Standard Time."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from .errors import EarlierMonthOpen, InvalidPeriod, LaterMonthClosed

TZ = ZoneInfo("Asia/Shanghai")

# Years are bounded so that every period has a next one inside datetime's range.
MIN_YEAR = 1900
MAX_YEAR = 9998

_MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")
_QUARTER = re.compile(r"([0-9]{4})-Q([1-4])")


def _require_aware(dt: datetime) -> None:
    if not isinstance(dt, datetime):
        raise TypeError(f"expected a datetime, got {type(dt).__name__}")
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("naive datetime: the ledger needs timezone-aware times")


def local(dt: datetime) -> datetime:
    """The same instant on the Asia/Shanghai clock."""
    _require_aware(dt)
    return dt.astimezone(TZ)


def month_of_date(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def quarter_of_date(d: date) -> str:
    return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"


def month_of(dt: datetime) -> str:
    return month_of_date(local(dt).date())


def quarter_of(dt: datetime) -> str:
    return quarter_of_date(local(dt).date())


def _check_year(year: int, value: str, expected: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidPeriod(value, expected, f"「{value}」的年份超出范围（{MIN_YEAR}–{MAX_YEAR}）")


def _parse(s: object, pattern: re.Pattern[str], expected: str) -> tuple[int, int]:
    m = pattern.fullmatch(s) if isinstance(s, str) else None
    if m is None or not isinstance(s, str):
        raise InvalidPeriod(s, expected)
    year = int(m.group(1))
    _check_year(year, s, expected)
    return year, int(m.group(2))


def parse_month(s: object) -> tuple[int, int]:
    return _parse(s, _MONTH, "month")


def parse_quarter(s: object) -> tuple[int, int]:
    return _parse(s, _QUARTER, "quarter")


def period_kind(s: object) -> str:
    """ "month" or "quarter"; anything else is an InvalidPeriod."""
    if isinstance(s, str) and _QUARTER.fullmatch(s):
        parse_quarter(s)
        return "quarter"
    if isinstance(s, str) and _MONTH.fullmatch(s):
        parse_month(s)
        return "month"
    raise InvalidPeriod(s)


def quarter_of_month(p: str) -> str:
    year, month = parse_month(p)
    return f"{year:04d}-Q{(month - 1) // 3 + 1}"


def months_of(quarter: str) -> list[str]:
    year, q = parse_quarter(quarter)
    return [f"{year:04d}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)]


def _shift(year: int, month: int, by: int) -> tuple[int, int]:
    n = year * 12 + (month - 1) + by
    return n // 12, n % 12 + 1


def months_up_to(p: str, n: int) -> list[str]:
    """The `n` months ending with `p`, oldest first; fewer when the calendar starts sooner (MIN_YEAR)."""
    months = [p]
    while len(months) < n and parse_month(months[0]) != (MIN_YEAR, 1):
        months.insert(0, prev_month(months[0]))
    return months


def next_month(p: str) -> str:
    year, month = _shift(*parse_month(p), 1)
    return f"{year:04d}-{month:02d}"


def prev_month(p: str) -> str:
    year, month = _shift(*parse_month(p), -1)
    return f"{year:04d}-{month:02d}"


# Months close in order (结账按月份先后): every seal covers the seal before it, so the closed months are
# always the ones up to the last closed month, and a month before it that never closed (it held nothing)
# is sealed over as well. "YYYY-MM" text sorts as the months do.


def sealed(period: str, last_closed: str | None) -> bool:
    """Whether `period` takes no more entries: it is the last closed month or lies before it."""
    return last_closed is not None and period <= last_closed


def landing_month(natural: str, last_closed: str | None) -> str:
    """Where an entry of month `natural` counts: there while it is open, else the first month after the
    last closed one (DOMAIN rule 5), so nothing ever lands behind a seal."""
    return next_month(last_closed) if last_closed is not None and sealed(natural, last_closed) else natural


def check_close_order(period: str, *, last_closed: str | None, first_open_with_entries: str | None) -> None:
    """Refuse to close `period` out of order; `first_open_with_entries` is the earliest month after
    `last_closed` that holds any entry (None: no such month)."""
    if last_closed is not None and period < last_closed:
        raise LaterMonthClosed(period, last_closed)
    if first_open_with_entries is not None and first_open_with_entries < period:
        raise EarlierMonthOpen(period, first_open_with_entries)


def _local_midnight_utc(year: int, month: int, day: int = 1) -> datetime:
    return datetime(year, month, day, tzinfo=TZ).astimezone(UTC)


def bounds(period: str) -> tuple[datetime, datetime]:
    """Half-open [start, end) in UTC of a month or a quarter on the local calendar."""
    if period_kind(period) == "month":
        year, month = parse_month(period)
        span = 1
    else:
        year, q = parse_quarter(period)
        month, span = 3 * q - 2, 3
    end_year, end_month = _shift(year, month, span)
    return _local_midnight_utc(year, month), _local_midnight_utc(end_year, end_month)


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def last_sunday(year: int, month: int) -> date:
    """The last Sunday of the month: Yongchun's return day (回家日)."""
    last = _last_day(year, month)
    # weekday(): Monday 0 … Sunday 6, so this steps back to the nearest Sunday.
    return last - timedelta(days=(last.weekday() + 1) % 7)


def return_day(period: str) -> date:
    return last_sunday(*parse_month(period))


def first_working_day(year: int, month: int) -> date:
    """The first Monday–Friday of the month: the deliberation day (议事日).

    No holiday calendar is applied; a county that needs one moves the day itself.
    """
    d = date(year, month, 1)
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def days_left_in_quarter(now: datetime) -> int:
    """Calendar days left in the local quarter, counting today: 1 on the quarter's last day."""
    today = local(now).date()
    last_month = (today.month - 1) // 3 * 3 + 3
    return (_last_day(today.year, last_month) - today).days + 1
