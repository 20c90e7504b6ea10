"""Which months are closed, and where a new entry lands: its own month if open, else the first open one."""

from sqlalchemy import bindparam, exists, func, select

from app.db import per_transaction
from app.extensions import db
from app.hot_statements import HotStatement
from app.periods.models import Period
from app.points.models import EntryStatus
from ledger import periods

# Every ranking request asks it first: one statement compiled once, not an ORM load of the row.
_CLOSED = HotStatement(select(exists().where(Period.period == bindparam("period"))))


def is_closed(period: str) -> bool:
    return bool(_CLOSED.run({"period": period}).scalar())


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
