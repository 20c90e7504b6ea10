"""Two scheduler processes started together: one leads and runs the jobs, the other stands by, so each
return day is created once and each month closed once (a PostgreSQL advisory lock, or a file lock beside
an SQLite database)."""

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from app.events.models import Event
from app.extensions import db
from app.periods.models import Period
from tests.factories import earn

ROOT = Path(__file__).resolve().parents[2]


def _start(database_url):
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "leader-test", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "scheduler"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    os.set_blocking(process.stdout.fileno(), False)
    return process


def _read(process) -> str:
    try:
        return os.read(process.stdout.fileno(), 65536).decode("utf-8", "replace")
    except BlockingIOError:
        return ""


def _wait_for(processes, seconds=60):
    """Each process's log until every one has said whether it leads."""
    logs = {p: "" for p in processes}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for p in processes:
            logs[p] += _read(p)
        if all("job close_month" in log or "standing by" in log for log in logs.values()):
            break
        time.sleep(0.2)
    return list(logs.values())


def test_two_schedulers_elect_one_leader_and_do_each_job_once(app, make, database_url):
    communities = [make.community(), make.community()]
    earn(
        app,
        make.member(communities[0]),
        "return_day",
        period="2026-09",
        now=datetime(2026, 9, 20, 2, 0, tzinfo=UTC),
    )
    processes = [_start(database_url), _start(database_url)]
    try:
        logs = _wait_for(processes)
    finally:
        for p in processes:
            p.terminate()
            p.wait(timeout=20)
            p.stdout.close()
    assert sum("leading" in log for log in logs) == 1, logs
    assert sum("another scheduler leads" in log for log in logs) == 1, logs
    assert not any("Traceback" in log for log in logs), logs
    with app.app_context():
        this_month = db.session.scalar(select(func.count()).select_from(Event).where(Event.kind == "return_day"))
        assert this_month in (len(communities), 2 * len(communities))  # next month's too, after the return day
        assert db.session.get(Period, "2026-09") is not None
