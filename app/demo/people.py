"""The demo's members: their accounts, their 1+10 households, and three months of check-ins and visits.

A member's data is a function of their index alone (a seeded generator), so a larger --members N adds
exactly the members still missing. Points are written through app.points.operations, as the API does."""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import exists, insert, select

from app.auth.models import Account
from app.checkins.models import Checkin
from app.demo import data
from app.demo.county import CommunityPlace, County, history_months, local_time, member_phone, person_name
from app.extensions import db
from app.members.models import Member
from app.pairing.models import Household, Pairing
from app.points import operations
from app.visits.models import Visit
from ledger import periods

RETURN_DAY_TURNOUT = 0.85
SERVICE_TURNOUT = 0.2
VISIT_RATE = 0.45


@dataclass
class Newcomer:
    """A member who has no households yet: the loader pairs them and writes their history."""

    id: int
    place: CommunityPlace
    grid_id: int
    rng: random.Random


def missing_indices(count: int) -> list[int]:
    """Which of the first `count` demo members do not exist yet."""
    known = set(db.session.scalars(select(Member.phone)))
    return [i for i in range(count) if member_phone(i) not in known]


def unpaired(county: County) -> list[Newcomer]:
    """Members created with the structure (the secretaries who are members) still waiting for households."""
    places = {p.id: p for p in county.communities}
    rows = db.session.execute(
        select(Member.id, Member.phone, Member.community_id, Member.grid_id).where(
            Member.community_id.in_(places), ~exists().where(Pairing.member_id == Member.id)
        )
    )
    return [Newcomer(r.id, places[r.community_id], r.grid_id, random.Random(f"member-{r.phone}")) for r in rows]


def add_members(county: County, indices: list[int], password_hash: str, now: datetime) -> list[Newcomer]:
    """Member rows and their member accounts for these indices."""
    rows, newcomers = [], []
    for index in indices:
        rng = random.Random(f"member-{index}")
        place = county.communities[index % len(county.communities)]
        grid_id, _, buildings = rng.choice(place.grids)
        building_id, building = rng.choice(buildings)
        rows.append(
            {
                "name": person_name(rng),
                "phone": member_phone(index),
                "unit_id": rng.choice(county.unit_ids),
                "community_id": place.id,
                "grid_id": grid_id,
                "building_id": building_id,
                "address": f"{rng.choice(data.STREETS)}{rng.randint(1, 300)}号{rng.choice(data.COMPOUNDS)}"
                f"{building}{rng.randint(1, 3)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室",
                "reported_on": date(2024, 3, 1) + timedelta(days=rng.randint(0, 540)),
                "created_at": now,
            }
        )
        newcomers.append(Newcomer(0, place, grid_id, rng))
    ids = _insert_ids(Member, rows)
    db.session.execute(
        insert(Account),
        [
            {
                "phone": row["phone"],
                "name": row["name"],
                "password_hash": password_hash,
                "role": "member",
                "member_id": member_id,
                "created_at": now,
            }
            for row, member_id in zip(rows, ids, strict=True)
        ],
    )
    for newcomer, member_id in zip(newcomers, ids, strict=True):
        newcomer.id = member_id
    return newcomers


def _households(newcomers: list[Newcomer], now: datetime) -> dict[int, list[tuple[int, str]]]:
    """10 to 12 households in each member's own grid, paired with them: member id -> [(household id, category)]."""
    rows, owners = [], []
    for m in newcomers:
        for _ in range(10 + m.rng.randint(0, 2)):
            flags = {
                "hardship": m.rng.random() < 0.12,
                "sickness": m.rng.random() < 0.10,
                "abnormal_family": m.rng.random() < 0.05,
                "dispute": m.rng.random() < 0.05,
            }
            rows.append(
                {
                    "community_id": m.place.id,
                    "grid_id": m.grid_id,
                    "head_name": person_name(m.rng),
                    "address": f"{m.rng.choice(data.COMPOUNDS)}{m.rng.randint(1, 30)}号楼"
                    f"{m.rng.randint(1, 18)}0{m.rng.randint(1, 4)}室",
                    **flags,
                }
            )
            owners.append((m.id, next((f for f in Household.FLAGS if flags[f]), "routine")))
    ids = _insert_ids(Household, rows)
    db.session.execute(
        insert(Pairing),
        [
            {"member_id": member_id, "household_id": household_id, "started_at": now}
            for (member_id, _), household_id in zip(owners, ids, strict=True)
        ],
    )
    paired: dict[int, list[tuple[int, str]]] = {}
    for (member_id, category), household_id in zip(owners, ids, strict=True):
        paired.setdefault(member_id, []).append((household_id, category))
    return paired


