"""Accounts: bearer tokens for the API, a session for pages, and a lock-out against guessing (tests/auth
holds the lock-out per address, the rate limits, revocable sessions and the security headers)."""

from app.auth.models import Account
from app.extensions import db
from tests.factories import PASSWORD


def test_a_member_gets_a_bearer_token_and_sees_themself(client, make, auth):
    member = make.member(name="林秀英")
    response = client.post("/api/v1/auth/token", json={"phone": member.phone, "password": PASSWORD})
    body = response.get_json()
    assert response.status_code == 200
    assert body["token_type"] == "Bearer" and body["expires_in"] > 0
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"}).get_json()
    assert me == {
        "member_id": member.id,
        "name": "林秀英",
        "community_id": member.community_id,
        "unit_id": member.unit_id,
        "points_month": 0,
        "points_total": 0,
        "rank_month": None,
    }


def test_a_wrong_password_is_refused_in_chinese(client, make):
    member = make.member()
    response = client.post("/api/v1/auth/token", json={"phone": member.phone, "password": "wrong"})
    assert response.status_code == 401
    assert response.get_json() == {"code": "bad_credentials", "message": "手机号或密码不正确"}


def test_an_unknown_phone_gets_the_same_answer_as_a_wrong_password(client):
    response = client.post("/api/v1/auth/token", json={"phone": "13900000000", "password": "x"})
    assert response.status_code == 401 and response.get_json()["code"] == "bad_credentials"


def test_repeated_wrong_passwords_lock_the_phone_out_from_that_address_even_for_the_right_one(app, client, make):
    member = make.member()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/api/v1/auth/token", json={"phone": member.phone, "password": "guess"})
    response = client.post("/api/v1/auth/token", json={"phone": member.phone, "password": PASSWORD})
    assert response.status_code == 429
    assert response.get_json()["code"] == "locked_out" and "分钟后再试" in response.get_json()["message"]
    assert int(response.headers["Retry-After"]) > 0


def test_a_forged_or_stale_token_is_refused(app, client, make, auth):
    member = make.member()
    headers = auth(member.account)
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer forged.token.here"}).status_code == 401
    with app.app_context():
        db.session.get(Account, member.account.id).token_version += 1  # a password change
        db.session.commit()
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401 and response.get_json()["code"] == "invalid_token_auth"


def test_me_is_for_members_only(client, make, auth):
    admin = make.admin()
    response = client.get("/api/v1/me", headers=auth(admin))
    assert response.status_code == 403 and response.get_json()["code"] == "not_allowed"


def test_a_suspended_account_is_refused(app, client, make, auth):
    member = make.member()
    headers = auth(member.account)
    with app.app_context():
        db.session.get(Account, member.account.id).suspended = True
        db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 403


def test_the_login_page_sets_a_session_and_follows_next(app, make):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    member = make.member()
    page = client.get("/login?next=/c/abc")
    assert 'name="phone"' in page.text and 'name="password"' in page.text
    without_csrf = client.post("/login", data={"phone": member.phone, "password": PASSWORD})
    assert without_csrf.status_code == 400
    token = page.text.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/login?next=/c/abc", data={"phone": member.phone, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/c/abc"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_login_page_never_redirects_off_site(client, make):
    member = make.member()
    # "/\\evil" is "//evil" to a browser, which reads a backslash as a slash.
    for target in ("//evil.example/x", "/\\evil.example/x", "https://evil.example/x"):
        response = client.post(f"/login?next={target}", data={"phone": member.phone, "password": PASSWORD})
        assert response.status_code == 302 and response.headers["Location"] == "/me", target


def test_a_phone_with_a_nul_character_is_refused_on_the_login_page(client, make):
    make.member()
    response = client.post("/login", data={"phone": "138\x00", "password": PASSWORD})
    assert response.status_code == 400 and "手机号格式不对" in response.text
