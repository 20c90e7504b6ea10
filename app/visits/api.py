"""/api/v1/visits: a member logs a visit to a household paired with them (四必访)."""

from flask import request
from flask.views import MethodView
from marshmallow import fields

from app.api_base import Blueprint
from app.auth.current import member_actor
from app.db import utcnow
from app.schemas import CODE_MAX, Id, Schema, Text
from app.visits import operations
from app.visits.models import NOTE_MAX
from ledger.words import VISIT_CATEGORIES

blp = Blueprint("visits", __name__, url_prefix="/api/v1", description="入户走访（四必访）")


class VisitRequest(Schema):
    household_id = Id(required=True)
    category = Text(required=True, max=CODE_MAX, metadata={"enum": list(VISIT_CATEGORIES)})
    visited_on = fields.Date(required=True, metadata={"description": "YYYY-MM-DD，北京时间，不晚于今天"})
    note = Text(allow_none=True, max=NOTE_MAX, metadata={"description": "仅帮联党员、社区书记和管理员可见"})


class VisitResponse(Schema):
    visit_id = fields.Integer()
    entry_id = fields.Integer()


@blp.route("/visits")
class Visits(MethodView):
    @blp.arguments(VisitRequest)
    @blp.response(201, VisitResponse)
    @blp.alt_response(200, schema=VisitResponse, description="同一住户同一天已记录：原来的走访")
    @blp.doc(
        parameters=[
            {
                "in": "header",
                "name": "Idempotency-Key",
                "required": False,
                "schema": {"type": "string", "maxLength": operations.KEY_LENGTH},
            }
        ]
    )
    @blp.doc(operationId="logVisit")
    def post(self, body):
        """Log a visit; the same household and day again, or the same Idempotency-Key, answers 200 with the first."""
        account = member_actor()
        answer, created = operations.log_visit(
            account.member_id,
            body["household_id"],
            body["category"],
            body["visited_on"],
            body.get("note"),
            request.headers.get("Idempotency-Key"),
            utcnow(),
        )
        return answer, 201 if created else 200
