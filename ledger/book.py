"""The ledger's functional core (balance deltas, replay) and an in-memory Book built on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Iterator, Mapping

from .balances import Balance, balance_moves, reversal_points
from .chain import Head, advance, audit_record, entry_record
from .errors import AlreadyReversed, EntryNotFound, InvalidPeriod, NotReversible, PeriodClosed, UnsettledPeriod
from .periods import check_close_order, next_month, parse_month, sealed
from .states import Decision, State, decide


def balances_from_records(records: Iterable[Mapping]) -> dict[tuple[int, str], Balance]:
    """Every non-zero (member, period) balance, derived from the records alone.

    This is what a stored balance table is checked against: replaying entries and audit
    decisions through the same state table and deltas the writers used.
    """
    entries: dict[tuple[int, int], list] = {}
    out: dict[tuple[int, str], Balance] = {}

    def apply(chain: int, moves: list[tuple[str, Balance]]) -> None:
        for period, delta in moves:
            out.setdefault((chain, period), Balance()).add(delta)

    for r in records:
        chain = r["chain"]
        if r["kind"] == "entry":
            state = State(r["state"])
            entries[(chain, r["seq"])] = [r["points"], state, r["period"]]
            apply(chain, balance_moves(points=r["points"], old_state=None, new_state=state,
                                       old_period=None, new_period=r["period"]))
        elif r["kind"] == "audit":
            entry = entries[(chain, r["entry_seq"])]
            points, state, period = entry
            new = decide(state, r["decision"])
            if new is None:
                continue
            apply(chain, balance_moves(points=points, old_state=state, new_state=new,
                                       old_period=period, new_period=r["period"]))
            entry[1], entry[2] = new, r["period"]
    return {key: b for key, b in out.items() if b}


@dataclass
class _Entry:
    points: int
    state: State
    period: str
    is_reversal: bool
    reversed_by: int | None = None


class Book:
    """An in-memory ledger with the same rules the database layer keeps; for tests and tools."""

    def __init__(self) -> None:
        self._records: dict[int, list[dict]] = {}
        self._heads: dict[int, Head] = {}
        self._entries: dict[tuple[int, int], _Entry] = {}
        self._balances: dict[tuple[int, str], Balance] = {}
        self.closed: set[str] = set()

    # -- writing -------------------------------------------------------------

    def _append(self, member: int, record: dict) -> dict:
        self._heads[member] = advance(self._head(member), record)
        self._records.setdefault(member, []).append(record)
        return record

    def _head(self, member: int) -> Head:
        return self._heads.get(member) or Head(member)

    def _move(self, member: int, moves: list[tuple[str, Balance]]) -> None:
        for period, delta in moves:
            self._balances.setdefault((member, period), Balance()).add(delta)

    def _entry(self, member: int, seq: int) -> _Entry:
        entry = self._entries.get((member, seq))
        if entry is None:
            raise EntryNotFound(member, seq)
        return entry

    @property
    def last_closed(self) -> str | None:
        return max(self.closed, default=None)

    def _open(self, period: str) -> None:
        parse_month(period)
        if sealed(period, self.last_closed):
            raise PeriodClosed(period)

    def add_entry(self, member: int, *, period: str, points: int, rule: str, source: str,
                  source_id: int | None, state: State | str, now: datetime, reason: str | None = None) -> int:
        self._open(period)
        record = entry_record(self._head(member), period=period, points=points, rule=rule, source=source,
                              source_id=source_id, state=state, now=now, reason=reason)
        self._append(member, record)
        state = State(state)
        self._entries[(member, record["seq"])] = _Entry(points, state, period, is_reversal=False)
        self._move(member, balance_moves(points=points, old_state=None, new_state=state,
                                         old_period=None, new_period=period))
        return record["seq"]

    def _audit(self, member: int, seq: int, entry: _Entry, decision: Decision, new: State, *,
               actor_id: int | None, reason: str | None, period: str, now: datetime) -> dict:
        record = audit_record(self._head(member), entry_seq=seq, decision=decision, actor_id=actor_id,
                              reason=reason, period=period, now=now)
        self._append(member, record)
        self._move(member, balance_moves(points=entry.points, old_state=entry.state, new_state=new,
                                         old_period=entry.period, new_period=period))
        entry.state, entry.period = new, period
        return record

    def decide(self, member: int, entry_seq: int, decision: Decision | str, *, actor_id: int | None,
               reason: str | None, now: datetime, open_period: str | None = None) -> dict | None:
        """Apply an audit decision; None when it repeats what is so. CARRY goes to `open_period`."""
        entry = self._entry(member, entry_seq)
        decision = Decision(decision)
        new = decide(entry.state, decision)
        if new is None:
            return None
        if decision is Decision.CARRY:
            if open_period is None:
                raise ValueError("carrying needs open_period")
            return self.carry(member, entry_seq, to_period=open_period, now=now, actor_id=actor_id, reason=reason)
        # A closed month's balances are published; its pending entries must be carried out first.
        self._open(entry.period)
        return self._audit(member, entry_seq, entry, decision, new, actor_id=actor_id, reason=reason,
                           period=entry.period, now=now)

    def carry(self, member: int, entry_seq: int, *, to_period: str, now: datetime,
              actor_id: int | None = None, reason: str | None = None) -> dict:
        """Move a pending entry to a later open month (what closing its month does)."""
        entry = self._entry(member, entry_seq)
        new = decide(entry.state, Decision.CARRY)
        self._open(to_period)
        if to_period <= entry.period:
            raise InvalidPeriod(to_period, "month", f"待审核积分只能结转到{entry.period}之后的月份")
        return self._audit(member, entry_seq, entry, Decision.CARRY, new, actor_id=actor_id, reason=reason,
                           period=to_period, now=now)

    def reverse(self, member: int, entry_seq: int, *, reason: str | None, actor_id: int | None,
                period: str, now: datetime) -> int:
        """Post a new entry that negates a posted one, in `period` (an open month).

        The reversal keeps the original's rule, so "why do I have these points" sees the net; its
        source is the secretary's decision (`manual`, the actor's id), so the chain says who corrected.
        """
        entry = self._entry(member, entry_seq)
        if entry.is_reversal or entry.state is not State.POSTED:
            raise NotReversible(entry_seq, entry.state, is_reversal=entry.is_reversal)
        if entry.reversed_by is not None:
            raise AlreadyReversed(entry_seq, entry.reversed_by)
        self._open(period)
        original = self._records[member][entry_seq - 1]
        points = reversal_points(entry.points)
        record = entry_record(self._head(member), period=period, points=points, rule=original["rule"],
                              source="manual", source_id=actor_id,
                              state=State.POSTED, now=now, reverses_seq=entry_seq, reason=reason)
        self._append(member, record)
        seq = record["seq"]
        self._entries[(member, seq)] = _Entry(points, State.POSTED, period, is_reversal=True)
        entry.reversed_by = seq
        self._move(member, balance_moves(points=points, old_state=None, new_state=State.POSTED,
                                         old_period=None, new_period=period))
        return seq

    def pending_in(self, period: str) -> list[tuple[int, int]]:
        return sorted(key for key, e in self._entries.items() if e.period == period and e.state is State.PENDING)

    def close(self, period: str, *, now: datetime | None = None) -> list[dict]:
        """Close a month, in order; its balances never move again. Closing it twice changes nothing.

        With `now`, entries still pending are first carried (by the system) to the next open
        month; without it, pending entries refuse the close (UnsettledPeriod).
        Returns the carry records written.
        """
        parse_month(period)
        if period in self.closed:
            return []
        last = self.last_closed
        check_close_order(period, last_closed=last, first_open_with_entries=min(
            (e.period for e in self._entries.values() if not sealed(e.period, last)), default=None))
        pending = self.pending_in(period)
        if pending and now is None:
            raise UnsettledPeriod(period, len(pending))
        target = next_month(period)  # closed in order, so every later month is open
        carried = [self.carry(member, seq, to_period=target, now=now, reason="结账时尚未审核，结转下月")
                   for member, seq in pending]
        self.closed.add(period)
        return carried

    # -- reading -------------------------------------------------------------

    def records(self) -> Iterator[dict]:
        for member in sorted(self._records):
            yield from self._records[member]

    def heads(self) -> dict[int, Head]:
        return dict(self._heads)

    def balances(self) -> dict[tuple[int, str], Balance]:
        """Non-zero balances by (member, period), as copies."""
        return {key: Balance(b.posted, b.pending, b.posted_entries) for key, b in self._balances.items() if b}

    def state_of(self, member: int, seq: int) -> State:
        return self._entry(member, seq).state

    def period_of(self, member: int, seq: int) -> str:
        return self._entry(member, seq).period

    def reversed_by(self, member: int, seq: int) -> int | None:
        return self._entry(member, seq).reversed_by
