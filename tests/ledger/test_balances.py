"""How one entry's appearance or move changes the month balances: the deltas every writer applies."""

from ledger.balances import Balance, balance_moves, reversal_points
from ledger.states import State


def test_an_entry_appears_in_its_months_balance():
    assert balance_moves(points=5, old_state=None, new_state="posted", old_period=None, new_period="2026-11") == [
        ("2026-11", Balance(posted=5, posted_entries=1))
    ]
    assert balance_moves(points=3, old_state=None, new_state="rejected", old_period=None, new_period="2026-11") == []


def test_approval_moves_points_from_pending_to_posted():
    assert balance_moves(
        points=3, old_state=State.PENDING, new_state=State.POSTED, old_period="2026-11", new_period="2026-11"
    ) == [("2026-11", Balance(posted=3, pending=-3, posted_entries=1))]


def test_carrying_moves_pending_points_to_the_next_month():
    assert balance_moves(
        points=3, old_state="pending", new_state="pending", old_period="2026-11", new_period="2026-12"
    ) == [("2026-11", Balance(pending=-3)), ("2026-12", Balance(pending=3))]


def test_a_reversal_takes_back_exactly_what_was_given():
    assert reversal_points(5) == -5 and reversal_points(-2) == 2
