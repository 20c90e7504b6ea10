"""群众点单 at the desk (/desk/needs): the needs in the secretary's scope with their counts per status, a need
recorded from a phone call or a visit, a need's page with the one next step its status allows (派单 to a
work unit or open to members, assign the unit's members, refuse, close unrated), and the A4 poster whose code
opens the community's public form.

Each action calls the operation its API call does (app.needs.operations); the lists and the need's page read
the API's queries (app.needs.queries), so a secretary sees on the page exactly what the API answers."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional

from app.auth import scope
from app.catalogue.queries import catalogue
from app.db import utcnow
from app.desk.access import desk_actor, id_arg, page_arg
from app.errors import Forbidden
from app.events import poster, qr
from app.members.queries import list_members
from app.needs import operations, queries
from app.needs.models import NOTE_MAX
from app.needs.public import NeedForm, community_form, shown_once
from app.org.queries import choices, community_choices, unit_choices
from app.pages import Outcome, attempt, error_page, form_refusal, page_status
from app.schemas import ID_MAX, ID_PATH
from ledger.words import NEED_STATUSES

bp = Blueprint("desk_needs", __name__)

PAGE_SIZE = 50
# The unit's members to tick from; past this many the secretary searches by name or phone.
MEMBERS_SHOWN = 60
SEARCH_MAX = 50
ACTIONS = ("dispatch", "open", "assign", "refuse", "close")
STATUS_TAGS = {
    "received": "warn",
    "dispatched": "warn",
    "open": "warn",
    "taken": "",
    "done": "ok",
    "closed": "ok",
    "refused": "no",
}


class RecordForm(NeedForm):
    """The fields of POST /api/v1/needs: the public form's, and the community for an admin."""

    community_id = IntegerField(validators=[Optional(), NumberRange(1, ID_MAX, "请从列表中选择社区")])


class ActionForm(FlaskForm):
    action = StringField(validators=[DataRequired("请选择操作"), AnyOf(ACTIONS, "不认识的操作")])
    unit_id = IntegerField(validators=[Optional(), NumberRange(1, ID_MAX, "请从列表中选择单位")])
    # The operation refuses a reason past NOTE_MAX in the API's words; this only stops a page of junk.
    reason = TextAreaField(validators=[Optional(), Length(max=NOTE_MAX * 4, message=f"原因最多{NOTE_MAX}字")])
    confirm = BooleanField()


def _status_arg() -> str | None:
    status = request.args.get("status")
    return status if status in NEED_STATUSES else None


