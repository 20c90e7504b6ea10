"""The login page: phone and password, remembered on the phone so older members log in once."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, make_response, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Regexp

from app.auth import operations
from app.auth.current import client_address, optional_actor
from app.db import utcnow
from app.errors import Refusal
from app.pages import home_path

bp = Blueprint("auth_pages", __name__)


class LoginForm(FlaskForm):
    # No NUL: PostgreSQL could not compare it with a stored phone.
    phone = StringField(
        "手机号", validators=[DataRequired("请填写手机号"), Regexp(r"^[^\x00]*$", message="手机号格式不对")]
    )
    password = PasswordField("密码", validators=[DataRequired("请填写密码")])


def safe_next(target: str | None) -> str | None:
    # Only same-site paths: a login link must not bounce a member to somebody else's site.
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not urlsplit(target).netloc
    ):
        return target
    return None


def _landing(account, target: str | None) -> str:
    """After login: a password to change comes first, then where the person was going, else their home."""
    if account.must_change_password:
        return url_for("me_pages.password", next=target) if target else url_for("me_pages.password")
    return target or home_path(account)


def login_page(error: str | None, status: int, form: LoginForm | None = None):
    """The login form, with what went wrong above it."""
    return make_response(render_template("login.html", form=form or LoginForm(), error=error), status)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            account = operations.login(form.phone.data, form.password.data, client_address(), utcnow())
        except Refusal as refusal:
            # A page answers a wrong password 400 (401 asks a browser for HTTP credentials); a lock-out 429.
            response = login_page(refusal.message, 429 if refusal.status == 429 else 400, form)
            if refusal.retry_after:
                response.headers["Retry-After"] = str(refusal.retry_after)
            return response
        else:
            token = operations.start_session(account, utcnow())
            session.clear()
            session.permanent = True
            session["sid"] = token
            return redirect(_landing(account, safe_next(request.args.get("next"))))
    if request.method == "POST":
        return login_page("；".join(e for errors in form.errors.values() for e in errors), 400, form)
    return login_page(None, 200, form)


@bp.post("/logout")
def logout():
    token = session.get("sid")
    if isinstance(token, str):
        operations.end_session(token)
    session.clear()
    flash("您已退出登录")
    return redirect(url_for("auth_pages.login"))


@bp.get("/")
def home():
    account = optional_actor()
    if account is not None and home_path(account) != request.path:
        return redirect(home_path(account))
    return render_template("home.html")


@bp.errorhandler(CSRFError)
def lost_csrf(_error: CSRFError):
    """Already on /login (the app-wide handler sends every other page here): the form again, with a fresh
    token and the reason."""
    return login_page("页面已过期，请重新输入手机号和密码登录", 400)
