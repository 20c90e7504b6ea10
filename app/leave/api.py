"""/api/v1/events/{id}/leave, /api/v1/leave and /api/v1/events/{id}/absences: leave from a return day (请假)."""

from flask.views import MethodView
from marshmallow import fields, validate

from app.api_base import Blueprint
from app.auth.current import actor, member_actor
from app.db import utcnow
from app.leave import operations, queries
from app.leave.models import LEAVE_STATES, REASON_MAX
from app.schemas import ID_PATH, Id, LocalDateTime, Schema, ScopeQuery

blp = Blueprint("leave", __name__, url_prefix="/api/v1", description="回家日请假")


class LeaveAsk(Schema):
    reason = fields.String(
        required=True, metadata={"description": f"请假原因，1–{REASON_MAX} 个字", "maxLength": REASON_MAX}
    )


class LeaveDecision(Schema):
    reason = fields.String(
        allow_none=True,
        load_default=None,
        metadata={"description": f"原因（不批准时必填），至多 {REASON_MAX} 个字", "maxLength": REASON_MAX},
    )


class Leave(Schema):
    id = fields.Integer()
    event_id = fields.Integer()
    event = fields.String(metadata={"description": "活动名称"})
    member_id = fields.Integer()
    name = fields.String()
    reason = fields.String()
    state = fields.String(metadata={"enum": list(LEAVE_STATES)})
    created_at = LocalDateTime()
    decided_by = fields.Integer(allow_none=True)
    decided_at = LocalDateTime(allow_none=True)
    decision_reason = fields.String(allow_none=True)


class LeaveQuery(ScopeQuery):
    event_id = Id(strict=False)
    state = fields.String(validate=validate.OneOf(LEAVE_STATES))


class LeaveList(Schema):
    leave = fields.List(fields.Nested(Leave))


class AbsentMember(Schema):
    member_id = fields.Integer()
    name = fields.String()


class OnLeaveMember(AbsentMember):
    reason = fields.String()


class Absences(Schema):
    event_id = fields.Integer()
    absent = fields.List(fields.Nested(AbsentMember))
    on_leave = fields.List(fields.Nested(OnLeaveMember))


@blp.route(f"/events/<{ID_PATH}:event_id>/leave")
class MyLeave(MethodView):
    @blp.arguments(LeaveAsk)
    @blp.response(201, Leave)
    @blp.alt_response(200, schema=Leave, description="已请过假：原来的请假")
    @blp.doc(operationId="requestLeave")
    def post(self, body, event_id):
        """Ask for leave from a return day of one's own community, before it ends. One request per member
        and event: asking again answers 200 with the first (withdrawn ones may be asked anew, 201)."""
        leave, new = operations.request_leave(member_actor(), event_id, body["reason"], utcnow())
        return queries.one(leave.id), 201 if new else 200

    @blp.response(200, Leave)
    @blp.doc(operationId="cancelLeave")
    def delete(self, event_id):
        """Withdraw one's leave while it waits; 409 `leave_decided` once the secretary has decided."""
        return queries.one(operations.cancel_leave(member_actor(), event_id, utcnow()).id)


@blp.route("/leave")
class LeaveRequests(MethodView):
    @blp.arguments(LeaveQuery, location="query")
    @blp.response(200, LeaveList)
    @blp.doc(operationId="listLeave")
    def get(self, query):
        """The leave requests of the members in a secretary's community or unit (an admin: any), oldest first."""
        return {
            "leave": queries.leave_list(
                actor(),
                community_id=query.get("community_id"),
                unit_id=query.get("unit_id"),
                event_id=query.get("event_id"),
                state=query.get("state"),
            )
        }


@blp.route(f"/leave/<{ID_PATH}:leave_id>/approve")
class ApproveLeave(MethodView):
    @blp.arguments(LeaveDecision)
    @blp.response(200, Leave)
    @blp.doc(operationId="approveLeave")
    def post(self, body, leave_id):
        """批准 (the secretary of the member's community, an admin; 403 `own_leave` for one's own)."""
        return queries.one(operations.decide(actor(), leave_id, "approve", body.get("reason"), utcnow()).id)


@blp.route(f"/leave/<{ID_PATH}:leave_id>/refuse")
class RefuseLeave(MethodView):
    @blp.arguments(LeaveDecision)
    @blp.response(200, Leave)
    @blp.doc(operationId="refuseLeave")
    def post(self, body, leave_id):
        """不批准, with a reason (400 `blank_text` without one)."""
        return queries.one(operations.decide(actor(), leave_id, "refuse", body.get("reason"), utcnow()).id)


@blp.route(f"/events/<{ID_PATH}:event_id>/absences")
class EventAbsences(MethodView):
    @blp.response(200, Absences)
    @blp.doc(operationId="listAbsences")
    def get(self, event_id):
        """缺席名单 (its secretary, an admin): the community's members who did not check in; those with
        approved leave are listed apart, under `on_leave`, and not as absent."""
        return queries.absences(actor(), event_id)
