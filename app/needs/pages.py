"""/me/needs on the member's phone (支部接单): the open needs of their community to claim, and the needs they
serve, each with a form to mark it done.

The lists are the queries GET /api/v1/me/needs answers; claim and done are the operations POST .../claim and
.../done call. The answer carries `data-claim-status` (`claimed` or the refusal's code: the loser of a race
reads the operation's 已被其他党员认领) or `data-done-status` (`done` or the code)."""

from flask import Blueprint, render_template, request
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional

from app.db import utcnow
from app.me.access import member_account, password_first
from app.needs import operations, queries
from app.needs.models import NOTE_MAX
from app.pages import Outcome, attempt, form_refusal, page_status
from app.schemas import ID_MAX

bp = Blueprint("needs_pages", __name__)
bp.before_request(password_first)


class NeedActionForm(FlaskForm):
    need_id = IntegerField(validators=[DataRequired("缺少需求编号"), NumberRange(1, ID_MAX, "需求编号不对")])
    action = StringField(validators=[AnyOf(["claim", "done"], "不认识的操作")])
    note = TextAreaField(validators=[Optional(), Length(max=NOTE_MAX * 4, message=f"办理情况最多{NOTE_MAX}字")])


def _act(account, form: NeedActionForm) -> Outcome:
    if not form.validate():
        return form_refusal(form)
    if form.action.data == "claim":
        return attempt(operations.claim, account.member_id, form.need_id.data, now=utcnow())
    return attempt(operations.mark_done, account.member_id, form.need_id.data, form.note.data or "", now=utcnow())


@bp.route("/me/needs", methods=["GET", "POST"])
def needs():
    account = member_account()
    outcome, form = None, None
    if request.method == "POST":
        form = NeedActionForm()
        outcome = _act(account, form)
    mine = queries.open_for_member(account.member_id), queries.served_by(account.member_id)
    return render_template(
        "needs/me.html",
        open_needs=mine[0],
        serving=mine[1],
        outcome=outcome,
        action=form.action.data if form else None,
        acted_on=form.need_id.data if form else None,
        note_max=NOTE_MAX,
    ), page_status(outcome)
