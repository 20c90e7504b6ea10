"""/api/v1/registrations: self-registration (线上双报到), and the community secretary's confirm or refuse."""

from flask.views import MethodView
from marshmallow import fields, validate

from app.api_base import Blueprint
from app.auth.api import PASSWORD_MAX, PHONE_MAX
from app.auth.current import actor
from app.db import utcnow
from app.registrations import operations, queries
from app.registrations.models import ADDRESS_MAX, NAME_MAX, REASON_MAX, REGISTRATION_STATES
from app.schemas import ID_PATH, Id, LocalDateTime, Schema

blp = Blueprint("registrations", __name__, url_prefix="/api/v1", description="线上双报到：党员自行注册，社区书记确认")


class RegistrationRequest(Schema):
    # The length and the visible characters are the operation's rules, so the page is held to them too.
    name = fields.String(required=True, metadata={"description": f"姓名，1–{NAME_MAX} 个字", "maxLength": NAME_MAX})
    phone = fields.String(
        required=True, validate=validate.Length(max=PHONE_MAX), metadata={"description": "11位手机号"}
    )
    password = fields.String(
        required=True,
        validate=validate.Length(max=PASSWORD_MAX),
        metadata={"description": "密码：至少 8 个字符，不能全是同一个字符"},
    )
    unit_id = Id(required=True, metadata={"description": "工作单位"})
    community_id = Id(required=True, metadata={"description": "居住社区"})
    grid_id = Id(
        allow_none=True, load_default=None, metadata={"description": "所在网格（须属于该社区；社区有网格时必填）"}
    )
    address = fields.String(
        required=True, metadata={"description": f"详细地址，1–{ADDRESS_MAX} 个字", "maxLength": ADDRESS_MAX}
    )


class RegistrationMade(Schema):
    registration_id = fields.Integer()
    status = fields.String(
        metadata={
            "enum": ["active", "waiting"],
            "description": "active：与党员名单相符，账号已可登录；waiting：待社区书记确认",
        }
    )


class RegistrationRow(Schema):
    id = fields.Integer()
    name = fields.String()
    phone = fields.String()
    unit_id = fields.Integer()
    unit = fields.String()
    community_id = fields.Integer()
    community = fields.String()
    grid_id = fields.Integer(allow_none=True)
    grid = fields.String(allow_none=True)
    address = fields.String()
    state = fields.String(metadata={"enum": list(REGISTRATION_STATES)})
    roster_match = fields.Boolean(metadata={"description": "与党员名单相符，注册时即已开通"})
    roster_name = fields.String(allow_none=True, metadata={"description": "党员名单中该手机号的姓名（如有）"})
    created_at = LocalDateTime()
    decided_by = fields.Integer(allow_none=True)
    decided_by_name = fields.String(allow_none=True)
    decided_at = LocalDateTime(allow_none=True)
    reason = fields.String(allow_none=True, metadata={"description": "退回的原因"})


class RegistrationQuery(Schema):
    community_id = Id(strict=False)
    state = fields.String(validate=validate.OneOf(REGISTRATION_STATES))


class RegistrationList(Schema):
    registrations = fields.List(fields.Nested(RegistrationRow))


class RefusalReason(Schema):
    reason = fields.String(
        required=True, metadata={"description": f"退回的原因，1–{REASON_MAX} 个字", "maxLength": REASON_MAX}
    )


@blp.route("/registrations")
class Registrations(MethodView):
    @blp.arguments(RegistrationRequest)
    @blp.response(201, RegistrationMade)
    @blp.doc(operationId="register")
    def post(self, body):
        """线上双报到 (anyone; limited per address). 409 `phone_unavailable` for a phone that cannot register,
        in one message whatever the reason; 400 `grid_not_in_community`, `weak_password`, `invalid_phone`."""
        registration = operations.register(**body, now=utcnow())
        return {"registration_id": registration.id, "status": registration.status}

    @blp.arguments(RegistrationQuery, location="query")
    @blp.response(200, RegistrationList)
    @blp.doc(operationId="listRegistrations")
    def get(self, query):
        """The registrations of a community (its secretary, an admin): waiting ones first, oldest first."""
        return {"registrations": queries.registrations(actor(), **query)}


@blp.route(f"/registrations/<{ID_PATH}:registration_id>/confirm")
class ConfirmRegistration(MethodView):
    @blp.response(200, RegistrationRow)
    @blp.doc(operationId="confirmRegistration")
    def post(self, registration_id):
        """确认: the member row (the roster's, matched on phone, or a new one) and the account, which may log
        in at once. Again: 200, nothing changes; after a refusal: 409 `registration_decided`."""
        return queries.one(operations.confirm(actor(), registration_id, utcnow()).id)


@blp.route(f"/registrations/<{ID_PATH}:registration_id>/refuse")
class RefuseRegistration(MethodView):
    @blp.arguments(RefusalReason)
    @blp.response(200, RegistrationRow)
    @blp.doc(operationId="refuseRegistration")
    def post(self, body, registration_id):
        """退回 with a reason (400 `blank_text` without one); the phone may register again."""
        return queries.one(operations.refuse(actor(), registration_id, body["reason"], utcnow()).id)
