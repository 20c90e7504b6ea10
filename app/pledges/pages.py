"""/me/pledges (我的承诺), on the phone: the year's pledges, adding, changing and removing them, a progress form
per pledge, and the review once given; each form calls the operation its API call does."""

from flask import Blueprint, render_template, request
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, NumberRange, Optional

from app.catalogue.queries import category_names
from app.db import utcnow
from app.me.access import member_account, password_first
from app.pages import Outcome, attempt, form_refusal, page_status
from app.pledges import operations, queries
from app.pledges.models import PLEDGES_PER_YEAR, TEXT_MAX
from app.schemas import ID_MAX
from ledger import periods
from ledger.periods import MAX_YEAR, MIN_YEAR

bp = Blueprint("me_pledges", __name__)
# The member's pages share one gate: logged in, and a password to change comes first.
bp.before_request(password_first)

ID = [DataRequired("缺少编号"), NumberRange(1, ID_MAX, "编号不对")]
ACTIONS = ("add", "edit", "remove", "progress")
# What data-pledge-status says after each form that went through.
DONE = {"add": "added", "edit": "changed", "remove": "removed", "progress": "progressed"}


class PledgeForm(FlaskForm):
    action = HiddenField(validators=[DataRequired()])
    year = IntegerField(validators=[Optional(), NumberRange(MIN_YEAR, MAX_YEAR - 1, "年份不对")])
    pledge_id = IntegerField(validators=[Optional(), NumberRange(1, ID_MAX, "编号不对")])
    # The operations judge the category and the texts, so the page refuses them with the API's codes.
    category = StringField(validators=[Optional()])
    text = TextAreaField(validators=[Optional()])
    on = DateField(validators=[Optional()])
    note = TextAreaField(validators=[Optional()])
    link = StringField(validators=[Optional()])


def page_year(now) -> int:
    year = request.args.get("year", type=int)
    return year if year is not None and MIN_YEAR <= year < MAX_YEAR else periods.local(now).year


def _link(value: str | None) -> dict:
    """The progress form's one choice, "checkin:12" or "visit:7", as the API's checkin_id / visit_id."""
    kind, _, number = (value or "").partition(":")
    if kind in ("checkin", "visit") and number.isdigit() and 0 < int(number) <= ID_MAX:
        return {f"{kind}_id": int(number)}
    return {}


def _submit(account, form: PledgeForm, year: int) -> Outcome:
    action, now = form.action.data, utcnow()
    if action == "add":
        return attempt(operations.add_pledge, account, year, form.category.data, form.text.data, now)
    if form.pledge_id.data is None:
        return Outcome(code="invalid_request", message="缺少承诺编号", status=400)
    if action == "edit":
        return attempt(operations.edit_pledge, account, form.pledge_id.data, form.category.data, form.text.data, now)
    if action == "remove":
        return attempt(operations.remove_pledge, account, form.pledge_id.data)
    if form.on.data is None:
        return Outcome(code="invalid_request", message="请填写践诺日期（年-月-日）", status=400)
    return attempt(
        operations.mark_progress,
        account,
        form.pledge_id.data,
        form.on.data,
        form.note.data,
        now,
        **_link(form.link.data),
    )


@bp.route("/me/pledges", methods=["GET", "POST"])
def pledges():
    account = member_account()
    now = utcnow()
    year = page_year(now)
    outcome, action, posted_to = None, None, None
    if request.method == "POST":
        form = PledgeForm()
        action, posted_to = form.action.data, form.pledge_id.data
        if form.validate() and action in ACTIONS:
            year = form.year.data or year
            outcome = _submit(account, form, year)
        else:
            outcome = form_refusal(form)
    mine = queries.member_year(account, account.member_id, year)
    today = periods.local(now).date()
    return render_template(
        "me/pledges.html",
        mine=mine,
        year=year,
        this_year=today.year,
        outcome=outcome,
        status=None if outcome is None else (outcome.code if outcome.refused else DONE[action]),
        posted_to=posted_to,
        categories=category_names(),
        choices=queries.link_choices(account.member_id, year),
        first_day=f"{year:04d}-01-01",
        last_day=min(today, today.replace(year=year, month=12, day=31)).isoformat() if year <= today.year else None,
        writable=operations.writable_year(year, now),
        most=PLEDGES_PER_YEAR,
        text_max=TEXT_MAX,
    ), page_status(outcome)
