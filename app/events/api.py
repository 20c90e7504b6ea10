"""/api/v1/events: publishing and listing events, their check-in codes and poster, and sign-ups."""

from flask.views import MethodView
from marshmallow import fields, validate

from app.api_base import Blueprint
from app.auth.current import actor, member_actor
from app.db import utcnow
from app.events import downloads, operations, qr, queries
from app.events.codes import signing_key
from app.events.models import EVENT_KINDS
from app.schemas import CODE_MAX, ID_PATH, MONTH, Coordinate, Id, LocalDateTime, Schema, Text

blp = Blueprint("events", __name__, url_prefix="/api/v1", description="活动、签到码与报名")


class EventFields(Schema):
    id = fields.Integer(dump_only=True)
    community_id = Id(required=True)
    title = Text(required=True, required_visible=True, max=100)
    category = Text(required=True, required_visible=True, max=50)
    kind = fields.String(required=True, validate=validate.OneOf(EVENT_KINDS))
    starts_at = LocalDateTime(required=True)
    ends_at = LocalDateTime(required=True)


class EventOptions(Schema):
    place = Text(allow_none=True, max=200)
    checkin_opens_at = LocalDateTime(allow_none=True)
    checkin_closes_at = LocalDateTime(allow_none=True)
    latitude = Coordinate(90)
    longitude = Coordinate(180)
    radius_m = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=1, max=100_000))
    capacity = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=1, max=100_000))


class Event(EventOptions, EventFields):
    pass


class EventChanges(EventOptions):
    """修改活动: only the fields given change; the community stays. A check-in time sent as null goes back to
    its default (30 minutes before the start, the end); the geofence is cleared by sending its three as null."""

    title = Text(required_visible=True, max=100)
    category = Text(required_visible=True, max=50)
    kind = fields.String(validate=validate.OneOf(EVENT_KINDS))
    starts_at = LocalDateTime()
    ends_at = LocalDateTime()


class EventDetail(Event):
    checked_in = fields.Integer()
    signups = fields.Integer()


class EventList(Schema):
    events = fields.List(fields.Nested(EventFields))


class EventFilter(Schema):
    community_id = Id(strict=False)
    kind = fields.String(validate=validate.OneOf(EVENT_KINDS))
    month = Text(max=CODE_MAX, metadata=MONTH)


class RotatingToken(Schema):
    token = fields.String()
    url = fields.String()
    expires_at = LocalDateTime()


class SignupResult(Schema):
    signup_id = fields.Integer(allow_none=True)
    event_id = fields.Integer()
    member_id = fields.Integer()


@blp.route("/events")
class Events(MethodView):
    @blp.doc(operationId="listEvents")
    @blp.arguments(EventFilter, location="query")
    @blp.response(200, EventList)
    def get(self, filters):
        return {
            "events": queries.list_events(
                actor(), community_id=filters.get("community_id"), kind=filters.get("kind"), month=filters.get("month")
            )
        }

    @blp.doc(operationId="createEvent")
    @blp.arguments(Event)
    @blp.response(201, Event)
    def post(self, body):
        return operations.create_event(actor(), body, utcnow())


@blp.route(f"/events/<{ID_PATH}:event_id>")
class EventOne(MethodView):
    @blp.doc(operationId="getEvent")
    @blp.response(200, EventDetail)
    def get(self, event_id):
        return queries.event_detail(actor(), event_id)

    @blp.doc(
        operationId="updateEvent",
        description="修改活动（其书记、管理员）。已有签到时，活动类型、服务项目和日期不能再改，"
        "签到时间也不能改到让已有签到落在其外（409 event_has_checkins / checkins_outside_window）。",
    )
    @blp.arguments(EventChanges)
    @blp.response(200, Event)
    def patch(self, changes, event_id):
        return operations.update_event(actor(), event_id, changes, utcnow())


@blp.route(f"/events/<{ID_PATH}:event_id>/qr.png")
class QrPng(MethodView):
    @blp.doc(operationId="getEventQrPng")
    @blp.response(200, content_type="image/png", description="打印用签到二维码")
    def get(self, event_id):
        return downloads.qr_png(actor(), event_id)


@blp.route(f"/events/<{ID_PATH}:event_id>/qr.svg")
class QrSvg(MethodView):
    @blp.doc(operationId="getEventQrSvg")
    @blp.response(200, content_type="image/svg+xml", description="打印用签到二维码（矢量）")
    def get(self, event_id):
        return downloads.qr_svg(actor(), event_id)


@blp.route(f"/events/<{ID_PATH}:event_id>/poster.pdf")
class Poster(MethodView):
    @blp.doc(operationId="getEventPoster")
    @blp.response(200, content_type="application/pdf", description="A4 签到海报")
    def get(self, event_id):
        return downloads.poster_pdf(actor(), event_id)


@blp.route(f"/events/<{ID_PATH}:event_id>/rotating-token")
class ScreenToken(MethodView):
    @blp.doc(operationId="getRotatingToken")
    @blp.response(200, RotatingToken)
    def get(self, event_id):
        code = queries.screen_code(actor(), event_id, utcnow(), signing_key())
        return {"token": code.token, "url": qr.checkin_url(code.token), "expires_at": code.expires_at}


@blp.route(f"/events/<{ID_PATH}:event_id>/rotate-key")
class RotateKey(MethodView):
    @blp.doc(operationId="rotateEventKey")
    @blp.response(200, Event)
    def post(self, event_id):
        return operations.rotate_key(actor(), event_id)


@blp.route(f"/events/<{ID_PATH}:event_id>/signups")
class Signups(MethodView):
    @blp.doc(operationId="signUp")
    @blp.response(201, SignupResult)
    @blp.alt_response(200, schema=SignupResult, description="已报名：原来的报名")
    def post(self, event_id):
        account = member_actor()
        signup_id, new = operations.sign_up(account, event_id, utcnow())
        body = {"signup_id": signup_id, "event_id": event_id, "member_id": account.member_id}
        return body if new else (body, 200)

    @blp.doc(operationId="cancelSignup")
    @blp.response(200, SignupResult)
    def delete(self, event_id):
        account = member_actor()
        signup_id = operations.cancel_signup(account, event_id, utcnow())
        return {"signup_id": signup_id, "event_id": event_id, "member_id": account.member_id}
