"""/office/log: the action log (操作日志), newest first, read by admins only; nothing on it can be edited."""

from flask import Blueprint, render_template, request

from app.action_log import queries
from app.action_log.words import ACTIONS, DETAILS, ROLES, YES_NO
from app.office.access import office_actor

bp = Blueprint("office_log", __name__)

PER_PAGE = 50


@bp.get("/office/log")
def log():
    office_actor()
    page = request.args.get("page", "1")
    page = int(page) if page.isdecimal() and len(page) <= 6 and int(page) > 0 else 1
    action = request.args.get("action") or None
    rows, total = queries.page(action=action, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    return render_template(
        "office/log.html",
        rows=rows,
        total=total,
        page=page,
        pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
        action=action,
        actions=ACTIONS,
        roles=ROLES,
        details=DETAILS,
        yes_no=YES_NO,
    )
