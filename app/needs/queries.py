"""Reading residents' needs, each as its reader may see it: the resident's name and phone only for the
community's secretaries, the county, the dispatched unit's secretaries and the members who serve it."""

from datetime import datetime

from sqlalchemy import Select, func, or_, select

from app.auth import scope
from app.auth.models import Account
from app.catalogue.models import ServiceCategory
from app.db import utcnow
from app.errors import Forbidden, NotFound, Refusal
from app.extensions import db
from app.members.models import Member
from app.needs import operations
from app.needs.models import Need, NeedServer, NeedStep
from app.org.models import Community, Grid, Unit
from app.schemas import ID_MAX
from ledger.words import NEED_STATUSES, NEED_STEPS

LIST_MAX = 200


def _names(model, ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(model.id, model.name).where(model.id.in_(ids))).tuples().all())


def _servers(need_ids) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {i: [] for i in need_ids}
    if need_ids:
        rows = db.session.execute(
            select(NeedServer.need_id, NeedServer.member_id, Member.name, NeedServer.how)
            .join(Member, Member.id == NeedServer.member_id)
            .where(NeedServer.need_id.in_(need_ids))
            .order_by(NeedServer.at, NeedServer.id)
        )
        for need_id, member_id, name, how in rows:
            out[need_id].append({"member_id": member_id, "name": name, "how": how})
    return out


def _steps(need_id: int) -> list[NeedStep]:
    return list(db.session.scalars(select(NeedStep).where(NeedStep.need_id == need_id).order_by(NeedStep.id)))


def may_see_private(actor: Account | None, need: Need, server_ids) -> bool:
    """DOMAIN rule 6: who asked, and their phone, go to those who must reach the resident."""
    if actor is None:
        return False
    return (
        scope.manages_community(actor, need.community_id)
        or (need.unit_id is not None and scope.secretary_of_unit(actor, need.unit_id))
        or (actor.member_id is not None and actor.member_id in server_ids)
    )


def may_see(actor: Account, need: Need, server_ids) -> bool:
    """Beside those above, a member sees an open need of the community they live in (to claim it)."""
    member = actor.member
    neighbour = member is not None and member.community_id == need.community_id and need.status == "open"
    return neighbour or may_see_private(actor, need, server_ids)


def _render_all(needs: list[Need], private, *, with_steps: bool) -> list[dict]:
    """The needs in the detail shape; `private(need, server_ids)` says whether this reader sees the resident."""
    ids = [n.id for n in needs]
    communities = _names(Community, (n.community_id for n in needs))
    grids = _names(Grid, (n.grid_id for n in needs))
    categories = _names(ServiceCategory, (n.category_id for n in needs))
    units = _names(Unit, (n.unit_id for n in needs))
    servers = _servers(ids)
    out = []
    for need in needs:
        row = {
            "id": need.id,
            "community_id": need.community_id,
            "community": communities.get(need.community_id),
            "grid_id": need.grid_id,
            "grid": grids.get(need.grid_id) if need.grid_id else None,
            "category_id": need.category_id,
            "category": categories.get(need.category_id),
            "content": need.content,
            "status": need.status,
            "status_words": NEED_STATUSES[need.status],
            "unit_id": need.unit_id,
            "unit": units.get(need.unit_id) if need.unit_id else None,
            "channel": need.channel,
            "created_at": need.created_at,
            "dispatched_at": need.dispatched_at,
            "taken_at": need.taken_at,
            "done_at": need.done_at,
            "closed_at": need.closed_at,
            "rating": need.rating,
            "rating_comment": need.rating_comment,
            "done_note": need.done_note,
            "refused_reason": need.refused_reason,
            "servers": servers[need.id],
        }
        if with_steps:
            steps = _steps(need.id)
            by = _names(Account, (s.account_id for s in steps))
            row["steps"] = [
                {
                    "step": s.step,
                    "step_words": NEED_STEPS[s.step],
                    "at": s.at,
                    "by": by.get(s.account_id) if s.account_id is not None else None,
                    "note": s.note,
                }
                for s in steps
            ]
        if private(need, {s["member_id"] for s in servers[need.id]}):
            row["resident_name"] = need.resident_name
            row["resident_phone"] = need.resident_phone
        out.append(row)
    return out


def render(need: Need, *, private: bool) -> dict:
    """One need in the detail shape, for a reader the caller has already judged (the operations' answers)."""
    db.session.flush()
    return _render_all([need], lambda *_: private, with_steps=True)[0]


def _found(need_id: int) -> Need:
    need = db.session.get(Need, need_id) if 0 < need_id <= ID_MAX else None
    if need is None:
        raise NotFound("需求")
    return need


def detail(actor: Account, need_id: int) -> dict:
    """One need with its steps, as `actor` may see it; 403 `not_allowed` for a need outside their scope."""
    need = _found(need_id)
    server_ids = set(db.session.scalars(select(NeedServer.member_id).where(NeedServer.need_id == need.id)))
    if not may_see(actor, need, server_ids):
        raise Forbidden("只能查看本社区、本单位或本人承办的需求", code="not_allowed")
    return _render_all([need], lambda n, s: may_see_private(actor, n, s), with_steps=True)[0]


def _served(member_id: int):
    return select(NeedServer.need_id).where(NeedServer.member_id == member_id)


