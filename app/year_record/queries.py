"""The year-end record (年度报到服务记实): each member's calendar year (Asia/Shanghai) in figures, for a whole
work unit or community at once, one query per table (a unit of thousands must not cost a query each).

What counts is what the rest of the ledger already says: check-ins and visits whose entry was not
rejected; the quarter's duty as `flask duty record` or the quarter-close job stored it, else as the duty
API computes it (app.duty); points as posted in the month balances the ledger API adds up; orders served,
pledges and 议事日 as their own packages answer for the record (app.needs, app.pledges, app.deliberation)."""

from datetime import date, datetime

from sqlalchemy import and_, case, func, or_, select

from app.auth import scope
from app.checkins.models import Checkin
from app.deliberation.queries import for_record as deliberation_record
from app.duty.models import QuarterOutcome
from app.duty.queries import reported
from app.errors import NotFound, Refusal
from app.events.models import Event
from app.extensions import db
from app.hosts import on_replica
from app.members.models import Member
from app.members.queries import in_scope
from app.needs.queries import served_counts
from app.org.models import Community, Grid, Region, Unit
from app.pledges.queries import for_record as pledges_record
from app.points.models import Balance, EntryStatus
from app.visits.models import Visit
from ledger import periods
from ledger.words import VISIT_CATEGORIES

QUARTERS = (1, 2, 3, 4)


def parse_year(value) -> int:
    """A year as the path, the query string or the command line gives it; 400 for anything but YYYY."""
    text = str(value).strip()
    if not (len(text) == 4 and text.isdecimal() and periods.MIN_YEAR <= int(text) <= periods.MAX_YEAR):
        raise Refusal("invalid_year", "年份应为四位数字，如 2026", 400)
    return int(text)


def year_span(year, now: datetime) -> dict:
    """The year's half-open [start, end) in UTC and, for the year under way, the day the record runs to;
    a year not yet begun has no record (400)."""
    year = parse_year(year)
    today = periods.local(now).date()
    if year > today.year:
        raise Refusal("future_year", f"{year} 年尚未开始，没有年度记实", 400)
    return {
        "year": year,
        "start": periods.bounds(f"{year}-01")[0],
        "end": periods.bounds(f"{year}-12")[1],
        "as_of": today if year == today.year else None,
        "now": now,
    }


def require_unit(account, unit_id: int) -> None:
    """Who may have a work unit's record: its secretary or an admin (account None: the command line)."""
    if account is not None:
        scope.require(
            scope.is_admin(account) or scope.secretary_of_unit(account, unit_id),
            "只能查看本单位党员的年度记实",
            code="out_of_scope",
        )


def unit_record(account, year, unit_id: int, *, now: datetime) -> dict:
    """A work unit's record, for those `require_unit` lets have it."""
    require_unit(account, unit_id)
    return _record(year, now, unit_id=unit_id)


def community_record(account, year, community_id: int, *, now: datetime) -> dict:
    """A community's members' record, for its secretary's desk (each member's page to print)."""
    scope.require(
        scope.is_admin(account) or scope.secretary_of_community(account, community_id),
        "只能查看本社区党员的年度记实",
        code="out_of_scope",
    )
    return _record(year, now, community_id=community_id)


def member_record(account, year, member_id: int, *, now: datetime) -> dict:
    """One member's record: the member themself, their community's or unit's secretary, an admin."""
    member = db.session.get(Member, member_id)
    if member is None:
        raise NotFound("党员")
    scope.require(scope.sees_member(account, member), "只能查看本人或本社区、本单位党员的年度记实", code="out_of_scope")
    return _record(year, now, member_id=member_id)


def _record(year, now: datetime, **where) -> dict:
    span = year_span(year, now)
    return on_replica(db.session, lambda: _assemble(span, **where))


def scope_name(*, unit_id=None, community_id=None) -> str:
    """The unit's or community's name ("" for one member's record); 404 for an unknown one."""
    if unit_id is not None:
        name = db.session.scalar(select(Unit.name).where(Unit.id == unit_id))
        noun = "单位"
    elif community_id is not None:
        name = db.session.scalar(select(Community.name).where(Community.id == community_id))
        noun = "社区"
    else:
        return ""
    if name is None:
        raise NotFound(noun)
    return name


