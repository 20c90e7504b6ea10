"""The ledger export: the stored records as JSON Lines for an outside auditor, stored hashes and all, for
`flask ledger export` and as a zip with its own checker for the county office's download."""

import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import IO

from sqlalchemy import and_, func, select

from app.extensions import db
from app.points.records import R, reading, record, records_query, stream
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


AUDITOR_FILES = Path(__file__).with_name("auditor")


def export_file(out, period: str | None = None) -> int:
    """The export of the whole ledger (or one month) into `out`, on a read-only snapshot that blocks no writer."""
    with reading(db.engine) as conn:
        return export(conn, out, period)


def auditor_package(period: str | None = None) -> tuple[str, IO[bytes], int]:
    """(file name, a zip to send, records): the export with its standalone checker and the guide in Chinese,
    written to a spooled file (memory first, disk past 16 MB) so a county's whole ledger never sits in memory."""
    if period is not None:
        periods.parse_month(period)
    # Left open on purpose: the response sends it and closes it.
    package = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    with zipfile.ZipFile(package, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with (
            archive.open("ledger.jsonl", "w", force_zip64=True) as raw,
            io.TextIOWrapper(raw, encoding="utf-8", newline="\n") as text,
        ):
            written = export_file(text, period)
        archive.writestr("manifest.json", json.dumps({"period": period, "records": written}))
        for name in ("check_export.py", "README.txt"):
            archive.write(AUDITOR_FILES / name, name)
    package.seek(0)
    return f"积分台账导出-{period or '全部'}.zip", package, written
