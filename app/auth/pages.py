"""The login page: phone and password, remembered on the phone so older members log in once."""
from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Regexp

from app.auth import operations
from app.db import utcnow
from app.errors import Refusal

bp = Blueprint("auth_pages", __name__)


class LoginForm(FlaskForm):
    # No NUL: PostgreSQL could not compare it with a stored phone.
    phone = StringField("手机号", validators=[DataRequired("请填写手机号"), Regexp(r"^[^\x00]*$", message="手机号格式不对")])
    password = PasswordField("密码", validators=[DataRequired("请填写密码")])


def _safe_next(target: str | None) -> str:
    # Only same-site paths: a login link must not bounce a member to somebody else's site.
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("auth_pages.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            account = operations.login(form.phone.data, form.password.data, utcnow())
        except Refusal as refusal:
            error = refusal.message
        else:
            session.clear()
            session.permanent = True
            session["account_id"] = account.id
            session["v"] = account.token_version
            return redirect(_safe_next(request.args.get("next")))
    elif request.method == "POST":
        error = "；".join(e for errors in form.errors.values() for e in errors)
    return render_template("login.html", form=form, error=error), (400 if error else 200)


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("auth_pages.login"))


@bp.get("/")
def home():
    return render_template("home.html")
