"""Fixtures: an app on a real database (a fresh SQLite file, or TEST_DATABASE_URL's PostgreSQL),
a client, and `make`, the factory of the domain's rows."""
import os
import threading
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from config import TestConfig

PASSWORD = "pass-1234"


def _postgres_database():
    """A throw-away database on the PostgreSQL server that TEST_DATABASE_URL names, created per test run."""
    server = make_url(os.environ["TEST_DATABASE_URL"])
    name = f"test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return admin, name, server.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_url():
    if not os.environ.get("TEST_DATABASE_URL"):
        yield None
        return
    admin, name, url = _postgres_database()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def database_url(postgres_url, tmp_path):
    return postgres_url or f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
def app_config(request):
    """Settings over TestConfig's for the app of a test: a folder's conftest may override this, a test
    may parametrise it (indirect=True)."""
    return getattr(request, "param", {})


@pytest.fixture
def app(database_url, app_config, tmp_path):
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config.update(app_config)
    config["SQLALCHEMY_DATABASE_URI"] = database_url
    app = create_app(config)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        if database_url.startswith("postgresql"):
            # One database for the run: empty every table so each test starts clean.
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def live_server(app):
    """The test app on 127.0.0.1 at a free port, for the length of one test; yields its origin."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


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
                install_default_rules(datetime(2020, 1, 1, tzinfo=timezone.utc))
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

    def account(self, role="member", member=None, community=None, unit=None, phone=None, password=PASSWORD,
                name=None):
        from app.auth.passwords import hash_password
        from app.models import Account
        n = self._next()
        with self.app.app_context():
            pw = hash_password(password)
        return self._save(Account(phone=phone or (member.phone if member else f"139{n:08d}"),
                                  name=name or (member.name if member else f"账号{n}"), password_hash=pw,
                                  role=role, member_id=member.id if member else None,
                                  community_id=community.id if community else None,
                                  unit_id=unit.id if unit else None))

    def member(self, community=None, unit=None, name=None, phone=None, with_account=True):
        from app.models import Member
        community = community or self.community()
        unit = unit or self.unit()
        n = self._next()
        grid = self.grid(community)
        member = self._save(Member(name=name or f"党员{n}", phone=phone or f"138{n:08d}", unit_id=unit.id,
                                   community_id=community.id, grid_id=grid.id if grid else None,
                                   address=f"幸福路{n}号", reported_on=date(2026, 1, 5)))
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
        household = self._save(Household(community_id=community.id, grid_id=grid.id if grid else None,
                                         address=f"安居小区{n}栋{n}号", head_name=f"住户{n}", **flags))
        if member is not None:
            self._save(Pairing(member_id=member.id, household_id=household.id))
        return household

    def event(self, community, *, kind="return_day", starts_at=None, hours=3, **fields):
        from app.models import Event
        starts_at = starts_at or datetime.now(timezone.utc) - timedelta(minutes=10)
        ends_at = starts_at + timedelta(hours=hours)
        fields.setdefault("checkin_opens_at", starts_at - timedelta(minutes=30))
        fields.setdefault("checkin_closes_at", ends_at)
        return self._save(Event(community_id=community.id, title=fields.pop("title", "回家日活动"),
                                category=fields.pop("category", "政策宣传"), kind=kind,
                                place=fields.pop("place", "社区党群服务中心"), starts_at=starts_at,
                                ends_at=ends_at, **fields))


@pytest.fixture
def make(app):
    return Make(app)


def bearer(client, account, password=PASSWORD):
    response = client.post("/api/v1/auth/token", json={"phone": account.phone, "password": password})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


@pytest.fixture
def auth(client):
    """auth(account) -> the Authorization header of a fresh bearer token."""
    return lambda account, password=PASSWORD: bearer(client, account, password)


@pytest.fixture
def ledger_verifies(runner):
    """ledger_verifies() asserts that `flask ledger verify` passes: how every integrity scenario ends."""
    def check():
        result = runner.invoke(args=["ledger", "verify", "--workers", "1"])
        assert result.exit_code == 0, result.output
        assert "ledger verify: OK" in result.output
    return check
