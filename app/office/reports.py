"""/office/reports: the month's bulletin (xlsx, PDF) for the county, a community or a work unit, a work
unit's year-end record (PDF, xlsx: its buttons start the desk's background job, app.desk.year), and the
ledger export for an outside auditor (a zip with its standalone checker and guide), all with the session."""

from io import BytesIO

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for

from app.db import utcnow
from app.office.access import office_actor
from app.org.queries import community_choices, unit_choices
from app.pages import month_choices
from app.points.export import auditor_package
from app.reports.files import MIMETYPES, month_files
from app.schemas import ID_PATH
from app.year_record.files import UseBackgroundJob, unit_file_in_request
from ledger import periods

bp = Blueprint("office_reports", __name__)

PICKER_YEARS = 5


def _scope(value: str) -> dict:
    """ "community:3" / "unit:5" / "" (the county) as the report's filters; anything else is the county."""
    kind, _, number = value.partition(":")
    if kind in ("community", "unit") and number.isdecimal() and len(number) <= 10:
        return {f"{kind}_id": int(number)}
    return {}


@bp.get("/office/reports")
def reports():
    office_actor()
    months = month_choices(utcnow())
    period = request.args.get("period") or months[1][0]  # last month: the one a bulletin is usually for
    if period not in dict(months):
        period = months[1][0]
    scope = request.args.get("scope", "")
    this_year = periods.local(utcnow()).year
    return render_template(
        "office/reports.html",
        months=months,
        period=period,
        scope=scope,
        filters=_scope(scope),
        communities=community_choices(),
        units=unit_choices(),
        years=list(range(this_year, this_year - PICKER_YEARS, -1)),
        year=request.args.get("year", this_year, type=int),
        year_unit=request.args.get("year_unit", type=int),
    )


@bp.get("/office/reports/<period>.<any(xlsx, pdf):kind>")
def month_report(period, kind):
    actor = office_actor()
    filters = {k: v for k, v in request.args.items() if k in ("community_id", "unit_id") and v.isdecimal()}
    [(name, data)] = month_files(actor, period, kind, now=utcnow(), **{k: int(v) for k, v in filters.items()}).items()
    return send_file(BytesIO(data), mimetype=MIMETYPES[kind], as_attachment=True, download_name=name)


@bp.get(f"/office/reports/year/<year>/units/<{ID_PATH}:unit_id>.<any(pdf, xlsx):kind>")
def year_record(year, unit_id, kind):
    """The file built within the request, as before the buttons' jobs: no page links here, old bookmarks may.
    A unit too large for a request goes to this page, its year-end buttons for that unit below the note why at
    the top (no #year-record: the jump would scroll the note out of sight); a GET starts no job."""
    try:
        name, data = unit_file_in_request(office_actor(), year, unit_id, kind, now=utcnow())
    except UseBackgroundJob as refusal:
        flash(refusal.page_words)
        return redirect(url_for("office_reports.reports", year=year, year_unit=unit_id), 303)
    return send_file(BytesIO(data), mimetype=MIMETYPES[kind], as_attachment=True, download_name=name)


@bp.get("/office/reports/ledger.zip")
def ledger_export():
    office_actor()
    period = request.args.get("period") or None
    name, package, _ = auditor_package(period)
    return send_file(package, mimetype="application/zip", as_attachment=True, download_name=name)
