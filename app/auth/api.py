"""/api/v1/auth/token, the password change and the password reset."""

from flask.views import MethodView
from marshmallow import fields, validate

from app.api_base import Blueprint
from app.auth import operations, tokens
from app.auth.current import actor, client_address
from app.db import utcnow
from app.schemas import ID_PATH, Schema

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="登录与本人信息")

# Argon2 takes any length; a limit keeps a megabyte "password" from costing a megabyte of hashing.
PASSWORD_MAX = 128
# The accounts' phone column holds 20; a few more characters still answer bad_credentials, not 400.
PHONE_MAX = 32


class TokenRequest(Schema):
    phone = fields.String(required=True, validate=validate.Length(max=PHONE_MAX))
    password = fields.String(required=True, validate=validate.Length(max=PASSWORD_MAX))


class TokenResponse(Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()


class PasswordChange(Schema):
    password = fields.String(
        required=True, validate=validate.Length(max=PASSWORD_MAX), metadata={"description": "当前密码"}
    )
    new_password = fields.String(
        required=True,
        validate=validate.Length(max=PASSWORD_MAX),
        metadata={"description": "新密码：至少 8 个字符，不能全是同一个字符，不能与当前密码相同"},
    )


class PasswordReset(Schema):
    account_id = fields.Integer()
    name = fields.String()
    phone = fields.String()
    password = fields.String(metadata={"description": "一次性密码，只在此显示一次；登录后须修改"})
    must_change_password = fields.Boolean()


def _token_answer(account) -> dict:
    token, seconds = tokens.issue(account)
    return {"access_token": token, "token_type": "Bearer", "expires_in": seconds}


@blp.route("/auth/token")
class Token(MethodView):
    @blp.doc(operationId="logIn")
    @blp.arguments(TokenRequest)
    @blp.response(200, TokenResponse)
    def post(self, body):
        """Log in: a bearer token for 12 hours. 401 `bad_credentials` for an unknown phone or a wrong
        password alike; 429 `locked_out` after 5 wrong passwords for a phone from this address."""
        return _token_answer(operations.login(body["phone"], body["password"], client_address(), utcnow()))


@blp.route("/me/password")
class MyPassword(MethodView):
    @blp.doc(operationId="changeMyPassword")
    @blp.arguments(PasswordChange)
    @blp.response(200, TokenResponse)
    def post(self, body):
        """Change one's own password. Every session and bearer token of the account ends, this one
        included: the answer carries a fresh token. 403 `wrong_password`, 400 `weak_password`."""
        account = operations.change_password(
            actor(), body["password"], body["new_password"], client_address(), utcnow()
        )
        return _token_answer(account)


@blp.route(f"/accounts/<{ID_PATH}:account_id>/password-reset")
class PasswordResetCall(MethodView):
    @blp.doc(operationId="resetPassword")
    @blp.response(200, PasswordReset)
    def post(self, account_id):
        """Reset a forgotten password (an admin; for a member's account, the secretary of their community
        too): a one-time password, shown once; the account must change it, and every session and token
        it had ends."""
        account, password = operations.reset_password(actor(), account_id)
        return {
            "account_id": account.id,
            "name": account.name,
            "phone": account.phone,
            "password": password,
            "must_change_password": account.must_change_password,
        }
