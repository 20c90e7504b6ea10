"""The members' one write path: the roster import's upsert of members and the accounts it creates, and
the import jobs of the office's upload page, which run that same import in a background thread."""

import logging
import secrets
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import insert, select

from app import background
from app.action_log.operations import record, request_address
from app.auth import scope
from app.auth.models import Account
from app.auth.passwords import hash_password
from app.db import transaction, utcnow
from app.errors import Refusal
from app.extensions import db
from app.members import importer
from app.members.models import ImportJob, Member

log = logging.getLogger(__name__)

SUFFIXES = (".xlsx", ".csv")
# SQLite binds at most 32,766 values per statement; a full roster has 50,000 phones.
IN_CHUNK = 10_000


@dataclass
class Summary:
    """What an import did, as the command prints it."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    accounts: int = 0

    def __str__(self) -> str:
        text = f"新增 {self.added} 人，更新 {self.updated} 人，未变 {self.unchanged} 人"
        return text + (f"；新建党员账号 {self.accounts} 个" if self.accounts else "")


def _chunks(values: list[str]) -> Iterable[list[str]]:
    return (values[i : i + IN_CHUNK] for i in range(0, len(values), IN_CHUNK))


def import_members(
    path: Path,
    initial_password: str | None,
    now: datetime,
    *,
    actor=None,
    name: str | None = None,
    progress: importer.Progress | None = None,
    job_id: int | None = None,
    address: str | None = None,
) -> Summary:
    """Add or update members matched on phone, all in one transaction; new members get an account if asked.

    The file is checked whole first, outside the write (a big file takes a while to read, and nothing
    waits on it); the write then holds only if the units, communities and grids are still those it was
    checked against. `actor` (None: the command line), the file's `name` and the uploader's `address` go
    to the action log; an upload's `job_id` is finished in the same transaction, so a job is done exactly
    when its rows are in."""
    lookups = importer.Lookups.read()
    records = importer.read(path, lookups, progress)
    if job_id is not None:
        background.advance(ImportJob, job_id, state="importing", rows_done=len(records), rows_total=len(records))
    summary = Summary()
    with transaction():
        if importer.Lookups.read() != lookups:
            raise Refusal("tree_changed", "检查期间单位、社区或网格有变动，未导入任何数据，请重新导入", 409)
        phones = [r["phone"] for r in records]
        existing = {
            m.phone: m
            for chunk in _chunks(phones)
            for m in db.session.scalars(select(Member).where(Member.phone.in_(chunk)))
        }
        added: list[dict] = []
        for row in records:
            member = existing.get(row["phone"])
            if member is None:
                added.append({**row, "created_at": now})
            elif any(getattr(member, k) != v for k, v in row.items()):
                for key, value in row.items():
                    setattr(member, key, value)
                summary.updated += 1
            else:
                summary.unchanged += 1
        summary.added = len(added)
        if added:
            # One batched INSERT: row by row, 50,000 new members held the writer lock for minutes.
            db.session.execute(insert(Member), added)
        if initial_password and added:
            new_phones = [m["phone"] for m in added]
            taken = {
                phone
                for chunk in _chunks(new_phones)
                for phone in db.session.scalars(select(Account.phone).where(Account.phone.in_(chunk)))
            }
            password_hash = hash_password(initial_password)  # once: Argon2 per row would take minutes
            accounts = [
                {
                    "phone": phone,
                    "name": name,
                    "password_hash": password_hash,
                    "role": "member",
                    "member_id": member_id,
                    # The initial password is shared by the whole file: each member sets their own.
                    "must_change_password": True,
                    "created_at": now,
                }
                for chunk in _chunks(new_phones)
                for member_id, phone, name in db.session.execute(
                    select(Member.id, Member.phone, Member.name).where(Member.phone.in_(chunk))
                )
                if phone not in taken
            ]
            if accounts:
                db.session.execute(insert(Account), accounts)
            summary.accounts = len(accounts)
        record(actor, "members.import", name or path.name, address=address, file=name or path.name, **asdict(summary))
        # Given up as stalled meanwhile: the import is abandoned too (nothing imported, as the page has said).
        if job_id is not None and not background.finish(ImportJob, job_id, "done", asdict(summary)):
            raise Refusal("import_stopped", "该导入已被标记为中断，未导入任何数据", 409)
    return summary


def start_import(account, file_name: str | None, upload: BinaryIO, now: datetime) -> int:
    """Keep an uploaded roster in the instance folder, open its job and start checking and importing it in
    a background thread of this process; the job's id, for the page that follows it. Nothing is imported
    until the whole file has been checked."""
    scope.require(scope.is_admin(account), "只有组织部管理员可以导入党员名单")
    name = Path((file_name or "").replace("\\", "/")).name.strip()[:200]
    if not name:
        raise Refusal("no_file", "请选择要导入的文件（.xlsx 或 .csv）", 400)
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise Refusal("bad_file", "只支持 .xlsx 或 .csv 文件", 400)
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"{secrets.token_hex(16)}{suffix}"
    try:
        with stored.open("wb") as out:
            # One byte past the limit is enough to refuse it, whatever the rest of the upload holds.
            data = upload.read(importer.MAX_FILE_BYTES + 1)
            if len(data) > importer.MAX_FILE_BYTES:
                raise Refusal(
                    "too_large", f"文件超过 {importer.MAX_FILE_BYTES // importer.MB} MB，请分成几个文件导入", 413
                )
            out.write(data)
        with transaction():
            job_id = background.queue(ImportJob, account, now, file_name=name, stored_path=str(stored))
    except BaseException:
        stored.unlink(missing_ok=True)
        raise
    background.start(partial(run_import_job, address=request_address()), job_id)
    return job_id


def run_import_job(job_id: int, address: str | None = None) -> None:
    """Check and import one uploaded file, writing how far it is to its job; the stored file is removed
    afterwards, as a roster holds phones and addresses."""
    job = db.session.get_one(ImportJob, job_id)
    path, name = Path(job.stored_path), job.file_name
    account = db.session.get(Account, job.account_id)
    background.advance(ImportJob, job_id, state="checking")
    try:
        with background.outcome(ImportJob, job_id, "导入时出错，未导入任何数据；请稍后重试"):
            try:
                import_members(
                    path,
                    None,
                    utcnow(),
                    actor=account,
                    name=name,
                    progress=background.reporter(ImportJob, job_id),
                    job_id=job_id,
                    address=address,
                )
            except importer.ImportRejected as rejected:
                # Every bad cell, for the page to list; any other refusal is the outcome's code and message.
                background.finish(
                    ImportJob,
                    job_id,
                    "rejected",
                    {
                        "code": rejected.code,
                        "message": rejected.message,
                        "problems": [asdict(p) for p in rejected.problems],
                        "unlisted_rows": rejected.unlisted_rows,
                    },
                )
    finally:
        path.unlink(missing_ok=True)


def import_job(account, job_id: int, now: datetime) -> dict:
    """An import job as its page shows it (a stalled one marked failed)."""
    scope.require(scope.is_admin(account), "只有组织部管理员可以查看导入")
    return background.follow(
        ImportJob,
        job_id,
        now,
        noun="导入任务",
        stalled_message="导入已中断（服务曾重启），未导入任何数据；请重新上传文件",
    )
