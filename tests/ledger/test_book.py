"""The in-memory Book: audit, reversal, carrying and closing, and the property that ties them."""

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import event, given, settings, strategies as st

from ledger.book import Balance, Book, balance_moves, balances_from_records, reversal_points
from ledger.chain import verify
from ledger.errors import (
    AlreadyReversed, EarlierMonthOpen, EntryNotFound, IllegalTransition, InvalidPeriod, LaterMonthClosed, LedgerError,
    NotReversible, PeriodClosed, UnsettledPeriod,
)
from ledger.states import Decision, State

NOW = datetime(2026, 11, 29, 2, tzinfo=timezone.utc)


def checkin(book, member=1, *, period="2026-11", points=5, state="posted", source_id=1):
    return book.add_entry(member, period=period, points=points, rule="checkin.return_day", source="checkin",
                          source_id=source_id, state=state, now=NOW)


def test_an_entry_appears_in_its_months_balance():
    assert balance_moves(points=5, old_state=None, new_state="posted", old_period=None, new_period="2026-11") == [
        ("2026-11", Balance(posted=5, posted_entries=1))]
    assert balance_moves(points=3, old_state=None, new_state="rejected", old_period=None, new_period="2026-11") == []


def test_approval_moves_points_from_pending_to_posted():
    assert balance_moves(points=3, old_state=State.PENDING, new_state=State.POSTED, old_period="2026-11",
                         new_period="2026-11") == [("2026-11", Balance(posted=3, pending=-3, posted_entries=1))]


def test_carrying_moves_pending_points_to_the_next_month():
    assert balance_moves(points=3, old_state="pending", new_state="pending", old_period="2026-11",
                         new_period="2026-12") == [("2026-11", Balance(pending=-3)), ("2026-12", Balance(pending=3))]


def test_a_reversal_takes_back_exactly_what_was_given():
    assert reversal_points(5) == -5 and reversal_points(-2) == 2


def test_a_repeated_approval_changes_nothing():
    book = Book()
    seq = checkin(book, state="pending")
    assert book.decide(1, seq, "approve", actor_id=9, reason=None, now=NOW)["decision"] == "approve"
    before = list(book.records())
    assert book.decide(1, seq, Decision.APPROVE, actor_id=9, reason=None, now=NOW) is None
    assert list(book.records()) == before
    assert book.balances() == {(1, "2026-11"): Balance(posted=5, posted_entries=1)}


def test_a_posted_entry_is_corrected_by_a_reversal_not_a_rejection():
    book = Book()
    seq = checkin(book)
    with pytest.raises(IllegalTransition):
        book.decide(1, seq, "reject", actor_id=9, reason="重复", now=NOW)
    rev = book.reverse(1, seq, reason="重复签到", actor_id=9, period="2026-11", now=NOW)
    record = list(book.records())[-1]
    assert (record["seq"], record["points"], record["reverses_seq"], record["state"]) == (rev, -5, seq, "posted")
    assert book.balances() == {(1, "2026-11"): Balance(posted=0, posted_entries=2)}
    assert book.reversed_by(1, seq) == rev


def test_an_entry_is_reversed_once_and_a_reversal_never():
    book = Book()
    seq = checkin(book)
    rev = book.reverse(1, seq, reason="错", actor_id=9, period="2026-11", now=NOW)
    with pytest.raises(AlreadyReversed) as caught:
        book.reverse(1, seq, reason="错", actor_id=9, period="2026-11", now=NOW)
    assert caught.value.code == "already_reversed"
    with pytest.raises(NotReversible):
        book.reverse(1, rev, reason="错", actor_id=9, period="2026-11", now=NOW)


@pytest.mark.parametrize("state", ["pending", "rejected"])
def test_only_posted_points_can_be_reversed(state):
    book = Book()
    seq = checkin(book, state="pending")
    if state == "rejected":
        book.decide(1, seq, "reject", actor_id=9, reason="不在现场", now=NOW)
    with pytest.raises(NotReversible) as caught:
        book.reverse(1, seq, reason="x", actor_id=9, period="2026-11", now=NOW)
    assert caught.value.code == "not_reversible"


def test_closing_a_month_carries_what_is_still_pending_and_freezes_the_rest():
    book = Book()
    posted = checkin(book, source_id=1)
    pending = checkin(book, state="pending", source_id=2)
    with pytest.raises(UnsettledPeriod):
        book.close("2026-11")
    carried = book.close("2026-11", now=NOW)
    assert [(r["entry_seq"], r["decision"], r["period"], r["actor_id"]) for r in carried] == [
        (pending, "carry", "2026-12", None)]
    assert book.period_of(1, pending) == "2026-12"
    frozen = book.balances()[(1, "2026-11")]
    assert book.close("2026-11", now=NOW) == []
    with pytest.raises(PeriodClosed):
        checkin(book, source_id=3)
    with pytest.raises(PeriodClosed):
        book.reverse(1, posted, reason="重复", actor_id=9, period="2026-11", now=NOW)
    rev = book.reverse(1, posted, reason="重复", actor_id=9, period="2026-12", now=NOW)
    assert book.period_of(1, rev) == "2026-12"
    assert book.balances()[(1, "2026-11")] == frozen
    assert book.balances()[(1, "2026-12")] == Balance(posted=-5, pending=5, posted_entries=1)


