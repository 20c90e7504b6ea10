"""Logins, limits and sessions, tested with the production rate limits (TestConfig's are generous for the
fuzzer), from client addresses the test chooses."""

import os
import re
import uuid
from datetime import date
from types import SimpleNamespace

import pytest

from app.auth.models import Account
from app.auth.passwords import hash_password
from app.extensions import db
from app.members.models import Member
from config import Config
from tests.factories import PASSWORD

REAL_LIMITS = {
    k: getattr(Config, k) for k in dir(Config) if k.startswith("RATELIMIT_") and k != "RATELIMIT_STORAGE_URI"
}


@pytest.fixture
def app_config(request):
    return {**REAL_LIMITS, **getattr(request, "param", {})}


def redis_config() -> dict:
    """The limiter on a real Redis (scripts/redis start), its keys apart from every other test's."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set: start a server with scripts/redis start and export its URL")
    return {"RATELIMIT_STORAGE_URI": url, "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}


def login(client, phone, password=PASSWORD, address="127.0.0.1"):
    return client.post(
        "/api/v1/auth/token", json={"phone": phone, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


@pytest.fixture
def browser(app):
    """browser() -> a new test client with CSRF protection on, as a phone's browser in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client


def log_in_page(browser, account, password=PASSWORD):
    page = browser.get("/login")
    return browser.post(
        "/login", data={"phone": account.phone, "password": password, "csrf_token": csrf_token(page.text)}
    )


@pytest.fixture
def crowd(app, make):
    """crowd(n) -> n members of one community and unit, each with an account, written in one transaction
    (a factory call per member would take longer than the test)."""

    def create(n, community=None, unit=None):
        community, unit = community or make.community(), unit or make.unit()
        grid = make.grid(community)
        with app.app_context():
            password_hash = hash_password(PASSWORD)
            members = [
                Member(
                    name=f"党员{i}",
                    phone=f"137{i:08d}",
                    unit_id=unit.id,
                    community_id=community.id,
                    grid_id=grid.id,
                    address=f"幸福路{i}号",
                    reported_on=date(2026, 1, 5),
                )
                for i in range(n)
            ]
            db.session.add_all(members)
            db.session.flush()
            db.session.add_all(
                Account(phone=m.phone, name=m.name, password_hash=password_hash, role="member", member_id=m.id)
                for m in members
            )
            db.session.commit()
            return [SimpleNamespace(id=m.id, phone=m.phone) for m in members]

    return create
