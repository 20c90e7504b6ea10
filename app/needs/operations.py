"""The one write path of residents' needs: 群众点单 (submit, record) → 联盟派单 (dispatch) → 支部接单 (assign,
claim) → done → 大众评单 (rate, close_unrated), or 不予受理 (refuse). Every change writes its NeedStep in the
same transaction; closing writes the serving members' ledger entries (source `order`) there too."""

import hashlib
import hmac
import logging
import secrets
import zlib
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from app.action_log.operations import record as log_act
from app.auth import scope
from app.auth.models import Account
from app.catalogue.models import ServiceCategory
from app.db import advisory_lock, lock, transaction
from app.errors import Forbidden, NotFound, Refusal
from app.extensions import db
from app.members.importer import MOBILE
from app.members.models import Member
from app.needs import queries
from app.needs.models import CONTENT_MAX, NAME_MAX, NOTE_MAX, Need, NeedServer, NeedStep
from app.org.models import Community, Grid, Unit
from app.outbox.operations import enqueue
from app.points.operations import append_entry
from app.schemas import ID_MAX
from app.text import person_text, visible
from ledger import periods
from ledger.explain import date_words
from ledger.words import NEED_STATUSES

log = logging.getLogger(__name__)

# A code a resident can type from a slip of paper: 8 digits. 10^8 codes hold against guessing only because
# each need takes at most CODE_TRIES wrong codes per CODE_WINDOW (about 0.1% a year for a patient guesser).
CODE_DIGITS = 8
CODE_TRIES = 10
CODE_WINDOW = timedelta(hours=1)
PHONE_PER_DAY = 5
# Advisory lock keys of one phone's submissions: "NEED" in the high half keeps them apart from every other key.
PHONE_LOCKS = 0x4E454544 << 32
CLOSE_UNRATED_AFTER = timedelta(days=7)
ASSIGN_MAX = 20
# A low rating is priced by its own rule (ledger.rules.default_rules: "order.low_rating").
LOW_RATING = 2


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_hash(need_id: int, code: str) -> str:
    """Keyed by the app's secret, so a copy of the database alone cannot run through the 10^8 codes; bound to
    the need, so a code never rates another order."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"{need_id}:{code}".encode(), hashlib.sha256).hexdigest()


def _wrong_status(need: Need, what: str) -> Refusal:
    return Refusal("wrong_status", f"该需求当前为「{NEED_STATUSES[need.status]}」，不能{what}", 409)


def _need(need_id: int) -> Need:
    """The need, locked for the rest of the transaction: its moves take turns (two claims: one wins)."""
    need = lock(Need, need_id) if 0 < need_id <= ID_MAX else None
    if need is None:
        raise NotFound("需求")
    return need


def _step(need: Need, step: str, now: datetime, *, account_id=None, member_id=None, note=None) -> None:
    db.session.add(NeedStep(need_id=need.id, step=step, at=now, account_id=account_id, member_id=member_id, note=note))


def _words(need: Need) -> str:
    """The need as the action log names it: no resident's name or phone."""
    return f"需求#{need.id} {need.content[:20]}"


def _manages(actor: Account, need: Need) -> None:
    if not scope.manages_community(actor, need.community_id):
        raise Forbidden("只能处理本社区的群众需求", code="not_allowed")


def _checked(community_id, grid_id, category_id, content, resident_name, resident_phone) -> dict:
    """The need's fields as stored; refused (4xx, nothing written) when any is wrong."""
    community = db.session.get(Community, community_id) if 0 < community_id <= ID_MAX else None
    if community is None:
        raise NotFound("社区")
    if grid_id is not None:
        grid = db.session.get(Grid, grid_id) if 0 < grid_id <= ID_MAX else None
        if grid is None or grid.community_id != community_id:
            raise Refusal("grid_not_in_community", f"所选网格不属于{community.name}，请在该社区的网格中选择", 422)
    if not (0 < category_id <= ID_MAX and db.session.get(ServiceCategory, category_id) is not None):
        raise Refusal("unknown_category", "服务类别不存在，请从列表中选择", 422)
    phone = (resident_phone or "").strip()
    if not MOBILE.fullmatch(phone):
        raise Refusal("invalid_phone", "手机号应为11位手机号码")
    return {
        "community_id": community_id,
        "grid_id": grid_id,
        "category_id": category_id,
        "content": person_text(content, "需求内容", CONTENT_MAX),
        "resident_name": person_text(resident_name, "姓名", NAME_MAX),
        "resident_phone": phone,
    }


