"""年度记实 at the desk (/desk/year): a unit's secretary sees their unit's members' year in a table, and its
buttons build the unit's PDF or workbook in the background (a unit of thousands takes longer than a
request may), on a page with a progress bar and then the download; a community's secretary sees their
community's members, each one's PDF page. The office's reports page starts the same jobs for an admin
(`?from=office`), and the same job page then wears the office's menu and leads back there. Downloads go with
the session cookie and are the API's own files (app.year_record.files); the file a link builds within the
request is for a small unit only, a larger one is sent to the buttons instead."""

from io import BytesIO
from pathlib import Path

from flask import Blueprint, flash, jsonify, redirect, render_template, request, send_file, url_for

from app.background import progress_of
from app.db import utcnow
from app.desk.access import desk_actor, id_arg, page_arg
from app.errors import NotFound
from app.org.queries import unit_choices
from app.reports.files import MIMETYPES
from app.schemas import ID_PATH
from app.year_record import operations
from app.year_record.files import UseBackgroundJob, member_file, unit_file_in_request
from app.year_record.queries import community_record, unit_record
from ledger import periods

bp = Blueprint("desk_year", __name__)

YEARS_PICKED = 5
POLL_SECONDS = 2
# A unit's rows a page: a unit of 2,000 was 1.7 MB of table on one page; the totals stay the whole unit's.
PAGE_SIZE = 100


def _where(account) -> dict:
    """The unit or community the page is for: the one asked for (its query checks it is the caller's), else
    the secretary's own, a unit before a community; an admin asking none picks a unit first."""
    unit_id = id_arg("unit_id") or account.unit_id
    return {"unit_id": unit_id, "community_id": None if unit_id else id_arg("community_id") or account.community_id}


@bp.get("/desk/year")
def year_page():
    account, now = desk_actor(), utcnow()
    this_year = periods.local(now).year
    year = request.args.get("year") or str(this_year)
    where = _where(account)
    record, recent = None, []
    if where["unit_id"] is not None:
        record = unit_record(account, year, where["unit_id"], now=now)
        recent = operations.recent_unit_files(account, year, where["unit_id"], now)
    elif where["community_id"] is not None:
        record = community_record(account, year, where["community_id"], now=now)
    rows = record["members"] if record is not None else []
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page, offset = page_arg(PAGE_SIZE, most=pages)
    return render_template(
        "desk/year.html",
        record=record,
        rows=rows[offset : offset + PAGE_SIZE],
        page=page,
        pages=pages,
        recent=recent,
        kept_hours=operations.KEPT_HOURS,
        year=year,
        years=[str(y) for y in range(this_year, this_year - YEARS_PICKED, -1)],
        where=where,
        units=unit_choices() if account.role == "admin" else [],
    )


def _file(name: str, data: bytes):
    return send_file(BytesIO(data), mimetype=MIMETYPES[Path(name).suffix[1:]], as_attachment=True, download_name=name)


def _unit_id(account) -> int:
    unit_id = _where(account)["unit_id"]
    if unit_id is None:
        raise NotFound("单位")
    return unit_id


@bp.get("/desk/year/<year>/unit.<any(pdf, xlsx):kind>")
def unit_download(year, kind):
    """The file built within the request, for a small unit (a link kept from before the buttons' jobs); a
    larger one is sent to this page's buttons with a note why, since a GET never starts a job."""
    account = desk_actor()
    try:
        name, data = unit_file_in_request(account, year, _unit_id(account), kind, now=utcnow())
    except UseBackgroundJob as refusal:
        flash(refusal.page_words)
        return redirect(url_for("desk_year.year_page", year=year, unit_id=id_arg("unit_id")), 303)
    return _file(name, data)


def _from_office() -> dict:
    """`?from=office` when the job was started on the office's reports page, to be carried to its page."""
    return {"from": "office"} if request.args.get("from") == "office" else {}


@bp.post("/desk/year/<year>/unit.<any(pdf, xlsx):kind>/jobs")
def start_unit_file(year, kind):
    # The form holds only its CSRF token, which Flask-WTF checks before any view: the rest is in the URL.
    account = desk_actor()
    job_id, _ = operations.start_unit_file(account, year, _unit_id(account), kind, utcnow())
    return redirect(url_for("desk_year.unit_file_job", job_id=job_id, **_from_office()), 303)


@bp.get(f"/desk/year/jobs/<{ID_PATH}:job_id>")
def unit_file_job(job_id):
    job = operations.unit_file_job(desk_actor(), job_id, utcnow())
    return render_template(
        "desk/year_job.html",
        job=job,
        poll_seconds=POLL_SECONDS,
        kept_hours=operations.KEPT_HOURS,
        from_office=bool(_from_office()),
    )


@bp.get(f"/desk/year/jobs/<{ID_PATH}:job_id>.json")
def unit_file_progress(job_id):
    return jsonify(progress_of(operations.unit_file_job(desk_actor(), job_id, utcnow())))


@bp.get(f"/desk/year/jobs/<{ID_PATH}:job_id>/file")
def unit_file_download(job_id):
    name, data = operations.unit_file_download(desk_actor(), job_id, utcnow())
    return _file(name, data)


@bp.get(f"/desk/year/<year>/members/<{ID_PATH}:member_id>.pdf")
def member_download(year, member_id):
    return _file(*member_file(desk_actor(), year, member_id, now=utcnow()))
