"""Month close (月结): carry what is still pending, seal every chain's head, and freeze the rankings."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select

from app.action_log.operations import record
from app.auth import scope
from app.db import transaction
from app.errors import Refusal
from app.extensions import db
from app.periods.models import Period, SealHead
from app.periods.state import first_month_with_entries, last_closed, open_period
from app.points.models import EntryStatus, LedgerRecord
from app.points.operations import carry, enter_ledger
from app.rankings.operations import freeze
from ledger import chain, periods
from ledger.states import State
from ledger.words import month_words


@dataclass(frozen=True)
class Closing:
    """What a close did: the month's row, how many pending entries moved on, and whether it was closed before."""

    period: str
    closed_at: datetime
    seal: str
    carried: int
    to_period: str | None
    already_closed: bool


def close_month(period: str, actor, now: datetime) -> Closing:
    """Close `period` in one transaction; closing a closed month changes nothing and returns it. `actor` is
    the admin's account, or None for the scheduler and the command line (the county itself).

    Months close in order (409 earlier_month_open, later_month_closed), so each seal covers the one before."""
    with transaction():
        periods.parse_month(period)
        _serialise_closes()
        done = db.session.get(Period, period)
        if done is not None:
            return Closing(period, done.closed_at, done.seal, 0, None, True)
        if now < periods.bounds(period)[1]:
            raise Refusal("period_not_ended", f"{period} 尚未结束（按北京时间），不能结账", status=409)
        last = last_closed()
        periods.check_close_order(period, last_closed=last, first_open_with_entries=first_month_with_entries(last))
        to_period = open_period(periods.next_month(period))
        pending = db.session.scalars(
            select(EntryStatus)
            .where(EntryStatus.period == period, EntryStatus.state == State.PENDING.value)
            .order_by(EntryStatus.entry_id)
        ).all()
        for status in pending:
            carry(status, to_period, now)
        heads = _heads()
        prev_seal = db.session.get_one(Period, last).seal if last is not None else ""
        seal = chain.seal(period, heads, prev_seal)
        db.session.add(
            Period(period=period, closed_at=now, closed_by=actor.id if actor else None, seal=seal, prev_seal=prev_seal)
        )
        db.session.flush()
        if heads:
            db.session.execute(
                insert(SealHead), [{"period": period, "chain": h.chain, "seq": h.seq, "hash": h.hash} for h in heads]
            )
        freeze(period)
        record(actor, "period.close", f"{month_words(period)}（{period}）", seal=seal, carried=len(pending))
        return Closing(period, now, seal, len(pending), to_period, False)


def close_month_as(account, period: str, now: datetime) -> Closing:
    """The county publishes the month's ranking (实时通报): only an admin closes a month by hand."""
    scope.require(scope.may_close_month(account), "只有组织部管理员可以结账")
    return close_month(period, account, now)


def _serialise_closes() -> None:
    # Alone at the ledger's gate: writers in flight finish first, new ones wait for the seal, and a second
    # close of the same month waits here, then finds it closed.
    enter_ledger(closing=True)


def _heads() -> list[chain.Head]:
    """Every chain's last record (seq, hash) as it stands now."""
    last = select(LedgerRecord.chain, func.max(LedgerRecord.seq).label("seq")).group_by(LedgerRecord.chain).subquery()
    query = (
        select(LedgerRecord.chain, LedgerRecord.seq, LedgerRecord.hash)
        .join(last, (LedgerRecord.chain == last.c.chain) & (LedgerRecord.seq == last.c.seq))
        .order_by(LedgerRecord.chain)
    )
    return [chain.Head(r.chain, r.seq, r.hash) for r in db.session.execute(query)]
