"""/api/v1/checkins (a member's scan) and /api/v1/events/{id}/proxy-checkins (代签到)."""

from dataclasses import asdict

from flask.views import MethodView
from marshmallow import fields

from app.api_base import Blueprint
from app.auth.current import actor, member_bearer
from app.checkins import operations
from app.db import utcnow
from app.events.codes import signing_key
from app.schemas import ID_PATH, Coordinate, Id, LocalDateTime, Schema, Text

blp = Blueprint("checkins", __name__, url_prefix="/api/v1", description="活动签到")


class CheckinRequest(Schema):
    token = Text(required=True, max=100)
    latitude = Coordinate(90)
    longitude = Coordinate(180)
    scanned_at = LocalDateTime(
        metadata={"description": "离线保存的扫码时间（带时区）：按该时间判断签到时段，须不晚于现在、不早于2小时前"}
    )


class IdempotencyHeader(Schema):
    idempotency_key = Text(data_key="Idempotency-Key", max=100)


class CheckinResult(Schema):
    checkin_id = fields.Integer()
    event_id = fields.Integer()
    member_id = fields.Integer()
    status = fields.String()
    entry_id = fields.Integer()


class ProxyRequest(Schema):
    member_id = Id(required=True)
    reason = Text(required=True, required_visible=True, max=200)


class ProxyResult(CheckinResult):
    by = fields.Integer(allow_none=True)


def _answer(outcome: operations.Outcome):
    body = asdict(outcome)
    return body if outcome.new else (body, 200)


@blp.route("/checkins")
class Checkins(MethodView):
    @blp.doc(operationId="checkIn")
    @blp.arguments(CheckinRequest)
    @blp.arguments(IdempotencyHeader, location="headers")
    @blp.response(201, CheckinResult)
    @blp.alt_response(200, schema=CheckinResult, description="该党员已签到过此活动：原来的签到")
    def post(self, body, headers):
        outcome = operations.check_in(
            member_bearer(),
            body["token"],
            now=utcnow(),
            signing_key=signing_key(),
            scanned_at=body.get("scanned_at"),
            latitude=body.get("latitude"),
            longitude=body.get("longitude"),
            idempotency_key=(headers.get("idempotency_key") or "").strip() or None,
        )
        return _answer(outcome)


@blp.route(f"/events/<{ID_PATH}:event_id>/proxy-checkins")
class ProxyCheckins(MethodView):
    @blp.doc(operationId="proxyCheckIn")
    @blp.arguments(ProxyRequest)
    @blp.response(201, ProxyResult)
    @blp.alt_response(200, schema=ProxyResult, description="该党员已签到过此活动：原来的签到")
    def post(self, body, event_id):
        outcome = operations.proxy_check_in(actor(), event_id, body["member_id"], body["reason"], utcnow())
        return _answer(outcome)
