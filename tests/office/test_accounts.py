"""Accounts from the office: secretaries named and removed, passwords reset, accounts suspended; by an
admin only, never on their own account, every act logged."""

import pytest
from sqlalchemy import select

from app.auth.models import Account, LoginSession
from app.extensions import db
from tests.factories import PASSWORD
from tests.office.conftest import hook, log_in


def _account(app, account_id):
    with app.app_context():
        account = db.session.get(Account, account_id)
        db.session.expunge(account)
        return account


def test_a_member_named_secretary_keeps_their_member_id_and_lands_on_their_home(app, client, auth, county, logged):
    member = county["member"]
    named = client.post(
        "/api/v1/accounts/secretaries",
        json={"community_id": county["community"].id, "phone": member.phone},
        headers=auth(county["admin"]),
    )
    assert named.status_code == 200, named.get_json()
    body = named.get_json()
    assert (body["role"], body["member_id"], body["community_id"], body["password"]) == (
        "secretary",
        member.id,
        county["community"].id,
        None,
    )
    assert logged("account.") == [
        ("account.name_secretary", f"书记账号#{member.account.id} {member.name}（{member.phone}）", county["admin"].id)
    ]
    assert log_in(app.test_client(), member.account).get("/me").status_code == 200


def test_a_new_secretary_gets_a_one_time_password_to_change_at_first_login(app, client, auth, county):
    named = client.post(
        "/api/v1/accounts/secretaries",
        json={"unit_id": county["unit"].id, "phone": "13912345678", "name": "林书记"},
        headers=auth(county["admin"]),
    ).get_json()
    assert named["role"] == "secretary" and named["unit_id"] == county["unit"].id and named["member_id"] is None
    assert named["must_change_password"] is True and len(named["password"]) == 10
    first = app.test_client().post("/login", data={"phone": "13912345678", "password": named["password"]})
    assert first.status_code == 302 and first.location.startswith("/me/password")


def test_naming_refuses_a_bad_phone_a_missing_scope_and_an_admin(client, auth, county, logged):
    admin = auth(county["admin"])
    bad_phone = client.post(
        "/api/v1/accounts/secretaries",
        json={"community_id": county["community"].id, "phone": "12", "name": "王"},
        headers=admin,
    )
    assert bad_phone.status_code == 400 and bad_phone.get_json()["code"] == "invalid_phone"
    no_scope = client.post("/api/v1/accounts/secretaries", json={"phone": county["member"].phone}, headers=admin)
    assert no_scope.status_code == 400 and "社区或一个单位" in no_scope.get_json()["message"]
    myself = client.post(
        "/api/v1/accounts/secretaries",
        json={"community_id": county["community"].id, "account_id": county["admin"].id},
        headers=admin,
    )
    assert myself.status_code == 409 and myself.get_json()["code"] == "own_account"
    assert logged() == []


def test_a_removed_secretary_who_is_a_member_is_a_member_again_and_one_who_is_not_is_suspended(
    app, client, auth, county, make, logged
):
    admin = auth(county["admin"])
    member_secretary = make.secretary(county["community"], member=make.member(county["community"], with_account=False))
    plain = county["secretary"]
    back = client.post(f"/api/v1/accounts/{member_secretary.id}/remove-secretary", headers=admin).get_json()
    assert (back["role"], back["community_id"], back["suspended"]) == ("member", None, False)
    gone = client.post(f"/api/v1/accounts/{plain.id}/remove-secretary", headers=admin).get_json()
    assert (gone["role"], gone["community_id"], gone["suspended"]) == ("secretary", None, True)
    again = client.post(f"/api/v1/accounts/{member_secretary.id}/remove-secretary", headers=admin)
    assert again.status_code == 409 and again.get_json()["code"] == "not_secretary"
    assert [a for a, _, _ in logged("account.")] == ["account.remove_secretary"] * 2


def test_suspension_ends_every_session_and_token_and_refuses_the_next_login(app, client, auth, county, logged):
    member = county["member"].account
    token = auth(member)
    browser = log_in(app.test_client(), member)
    assert browser.get("/me").status_code == 200
    suspended = client.post(f"/api/v1/accounts/{member.id}/suspend", headers=auth(county["admin"]))
    assert suspended.status_code == 200 and suspended.get_json()["suspended"] is True
    assert client.get("/api/v1/me", headers=token).status_code == 401
    assert browser.get("/me").status_code == 302  # the session is gone: off to /login
    with app.app_context():
        assert db.session.scalars(select(LoginSession).where(LoginSession.account_id == member.id)).all() == []
    refused = client.post("/api/v1/auth/token", json={"phone": member.phone, "password": PASSWORD})
    assert refused.status_code == 403 and refused.get_json()["code"] == "account_suspended"
    page = app.test_client().post("/login", data={"phone": member.phone, "password": PASSWORD})
    assert page.status_code == 400 and "已停用" in page.text
    wrong = client.post("/api/v1/auth/token", json={"phone": member.phone, "password": "wrong-password"})
    assert wrong.get_json()["code"] == "bad_credentials"  # a stranger learns nothing of the suspension
    client.post(f"/api/v1/accounts/{member.id}/unsuspend", headers=auth(county["admin"]))
    assert client.post("/api/v1/auth/token", json={"phone": member.phone, "password": PASSWORD}).status_code == 200
    assert [a for a, _, _ in logged("account.")] == ["account.suspend", "account.unsuspend"]


