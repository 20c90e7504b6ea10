"""The figures of residents' needs (群众点单) for a month or a quarter, by community or work unit, and the
public side of them: the done orders of the board and the units ranked by done orders per member.

- received: needs recorded in the period (Asia/Shanghai);
- dispatched: of those, the ones sent to a unit or opened for members' claims (联盟派单), whatever came after;
- done: needs marked done in the period (closed ones too: a need is closed only after it is done);
- median_days_to_done: from recording to done, of the period's done needs (one decimal; None without any);
- average_rating / rated: the residents' ratings given in the period (two decimals; None without any).

A community's needs are the ones recorded for it. A work unit's needs are the ones dispatched to it and the
ones its members serve (an open need its member claimed belongs to the member's unit too), so a unit that
takes orders through its members' phones is counted as one sent its orders; a need two units serve counts
for both, and the units need not add up to the county. Members are counted in the unit they are in now."""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from sqlalchemy import and_, func, literal, or_, select, union

from app.auth import scope
from app.catalogue.models import ServiceCategory
from app.errors import NotFound
from app.extensions import db
from app.members.models import Member
from app.needs.models import Need, NeedServer
from app.org.models import Community, Unit
from app.rankings.queries import per_member
from ledger import periods
from ledger.ranking import rank_rows

BY = ("community", "unit")
COUNTS = ("received", "dispatched", "done", "rated")
DONE_STATUSES = ("done", "closed")
CLAIMED_WORDS = "党员认领"  # a done order no unit was sent: members claimed it from their phones
BOARD_LIMIT = 500
_DAY = Decimal(86400)


