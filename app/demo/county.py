"""The demo county's structure: org tree, work units, catalogue, rules, settings, staff accounts, events.

Every row is matched on its natural key (a name, a phone, an event's community and start), so loading
twice adds nothing twice."""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, select, update

from app.auth.models import Account
from app.catalogue.models import ServiceCategory, ServiceItem
from app.demo import data
from app.events.models import Event
from app.events.operations import CHECKIN_OPENS_BEFORE
from app.events.return_days import ensure_return_days
from app.extensions import db
from app.members.models import Member
from app.org.models import Building, Community, CountySettings, Grid, Region, Unit
from app.points.rules import install_default_rules
from ledger import periods

HISTORY_MONTHS = 3
RULES_FROM = datetime(2020, 1, 1, tzinfo=UTC)
MEMBERS_PER_COMMUNITY = 200  # Yongchun: 4,833 members in 24 communities
ADMIN_PHONE = "13700000001"
MEMBER_SECRETARY_EVERY = 3  # every third community's secretary is also an in-service member living there


def member_phone(index: int) -> str:
    return f"138{index + 1:08d}"


def community_secretary_phone(index: int) -> str:
    return f"1370000{1000 + index:04d}"


def unit_secretary_phone(index: int) -> str:
    return f"1370000{2000 + index:04d}"


def communities_for(members: int) -> int:
    return max(3, min(len(data.COMMUNITIES), round(members / MEMBERS_PER_COMMUNITY)))


def person_name(rng: random.Random) -> str:
    given = rng.choice(data.GIVEN) + (rng.choice(data.GIVEN) if rng.random() < 0.8 else "")
    return rng.choice(data.SURNAMES) + given


def local_time(day: date, hhmm: str) -> datetime:
    hours, minutes = hhmm.split(":")
    return datetime.combine(day, time(int(hours), int(minutes)), tzinfo=periods.TZ).astimezone(UTC)


def history_months(now: datetime) -> list[str]:
    """The months before this one that the demo fills with history, oldest first."""
    months = [periods.month_of(now)]
    for _ in range(HISTORY_MONTHS):
        months.insert(0, periods.prev_month(months[0]))
    return months[:-1]


@dataclass
class CommunityPlace:
    """What the member loader needs of a community: its grids with their buildings, and its events."""

    id: int
    name: str
    index: int
    secretary_id: int
    grids: list[tuple[int, str, list[tuple[int, str]]]] = field(default_factory=list)
    return_days: dict[str, tuple[int, datetime, str]] = field(default_factory=dict)  # period -> (id, start, category)
    services: dict[str, tuple[int, datetime, str]] = field(default_factory=dict)


@dataclass
class County:
    communities: list[CommunityPlace]
    unit_ids: list[int]
    admin_id: int
    added: int = 0


def _get_or_add(model, values: dict, *keys: str):
    found = db.session.scalars(select(model).filter_by(**{k: values[k] for k in keys})).first()
    if found is not None:
        return found, 0
    row = model(**values)
    db.session.add(row)
    db.session.flush()
    return row, 1


def _account(phone: str, name: str, role: str, password_hash: str, **scope) -> tuple[Account, int]:
    return _get_or_add(
        Account, {"phone": phone, "name": name, "role": role, "password_hash": password_hash, **scope}, "phone"
    )


def _org_tree(count: int) -> tuple[list[Community], int]:
    added = 0
    county, n = _get_or_add(Region, {"name": data.COUNTY, "kind": "county", "parent_id": None}, "name", "kind")
    added += n
    towns = {}
    for town, kind, _ in data.TOWNS:
        towns[town], n = _get_or_add(Region, {"name": town, "kind": kind, "parent_id": county.id}, "name", "parent_id")
        added += n
    communities = []
    for index, (name, town) in enumerate(data.COMMUNITIES[:count]):
        community, n = _get_or_add(
            Community, {"name": name, "region_id": towns[town].id, "address": f"{town}{name}党群服务中心"}, "name"
        )
        added += n
        for g in range(3 if index % 3 != 2 else 2):
            grid, n = _get_or_add(
                Grid, {"community_id": community.id, "name": f"第{'一二三'[g]}网格"}, "community_id", "name"
            )
            added += n
            for b in range(3):
                added += _get_or_add(Building, {"grid_id": grid.id, "name": f"{b + 1}号楼"}, "grid_id", "name")[1]
        communities.append(community)
    return communities, added


def _units(communities: list[Community]) -> tuple[list[Unit], int]:
    units, added = [], 0
    for index, (name, kind, party_org) in enumerate(data.UNITS):
        # 双报到: each unit's Party organisation reports to a community too.
        unit, n = _get_or_add(
            Unit,
            {
                "name": name,
                "kind": kind,
                "party_org": party_org,
                "community_id": communities[index % len(communities)].id,
            },
            "name",
        )
        units.append(unit)
        added += n
    return units, added


def _catalogue() -> int:
    added = 0
    for position, (name, items) in enumerate(data.SERVICE_CATALOGUE):
        category, n = _get_or_add(ServiceCategory, {"name": name, "position": position}, "name")
        added += n
        for item_position, item in enumerate(items):
            added += _get_or_add(
                ServiceItem,
                {"category_id": category.id, "name": item, "position": item_position},
                "category_id",
                "name",
            )[1]
    return added


