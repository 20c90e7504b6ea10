"""/api/v1/deliberation: 议事日 (days and attendance), agenda items (议题) and part-time committee members (兼职委员)."""

from flask.views import MethodView
from marshmallow import fields, validate

from app.api_base import Blueprint
from app.auth.current import actor
from app.db import utcnow
from app.deliberation import operations, queries
from app.deliberation.models import DETAIL_MAX, NOTE_MAX, RAISED_BY_MAX, RESULTS, STAGES, TITLE_MAX
from app.schemas import CODE_MAX, ID_PATH, MONTH, Id, LocalDateTime, Schema, Text

blp = Blueprint("deliberation", __name__, url_prefix="/api/v1/deliberation", description="议事日、议题与兼职委员")

# A community's residents and its paired units' members: a few thousand at most.
ATTENDANCE_MAX = 5000


class DaysQuery(Schema):
    community_id = Id(strict=False)
    month = Text(max=CODE_MAX, metadata=MONTH)


class Day(Schema):
    id = fields.Integer()
    community_id = fields.Integer()
    community = fields.String(metadata={"description": "社区名称"})
    period = fields.String(metadata={"description": "YYYY-MM"})
    on = fields.Date(metadata={"description": "议事日日期（北京时间）"})
    first_working_day = fields.Date(metadata={"description": "该月第一个工作日"})
    moved = fields.Boolean(metadata={"description": "书记是否调整过日期"})
    moved_at = LocalDateTime(allow_none=True)
    member_ids = fields.List(fields.Integer(), metadata={"description": "登记出席的党员"})


class DayList(Schema):
    days = fields.List(fields.Nested(Day))


class DayMove(Schema):
    on = fields.Date(required=True, metadata={"description": "新日期 YYYY-MM-DD，须在本月内"})


class Attendance(Schema):
    member_ids = fields.List(
        Id(),
        required=True,
        validate=validate.Length(max=ATTENDANCE_MAX),
        metadata={"description": "出席的党员（整体替换原有登记）"},
    )


class ItemsQuery(Schema):
    community_id = Id(strict=False)
    stage = fields.String(validate=validate.OneOf(STAGES))


class Item(Schema):
    id = fields.Integer()
    community_id = fields.Integer()
    title = fields.String()
    detail = fields.String(allow_none=True)
    raised_by = fields.String(metadata={"description": "提议人"})
    stage = fields.String(metadata={"enum": list(STAGES), "description": "提议、商议、践议、议评"})
    result = fields.String(allow_none=True, metadata={"enum": list(RESULTS)})
    created_at = LocalDateTime()
    updated_at = LocalDateTime()


class Step(Schema):
    stage = fields.String(metadata={"enum": list(STAGES)})
    account_id = fields.Integer()
    by = fields.String(metadata={"description": "操作人"})
    at = LocalDateTime()
    note = fields.String(allow_none=True)
    day_id = fields.Integer(allow_none=True)
    day_on = fields.Date(allow_none=True)
    result = fields.String(allow_none=True, metadata={"enum": list(RESULTS)})


class ItemWithSteps(Item):
    community = fields.String()
    next_stage = fields.String(allow_none=True, metadata={"enum": list(STAGES)})
    steps = fields.List(fields.Nested(Step))


class ItemList(Schema):
    items = fields.List(fields.Nested(Item))


class ItemNew(Schema):
    community_id = Id(required=True)
    title = Text(max=TITLE_MAX, required_visible=True, required=True)
    detail = Text(max=DETAIL_MAX, allow_none=True, load_default=None)
    raised_by = Text(
        max=RAISED_BY_MAX, allow_none=True, load_default=None, metadata={"description": "提议人；不填为书记本人"}
    )


class Advance(Schema):
    note = Text(max=NOTE_MAX, required_visible=True, required=True)
    result = fields.String(
        allow_none=True, load_default=None, validate=validate.OneOf(RESULTS), metadata={"description": "议评时必填"}
    )
    day_id = Id(allow_none=True, load_default=None, metadata={"description": "在哪一次议事日进行"})
    to = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.OneOf(STAGES),
        metadata={"description": "可选：期望推进到的阶段，不是下一步则 409 not_next_stage"},
    )


class CommitteeQuery(Schema):
    community_id = Id(strict=False)


class Term(Schema):
    id = fields.Integer()
    member_id = fields.Integer()
    name = fields.String()
    unit = fields.String()
    community_id = fields.Integer()
    start = fields.Date()
    end = fields.Date()
    state = fields.String(metadata={"enum": ["serving", "coming", "ended"]})
    serving = fields.Boolean(metadata={"description": "今天是否在任"})
    ended_early = fields.Boolean()


