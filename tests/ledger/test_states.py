"""The audit table: every (state, decision) pair, legal, repeated or refused."""

import pytest

from ledger.errors import IllegalTransition
from ledger.states import Decision, State, decide

P, R, X = State.POSTED, State.REJECTED, State.PENDING
REPEAT = None
ILLEGAL = "illegal"

TABLE = {
    (X, Decision.APPROVE): P,
    (X, Decision.REJECT): R,
    (X, Decision.CARRY): X,
    (P, Decision.APPROVE): REPEAT,
    (P, Decision.REJECT): ILLEGAL,
    (P, Decision.CARRY): ILLEGAL,
    (R, Decision.APPROVE): ILLEGAL,
    (R, Decision.REJECT): REPEAT,
    (R, Decision.CARRY): ILLEGAL,
}


def test_the_table_covers_every_pair():
    assert set(TABLE) == {(s, d) for s in State for d in Decision}


@pytest.mark.parametrize(("state", "decision"), list(TABLE))
def test_each_decision_moves_repeats_or_is_refused(state, decision):
    expected = TABLE[(state, decision)]
    if expected == ILLEGAL:
        with pytest.raises(IllegalTransition) as caught:
            decide(state, decision)
        assert caught.value.code == "illegal_transition"
        assert caught.value.message
    else:
        assert decide(state, decision) == expected
        assert decide(state.value, decision.value) == expected


def test_a_posted_entry_cannot_be_rejected_only_reversed():
    with pytest.raises(IllegalTransition) as caught:
        decide("posted", "reject")
    assert caught.value.message == "已入账的积分不能驳回，请使用冲正"
    assert str(caught.value) == caught.value.message


def test_a_repeated_approval_changes_nothing():
    assert decide(State.POSTED, Decision.APPROVE) is None


def test_states_and_decisions_are_their_strings():
    assert State.PENDING == "pending" and Decision.CARRY == "carry"
