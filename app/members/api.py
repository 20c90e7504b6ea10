"""/api/v1/members: the member register, for secretaries (their community or unit) and the county."""

from flask.views import MethodView
from marshmallow import fields

from app.api_base import Blueprint
from app.auth.current import actor
from app.members import queries
from app.schemas import Limit, Offset, Schema, ScopeQuery, Text

blp = Blueprint("members", __name__, url_prefix="/api/v1", description="在职党员名册")


class MembersQuery(ScopeQuery):
    q = Text(max=50)
    limit = Limit(50, 500)
    offset = Offset()


class MemberRow(Schema):
    member_id = fields.Integer()
    name = fields.String()
    phone = fields.String()
    community_id = fields.Integer()
    community = fields.String()
    unit_id = fields.Integer()
    unit = fields.String()
    grid = fields.String(allow_none=True)


class MembersResponse(Schema):
    members = fields.List(fields.Nested(MemberRow))
    total = fields.Integer()


@blp.route("/members")
class Members(MethodView):
    @blp.doc(operationId="listMembers")
    @blp.arguments(MembersQuery, location="query")
    @blp.response(200, MembersResponse)
    def get(self, args):
        return queries.list_members(actor(), **args)
