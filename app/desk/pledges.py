"""/desk/pledges (承诺践诺): the members in scope with the year's pledges, progress and review state, and one
member's pledges with the review form (评诺), by the query and the operation the API calls."""

from flask import Blueprint, render_template, request
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Optional

from app.db import utcnow
from app.desk.access import desk_actor, desk_scope, page_arg
from app.pages import attempt, form_refusal, page_status
from app.pledges import operations, queries
from app.pledges.models import COMMENT_MAX, GRADES
from app.schemas import ID_PATH
from ledger import periods
from ledger.periods import MAX_YEAR, MIN_YEAR

bp = Blueprint("desk_pledges", __name__)

PAGE_SIZE = 50


class ReviewForm(FlaskForm):
    # The operation judges the grade and the comment, so the page refuses them in the API's words.
    grade = StringField(validators=[Optional()])
    comment = TextAreaField(validators=[Optional()])


def _year(now) -> int:
    """`?year=`, else the year under review: last year until the end of March, this year after."""
    year = request.args.get("year", type=int)
    if year is not None and MIN_YEAR <= year < MAX_YEAR:
        return year
    today = periods.local(now).date()
    return today.year - 1 if today.month <= 3 else today.year


@bp.get("/desk/pledges")
def pledges():
    account = desk_actor()
    now = utcnow()
    year, unreviewed = _year(now), request.args.get("unreviewed") == "1"
    page, offset = page_arg(PAGE_SIZE)
    listed = queries.desk_list(
        account, year, **desk_scope(account), unreviewed=unreviewed, limit=PAGE_SIZE, offset=offset
    )
    opens, closes = queries.review_window(year)
    return render_template(
        "desk/pledges.html",
        listed=listed,
        year=year,
        unreviewed=unreviewed,
        page=page,
        pages=max(1, -(-listed["total"] // PAGE_SIZE)),
        window_open=opens <= now < closes,
        years=range(periods.local(now).year + 1, periods.local(now).year - 4, -1),
    )


@bp.route(f"/desk/pledges/<{ID_PATH}:member_id>", methods=["GET", "POST"])
def member(member_id):
    account = desk_actor()
    now = utcnow()
    year = _year(now)
    outcome = None
    if request.method == "POST":
        form = ReviewForm()
        if form.validate():
            outcome = attempt(operations.review, account, member_id, year, form.grade.data, form.comment.data, now)
        else:
            outcome = form_refusal(form)
    # The query checks the scope (403 for another community's secretary) before anything is shown.
    mine = queries.member_year(account, member_id, year)
    refusal = queries.why_not_review(account, member_id, year, now)
    return render_template(
        "desk/pledges_member.html",
        mine=mine,
        year=year,
        outcome=outcome,
        why_not=refusal.message if refusal is not None else None,
        grades=GRADES,
        comment_max=COMMENT_MAX,
    ), page_status(outcome)
