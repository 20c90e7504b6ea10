"""Work that a page starts and then follows: a row that a thread of the web process moves on (its state,
rows done of rows total, the outcome) while the page, its JSON and the API read it; the next poll may
reach another worker. The roster import (app.members) and the year-end files (app.year_record) run here."""

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import ClassVar

from flask import current_app
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, lock, transaction, utcnow
from app.errors import NotFound, Refusal
from app.extensions import db

log = logging.getLogger(__name__)

# A running job whose row has not moved for this long has lost its thread (the worker restarted). The
# import's writing of 50,000 rows, the longest silent stretch, took under a minute on a shared 2-core machine.
STALL_SECONDS = 10 * 60
# Progress is written at most this often: a row each time would be a transaction a member or a row.
PROGRESS_SECONDS = 0.5

Progress = Callable[[int, int], None]


class BackgroundJob:
    """The columns every job shares; a job's own table adds what it works on and names its running states."""

    running_states: ClassVar[tuple[str, ...]]
    # Its own columns that its view (`follow`) carries beside the shared ones.
    own_fields: ClassVar[tuple[str, ...]] = ()

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))  # who started it
    state: Mapped[str] = mapped_column(String(20))
    rows_done: Mapped[int] = mapped_column(default=0)
    rows_total: Mapped[int] = mapped_column(default=0)
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Moved on at every step: a running job that stops advancing has lost its thread (a restart).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


PROGRESS_FIELDS = ("id", "state", "running", "rows_done", "rows_total")


def progress_of(view: dict) -> dict:
    """What a poll needs to move the bar: the page's JSON."""
    return {k: view[k] for k in PROGRESS_FIELDS}


def queue(model: Callable[..., BackgroundJob], account, now: datetime, **own) -> int:
    """A new job's row, queued, in the caller's transaction; its id."""
    job = model(account_id=account.id, state="queued", created_at=now, updated_at=now, **own)
    db.session.add(job)
    db.session.flush()
    return job.id


def start(work: Callable[[int], None], job_id: int) -> None:
    """Run `work(job_id)` in a thread of this process, in an app context of its own. `work` gives its job
    its outcome; a fault that escapes even that (the database gone) goes to the log, not to stderr."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def run() -> None:
        with app.app_context():
            try:
                work(job_id)
            except Exception:
                log.exception("job %s: its thread stopped", job_id)

    threading.Thread(target=run, name=f"job-{job_id}", daemon=True).start()


def advance(model: type[BackgroundJob], job_id: int, **changes) -> None:
    """Progress, in its own short transaction so that the page sees it at once."""
    with transaction():
        job = lock(model, job_id)
        if job is not None and job.state in model.running_states:
            for key, value in changes.items():
                setattr(job, key, value)
            job.updated_at = utcnow()


def reporter(model: type[BackgroundJob], job_id: int) -> Progress:
    """A `progress(done, total)` for a builder's loop, written at most every PROGRESS_SECONDS and at the end."""
    last = 0.0

    def report(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if done == total or now - last >= PROGRESS_SECONDS:
            last = now
            advance(model, job_id, rows_done=done, rows_total=total)

    return report


def finish(model: type[BackgroundJob], job_id: int, state: str, result: dict, **changes) -> bool:
    """The job's outcome, unless it was already given up as stalled (False: its caller undoes its work)."""
    with transaction():
        job = lock(model, job_id)
        if job is None or job.state not in model.running_states:
            return False
        job.state, job.result, job.updated_at = state, result, utcnow()
        for key, value in changes.items():
            setattr(job, key, value)
        if state == "done":
            job.rows_done = job.rows_total
        return True


@contextmanager
def outcome(model: type[BackgroundJob], job_id: int, failure: str) -> Iterator[None]:
    """Around a job's work: a refusal is its outcome, "rejected" with the code and Chinese message; any other
    fault is logged and "failed" with `failure`, the Chinese words its page shows."""
    try:
        yield
    except Refusal as refusal:
        finish(model, job_id, "rejected", {"code": refusal.code, "message": refusal.message})
    except Exception:
        log.exception("%s %s failed", model.__name__, job_id)
        db.session.rollback()
        finish(model, job_id, "failed", {"message": failure})


def stalled(job: BackgroundJob, now: datetime) -> bool:
    return job.state in job.running_states and now - job.updated_at > timedelta(seconds=STALL_SECONDS)


def follow(
    model: type[BackgroundJob],
    job_id: int,
    now: datetime,
    *,
    noun: str,
    stalled_message: str,
    check: Callable[[BackgroundJob], None] = lambda job: None,
) -> dict:
    """A job as its page shows it, once `check` (which refuses) lets the caller see it; a running one that
    has stopped advancing is marked failed (its thread died with its process), never left running forever."""
    with transaction():
        job = lock(model, job_id)
        if job is None:
            raise NotFound(noun)
        check(job)
        if stalled(job, now):
            log.warning("%s %s stalled since %s: marked failed", model.__name__, job_id, job.updated_at)
            job.state, job.result, job.updated_at = "failed", {"message": stalled_message}, now
        return {
            "id": job.id,
            "state": job.state,
            "running": job.state in model.running_states,
            "rows_done": job.rows_done,
            "rows_total": job.rows_total,
            "result": job.result,
            "created_at": job.created_at,
            "updated_at": job.updated_at,
            **{k: getattr(job, k) for k in model.own_fields},
        }
