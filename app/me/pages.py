"""The member's pages on the phone: home, points, households and visits, events, notices, password.

Each page calls the operation or query its API call does; a form's answer is rendered on the page it was
posted to, with a `data-*-status` element carrying `created`/`already`/... or the refusal's code."""

from flask import Blueprint, flash, redirect, render_template, request
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional

from app.auth import operations as auth_operations
from app.auth.api import PASSWORD_MAX
from app.auth.current import actor, client_address, login_session_id
from app.auth.pages import safe_next
from app.db import utcnow
from app.events import operations as event_operations
from app.events import queries as event_queries
from app.leave import operations as leave_operations
from app.me import queries
from app.me.access import member_account, password_first
from app.notices import operations as notice_operations
from app.notices import queries as notice_queries
from app.pages import Outcome, attempt, form_refusal, home_path, month_choices, page_status
from app.pairing.queries import my_households
from app.points import queries as points_queries
from app.schemas import ID_MAX
from app.visits import operations as visit_operations
from app.visits.queries import member_visits
from ledger import periods
from ledger.errors import InvalidPeriod
from ledger.words import STATES, month_words
from ledger.words import VISIT_CATEGORIES as CATEGORY_WORDS

bp = Blueprint("me_pages", __name__)
bp.before_request(password_first)

ID = [DataRequired("缺少编号"), NumberRange(1, ID_MAX, "编号不对")]


class VisitForm(FlaskForm):
    household_id = IntegerField(validators=ID)
    # The operation judges the category, so the page refuses a bad one with the API's code.
    category = StringField(validators=[DataRequired("请选择走访类别")])
    visited_on = DateField(validators=[DataRequired("请填写走访日期（年-月-日）")])
    note = TextAreaField(validators=[Optional()])


class SignupForm(FlaskForm):
    event_id = IntegerField(validators=ID)
    action = HiddenField(validators=[DataRequired()])


class LeaveForm(FlaskForm):
    event_id = IntegerField(validators=ID)
    action = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(validators=[Optional()])


class PasswordForm(FlaskForm):
    password = PasswordField(validators=[DataRequired("请填写当前密码"), Length(max=PASSWORD_MAX, message="密码过长")])
    new_password = PasswordField(
        validators=[DataRequired("请填写新密码"), Length(max=PASSWORD_MAX, message="密码过长")]
    )
    new_password_again = PasswordField(
        validators=[DataRequired("请再输入一次新密码"), EqualTo("new_password", "两次输入的新密码不一致")]
    )


def _today() -> str:
    return periods.local(utcnow()).date().isoformat()


@bp.route("/me", methods=["GET", "POST"])
def home():
    account = member_account()
    outcome, leave_status = None, None
    if request.method == "POST":
        outcome, leave_status = _leave(account, LeaveForm())
    status = page_status(outcome)
    return render_template(
        "me/home.html", home=queries.home(account, utcnow()), outcome=outcome, leave_status=leave_status
    ), status


def _leave(account, form: LeaveForm) -> tuple[Outcome, str | None]:
    """请假 or 撤回 from the home page: the outcome, and its word for data-leave-status."""
    if not form.validate() or form.action.data not in ("ask", "cancel"):
        outcome = form_refusal(form)
    elif form.action.data == "cancel":
        outcome = attempt(leave_operations.cancel_leave, account, form.event_id.data, utcnow())
        if not outcome.refused:
            return outcome, "cancelled"
    else:
        outcome = attempt(leave_operations.request_leave, account, form.event_id.data, form.reason.data, utcnow())
        if not outcome.refused:
            return outcome, "requested" if outcome.value[1] else "already"
    return outcome, outcome.code


@bp.get("/me/points")
def points():
    account = member_account()
    period = request.args.get("period") or periods.month_of(utcnow())
    try:
        entries = points_queries.entries(account, member_id=account.member_id, period=period, limit=1000)
    except InvalidPeriod as error:
        return render_template(
            "me/points.html",
            period=periods.month_of(utcnow()),
            month=None,
            months=month_choices(utcnow()),
            entries=None,
            error=error.message,
        ), 400
    posted = sum(e["points"] for e in entries if e["state"] == "posted")
    pending = sum(e["points"] for e in entries if e["state"] == "pending")
    return render_template(
        "me/points.html",
        period=period,
        entries=entries,
        posted=posted,
        pending=pending,
        states=STATES,
        month=month_words(period),
        months=month_choices(utcnow()),
        previous=periods.prev_month(period),
        following=periods.next_month(period),
        error=None,
    )