def _in_scope(actor: Account, community_id, unit_id) -> Select:
    """The needs `actor` may list, narrowed to the community or unit named."""
    query = select(Need)
    if scope.is_admin(actor):
        pass
    elif actor.role == "secretary" and (actor.community_id is not None or actor.unit_id is not None):
        if community_id is not None and not scope.secretary_of_community(actor, community_id):
            raise Forbidden("只能查看本社区的需求", code="not_allowed")
        if unit_id is not None and not scope.secretary_of_unit(actor, unit_id):
            raise Forbidden("只能查看本单位承接的需求", code="not_allowed")
        if community_id is None and unit_id is None:
            own = []
            if actor.community_id is not None:
                own.append(Need.community_id == actor.community_id)
            if actor.unit_id is not None:
                own.append(Need.unit_id == actor.unit_id)
            query = query.where(or_(*own))
    elif actor.member is not None:
        member = actor.member
        query = query.where(
            or_(
                (Need.community_id == member.community_id) & (Need.status == "open"),
                Need.id.in_(_served(member.id)),
            )
        )
    else:
        raise Forbidden("没有可查看的需求", code="not_allowed")
    if community_id is not None:
        query = query.where(Need.community_id == community_id)
    if unit_id is not None:
        query = query.where(Need.unit_id == unit_id)
    return query


def listing(
    actor: Account,
    *,
    community_id=None,
    unit_id=None,
    status=None,
    limit: int = 50,
    offset: int = 0,
    oldest_first: bool = False,
) -> dict:
    """The needs in `actor`'s scope, newest first (the desk's longest waiting first with `oldest_first`),
    without their steps: {"needs", "total"}."""
    if status is not None and status not in NEED_STATUSES:
        raise Refusal("invalid_status", "需求状态应为：" + "、".join(NEED_STATUSES.values()))
    query = _in_scope(actor, community_id, unit_id)
    if status is not None:
        query = query.where(Need.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    order = (Need.created_at, Need.id) if oldest_first else (Need.created_at.desc(), Need.id.desc())
    page = list(db.session.scalars(query.order_by(*order).limit(min(limit, LIST_MAX)).offset(offset)))
    return {"needs": _render_all(page, lambda n, s: may_see_private(actor, n, s), with_steps=False), "total": total}


def status_counts(actor: Account, *, community_id=None, unit_id=None) -> dict[str, int]:
    """How many needs in `actor`'s scope (as `listing` judges it) are in each status, every status named (0
    for none): one query."""
    query = _in_scope(actor, community_id, unit_id).with_only_columns(Need.status, func.count())
    counts = dict.fromkeys(NEED_STATUSES, 0)
    counts.update(db.session.execute(query.group_by(Need.status)).tuples().all())
    return counts


def open_for_member(member_id: int) -> list[dict]:
    """Open needs of the community the member lives in, oldest first (the longest waiting first)."""
    member = db.session.get_one(Member, member_id)
    needs = db.session.scalars(
        select(Need)
        .where(Need.community_id == member.community_id, Need.status == "open")
        .order_by(Need.dispatched_at, Need.id)
    ).all()
    return _render_all(list(needs), lambda *_: False, with_steps=False)


def served_by(member_id: int) -> list[dict]:
    """The needs the member serves or served, newest first, with the resident (they must reach them)."""
    needs = db.session.scalars(
        select(Need).where(Need.id.in_(_served(member_id))).order_by(Need.created_at.desc(), Need.id.desc())
    ).all()
    return _render_all(list(needs), lambda *_: True, with_steps=False)


def track_path(community_id: int, need_id: int, code: str) -> str:
    """The resident's page for their need, with their code (bookmarkable): /n/{community}/t/{need}?code=."""
    return f"/n/{community_id}/t/{need_id}?code={code}"


def in_community(need_id: int, community_id: int) -> None:
    """404 `not_found` unless the need is the community's: the tracking page's address names both, and under
    another community's address a need is as unknown as one that never was (its code is not even tried)."""
    if _found(need_id).community_id != community_id:
        raise NotFound("需求")


def tracking_view(need: Need) -> dict:
    """What the resident reads with their code: how far it has gone, and nobody's name."""
    db.session.flush()
    steps = _steps(need.id)
    return {
        "id": need.id,
        "community": db.session.get_one(Community, need.community_id).name,
        "category": db.session.get_one(ServiceCategory, need.category_id).name,
        "content": need.content,
        "status": need.status,
        "status_words": NEED_STATUSES[need.status],
        "unit": db.session.get_one(Unit, need.unit_id).name if need.unit_id else None,
        "created_at": need.created_at,
        "done_at": need.done_at,
        "closed_at": need.closed_at,
        "done_note": need.done_note,
        "refused_reason": need.refused_reason,
        "rating": need.rating,
        "rating_comment": need.rating_comment,
        "steps": [{"step": s.step, "step_words": NEED_STEPS[s.step], "at": s.at} for s in steps],
    }


def tracking(need_id: int, code, now: datetime | None = None) -> dict:
    """The resident's view of their need, with the code they were given; 403 `invalid_code` otherwise. A wrong
    code counts against the need's limit, so `now` matters (defaults to the clock)."""
    operations.check_code(need_id, code, now or utcnow())
    return tracking_view(_found(need_id))


def served_counts(member_ids, start: datetime, end: datetime) -> dict[int, int]:
    """Closed needs each member served with closed_at in [start, end) (UTC): for the year-end record."""
    ids = list(member_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(NeedServer.member_id, func.count())
        .join(Need, Need.id == NeedServer.need_id)
        .where(
            NeedServer.member_id.in_(ids),
            Need.status == "closed",
            Need.closed_at >= start,
            Need.closed_at < end,
        )
        .group_by(NeedServer.member_id)
    )
    counts = {member_id: 0 for member_id in ids}
    counts.update({member_id: n for member_id, n in rows})
    return counts