class TermList(Schema):
    terms = fields.List(fields.Nested(Term))


class TermNew(Schema):
    community_id = Id(required=True)
    member_id = Id(required=True)
    start = fields.Date(required=True)
    end = fields.Date(required=True, metadata={"description": "不早于 start"})


@blp.route("/days")
class Days(MethodView):
    @blp.arguments(DaysQuery, location="query")
    @blp.response(200, DayList)
    @blp.doc(operationId="listDeliberationDays")
    def get(self, query):
        """议事日 of a community (a secretary: their own when naming none; an admin: every community), with
        who attended. Its secretary and admins only."""
        return {"days": queries.days(actor(), query.get("community_id"), query.get("month"))}


@blp.route(f"/days/<{ID_PATH}:day_id>")
class OneDay(MethodView):
    @blp.arguments(DayMove)
    @blp.response(200, Day)
    @blp.doc(operationId="moveDeliberationDay")
    def patch(self, body, day_id):
        """改期 within the day's month (409 `not_in_month` otherwise); the job never moves it back."""
        who = actor()
        operations.move_day(who, day_id, body["on"], utcnow())
        return queries.one_day(who, day_id)


@blp.route(f"/days/<{ID_PATH}:day_id>/attendance")
class DayAttendance(MethodView):
    @blp.arguments(Attendance)
    @blp.response(200, Day)
    @blp.doc(operationId="recordDeliberationAttendance")
    def put(self, body, day_id):
        """出席登记 by the secretary: the list replaces the one before. Residents, paired units' members and
        part-time committee members only (409 `not_eligible`); not before the day (409 `day_not_come`)."""
        who = actor()
        operations.record_attendance(who, day_id, body["member_ids"], utcnow())
        return queries.one_day(who, day_id)


@blp.route("/items")
class Items(MethodView):
    @blp.arguments(ItemsQuery, location="query")
    @blp.response(200, ItemList)
    @blp.doc(operationId="listAgendaItems")
    def get(self, query):
        """议题 of a community, newest first."""
        return {"items": queries.items(actor(), query.get("community_id"), query.get("stage"))}

    @blp.arguments(ItemNew)
    @blp.response(201, ItemWithSteps)
    @blp.doc(operationId="addAgendaItem")
    def post(self, body):
        """提议: a new agenda item, at the stage `proposed`."""
        who = actor()
        item = operations.add_item(
            who, body["community_id"], body["title"], body["detail"], body["raised_by"], utcnow()
        )
        return queries.item(who, item.id)


@blp.route(f"/items/<{ID_PATH}:item_id>")
class OneItem(MethodView):
    @blp.response(200, ItemWithSteps)
    @blp.doc(operationId="getAgendaItem")
    def get(self, item_id):
        """One agenda item with its history."""
        return queries.item(actor(), item_id)


@blp.route(f"/items/<{ID_PATH}:item_id>/advance")
class AdvanceItem(MethodView):
    @blp.arguments(Advance)
    @blp.response(200, ItemWithSteps)
    @blp.doc(operationId="advanceAgendaItem")
    def post(self, body, item_id):
        """The next step, forward only (409 `already_evaluated`, `not_next_stage`); 议评 needs `result`."""
        who = actor()
        operations.advance(
            who, item_id, body["note"], utcnow(), result=body["result"], day_id=body["day_id"], to=body["to"]
        )
        return queries.item(who, item_id)


@blp.route("/committee")
class Committee(MethodView):
    @blp.arguments(CommitteeQuery, location="query")
    @blp.response(200, TermList)
    @blp.doc(operationId="listCommitteeTerms")
    def get(self, query):
        """兼职委员 of a community: every term, those serving today first."""
        return {"terms": queries.committee(actor(), query.get("community_id"), operations.today(utcnow()))}

    @blp.arguments(TermNew)
    @blp.response(201, Term)
    @blp.doc(operationId="addCommitteeTerm")
    def post(self, body):
        """A member's term; 400 `invalid_term` when it ends before it starts, 409 `term_overlap`."""
        who, now = actor(), utcnow()
        term = operations.add_term(who, body["member_id"], body["community_id"], body["start"], body["end"], now)
        return queries.one_term(who, term.id, operations.today(now))


@blp.route(f"/committee/<{ID_PATH}:term_id>")
class OneTerm(MethodView):
    @blp.response(200, Term)
    @blp.doc(operationId="endCommitteeTerm")
    def delete(self, term_id):
        """提前结束任期: the term's end becomes today; the term itself stays in the history."""
        who, now = actor(), utcnow()
        operations.end_term(who, term_id, now)
        return queries.one_term(who, term_id, operations.today(now))
