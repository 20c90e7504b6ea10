"""/desk/leave (请假审批): the leave requests of the members in scope, waiting first, by the query GET
/api/v1/leave answers; approve, or refuse with a reason, by the operation the API calls."""

from types import SimpleNamespace

from flask import Blueprint, render_template, request
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, NumberRange, Optional

from app.auth import scope
from app.db import utcnow
from app.desk.access import desk_actor
from app.leave import operations, queries
from app.leave.models import LEAVE_STATES, REASON_MAX
from app.pages import attempt, form_refusal, page_status
from app.schemas import ID_MAX

bp = Blueprint("desk_leave", __name__)

STATE_WORDS = {"pending": "待审批", "approved": "已批准", "refused": "不批准", "cancelled": "本人已撤回"}
STATE_TAGS = {"pending": "warn", "approved": "ok", "refused": "no", "cancelled": ""}


class DecisionForm(FlaskForm):
    leave_id = IntegerField(validators=[DataRequired("缺少请假编号"), NumberRange(1, ID_MAX, "请假编号不对")])
    action = StringField(validators=[AnyOf(list(operations.DECISIONS), "请选择批准或不批准")])
    # Required for a refusal: the operation says so, in the API's words.
    reason = TextAreaField(validators=[Optional()])


def _decidable(account, row: dict) -> bool:
    member = SimpleNamespace(id=row["member_id"], community_id=row["community_id"])
    return row["state"] == "pending" and scope.may_decide_leave(account, member)


@bp.route("/desk/leave", methods=["GET", "POST"])
def leave():
    account = desk_actor()
    outcome, decided = None, None
    if request.method == "POST":
        form = DecisionForm()
        if form.validate():
            decided = form.leave_id.data
            reason = (form.reason.data or "").strip() or None
            outcome = attempt(operations.decide, account, decided, form.action.data, reason, utcnow())
        else:
            outcome = form_refusal(form)
    state = request.args.get("state")
    rows = queries.leave_list(
        account,
        event_id=request.args.get("event_id", type=int),
        state=state if state in LEAVE_STATES else None,
    )
    # Waiting first, each part oldest first as the query gives it.
    rows.sort(key=lambda r: r["state"] != "pending")
    return render_template(
        "desk/leave.html",
        rows=[r | {"decidable": _decidable(account, r)} for r in rows],
        outcome=outcome,
        decided=decided,
        state=state,
        words=STATE_WORDS,
        tags=STATE_TAGS,
        reason_max=REASON_MAX,
    ), page_status(outcome)
