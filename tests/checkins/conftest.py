"""A hall on a return day: a community, its member and secretary, an event open for check-in, and its codes."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from app.events import codes as tokens


@pytest.fixture
def hall(make):
    community = make.community()
    member = make.member(community)
    return SimpleNamespace(
        community=community, member=member, secretary=make.secretary(community), event=make.event(community)
    )


@pytest.fixture
def printed(app):
    """printed(event, key_version=1) -> the poster's token."""
    return lambda event, key_version=1: tokens.printed(app.config["SECRET_KEY"], event.id, key_version)


@pytest.fixture
def screen(app):
    """screen(event, seconds=45) -> a screen token expiring that many seconds from now (negative: expired)."""

    def issue(event, seconds=45):
        expires_at = datetime.now(UTC) + timedelta(seconds=seconds)
        return tokens.screen(app.config["SECRET_KEY"], event.id, expires_at)

    return issue


@pytest.fixture
def scan(client, auth):
    """scan(account, token, **body) -> the response of POST /api/v1/checkins."""

    def post(account, token, key=None, **body):
        headers = auth(account)
        if key is not None:
            headers["Idempotency-Key"] = key
        return client.post("/api/v1/checkins", json={"token": token, **body}, headers=headers)

    return post