def test_carrying_goes_forward_to_an_open_month_only():
    book = Book()
    seq = checkin(book, state="pending")
    with pytest.raises(InvalidPeriod):
        book.carry(1, seq, to_period="2026-10", now=NOW)
    book.close("2026-10")
    with pytest.raises(PeriodClosed):
        book.carry(1, seq, to_period="2026-10", now=NOW)
    assert book.decide(1, seq, "carry", actor_id=None, reason=None, now=NOW, open_period="2027-02")["period"] == "2027-02"


def test_months_close_in_order_and_an_empty_month_before_a_closed_one_is_sealed_over():
    book = Book()
    checkin(book, period="2026-09", source_id=1)
    checkin(book, period="2026-11", source_id=2)
    with pytest.raises(EarlierMonthOpen) as caught:
        book.close("2026-11", now=NOW)
    assert caught.value.code == "earlier_month_open" and "2026年9月" in caught.value.message
    assert book.closed == set()
    book.close("2026-09", now=NOW)
    book.close("2026-11", now=NOW)  # 2026-10 held nothing: it never needs closing
    with pytest.raises(LaterMonthClosed) as caught:
        book.close("2026-10", now=NOW)
    assert caught.value.code == "later_month_closed"
    with pytest.raises(PeriodClosed):
        checkin(book, period="2026-10", source_id=3)
    assert book.closed == {"2026-09", "2026-11"}


def test_an_unknown_entry_is_entry_not_found():
    book = Book()
    seq = checkin(book, state="pending")
    book.decide(1, seq, "approve", actor_id=9, reason=None, now=NOW)
    for member, target in ((1, 2), (1, 9), (2, 1)):  # an audit record, beyond the end, another member
        with pytest.raises(EntryNotFound):
            book.decide(member, target, "approve", actor_id=9, reason=None, now=NOW)


# -- the property -------------------------------------------------------------

MONTHS = ["2026-10", "2026-11", "2026-12"]
members = st.integers(1, 4)
months = st.sampled_from(MONTHS)
picks = st.integers(0, 50)
adds = st.tuples(st.just("add"), members, months, st.sampled_from(["checkin", "visit"]),
                 st.sampled_from(["pending", "posted"]), st.integers(-3, 6))
decisions = st.tuples(st.just("decide"), members, picks, st.sampled_from(list(Decision)), months)
# Adds and decisions are drawn more often than closes, so histories have something to close.
operations = st.lists(st.one_of(
    adds, adds, adds, decisions, decisions, decisions,
    st.tuples(st.just("reverse"), members, picks, months),
    st.tuples(st.just("carry"), members, picks, months),
    st.tuples(st.just("close"), months),
), max_size=40)

LEGAL = {("pending", "approve"), ("pending", "reject"), ("pending", "carry"), ("posted", "approve"),
         ("rejected", "reject")}


def target_of(book, op):
    """Decisions aim at a member who has records, so most of them meet a real entry."""
    chains = sorted(book.heads())
    return (chains[op[1] % len(chains)] if chains else op[1]), op[2]


def entry_months(records):
    """The month each entry counts in now, replayed from the records."""
    months = {}
    for r in records:
        if r["kind"] == "entry":
            months[(r["chain"], r["seq"])] = r["period"]
        elif r["decision"] == "carry":
            months[(r["chain"], r["entry_seq"])] = r["period"]
    return set(months.values())