def test_an_admin_cannot_suspend_or_demote_themself(client, auth, county, logged):
    admin = auth(county["admin"])
    for path in ("suspend", "remove-secretary"):
        refused = client.post(f"/api/v1/accounts/{county['admin'].id}/{path}", headers=admin)
        assert refused.status_code == 409 and refused.get_json()["code"] == "own_account"
        assert "不能" in refused.get_json()["message"]
    assert logged() == []


def test_the_page_resets_a_password_once_and_the_api_does_the_same_reset(app, office, client, auth, county, logged):
    member = county["member"].account
    token = auth(member)
    reset = office.post("/office/accounts", data={"action": "reset_password", "id": member.id})
    assert reset.status_code == 200 and hook(reset.text, "data-office-status") == "done"
    password = hook(reset.text, "data-one-time-password")
    assert client.get("/api/v1/me", headers=token).status_code == 401
    assert _account(app, member.id).must_change_password is True
    assert password not in office.get("/office/accounts").text  # shown once
    first = app.test_client().post("/login", data={"phone": member.phone, "password": password})
    assert first.location.startswith("/me/password")
    by_api = client.post(f"/api/v1/accounts/{member.id}/password-reset", headers=auth(county["admin"]))
    assert by_api.status_code == 200 and by_api.get_json()["password"] != password
    assert [a for a, _, _ in logged("account.")] == ["account.password_reset"] * 2


def test_the_page_lists_accounts_and_names_suspends_and_removes(app, office, county, logged):
    listing = office.get("/office/accounts?role=secretary")
    assert listing.status_code == 200
    assert f'data-account-id="{county["secretary"].id}" data-role="secretary"' in listing.text
    assert f'data-account-id="{county["member"].account.id}"' not in listing.text
    named = office.post(
        "/office/accounts",
        data={
            "action": "name_secretary",
            "scope": f"community:{county['community'].id}",
            "phone": "13911112222",
            "name": "陈书记",
        },
    )
    assert hook(named.text, "data-office-status") == "done" and hook(named.text, "data-one-time-password")
    suspended = office.post("/office/accounts", data={"action": "suspend", "id": county["member"].account.id})
    assert hook(suspended.text, "data-office-status") == "done"
    assert f'data-account-id="{county["member"].account.id}" data-role="member" data-suspended="true"' in suspended.text
    myself = office.post("/office/accounts", data={"action": "suspend", "id": county["admin"].id})
    assert myself.status_code == 409 and hook(myself.text, "data-office-status") == "own_account"
    no_scope = office.post("/office/accounts", data={"action": "name_secretary", "scope": "", "phone": "13911113333"})
    assert no_scope.status_code == 400 and "请选择" in no_scope.text
    searched = office.get("/office/accounts?q=陈书记")
    assert "13911112222" in searched.text and county["member"].account.phone not in searched.text
    assert [a for a, _, _ in logged("account.")] == ["account.name_secretary", "account.suspend"]


@pytest.mark.parametrize("who", ["secretary", "member"])
def test_nobody_but_an_admin_lists_or_changes_accounts(app, client, auth, county, outsiders, who, logged):
    account = county[who] if who == "secretary" else county[who].account
    headers = auth(account)
    assert client.get("/api/v1/accounts", headers=headers).status_code == 403
    target = county["member"].account if who == "secretary" else county["secretary"]
    for path in ("suspend", "unsuspend", "remove-secretary"):
        refused = client.post(f"/api/v1/accounts/{target.id}/{path}", headers=headers)
        assert refused.status_code == 403 and refused.get_json()["code"] == "not_allowed"
    named = client.post(
        "/api/v1/accounts/secretaries",
        json={"community_id": county["community"].id, "account_id": account.id},
        headers=headers,
    )
    assert named.status_code == 403
    posted = outsiders[who].post("/office/accounts", data={"action": "suspend", "id": target.id})
    assert posted.status_code == 403 and "没有权限" in posted.text
    assert _account(app, target.id).suspended is False and _account(app, account.id).role == who
    assert logged() == []
