"""Self-registration (线上双报到) and the community secretary's decision: the rules, through the API and
the pages (the test client; the browser walk is tests/pages/test_register.py)."""

import threading

import pytest
from sqlalchemy import func, select

from app.action_log.models import ActionLogEntry
from app.auth.models import Account
from app.db import utcnow
from app.extensions import db
from app.members.models import Member
from app.outbox.models import OutboxMessage
from app.registrations import operations
from app.registrations.models import Registration
from tests.registrations.conftest import CHOSEN, hook, log_in, page_log_in

UNAVAILABLE = "该手机号无法注册，如已有账号请直接登录或联系社区书记"


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _waiting(client, form) -> int:
    response = client.post("/api/v1/registrations", json=form())
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["status"] == "waiting"
    return response.get_json()["registration_id"]


def test_a_phone_and_name_on_the_roster_without_an_account_are_active_at_once(app, client, town, form):
    roster = town["roster"]
    response = client.post("/register", data=form(name=roster.name, phone=roster.phone))
    assert response.status_code == 200
    assert hook(response.text, "data-register-status") == "active"
    assert log_in(client, roster.phone, CHOSEN).status_code == 200
    with app.app_context():
        account = db.session.scalars(select(Account).where(Account.phone == roster.phone)).one()
        assert (account.role, account.member_id) == ("member", roster.id)
        assert db.session.get(Member, roster.id).community_id == town["east"].id


def test_a_roster_member_marked_inactive_waits_and_is_active_again_once_confirmed(app, client, auth, town, form):
    roster = town["roster"]
    with app.app_context():
        db.session.get(Member, roster.id).active = False
        db.session.commit()
    response = client.post("/api/v1/registrations", json=form(name=roster.name, phone=roster.phone))
    assert response.status_code == 201 and response.get_json()["status"] == "waiting"
    assert log_in(client, roster.phone, CHOSEN).status_code == 401
    registration_id = response.get_json()["registration_id"]
    client.post(f"/api/v1/registrations/{registration_id}/confirm", headers=auth(town["east_secretary"]))
    with app.app_context():
        assert db.session.get(Member, roster.id).active
    assert log_in(client, roster.phone, CHOSEN).status_code == 200


def test_anyone_else_waits_and_cannot_log_in_until_their_secretary_confirms(app, client, auth, town, form):
    response = client.post("/register", data=form())
    assert hook(response.text, "data-register-status") == "waiting"
    assert "东街社区" in response.text
    assert log_in(client, "13900000002", CHOSEN).status_code == 401
    [row] = client.get("/api/v1/registrations", headers=auth(town["east_secretary"])).get_json()["registrations"]
    assert (row["state"], row["name"], row["grid_id"]) == ("waiting", "陈建国", town["east_grid"].id)

    confirmed = client.post(f"/api/v1/registrations/{row['id']}/confirm", headers=auth(town["east_secretary"]))
    assert confirmed.status_code == 200 and confirmed.get_json()["state"] == "confirmed"
    token = log_in(client, "13900000002", CHOSEN)
    assert token.status_code == 200
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token.get_json()['access_token']}"})
    assert (me.get_json()["name"], me.get_json()["community_id"]) == ("陈建国", town["east"].id)


def test_a_roster_phone_under_another_name_waits_and_on_confirm_becomes_that_member(app, client, auth, town, form):
    roster = town["roster"]
    registration_id = _waiting(client, lambda: form(name="林秀音", phone=roster.phone))
    [row] = client.get("/api/v1/registrations", headers=auth(town["east_secretary"])).get_json()["registrations"]
    assert row["roster_name"] == "林秀英"
    client.post(f"/api/v1/registrations/{registration_id}/confirm", headers=auth(town["east_secretary"]))
    with app.app_context():
        account = db.session.scalars(select(Account).where(Account.phone == roster.phone)).one()
        assert account.member_id == roster.id and db.session.get(Member, roster.id).name == "林秀音"
    assert _count(app, Member) == 1


def test_a_refusal_needs_a_reason_is_kept_and_frees_the_phone(app, client, auth, town, form):
    registration_id = _waiting(client, form)
    secretary = auth(town["east_secretary"])
    blank = client.post(
        f"/api/v1/registrations/{registration_id}/refuse", json={"reason": " \u200b"}, headers=secretary
    )
    assert blank.status_code == 400 and blank.get_json()["code"] == "blank_text"
    refused = client.post(
        f"/api/v1/registrations/{registration_id}/refuse", json={"reason": "本社区无此住址"}, headers=secretary
    )
    assert (refused.get_json()["state"], refused.get_json()["reason"]) == ("refused", "本社区无此住址")
    assert log_in(client, "13900000002", CHOSEN).status_code == 401
    later = client.post(f"/api/v1/registrations/{registration_id}/confirm", headers=secretary)
    assert later.status_code == 409 and later.get_json()["code"] == "registration_decided"
    with app.app_context():
        assert db.session.get(Registration, registration_id).password_hash is None
    _waiting(client, form)


