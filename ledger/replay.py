"""A member's chain replayed: where each entry stands after its records, and the month balances that follow."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .balances import Balance, balance_moves, reversal_points
from .errors import AlreadyReversed, LedgerError, NotReversible
from .states import State, decide

Record = Mapping[str, Any]


@dataclass(slots=True)
class Entry:
    """An entry as its chain's records leave it: what the entry-status projection must hold."""

    points: int
    state: State
    period: str
    is_reversal: bool
    reversed_by: int | None = None


class BrokenRecord(LedgerError):
    """A record the ledger's rules could never have written, whatever its hash says."""

    code = "broken_record"

    def __init__(self, seq: int, reason: str) -> None:
        super().__init__(reason, seq=seq)
        self.seq = seq
        self.reason = reason


_STATES = {state.value: state for state in State}

# Three states by three decisions, and a million records to replay: each answer is worked out once
# (refusals are not cached, they raise).
_decide = lru_cache(maxsize=64)(decide)


def replay(records: Iterable[Record]) -> dict[int, Entry]:
    """seq -> Entry for one chain's records, given in seq order and already known to link (chain.verify).

    Raises BrokenRecord at the first record that breaks a rule of the write path: a decision the state
    table refuses, or a reversal that is not of a posted, unreversed original, for exactly its points."""
    entries: dict[int, Entry] = {}
    for record in records:
        seq = record["seq"]
        if record["kind"] == "entry":
            state = _STATES.get(record["state"])
            if state is None:
                raise BrokenRecord(seq, f"未知的积分状态 {record['state']!r}")
            reverses = record["reverses_seq"]
            entries[seq] = Entry(record["points"], state, record["period"], reverses is not None)
            if reverses is not None:
                _reverse(entries, seq, reverses)
            continue
        entry = entries.get(record["entry_seq"])
        if entry is None:
            raise BrokenRecord(seq, f"审核记录指向的第 {record['entry_seq']} 条不是本链之前的积分条目")
        try:
            new = _decide(entry.state, record["decision"])
        except (LedgerError, ValueError) as error:
            raise BrokenRecord(seq, f"审核决定不合规则（{error}）") from None
        if new is not None:
            entry.state, entry.period = new, record["period"]
    return entries


def _reverse(entries: dict[int, Entry], seq: int, original_seq: int) -> None:
    original = entries.get(original_seq) if original_seq != seq else None
    if original is None:
        raise BrokenRecord(seq, f"冲正指向的第 {original_seq} 条不是积分条目")
    refusal: LedgerError | None = None
    if original.is_reversal or original.state is not State.POSTED:
        refusal = NotReversible(original_seq, original.state, is_reversal=original.is_reversal)
    elif original.reversed_by is not None:
        refusal = AlreadyReversed(original_seq, original.reversed_by)
    if refusal is not None:
        raise BrokenRecord(seq, f"冲正不合规则（{refusal}）")
    if entries[seq].points != reversal_points(original.points):
        raise BrokenRecord(seq, f"冲正的分值应为 {reversal_points(original.points)}")
    original.reversed_by = seq


@lru_cache(maxsize=4096)
def _final_share(points: int, state: State, period: str) -> tuple[tuple[str, Balance], ...]:
    # A million entries share a few dozen (points, state, month) triples: each is worked out once.
    return tuple(balance_moves(points=points, old_state=None, new_state=state, old_period=None, new_period=period))


def balances(entries: Iterable[Entry]) -> dict[str, Balance]:
    """The chain's non-zero balance in each month, as its entries stand.

    Balance moves telescope: a month's balance is every entry's move from nothing to where it stands
    now, the same sum the write path reaches one decision at a time."""
    out: dict[str, Balance] = {}
    for entry in entries:
        for period, delta in _final_share(entry.points, entry.state, entry.period):
            balance = out.get(period)
            if balance is None:
                balance = out[period] = Balance()
            balance.add(delta)
    return {period: balance for period, balance in out.items() if balance}