def _assemble(span: dict, *, unit_id=None, community_id=None, member_id=None) -> dict:
    name = scope_name(unit_id=unit_id, community_id=community_id)
    members = _members(unit_id=unit_id, community_id=community_id, member_id=member_id)
    ids = [m["member_id"] for m in members]
    # A work unit's copy counts visits in all: what kind of household a member visits (hardship, illness,
    # family trouble) is for their community, not their employer (DOMAIN rule 6; a unit secretary reads a
    # visit as a visit in the ledger too).
    kinds = () if unit_id is not None else tuple(VISIT_CATEGORIES)
    figures: dict[str, dict] = {
        "checkins": _checkins(ids, span),
        "duty": _duty(ids, span),
        "visits": _visits(ids, span, kinds),
        "points": _points(ids, span),
        "orders_served": served_counts(ids, span["start"], span["end"]),
        "pledges": pledges_record(ids, span["year"]),
        "deliberation": deliberation_record(ids, span["year"]),
    }
    rows = [{**m, **{key: found[m["member_id"]] for key, found in figures.items()}} for m in members]
    return {
        "year": span["year"],
        "as_of": span["as_of"],
        "made_at": periods.local(span["now"]),
        "county": db.session.scalars(select(Region.name).where(Region.kind == "county").limit(1)).first() or "本县",
        "unit_id": unit_id,
        "community_id": community_id,
        "scope": name,
        "members": rows,
        "visit_kinds": kinds,
        "totals": totals(rows, span["year"], kinds),
    }


def unit_size(account, year, unit_id: int, *, now: datetime) -> int:
    """How many rows the unit's record would have, counted without reading them, after the checks the record
    itself makes (who may have it, the year, the unit): whether its file may be built within a request."""
    require_unit(account, unit_id)
    year_span(year, now)

    def count() -> int:
        scope_name(unit_id=unit_id)
        return db.session.scalar(select(func.count()).select_from(_in_scope(unit_id=unit_id).subquery())) or 0

    return on_replica(db.session, count)


def _members(**where) -> list[dict]:
    """The active members in scope, in name order (the order the unit's PDF prints them in): by the names'
    characters as Unicode orders them (for 汉字 by radical and strokes), sorted here so that SQLite and
    PostgreSQL, whatever its collation, print the same order."""
    rows = sorted(db.session.execute(_in_scope(**where)), key=lambda r: (r.name, r.id))
    return [
        {
            "member_id": r.id,
            "name": r.name,
            "unit_id": r.unit_id,
            "unit": r.unit,
            "community_id": r.community_id,
            "community": r.community,
            "grid": r.grid,
        }
        for r in rows
    ]


def _in_scope(*, unit_id=None, community_id=None, member_id=None):
    """The query of the record's members, one row each: the one member, else the scope's active members."""
    query = (
        select(
            Member.id,
            Member.name,
            Member.unit_id,
            Unit.name.label("unit"),
            Member.community_id,
            Community.name.label("community"),
            Grid.name.label("grid"),
        )
        .join(Unit, Unit.id == Member.unit_id)
        .join(Community, Community.id == Member.community_id)
        .outerjoin(Grid, Grid.id == Member.grid_id)
    )
    if member_id is not None:
        return query.where(Member.id == member_id)
    return in_scope(query.where(Member.active), unit_id=unit_id, community_id=community_id)


def _quarter_bounds(year: int) -> list[tuple[str, datetime, datetime]]:
    return [(f"{year}-Q{q}", *periods.bounds(f"{year}-Q{q}")) for q in QUARTERS]


def _not_rejected(source: str, source_id, member_id):
    """Joined to its entry (when it has one): a check-in or visit counts unless its points were rejected."""
    return (
        and_(EntryStatus.source == source, EntryStatus.source_id == source_id, EntryStatus.member_id == member_id),
        or_(EntryStatus.state.is_(None), EntryStatus.state != "rejected"),
    )


def _checkins(ids: list[int], span: dict) -> dict[int, list[dict]]:
    """Per member and quarter: check-ins at any community's event, and of them at their own community's."""
    quarters = _quarter_bounds(span["year"])
    quarter = case(*((Event.starts_at < end, name) for name, _, end in quarters[:-1]), else_=quarters[-1][0])
    joined, counted = _not_rejected("checkin", Checkin.id, Checkin.member_id)
    rows = db.session.execute(
        select(
            Checkin.member_id,
            quarter.label("quarter"),
            func.count().label("any"),
            func.count().filter(Event.community_id == Member.community_id).label("home"),
        )
        .join(Event, Event.id == Checkin.event_id)
        .join(Member, Member.id == Checkin.member_id)
        .outerjoin(EntryStatus, joined)
        .where(Checkin.member_id.in_(ids), Event.starts_at >= span["start"], Event.starts_at < span["end"], counted)
        .group_by(Checkin.member_id, quarter)
    )
    found = {(r.member_id, r.quarter): (r.any, r.home) for r in rows}
    return {
        member_id: [
            {
                "quarter": name,
                "any": found.get((member_id, name), (0, 0))[0],
                "home": found.get((member_id, name), (0, 0))[1],
            }
            for name, _, _ in quarters
        ]
        for member_id in ids
    }


