"""/api/v1/notices and /api/v1/me/notices: a secretary or the county publishes, a member reads (通知)."""

from flask.views import MethodView
from marshmallow import fields

from app.api_base import Blueprint
from app.auth.current import actor, member_actor
from app.db import utcnow
from app.notices import operations, queries
from app.notices.models import BODY_MAX, TITLE_MAX
from app.schemas import ID_PATH, Id, Limit, LocalDateTime, Offset, Schema, ScopeQuery

# This API's contract is notices (each with its notice id); reminders and flags are read on the pages.
NOTICES = ("notice",)

blp = Blueprint("notices", __name__, url_prefix="/api/v1", description="通知：书记或组织部发给党员，党员的收件箱")


class NoticeRequest(Schema):
    # The length and the visible characters are the operation's rules, so a page is held to them too.
    title = fields.String(required=True, metadata={"description": f"标题，1–{TITLE_MAX} 个字", "maxLength": TITLE_MAX})
    body = fields.String(required=True, metadata={"description": f"内容，1–{BODY_MAX} 个字", "maxLength": BODY_MAX})
    community_id = Id(allow_none=True, metadata={"description": "发给该社区的党员（与 unit_id 二选一）"})
    unit_id = Id(allow_none=True, metadata={"description": "发给该单位的党员（与 community_id 二选一）"})
    event_id = Id(allow_none=True, metadata={"description": "有关的活动（可选）"})


class NoticeSent(Schema):
    id = fields.Integer()
    title = fields.String()
    body = fields.String()
    community_id = fields.Integer(allow_none=True)
    unit_id = fields.Integer(allow_none=True)
    event_id = fields.Integer(allow_none=True)
    recipients = fields.Integer(metadata={"description": "收到该通知的党员人数"})
    created_at = LocalDateTime()


class SentNotice(NoticeSent):
    sender = fields.String(metadata={"description": "发出人"})
    to = fields.String(metadata={"description": "收件的社区或单位名称"})
    event = fields.String(allow_none=True, metadata={"description": "有关活动的名称"})
    read = fields.Integer(metadata={"description": "已读人数"})


class SentNotices(Schema):
    notices = fields.List(fields.Nested(SentNotice))


class MyNotice(Schema):
    id = fields.Integer()
    title = fields.String()
    body = fields.String()
    sender = fields.String()
    community_id = fields.Integer(allow_none=True)
    unit_id = fields.Integer(allow_none=True)
    event_id = fields.Integer(allow_none=True)
    created_at = LocalDateTime()
    read_at = LocalDateTime(allow_none=True)


class MyNotices(Schema):
    notices = fields.List(fields.Nested(MyNotice))
    unread = fields.Integer()


class Page(Schema):
    limit = Limit(50, 200)
    offset = Offset()


class SentQuery(ScopeQuery, Page):
    pass


@blp.route("/notices")
class Notices(MethodView):
    @blp.arguments(SentQuery, location="query")
    @blp.response(200, SentNotices)
    @blp.doc(operationId="listSentNotices")
    def get(self, query):
        """The notices sent to a secretary's community or unit (naming neither: both of theirs; an admin:
        all), newest first, each with its recipients and how many have read it."""
        return {
            "notices": queries.sent_notices(
                actor(),
                community_id=query.get("community_id"),
                unit_id=query.get("unit_id"),
                limit=query["limit"],
                offset=query["offset"],
            )
        }

    @blp.arguments(NoticeRequest)
    @blp.response(201, NoticeSent)
    @blp.doc(operationId="publishNotice")
    def post(self, body):
        """Publish a notice to every active member of a community or of a work unit (its secretary, an
        admin). 400 `blank_text` / `text_too_long` for a title or body with nothing visible or too long."""
        return operations.publish(
            actor(),
            title=body["title"],
            body=body["body"],
            community_id=body.get("community_id"),
            unit_id=body.get("unit_id"),
            event_id=body.get("event_id"),
            now=utcnow(),
        )


@blp.route("/me/notices")
class MyNoticeList(MethodView):
    @blp.arguments(Page, location="query")
    @blp.response(200, MyNotices)
    @blp.doc(operationId="listMyNotices")
    def get(self, page):
        """The notices sent to the member, newest first, each with `read_at` (null while unread)."""
        member_id = member_actor().member_id
        return {
            "notices": queries.my_notices(member_id, limit=page["limit"], offset=page["offset"], kinds=NOTICES),
            "unread": queries.unread_count(member_id, kinds=NOTICES),
        }


@blp.route(f"/me/notices/<{ID_PATH}:notice_id>/read")
class MyNoticeRead(MethodView):
    @blp.response(200, MyNotice)
    @blp.doc(operationId="markNoticeRead")
    def post(self, notice_id):
        """Mark one of the member's notices read; reading it again keeps the first time. 404 for a notice
        not sent to them."""
        member_id = member_actor().member_id
        operations.mark_read(member_id, notice_id, utcnow())
        return queries.my_notice(member_id, notice_id)
