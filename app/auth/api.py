"""/api/v1/auth/token and /api/v1/me."""
from flask.views import MethodView
from marshmallow import fields

from app.api_base import Blueprint
from app.auth import operations, tokens
from app.auth.current import member_actor
from app.db import utcnow
from app.points import queries
from app.schemas import Schema

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="登录与本人信息")


class TokenRequest(Schema):
    phone = fields.String(required=True)
    password = fields.String(required=True)


class TokenResponse(Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()


class MeResponse(Schema):
    member_id = fields.Integer()
    name = fields.String()
    community_id = fields.Integer()
    unit_id = fields.Integer()
    points_month = fields.Integer()
    points_total = fields.Integer()
    rank_month = fields.Integer(allow_none=True)


@blp.route("/auth/token")
class Token(MethodView):
    @blp.arguments(TokenRequest)
    @blp.response(200, TokenResponse)
    def post(self, body):
        account = operations.login(body["phone"], body["password"], utcnow())
        token, seconds = tokens.issue(account)
        return {"access_token": token, "token_type": "Bearer", "expires_in": seconds}


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, MeResponse)
    def get(self):
        account = member_actor()
        return queries.member_summary(account.member, utcnow())