def _duty(ids: list[int], span: dict) -> dict[int, list[dict]]:
    """Per member and quarter: met or not (None before the quarter begins), whether that is the outcome
    recorded when the quarter closed or, not yet recorded, computed now as the duty API does, and whether
    the quarter has ended (one under way is not yet missed)."""
    quarters = _quarter_bounds(span["year"])
    recorded = {
        (r.member_id, r.quarter): r.met
        for r in db.session.execute(
            select(QuarterOutcome.member_id, QuarterOutcome.quarter, QuarterOutcome.met).where(
                QuarterOutcome.member_id.in_(ids), QuarterOutcome.quarter.in_([name for name, _, _ in quarters])
            )
        )
    }
    begun = [(name, start, end) for name, start, end in quarters if start <= span["now"]]
    computed: dict[tuple[int, str], bool] = {}
    if begun and ids:
        for row in db.session.execute(
            select(Member.id, *(reported(start, end).label(name) for name, start, end in begun)).where(
                Member.id.in_(ids)
            )
        ):
            computed.update({(row.id, name): bool(getattr(row, name)) for name, _, _ in begun})
    out: dict[int, list[dict]] = {}
    for member_id in ids:
        out[member_id] = []
        for name, _, end in quarters:
            key = (member_id, name)
            met = recorded[key] if key in recorded else computed.get(key)
            out[member_id].append(
                {"quarter": name, "met": met, "recorded": key in recorded, "ended": end <= span["now"]}
            )
    return out


def _visits(ids: list[int], span: dict, kinds: tuple[str, ...]) -> dict[int, dict[str, int]]:
    """Per member: visits dated in the year, not rejected, in all and by each of `kinds` (categories)."""
    year = span["year"]
    joined, counted = _not_rejected("visit", Visit.id, Visit.member_id)
    rows = db.session.execute(
        select(Visit.member_id, Visit.category, func.count().label("n"))
        .outerjoin(EntryStatus, joined)
        .where(
            Visit.member_id.in_(ids),
            Visit.visited_on >= date(year, 1, 1),
            Visit.visited_on <= date(year, 12, 31),
            counted,
        )
        .group_by(Visit.member_id, Visit.category)
    )
    out = {member_id: {**dict.fromkeys(kinds, 0), "total": 0} for member_id in ids}
    for r in rows:
        if r.category in VISIT_CATEGORIES:
            out[r.member_id]["total"] += r.n
            if r.category in kinds:
                out[r.member_id][r.category] = r.n
    return out


def _months(year: int) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, 13)]


def _points(ids: list[int], span: dict) -> dict[int, dict]:
    """Per member: posted points in each month of the year (the month an entry counts in) and in all."""
    months = _months(span["year"])
    out: dict[int, dict] = {member_id: {"months": dict.fromkeys(months, 0), "total": 0} for member_id in ids}
    for r in db.session.execute(
        select(Balance.member_id, Balance.period, Balance.posted).where(
            Balance.member_id.in_(ids), Balance.period.in_(months)
        )
    ):
        out[r.member_id]["months"][r.period] = r.posted
        out[r.member_id]["total"] += r.posted
    return out


def totals(rows: list[dict], year: int, kinds: tuple[str, ...]) -> dict:
    """The figures summed over the rows: the workbook's total row and the JSON's `totals`."""
    quarters = [name for name, _, _ in _quarter_bounds(year)]
    return {
        "members": len(rows),
        "checkins": [
            {
                "quarter": q,
                "any": sum(r["checkins"][i]["any"] for r in rows),
                "home": sum(r["checkins"][i]["home"] for r in rows),
            }
            for i, q in enumerate(quarters)
        ],
        "duty_met": [
            {"quarter": q, "met": sum(r["duty"][i]["met"] is True for r in rows)} for i, q in enumerate(quarters)
        ],
        "visits": {k: sum(r["visits"][k] for r in rows) for k in (*kinds, "total")},
        "points": {
            "months": {m: sum(r["points"]["months"][m] for r in rows) for m in _months(year)},
            "total": sum(r["points"]["total"] for r in rows),
        },
        "orders_served": sum(r["orders_served"] for r in rows),
        "pledges": sum(len(r["pledges"]["pledges"]) for r in rows),
        "progress": sum(progress_count(r) for r in rows),
        "reviewed": sum(r["pledges"]["review"] is not None for r in rows),
        "attended": sum(r["deliberation"]["attended"] for r in rows),
        "days": sum(r["deliberation"]["days"] or 0 for r in rows),
    }


def progress_count(row: dict) -> int:
    """践诺: how many progress marks the member made across their pledges of the year."""
    return sum(len(p["progress"]) for p in row["pledges"]["pledges"])
