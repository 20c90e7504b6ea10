"""Changing one's password, and resetting a forgotten one (issue 14, finding 6)."""

import pytest
from sqlalchemy import select

from app.auth.models import Account, LoginSession
from app.extensions import db
from tests.auth.conftest import log_in_page, login
from tests.factories import PASSWORD


def _change(client, auth, account, password, new_password):
    return client.post(
        "/api/v1/me/password",
        json={"password": password, "new_password": new_password},
        headers=auth(account, password),
    )


@pytest.mark.parametrize(
    "new_password, reason",
    [
        ("short7!", "至少需要8个字符"),
        ("aaaaaaaaaa", "不能全是同一个字符"),
        (PASSWORD, "不能与当前密码相同"),
    ],
)
def test_a_weak_new_password_is_refused_in_chinese_and_changes_nothing(client, make, auth, new_password, reason):
    member = make.member()
    answer = _change(client, auth, member.account, PASSWORD, new_password)
    assert answer.status_code == 400 and answer.get_json()["code"] == "weak_password"
    assert reason in answer.get_json()["message"]
    assert login(client, member.phone, PASSWORD).status_code == 200


def test_a_wrong_current_password_is_refused_and_counts_toward_the_lock_out(app, client, make, auth):
    member = make.member()
    headers = auth(member.account)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        answer = client.post(
            "/api/v1/me/password", json={"password": "guess", "new_password": "新的密码-2026"}, headers=headers
        )
        assert answer.status_code == 403 and answer.get_json() == {
            "code": "wrong_password",
            "message": "当前密码不正确",
        }
    answer = client.post(
        "/api/v1/me/password", json={"password": PASSWORD, "new_password": "新的密码-2026"}, headers=headers
    )
    assert answer.status_code == 429 and answer.get_json()["code"] == "locked_out"


def test_an_admin_resets_a_forgotten_password_once_and_every_session_and_token_ends(app, client, browser, make, auth):
    member, admin = make.member(), make.admin()
    phone = browser()
    log_in_page(phone, member.account)
    old_token = auth(member.account)

    answer = client.post(f"/api/v1/accounts/{member.account.id}/password-reset", headers=auth(admin))
    body = answer.get_json()
    assert answer.status_code == 200 and body["account_id"] == member.account.id and body["must_change_password"]
    assert len(body["password"]) >= 8
    assert client.get("/api/v1/me", headers=old_token).status_code == 401
    with app.app_context():
        assert db.session.scalars(select(LoginSession).where(LoginSession.account_id == member.account.id)).all() == []
        stored = db.session.get(Account, member.account.id)
        assert stored.must_change_password and body["password"] not in stored.password_hash
    assert login(client, member.phone, PASSWORD).status_code == 401
    assert login(client, member.phone, body["password"]).status_code == 200

    # Changing it clears the flag.
    assert _change(client, auth, member.account, body["password"], "新的密码-2026").status_code == 200
    with app.app_context():
        assert not db.session.get(Account, member.account.id).must_change_password


def test_a_secretary_resets_only_the_members_of_their_own_community(client, make, auth):
    community = make.community()
    own, elsewhere = make.member(community), make.member()
    secretary = auth(make.secretary(community))
    assert client.post(f"/api/v1/accounts/{own.account.id}/password-reset", headers=secretary).status_code == 200
    refused = client.post(f"/api/v1/accounts/{elsewhere.account.id}/password-reset", headers=secretary)
    assert refused.status_code == 403 and refused.get_json()["code"] == "forbidden"
    admin = make.admin()
    assert client.post(f"/api/v1/accounts/{admin.id}/password-reset", headers=secretary).status_code == 403


def test_a_member_resets_nobody_and_an_unknown_account_is_404(client, make, auth):
    member, other = make.member(), make.member()
    headers = auth(member.account)
    assert client.post(f"/api/v1/accounts/{other.account.id}/password-reset", headers=headers).status_code == 403
    assert client.post("/api/v1/accounts/999999/password-reset", headers=auth(make.admin())).status_code == 404
    assert client.post(f"/api/v1/accounts/{other.account.id}/password-reset").status_code == 401


def test_an_admin_cannot_reset_their_own_password_and_keeps_their_token(client, make, auth):
    admin = make.admin()
    headers = auth(admin)
    refused = client.post(f"/api/v1/accounts/{admin.id}/password-reset", headers=headers)
    assert refused.status_code == 409 and refused.get_json()["code"] == "own_account"
    assert client.get("/api/v1/accounts", headers=headers).status_code == 200


def test_both_calls_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in paths["/api/v1/me/password"]
    assert "post" in paths["/api/v1/accounts/{account_id}/password-reset"]
