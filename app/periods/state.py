"""Which months are closed, and where a new entry lands: its own month if open, else the first open one."""

from sqlalchemy import func, select

from app.db import per_transaction
from app.extensions import db
from app.periods.models import Period
from app.points.models import EntryStatus
from ledger import periods


def is_closed(period: str) -> bool:
    return db.session.get(Period, period) is not None


def last_closed() -> str | None:
    """The latest closed month: months close in order, so every month up to it is sealed."""
    return db.session.scalar(select(func.max(Period.period)))


def first_month_with_entries(after: str | None) -> str | None:
    """The earliest month after `after` (None: ever) in which some entry counts."""
    query = select(func.min(EntryStatus.period))
    if after is not None:
        query = query.where(EntryStatus.period > after)
    return db.session.scalar(query)


def open_period(natural: str) -> str:
    """The month an entry of month `natural` lands in (DOMAIN rule 5: a closed month keeps its ranking).

    Read once per transaction: ledger writers hold the ledger's gate, so no close commits meanwhile."""
    return periods.landing_month(natural, per_transaction("last_closed", last_closed))