def _create(fields: dict, *, channel: str, actor: Account | None, now: datetime) -> tuple[Need, str]:
    code = new_code()
    need = Need(**fields, channel=channel, recorded_by=actor.id if actor else None, status="received", created_at=now)
    need.code_hash = ""  # the hash binds the id, which the flush gives
    db.session.add(need)
    db.session.flush()
    need.code_hash = code_hash(need.id, code)
    _step(need, "received", now, account_id=actor.id if actor else None)
    return need, code


def submit(
    community_id: int, *, grid_id, category_id: int, content, resident_name, resident_phone, now: datetime
) -> tuple[dict, str]:
    """群众点单 from the public form: (the need without its private fields, the rating code, shown once)."""
    with transaction():
        fields = _checked(community_id, grid_id, category_id, content, resident_name, resident_phone)
        phone = fields["resident_phone"]
        # Two forms sent at once from one phone count one after the other (SQLite's writer lock does the same).
        advisory_lock(PHONE_LOCKS | zlib.crc32(phone.encode()), shared=False)
        day_start = periods.local(now).replace(hour=0, minute=0, second=0, microsecond=0)
        today = db.session.execute(
            select(func.count()).where(Need.resident_phone == phone, Need.created_at >= day_start)
        ).scalar_one()
        if today >= PHONE_PER_DAY:
            raise Refusal("too_many_needs", f"同一手机号每天最多提交{PHONE_PER_DAY}条需求，请明天再试", 409)
        need, code = _create(fields, channel="public", actor=None, now=now)
        answer = queries.render(need, private=False)
    log.info("need %s submitted to community %s", answer["id"], community_id)
    return answer, code


def record(
    actor: Account,
    community_id: int,
    *,
    grid_id,
    category_id: int,
    content,
    resident_name,
    resident_phone,
    now: datetime,
) -> tuple[dict, str]:
    """群众点单 taken down on the desk by the community's secretary (or an admin), for a resident who came or
    called: (the need, the rating code to give them)."""
    with transaction():
        if not scope.manages_community(actor, community_id):
            raise Forbidden("只能登记本社区的群众需求", code="not_allowed")
        fields = _checked(community_id, grid_id, category_id, content, resident_name, resident_phone)
        need, code = _create(fields, channel="desk", actor=actor, now=now)
        log_act(actor, "need.record", _words(need), need_id=need.id)
        answer = queries.render(need, private=True)
    return answer, code


def dispatch(actor: Account, need_id: int, *, unit_id: int | None = None, open_to_members=False, now) -> dict:
    """联盟派单: to a work unit (帮帮团), whose secretary assigns members, or open for members to claim."""
    with transaction():
        need = _need(need_id)
        _manages(actor, need)
        if (unit_id is None) == (not open_to_members):
            raise Refusal("invalid_dispatch", "请选择派往的单位，或开放给党员认领（二选一）")
        if need.status != "received":
            raise _wrong_status(need, "派单")
        if unit_id is not None:
            unit = db.session.get(Unit, unit_id) if 0 < unit_id <= ID_MAX else None
            if unit is None:
                raise Refusal("unknown_unit", "所选单位不存在", 422)
            need.status, need.unit_id = "dispatched", unit.id
            _step(need, "dispatched", now, account_id=actor.id, note=unit.name)
            log_act(actor, "need.dispatch", _words(need), need_id=need.id, unit_id=unit.id, unit=unit.name)
        else:
            need.status = "open"
            _step(need, "opened", now, account_id=actor.id)
            log_act(actor, "need.dispatch", _words(need), need_id=need.id, open=True)
        need.dispatched_at = now
        return queries.render(need, private=True)


