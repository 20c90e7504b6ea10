"""/office/periods (月份结账): every month open or closed with its pending entries by community, and the
close form for the earliest open month that has ended, the same close as POST /api/v1/periods/{p}/close."""

from flask import Blueprint, flash, redirect, render_template, request
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Regexp

from app.db import utcnow
from app.office.access import office_actor
from app.pages import Outcome, attempt, page_status
from app.periods import operations, queries
from ledger.words import month_words

bp = Blueprint("office_periods", __name__)


class CloseForm(FlaskForm):
    period = StringField(validators=[DataRequired("缺少月份"), Regexp(r"^\d{4}-\d{2}$", message="月份应为 YYYY-MM")])
    confirm = BooleanField(validators=[DataRequired("请先勾选“我已核对待审核积分，确认结账”")])


def _page(outcome: Outcome | None = None, form: CloseForm | None = None):
    overview = queries.overview(utcnow())
    status = page_status(outcome)
    return render_template("office/periods.html", overview=overview, outcome=outcome, form=form or CloseForm()), status


@bp.get("/office/periods")
def periods():
    office_actor()
    return _page()


@bp.post("/office/periods")
def close():
    account = office_actor()
    form = CloseForm()
    if not form.validate():
        message = "；".join(e for errors in form.errors.values() for e in errors)
        return _page(Outcome(code="invalid_request", message=message, status=400), form)
    outcome = attempt(operations.close_month_as, account, form.period.data, utcnow())
    if outcome.refused:
        return _page(outcome, form)
    closing = outcome.value
    carried = (
        f"，尚未审核的 {closing.carried} 条积分已顺延至 {month_words(closing.to_period)}" if closing.carried else ""
    )
    flash(f"{month_words(closing.period)}已结账{carried}")
    return redirect(request.path)
