"""/api/v1/needs, /api/v1/public/needs and /api/v1/me/needs: residents' needs (群众点单、联盟派单、支部接单、大众评单)."""

from flask import current_app, request
from flask.views import MethodView
from marshmallow import fields, validate

from app.api_base import Blueprint
from app.auth.current import actor, member_actor
from app.db import utcnow
from app.needs import operations, queries
from app.needs.models import CHANNELS, CONTENT_MAX, HOWS, NAME_MAX, NOTE_MAX, PHONE_MAX
from app.schemas import CODE_MAX, ID_PATH, Id, Limit, LocalDateTime, Offset, Schema, Text
from ledger.words import NEED_STATUSES, NEED_STEPS

blp = Blueprint("needs", __name__, url_prefix="/api/v1", description="群众点单（群众需求的四单流程）")

PRIVATE = "居民隐私：仅本社区书记、管理员、接单单位书记和承办党员可见，其他人看到的回答中没有此项"


class NeedRequest(Schema):
    community_id = Id(required=True)
    grid_id = Id(allow_none=True, load_default=None)
    category_id = Id(required=True, metadata={"description": "服务类别（GET /api/v1/catalogue 中的 id）"})
    content = Text(required=True, max=CONTENT_MAX, metadata={"description": "需要什么帮助"})
    resident_name = Text(required=True, max=NAME_MAX, metadata={"description": "提出需求的居民姓名"})
    resident_phone = Text(required=True, max=PHONE_MAX, metadata={"description": "11位手机号，用于联系与短信告知"})


class NeedServerOut(Schema):
    member_id = fields.Integer()
    name = fields.String()
    how = fields.String(metadata={"enum": list(HOWS)})


class NeedStepOut(Schema):
    step = fields.String(metadata={"enum": list(NEED_STEPS)})
    step_words = fields.String()
    at = LocalDateTime()
    by = fields.String(allow_none=True, metadata={"description": "操作的账号；居民或系统为空"})
    note = fields.String(allow_none=True)


class Need(Schema):
    id = fields.Integer()
    community_id = fields.Integer()
    community = fields.String()
    grid_id = fields.Integer(allow_none=True)
    grid = fields.String(allow_none=True)
    category_id = fields.Integer()
    category = fields.String()
    content = fields.String()
    status = fields.String(metadata={"enum": list(NEED_STATUSES)})
    status_words = fields.String()
    unit_id = fields.Integer(allow_none=True)
    unit = fields.String(allow_none=True)
    channel = fields.String(metadata={"enum": list(CHANNELS)})
    created_at = LocalDateTime()
    dispatched_at = LocalDateTime(allow_none=True)
    taken_at = LocalDateTime(allow_none=True)
    done_at = LocalDateTime(allow_none=True)
    closed_at = LocalDateTime(allow_none=True)
    rating = fields.Integer(allow_none=True)
    rating_comment = fields.String(allow_none=True)
    done_note = fields.String(allow_none=True)
    refused_reason = fields.String(allow_none=True)
    servers = fields.List(fields.Nested(NeedServerOut))
    resident_name = fields.String(metadata={"description": PRIVATE})
    resident_phone = fields.String(metadata={"description": PRIVATE})


class NeedWithSteps(Need):
    steps = fields.List(fields.Nested(NeedStepOut))


class RecordedNeed(NeedWithSteps):
    code = fields.String(metadata={"description": "居民的评价码（8位数字），只在此显示一次，请交给居民"})


class NeedQuery(Schema):
    community_id = Id(strict=False)
    unit_id = Id(strict=False)
    status = fields.String(validate=validate.OneOf(list(NEED_STATUSES)))
    limit = Limit(50, queries.LIST_MAX)
    offset = Offset()


class NeedList(Schema):
    needs = fields.List(fields.Nested(Need))
    total = fields.Integer()


class NeedDispatch(Schema):
    unit_id = Id(allow_none=True, load_default=None, metadata={"description": "派往的单位（帮帮团）"})
    open = fields.Boolean(load_default=False, metadata={"description": "true：开放给本社区党员认领"})


