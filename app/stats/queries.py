"""The county's figures (报到率、群众覆盖率、四必访走访数) for a month or a quarter, by community, grid or
work unit, computed by one grouped tally so that the parts always add up to the whole.

- members: active members in scope (by residence community or grid, or by work unit).
- reporting_rate: share of them who reported within the period (app.duty.queries.reported, the duty
  rule applied to the month's or quarter's bounds).
- coverage_rate: for a place (the county, a community, a grid), the share of its households with a
  pairing in force now; for a work unit (or members filtered by unit), the unit's members' paired
  households over members × the county's pairing target, capped at 1, since a unit owns no households.
  Pairings are taken as they stand now: households keep no history of their own, and a closed
  month's report keeps its own copy.
- visits: visits dated in the period (local calendar) by the scope's members, by category, whose ledger
  entry was neither rejected nor reversed (a reversed visit was judged not to have counted).
- below_target: active members paired with fewer households than the target.
Members or households without a grid count for their community and the county, not for any grid."""

from sqlalchemy import and_, func, select

from app.auth import scope
from app.duty.queries import rate, reported
from app.errors import NotFound
from app.extensions import db
from app.members.models import Member
from app.org.models import Community, Grid, Unit
from app.org.settings import county_settings
from app.pairing.models import Household, Pairing
from app.pairing.queries import pairing_counts
from app.points.models import EntryStatus
from app.visits.models import Visit
from ledger import periods
from ledger.states import State
from ledger.words import VISIT_CATEGORIES

BY = ("community", "grid", "unit")
_MEMBER_KEY = {"community": Member.community_id, "grid": Member.grid_id, "unit": Member.unit_id}
_HOUSEHOLD_KEY = {"community": Household.community_id, "grid": Household.grid_id}
COUNTS = ("members", "reported", "paired_households", "coverage_base", "below_target")


def measured_by_members(by: str | None, unit_id: int | None) -> bool:
    """Coverage of a work unit's members is against their target, not a place's households."""
    return unit_id is not None or by == "unit"


def _zero() -> dict:
    return {**dict.fromkeys(COUNTS, 0), "visits": dict.fromkeys(VISIT_CATEGORIES, 0)}


def _rates(tally: dict, *, capped: bool) -> dict:
    coverage = rate(tally["paired_households"], tally["coverage_base"])
    return {
        **tally,
        "reporting_rate": rate(tally["reported"], tally["members"]),
        "coverage_rate": min(coverage, 1.0) if capped else coverage,
    }


def _grouped(key, *columns):
    """select(key, *columns) grouped by key, or ungrouped for the county (key None)."""
    if key is None:
        return select(*columns)
    return select(key.label("key"), *columns).group_by(key)


def _tally(period: str, by: str | None, *, community_id=None, unit_id=None, grid_id=None) -> tuple[dict, bool]:
    """({key: counts} for the scope's members grouped by `by` (None: the county, key None), whether the
    coverage is measured against members × target rather than households)."""
    periods.period_kind(period)
    start, end = periods.bounds(period)
    first, stop = periods.local(start).date(), periods.local(end).date()
    target = county_settings().pairing_target
    key = _MEMBER_KEY.get(by) if by is not None else None
    named = [(Member.community_id, community_id), (Member.grid_id, grid_id), (Member.unit_id, unit_id)]
    in_scope = [column == value for column, value in named if value is not None]
    counts = pairing_counts()
    paired = func.coalesce(counts.c.households, 0)
    tally: dict = {}

    def row(k) -> dict:
        return tally.setdefault(k, _zero())

    members = db.session.execute(
        _grouped(
            key,
            func.count(Member.id).label("members"),
            func.count().filter(reported(start, end)).label("reported"),
            func.count().filter(paired < target).label("below_target"),
            func.sum(paired).label("paired"),
        )
        .outerjoin(counts, counts.c.member_id == Member.id)
        .where(Member.active, *in_scope)
    )
    for r in members:
        k = r.key if key is not None else None
        row(k).update(
            members=r.members,
            reported=r.reported,
            below_target=r.below_target,
            paired_households=int(r.paired or 0),
            coverage_base=r.members * target,
        )

    by_members = measured_by_members(by, unit_id)
    if not by_members:
        for k in tally.values():
            k.update(paired_households=0, coverage_base=0)
        hkey = _HOUSEHOLD_KEY.get(by) if by is not None else None
        held = select(Pairing.household_id).where(Pairing.ended_at.is_(None))
        where = [
            column == value
            for column, value in ((Household.community_id, community_id), (Household.grid_id, grid_id))
            if value is not None
        ]
        for r in db.session.execute(
            _grouped(
                hkey,
                func.count(Household.id).label("households"),
                func.count().filter(Household.id.in_(held)).label("paired"),
            ).where(*where)
        ):
            row(r.key if hkey is not None else None).update(coverage_base=r.households, paired_households=r.paired)

    counted = and_(EntryStatus.source == "visit", EntryStatus.source_id == Visit.id)
    for r in db.session.execute(
        _grouped(key, Visit.category, func.count(Visit.id).label("visits"))
        .join(Member, Member.id == Visit.member_id)
        .outerjoin(EntryStatus, counted)
        .where(
            Visit.visited_on >= first,
            Visit.visited_on < stop,
            *in_scope,
            func.coalesce(EntryStatus.state, "") != State.REJECTED.value,
            EntryStatus.reversed_by.is_(None),
        )
        .group_by(Visit.category)
    ):
        visits = row(r.key if key is not None else None)["visits"]
        if r.category in visits:
            visits[r.category] = r.visits
    return tally, by_members