def _rounded(value: Decimal, places: int) -> float:
    # Half up, as a person rounds: 4.25 shows as 4.3, where float rounding could give 4.2.
    return float(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _unit_owners():
    """(need_id, unit_id): the unit a need was dispatched to, and the units of the members who serve it."""
    return union(
        select(Need.id.label("need_id"), Need.unit_id.label("key")).where(Need.unit_id.is_not(None)),
        select(NeedServer.need_id.label("need_id"), Member.unit_id.label("key")).join(
            Member, Member.id == NeedServer.member_id
        ),
    ).subquery()


def _zero() -> dict:
    return {**dict.fromkeys(COUNTS, 0), "rating_sum": 0, "days": []}


def _tally(period: str, by: str | None, *, community_id=None, unit_id=None) -> dict:
    """{key: counts, rating sum and days to done} of the needs in scope, grouped by community or unit
    (`by`), or for the county (key None). Naming a community keeps its needs, naming a unit the unit's."""
    periods.period_kind(period)
    start, end = periods.bounds(period)
    where = [Need.community_id == community_id] if community_id is not None else []
    if by == "unit":
        owners = _unit_owners()
        key = owners.c.key
        base = select(key.label("key")).join(Need, Need.id == owners.c.need_id)
        if unit_id is not None:
            where.append(key == unit_id)
    else:
        key = Need.community_id if by == "community" else None
        base = select(key.label("key") if key is not None else literal(None).label("key")).select_from(Need)
        if unit_id is not None:
            units = _unit_owners()
            where.append(Need.id.in_(select(units.c.need_id).where(units.c.key == unit_id)))
    base = base.where(*where)
    received = and_(Need.created_at >= start, Need.created_at < end)
    done = and_(Need.done_at >= start, Need.done_at < end)
    rated = and_(Need.rated_at >= start, Need.rated_at < end, Need.rating.is_not(None))
    counts = base.add_columns(
        func.count().filter(received).label("received"),
        func.count().filter(and_(received, Need.dispatched_at.is_not(None))).label("dispatched"),
        func.count().filter(done).label("done"),
        func.count().filter(rated).label("rated"),
        func.sum(Need.rating).filter(rated).label("rating_sum"),
    ).where(or_(received, done, rated))
    tally: dict = defaultdict(_zero)
    for r in db.session.execute(counts.group_by(key) if key is not None else counts):
        tally[r.key].update(received=r.received, dispatched=r.dispatched, done=r.done, rated=r.rated)
        tally[r.key]["rating_sum"] = int(r.rating_sum or 0)
    for r in db.session.execute(base.add_columns(Need.created_at, Need.done_at).where(done)):
        tally[r.key]["days"].append(Decimal(str((r.done_at - r.created_at).total_seconds())) / _DAY)
    return dict(tally)


def _figures(period: str, tally: dict) -> dict:
    days, rated = tally["days"], tally["rated"]
    return {
        "period": period,
        **{name: tally[name] for name in COUNTS},
        "median_days_to_done": _rounded(median(days), 1) if days else None,
        "average_rating": _rounded(Decimal(tally["rating_sum"]) / rated, 2) if rated else None,
    }


def figures(period: str, *, community_id: int | None = None, unit_id: int | None = None) -> dict:
    """{"period", "received", "dispatched", "done", "median_days_to_done", "average_rating", "rated"} of a
    community, a unit (a unit's orders in a community when both are named) or the county (neither)."""
    tally = _tally(period, None, community_id=community_id, unit_id=unit_id)
    return _figures(period, tally.get(None, _zero()))


def _entities(by: str):
    model = Community if by == "community" else Unit
    return select(model.id, model.name).order_by(model.name, model.id)


def rows(period: str, by: str, *, community_id: int | None = None, unit_id: int | None = None) -> list[dict]:
    """figures of every community or unit (`by`) as {"id", "name", **figures}, by name; with a scope, only
    its parts: the named one, and those its orders were recorded for or served by."""
    if by not in BY:
        raise ValueError(f"by must be one of {BY}")
    tally = _tally(period, by, community_id=community_id, unit_id=unit_id)
    scoped = community_id is not None or unit_id is not None
    named = community_id if by == "community" else unit_id
    return [
        {"id": id_, "name": name, **_figures(period, tally.get(id_, _zero()))}
        for id_, name in db.session.execute(_entities(by))
        if not scoped or id_ in tally or id_ == named
    ]


def breakdown(period: str, *, community_id: int | None = None, unit_id: int | None = None) -> dict:
    """The month report's sheet: {"total": figures of the scope, "communities": rows, "units": rows}."""
    where = {"community_id": community_id, "unit_id": unit_id}
    return {
        "total": figures(period, **where),
        "communities": rows(period, "community", **where),
        "units": rows(period, "unit", **where),
    }


def _require(actor, *, community_id, unit_id) -> None:
    for model, value, what in ((Community, community_id, "社区"), (Unit, unit_id, "单位")):
        if value is not None and db.session.get(model, value) is None:
            raise NotFound(what)
    scope.require_scope(actor, community_id=community_id, unit_id=unit_id)


def scoped_figures(actor, period: str, *, community_id: int | None = None, unit_id: int | None = None) -> dict:
    """GET /api/v1/needs/figures: a secretary's own community or unit, an admin's any scope or the county."""
    _require(actor, community_id=community_id, unit_id=unit_id)
    return figures(period, community_id=community_id, unit_id=unit_id)


def overview(actor, period: str, *, community_id: int | None = None, unit_id: int | None = None) -> dict:
    """The /stats page's section: the scope's figures and its parts, the units that served a community's
    orders, or the communities of a unit's or the county's orders."""
    _require(actor, community_id=community_id, unit_id=unit_id)
    by = "unit" if community_id is not None else "community"
    where = {"community_id": community_id, "unit_id": unit_id}
    return {"figures": figures(period, **where), "by": by, "parts": rows(period, by, **where)}


# Public: the board's tab 群众点单 and the units' ranking --------------------------------------------------


def done_orders(period: str, *, community_id: int | None = None, limit: int = BOARD_LIMIT) -> dict:
    """The period's done orders, newest first, as the public may see them: {"period", "total", "orders":
    [{"id", "category", "community", "unit", "status", "rating", "done_on"}]}. Never what was asked, who asked, their
    phone, the serving members' note or the resident's comment: any of them may name a person or a home."""
    periods.period_kind(period)
    start, end = periods.bounds(period)
    where = [Need.done_at >= start, Need.done_at < end, Need.status.in_(DONE_STATUSES)]
    if community_id is not None:
        where.append(Need.community_id == community_id)
    query = (
        select(
            Need.id,
            ServiceCategory.name.label("category"),
            Community.name.label("community"),
            Unit.name.label("unit"),
            Need.status,
            Need.rating,
            Need.done_at,
        )
        .join(ServiceCategory, ServiceCategory.id == Need.category_id)
        .join(Community, Community.id == Need.community_id)
        .outerjoin(Unit, Unit.id == Need.unit_id)
        .where(*where)
    )
    total_count = db.session.scalar(select(func.count()).select_from(Need).where(*where)) or 0
    orders = [
        {
            "id": r.id,
            "category": r.category,
            "community": r.community,
            "unit": r.unit or CLAIMED_WORDS,
            "status": r.status,
            "rating": r.rating,
            "done_on": periods.local(r.done_at).date(),
        }
        for r in db.session.execute(query.order_by(Need.done_at.desc(), Need.id.desc()).limit(limit))
    ]
    return {"period": period, "total": total_count, "orders": orders}


def unit_ranking(period: str) -> dict:
    """Every work unit ranked by its done orders per active member (ties share a rank, ledger.ranking):
    {"period", "rows": [{"rank", "unit", "orders", "members", "per_member"}]}."""
    tally = _tally(period, "unit")
    members = dict(
        db.session.execute(select(Member.unit_id, func.count()).where(Member.active.is_(True)).group_by(Member.unit_id))
        .tuples()
        .all()
    )
    units = [
        {
            "unit": name,
            "orders": tally[id_]["done"] if id_ in tally else 0,
            "members": int(members.get(id_) or 0),
        }
        for id_, name in db.session.execute(_entities("unit"))
    ]
    for unit in units:
        unit["per_member"] = per_member(unit["orders"], unit["members"])
    return {"period": period, "rows": [{"rank": rank, **row} for rank, row in rank_rows(units, "per_member")]}


def public_board(period: str, *, community_id: int | None = None) -> dict:
    """The board's tab 群众点单 for a month: {"period", "orders": done_orders, "units": unit_ranking rows}."""
    periods.parse_month(period)
    return {
        "period": period,
        "orders": done_orders(period, community_id=community_id),
        "units": unit_ranking(period)["rows"],
    }
