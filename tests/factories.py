"""The factories every test folder shares: `Make` (the rows a test needs), bearer tokens, check-ins and
points written through the ledger's one write path, grids, the county's pairing target, and moments on
the China clock."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from app.auth.models import Account
from app.checkins.models import Checkin
from app.db import transaction
from app.extensions import db
from app.org.models import CountySettings, Grid
from app.points import operations
from ledger import periods

PASSWORD = "pass-1234"
OCTOBER = datetime(2026, 10, 20, 2, 0, tzinfo=UTC)
# 2026-11-06 10:00 in Asia/Shanghai: October has ended and its audit day (the 5th) has passed.
AFTER_OCTOBER = datetime(2026, 11, 6, 2, 0, tzinfo=UTC)
POINTS = {"return_day": 5, "service": 3}


class Make:
    """Creates the rows a test needs, with sensible defaults; each call commits."""

    def __init__(self, app):
        self.app = app
        self.n = 0

    def _next(self):
        self.n += 1
        return self.n

    def _save(self, row):
        with self.app.app_context():
            db.session.add(row)
            db.session.commit()
            db.session.refresh(row)
            db.session.expunge(row)
        return row

    def county(self):
        from app.models import Region
        from app.points.rules import install_default_rules

        with self.app.app_context():
            from sqlalchemy import select

            county = db.session.scalars(select(Region).where(Region.kind == "county")).first()
            if county is None:
                county = Region(name="永春县", kind="county")
                db.session.add(county)
                install_default_rules(datetime(2020, 1, 1, tzinfo=UTC))
                db.session.commit()
            db.session.refresh(county)
            db.session.expunge(county)
            return county

    def community(self, name=None, grids=2):
        from app.models import Community, Grid, Region

        county = self.county()
        n = self._next()
        street = self._save(Region(name=f"街道{n}", kind="street", parent_id=county.id))
        community = self._save(Community(name=name or f"社区{n}", region_id=street.id))
        for g in range(grids):
            self._save(Grid(community_id=community.id, name=f"第{g + 1}网格"))
        return community

    def grid(self, community):
        from sqlalchemy import select

        from app.models import Grid

        with self.app.app_context():
            return db.session.scalars(select(Grid).where(Grid.community_id == community.id).order_by(Grid.id)).first()

    def unit(self, name=None):
        from app.models import Unit

        self.county()
        n = self._next()
        return self._save(Unit(name=name or f"单位{n}", party_org=f"单位{n}党支部"))

    def account(self, role="member", member=None, community=None, unit=None, phone=None, password=PASSWORD, name=None):
        from app.auth.passwords import hash_password
        from app.models import Account

        n = self._next()
        with self.app.app_context():
            pw = hash_password(password)
        return self._save(
            Account(
                phone=phone or (member.phone if member else f"139{n:08d}"),
                name=name or (member.name if member else f"账号{n}"),
                password_hash=pw,
                role=role,
                member_id=member.id if member else None,
                community_id=community.id if community else None,
                unit_id=unit.id if unit else None,
            )
        )

    def member(self, community=None, unit=None, name=None, phone=None, with_account=True):
        from app.models import Member

        community = community or self.community()
        unit = unit or self.unit()
        n = self._next()
        grid = self.grid(community)
        member = self._save(
            Member(
                name=name or f"党员{n}",
                phone=phone or f"138{n:08d}",
                unit_id=unit.id,
                community_id=community.id,
                grid_id=grid.id if grid else None,
                address=f"幸福路{n}号",
                reported_on=date(2026, 1, 5),
            )
        )
        if with_account:
            member.account = self.account(member=member)
        return member

    def secretary(self, community=None, unit=None, member=None):
        return self.account(role="secretary", community=community, unit=unit, member=member)

    def admin(self):
        return self.account(role="admin")

    def household(self, community, member=None, **flags):
        from app.models import Household, Pairing

        n = self._next()
        grid = self.grid(community)
        household = self._save(
            Household(
                community_id=community.id,
                grid_id=grid.id if grid else None,
                address=f"安居小区{n}栋{n}号",
                head_name=f"住户{n}",
                **flags,
            )
        )
        if member is not None:
            self._save(Pairing(member_id=member.id, household_id=household.id))
        return household

    def event(self, community, *, kind="return_day", starts_at=None, hours=3, **fields):
        from app.models import Event

        starts_at = starts_at or datetime.now(UTC) - timedelta(minutes=10)
        ends_at = starts_at + timedelta(hours=hours)
        fields.setdefault("checkin_opens_at", starts_at - timedelta(minutes=30))
        fields.setdefault("checkin_closes_at", ends_at)
        return self._save(
            Event(
                community_id=community.id,
                title=fields.pop("title", "回家日活动"),
                category=fields.pop("category", "政策宣传"),
                kind=kind,
                place=fields.pop("place", "社区党群服务中心"),
                starts_at=starts_at,
                ends_at=ends_at,
                **fields,
            )
        )


def bearer(client, account, password=PASSWORD):
    response = client.post("/api/v1/auth/token", json={"phone": account.phone, "password": password})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def log_in(client, account, next_path=None, password=PASSWORD):
    """Log a test client in through the /login form (the session cookie pages and downloads use)."""
    response = client.post(
        "/login" + (f"?next={next_path}" if next_path else ""), data={"phone": account.phone, "password": password}
    )
    assert response.status_code == 302, response.text
    return response


def check_in(app, member, event, *, decision: str | None = None, secretary=None) -> int:
    """Checks the member in at the event; `decision` None leaves the entry as the rules price it (a
    return day posts at once), "pending" holds it, "reject" has `secretary` reject it. Returns the entry id."""
    now = event.starts_at + timedelta(minutes=5)
    with app.app_context():
        with transaction():
            checkin = Checkin(event_id=event.id, member_id=member.id, method="printed", created_at=now)
            db.session.add(checkin)
            db.session.flush()
            entry = operations.append_entry(
                member.id,
                natural_period=periods.month_of(event.starts_at),
                source="checkin",
                source_id=checkin.id,
                now=now,
                kind=event.kind,
                force_pending=decision is not None,
            )
            entry_id = entry.id
        if decision not in (None, "pending"):
            with transaction():
                operations.decide(db.session.get(Account, secretary.id), entry_id, decision, "未到现场", now)
    return entry_id


def local(*args) -> datetime:
    """A moment on the China clock, e.g. local(2026, 3, 31, 23, 59)."""
    return datetime(*args, tzinfo=periods.TZ)


def into_grid(app, grid_index: int, *rows) -> None:
    """Moves members or households into their community's n-th grid (the conftest factory uses the first)."""
    with app.app_context():
        for row in rows:
            stored = db.session.get(type(row), row.id)
            grids = db.session.scalars(
                select(Grid.id).where(Grid.community_id == stored.community_id).order_by(Grid.id)
            ).all()
            stored.grid_id = row.grid_id = grids[grid_index]
        db.session.commit()


