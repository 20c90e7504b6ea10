"""Running `ledger verify` and keeping its result: the check itself is app.points.verify, untouched."""

import os
from dataclasses import dataclass

from app.db import transaction, utcnow
from app.extensions import db
from app.integrity.models import FAILURE_MAX, HOWS, VerifyRun
from app.points.verify import LedgerBroken, verify


def default_workers() -> int:
    """Hashing is CPU-bound: one process per core, up to 8."""
    return min(os.cpu_count() or 1, 8)


@dataclass(frozen=True)
class Verified:
    """A run's outcome: the counts when every check held, else the first failure's text."""

    run_id: int
    summary: dict | None
    failure: str | None

    @property
    def ok(self) -> bool:
        return self.failure is None


def verify_and_record(how: str, workers: int = 1) -> Verified:
    """Verify the whole ledger and record the run, passed or failed.

    The times are the clock's, not an `as of` moment: the row says when the check really ran and how long
    it took (a scheduler run with --now checks the ledger as it stands, like any other)."""
    if how not in HOWS:
        raise ValueError(f"how must be one of {HOWS}")
    started = utcnow()
    summary: dict | None = None
    failure: str | None = None
    try:
        summary = verify(db.engine, workers)
    except LedgerBroken as broken:
        failure = str(broken)
    with transaction():
        run = VerifyRun(
            started_at=started,
            finished_at=utcnow(),
            ok=failure is None,
            records=int(summary["records"]) if summary else 0,
            failure=failure[:FAILURE_MAX] if failure else None,
            how=how,
        )
        db.session.add(run)
        db.session.flush()
        return Verified(run.id, summary, failure)