def expected_error(book, op):
    """The refusal an operation must meet, judged from the records alone (None: it must succeed)."""
    records = list(book.records())
    last = max(book.closed, default=None)

    def sealed(period):  # closed, or before the last closed month: months close in order
        return last is not None and period <= last

    if op[0] == "add":
        return PeriodClosed if sealed(op[2]) else None
    if op[0] == "close":
        if op[1] in book.closed:
            return None
        if last is not None and op[1] < last:
            return LaterMonthClosed
        return EarlierMonthOpen if any(m < op[1] and not sealed(m) for m in entry_months(records)) else None
    member, pick = target_of(book, op)
    mine = [r for r in records if r["chain"] == member]
    if not mine:
        return EntryNotFound
    target = mine[pick % len(mine)]
    if target["kind"] != "entry":
        return EntryNotFound
    state, period = target["state"], target["period"]
    for r in mine:
        if r["kind"] == "audit" and r["entry_seq"] == target["seq"]:
            state = {"approve": "posted", "reject": "rejected", "carry": "pending"}[r["decision"]]
            period = r["period"]
    if op[0] == "reverse":
        if target["reverses_seq"] is not None or state != "posted":
            return NotReversible
        if any(r["kind"] == "entry" and r["reverses_seq"] == target["seq"] for r in mine):
            return AlreadyReversed
        return PeriodClosed if sealed(op[3]) else None
    decision = "carry" if op[0] == "carry" else op[3].value
    to_period = op[3] if op[0] == "carry" else op[4]
    if (state, decision) not in LEGAL:
        return IllegalTransition
    if decision != "carry":
        return None  # a repeat, or a move inside an open month (closed months hold nothing pending)
    if sealed(to_period):
        return PeriodClosed
    return InvalidPeriod if to_period <= period else None


def run(book, op, now):
    kind = op[0]
    if kind == "add":
        _, member, period, source, state, points = op
        return book.add_entry(member, period=period, points=points, rule=f"{source}.x", source=source,
                              source_id=None, state=state, now=now)
    if kind == "close":
        return book.close(op[1], now=now)
    member, pick = target_of(book, op)
    seq = pick % max(1, sum(1 for r in book.records() if r["chain"] == member)) + 1
    if kind == "decide":
        return book.decide(member, seq, op[3], actor_id=99, reason="审核", now=now, open_period=op[4])
    if kind == "reverse":
        return book.reverse(member, seq, reason="冲正", actor_id=99, period=op[3], now=now)
    return book.carry(member, seq, to_period=op[3], now=now)


def sums_from_records(records):
    """Balances computed the plain way: each entry's final state and month, then sums."""
    final = {}
    for r in records:
        key = (r["chain"], r["seq"] if r["kind"] == "entry" else r["entry_seq"])
        if r["kind"] == "entry":
            final[key] = [r["points"], r["state"], r["period"]]
        elif r["decision"] != "carry":
            final[key][1] = "posted" if r["decision"] == "approve" else "rejected"
        else:
            final[key][2] = r["period"]
    out = {}
    for (chain, _), (points, state, period) in final.items():
        b = out.setdefault((chain, period), Balance())
        if state == "posted":
            b.add(Balance(posted=points, posted_entries=1))
        elif state == "pending":
            b.add(Balance(pending=points))
    return {k: b for k, b in out.items() if b}


def other_value(draw, key, value):
    if isinstance(value, int):
        return draw(st.integers(-5, 10**6).filter(lambda v: v != value))
    if isinstance(value, str):
        return draw(st.text(max_size=12).filter(lambda v: v != value))
    if key == "reason":
        return draw(st.text(max_size=12))
    return draw(st.integers(-5, 10**6))


@settings(max_examples=200, deadline=None)
@given(operations, st.data())
def test_any_history_keeps_balances_true_verifies_and_shows_any_tampering_where_it_happened(ops, data):
    book = Book()
    frozen = {}
    for i, op in enumerate(ops):
        now = NOW + timedelta(minutes=i)
        expected = expected_error(book, op)
        before = (list(book.records()), book.balances(), set(book.closed))
        event(f"{op[0]} {'refused: ' + expected.__name__ if expected else 'done'}")
        if expected is None:
            run(book, op, now)
        else:
            with pytest.raises(expected) as caught:
                run(book, op, now)
            assert isinstance(caught.value, LedgerError) and caught.value.message
            assert (list(book.records()), book.balances(), set(book.closed)) == before
        if op[0] == "close" and expected is None:
            frozen.setdefault(op[1], {k: b for k, b in book.balances().items() if k[1] == op[1]})

    records = list(book.records())
    # (a) balances are what the records say, both through the shared replay and the plain way
    assert book.balances() == balances_from_records(records) == sums_from_records(records)
    for period, balances in frozen.items():
        assert {k: b for k, b in book.balances().items() if k[1] == period} == balances
    # (b) the untouched ledger verifies
    assert verify(records) is None
    # (c) one changed field fails at that very record
    if records:
        index = data.draw(st.integers(0, len(records) - 1), label="record")
        key = data.draw(st.sampled_from(sorted(records[index])), label="key")
        tampered = [dict(r) for r in records]
        tampered[index][key] = other_value(data.draw, key, records[index][key])
        failure = verify(tampered)
        assert failure is not None and failure.line == index + 1
        if not (key == "chain" and records[index]["seq"] == 1):
            # A first record moved to another chain can only be named by where it stands.
            assert (failure.chain, failure.seq) == (records[index]["chain"], records[index]["seq"])
