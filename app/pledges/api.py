"""/api/v1/me/pledges and /api/v1/pledges: a member's pledges (承诺) and progress (践诺), and the review (评诺)."""

from flask.views import MethodView
from marshmallow import fields, validate

from app.api_base import Blueprint
from app.auth.current import actor, member_actor
from app.db import utcnow
from app.pledges import operations, queries
from app.pledges.models import COMMENT_MAX, GRADES, TEXT_MAX
from app.schemas import ID_PATH, Id, LocalDateTime, Schema, Text
from ledger import periods
from ledger.periods import MAX_YEAR, MIN_YEAR

blp = Blueprint("pledges", __name__, url_prefix="/api/v1", description="承诺践诺评诺")

YEAR = validate.Range(MIN_YEAR, MAX_YEAR - 1, error="年份超出范围")


class YearQuery(Schema):
    year = fields.Integer(validate=YEAR, metadata={"description": "年份，缺省为今年（北京时间）"})


class MemberYearQuery(YearQuery):
    member_id = Id(strict=False, required=True)


class PledgeAsk(Schema):
    category = Text(required=True, max=50, metadata={"description": "服务项目类别的名称（GET /api/v1/catalogue）"})
    text = Text(required=True, max=TEXT_MAX, metadata={"description": f"承诺内容，1–{TEXT_MAX} 个字"})


class PledgeChange(Schema):
    category = Text(max=50, metadata={"description": "新的类别（不填则不变）"})
    text = Text(max=TEXT_MAX, metadata={"description": "新的承诺内容（不填则不变）"})


class ProgressAsk(Schema):
    on = fields.Date(required=True, metadata={"description": "YYYY-MM-DD，北京时间，在承诺的年份内，不晚于今天"})
    note = Text(required=True, max=TEXT_MAX, metadata={"description": f"践诺情况，1–{TEXT_MAX} 个字"})
    checkin_id = Id(allow_none=True, metadata={"description": "关联本人该年的一次签到（选填）"})
    visit_id = Id(allow_none=True, metadata={"description": "或关联本人该年的一次走访（选填，二选一）"})


class ReviewAsk(Schema):
    member_id = Id(required=True)
    year = fields.Integer(required=True, validate=YEAR)
    grade = Text(required=True, max=16, metadata={"enum": list(GRADES), "description": "优秀、良好、一般、较差"})
    comment = Text(required=True, max=COMMENT_MAX, metadata={"description": f"评议意见，1–{COMMENT_MAX} 个字"})


class Linked(Schema):
    kind = fields.String(metadata={"enum": ["checkin", "visit"]})
    id = fields.Integer()
    words = fields.String(metadata={"description": "所关联的活动或走访类别及日期"})


class Progress(Schema):
    id = fields.Integer()
    on = fields.Date()
    note = fields.String()
    linked = fields.Nested(Linked, allow_none=True)
    created_at = LocalDateTime()


class Pledge(Schema):
    id = fields.Integer()
    member_id = fields.Integer()
    year = fields.Integer()
    category = fields.String()
    text = fields.String()
    created_at = LocalDateTime()
    updated_at = LocalDateTime()
    progress = fields.List(fields.Nested(Progress))


class Review(Schema):
    grade = fields.String(metadata={"enum": list(GRADES)})
    grade_words = fields.String()
    comment = fields.String()
    by = fields.String(metadata={"description": "评议人"})
    by_account_id = fields.Integer()
    at = LocalDateTime()


class MemberYear(Schema):
    member_id = fields.Integer()
    name = fields.String()
    year = fields.Integer()
    pledges = fields.List(fields.Nested(Pledge))
    review = fields.Nested(Review, allow_none=True, metadata={"description": "当前有效的评议（最后一次），未评为 null"})
    reviews = fields.List(fields.Nested(Review), metadata={"description": "每一次评议和修改，先后为序"})


def _year(query) -> int:
    return query.get("year") or periods.local(utcnow()).year


@blp.route("/me/pledges")
class MyPledges(MethodView):
    @blp.arguments(YearQuery, location="query")
    @blp.response(200, MemberYear)
    @blp.doc(operationId="listMyPledges")
    def get(self, query):
        """One's own pledges of the year, with progress and the review once given."""
        account = member_actor()
        return queries.member_year(account, account.member_id, _year(query))

    @blp.arguments(YearQuery, location="query")
    @blp.arguments(PledgeAsk)
    @blp.response(201, Pledge)
    @blp.doc(operationId="addPledge")
    def post(self, query, body):
        """承诺: a pledge for the year (this year; from December also the next), at most 10;
        409 `too_many_pledges`, 409 `already_reviewed` once the year is reviewed, 400 `invalid_category`."""
        pledge = operations.add_pledge(member_actor(), _year(query), body["category"], body["text"], utcnow())
        return queries.pledge(pledge.id)


@blp.route(f"/me/pledges/<{ID_PATH}:pledge_id>")
class MyPledge(MethodView):
    @blp.arguments(PledgeChange)
    @blp.response(200, Pledge)
    @blp.doc(operationId="changePledge")
    def patch(self, body, pledge_id):
        """Change one's pledge until the year is reviewed (409 `already_reviewed`); another's: 404."""
        operations.edit_pledge(member_actor(), pledge_id, body.get("category"), body.get("text"), utcnow())
        return queries.pledge(pledge_id)

    @blp.response(204)
    @blp.doc(operationId="removePledge")
    def delete(self, pledge_id):
        """Remove one's pledge and its progress until the year is reviewed."""
        operations.remove_pledge(member_actor(), pledge_id)


@blp.route(f"/me/pledges/<{ID_PATH}:pledge_id>/progress")
class MyProgress(MethodView):
    @blp.arguments(ProgressAsk)
    @blp.response(201, Progress)
    @blp.doc(operationId="markProgress")
    def post(self, body, pledge_id):
        """践诺: a step towards the pledge, dated within its year and not in the future (409 `future_date`,
        422 `outside_year`), linked at most to one check-in or visit of one's own (403 `not_yours`)."""
        step = operations.mark_progress(
            member_actor(),
            pledge_id,
            body["on"],
            body["note"],
            utcnow(),
            checkin_id=body.get("checkin_id"),
            visit_id=body.get("visit_id"),
        )
        return queries.progress_step(step.id)


@blp.route("/pledges")
class MemberPledges(MethodView):
    @blp.arguments(MemberYearQuery, location="query")
    @blp.response(200, MemberYear)
    @blp.doc(operationId="listMemberPledges")
    def get(self, query):
        """A member's pledges of the year (the secretary of their community or unit, an admin; 403 otherwise)."""
        return queries.member_year(actor(), query["member_id"], _year(query))


@blp.route("/pledges/review")
class PledgeReview(MethodView):
    @blp.arguments(ReviewAsk)
    @blp.response(200, Review)
    @blp.doc(operationId="reviewPledges")
    def put(self, body):
        """评诺 (the secretary of the member's community or unit, an admin), from 1 December to the end of
        March (409 `review_closed`); again, a revision that is kept beside the earlier ones; the last counts.
        Nobody reviews their own (403 `own_review`)."""
        account = actor()
        operations.review(account, body["member_id"], body["year"], body["grade"], body["comment"], utcnow())
        return queries.member_year(account, body["member_id"], body["year"])["review"]
