"""The resident's pages (群众点单), with no account: the community's form on a phone, and the tracking page that
the rating code opens, with the rating form once the need is done.

Each calls the operation or query its public API call does (POST /api/v1/public/needs, GET and POST
/api/v1/public/needs/{id}...). The form is limited per address by the limiter (as /register is) and per
phone by the operation; the rating code is shown once and never stored, so its page is never cached."""

from flask import Blueprint, render_template, request
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.catalogue.queries import catalogue
from app.db import utcnow
from app.errors import NotFound
from app.events import qr
from app.needs import operations, queries
from app.needs.models import CONTENT_MAX, NAME_MAX, NOTE_MAX, PHONE_MAX
from app.org.queries import choices
from app.pages import Outcome, attempt, error_page, form_refusal, page_status
from app.schemas import ID_MAX, ID_PATH

bp = Blueprint("needs_public", __name__)

ID = [Optional(), NumberRange(1, ID_MAX, "请从列表中选择")]
STARS = {5: "非常满意", 4: "满意", 3: "一般", 2: "不太满意", 1: "不满意"}
# The code is a short token; a longer one is no code of ours and needs no lookup.
CODE_MAX = 64
CODE_REFUSALS = ("invalid_code", "too_many_attempts")


class NeedForm(FlaskForm):
    """The fields of POST /api/v1/public/needs by the same names; blank and length are the operation's to refuse
    (as for the API), these bounds only stop a page of junk."""

    resident_name = StringField(validators=[Length(max=NAME_MAX * 4, message=f"姓名最多{NAME_MAX}字")])
    resident_phone = StringField(validators=[Length(max=PHONE_MAX, message="手机号应为11位手机号码")])
    grid_id = IntegerField(validators=ID)
    category_id = IntegerField(validators=[DataRequired("请选择需求类别"), *ID[1:]])
    content = TextAreaField(validators=[Length(max=CONTENT_MAX * 4, message=f"需求内容最多{CONTENT_MAX}字")])

    def need(self) -> dict:
        """The need's fields as the operations (submit and record) take them."""
        return {name: getattr(self, name).data for name in NEED_FIELDS}


NEED_FIELDS = ("grid_id", "category_id", "content", "resident_name", "resident_phone")


class RatingForm(FlaskForm):
    code = StringField(validators=[DataRequired("缺少评价码"), Length(max=CODE_MAX, message="评价码不对")])
    stars = IntegerField(validators=[InputRequired("请选择几颗星"), NumberRange(1, 5, "请选择1到5颗星")])
    comment = TextAreaField(validators=[Optional(), Length(max=NOTE_MAX * 4, message=f"评价最多{NOTE_MAX}字")])


def community_form(community_id: int) -> dict:
    """The community as its form needs it: name and grids; an unknown community is the Chinese 404."""
    for community in choices()["communities"]:
        if community["id"] == community_id:
            return community
    raise NotFound("社区")


def shown_once(outcome: Outcome | None) -> dict:
    """A need just sent, as its page shows it: `need`, the `code` (this once), and the tracking page's `track`
    path and full `track_url` (BASE_URL's, as printed); nothing while none was sent."""
    if outcome is None or outcome.refused:
        return {"need": None}
    need, code = outcome.value
    track = queries.track_path(need["community_id"], need["id"], code)
    return {"need": need, "code": code, "track": track, "track_url": qr.public_url(track)}


def _no_store(body, status: int):
    # The code is shown once: neither the browser nor a proxy keeps a copy to show again.
    return body, status, {"Cache-Control": "no-store"}


def _submit(community_id: int, form: NeedForm) -> Outcome:
    if not form.validate():
        return form_refusal(form)
    return attempt(
        operations.submit,
        community_id,
        **form.need(),
        now=utcnow(),
    )


@bp.route(f"/n/<{ID_PATH}:community_id>", methods=["GET", "POST"])
def form(community_id):
    community = community_form(community_id)
    form = NeedForm()
    outcome = _submit(community_id, form) if form.is_submitted() else None
    page = render_template(
        "needs/form.html",
        community=community,
        categories=catalogue(),
        form=form,
        outcome=outcome,
        **shown_once(outcome),
    )
    return _no_store(page, page_status(outcome))


@bp.route(f"/n/<{ID_PATH}:community_id>/t/<{ID_PATH}:need_id>", methods=["GET", "POST"])
def track(community_id, need_id):
    queries.in_community(need_id, community_id)
    outcome, rating = None, RatingForm(formdata=None)
    if request.method == "POST":
        rating = RatingForm()
        code = (rating.code.data or "")[:CODE_MAX]
        if rating.validate():
            outcome = attempt(operations.rate, need_id, code, rating.stars.data, rating.comment.data or "", utcnow())
        else:
            outcome = form_refusal(rating)
    else:
        code = (request.args.get("code") or "")[:CODE_MAX]
    if outcome is not None and outcome.code in CODE_REFUSALS:
        # A wrong code opens nothing, not even the page it was posted from (and is counted once, not twice).
        return _no_store(*error_page(outcome.status, outcome.message))
    page = render_template(
        "needs/track.html",
        need=queries.tracking(need_id, code, utcnow()),
        code=code,
        community_id=community_id,
        outcome=outcome,
        stars=STARS,
        # A refused rating keeps what the resident chose and wrote.
        rating=rating,
    )
    return _no_store(page, page_status(outcome))