def assign(actor: Account, need_id: int, member_ids: list[int], now: datetime) -> dict:
    """支部接单: the dispatched unit's secretary (or an admin) names the unit's members who will serve."""
    with transaction():
        need = _need(need_id)
        if not (scope.is_admin(actor) or scope.secretary_of_unit(actor, need.unit_id)):
            raise Forbidden("只有接到派单的单位书记可以指派党员", code="not_allowed")
        if need.status != "dispatched":
            raise _wrong_status(need, "指派党员")
        ids = list(dict.fromkeys(member_ids))
        if not ids:
            raise Refusal("members_required", "请至少选择一名党员")
        if len(ids) > ASSIGN_MAX:
            raise Refusal("too_many_members", f"一次最多指派{ASSIGN_MAX}名党员")
        valid = [i for i in ids if 0 < i <= ID_MAX]
        members = {
            m.id: m
            for m in db.session.scalars(select(Member).where(Member.id.in_(valid), Member.unit_id == need.unit_id))
        }
        strangers = [i for i in ids if i not in members or not members[i].active]
        if strangers:
            raise Refusal("not_in_unit", "只能指派本单位的在册党员", 422, member_ids=strangers)
        for member_id in ids:
            db.session.add(
                NeedServer(need_id=need.id, member_id=member_id, how="assigned", by_account_id=actor.id, at=now)
            )
            _step(need, "assigned", now, account_id=actor.id, member_id=member_id, note=members[member_id].name)
        need.status, need.taken_at = "taken", now
        log_act(actor, "need.assign", _words(need), need_id=need.id, member_ids=ids)
        return queries.render(need, private=True)


def claim(member_id: int, need_id: int, now: datetime) -> dict:
    """A member takes an open need of the community they live in; of two at once, the second is told it is taken."""
    with transaction():
        need = _need(need_id)
        member = db.session.get_one(Member, member_id)
        if member.community_id != need.community_id or not member.active:
            raise Forbidden("只能认领本人居住社区的需求", code="not_allowed")
        if need.status == "taken":
            raise Refusal("already_taken", "该需求已被其他党员认领", 409)
        if need.status != "open":
            raise _wrong_status(need, "认领")
        db.session.add(NeedServer(need_id=need.id, member_id=member.id, how="claimed", at=now))
        account_id = db.session.scalar(select(Account.id).where(Account.member_id == member.id))
        _step(need, "claimed", now, account_id=account_id, member_id=member.id, note=member.name)
        need.status, need.taken_at = "taken", now
        return queries.render(need, private=True)


def _serving(need: Need, member_id: int) -> bool:
    return (
        db.session.scalar(select(NeedServer.id).where(NeedServer.need_id == need.id, NeedServer.member_id == member_id))
        is not None
    )


def mark_done(member_id: int, need_id: int, note, now: datetime) -> dict:
    """A serving member says it is done, and how; the resident rates it next."""
    with transaction():
        need = _need(need_id)
        if not _serving(need, member_id):
            raise Forbidden("只有承办该需求的党员可以办结", code="not_serving")
        if need.status != "taken":
            raise _wrong_status(need, "办结")
        text = person_text(note, "办理情况", NOTE_MAX)
        account_id = db.session.scalar(select(Account.id).where(Account.member_id == member_id))
        need.status, need.done_at, need.done_note = "done", now, text
        _step(need, "done", now, account_id=account_id, member_id=member_id, note=text)
        return queries.render(need, private=True)


def refuse(actor: Account, need_id: int, reason, now: datetime) -> dict:
    """不予受理, with a reason the resident reads on the tracking page and by SMS."""
    with transaction():
        need = _need(need_id)
        _manages(actor, need)
        if need.status not in ("received", "dispatched", "open"):
            raise _wrong_status(need, "不予受理")
        if not visible(reason):
            raise Refusal("reason_required", "请填写不予受理的原因")
        reason = reason.strip()
        if len(reason) > NOTE_MAX:
            raise Refusal("text_too_long", f"原因不能超过{NOTE_MAX}个字")
        need.status, need.refused_reason = "refused", reason
        _step(need, "refused", now, account_id=actor.id, note=reason)
        community = db.session.get_one(Community, need.community_id)
        enqueue(
            text=f"【{community.name}】您{date_words(periods.local(need.created_at).date())}提交的需求未予受理，"
            f"原因：{reason}。如有疑问请联系社区。",
            phone=need.resident_phone,
            now=now,
            dedupe=f"need.refused:{need.id}",
        )
        log_act(actor, "need.refuse", _words(need), need_id=need.id, reason=reason)
        return queries.render(need, private=True)


