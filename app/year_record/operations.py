"""A work unit's year-end file built in the background (app.background): a unit of 2,000 members is 27 s
of CPU for its PDF, past what a request may take behind gunicorn. The desk's buttons and the API start a
job, follow its progress a member at a time and then download the file, which is kept a day for the unit's
secretaries and admins (who may have the record itself), then removed when a later job starts. The file is
kept in the database: the web hosts are stateless, and the download may reach another than built it."""

from datetime import datetime, timedelta

from sqlalchemy import select, update

from app import background
from app.auth.models import Account
from app.db import advisory_lock, transaction, utcnow
from app.errors import NotFound, Refusal
from app.extensions import db
from app.year_record.files import unit_file
from app.year_record.models import KINDS, UnitFileJob
from app.year_record.queries import parse_year, require_unit, scope_name, unit_record, year_span

KEPT_HOURS = 24
KEPT = timedelta(hours=KEPT_HOURS)
# One start at a time per unit, so that a second click finds the first job rather than racing it.
UNIT_FILE_LOCKS = 0x59524A42 << 32


def _remove_expired(now: datetime) -> None:
    """Files kept past KEPT go, their jobs marked expired."""
    db.session.execute(
        update(UnitFileJob)
        .where(UnitFileJob.state == "done", UnitFileJob.updated_at < now - KEPT)
        .values(state="expired", content=None)
    )


def start_unit_file(account, year, unit_id: int, kind: str, now: datetime) -> tuple[int, bool]:
    """The job building the unit's file of `kind` for `year`: the one already being built if there is one
    (True: joined), else a new one started in a background thread of this process."""
    if kind not in KINDS:
        raise Refusal("invalid_kind", "文件类型只能是 pdf 或 xlsx", 400)
    require_unit(account, unit_id)
    year = year_span(year, now)["year"]
    with transaction():
        scope_name(unit_id=unit_id)  # 404 for a unit that is not there
        advisory_lock(UNIT_FILE_LOCKS | unit_id, shared=False)
        _remove_expired(now)
        running = db.session.scalars(
            select(UnitFileJob)
            .where(
                UnitFileJob.unit_id == unit_id,
                UnitFileJob.year == year,
                UnitFileJob.kind == kind,
                UnitFileJob.state.in_(UnitFileJob.running_states),
            )
            .order_by(UnitFileJob.id.desc())
        ).first()
        if running is not None and not background.stalled(running, now):
            return running.id, True
        job_id = background.queue(UnitFileJob, account, now, unit_id=unit_id, year=year, kind=kind)
    background.start(run_unit_file_job, job_id)
    return job_id, False


def run_unit_file_job(job_id: int) -> None:
    """Read the unit's record, build its file a member at a time and keep it; a refusal or a fault is the
    job's Chinese message (rejected, failed)."""
    job = db.session.get_one(UnitFileJob, job_id)
    account = db.session.get(Account, job.account_id)
    unit_id, year, kind = job.unit_id, job.year, job.kind
    background.advance(UnitFileJob, job_id, state="reading")
    with background.outcome(UnitFileJob, job_id, "生成文件时出错，请稍后重试"):
        record = unit_record(account, year, unit_id, now=utcnow())
        # Its commit also ends the read's transaction, which on SQLite would hold the writer lock all build long.
        background.advance(UnitFileJob, job_id, state="writing", rows_done=0, rows_total=len(record["members"]))
        name, data = unit_file(record, kind, background.reporter(UnitFileJob, job_id))
        background.finish(UnitFileJob, job_id, "done", {"file_name": name, "bytes": len(data)}, content=data)


def unit_file_job(account, job_id: int, now: datetime, *, year=None, unit_id: int | None = None) -> dict:
    """The job as its page and the API show it, for those who may have the unit's record; the API names the
    year and unit in its path, and a job of another is not there (404). A file kept past KEPT reads expired
    even before a later start removes it."""
    if unit_id is not None:
        require_unit(account, unit_id)
    asked = None if year is None else (unit_id, parse_year(year))

    def check(job) -> None:
        if asked is not None and asked != (job.unit_id, job.year):
            raise NotFound("生成任务")
        require_unit(account, job.unit_id)

    view = background.follow(
        UnitFileJob,
        job_id,
        now,
        noun="生成任务",
        stalled_message="生成已中断（服务曾重启），请重新生成",
        check=check,
    )
    if view["state"] == "done" and now - view["updated_at"] > KEPT:
        view["state"] = "expired"
    return view


def unit_file_download(account, job_id: int, now: datetime, **where) -> tuple[str, bytes]:
    """The kept file's name and bytes; 409 while it is being built or when it failed, 410 once removed."""
    view = unit_file_job(account, job_id, now, **where)
    if view["running"]:
        raise Refusal("not_ready", "文件正在生成，请稍候", 409)
    if view["state"] in ("rejected", "failed"):
        raise Refusal("job_failed", view["result"]["message"], 409)
    content = db.session.scalar(select(UnitFileJob.content).where(UnitFileJob.id == job_id))
    if view["state"] == "expired" or content is None:
        raise Refusal("expired", f"文件只保留 {KEPT_HOURS} 小时，已删除，请重新生成", 410)
    return view["result"]["file_name"], content


RECENT_FILES = 6


def recent_unit_files(account, year, unit_id: int, now: datetime) -> list[dict]:
    """The unit's files of `year` built within the day and still kept, newest first: the desk's page lists
    them, so that a secretary who left a job's page finds the file again without building it anew."""
    require_unit(account, unit_id)
    rows = db.session.execute(
        select(UnitFileJob.id, UnitFileJob.kind, UnitFileJob.result, UnitFileJob.updated_at)
        .where(
            UnitFileJob.unit_id == unit_id,
            UnitFileJob.year == parse_year(year),
            UnitFileJob.state == "done",
            UnitFileJob.updated_at >= now - KEPT,
        )
        .order_by(UnitFileJob.id.desc())
        .limit(RECENT_FILES)
    )
    return [
        {
            "job_id": r.id,
            "kind": r.kind,
            "file_name": r.result["file_name"],
            "bytes": r.result["bytes"],
            "at": r.updated_at,
        }
        for r in rows
    ]
