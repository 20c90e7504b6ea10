"""Stored ledger records read back for verify and export, each exactly as it was hashed."""

from contextlib import contextmanager
from itertools import chain as concat
from operator import itemgetter

import orjson
from sqlalchemy import select

from app.points.models import LedgerRecord
from ledger import chain as hash_chain

# The hash sorts the keys itself; sorting them here only gives the columns a fixed order.
ENTRY_KEYS = tuple(sorted(hash_chain.ENTRY_KEYS))
AUDIT_KEYS = tuple(sorted(hash_chain.AUDIT_KEYS))
COLUMNS = tuple(dict.fromkeys(ENTRY_KEYS + AUDIT_KEYS))
_ENTRY_AT = itemgetter(*(COLUMNS.index(k) + 1 for k in ENTRY_KEYS))  # + 1: the row's first column is the id
_AUDIT_AT = itemgetter(*(COLUMNS.index(k) + 1 for k in AUDIT_KEYS))
_KIND_AT = COLUMNS.index("kind") + 1
R = LedgerRecord.__table__.c
BATCH = 20_000
_PLAIN = frozenset((str, int, type(None)))
_SORTED = orjson.OPT_SORT_KEYS


def canonical(record) -> bytes:
    """ledger.chain.canonical's bytes, written by orjson: a third of its time, which is the most of verifying a
    million records. For str, int and None values orjson writes what json.dumps(sort_keys=True, separators=(",",
    ":"), ensure_ascii=False) writes (tests/points/test_canonical_encoders.py holds it to that); anything else
    (a float, say, where a SQLite column let one in) goes the ledger's own way, which answers or raises as the
    verifier expects."""
    if _PLAIN.issuperset(map(type, record.values())):
        return canonical_of_typed_columns(record)
    return hash_chain.canonical(record)


def canonical_of_typed_columns(record) -> bytes:
    """canonical's bytes for a record read from PostgreSQL, without its type check (a fifth of its time).

    There every column of ledger_records is an integer or a varchar (tests/points/test_canonical_encoders.py holds
    the model to that), so psycopg hands back only int, str and None: the check could find nothing. SQLite keeps
    whatever type was written into a column, a float among them, so it keeps `canonical`."""
    body = dict(record)  # a copy and a pop: a fifth of a comprehension's time
    body.pop("hash", None)
    try:
        return orjson.dumps(body, option=_SORTED)
    except orjson.JSONEncodeError:  # an int past 64 bits, a lone surrogate: the ledger's way answers or raises
        return hash_chain.canonical(record)


def records_query():
    """Every record's id and columns, chain then seq order; a caller may join and add columns after them."""
    return select(R.id, *(R[k] for k in COLUMNS)).order_by(R.chain, R.seq)


def record(row) -> dict:
    """The record as it was hashed: exactly its kind's keys, straight from the columns."""
    if row[_KIND_AT] == "audit":
        return dict(zip(AUDIT_KEYS, _AUDIT_AT(row), strict=True))
    return dict(zip(ENTRY_KEYS, _ENTRY_AT(row), strict=True))


@contextmanager
def stream(conn, query):
    """The query's rows, a batch at a time; closed on the way out, even when a check stops half way."""
    # yield_per makes PostgreSQL use a server-side cursor: a million rows never sit in memory at once.
    with conn.execution_options(yield_per=BATCH).execute(query) as result:
        yield concat.from_iterable(result.partitions())


def reading(engine):
    """A connection for one consistent read of the whole ledger that blocks no writer."""
    conn = engine.connect().execution_options(read_only=True)
    if engine.dialect.name == "postgresql":
        # Every query of the pass sees the same snapshot, so balances and records cannot disagree in passing.
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    return conn