@pytest.mark.parametrize("holder", ["account", "waiting"])
def test_a_phone_that_cannot_register_is_refused_in_one_message_that_names_nobody(
    app, client, make, town, form, holder
):
    if holder == "account":
        make.member(town["west"], name="王德明", phone="13900000002")
    else:
        _waiting(client, lambda: form(name="王德明"))
    api = client.post("/api/v1/registrations", json=form(name="李四"))
    assert api.status_code == 409
    assert api.get_json() == {"code": "phone_unavailable", "message": UNAVAILABLE}
    page = client.post("/register", data=form(name="李四"))
    assert page.status_code == 409 and hook(page.text, "data-register-status") == "phone_unavailable"
    assert UNAVAILABLE in page.text and "王德明" not in page.text and "西街社区" not in page.text.split("<form")[0]
    assert _count(app, Registration, Registration.name == "李四") == 0


def test_a_grid_of_another_community_is_refused_in_chinese_and_nothing_is_written(app, client, town, form):
    response = client.post("/api/v1/registrations", json=form(grid_id=town["west_grid"].id))
    assert response.status_code == 400 and response.get_json()["code"] == "grid_not_in_community"
    assert "东街社区" in response.get_json()["message"]
    page = client.post("/register", data=form(grid_id=town["west_grid"].id))
    assert hook(page.text, "data-register-status") == "grid_not_in_community"
    assert _count(app, Registration) == 0


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"password": "short"}, "weak_password"),
        ({"password": "aaaaaaaaaa"}, "weak_password"),
        ({"phone": "12345"}, "invalid_phone"),
        ({"name": "\u200b "}, "blank_text"),
        ({"address": "路" * 201}, "text_too_long"),
        ({"grid_id": None}, "grid_required"),
    ],
)
def test_bad_fields_are_refused_with_their_code(app, client, form, changes, code):
    response = client.post("/api/v1/registrations", json=form(**changes))
    assert response.status_code == 400 and response.get_json()["code"] == code, response.get_json()
    assert _count(app, Registration) == 0


