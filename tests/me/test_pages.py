"""The member's pages through the test client: the hooks outside checks rely on, and their rules."""

from datetime import UTC, datetime, timedelta

import pytest

from app.db import utcnow
from ledger import periods
from tests.factories import PASSWORD, log_in
from tests.points.conftest import Ledger


@pytest.fixture
def ledger(app, make):
    return Ledger(app, make)


@pytest.fixture
def town(make):
    community = make.community()
    return {"community": community, "secretary": make.secretary(community), "member": make.member(community)}


def hook(html: str, name: str) -> str:
    """The value of the first data-* attribute of that name on the page."""
    return html.split(f'{name}="', 1)[1].split('"', 1)[0]


def test_a_member_lands_on_me_and_a_secretary_on_the_desk(client, make, town):
    assert log_in(client, town["member"].account).location == "/me"
    client.post("/logout")
    assert log_in(client, town["secretary"]).location == "/desk"
    assert log_in(client, town["member"].account, next_path="/events").location == "/events"


def test_an_account_flagged_to_change_its_password_is_sent_there_first(app, client, make, town):
    from app.auth.models import Account
    from app.extensions import db

    with app.app_context():
        db.session.get(Account, town["member"].account.id).must_change_password = True
        db.session.commit()
    landed = log_in(client, town["member"].account, next_path="/me/points")
    assert landed.location == "/me/password?next=/me/points"
    assert client.get("/me/households").location.startswith("/me/password")
    changed = client.post(
        "/me/password?next=/me/points",
        data={"password": PASSWORD, "new_password": "a-new-pass-2", "new_password_again": "a-new-pass-2"},
    )
    assert changed.status_code == 302 and changed.location == "/me/points"
    assert client.get("/me/households").status_code == 200


def test_home_shows_the_figures_of_the_api_and_the_quarters_duty(client, auth, make, ledger, town):
    member = town["member"]
    event = make.event(town["community"])
    entry = ledger.checkin(member, event)
    ledger.decide(town["secretary"], entry)
    log_in(client, member.account)
    html = client.get("/me").text
    me = client.get("/api/v1/me", headers=auth(member.account)).get_json()
    assert me["points_month"] > 0
    assert hook(html, "data-points-month") == str(me["points_month"])
    assert hook(html, "data-points-total") == str(me["points_total"])
    assert hook(html, "data-rank-month") == str(me["rank_month"])
    assert hook(html, "data-duty-met") == "true"


def test_a_member_who_has_not_reported_is_told_the_quarters_last_day(client, town):
    log_in(client, town["member"].account)
    html = client.get("/me").text
    quarter_end = periods.local(periods.bounds(periods.quarter_of(utcnow()))[1] - timedelta(seconds=1)).date()
    assert hook(html, "data-duty-met") == "false" and "本季度尚未报到" in html
    assert f"{quarter_end.year}年{quarter_end.month}月{quarter_end.day}日" in html
    assert hook(html, "data-rank-month") == "" and hook(html, "data-points-month") == "0"


def test_home_shows_the_next_return_day_and_takes_leave_from_it(client, make, town):
    later = datetime.now(UTC) + timedelta(days=4)
    event = make.event(town["community"], title="下月回家日", starts_at=later)
    log_in(client, town["member"].account)
    html = client.get("/me").text
    assert "下月回家日" in html and "您尚未报名" in html
    asked = client.post("/me", data={"event_id": event.id, "action": "ask", "reason": "出差"})
    assert hook(asked.text, "data-leave-status") == "requested" and hook(asked.text, "data-leave-state") == "pending"
    again = client.post("/me", data={"event_id": event.id, "action": "ask", "reason": "出差"})
    assert hook(again.text, "data-leave-status") == "already"
    withdrawn = client.post("/me", data={"event_id": event.id, "action": "cancel"})
    assert hook(withdrawn.text, "data-leave-status") == "cancelled"
    blank = client.post("/me", data={"event_id": event.id, "action": "ask", "reason": "  "})
    assert blank.status_code == 400 and hook(blank.text, "data-leave-status") == "blank_text"


