"""The members in the desk's scope (/desk/members): the register with this month's points and the
quarter's duty, one member's ledger with 冲正, a password reset, and the list as a workbook."""

from io import BytesIO

from flask import Blueprint, make_response, render_template, request, send_file
from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange

from app.auth import operations as auth_operations
from app.db import utcnow
from app.desk.access import desk_actor, desk_scope, page_arg
from app.members import queries
from app.members.workbook import members_workbook
from app.pages import attempt, form_refusal, page_status
from app.points import operations as points_operations
from app.schemas import ID_MAX, ID_PATH
from app.spreadsheets import XLSX
from ledger.words import SOURCES, STATES

bp = Blueprint("desk_members", __name__)

PAGE_SIZE = 50
Q_MAX = 50  # as the API's q
ID = [DataRequired("缺少编号"), NumberRange(1, ID_MAX, "编号不对")]


class ReverseForm(FlaskForm):
    entry_id = IntegerField(validators=ID)
    reason = TextAreaField(
        validators=[DataRequired("冲正须填写原因，党员会看到它"), Length(max=500, message="原因最多500个字")]
    )


class ResetForm(FlaskForm):
    account_id = IntegerField(validators=ID)


def _search() -> str | None:
    return (request.args.get("q") or "").strip()[:Q_MAX] or None


@bp.get("/desk/members")
def members():
    account = desk_actor()
    where, q = desk_scope(account), _search()
    page, offset = page_arg(PAGE_SIZE)
    listed = queries.list_members(account, **where, q=q, limit=PAGE_SIZE, offset=offset, figures_at=utcnow())
    return render_template(
        "desk/members.html",
        listed=listed,
        q=q,
        where=where,
        page=page,
        pages=max(1, -(-listed["total"] // PAGE_SIZE)),
    )


@bp.get("/desk/members.xlsx")
def members_sheet():
    account = desk_actor()
    data = members_workbook(account, utcnow(), **desk_scope(account), q=_search())
    return send_file(BytesIO(data), mimetype=XLSX, as_attachment=True, download_name="members.xlsx")


@bp.route(f"/desk/members/<{ID_PATH}:member_id>", methods=["GET", "POST"])
def member(member_id):
    account = desk_actor()
    outcome, reversed_entry = None, None
    if request.method == "POST":
        form = ReverseForm()
        reversed_entry = form.entry_id.data
        if form.validate():
            outcome = attempt(points_operations.reverse, account, form.entry_id.data, form.reason.data, utcnow())
        else:
            outcome = form_refusal(form)
    card = queries.member_card(account, member_id)
    status = page_status(outcome)
    return render_template(
        "desk/member.html",
        card=card,
        outcome=outcome,
        reversed_entry=reversed_entry,
        states=STATES,
        sources=SOURCES,
    ), status


@bp.route(f"/desk/members/<{ID_PATH}:member_id>/password-reset", methods=["GET", "POST"])
def password_reset(member_id):
    account = desk_actor()
    if request.method == "GET":
        # The confirmation names whose password is about to change, under the member page's own scope rule.
        page = render_template("desk/password_reset.html", card=queries.member_card(account, member_id), outcome=None)
        return _kept_nowhere(make_response(page))
    form = ResetForm()
    outcome = attempt(auth_operations.reset_password, account, form.account_id.data) if form.validate() else None
    outcome = outcome or form_refusal(form)
    page = render_template("desk/password_reset.html", member_id=member_id, card=None, outcome=outcome)
    return _kept_nowhere(make_response(page, outcome.status if outcome.refused else 200))


def _kept_nowhere(response):
    # The one-time password is shown once: no browser or proxy keeps the page.
    response.headers["Cache-Control"] = "no-store"
    return response
