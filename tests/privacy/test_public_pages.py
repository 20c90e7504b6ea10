"""DOMAIN rule 6: residents' private details never reach a public page. Every public response of the demo
county is read whole and searched for household addresses, residents' names, private flags, visit notes,
members' phones and home addresses, and the reminders and flags in inboxes."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.db import utcnow
from app.extensions import db
from app.members.models import Member
from app.notices.models import InboxItem
from app.pairing.models import Household
from app.periods.operations import close_month
from app.reminders.operations import close_quarter, remind_audits, remind_duty
from app.visits.models import Visit
from ledger import periods

FLAG_WORDS = ("困难群众", "生病群众", "异常家庭", "邻里纠纷", "hardship", "sickness", "abnormal_family", "dispute")


@pytest.fixture
def demo_county(app, runner):
    result = runner.invoke(args=["demo", "--members", "30", "--json"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        # Months closed (in order, the demo's oldest first), so snapshots are read too, not only the live ranking.
        two_ago = periods.prev_month(periods.prev_month(periods.month_of(utcnow())))
        for month in (periods.prev_month(two_ago), two_ago):
            close_month(month, None, utcnow())
        households = db.session.scalars(select(Household)).all()
        members = db.session.scalars(select(Member)).all()
        secrets = {h.address for h in households} | {h.head_name for h in households if h.head_name}
        secrets |= {h.note for h in households if h.note}
        secrets |= {v.note for v in db.session.scalars(select(Visit)) if v.note}
        secrets |= {m.phone for m in members} | {m.address for m in members if m.address}
        # Reminders and flags (whose bodies name members short of the duty) stay in their inboxes.
        now = utcnow()
        close_quarter(now)
        remind_audits(now)
        remind_duty(periods.bounds(periods.quarter_of(now))[1] - timedelta(days=10))
        inbox = db.session.scalars(select(InboxItem).where(InboxItem.kind != "notice")).all()
        assert {i.kind for i in inbox} == {"reminder", "flag"}
        secrets |= {i.body for i in inbox} | {i.title for i in inbox if i.kind == "flag"}
    return secrets


def _public_urls(now_month):
    months = [now_month, periods.prev_month(now_month), periods.prev_month(periods.prev_month(now_month))]
    urls = ["/", "/login", "/healthz", "/api/v1/openapi.json"]
    for month in months:
        urls.append(f"/api/v1/periods/{month}")
        for by in ("member", "unit", "community"):
            urls.append(f"/board?period={month}&by={by}")
            urls.append(f"/board?period={month}&by={by}&screen=1")
            urls.append(f"/api/v1/rankings?period={month}&by={by}&limit=500")
        for by in ("unit", "community"):
            urls.append(f"/api/v1/rankings?period={month}&by={by}&metric=per_member")
    return urls


def test_no_public_response_holds_a_private_detail(app, client, demo_county):
    secrets = {s for s in demo_county if s and len(s) >= 4}
    assert len(secrets) > 100  # the county really has households, notes and phones to leak
    for url in _public_urls(periods.month_of(utcnow())):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.get_data(as_text=True)
        if url.startswith("/api/v1/rankings"):
            text = json.dumps(response.get_json(), ensure_ascii=False)
            assert response.get_json()["rows"] or f"period={periods.month_of(utcnow())}" in url, url
        leaked = [s for s in secrets if s in text]
        assert leaked == [], (url, leaked[:3])
        if "openapi" not in url:
            assert not [w for w in FLAG_WORDS if w in text], url


def test_a_public_ranking_row_carries_only_name_unit_community_and_points(client, demo_county):
    month = periods.prev_month(periods.month_of(utcnow()))
    for by in ("member", "unit", "community"):
        rows = client.get(f"/api/v1/rankings?period={month}&by={by}").get_json()["rows"]
        assert rows and all(set(row) <= {"rank", "name", "unit", "community", "points", "members"} for row in rows)