def test_my_points_lists_each_entry_with_its_state_and_the_months_total_matches_home(client, auth, make, ledger, town):
    member, secretary = town["member"], town["secretary"]
    posted = ledger.checkin(member, make.event(town["community"], title="本月回家日"))
    ledger.decide(secretary, posted)
    rejected = ledger.visit(member, town["community"], "sickness")
    ledger.decide(secretary, rejected, "reject", reason="当天未见到住户")
    pending = ledger.visit(member, town["community"], "hardship")
    reversed_ = ledger.visit(member, town["community"], "dispute")
    ledger.decide(secretary, reversed_)
    reversal = ledger.reverse(secretary, reversed_)
    log_in(client, member.account)
    html = client.get("/me/points").text
    for entry_id, state in ((posted, "posted"), (rejected, "rejected"), (pending, "pending"), (reversal, "posted")):
        assert f'data-entry-id="{entry_id}" data-state="{state}"' in html
    assert "已驳回：当天未见到住户" in html and "本月回家日" in html and "待审核" in html
    me = client.get("/api/v1/me", headers=auth(member.account)).get_json()
    assert hook(html, "data-points-posted") == str(me["points_month"])


def test_my_points_takes_a_month_and_refuses_a_bad_one_in_chinese(client, town):
    log_in(client, town["member"].account)
    assert "这个月还没有积分记录" in client.get("/me/points?period=2025-01").text
    bad = client.get("/me/points?period=2025-13")
    assert bad.status_code == 400 and "不是有效的月份" in bad.text


def test_a_visit_from_the_households_page_is_created_once_and_refusals_carry_their_code(client, make, town):
    member = town["member"]
    household = make.household(town["community"], member, hardship=True)
    other = make.household(town["community"], make.member(town["community"]))
    log_in(client, member.account)
    page = client.get("/me/households").text
    today = periods.local(utcnow()).date().isoformat()
    assert f'data-household-id="{household.id}"' in page and f'value="{today}"' in page and "困难群众" in page

    def visit(**fields):
        data = {"household_id": household.id, "category": "hardship", "visited_on": today, "note": "", **fields}
        return client.post("/me/households", data=data)

    assert hook(visit().text, "data-visit-status") == "created"
    assert hook(visit(category="routine").text, "data-visit-status") == "already"
    assert hook(visit(household_id=other.id).text, "data-visit-status") == "not_paired"
    assert hook(visit(category="party").text, "data-visit-status") == "invalid_category"
    assert hook(visit(visited_on="2999-01-01").text, "data-visit-status") == "future_date"
    assert hook(visit(visited_on="昨天").text, "data-visit-status") == "invalid_request"
    assert hook(visit(household_id="99999999999999999999").text, "data-visit-status") == "invalid_request"
    too_long = visit(visited_on=(periods.local(utcnow()) - timedelta(days=1)).date().isoformat(), note="长" * 501)
    assert too_long.status_code == 400 and hook(too_long.text, "data-visit-status") == "note_too_long"


def test_the_api_holds_a_visits_note_to_500_characters(client, auth, make, town):
    household = make.household(town["community"], town["member"])
    body = {
        "household_id": household.id,
        "category": "routine",
        "visited_on": periods.local(utcnow()).date().isoformat(),
    }
    refused = client.post("/api/v1/visits", json={**body, "note": "长" * 501}, headers=auth(town["member"].account))
    # The API's schema holds the limit before the operation does: the field is named in the message.
    assert refused.status_code == 400 and refused.get_json()["code"] == "invalid_request"
    assert "note" in refused.get_json()["message"]
    assert (
        client.post(
            "/api/v1/visits", json={**body, "note": "长" * 500}, headers=auth(town["member"].account)
        ).status_code
        == 201
    )


def test_the_events_page_lists_what_a_member_may_join_and_signs_up_and_cancels(client, make, town):
    soon = datetime.now(UTC) + timedelta(days=3)
    own = make.event(town["community"], title="本社区回家日", starts_at=soon)
    elsewhere = make.community(name="别的社区")
    clinic = make.event(elsewhere, kind="service", title="义诊", capacity=1, starts_at=soon)
    their_day = make.event(elsewhere, title="别人的回家日", starts_at=soon)
    make.event(town["community"], kind="service", title="上月服务", starts_at=datetime.now(UTC) - timedelta(days=30))
    log_in(client, town["member"].account)
    html = client.get("/events").text
    assert f'data-event-id="{own.id}"' in html and f'data-event-id="{clinic.id}"' in html
    assert f'data-event-id="{their_day.id}"' not in html and "上月服务" not in html
    assert "不计入季度报到" in html and "还剩 1 个名额" in html

    def act(event, action):
        return client.post("/events", data={"event_id": event.id, "action": action})

    assert hook(act(clinic, "signup").text, "data-signup-status") == "signed_up"
    assert hook(act(clinic, "signup").text, "data-signup-status") == "already"
    assert hook(act(their_day, "signup").text, "data-signup-status") == "not_allowed"
    assert hook(act(clinic, "cancel").text, "data-signup-status") == "cancelled"
    client.post("/logout")
    log_in(client, make.member(elsewhere).account)
    act(clinic, "signup")
    client.post("/logout")
    log_in(client, town["member"].account)
    assert "名额已满" in client.get("/events").text
    full = act(clinic, "signup")
    assert full.status_code == 409 and hook(full.text, "data-signup-status") == "event_full" and "名额已满" in full.text


