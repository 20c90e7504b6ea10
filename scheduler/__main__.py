"""`python -m scheduler`: run the jobs as the leader; `--list` their next runs; `--run JOB --now ISO8601` one job."""

import argparse
import logging
import sys
import time
from datetime import datetime

from apscheduler.schedulers.blocking import BlockingScheduler

from app import create_app
from app.db import utcnow
from app.extensions import db
from app.hosts import scheduler_engine
from ledger import periods
from scheduler.jobs import JOBS
from scheduler.leader import leadership

log = logging.getLogger("scheduler")
STANDBY_SECONDS = 30


def _parse_now(text: str | None) -> datetime:
    if not text:
        return utcnow()
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise SystemExit("--now 需要带时区的时间，例如 2026-11-29T09:00:00+08:00")
    return moment


def run_job(app, name: str, now: datetime) -> str:
    with app.app_context():
        # Leaving the app context ends the job's session (flask-sqlalchemy's teardown).
        result = JOBS[name].run(now)
    log.info("job %s as of %s: %s", name, now.isoformat(), result)
    return result


def serve(app) -> None:
    """Stand by until this process leads, catch up once, then run the jobs on their schedule."""
    with app.app_context():
        # Through PgBouncer's transaction pooling a session lock would be held by whichever connection.
        engine = scheduler_engine(app) or db.engine
    while True:
        with leadership(engine) as leading:
            if leading:
                log.info("leading: catching up, then running %s", ", ".join(JOBS))
                for name in JOBS:
                    run_job(app, name, utcnow())
                scheduler = BlockingScheduler(timezone=periods.TZ)
                for name, job in JOBS.items():
                    scheduler.add_job(
                        lambda n=name: run_job(app, n, utcnow()),
                        job.trigger,
                        id=name,
                        name=name,
                        coalesce=True,
                        max_instances=1,
                        misfire_grace_time=3600,
                    )
                scheduler.start()
                return
        log.info("another scheduler leads; standing by")
        time.sleep(STANDBY_SECONDS)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scheduler", description="在职党员积分台账的定时任务")
    parser.add_argument("--list", action="store_true", help="列出任务及下次运行时间")
    parser.add_argument("--run", metavar="JOB", choices=sorted(JOBS), help="立即运行一个任务")
    parser.add_argument("--now", metavar="ISO8601", help="以该时刻为“现在”运行（配合 --run）")
    args = parser.parse_args(argv)
    app = create_app()
    if args.list:
        now = _parse_now(args.now)
        for name, job in JOBS.items():
            upcoming = job.trigger.get_next_fire_time(None, now)
            print(f"{name}\t{upcoming.isoformat()}\t{job.doc}")
        return 0
    if args.run:
        print(run_job(app, args.run, _parse_now(args.now)))
        return 0
    serve(app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
