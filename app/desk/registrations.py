"""/desk/registrations (注册审核): the self-registrations waiting for the secretary's community, confirmed or
refused with a reason, on the operations POST /api/v1/registrations/{id}/confirm and /refuse call."""

from flask import Blueprint, render_template, request
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, NumberRange, Optional

from app.db import utcnow
from app.desk.access import desk_actor
from app.pages import Outcome, attempt, page_status
from app.registrations import operations, queries
from app.schemas import ID_MAX

bp = Blueprint("desk_registrations", __name__)


class DecisionForm(FlaskForm):
    registration_id = IntegerField(validators=[DataRequired("缺少编号"), NumberRange(1, ID_MAX, "编号不对")])
    action = HiddenField(validators=[DataRequired("请选择确认或退回")])
    reason = TextAreaField(validators=[Optional()])


DONE = {"confirm": "confirmed", "refuse": "refused"}


def _decide(account, form: DecisionForm) -> Outcome:
    if not form.validate() or form.action.data not in DONE:
        message = "；".join(e for errors in form.errors.values() for e in errors) or "请求内容有误"
        return Outcome(code="invalid_request", message=message, status=400)
    if form.action.data == "confirm":
        return attempt(operations.confirm, account, form.registration_id.data, utcnow())
    return attempt(operations.refuse, account, form.registration_id.data, form.reason.data, utcnow())


@bp.route("/desk/registrations", methods=["GET", "POST"])
def registrations():
    account = desk_actor()
    outcome = _decide(account, DecisionForm()) if request.method == "POST" else None
    community_id = request.args.get("community_id", type=int)
    rows = queries.registrations(account, community_id=community_id)
    status = page_status(outcome)
    return render_template(
        "desk/registrations.html",
        waiting=[r for r in rows if r["state"] == "waiting"],
        decided=[r for r in rows if r["state"] != "waiting"],
        outcome=outcome,
        done=DONE.get(request.form.get("action", "")) if outcome and not outcome.refused else None,
    ), status
