"""Desk fixtures: two communities, each with its secretary (A's is also one of its members), members with
entries waiting for audit, and a logged-in test client (CSRF is off in TestConfig, as for every test
client; the browser test turns it on)."""

from datetime import UTC, datetime, timedelta

import pytest

from app.auth.models import Account
from app.extensions import db
from ledger import periods
from tests.factories import PASSWORD, check_in, claim_visit


@pytest.fixture
def town(app, make):
    """Community A: secretary (a member too), members Zhang and Li; community B: its secretary and Wang.
    Pending: Zhang's and Li's check-ins at A's service event, the secretary's own, and Wang's at B's."""
    a, b = make.community("桃源社区"), make.community("东山社区")
    unit = make.unit("县教育局")
    zhang = make.member(a, unit, name="张明")
    li = make.member(a, unit, name="李华")
    wang = make.member(b, unit, name="王芳")
    sec_member = make.member(a, unit, name="陈书记", with_account=False)
    secretary = make.secretary(a, member=sec_member)
    other = make.secretary(b)
    # A service event of this month (a return day would post at once; the audit is forced by "pending").
    starts = max(datetime.now(UTC) - timedelta(days=1), periods.bounds(periods.month_of(datetime.now(UTC)))[0])
    event_a = make.event(a, kind="service", title="政策宣讲", starts_at=starts)
    event_b = make.event(b, kind="service", title="义诊", starts_at=starts)
    entries = {
        "zhang": check_in(app, zhang, event_a, decision="pending"),
        "li": check_in(app, li, event_a, decision="pending"),
        "own": check_in(app, sec_member, event_a, decision="pending"),
        "wang": check_in(app, wang, event_b, decision="pending"),
    }
    return {
        "a": a,
        "b": b,
        "unit": unit,
        "zhang": zhang,
        "li": li,
        "wang": wang,
        "sec_member": sec_member,
        "secretary": secretary,
        "other": other,
        "event_a": event_a,
        "event_b": event_b,
        "entries": entries,
    }


@pytest.fixture
def log_in(client):
    def go(account, password=PASSWORD):
        response = client.post("/login", data={"phone": account.phone, "password": password})
        assert response.status_code == 302, response.text
        return response

    return go


def hook(html: str, name: str) -> str:
    """The value of the first data-* attribute of that name on the page."""
    return html.split(f'{name}="', 1)[1].split('"', 1)[0]


def visit_pending(app, member) -> int:
    return claim_visit(app, member, period=periods.month_of(datetime.now(UTC)), now=datetime.now(UTC))


def state_of(app, entry_id: int) -> str:
    from app.points.models import EntryStatus

    with app.app_context():
        return db.session.get(EntryStatus, entry_id).state


def account_of(app, account_id: int) -> Account:
    with app.app_context():
        found = db.session.get(Account, account_id)
        db.session.expunge(found)
        return found
