"""The app's orjson encoder writes exactly the ledger's canonical bytes, or leaves the record to the ledger's
own: a hash computed either way is the same hash, and what the ledger refuses is refused alike."""

import random
from datetime import UTC, datetime

import pytest
from sqlalchemy import Integer, String

from app.points.models import LedgerRecord
from app.points.records import canonical as fast
from app.points.records import canonical_of_typed_columns as typed
from ledger import chain as hash_chain
from ledger.chain import ChainVerifier, entry_record

# Every ASCII character (the control characters json escapes among them), Chinese, the line separators json
# leaves alone, characters past the BMP, DEL and C1 controls.
CHARACTERS = [chr(c) for c in range(0x80)] + ["中", "文", "\u2028", "\u2029", "\ud7ff", "\ue000", "😀", "\x7f", "\x85"]


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(CHARACTERS) for _ in range(rng.randint(0, 30)))


@pytest.mark.parametrize("encoder", [fast, typed], ids=["checked", "typed-columns"])
def test_both_encoders_write_the_same_bytes_for_every_str_int_and_none(encoder):
    rng = random.Random(19)
    for i in range(20_000):
        record = {
            "chain": rng.randint(1, 10**6),
            "seq": rng.randint(-(2**63), 2**63 - 1),
            "kind": _text(rng),
            "reason": None if i % 3 else _text(rng),
            _text(rng) or "k": _text(rng),
            "hash": "not hashed",
        }
        assert encoder(record) == hash_chain.canonical(record), record


def test_every_ledger_column_is_an_integer_or_a_varchar_so_postgresql_returns_only_int_str_and_none():
    # canonical_of_typed_columns leaves out the type check on this promise: a float or numeric column would break it.
    for column in LedgerRecord.__table__.c:
        assert type(column.type) in (Integer, String), (column.name, column.type)


@pytest.mark.parametrize("value", [2**64, -(2**70)], ids=["past-64-bits", "negative-past-64-bits"])
def test_an_int_past_64_bits_goes_the_ledgers_way_with_the_typed_columns_encoder_too(value):
    record = {"chain": 1, "seq": 1, "points": value, "hash": "x"}
    assert typed(record) == hash_chain.canonical(record)


@pytest.mark.parametrize(
    "value",
    [2**64, -(2**70), 1.5, float("nan"), float("inf"), True, ["a", 1], {"b": None}],
    ids=["past-64-bits", "negative-past-64-bits", "float", "nan", "infinity", "bool", "list", "dict"],
)
def test_what_orjson_would_write_otherwise_goes_the_ledgers_way(value):
    record = {"chain": 1, "seq": 1, "points": value, "hash": "x"}
    assert fast(record) == hash_chain.canonical(record)


def test_a_record_the_ledger_cannot_encode_is_malformed_by_either_encoder():
    lone_surrogate = {"chain": 1, "seq": 1, "kind": "entry", "prev_hash": "", "hash": "x", "reason": "\ud800"}
    for encoder in (hash_chain.canonical, fast, typed):
        verifier = ChainVerifier(canonical=encoder)
        assert verifier.feed(lone_surrogate).kind == "malformed"


def test_the_verifier_with_the_fast_encoder_accepts_the_ledgers_own_records():
    head = hash_chain.Head(7)
    verifier = ChainVerifier(canonical=fast)
    for seq in range(1, 4):
        record = entry_record(
            head,
            period="2026-11",
            points=5,
            rule="checkin.return_day",
            source="checkin",
            source_id=40 + seq,
            state="pending",
            now=datetime(2026, 11, 29, 2, seq, tzinfo=UTC),
            reason="回家日报到\n第二行",
        )
        assert verifier.feed(record) is None
        head = hash_chain.advance(head, record)
    tampered = {**record, "seq": 4, "prev_hash": head.hash, "points": 50}
    assert verifier.feed(tampered).kind == "hash"
