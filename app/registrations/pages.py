"""/register: self-registration on the phone (线上双报到), on the operation POST /api/v1/registrations calls.

The grid is a select with one group per community, so it works without a script; the operation refuses a
grid of another community. The answer carries `data-register-status`: `active`, `waiting` or the refusal's
code."""

from flask import Blueprint, render_template
from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from app.auth.api import PASSWORD_MAX, PHONE_MAX
from app.db import utcnow
from app.org.queries import choices
from app.pages import Outcome, attempt, page_status
from app.registrations import operations
from app.registrations.models import ADDRESS_MAX, NAME_MAX
from app.schemas import ID_MAX

bp = Blueprint("registration_pages", __name__)

ID = [Optional(), NumberRange(1, ID_MAX, "请从列表中选择")]


class RegisterForm(FlaskForm):
    # Blank and length are the operation's to refuse (as for the API); these bounds only stop a page of junk.
    name = StringField(validators=[Length(max=NAME_MAX * 4)])
    phone = StringField(validators=[Length(max=PHONE_MAX, message="手机号应为11位手机号码")])
    password = PasswordField(validators=[Length(max=PASSWORD_MAX, message="密码过长")])
    unit_id = IntegerField(validators=ID)
    community_id = IntegerField(validators=ID)
    grid_id = IntegerField(validators=ID)
    address = TextAreaField(validators=[Length(max=ADDRESS_MAX * 4)])


MISSING = {"unit_id": "请选择工作单位", "community_id": "请选择居住社区"}


def _submit(form: RegisterForm) -> Outcome:
    if not form.validate():
        message = "；".join(e for errors in form.errors.values() for e in errors) or "请求内容有误"
        return Outcome(code="invalid_request", message=message, status=400)
    for field, message in MISSING.items():
        if form[field].data is None:
            return Outcome(code="invalid_request", message=message, status=400)
    return attempt(
        operations.register,
        name=form.name.data,
        phone=form.phone.data,
        password=form.password.data,
        unit_id=form.unit_id.data,
        community_id=form.community_id.data,
        grid_id=form.grid_id.data,
        address=form.address.data,
        now=utcnow(),
    )


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    outcome = _submit(form) if form.is_submitted() else None
    registration = outcome.value if outcome and not outcome.refused else None
    status = page_status(outcome)
    return render_template(
        "register.html",
        form=form,
        outcome=outcome,
        registration=registration,
        choices=choices() if registration is None else None,
    ), status
