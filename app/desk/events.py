"""The desk's events (活动管理): the list, the form that publishes or corrects one, and the event's own page
with its printable codes, "作废旧码", its sign-ups and check-ins, and 代签到.

Each action calls the operation or query its API call does; the printable files are the API's own
renderers (app.events.downloads), answering the session cookie alone."""

import math
from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, FloatField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import DateTimeLocalInput

from app.checkins import operations as checkin_operations
from app.db import utcnow
from app.desk.access import desk_actor
from app.events import downloads, operations, queries
from app.pages import Outcome, attempt, error_page
from app.schemas import ID_MAX, ID_PATH
from ledger.periods import MAX_YEAR, MIN_YEAR, TZ, local
from ledger.words import EVENT_KINDS as KINDS
from ledger.words import STATES

bp = Blueprint("desk_events", __name__)

DEFAULT_RADIUS_M = 300
# A form's text goes to PostgreSQL, whose text holds no NUL; no person types one.
NO_NUL = Regexp(r"^[^\x00]*$", message="含有无效字符")
SEARCH_MAX = 50


@bp.app_template_filter("desk_clock")
def clock(at: datetime) -> str:
    """The hour and minute on the Beijing clock: an event's end, after its start in full."""
    return f"{local(at):%H:%M}"


class BeijingTime(StringField):
    """A time on the Beijing clock, as a datetime-local input sends it (2026-12-27T09:00) or as a person
    types it where the browser has no such input (2026-12-27 09:00); the data is an aware time."""

    widget = DateTimeLocalInput()
    FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if not text:
            return
        for format_ in self.FORMATS:
            try:
                naive = datetime.strptime(text, format_)
            except ValueError:
                continue
            # A year at either end would overflow on its way to UTC.
            if not MIN_YEAR <= naive.year <= MAX_YEAR:
                raise ValueError("时间超出范围")
            self.data = naive.replace(tzinfo=TZ)
            return
        raise ValueError("时间格式应为 2026-12-27 09:00")

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        at = local(self.data)
        return at.strftime("%Y-%m-%dT%H:%M:%S" if at.second else "%Y-%m-%dT%H:%M")


def _finite(_form, field):
    if field.data is not None and not math.isfinite(field.data):
        raise ValidationError("应为数字")


def _coordinate(words: str, limit: int) -> FloatField:
    return FloatField(
        validators=[Optional(), _finite, NumberRange(-limit, limit, f"{words}应在 -{limit} 到 {limit} 之间")]
    )


class EventForm(FlaskForm):
    """The fields of POST /api/v1/events by the same names; the community is chosen only when publishing."""

    title = StringField(
        validators=[DataRequired("请填写活动名称"), Length(max=100, message="活动名称最多100个字"), NO_NUL]
    )
    category = StringField(
        validators=[DataRequired("请选择服务项目"), Length(max=50, message="服务项目最多50个字"), NO_NUL]
    )
    kind = SelectField(
        choices=[SelectChoice(k, words) for k, words in KINDS.items()], validators=[DataRequired("请选择活动类型")]
    )
    place = StringField(validators=[Optional(), Length(max=200, message="地点最多200个字"), NO_NUL])
    starts_at = BeijingTime(validators=[InputRequired("请填写开始时间")])
    ends_at = BeijingTime(validators=[InputRequired("请填写结束时间")])
    checkin_opens_at = BeijingTime(validators=[Optional()])
    checkin_closes_at = BeijingTime(validators=[Optional()])
    capacity = IntegerField(validators=[Optional(), NumberRange(1, 100_000, "名额应为 1 到 100000")])
    latitude = _coordinate("纬度", 90)
    longitude = _coordinate("经度", 180)
    radius_m = IntegerField(validators=[Optional(), NumberRange(1, 100_000, "签到范围应为 1 到 100000 米")])

    def values(self) -> dict:
        return {name: self[name].data or None for name in operations.EDITABLE} | {
            # A coordinate of 0 is a place (the equator, the meridian): only an empty field is none.
            key: self[key].data
            for key in ("latitude", "longitude")
        }


class NewEventForm(EventForm):
    community_id = SelectField(coerce=int, validators=[InputRequired("请选择社区")])


class ProxyForm(FlaskForm):
    member_id = IntegerField(validators=[InputRequired("请先选择党员"), NumberRange(1, ID_MAX, "党员编号不对")])
    reason = TextAreaField(
        validators=[DataRequired("请填写代签到的原因"), Length(max=200, message="原因最多200个字"), NO_NUL]
    )


class VoidForm(FlaskForm):
    confirm = BooleanField(validators=[DataRequired("请先勾选确认：旧码作废后，已印出的海报和二维码都不能再签到")])


def _community_choices(communities) -> list[SelectChoice]:
    return [SelectChoice(c.id, c.name) for c in communities]


def _form_refusal(form: FlaskForm) -> Outcome:
    """A form the browser should not have sent as it is (a field missing or malformed): the API's 400."""
    message = "；".join(e for errors in form.errors.values() for e in errors) or "请求内容有误"
    return Outcome(code="invalid_request", message=message, status=400)


