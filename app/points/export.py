"""`flask ledger export`: the stored records as JSON Lines for an outside auditor, stored hashes and all."""

import json

from sqlalchemy import and_, func, select

from app.points.records import R, record, records_query, stream
from ledger import chain as hash_chain
from ledger import periods


def export(conn, out, period: str | None = None) -> int:
    """JSON Lines, chain then seq order; with `period`, each chain's stretch written in that month (Asia/Shanghai).

    A stretch runs from the chain's first to its last record stamped in the month, so it is contiguous
    even if a record in between carries an earlier or later time."""
    query = records_query()
    if period is not None:
        periods.parse_month(period)
        start, end = periods.bounds(period)
        stretch = (
            select(R.chain, func.min(R.seq).label("first"), func.max(R.seq).label("last"))
            .where(R.created_at >= hash_chain.timestamp(start), R.created_at < hash_chain.timestamp(end))
            .group_by(R.chain)
            .subquery()
        )
        query = query.join(stretch, and_(stretch.c.chain == R.chain, R.seq.between(stretch.c.first, stretch.c.last)))
    written = 0
    encode = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode
    with stream(conn, query) as rows:
        for row in rows:
            out.write(encode(record(row)) + "\n")
            written += 1
    return written