def _close(need: Need, now: datetime) -> None:
    """大众评单's end: closed, and one ledger entry per serving member, in this transaction (a need closes once)."""
    need.status, need.closed_at = "closed", now
    category = db.session.get_one(ServiceCategory, need.category_id).name
    kind = "unrated" if need.rating is None else ("low_rating" if need.rating <= LOW_RATING else "rated")
    servers = db.session.scalars(
        select(NeedServer.member_id).where(NeedServer.need_id == need.id).order_by(NeedServer.member_id)
    )
    for member_id in servers.all():
        append_entry(
            member_id,
            natural_period=periods.month_of(now),
            source="order",
            source_id=need.id,
            now=now,
            kind=kind,
            category=category,
        )


def check_code(need_id: int, code: str | None, now: datetime) -> None:
    """The resident's code for this need, or 403 `invalid_code`; a wrong code is counted even though it is
    refused (its own transaction), and past CODE_TRIES in CODE_WINDOW every code waits (429)."""
    with transaction():
        need = _need(need_id)
        since = need.code_failed_at
        fresh = since is None or now - since >= CODE_WINDOW
        if since is not None and not fresh and need.code_failures >= CODE_TRIES:
            wait = since + CODE_WINDOW - now
            refusal = Refusal("too_many_attempts", "评价码错误次数过多，请1小时后再试", 429)
            refusal.retry_after = max(1, int(wait.total_seconds()))
            raise refusal
        right = isinstance(code, str) and hmac.compare_digest(need.code_hash, code_hash(need.id, code.strip()))
        if not right:
            need.code_failures = 1 if fresh else need.code_failures + 1
            if fresh:
                need.code_failed_at = now
    if not right:
        raise Forbidden("评价码不正确，请核对后再试", code="invalid_code")


def rate(need_id: int, code, stars, comment, now: datetime) -> dict:
    """大众评单 by the resident with their code: once, when done; closes the need and writes the entries."""
    check_code(need_id, code, now)
    if isinstance(stars, bool) or not isinstance(stars, int) or not 1 <= stars <= 5:
        raise Refusal("invalid_stars", "评价应为1到5星")
    text = person_text(comment, "评价内容", NOTE_MAX, required=False)
    with transaction():
        need = _need(need_id)
        if need.rating is not None:
            raise Refusal("already_rated", "该需求已评价过，不能重复评价", 409)
        if need.status != "done":
            raise Refusal("not_done", f"该需求当前为「{NEED_STATUSES[need.status]}」，办结后才能评价", 409)
        need.rating, need.rating_comment, need.rated_at = stars, text, now
        _step(need, "rated", now, note=f"{stars}星")
        _close(need, now)
        return queries.tracking_view(need)


def close_unrated(actor: Account, need_id: int, now: datetime) -> dict:
    """A secretary closes a need the resident has not rated, 7 days after it was done."""
    with transaction():
        need = _need(need_id)
        _manages(actor, need)
        done_at = need.done_at
        if need.status != "done" or done_at is None:
            raise _wrong_status(need, "结单")
        if now - done_at < CLOSE_UNRATED_AFTER:
            ready = periods.local(done_at + CLOSE_UNRATED_AFTER)
            raise Refusal("too_early", f"办结满7天仍未评价才能结单（{date_words(ready.date())}起）", 409)
        _step(need, "closed", now, account_id=actor.id)
        _close(need, now)
        log_act(actor, "need.close", _words(need), need_id=need.id)
        return queries.render(need, private=True)