class NeedAssign(Schema):
    member_ids = fields.List(
        Id(),
        required=True,
        validate=validate.Length(min=1, max=operations.ASSIGN_MAX),
        metadata={"description": "本单位党员"},
    )


class NeedRefusal(Schema):
    reason = Text(required=True, max=NOTE_MAX, metadata={"description": "不予受理的原因，会以短信告知居民"})


class NeedDoneNote(Schema):
    note = Text(required=True, max=NOTE_MAX, metadata={"description": "办理情况"})


class SubmittedNeed(Schema):
    need_id = fields.Integer()
    code = fields.String(metadata={"description": "评价码（8位数字），只显示这一次；凭它查看进度和评价"})
    track_url = fields.String(metadata={"description": "进度与评价页（含评价码），可收藏"})


class NeedRating(Schema):
    code = Text(required=True, max=CODE_MAX)
    stars = fields.Integer(required=True, strict=True, metadata={"minimum": 1, "maximum": 5})
    comment = Text(allow_none=True, load_default=None, max=NOTE_MAX)


class NeedCodeQuery(Schema):
    code = Text(required=True, max=CODE_MAX)


class NeedTrackStep(Schema):
    step = fields.String(metadata={"enum": list(NEED_STEPS)})
    step_words = fields.String()
    at = LocalDateTime()


class NeedTracking(Schema):
    """What the resident sees: no account's name, no phone."""

    id = fields.Integer()
    community = fields.String()
    category = fields.String()
    content = fields.String()
    status = fields.String(metadata={"enum": list(NEED_STATUSES)})
    status_words = fields.String()
    unit = fields.String(allow_none=True)
    created_at = LocalDateTime()
    done_at = LocalDateTime(allow_none=True)
    closed_at = LocalDateTime(allow_none=True)
    done_note = fields.String(allow_none=True)
    refused_reason = fields.String(allow_none=True)
    rating = fields.Integer(allow_none=True)
    rating_comment = fields.String(allow_none=True)
    steps = fields.List(fields.Nested(NeedTrackStep))


class MyNeeds(Schema):
    open = fields.List(fields.Nested(Need), metadata={"description": "本人居住社区待认领的需求"})
    serving = fields.List(fields.Nested(Need), metadata={"description": "本人承办的需求"})


def _fields(body: dict) -> dict:
    return {k: body[k] for k in ("grid_id", "category_id", "content", "resident_name", "resident_phone")}


@blp.route("/needs")
class Needs(MethodView):
    @blp.arguments(NeedRequest)
    @blp.response(201, RecordedNeed)
    @blp.doc(operationId="recordNeed")
    def post(self, body):
        """登记群众需求 (the community's secretary, an admin): the answer carries the resident's rating code, once."""
        need, code = operations.record(actor(), body["community_id"], **_fields(body), now=utcnow())
        return {**need, "code": code}, 201

    @blp.arguments(NeedQuery, location="query")
    @blp.response(200, NeedList)
    @blp.doc(operationId="listNeeds")
    def get(self, query):
        """The needs in the caller's scope, newest first: a secretary's community, or the needs dispatched to
        their unit; a member the open ones of their community and those they serve; an admin every one."""
        return queries.listing(actor(), **query)


@blp.route(f"/needs/<{ID_PATH}:need_id>")
class OneNeed(MethodView):
    @blp.response(200, NeedWithSteps)
    @blp.doc(operationId="getNeed")
    def get(self, need_id):
        """One need with its steps; 403 `not_allowed` outside the caller's scope."""
        return queries.detail(actor(), need_id)


@blp.route(f"/needs/<{ID_PATH}:need_id>/dispatch")
class DispatchNeed(MethodView):
    @blp.arguments(NeedDispatch)
    @blp.response(200, NeedWithSteps)
    @blp.doc(operationId="dispatchNeed")
    def post(self, body, need_id):
        """联盟派单 (the community's secretary): `{"unit_id"}` to a unit, or `{"open": true}` for members to claim."""
        return operations.dispatch(
            actor(), need_id, unit_id=body["unit_id"], open_to_members=body["open"], now=utcnow()
        )


