"""Which months are closed, and where a new entry lands: its own month if open, else the next open one."""
from sqlalchemy import select

from app.db import per_transaction
from app.extensions import db
from app.periods.models import Period
from ledger import periods


def is_closed(period: str) -> bool:
    return db.session.get(Period, period) is not None


def _closed() -> frozenset[str]:
    return frozenset(db.session.scalars(select(Period.period)))


def open_period(natural: str) -> str:
    """The first month from `natural` on that is not closed (DOMAIN rule 5: a closed month keeps its ranking).

    Read once per transaction: ledger writers hold the ledger's gate, so no close commits meanwhile."""
    closed = per_transaction("closed_periods", _closed)
    period = natural
    while period in closed:
        period = periods.next_month(period)
    return period
