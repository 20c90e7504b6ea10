"""/api/v1/me: the member's own home figures."""

from flask.views import MethodView
from marshmallow import fields

from app.api_base import Blueprint
from app.auth.current import member_actor
from app.db import utcnow
from app.me import queries
from app.schemas import Schema

blp = Blueprint("me", __name__, url_prefix="/api/v1", description="本人信息")


class MeResponse(Schema):
    member_id = fields.Integer()
    name = fields.String()
    community_id = fields.Integer()
    unit_id = fields.Integer()
    points_month = fields.Integer()
    points_total = fields.Integer()
    rank_month = fields.Integer(allow_none=True)


@blp.route("/me")
class Me(MethodView):
    @blp.doc(operationId="getMe")
    @blp.response(200, MeResponse)
    def get(self):
        account = member_actor()
        return queries.member_summary(account.member, utcnow())
