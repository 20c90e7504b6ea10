"""The hash chain: canonical form, tamper evidence, order, and the month seal."""

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.chain import (
    ChainVerifier,
    Head,
    advance,
    audit_record,
    canonical,
    check_seal,
    digest,
    entry_record,
    seal,
    timestamp,
    verify,
)
from ledger.periods import TZ

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=TZ)


def build(chains=(1, 2), per_chain=4):
    """Per chain: entries, with an approval of seq 1 as the third record."""
    records = []
    for chain in chains:
        head = Head(chain)
        for i in range(per_chain):
            now = NOW + timedelta(minutes=i)
            if i == 2:
                r = audit_record(
                    head, entry_seq=1, decision="approve", actor_id=7, reason=None, period="2026-11", now=now
                )
            else:
                r = entry_record(
                    head,
                    period="2026-11",
                    points=5,
                    rule="checkin.return_day",
                    source="checkin",
                    source_id=100 * chain + i,
                    state="pending",
                    now=now,
                    reason="代签：手机没电",
                )
            head = advance(head, r)
            records.append(r)
    return records


def rehash(record):
    record["hash"] = digest(record)
    return record


def test_timestamps_are_utc_with_six_microsecond_digits():
    assert timestamp(datetime(2026, 11, 29, 10, 0, tzinfo=TZ)) == "2026-11-29T02:00:00.000000Z"
    assert timestamp(datetime(2026, 1, 1, 0, 0, 0, 5, tzinfo=UTC)) == "2026-01-01T00:00:00.000005Z"
    with pytest.raises(ValueError):
        timestamp(datetime(2026, 1, 1))


def test_a_record_hash_is_the_sha256_of_its_canonical_json_without_the_hash():
    r = build(chains=(1,), per_chain=1)[0]
    body = {k: v for k, v in r.items() if k != "hash"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert "代签" in text
    assert r["hash"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert r["prev_hash"] == "" and r["seq"] == 1


def test_records_carry_exactly_the_exported_keys():
    entry, _, audit = build(chains=(3,), per_chain=3)
    assert set(entry) == {
        "chain",
        "seq",
        "kind",
        "prev_hash",
        "period",
        "points",
        "rule",
        "source",
        "source_id",
        "reverses_seq",
        "state",
        "reason",
        "created_at",
        "hash",
    }
    assert set(audit) == {
        "chain",
        "seq",
        "kind",
        "prev_hash",
        "entry_seq",
        "decision",
        "actor_id",
        "reason",
        "period",
        "created_at",
        "hash",
    }
    assert audit["prev_hash"] == build(chains=(3,), per_chain=2)[1]["hash"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=5,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(), json_values, max_size=8), st.booleans())
def test_canonical_is_exactly_json_dumps_for_any_record(record, with_hash):
    if with_hash:
        record["hash"] = "x"
    _is_json_dumps(record)


def _is_json_dumps(record):
    body = {k: v for k, v in record.items() if k != "hash"}
    try:
        expected = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        with pytest.raises(UnicodeEncodeError):
            canonical(record)
        return
    assert canonical(record) == expected


# What a record holds: str (any code point, control characters and lone surrogates among them), int of any
# size and None, under str keys: the hand-written fast path must give json's bytes for every one.
record_values = st.none() | st.integers() | st.integers(min_value=-(2**63), max_value=2**64) | st.text()


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.text(), record_values, max_size=14))
def test_canonical_is_exactly_json_dumps_for_every_record_of_str_int_and_none(record):
    _is_json_dumps(record)


def test_canonical_is_exactly_json_dumps_for_the_ledgers_own_records():
    reasons = ("驳回：走访记录不完整", 'a "quoted" \\ path\n\t\x00\x1f\x7f\u2028 end', "😀 é", None)
    records = [dict(r, reason=reasons[i % len(reasons)]) for i, r in enumerate(build(chains=(1, 2, 2**40)))]
    for record in records:
        _is_json_dumps(record)


def test_an_untouched_ledger_verifies_and_counts_what_it_read():
    records = build(chains=(1, 2, 5))
    verifier = ChainVerifier()
    assert all(verifier.feed(r) is None for r in records)
    assert verifier.finish() is None
    assert (verifier.records, verifier.chains) == (12, 3)
    assert verifier.heads()[5] == Head(5, 4, records[-1]["hash"])


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("points", 500),
        ("state", "posted"),
        ("reason", None),
        ("created_at", "2026-11-28T02:00:00.000000Z"),
        ("source_id", None),
    ],
)
def test_a_changed_field_breaks_that_records_own_hash(key, value):
    records = build()
    records[5][key] = value
    failure = verify(records)
    assert (failure.chain, failure.seq, failure.kind, failure.line) == (2, 2, "hash", 6)


def test_a_rehashed_change_breaks_the_next_records_link():
    records = build()
    records[5]["points"] = 500
    rehash(records[5])
    failure = verify(records)
    assert (failure.chain, failure.seq, failure.kind) == (2, 3, "prev_hash")


def test_a_deleted_record_is_a_gap():
    records = build()
    del records[1]
    failure = verify(records)
    assert (failure.chain, failure.seq, failure.kind) == (1, 2, "seq")


