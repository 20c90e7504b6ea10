"""年度记实 at the desk (/desk/year): a unit's secretary sees their unit's members' year in a table with the
unit's PDF and workbook to download; a community's secretary their community's members, each one's PDF
page. Downloads go with the session cookie and are the API's own files (app.year_record.files)."""

from io import BytesIO

from flask import Blueprint, render_template, request, send_file

from app.db import utcnow
from app.desk.access import desk_actor, id_arg
from app.errors import NotFound
from app.org.queries import unit_choices
from app.reports.files import MIMETYPES
from app.schemas import ID_PATH
from app.year_record.files import member_file, unit_files
from app.year_record.queries import community_record, unit_record
from ledger import periods

bp = Blueprint("desk_year", __name__)

YEARS_PICKED = 5


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
    record = None
    if where["unit_id"] is not None:
        record = unit_record(account, year, where["unit_id"], now=now)
    elif where["community_id"] is not None:
        record = community_record(account, year, where["community_id"], now=now)
    return render_template(
        "desk/year.html",
        record=record,
        year=year,
        years=[str(y) for y in range(this_year, this_year - YEARS_PICKED, -1)],
        where=where,
        units=unit_choices() if account.role == "admin" else [],
    )


@bp.get("/desk/year/<year>/unit.<any(pdf, xlsx):kind>")
def unit_download(year, kind):
    account = desk_actor()
    unit_id = _where(account)["unit_id"]
    if unit_id is None:
        raise NotFound("单位")
    [(name, data)] = unit_files(account, year, unit_id, kind, now=utcnow()).items()
    return send_file(BytesIO(data), mimetype=MIMETYPES[kind], as_attachment=True, download_name=name)


@bp.get(f"/desk/year/<year>/members/<{ID_PATH}:member_id>.pdf")
def member_download(year, member_id):
    name, data = member_file(desk_actor(), year, member_id, now=utcnow())
    return send_file(BytesIO(data), mimetype=MIMETYPES["pdf"], as_attachment=True, download_name=name)
