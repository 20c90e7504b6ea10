"""One error family: every refusal the ledger makes is a Refusal with its code, Chinese message and status."""

import pytest

from ledger.errors import (
    AlreadyReversed,
    EarlierMonthOpen,
    IllegalTransition,
    InvalidPeriod,
    LaterMonthClosed,
    NotReversible,
    Refusal,
    RuleNotFound,
)


@pytest.mark.parametrize(
    "error, code, status",
    [
        (IllegalTransition("posted", "reject"), "illegal_transition", 409),
        (AlreadyReversed(3), "already_reversed", 409),
        (NotReversible(3, "pending"), "not_reversible", 409),
        (InvalidPeriod("2026-13", "month"), "invalid_period", 400),
        (RuleNotFound("checkin", "meeting"), "rule_not_found", 422),
        (EarlierMonthOpen("2026-11", "2026-10"), "earlier_month_open", 409),
        (LaterMonthClosed("2026-10", "2026-11"), "later_month_closed", 409),
    ],
)
def test_a_ledger_refusal_says_how_serious_it_is_in_the_http_status(error, code, status):
    assert isinstance(error, Refusal)
    assert (error.code, error.status) == (code, status)
    assert error.message and error.extra == {} and error.retry_after is None