@bp.get("/desk/needs")
def list_page():
    account = desk_actor()
    community_id, status = id_arg("community_id"), _status_arg()
    counts = queries.status_counts(account, community_id=community_id)
    total = counts[status] if status else sum(counts.values())
    pages = max(1, -(-total // PAGE_SIZE))
    page, offset = page_arg(PAGE_SIZE, most=pages)
    listed = queries.listing(
        account, community_id=community_id, status=status, limit=PAGE_SIZE, offset=offset, oldest_first=True
    )
    return render_template(
        "desk/needs.html",
        needs=listed["needs"],
        total=total,
        counts=counts,
        status=status,
        community_id=community_id,
        page=page,
        pages=pages,
        words=NEED_STATUSES,
        tags=STATUS_TAGS,
        may_record=_may_record(account),
        poster_community=community_id or account.community_id,
        # An admin picks the community whose poster to print.
        communities=community_choices() if scope.is_admin(account) else [],
    )


def _may_record(account) -> bool:
    # The operation judges the community; this only keeps the form from a unit's secretary, who has none.
    return scope.is_admin(account) or account.community_id is not None


def _render_new(account, form: RecordForm, outcome: Outcome | None = None):
    communities = choices()["communities"]
    if not scope.is_admin(account):
        communities = [c for c in communities if c["id"] == account.community_id]
    body = render_template(
        "desk/needs_new.html",
        form=form,
        outcome=outcome,
        communities=communities,
        categories=catalogue(),
        **shown_once(outcome),
    )
    # The resident's code is shown once: no cache keeps a copy.
    return body, page_status(outcome), {"Cache-Control": "no-store"}


@bp.route("/desk/needs/new", methods=["GET", "POST"])
def new():
    account = desk_actor()
    if not _may_record(account):
        raise Forbidden("群众需求由社区书记登记；单位书记在这里为派给本单位的需求安排党员", code="not_allowed")
    form = RecordForm()
    if request.method == "GET":
        form.community_id.data = account.community_id
        return _render_new(account, form)
    if not form.validate():
        return _render_new(account, form, form_refusal(form))
    community_id = form.community_id.data if scope.is_admin(account) else account.community_id
    if community_id is None:
        return _render_new(account, form, Outcome(code="invalid_request", message="请选择社区", status=400))
    outcome = attempt(
        operations.record,
        account,
        community_id,
        **form.need(),
        now=utcnow(),
    )
    return _render_new(account, form, outcome)


def _next_steps(account, need: dict, now) -> dict:
    """What the page offers, by the need's status and who is looking; the operation judges again on submit."""
    status, community_id = need["status"], need["community_id"]
    manages = scope.manages_community(account, community_id)
    unit_secretary = scope.is_admin(account) or scope.secretary_of_unit(account, need["unit_id"])
    closable_at = need["done_at"] + operations.CLOSE_UNRATED_AFTER if need["done_at"] else None
    return {
        "dispatch": status == "received" and manages,
        "assign": status == "dispatched" and unit_secretary,
        "refuse": status in ("received", "dispatched", "open") and manages,
        "close": status == "done" and manages,
        "closable_at": closable_at,
        "too_early": closable_at is not None and now < closable_at,
    }


def _need_page(account, need_id: int, *, outcome: Outcome | None = None, form: ActionForm | None = None):
    now = utcnow()
    need = queries.detail(account, need_id)
    steps = _next_steps(account, need, now)
    q = (request.values.get("q") or "").replace("\x00", "").strip()[:SEARCH_MAX]
    return render_template(
        "desk/needs_detail.html",
        need=need,
        steps=steps,
        units=unit_choices() if steps["dispatch"] else [],
        members=list_members(account, unit_id=need["unit_id"], q=q or None, limit=MEMBERS_SHOWN)
        if steps["assign"]
        else None,
        q=q,
        outcome=outcome,
        form=form,
        tags=STATUS_TAGS,
        reason_max=NOTE_MAX,
    ), page_status(outcome)


@bp.get(f"/desk/needs/<{ID_PATH}:need_id>")
def need_page(need_id):
    return _need_page(desk_actor(), need_id)


def _member_ids() -> list[int] | None:
    """The ticked members as ids; None when one is not an id at all (not a form this page sent)."""
    values = request.form.getlist("member_ids")
    if not all(v.isdigit() and 0 < int(v) <= ID_MAX for v in values):
        return None
    return [int(v) for v in values]


def _act(account, need_id: int, form: ActionForm) -> Outcome:
    now, action = utcnow(), form.action.data
    if action == "dispatch":
        if form.unit_id.data is None:
            return Outcome(code="invalid_request", message="请选择派往的单位", status=400)
        return attempt(operations.dispatch, account, need_id, unit_id=form.unit_id.data, now=now)
    if action == "open":
        return attempt(operations.dispatch, account, need_id, open_to_members=True, now=now)
    if action == "assign":
        member_ids = _member_ids()
        if not member_ids:
            return Outcome(code="invalid_request", message="请勾选要安排的党员", status=400)
        return attempt(operations.assign, account, need_id, member_ids, now=now)
    if action == "refuse":
        if not form.confirm.data:
            return Outcome(code="invalid_request", message="请先勾选确认：不予受理后会短信告知群众", status=400)
        return attempt(operations.refuse, account, need_id, form.reason.data or "", now=now)
    return attempt(operations.close_unrated, account, need_id, now=now)


DONE_WORDS = {
    "dispatch": "已派单，等待单位书记安排党员",
    "open": "已发布，在职党员可在手机上认领",
    "assign": "已安排党员",
    "refuse": "已不予受理，群众会收到短信",
    "close": "已关闭，积分已记入服务党员的台账待审核",
}


@bp.post(f"/desk/needs/<{ID_PATH}:need_id>")
def act(need_id):
    account = desk_actor()
    form = ActionForm()
    outcome = _act(account, need_id, form) if form.validate() else form_refusal(form)
    if outcome.refused:
        # A need the account may not see is the query's own Chinese 403 or 404 page.
        return _need_page(account, need_id, outcome=outcome, form=form)
    flash(DONE_WORDS[form.action.data])
    return redirect(url_for("desk_needs.need_page", need_id=need_id))


@bp.get("/desk/needs/poster.pdf")
def poster_pdf():
    account = desk_actor()
    community_id = id_arg("community_id") or account.community_id
    if community_id is None:
        return error_page(400, "请从列表中选择社区后再下载海报")
    scope.require(scope.manages_community(account, community_id), "只能下载本社区的群众点单海报")
    community = community_form(community_id)
    url = qr.public_url(url_for("needs_public.form", community_id=community_id))
    body = poster.sheet(
        "群众点单",
        [community["name"], "有困难、有需求，请告诉我们", "社区安排在职党员为您服务，办完请您评价"],
        url,
        "请用微信扫一扫提交需求",
        name=f"{community['name']} 群众点单",
        footer=url,
    )
    return (
        body,
        200,
        {
            "Content-Type": "application/pdf",
            "Content-Disposition": f'inline; filename="needs-{community_id}-poster.pdf"',
        },
    )
