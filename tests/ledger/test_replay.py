"""The replay of one chain: each entry's state, month and reversal rebuilt from the records, the balances that
follow, and the first record the write path could never have written named by its seq."""

from datetime import UTC, datetime

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from ledger.balances import Balance, balance_moves
from ledger.chain import Head, advance, audit_record, entry_record
from ledger.replay import BrokenRecord, balances, replay

NOW = datetime(2026, 11, 29, 2, tzinfo=UTC)
MONTHS = ("2026-10", "2026-11", "2026-12")
# The write path's rules, written out plainly: (state, decision) -> the next state, None for a repeat.
NEXT = {
    ("pending", "approve"): "posted",
    ("pending", "reject"): "rejected",
    ("pending", "carry"): "pending",
    ("posted", "approve"): None,
    ("rejected", "reject"): None,
}


class Chain:
    """One member's records, written with ledger.chain, and what each entry should be after them."""

    def __init__(self):
        self.head = Head(1)
        self.records = []
        self.expected = {}  # seq -> [points, state, period, is_reversal, reversed_by]

    def _append(self, record):
        self.head = advance(self.head, record)
        self.records.append(record)
        return record["seq"]

    def entry(self, points=5, state="posted", period="2026-11", reverses=None):
        seq = self._append(
            entry_record(
                self.head,
                period=period,
                points=points,
                rule="checkin.return_day",
                source="manual" if reverses else "checkin",
                source_id=None,
                state=state,
                now=NOW,
                reverses_seq=reverses,
            )
        )
        self.expected[seq] = [points, state, period, reverses is not None, None]
        if reverses in self.expected:
            self.expected[reverses][4] = seq
        return seq

    def audit(self, seq, decision, period=None):
        entry = self.expected[seq]
        period = period or entry[2]
        written = self._append(
            audit_record(self.head, entry_seq=seq, decision=decision, actor_id=9, reason=None, period=period, now=NOW)
        )
        if NEXT.get((entry[1], decision)):
            entry[1], entry[2] = NEXT[(entry[1], decision)], period
        return written

    def reversible(self, seq):
        points, state, _, is_reversal, reversed_by = self.expected[seq]
        return state == "posted" and not is_reversal and reversed_by is None

    def replayed(self):
        return {
            seq: [e.points, e.state.value, e.period, e.is_reversal, e.reversed_by]
            for seq, e in replay(self.records).items()
        }


def broken_at(records):
    with pytest.raises(BrokenRecord) as caught:
        replay(records)
    assert caught.value.message
    return caught.value.seq


def test_an_approved_then_carried_then_reversed_history_is_rebuilt():
    chain = Chain()
    visit = chain.entry(3, "pending", "2026-10")
    chain.audit(visit, "carry", "2026-11")
    chain.audit(visit, "approve")
    reversal = chain.entry(-3, "posted", "2026-12", reverses=visit)
    assert chain.replayed() == {
        visit: [3, "posted", "2026-11", False, reversal],
        reversal: [-3, "posted", "2026-12", True, None],
    }
    assert balances(replay(chain.records).values()) == {
        "2026-11": Balance(posted=3, posted_entries=1),
        "2026-12": Balance(posted=-3, posted_entries=1),
    }


def test_a_repeated_decision_changes_nothing():
    chain = Chain()
    seq = chain.entry(3, "pending")
    chain.audit(seq, "reject")
    chain.audit(seq, "reject")
    assert chain.replayed() == {seq: [3, "rejected", "2026-11", False, None]}
    assert balances(replay(chain.records).values()) == {}


@pytest.mark.parametrize("state, decision", [("posted", "reject"), ("rejected", "approve"), ("posted", "carry")])
def test_a_decision_the_state_table_refuses_is_named_at_its_record(state, decision):
    chain = Chain()
    seq = chain.entry(3, "pending" if state == "rejected" else state)
    if state == "rejected":
        chain.audit(seq, "reject")
    bad = chain.audit(seq, decision)
    assert broken_at(chain.records) == bad