@blp.route(f"/needs/<{ID_PATH}:need_id>/assign")
class AssignNeed(MethodView):
    @blp.arguments(NeedAssign)
    @blp.response(200, NeedWithSteps)
    @blp.doc(operationId="assignNeed")
    def post(self, body, need_id):
        """支部接单 (the dispatched unit's secretary): the unit's members who serve; 422 `not_in_unit` for others."""
        return operations.assign(actor(), need_id, body["member_ids"], utcnow())


@blp.route(f"/needs/<{ID_PATH}:need_id>/claim")
class ClaimNeed(MethodView):
    @blp.response(200, NeedWithSteps)
    @blp.doc(operationId="claimNeed")
    def post(self, need_id):
        """认领 (a member living in the need's community); 409 `already_taken` when another was first."""
        return operations.claim(member_actor().member_id, need_id, utcnow())


@blp.route(f"/needs/<{ID_PATH}:need_id>/refuse")
class RefuseNeed(MethodView):
    @blp.arguments(NeedRefusal)
    @blp.response(200, NeedWithSteps)
    @blp.doc(operationId="refuseNeed")
    def post(self, body, need_id):
        """不予受理 (the community's secretary), with a reason the resident is told by SMS and on the tracking page."""
        return operations.refuse(actor(), need_id, body["reason"], utcnow())


@blp.route(f"/needs/<{ID_PATH}:need_id>/done")
class NeedDone(MethodView):
    @blp.arguments(NeedDoneNote)
    @blp.response(200, NeedWithSteps)
    @blp.doc(operationId="markNeedDone")
    def post(self, body, need_id):
        """办结 (a serving member), with a note on what was done; the resident rates it next."""
        return operations.mark_done(member_actor().member_id, need_id, body["note"], utcnow())


@blp.route(f"/needs/<{ID_PATH}:need_id>/close")
class CloseNeed(MethodView):
    @blp.response(200, NeedWithSteps)
    @blp.doc(operationId="closeNeed")
    def post(self, need_id):
        """结单 without a rating (the community's secretary), 7 days after done; 409 `too_early` before."""
        return operations.close_unrated(actor(), need_id, utcnow())


@blp.route("/public/needs")
class PublicNeeds(MethodView):
    @blp.arguments(NeedRequest)
    @blp.response(201, SubmittedNeed)
    @blp.doc(operationId="submitNeed")
    def post(self, body):
        """群众点单 (anyone; limited per address, and to 5 a day per phone: 409 `too_many_needs`). The code is
        shown once: with it the resident follows the need and rates it."""
        need, code = operations.submit(body["community_id"], **_fields(body), now=utcnow())
        base = (current_app.config.get("BASE_URL") or request.host_url).rstrip("/")
        return {
            "need_id": need["id"],
            "code": code,
            "track_url": base + queries.track_path(need["community_id"], need["id"], code),
        }, 201


@blp.route(f"/public/needs/<{ID_PATH}:need_id>")
class PublicNeed(MethodView):
    @blp.arguments(NeedCodeQuery, location="query")
    @blp.response(200, NeedTracking)
    @blp.doc(operationId="trackNeed")
    def get(self, query, need_id):
        """The resident's view with their code; 403 `invalid_code` otherwise, 429 `too_many_attempts` after
        10 wrong codes within an hour."""
        return queries.tracking(need_id, query["code"], utcnow())


@blp.route(f"/public/needs/<{ID_PATH}:need_id>/rating")
class RateNeed(MethodView):
    @blp.arguments(NeedRating)
    @blp.response(200, NeedTracking)
    @blp.doc(operationId="rateNeed")
    def post(self, body, need_id):
        """大众评单 (the resident, with their code): 1–5 stars and a comment, once (409 `already_rated`), when
        done (409 `not_done`). Closes the need and gives the serving members their points, pending audit."""
        return operations.rate(need_id, body["code"], body["stars"], body["comment"], utcnow())


@blp.route("/me/needs")
class MemberNeeds(MethodView):
    @blp.response(200, MyNeeds)
    @blp.doc(operationId="getMyNeeds")
    def get(self):
        """The open needs of the member's community, to claim, and the needs they serve."""
        member_id = member_actor().member_id
        return {"open": queries.open_for_member(member_id), "serving": queries.served_by(member_id)}