def _settings() -> int:
    if db.session.scalars(select(CountySettings).limit(1)).first() is not None:
        return 0
    db.session.add(
        CountySettings(pairing_target=10, audit_day=5, month_cap=100, return_day_start="09:00", return_day_end="11:30")
    )
    db.session.flush()
    return 1


def _secretaries(communities: list[Community], units: list[Unit], password_hash: str) -> tuple[list[int], int]:
    """A secretary for every community (some also in-service members), and a few for work units."""
    ids, added = [], 0
    by_name = {u.name: u for u in units}
    for index, community in enumerate(communities):
        rng = random.Random(f"secretary-{index}")
        phone, name = community_secretary_phone(index), person_name(rng)
        member_id = None
        if index % MEMBER_SECRETARY_EVERY == 0:
            grid = community.grids[0]
            member, n = _get_or_add(
                Member,
                {
                    "name": name,
                    "phone": phone,
                    "unit_id": rng.choice(units).id,
                    "community_id": community.id,
                    "grid_id": grid.id,
                    "address": f"{rng.choice(data.STREETS)}{rng.randint(1, 200)}号",
                    "reported_on": date(2024, 3, 1) + timedelta(days=rng.randint(0, 300)),
                },
                "phone",
            )
            member_id, added = member.id, added + n
        account, n = _account(phone, name, "secretary", password_hash, community_id=community.id, member_id=member_id)
        ids.append(account.id)
        added += n
    for index, unit_name in enumerate(data.UNIT_SECRETARIES):
        name = person_name(random.Random(f"unit-secretary-{index}"))
        added += _account(unit_secretary_phone(index), name, "secretary", password_hash, unit_id=by_name[unit_name].id)[
            1
        ]
    return ids, added


def _events(places: list[CommunityPlace], now: datetime) -> int:
    """Every community's return day this month and in the past months, and a service event in each past month."""
    this_month = periods.month_of(now)
    added = sum(ensure_return_days(period, now) for period in history_months(now) + [this_month])
    wanted = {}
    for place in places:
        for period in history_months(now):
            year, month = periods.parse_month(period)
            title, category = data.SERVICE_EVENTS[(month + place.index) % len(data.SERVICE_EVENTS)]
            eighth = date(year, month, 8)
            day = eighth + timedelta(days=(5 - eighth.weekday()) % 7)  # the second Saturday
            starts, ends = local_time(day, "15:00"), local_time(day, "17:00")
            wanted[(place.id, starts)] = {
                "community_id": place.id,
                "title": title,
                "category": category,
                "kind": "service",
                "place": f"{place.name}党群服务中心",
                "starts_at": starts,
                "ends_at": ends,
                "checkin_opens_at": starts - CHECKIN_OPENS_BEFORE,
                "checkin_closes_at": ends,
                "created_by": place.secretary_id,
                "created_at": min(now, starts - timedelta(days=7)),
            }
    events = db.session.scalars(select(Event).where(Event.community_id.in_([p.id for p in places]))).all()
    existing = {(e.community_id, e.starts_at) for e in events}
    rows = [row for key, row in wanted.items() if key not in existing]
    if rows:
        db.session.execute(insert(Event), rows)
        events = db.session.scalars(select(Event).where(Event.community_id.in_([p.id for p in places]))).all()
    by_place = {p.id: p for p in places}
    for event in events:
        place, period = by_place[event.community_id], periods.month_of(event.starts_at)
        (place.return_days if event.kind == "return_day" else place.services)[period] = (
            event.id,
            event.starts_at,
            event.category,
        )
    return added + len(rows)


def set_password(phones: list[str], password_hash: str) -> None:
    """Give every demo account the demo password; tokens issued under an older one stop working."""
    for start in range(0, len(phones), 500):
        db.session.execute(
            update(Account)
            .where(Account.phone.in_(phones[start : start + 500]))
            .values(password_hash=password_hash, token_version=Account.token_version + 1)
        )


def build(members: int, password_hash: str, now: datetime) -> County:
    """The county's structure for a demo of `members` members (the caller commits)."""
    communities, added = _org_tree(communities_for(members))
    units, n = _units(communities)
    added += n + _catalogue() + install_default_rules(RULES_FROM) + _settings()
    admin, n = _account(ADMIN_PHONE, "县委组织部管理员", "admin", password_hash)
    secretary_ids, m = _secretaries(communities, units, password_hash)
    added += n + m
    places = [
        CommunityPlace(
            c.id,
            c.name,
            i,
            secretary_ids[i],
            [
                (
                    g.id,
                    g.name,
                    [
                        (b.id, b.name)
                        for b in db.session.scalars(
                            select(Building).where(Building.grid_id == g.id).order_by(Building.id)
                        )
                    ],
                )
                for g in c.grids
            ],
        )
        for i, c in enumerate(communities)
    ]
    added += _events(places, now)
    return County(places, [u.id for u in units], admin.id, added)


def staff_phones(county: County) -> list[str]:
    return (
        [ADMIN_PHONE]
        + [community_secretary_phone(i) for i in range(len(county.communities))]
        + [unit_secretary_phone(i) for i in range(len(data.UNIT_SECRETARIES))]
    )