def test_a_member_cannot_sign_up_for_another_communitys_return_day_by_the_api(client, auth, make, town):
    their_day = make.event(make.community(), starts_at=datetime.now(UTC) + timedelta(days=3))
    refused = client.post(f"/api/v1/events/{their_day.id}/signups", headers=auth(town["member"].account))
    assert refused.status_code == 403 and refused.get_json()["code"] == "not_allowed"


def test_changing_the_password_keeps_this_session_and_ends_every_other_one(app, make, town, auth):
    member = town["member"]
    here, elsewhere = app.test_client(), app.test_client()
    log_in(here, member.account)
    log_in(elsewhere, member.account)
    token = auth(member.account)
    wrong = here.post(
        "/me/password",
        data={"password": "wrong-pass", "new_password": "a-new-pass-2", "new_password_again": "a-new-pass-2"},
    )
    assert wrong.status_code == 403 and hook(wrong.text, "data-password-status") == "wrong_password"
    mismatch = here.post(
        "/me/password",
        data={"password": PASSWORD, "new_password": "a-new-pass-2", "new_password_again": "a-new-pass-3"},
    )
    assert mismatch.status_code == 400 and "两次输入的新密码不一致" in mismatch.text
    changed = here.post(
        "/me/password",
        data={"password": PASSWORD, "new_password": "a-new-pass-2", "new_password_again": "a-new-pass-2"},
    )
    assert changed.status_code == 302 and changed.location == "/me"
    assert here.get("/me").status_code == 200
    assert elsewhere.get("/me").location == "/login?next=/me"
    assert here.get("/api/v1/me", headers=token).status_code == 401


def test_a_page_outside_ones_role_is_a_chinese_403_with_a_way_home(client, town):
    log_in(client, town["secretary"])
    page = client.get("/me")
    assert page.status_code == 403 and "该页面只供在职党员使用" in page.text and 'href="/"' in page.text


def test_unknown_pages_are_a_chinese_404_while_the_api_keeps_its_json(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "找不到该页面" in page.text and page.mimetype == "text/html"
    api = client.get("/api/v1/no-such-call")
    assert api.status_code == 404 and api.get_json()["code"] == "not_found"


def test_a_page_error_is_a_chinese_500_page_and_the_api_keeps_its_json(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    page = client.get("/boom")
    assert page.status_code == 500 and "出错了" in page.text and "Traceback" not in page.text


def test_a_lost_session_sends_the_member_to_login_and_back(client, town):
    assert client.get("/me/points?period=2026-01").location == "/login?next=/me/points?period%3D2026-01"
    log_in(client, town["member"].account)
    client.post("/logout")
    assert client.get("/me").location == "/login?next=/me"


def test_a_form_without_its_csrf_token_goes_to_login_in_chinese_not_bad_request(app, make, town):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    page = client.get("/login")
    token = page.text.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"phone": town["member"].phone, "password": PASSWORD, "csrf_token": token})
    stale = client.post("/events", data={"event_id": 1, "action": "signup", "csrf_token": "stale"})
    assert stale.status_code == 302 and stale.location == "/login?next=/events"
    assert "页面已过期" in client.get(stale.location).text
    again = client.post("/login", data={"phone": town["member"].phone, "password": PASSWORD})
    assert again.status_code == 400 and "页面已过期" in again.text and "Bad Request" not in again.text


def test_static_files_are_linked_by_content_hash_and_cached_for_a_year(client, town):
    log_in(client, town["member"].account)
    html = client.get("/me").text
    href = html.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    assert href.startswith("/static/site.css?v=")
    with client.get(href) as cached:
        assert cached.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    with client.get("/static/site.css?v=0000") as stale:
        assert "immutable" not in stale.headers["Cache-Control"]


def test_every_member_page_is_under_30_kb(client, make, town):
    community, member = town["community"], town["member"]
    for _ in range(12):
        make.household(community, member, hardship=True, sickness=True)
    for n in range(10):
        make.event(
            community,
            kind="service",
            title=f"服务{n}",
            capacity=30,
            starts_at=datetime.now(UTC) + timedelta(days=n + 1),
        )
    log_in(client, member.account)
    for path in ("/me", "/me/points", "/me/households", "/events", "/me/notices", "/me/password"):
        response = client.get(path)
        assert response.status_code == 200 and len(response.data) < 30_000, (path, len(response.data))