def _plan(m: Newcomer, households: list[tuple[int, str]], now: datetime):
    """What this member did in the past months: check-ins and visits, each with its time."""
    checkins, visits = [], []
    for period in history_months(now):
        for kind, events, turnout, method in (
            ("return_day", m.place.return_days, RETURN_DAY_TURNOUT, "printed"),
            ("service", m.place.services, SERVICE_TURNOUT, "screen"),
        ):
            if m.rng.random() < turnout:
                event_id, starts, category = events[period]
                checkins.append((starts + timedelta(minutes=m.rng.randint(-20, 60)), event_id, method, kind, category))
        if m.rng.random() < VISIT_RATE:
            year, month = periods.parse_month(period)
            visited_on = date(year, month, m.rng.randint(1, 28))
            household_id, category = m.rng.choice(households)
            roll = m.rng.random()
            decision = "approve" if roll < 0.85 else "reject" if roll < 0.92 else None
            at = local_time(visited_on, "19:00") + timedelta(minutes=m.rng.randint(0, 120))
            visits.append(
                (at, household_id, category, visited_on, decision, min(now, at + timedelta(days=m.rng.randint(1, 4))))
            )
    return checkins, visits


def _insert_ids(model, rows: list[dict]) -> list[int]:
    if not rows:
        return []
    # Core on the session's connection: the ORM's bulk path splices its RETURNING rows batch after batch.
    statement = insert(model.__table__).returning(model.__table__.c.id, sort_by_parameter_order=True)
    return list(db.session.connection().execute(statement, rows).scalars())


def fill(county: County, newcomers: list[Newcomer], now: datetime) -> int:
    """Pair each newcomer with households and write their history; returns the ledger entries written."""
    if not newcomers:
        return 0
    paired = _households(newcomers, now)
    plans = {m.id: _plan(m, paired[m.id], now) for m in newcomers}
    checkin_ids = iter(
        _insert_ids(
            Checkin,
            [
                {"event_id": event_id, "member_id": member_id, "method": method, "created_at": at}
                for member_id, (checkins, _) in plans.items()
                for at, event_id, method, _, _ in checkins
            ],
        )
    )
    visit_ids = iter(
        _insert_ids(
            Visit,
            [
                {
                    "member_id": member_id,
                    "household_id": household_id,
                    "category": category,
                    "visited_on": visited_on,
                    "created_at": at,
                }
                for member_id, (_, visits) in plans.items()
                for at, household_id, category, visited_on, _, _ in visits
            ],
        )
    )
    admin = db.session.get_one(Account, county.admin_id)
    histories: dict[int, list[operations.Activity]] = {}
    for m in newcomers:
        checkins, visits = plans[m.id]
        # Chronological, so each chain reads in the order things happened.
        steps = [
            (
                at,
                operations.Activity(
                    periods.month_of(at), "checkin", next(checkin_ids), at, kind=kind, category=category
                ),
            )
            for at, _, _, kind, category in checkins
        ]
        secretary = db.session.get_one(Account, m.place.secretary_id)
        # A secretary who is a member runs every event of the community they live in: as the check-in
        # operation does (runs_event), their scans wait for audit, and the county audits them, as it does
        # their visits (nobody audits their own points).
        runs_own_events = secretary.member_id == m.id
        if runs_own_events:
            steps = [
                (
                    at,
                    step._replace(
                        force_pending=True,
                        decided=operations.Decided(admin, "approve", None, min(now, at + timedelta(days=1))),
                    ),
                )
                for at, step in steps
            ]
        auditor = admin if runs_own_events else secretary
        for at, _, category, _, decision, decided_at in visits:
            decided = None
            if decision is not None:
                reason = "走访记录不完整，请补充走访情况" if decision == "reject" else None
                decided = operations.Decided(auditor, decision, reason, decided_at)
            steps.append(
                (
                    at,
                    operations.Activity(
                        periods.month_of(at), "visit", next(visit_ids), at, category=category, decided=decided
                    ),
                )
            )
        histories[m.id] = [step for _, step in sorted(steps, key=lambda s: s[0])]
    # In bulk, through the write path's bulk form: the demo's thousands of entries in a few statements.
    return operations.append_histories(histories)
