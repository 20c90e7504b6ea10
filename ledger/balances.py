"""A member's points in a month (posted, pending) and how one entry's move changes them."""

from __future__ import annotations

from dataclasses import dataclass

from .states import State


@dataclass
class Balance:
    """A member's points in one month: posted ones count in rankings, pending ones await audit."""

    posted: int = 0
    pending: int = 0
    posted_entries: int = 0

    def add(self, other: Balance) -> None:
        self.posted += other.posted
        self.pending += other.pending
        self.posted_entries += other.posted_entries

    def __bool__(self) -> bool:
        return bool(self.posted or self.pending or self.posted_entries)


def _share(points: int, state: State | None) -> Balance:
    if state is State.POSTED:
        return Balance(posted=points, posted_entries=1)
    if state is State.PENDING:
        return Balance(pending=points)
    return Balance()


def balance_moves(
    *, points: int, old_state: State | str | None, new_state: State | str, old_period: str | None, new_period: str
) -> list[tuple[str, Balance]]:
    """Per-period deltas when an entry appears (old_state None) or changes state or month.

    Zero deltas are left out, so a caller can apply the list as it is; periods come sorted,
    so two writers touching the same rows lock them in the same order.
    """
    old = State(old_state) if old_state is not None else None
    new = State(new_state)
    moves: dict[str, Balance] = {}
    if old is not None:
        before = _share(points, old)
        moves.setdefault(old_period or new_period, Balance()).add(
            Balance(-before.posted, -before.pending, -before.posted_entries)
        )
    moves.setdefault(new_period, Balance()).add(_share(points, new))
    return [(period, delta) for period, delta in sorted(moves.items()) if delta]


def reversal_points(entry_points: int) -> int:
    """A reversal takes back exactly what the entry gave (or gives back what it took)."""
    return -entry_points
