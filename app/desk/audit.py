"""积分审核 at the desk (/desk/audit): the API's queue and filters, and its bulk decision, in one form."""

from flask import Blueprint, render_template, request
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from app.db import utcnow
from app.desk import queries
from app.desk.access import desk_actor, desk_scope, id_arg, page_arg
from app.pages import Outcome, attempt, form_refusal, month_choices, page_status
from app.points import operations
from app.schemas import ID_MAX
from app.text import visible
from ledger.states import Decision
from ledger.words import SOURCES

bp = Blueprint("desk_audit", __name__)

# A page a secretary can read and tick through; a queue of thousands pages on, oldest first.
PAGE_SIZE = 100
# As long a reason as the API takes.
REASON_MAX = 500


class AuditForm(FlaskForm):
    action = StringField(
        validators=[
            DataRequired("请选择通过或驳回"),
            AnyOf([Decision.APPROVE.value, Decision.REJECT.value], "审核结论只能是通过或驳回"),
        ]
    )
    reason = TextAreaField(validators=[Optional(), Length(max=REASON_MAX, message=f"原因最多{REASON_MAX}个字")])


def _filters() -> dict:
    source = request.args.get("source") or None
    return {
        "event_id": id_arg("event_id"),
        "source": source if source in SOURCES else None,
        # The month is checked by the queue's query, which refuses a malformed one in Chinese.
        "month": request.args.get("month") or None,
    }


def _ids(values: list[str]) -> list[int] | None:
    """The ticked boxes as entry ids; None when one is not an id at all (not a form this page sent)."""
    ids = []
    for value in values:
        if not value.isdigit() or not 0 < int(value) <= ID_MAX:
            return None
        ids.append(int(value))
    return ids


def _decide(account) -> Outcome:
    form = AuditForm()
    ids = _ids(request.form.getlist("ids"))
    if not form.validate():
        return form_refusal(form)
    if ids is None:
        return Outcome(code="invalid_request", message="勾选的条目编号不对，请刷新页面后重试", status=400)
    if not ids:
        return Outcome(code="nothing_selected", message="请先勾选要审核的积分", status=400)
    if form.action.data == Decision.REJECT.value and not visible(form.reason.data):
        return Outcome(code="reason_required", message="驳回须填写原因，党员会看到它", status=400)
    reason = (form.reason.data or "").strip() or None
    return attempt(operations.decide_each, account, ids, form.action.data, reason, utcnow())


@bp.route("/desk/audit", methods=["GET", "POST"])
def queue():
    account = desk_actor()
    where, filters = desk_scope(account), _filters()
    page, offset = page_arg(PAGE_SIZE)
    outcome = _decide(account) if request.method == "POST" else None
    decided = [*outcome.value[0], *(r["id"] for r in outcome.value[1])] if outcome and not outcome.refused else []
    shown = queries.audit_page(account, where, filters, limit=PAGE_SIZE, offset=offset, decided=decided)
    status = page_status(outcome)
    return render_template(
        "desk/audit.html",
        queue=shown,
        filters=filters,
        where=where,
        page=page,
        pages=max(1, -(-shown["total"] // PAGE_SIZE)),
        outcome=outcome,
        action=request.form.get("action"),
        reason=request.form.get("reason", "") if outcome and outcome.refused else "",
        sources=SOURCES,
        months=month_choices(utcnow()),
    ), status