@bp.route("/me/households", methods=["GET", "POST"])
def households():
    account = member_account()
    outcome, posted_to = None, None
    if request.method == "POST":
        form = VisitForm()
        posted_to = form.household_id.data
        if form.validate():
            outcome = attempt(
                visit_operations.log_visit,
                account.member_id,
                form.household_id.data,
                form.category.data,
                form.visited_on.data,
                (form.note.data or "").strip() or None,
                None,
                utcnow(),
            )
        else:
            outcome = form_refusal(form)
    visits = member_visits(account.member_id)
    rows = [
        h | {"categories": [*h["flags"], "routine"], "visits": [v for v in visits if v["household_id"] == h["id"]]}
        for h in my_households(account.member_id)
    ]
    status = page_status(outcome)
    return render_template(
        "me/households.html",
        households=rows,
        outcome=outcome,
        visit_status=_visit_status(outcome),
        posted_to=posted_to,
        today=_today(),
        words=CATEGORY_WORDS,
        categories=list(CATEGORY_WORDS),
    ), status


def _visit_status(outcome: Outcome | None) -> str | None:
    if outcome is None:
        return None
    return outcome.code if outcome.refused else ("created" if outcome.value[1] else "already")


@bp.route("/events", methods=["GET", "POST"])
def events():
    account = member_account()
    outcome, signup_status = None, None
    if request.method == "POST":
        form = SignupForm()
        if not form.validate() or form.action.data not in ("signup", "cancel"):
            outcome = form_refusal(form)
        elif form.action.data == "cancel":
            outcome = attempt(event_operations.cancel_signup, account, form.event_id.data, utcnow())
            signup_status = "cancelled"
        else:
            outcome = attempt(event_operations.sign_up, account, form.event_id.data, utcnow())
            signup_status = "signed_up" if not outcome.refused and outcome.value[1] else "already"
        signup_status = outcome.code if outcome.refused else signup_status
    status = page_status(outcome)
    return render_template(
        "me/events.html",
        events=event_queries.upcoming_for_member(account, utcnow()),
        outcome=outcome,
        signup_status=signup_status,
    ), status


@bp.get("/me/notices")
def notices():
    account = member_account()
    return render_template("me/notices.html", notices=notice_queries.my_notices(account.member_id, limit=200))


@bp.get("/me/notices/<int(max=2147483647):notice_id>")
def notice(notice_id):
    # Opening a notice is reading it: the operation keeps the first time it was read.
    account = member_account()
    notice_operations.mark_read(account.member_id, notice_id, utcnow())
    return render_template("me/notice.html", notice=notice_queries.my_notice(account.member_id, notice_id))


@bp.get("/me/inbox/<int(max=2147483647):item_id>")
def inbox_item(item_id):
    # A reminder, opened, is read, like a notice.
    account = member_account()
    notice_operations.mark_item_read(item_id, utcnow(), member_id=account.member_id)
    return render_template("me/notice.html", notice=notice_queries.inbox_item(item_id, member_id=account.member_id))


@bp.route("/me/password", methods=["GET", "POST"])
def password():
    account = actor()
    form = PasswordForm()
    outcome = None
    if request.method == "POST":
        if form.validate():
            outcome = attempt(
                auth_operations.change_password,
                account,
                form.password.data,
                form.new_password.data,
                client_address(),
                utcnow(),
                keep_session_id=login_session_id(),
            )
            if not outcome.refused:
                flash("密码已修改。其他手机和电脑上的登录已退出。")
                return redirect(safe_next(request.args.get("next")) or home_path(account))
        else:
            outcome = form_refusal(form)
    status = page_status(outcome)
    return render_template("me/password.html", outcome=outcome, must_change=account.must_change_password), status
