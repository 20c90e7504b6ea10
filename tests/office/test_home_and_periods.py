"""/office and /office/periods: the admin's home and the month close, on the API's own operation."""

import re

import pytest
from sqlalchemy import select, text

from app.action_log.models import ActionLogEntry
from app.extensions import db
from app.periods.models import Period
from scheduler.jobs import JOBS
from tests.factories import claim_visit, earn
from tests.office.conftest import hook, log_in


def _closed(app):
    with app.app_context():
        return sorted(db.session.scalars(select(Period.period)))


def _row(html: str, period: str) -> str:
    return html.split(f'data-period="{period}"', 1)[1].split("</tr>", 1)[0]


@pytest.fixture
def county(app, make, months):
    """Two communities; entries two months ago (one pending in each) and last month (one pending)."""
    two_ago, last, _ = months
    east, west = make.community("东门社区"), make.community("西门社区")
    alice, bob = make.member(east), make.member(west)
    earn(app, alice, "return_day", period=two_ago)
    claim_visit(app, alice, period=two_ago)
    claim_visit(app, bob, period=two_ago)
    claim_visit(app, bob, period=last)
    return {"east": east, "west": west}


def test_an_admin_lands_on_the_office_after_login(client, make):
    assert log_in(client, make.admin()).location == "/office"


@pytest.mark.parametrize("role", ["secretary", "member"])
@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/office"),
        ("get", "/office/periods"),
        ("post", "/office/periods"),
        ("get", "/office/import"),
        ("post", "/office/import"),
        ("get", "/office/import/template.xlsx"),
    ],
)
def test_only_an_admin_may_use_the_office_anyone_else_gets_the_chinese_403_page(
    app, client, make, county, months, role, method, path
):
    account = make.secretary(county["east"]) if role == "secretary" else make.member(county["east"]).account
    log_in(client, account)
    response = getattr(client, method)(path, data={"period": months[0], "confirm": "y"})
    assert response.status_code == 403
    assert "没有权限" in response.text and "组织部" in response.text and 'href="/"' in response.text
    assert _closed(app) == []
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(ActionLogEntry)) == 0


def test_the_home_shows_months_pending_by_community_the_rate_chart_and_never_verified(client, admin, county, months):
    two_ago, last, this = months
    html = client.get("/office").text
    assert [m for m in re.findall(r'data-period="([^"]+)"', html)] == [this, last, two_ago]
    assert hook(html, "data-pending-county") == "3"
    assert hook(html, f'data-community-id="{county["west"].id}"><td>西门社区</td><td class="num" data-pending') == "2"
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and "各社区报到率" in html
    assert html.count("data-reporting-rate=") == 2
    assert "从未校验" in html


def test_the_home_shows_the_last_verify_run_a_failed_one_in_red_with_its_first_failure(app, client, admin, county):
    with app.app_context():
        JOBS["verify_ledger"].run(None)
    assert hook(client.get("/office").text, "data-verify-ok") == "true"
    with app.app_context():
        db.session.execute(text("UPDATE ledger_records SET points = 99 WHERE id = 1"))
        db.session.commit()
        JOBS["verify_ledger"].run(None)
    html = client.get("/office").text
    assert hook(html, "data-verify-ok") == "false"
    assert 'role="alert" data-verify-failure>台账校验发现问题：' in html and "chain=" in html


def test_the_periods_page_offers_to_close_only_the_earliest_open_month_showing_what_is_pending(
    client, admin, county, months
):
    two_ago, last, this = months
    html = client.get("/office/periods").text
    assert hook(html, "data-closable") == two_ago
    assert html.count('name="period"') == 1 and hook(html, 'name="period" value') == two_ago
    assert "我已核对待审核积分，确认结账" in html and 'name="confirm" value="y" required' in html
    form = html.split('class="card close-month"', 1)[1].split("</section>", 1)[0]
    assert "东门社区" in form and "西门社区" in form and hook(form, "data-pending") == "2"
    assert _row(html, this).startswith(' data-closed="false"')


def test_closing_a_later_month_while_an_earlier_one_is_open_is_refused_in_chinese(app, client, admin, county, months):
    response = client.post("/office/periods", data={"period": months[1], "confirm": "y"})
    assert response.status_code == 409
    assert hook(response.text, "data-close-status") == "earlier_month_open"
    assert "未能结账" in response.text
    assert _closed(app) == []


def test_a_month_not_yet_ended_is_refused(app, client, admin, county, months):
    two_ago, last, this = months
    client.post("/office/periods", data={"period": two_ago, "confirm": "y"})
    client.post("/office/periods", data={"period": last, "confirm": "y"})
    response = client.post("/office/periods", data={"period": this, "confirm": "y"})
    assert response.status_code == 409 and hook(response.text, "data-close-status") == "period_not_ended"
    assert _closed(app) == [two_ago, last]


def test_a_close_without_the_confirmation_changes_nothing(app, client, admin, county, months):
    response = client.post("/office/periods", data={"period": months[0]})
    assert response.status_code == 400 and "请先勾选" in response.text
    assert _closed(app) == []


def test_a_confirmed_close_seals_the_month_carries_its_pending_and_leaves_its_action_log_row(
    app, client, admin, county, months, ledger_verifies
):
    two_ago, last, _ = months
    response = client.post("/office/periods", data={"period": two_ago, "confirm": "y"})
    assert response.status_code == 302 and response.location == "/office/periods"
    html = client.get("/office/periods").text
    row = _row(html, two_ago)
    assert row.startswith(' data-closed="true"') and "已结账" in row and 'class="seal"' in row
    assert "尚未审核的 2 条积分已顺延至" in html
    assert hook(_row(html, last), "data-pending") == "3"
    with app.app_context():
        [entry] = db.session.scalars(select(ActionLogEntry)).all()
        seal = db.session.get(Period, two_ago).seal
    assert (entry.action, entry.account_id, entry.detail) == ("period.close", admin.id, {"seal": seal, "carried": 2})
    assert two_ago in entry.target
    assert seal[:16] in row
    ledger_verifies()


def test_the_schedulers_close_is_logged_as_the_county(app, make, months):
    from datetime import UTC, datetime

    earn(app, make.member(), "return_day", period="2026-10")
    with app.app_context():
        JOBS["close_month"].run(datetime(2026, 11, 6, 2, 0, tzinfo=UTC))
        [entry] = db.session.scalars(select(ActionLogEntry)).all()
    assert (entry.action, entry.account_id, entry.account_name) == ("period.close", None, "县委组织部（系统）")
