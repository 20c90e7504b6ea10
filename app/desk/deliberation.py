"""/desk/deliberation (议事日): this month's day and its move form, the attendance checkboxes, the agenda
items by stage with their advance forms, the part-time committee members; /desk/deliberation/items/{id},
one item's history. Each form calls the operation its API call does; the page reads one query."""

from flask import Blueprint, render_template, request
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, NumberRange, Optional

from app.db import utcnow
from app.deliberation import operations, queries
from app.deliberation.models import (
    DETAIL_MAX,
    NOTE_MAX,
    RAISED_BY_MAX,
    RESULT_WORDS,
    RESULTS,
    STAGE_WORDS,
    STAGES,
    TITLE_MAX,
)
from app.desk.access import desk_actor, id_arg
from app.org.queries import community_choices
from app.pages import Outcome, attempt, form_refusal, page_status
from app.schemas import ID_MAX, ID_PATH

bp = Blueprint("desk_deliberation", __name__)

ID = [DataRequired("缺少编号"), NumberRange(1, ID_MAX, "编号不对")]
DONE_WORDS = {
    "move": "议事日已改期",
    "attendance": "出席名单已保存",
    "add_item": "议题已登记",
    "advance": "议题已推进",
    "add_term": "兼职委员已登记",
    "end_term": "任期已提前结束",
}


class Day(DateField):
    """A date as a date input sends it (2026-12-01), refused in Chinese when it is not one."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("日期格式应为 2026-12-01") from error


class MoveForm(FlaskForm):
    day_id = IntegerField(validators=ID)
    on = Day(validators=[DataRequired("请选择新的日期")])


class AttendanceForm(FlaskForm):
    day_id = IntegerField(validators=ID)


class ItemForm(FlaskForm):
    # The operation judges the texts, with the API's codes and Chinese words.
    title = StringField(validators=[Optional()])
    detail = TextAreaField(validators=[Optional()])
    raised_by = StringField(validators=[Optional()])


class AdvanceForm(FlaskForm):
    item_id = IntegerField(validators=ID)
    to = StringField(validators=[AnyOf(STAGES, "步骤不对")])
    note = TextAreaField(validators=[Optional()])
    result = StringField(validators=[Optional(), AnyOf(RESULTS, "请选择评议结果")])
    day_id = IntegerField(validators=[Optional(), NumberRange(1, ID_MAX, "议事日编号不对")])


class TermForm(FlaskForm):
    member_id = IntegerField(validators=[DataRequired("请选择党员"), NumberRange(1, ID_MAX, "党员编号不对")])
    start = Day(validators=[DataRequired("请填写任期开始日期")])
    end = Day(validators=[DataRequired("请填写任期结束日期")])


class EndTermForm(FlaskForm):
    term_id = IntegerField(validators=ID)


def _member_ids() -> list[int] | None:
    """The ticked checkboxes; None when one is not an id (a form the page did not send)."""
    values = request.form.getlist("member_ids")
    if not all(v.isdigit() and 0 < int(v) <= ID_MAX for v in values):
        return None
    return [int(v) for v in values]


def _act(account, community_id: int, action: str) -> Outcome:
    now = utcnow()
    if action == "move":
        form = MoveForm()
        if form.validate():
            return attempt(operations.move_day, account, form.day_id.data, form.on.data, now)
    elif action == "attendance":
        form = AttendanceForm()
        ids = _member_ids()
        if form.validate() and ids is not None:
            return attempt(operations.record_attendance, account, form.day_id.data, ids, now)
    elif action == "add_item":
        form = ItemForm()
        if form.validate():
            return attempt(
                operations.add_item, account, community_id, form.title.data, form.detail.data, form.raised_by.data, now
            )
    elif action == "advance":
        form = AdvanceForm()
        if form.validate():
            return attempt(
                operations.advance,
                account,
                form.item_id.data,
                form.note.data,
                now,
                result=form.result.data or None,
                day_id=form.day_id.data,
                to=form.to.data,
            )
    elif action == "add_term":
        form = TermForm()
        if form.validate():
            return attempt(
                operations.add_term, account, form.member_id.data, community_id, form.start.data, form.end.data, now
            )
    elif action == "end_term":
        form = EndTermForm()
        if form.validate():
            return attempt(operations.end_term, account, form.term_id.data, now)
    else:
        return Outcome(code="invalid_request", message="不支持的操作", status=400)
    if not form.errors:
        return Outcome(code="invalid_request", message="出席名单有误", status=400)
    return form_refusal(form)


def _words() -> dict:
    return {
        "stages": STAGE_WORDS,
        "results": RESULT_WORDS,
        "done": DONE_WORDS,
        "title_max": TITLE_MAX,
        "detail_max": DETAIL_MAX,
        "note_max": NOTE_MAX,
        "raised_by_max": RAISED_BY_MAX,
        "next": dict(zip(STAGES, STAGES[1:], strict=False)),
    }


@bp.route("/desk/deliberation", methods=["GET", "POST"])
def deliberation():
    account = desk_actor()
    community_id = id_arg("community_id")
    if community_id is None and account.role == "admin":
        picked = community_choices()
        community_id = picked[0][0] if picked else None
    outcome, action = None, None
    if request.method == "POST":
        action = request.form.get("action", "")
        # A community the caller may not manage is refused by the operation, as on the API.
        target = community_id if community_id is not None else account.community_id
        outcome = _act(account, target, action)
    today = operations.today(utcnow())
    page = queries.desk(account, community_id, today)
    return render_template(
        "desk/deliberation.html",
        page=page,
        today=today,
        outcome=outcome,
        action=action,
        communities=community_choices() if account.role == "admin" else [],
        **_words(),
    ), page_status(outcome)


@bp.route(f"/desk/deliberation/items/<{ID_PATH}:item_id>", methods=["GET", "POST"])
def item(item_id: int):
    account = desk_actor()
    outcome = None
    if request.method == "POST":
        outcome = _act(account, 0, "advance")
    return render_template(
        "desk/deliberation_item.html",
        item=queries.item(account, item_id, operations.today(utcnow())),
        outcome=outcome,
        action="advance",
        **_words(),
    ), page_status(outcome)