def _community_filter() -> tuple[int | None, str | None]:
    raw = request.args.get("community_id", "").strip()
    if not raw:
        return None, None
    if raw.isdecimal() and 0 < int(raw) <= ID_MAX:
        return int(raw), None
    return None, "社区编号不对，已列出全部活动"


@bp.get("/desk/events")
def list_page():
    account = desk_actor()
    community_id, problem = _community_filter()
    events = queries.desk_list(account, community_id=community_id, now=utcnow())
    return render_template(
        "desk/events/list.html", events=events, kinds=KINDS, problem=problem, community_id=community_id
    ), (400 if problem else 200)


def _render_form(account, form: EventForm, event=None, outcome: Outcome | None = None):
    choices = queries.form_choices(account)
    if isinstance(form, NewEventForm):
        form.community_id.choices = _community_choices(choices["communities"])
    status = outcome.status if outcome is not None and outcome.refused else 200
    return render_template(
        "desk/events/form.html",
        form=form,
        event=event,
        categories=choices["categories"],
        outcome=outcome,
        default_radius=DEFAULT_RADIUS_M,
    ), status


@bp.route("/desk/events/new", methods=["GET", "POST"])
def new():
    account = desk_actor()
    form = NewEventForm()
    if request.method == "GET":
        if account.community_id is not None:
            form.community_id.data = account.community_id
        return _render_form(account, form)
    form.community_id.choices = _community_choices(queries.form_choices(account)["communities"])
    if not form.validate():
        return _render_form(account, form, outcome=_form_refusal(form))
    outcome = attempt(
        operations.create_event, account, {"community_id": form.community_id.data, **form.values()}, utcnow()
    )
    if outcome.refused:
        return _render_form(account, form, outcome=outcome)
    flash("活动已发布")
    return redirect(url_for("desk_events.event_page", event_id=outcome.value.id))


@bp.route(f"/desk/events/<{ID_PATH}:event_id>/edit", methods=["GET", "POST"])
def edit(event_id):
    account = desk_actor()
    event = operations.managed_event(account, event_id)
    if request.method == "GET":
        form = EventForm(obj=event)
        # A window left as its default shows empty, so that moving the event moves it too.
        for key, default in operations.default_window(event.starts_at, event.ends_at).items():
            if getattr(event, key) == default:
                form[key].data = None
        return _render_form(account, form, event)
    form = EventForm()
    if not form.validate():
        return _render_form(account, form, event, _form_refusal(form))
    outcome = attempt(operations.update_event, account, event_id, form.values(), utcnow())
    if outcome.refused:
        return _render_form(account, form, event, outcome)
    flash("活动已保存")
    return redirect(url_for("desk_events.event_page", event_id=event_id))


def _event_page(account, event_id: int, *, status: int = 200, **context):
    q = (request.values.get("q") or "").replace("\x00", "").strip()[:SEARCH_MAX]
    page = queries.event_desk(account, event_id, q=q or None)
    context.setdefault("proxy", ProxyForm(formdata=None))
    context.setdefault("void", VoidForm(formdata=None))
    return render_template("desk/events/event.html", page=page, q=q, kinds=KINDS, states=STATES, **context), status


@bp.get(f"/desk/events/<{ID_PATH}:event_id>")
def event_page(event_id):
    return _event_page(desk_actor(), event_id)


def _refused_page(outcome: Outcome):
    """Out of scope or no such event: the Chinese error page, as on any page the account may not see."""
    return error_page(outcome.status, outcome.message)


@bp.post(f"/desk/events/<{ID_PATH}:event_id>/proxy-checkins")
def proxy(event_id):
    account = desk_actor()
    form = ProxyForm()
    if not form.validate():
        outcome = _form_refusal(form)
    else:
        outcome = attempt(
            checkin_operations.proxy_check_in, account, event_id, form.member_id.data, form.reason.data, utcnow()
        )
        if outcome.status in (403, 404):
            return _refused_page(outcome)
    status = outcome.code if outcome.refused else ("created" if outcome.value.new else "already")
    return _event_page(
        account,
        event_id,
        status=outcome.status if outcome.refused else 200,
        proxy=form,
        proxy_outcome=outcome,
        proxy_status=status,
    )


@bp.post(f"/desk/events/<{ID_PATH}:event_id>/rotate-key")
def rotate_key(event_id):
    account = desk_actor()
    form = VoidForm()
    if not form.validate():
        return _event_page(account, event_id, status=400, void=form, void_outcome=_form_refusal(form))
    outcome = attempt(operations.rotate_key, account, event_id)
    if outcome.refused:
        return _refused_page(outcome)
    flash("旧码已作废：之前印出或下载的二维码、海报都不能再签到，请重新下载打印")
    return redirect(url_for("desk_events.event_page", event_id=event_id) + "#codes")


@bp.get(f"/desk/events/<{ID_PATH}:event_id>/poster.pdf")
def poster(event_id):
    return downloads.poster_pdf(desk_actor(), event_id)


@bp.get(f"/desk/events/<{ID_PATH}:event_id>/qr.png")
def qr_png(event_id):
    return downloads.qr_png(desk_actor(), event_id)


@bp.get(f"/desk/events/<{ID_PATH}:event_id>/qr.svg")
def qr_svg(event_id):
    return downloads.qr_svg(desk_actor(), event_id)