@pytest.mark.parametrize("app_config", [{"RATELIMIT_REGISTER": "3 per hour"}], indirect=True)
def test_registrations_are_limited_per_address(app, client, form):
    for n in range(3):
        client.post(
            "/api/v1/registrations", json=form(phone=f"1390000010{n}"), environ_base={"REMOTE_ADDR": "10.0.0.9"}
        )
    api = client.post("/api/v1/registrations", json=form(phone="13900000199"), environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert api.status_code == 429 and api.get_json()["code"] == "rate_limited" and int(api.headers["Retry-After"]) > 0
    page = client.post("/register", data=form(phone="13900000198"), environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert page.status_code == 429 and "请求过于频繁" in page.text
    assert client.get("/register", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200
    elsewhere = client.post(
        "/api/v1/registrations", json=form(phone="13900000197"), environ_base={"REMOTE_ADDR": "10.0.0.8"}
    )
    assert elsewhere.status_code == 201


def test_another_communitys_secretary_can_neither_list_confirm_nor_refuse(app, client, auth, town, form):
    registration_id = _waiting(client, form)
    west = auth(town["west_secretary"])
    listed = client.get(f"/api/v1/registrations?community_id={town['east'].id}", headers=west)
    assert listed.status_code == 403
    assert client.get("/api/v1/registrations", headers=west).get_json()["registrations"] == []
    assert client.post(f"/api/v1/registrations/{registration_id}/confirm", headers=west).status_code == 403
    refused = client.post(f"/api/v1/registrations/{registration_id}/refuse", json={"reason": "不认识"}, headers=west)
    assert refused.status_code == 403
    with app.app_context():
        assert db.session.get(Registration, registration_id).state == "waiting"
    assert _count(app, Account, Account.phone == "13900000002") == 0
    assert _count(app, ActionLogEntry) == 0


def test_two_secretaries_confirming_at_once_make_one_account(app, make, client, town, form):
    registration_id = _waiting(client, form)
    deciders = [town["east_secretary"], make.secretary(town["east"])]
    barrier, errors = threading.Barrier(2, timeout=30), []

    def confirm(account):
        with app.app_context():
            barrier.wait()
            try:
                operations.confirm(account, registration_id, utcnow())
            except Exception as error:  # the test reports any, not only refusals
                errors.append(error)

    threads = [threading.Thread(target=confirm, args=(d,)) for d in deciders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _count(app, Account, Account.phone == "13900000002") == 1
    assert _count(app, Member, Member.phone == "13900000002") == 1
    assert _count(app, ActionLogEntry, ActionLogEntry.action == "registration.confirm") == 1


def test_confirm_and_refuse_each_leave_their_row_in_the_action_log(app, client, auth, town, form):
    first = _waiting(client, form)
    second = _waiting(client, lambda: form(phone="13900000003", name="张三"))
    secretary = auth(town["east_secretary"])
    client.post(f"/api/v1/registrations/{first}/confirm", headers=secretary)
    client.post(f"/api/v1/registrations/{second}/refuse", json={"reason": "信息不实"}, headers=secretary)
    client.post(f"/api/v1/registrations/{second}/refuse", json={"reason": "信息不实"}, headers=secretary)
    with app.app_context():
        rows = db.session.execute(select(ActionLogEntry.action, ActionLogEntry.target, ActionLogEntry.account_id)).all()
    assert sorted(rows) == [
        ("registration.confirm", f"注册#{first} 陈建国", town["east_secretary"].id),
        ("registration.refuse", f"注册#{second} 张三", town["east_secretary"].id),
    ]


def test_the_desk_lists_the_waiting_and_confirms_and_refuses_on_the_same_operations(app, client, town, form):
    first = _waiting(client, form)
    second = _waiting(client, lambda: form(phone="13900000003", name="张三"))
    page_log_in(client, town["east_secretary"])
    page = client.get("/desk/registrations")
    assert page.status_code == 200 and hook(page.text, "data-waiting-count") == "2"
    assert f'data-registration-id="{first}"' in page.text and "13900000002" in page.text
    confirmed = client.post("/desk/registrations", data={"registration_id": first, "action": "confirm"})
    assert hook(confirmed.text, "data-registration-status") == "confirmed"
    blank = client.post("/desk/registrations", data={"registration_id": second, "action": "refuse", "reason": " "})
    assert blank.status_code == 400 and hook(blank.text, "data-registration-status") == "blank_text"
    refused = client.post(
        "/desk/registrations", data={"registration_id": second, "action": "refuse", "reason": "查无此人"}
    )
    assert hook(refused.text, "data-registration-status") == "refused" and "查无此人" in refused.text
    assert hook(refused.text, "data-waiting-count") == "0"
    assert log_in(client, "13900000002", CHOSEN).status_code == 200


def test_the_desk_of_another_community_shows_nothing_and_refuses_the_others(app, client, town, form, make):
    registration_id = _waiting(client, form)
    page_log_in(client, town["west_secretary"])
    own = client.get("/desk/registrations")
    assert own.status_code == 200 and "13900000002" not in own.text and "陈建国" not in own.text
    other = client.get(f"/desk/registrations?community_id={town['east'].id}")
    assert other.status_code == 403 and "只能查看本社区的注册申请" in other.text and "返回首页" in other.text
    post = client.post("/desk/registrations", data={"registration_id": registration_id, "action": "confirm"})
    assert post.status_code == 403 and hook(post.text, "data-registration-status") == "not_allowed"
    with app.app_context():
        assert db.session.get(Registration, registration_id).state == "waiting"
    client.post("/logout")
    page_log_in(client, make.member(town["east"]).account)
    assert client.get("/desk/registrations").status_code == 403


def test_no_private_field_of_a_registration_appears_on_a_public_page(app, client, make, town, form):
    _waiting(client, form)
    roster = town["roster"]
    client.post("/api/v1/registrations", json=form(name=roster.name, phone=roster.phone, address="林家巷9号"))
    for path in ("/", "/register", "/login", "/board", "/board?by=unit", "/board?by=community"):
        html = client.get(path).text
        for private in ("13900000002", roster.phone, "东街幸福小区3栋201", "林家巷9号"):
            assert private not in html, (path, private)


def test_the_registrant_is_told_the_decision_by_one_sms_each_with_the_reason(app, client, auth, town, form):
    secretary = auth(town["east_secretary"])
    refused_id = _waiting(client, form)
    for _ in range(2):
        client.post(f"/api/v1/registrations/{refused_id}/refuse", json={"reason": "本社区无此住址"}, headers=secretary)
    confirmed_id = _waiting(client, form)
    client.post(f"/api/v1/registrations/{confirmed_id}/confirm", headers=secretary)
    with app.app_context():
        sent = db.session.execute(select(OutboxMessage.phone, OutboxMessage.text).order_by(OutboxMessage.id)).all()
    phone = form()["phone"]
    assert [p for p, _ in sent] == [phone, phone]
    assert "退回" in sent[0].text and "本社区无此住址" in sent[0].text
    assert "确认" in sent[1].text and "登录" in sent[1].text