def test_a_deleted_first_record_is_a_gap_at_seq_one():
    records = build()
    del records[4]
    failure = verify(records)
    assert (failure.chain, failure.seq, failure.kind) == (2, 1, "seq")


def test_a_duplicated_record_is_refused():
    records = build()
    records.insert(2, dict(records[1]))
    assert (verify(records).chain, verify(records).seq, verify(records).kind) == (1, 3, "seq")


def test_chains_out_of_order_are_refused():
    records = build()
    failure = verify(records[4:] + records[:4])
    assert failure.kind == "order" and failure.chain == 1


def test_an_unknown_kind_is_refused_even_with_a_good_hash():
    records = build()
    records[3]["kind"] = "gift"
    rehash(records[3])
    failure = verify(records)
    assert (failure.chain, failure.seq, failure.kind) == (1, 4, "kind")


@pytest.mark.parametrize("target", [3, 4, 0, "1", None])
def test_an_audit_must_name_an_earlier_entry_of_its_chain(target):
    records = build()
    records[2]["entry_seq"] = target  # seq 3 audits itself, a later record, nothing, or a string
    rehash(records[2])
    for later in records[3:4]:
        later["prev_hash"] = records[2]["hash"]
        rehash(later)
    failure = verify(records)
    assert (failure.chain, failure.seq, failure.kind) == (1, 3, "entry_seq")


def test_an_audit_of_an_audit_is_refused():
    records = build(chains=(1,), per_chain=3)
    head = Head(1, 3, records[-1]["hash"])
    records.append(
        audit_record(head, entry_seq=3, decision="approve", actor_id=1, reason=None, period="2026-11", now=NOW)
    )
    assert verify(records).kind == "entry_seq"


@pytest.mark.parametrize("broken", [{"seq": "2"}, {"chain": None}, {"hash": 5}])
def test_a_malformed_record_is_refused(broken):
    records = build()
    records[1].update(broken)
    assert verify(records).kind == "malformed"
    assert verify([{"chain": 1}]).kind == "malformed"


def test_a_verifier_stays_failed_after_the_first_failure():
    records = build()
    records[1]["points"] = 1
    verifier = ChainVerifier()
    failures = [verifier.feed(r) for r in records]
    assert failures[0] is None and failures[1] is not None
    assert all(f == failures[1] for f in failures[1:]) and verifier.finish() == failures[1]


def test_a_period_export_verifies_from_known_heads_or_on_trust():
    records = build(chains=(1, 2), per_chain=4)
    stretch = [r for r in records if r["seq"] >= 3]
    assert verify(stretch).kind == "seq"
    start = [Head(1, 2, records[1]["hash"]), Head(2, 2, records[5]["hash"])]
    assert verify(stretch, start=start) is None
    assert verify(stretch, partial=True) is None
    stretch[0]["prev_hash"] = "0" * 64
    assert verify(stretch, start=start).kind == "prev_hash"


def test_the_seal_is_over_sorted_heads_and_the_previous_seal():
    heads = [Head(2, 4, "b" * 64), Head(1, 3, "a" * 64), Head(9)]
    body = {"period": "2026-11", "prev_seal": "p", "heads": [[1, 3, "a" * 64], [2, 4, "b" * 64]]}
    expected = hashlib.sha256(
        json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    ).hexdigest()
    assert seal("2026-11", heads, "p") == expected
    assert seal("2026-11", heads, "q") != expected
    with pytest.raises(ValueError):
        seal("2026-11", [Head(1, 1, "a"), Head(1, 2, "b")], "")


def test_a_history_cut_short_after_the_seal_is_caught():
    records = build(chains=(1, 2), per_chain=4)
    heads = ChainVerifier()
    for r in records:
        heads.feed(r)
    sealed = list(heads.heads().values())
    value = seal("2026-11", sealed, "")
    assert check_seal(value, period="2026-11", prev_seal="", heads=sealed, records=records) is None
    cut = records[:7]  # chain 2 loses its last record and still verifies on its own
    assert verify(cut) is None
    failure = check_seal(value, period="2026-11", prev_seal="", heads=sealed, records=cut)
    assert (failure.chain, failure.seq, failure.kind) == (2, 4, "truncated")
    by_key = {(r["chain"], r["seq"]): r["hash"] for r in records}
    by_key[(1, 4)] = "f" * 64
    assert check_seal(value, period="2026-11", prev_seal="", heads=sealed, records=by_key).kind == "hash"
    assert check_seal(value, period="2026-11", prev_seal="x", heads=sealed, records=records).kind == "seal"


def test_a_record_cannot_be_appended_to_the_wrong_head():
    r = build(chains=(1,), per_chain=2)[1]
    with pytest.raises(ValueError):
        advance(Head(1), r)
    with pytest.raises(ValueError):
        audit_record(Head(1), entry_seq=1, decision="approve", actor_id=None, reason=None, period="2026-11", now=NOW)
    with pytest.raises(ValueError):
        entry_record(
            Head(1), period="2026-11", points=1, rule="r", source="manual", source_id=None, state="rejected", now=NOW
        )