@pytest.mark.parametrize("history", ["pending", "rejected", "reversal", "twice"])
def test_only_a_posted_unreversed_original_can_be_reversed(history):
    chain = Chain()
    seq = chain.entry(5, "posted" if history in ("reversal", "twice") else "pending")
    if history == "rejected":
        chain.audit(seq, "reject")
    if history == "reversal":
        seq = chain.entry(-5, "posted", reverses=seq)
    if history == "twice":
        chain.entry(-5, "posted", reverses=seq)
    bad = chain.entry(-chain.expected[seq][0], "posted", reverses=seq)
    assert broken_at(chain.records) == bad


@pytest.mark.parametrize("points, reverses", [(-4, 1), (-5, 2)])  # another sum; an audit record
def test_a_reversal_takes_back_exactly_its_originals_points_and_names_an_entry(points, reverses):
    chain = Chain()
    chain.entry(5)
    chain.audit(1, "approve")
    bad = chain.entry(points, "posted", reverses=reverses)
    assert broken_at(chain.records) == bad


# -- the property -------------------------------------------------------------

picks = st.integers(0, 40)
moves = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.integers(-3, 6), st.sampled_from(["pending", "posted"]), st.sampled_from(MONTHS)),
        st.tuples(st.just("decide"), picks, st.sampled_from(["approve", "reject", "carry"]), st.sampled_from(MONTHS)),
        st.tuples(st.just("reverse"), picks, st.sampled_from(MONTHS)),
    ),
    max_size=40,
)


def entry_seqs(chain):
    return sorted(chain.expected)


def play(moves):
    """A chain written as the write path writes one: a move its rules refuse, or a repeat, writes nothing."""
    chain = Chain()
    for move in moves:
        if move[0] == "add":
            chain.entry(move[1], move[2], move[3])
            continue
        seqs = entry_seqs(chain)
        if not seqs:
            continue
        seq = seqs[move[1] % len(seqs)]
        if move[0] == "reverse":
            if chain.reversible(seq):
                chain.entry(-chain.expected[seq][0], "posted", move[2], reverses=seq)
        elif NEXT.get((chain.expected[seq][1], move[2])):
            chain.audit(seq, move[2], move[3] if move[2] == "carry" else None)
    return chain


def delta_by_delta(records):
    """The balances the write path reaches, one balance_moves call per record as it writes them."""
    out, where = {}, {}
    for r in records:
        if r["kind"] == "entry":
            moves = balance_moves(
                points=r["points"], old_state=None, new_state=r["state"], old_period=None, new_period=r["period"]
            )
            where[r["seq"]] = [r["points"], r["state"], r["period"]]
        else:
            points, state, period = where[r["entry_seq"]]
            new = NEXT[(state, r["decision"])]
            moves = balance_moves(
                points=points, old_state=state, new_state=new, old_period=period, new_period=r["period"]
            )
            where[r["entry_seq"]] = [points, new, r["period"]]
        for month, delta in moves:
            out.setdefault(month, Balance()).add(delta)
    return {month: b for month, b in out.items() if b}


def plain_sums(expected):
    out = {}
    for points, state, period, _, _ in expected.values():
        share = {"posted": Balance(posted=points, posted_entries=1), "pending": Balance(pending=points)}.get(state)
        if share:
            out.setdefault(period, Balance()).add(share)
    return {month: b for month, b in out.items() if b}


@settings(max_examples=150, deadline=None)
@given(moves)
def test_any_history_replays_to_its_entries_and_its_balances(moves):
    chain = play(moves)
    assert chain.replayed() == chain.expected
    assert balances(replay(chain.records).values()) == delta_by_delta(chain.records) == plain_sums(chain.expected)


@settings(max_examples=150, deadline=None)
@given(moves, picks, st.sampled_from(["approve", "reject", "carry", "reverse"]))
def test_a_record_against_the_rules_is_named_at_its_seq_and_one_within_them_replays(moves, pick, last):
    chain = play(moves)
    seqs = entry_seqs(chain)
    if not seqs:
        return
    seq = seqs[pick % len(seqs)]
    if last == "reverse":
        legal = chain.reversible(seq)
        written = chain.entry(-chain.expected[seq][0], "posted", reverses=seq)
    else:
        legal = (chain.expected[seq][1], last) in NEXT
        written = chain.audit(seq, last)
    event("within the rules" if legal else "against them")
    if legal:
        assert chain.replayed() == chain.expected
    else:
        assert broken_at(chain.records) == written