def figures(period: str, *, community_id=None, unit_id=None, grid_id=None) -> dict:
    """The /stats body for one scope: a grid, a community, a unit (or a unit's members in a community
    or grid, when both are named), or the whole county when none is."""
    by = (
        "grid"
        if grid_id is not None
        else "community"
        if community_id is not None
        else "unit"
        if unit_id is not None
        else None
    )
    tally, capped = _tally(period, by, community_id=community_id, unit_id=unit_id, grid_id=grid_id)
    key = {"grid": grid_id, "community": community_id, "unit": unit_id, None: None}[by]
    return {"period": period, **_rates(tally.get(key, _zero()), capped=capped)}


def _entities(by: str):
    if by == "community":
        return select(Community.id, Community.name).order_by(Community.id)
    if by == "grid":
        return (
            select(Grid.id, Grid.name, Grid.community_id, Community.name.label("community"))
            .join(Community, Community.id == Grid.community_id)
            .order_by(Grid.community_id, Grid.id)
        )
    return select(Unit.id, Unit.name).order_by(Unit.id)


def rows(period: str, by: str, *, community_id=None, unit_id=None, grid_id=None) -> list[dict]:
    """figures for every community, grid or unit; with a scope, only the parts of it, each counting only
    the scope's members (a unit's members in each community, a community's members of each unit)."""
    if by not in BY:
        raise ValueError(f"by must be one of {BY}")
    tally, capped = _tally(period, by, community_id=community_id, unit_id=unit_id, grid_id=grid_id)
    scoped = any(v is not None for v in (community_id, unit_id, grid_id))
    named = {"community": community_id, "grid": grid_id, "unit": unit_id}[by]
    out = []
    for entity in db.session.execute(_entities(by)).mappings():
        inside = (
            entity["id"] in tally
            or entity["id"] == named
            or (by == "grid" and community_id is not None and entity["community_id"] == community_id)
        )
        if scoped and not inside:
            continue
        out.append({**entity, "period": period, **_rates(tally.get(entity["id"], _zero()), capped=capped)})
    return out


def figures_by(period: str, by: str) -> list[dict]:
    """The county's figures for each community, grid or unit: {"id", "name", **figures}."""
    return rows(period, by)


def total(parts: list[dict], *, capped: bool) -> dict:
    """The sum of some rows' counts, with the rates worked out again from the sums."""
    summed = _zero()
    for part in parts:
        for name in COUNTS:
            summed[name] += part[name]
        for category in VISIT_CATEGORIES:
            summed["visits"][category] += part["visits"][category]
    return _rates(summed, capped=capped)


def _require(actor, *, community_id, unit_id, grid_id) -> None:
    for model, value, what in ((Community, community_id, "社区"), (Unit, unit_id, "单位"), (Grid, grid_id, "网格")):
        if value is not None and db.session.get(model, value) is None:
            raise NotFound(what)
    if grid_id is not None and community_id is None:
        grid = db.session.get(Grid, grid_id)
        assert grid is not None  # found just above
        community_id = grid.community_id
    scope.require_scope(actor, community_id=community_id, unit_id=unit_id)


def stats(actor, period: str, *, community_id=None, unit_id=None, grid_id=None) -> dict:
    """GET /stats: a secretary's own community, grid or unit, or an admin's any scope or the county."""
    _require(actor, community_id=community_id, unit_id=unit_id, grid_id=grid_id)
    return figures(period, community_id=community_id, unit_id=unit_id, grid_id=grid_id)


def stats_rows(actor, period: str, *, community_id=None, unit_id=None, grid_id=None) -> dict[str, list[dict]]:
    """The rows of the stats workbook, by community, grid and unit, within the caller's scope."""
    _require(actor, community_id=community_id, unit_id=unit_id, grid_id=grid_id)
    return {by: rows(period, by, community_id=community_id, unit_id=unit_id, grid_id=grid_id) for by in BY}


def overview(actor, period: str, *, community_id=None, unit_id=None) -> dict:
    """The /stats page: the scope's figures (those of GET /stats) and its parts in one grouped tally: a
    community's grids, or the communities of a work unit's members or of the county (whose grids, dozens
    of them, would make no readable chart)."""
    _require(actor, community_id=community_id, unit_id=unit_id, grid_id=None)
    by = "grid" if community_id is not None else "community"
    return {
        "figures": figures(period, community_id=community_id, unit_id=unit_id),
        "by": by,
        "parts": rows(period, by, community_id=community_id, unit_id=unit_id),
    }
