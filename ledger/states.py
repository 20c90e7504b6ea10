"""Entry states and the audit decisions (积分审核) that move them."""

from __future__ import annotations

from enum import StrEnum

from .errors import IllegalTransition


class State(StrEnum):
    PENDING = "pending"
    POSTED = "posted"
    REJECTED = "rejected"


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    # A pending entry moved to the next open month when its own month closes.
    CARRY = "carry"


# None marks a decision that repeats what is already so: retried clicks and bulk actions
# must be harmless, so a repeat writes nothing rather than failing.
_TABLE: dict[tuple[State, Decision], State | None] = {
    (State.PENDING, Decision.APPROVE): State.POSTED,
    (State.PENDING, Decision.REJECT): State.REJECTED,
    (State.PENDING, Decision.CARRY): State.PENDING,
    (State.POSTED, Decision.APPROVE): None,
    (State.REJECTED, Decision.REJECT): None,
}


def decide(state: State | str, decision: Decision | str) -> State | None:
    """The state after `decision`, None for a repeat; IllegalTransition for impossible moves."""
    state, decision = State(state), Decision(decision)
    key = (state, decision)
    if key not in _TABLE:
        raise IllegalTransition(state, decision)
    return _TABLE[key]
