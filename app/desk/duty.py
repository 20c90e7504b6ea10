"""季度报到 at the desk (/desk/duty): who in scope has reported this quarter, the missing with phone
numbers to call, a quarter picker, and the list as a workbook."""

from io import BytesIO

from flask import Blueprint, render_template, request, send_file

from app.db import utcnow
from app.desk.access import desk_actor, desk_scope
from app.duty.queries import duty_report
from app.duty.workbook import duty_workbook
from app.spreadsheets import XLSX
from ledger import periods

bp = Blueprint("desk_duty", __name__)

QUARTERS_PICKED = 8


def _quarters(now) -> list[str]:
    """This quarter and the ones before it, newest first, for the picker."""
    month = periods.month_of(now)
    quarters: list[str] = []
    while len(quarters) < QUARTERS_PICKED:
        quarter = periods.quarter_of_month(month)
        if quarter not in quarters:
            quarters.append(quarter)
        month = periods.prev_month(month)
    return quarters


def _quarter(now) -> str:
    # Checked by the duty query, which refuses anything but YYYY-Qn in Chinese.
    return request.args.get("quarter") or periods.quarter_of(now)


@bp.get("/desk/duty")
def duty():
    account, now = desk_actor(), utcnow()
    where = desk_scope(account)
    report = duty_report(account, _quarter(now), **where, now=now)
    return render_template(
        "desk/duty.html",
        report=report,
        missing=[m for m in report["members"] if not m["met"]],
        quarters=_quarters(now),
        where=where,
    )


@bp.get("/desk/duty.xlsx")
def duty_sheet():
    account, now = desk_actor(), utcnow()
    quarter = _quarter(now)
    data = duty_workbook(account, quarter, now, **desk_scope(account))
    return send_file(BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=f"duty-{quarter}.xlsx")
