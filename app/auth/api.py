"""/api/v1/auth/token, the password change and the password reset."""

from flask.views import MethodView
from marshmallow import fields, validate

from app.api_base import Blueprint
from app.auth import operations, queries, tokens
from app.auth.current import actor, client_address
from app.auth.models import ROLES
from app.db import utcnow
from app.schemas import ID_PATH, Id, Limit, Offset, Schema, Text

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
        it had ends. One's own: 409 `own_account` (change it with POST /me/password)."""
        account, password = operations.reset_password(actor(), account_id)
        return {
            "account_id": account.id,
            "name": account.name,
            "phone": account.phone,
            "password": password,
            "must_change_password": account.must_change_password,
        }


class AccountsQuery(Schema):
    role = fields.String(validate=validate.OneOf(ROLES))
    q = Text(max=50, metadata={"description": "姓名或手机号的一部分"})
    limit = Limit(50, 500)
    offset = Offset()


class AccountRow(Schema):
    id = fields.Integer()
    role = fields.String()
    name = fields.String()
    phone = fields.String()
    member_id = fields.Integer(allow_none=True)
    community_id = fields.Integer(allow_none=True)
    community = fields.String(allow_none=True)
    unit_id = fields.Integer(allow_none=True)
    unit = fields.String(allow_none=True)
    suspended = fields.Boolean()
    must_change_password = fields.Boolean()


class AccountList(Schema):
    accounts = fields.List(fields.Nested(AccountRow))
    total = fields.Integer()


class SecretaryRequest(Schema):
    community_id = Id(allow_none=True, metadata={"description": "任命为该社区的书记（与 unit_id 二选一）"})
    unit_id = Id(allow_none=True, metadata={"description": "任命为该单位的书记（与 community_id 二选一）"})
    account_id = Id(
        allow_none=True, metadata={"description": "已有的账号；不填则用 phone 的账号，没有时按 phone、name 新建账号"}
    )
    phone = fields.String(allow_none=True, validate=validate.Length(max=PHONE_MAX))
    name = fields.String(allow_none=True, validate=validate.Length(max=operations.NAME_MAX))


class SecretaryNamed(AccountRow):
    password = fields.String(
        allow_none=True, metadata={"description": "新建账号的一次性密码，只在此显示一次；已有账号为 null"}
    )


def _row(account) -> dict:
    return {
        column: getattr(account, column)
        for column in (
            "id",
            "role",
            "name",
            "phone",
            "member_id",
            "community_id",
            "unit_id",
            "suspended",
            "must_change_password",
        )
    }


@blp.route("/accounts")
class Accounts(MethodView):
    @blp.doc(operationId="listAccounts")
    @blp.arguments(AccountsQuery, location="query")
    @blp.response(200, AccountList)
    def get(self, args):
        """Every account (an admin): role, name, phone, scope, suspended, must change its password."""
        return queries.accounts(actor(), **args)


@blp.route("/accounts/secretaries")
class Secretaries(MethodView):
    @blp.doc(operationId="nameSecretary")
    @blp.arguments(SecretaryRequest)
    @blp.response(200, SecretaryNamed)
    def post(self, body):
        """Name a secretary of a community or a work unit (an admin): an existing account (a member keeps
        their member_id) or a new one with a one-time password shown once. 409 `own_account`, `is_admin`."""
        account, password = operations.name_secretary(actor(), **body, now=utcnow())
        return {**_row(account), "password": password}


@blp.route(f"/accounts/<{ID_PATH}:account_id>/remove-secretary")
class RemoveSecretary(MethodView):
    @blp.doc(operationId="removeSecretary")
    @blp.response(200, AccountRow)
    def post(self, account_id):
        """Remove a secretary (an admin): back to a member's account, or suspended if it is no member's."""
        return _row(operations.remove_secretary(actor(), account_id))


@blp.route(f"/accounts/<{ID_PATH}:account_id>/suspend")
class Suspend(MethodView):
    @blp.doc(operationId="suspendAccount")
    @blp.response(200, AccountRow)
    def post(self, account_id):
        """Suspend an account (an admin): it cannot log in, every session and token ends. 409 `own_account`."""
        return _row(operations.set_suspended(actor(), account_id, True))


@blp.route(f"/accounts/<{ID_PATH}:account_id>/unsuspend")
class Unsuspend(MethodView):
    @blp.doc(operationId="unsuspendAccount")
    @blp.response(200, AccountRow)
    def post(self, account_id):
        """Let a suspended account log in again (an admin)."""
        return _row(operations.set_suspended(actor(), account_id, False))
