"""/desk/notices (信息发布): a secretary or an admin publishes a notice to the members of a community or a
unit, by the operation POST /api/v1/notices calls, and sees the notices sent with how many have read them."""

from datetime import timedelta

from flask import Blueprint, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional

from app.db import utcnow
from app.desk.access import desk_actor
from app.events import queries as event_queries
from app.notices import operations, queries
from app.pages import Outcome, attempt, form_refusal, page_status
from app.schemas import ID_MAX

bp = Blueprint("desk_notices", __name__)

# A notice may be about an event just held (thanks, results) as well as one to come.
EVENTS_SINCE = timedelta(days=7)


class NoticeForm(FlaskForm):
    # Blank or too long is the operation's refusal, worded as the API words it.
    title = StringField(validators=[Optional()])
    body = TextAreaField(validators=[Optional()])
    to = StringField(validators=[Optional()])
    event_id = IntegerField(validators=[Optional(), NumberRange(1, ID_MAX, "活动编号不对")])


def _addressees(to: str | None, targets: list[dict]) -> dict | None:
    """`community:3` / `unit:5` as the operation's keywords; none chosen, the only choice there is."""
    if not to:
        return _addressees(targets[0]["value"], targets) if len(targets) == 1 else {}
    kind, _, number = to.partition(":")
    if kind not in ("community", "unit") or not number.isdigit() or not 0 < int(number) <= ID_MAX:
        return None
    return {f"{kind}_id": int(number)}


def _publish(account, form: NoticeForm, targets: list[dict]) -> Outcome:
    if not form.validate():
        return form_refusal(form)
    addressees = _addressees(form.to.data, targets)
    if addressees is None:
        return Outcome(code="invalid_request", message="请选择发给哪个社区或单位的党员", status=400)
    return attempt(
        operations.publish,
        account,
        title=form.title.data or "",
        body=form.body.data or "",
        event_id=form.event_id.data,
        now=utcnow(),
        **addressees,
    )


@bp.route("/desk/notices", methods=["GET", "POST"])
def notices():
    account = desk_actor()
    targets = queries.publish_targets(account)
    form = NoticeForm()
    outcome = None
    if request.method == "POST":
        outcome = _publish(account, form, targets)
        if not outcome.refused:
            return redirect(url_for("desk_notices.notices", published=outcome.value.id))
    # A community's secretary picks among its events, the county among all; a unit has none of its own.
    admin = account.role == "admin"
    events = (
        event_queries.list_events(
            account,
            community_id=None if admin else account.community_id,
            kind=None,
            month=None,
            after=utcnow() - EVENTS_SINCE,
        )
        if admin or account.community_id is not None
        else []
    )
    return render_template(
        "desk/notices.html",
        form=form,
        outcome=outcome,
        targets=targets,
        events=events,
        sent=queries.sent_notices(account),
        published=request.args.get("published", type=int),
    ), page_status(outcome)