def pairing_target(app, households: int) -> None:
    """The county's 1+10 target, set by the organisation department."""
    with app.app_context():
        db.session.add(CountySettings(pairing_target=households))
        db.session.commit()


def earn(app, member, *kinds, period="2026-10", now=OCTOBER) -> list[int]:
    """Posted check-in entries for `member`, one per kind: "return_day" is 5 points, "service" 3."""
    with app.app_context(), transaction():
        return [
            operations.append_entry(
                member.id, natural_period=period, source="checkin", source_id=None, now=now, kind=kind
            ).id
            for kind in kinds
        ]


def claim_visit(app, member, *, period="2026-10", now=OCTOBER) -> int:
    """A visit entry, which waits for a secretary's audit (pending, 3 points)."""
    with app.app_context(), transaction():
        return operations.append_entry(
            member.id, natural_period=period, source="visit", source_id=None, now=now, category="hardship"
        ).id


def ten_eight_eight_five(app, make, community=None, unit=None):
    """Four members on 10, 8, 8 and 5 points in October: ranks 1, 2, 2, 4."""
    members = [make.member(community, unit) for _ in range(4)]
    for member, kinds in zip(
        members,
        (("return_day", "return_day"), ("return_day", "service"), ("service", "return_day"), ("return_day",)),
        strict=True,
    ):
        earn(app, member, *kinds)
    return members
