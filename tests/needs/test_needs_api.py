"""The needs API as the desk, the members and the residents use it: scope, order of steps, refusals."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.action_log.models import ActionLogEntry
from app.auth.models import Account
from app.errors import Forbidden
from app.extensions import db
from app.needs import queries
from app.needs.models import Need, NeedStep
from app.outbox.models import OutboxMessage
from ledger.words import NEED_STATUSES
from tests.needs.conftest import RESIDENT, T0

PRIVATE = ("resident_name", "resident_phone")


def _record(client, auth, town, account=None, **fields):
    body = {
        "community_id": town.community.id,
        "grid_id": town.grid.id,
        "category_id": town.category_id,
        "content": "帮忙买药",
        **RESIDENT,
        **fields,
    }
    return client.post("/api/v1/needs", json=body, headers=auth(account or town.secretary))


def _acts(app, action):
    with app.app_context():
        return db.session.scalars(select(ActionLogEntry).where(ActionLogEntry.action == action)).all()


def test_a_public_need_answers_a_code_and_a_tracking_link_and_nothing_private(public_need, client):
    response = public_need()
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert set(body) == {"need_id", "code", "track_url"}
    assert len(body["code"]) == 8 and body["code"].isdigit()
    assert body["track_url"].endswith(f"/t/{body['need_id']}?code={body['code']}")
    tracked = client.get(f"/api/v1/public/needs/{body['need_id']}?code={body['code']}")
    assert tracked.status_code == 200
    text = tracked.get_data(as_text=True)
    assert tracked.get_json()["status"] == "received"
    assert RESIDENT["resident_name"] not in text and RESIDENT["resident_phone"] not in text


def test_the_code_is_stored_only_as_a_hash(app, public_need):
    body = public_need().get_json()
    with app.app_context():
        need = db.session.get(Need, body["need_id"])
        assert body["code"] not in need.code_hash and len(need.code_hash) == 64


def test_a_desk_record_is_the_community_secretarys_and_is_logged(app, client, auth, town):
    response = _record(client, auth, town)
    assert response.status_code == 201
    body = response.get_json()
    assert body["channel"] == "desk" and body["resident_phone"] == RESIDENT["resident_phone"]
    assert len(body["code"]) == 8
    assert [a.detail["need_id"] for a in _acts(app, "need.record")] == [body["id"]]
    refused = _record(client, auth, town, town.other_secretary)
    assert refused.status_code == 403 and refused.get_json()["code"] == "not_allowed"
    assert _record(client, auth, town, town.server.account).status_code == 403


@pytest.mark.parametrize(
    "fields, status, code",
    [
        ({"content": " \u200b "}, 400, "blank_text"),
        ({"content": "长" * 501}, 400, "invalid_request"),
        ({"resident_name": ""}, 400, "blank_text"),
        ({"resident_phone": "12345"}, 400, "invalid_phone"),
        ({"category_id": 999999}, 422, "unknown_category"),
        ({"grid_id": 999999}, 422, "grid_not_in_community"),
        ({"community_id": 999999}, 404, "not_found"),
        ({"community_id": 2**40}, 400, "invalid_request"),
    ],
)
def test_bad_fields_are_refused_clearly_and_write_nothing(app, public_need, fields, status, code):
    response = public_need(**fields)
    assert (response.status_code, response.get_json()["code"]) == (status, code), response.get_json()
    with app.app_context():
        assert db.session.scalars(select(Need)).all() == []


def test_a_grid_of_another_community_is_refused(public_need, town):
    response = public_need(grid_id=town.other_grid.id)
    assert response.status_code == 422 and response.get_json()["code"] == "grid_not_in_community"


def test_one_phone_sends_at_most_five_needs_a_day(public_need):
    assert [public_need().status_code for _ in range(5)] == [201] * 5
    sixth = public_need()
    assert sixth.status_code == 409 and sixth.get_json()["code"] == "too_many_needs"
    assert public_need(resident_phone="13900002222").status_code == 201


def test_the_public_form_is_limited_per_address(app, public_need):
    app.config["RATELIMIT_NEEDS"] = "2 per hour"
    first, second, third = (public_need(resident_phone=f"1390000{n:04d}") for n in range(3))
    assert (first.status_code, second.status_code) == (201, 201)
    assert third.status_code == 429 and third.get_json()["code"] == "rate_limited"
    assert third.headers["Retry-After"]


def test_dispatch_is_the_community_secretarys_and_only_from_received(app, client, auth, ops, town):
    need, _ = ops.submit()
    path = f"/api/v1/needs/{need['id']}/dispatch"
    other = client.post(path, json={"unit_id": town.unit.id}, headers=auth(town.other_secretary))
    assert other.status_code == 403 and other.get_json()["code"] == "not_allowed"
    unit_secretary = client.post(path, json={"unit_id": town.unit.id}, headers=auth(town.unit_secretary))
    assert unit_secretary.status_code == 403
    neither = client.post(path, json={}, headers=auth(town.secretary))
    assert neither.status_code == 400 and neither.get_json()["code"] == "invalid_dispatch"
    unknown = client.post(path, json={"unit_id": 999999}, headers=auth(town.secretary))
    assert unknown.status_code == 422 and unknown.get_json()["code"] == "unknown_unit"
    sent = client.post(path, json={"unit_id": town.unit.id}, headers=auth(town.secretary))
    assert sent.status_code == 200 and sent.get_json()["status"] == "dispatched"
    assert sent.get_json()["unit"] == "县卫健局" and sent.get_json()["steps"][-1]["by"]
    again = client.post(path, json={"open": True}, headers=auth(town.secretary))
    assert again.status_code == 409 and again.get_json()["code"] == "wrong_status"
    assert "联盟派单" in again.get_json()["message"]
    assert [a.detail for a in _acts(app, "need.dispatch")] == [
        {"need_id": need["id"], "unit_id": town.unit.id, "unit": "县卫健局"}
    ]


def test_the_dispatched_units_secretary_assigns_only_the_units_members(app, client, auth, ops, town):
    need, _ = ops.submit()
    ops("dispatch", town.secretary, need["id"], unit_id=town.unit.id, now=T0)
    path = f"/api/v1/needs/{need['id']}/assign"
    other = client.post(path, json={"member_ids": [town.server.id]}, headers=auth(town.other_unit_secretary))
    assert other.status_code == 403 and other.get_json()["code"] == "not_allowed"
    stranger = client.post(path, json={"member_ids": [town.stranger.id]}, headers=auth(town.unit_secretary))
    assert stranger.status_code == 422 and stranger.get_json()["code"] == "not_in_unit"
    empty = client.post(path, json={"member_ids": []}, headers=auth(town.unit_secretary))
    assert empty.status_code == 400
    done = client.post(path, json={"member_ids": [town.server.id, town.away.id]}, headers=auth(town.unit_secretary))
    assert done.status_code == 200 and done.get_json()["status"] == "taken"
    assert {(s["member_id"], s["how"]) for s in done.get_json()["servers"]} == {
        (town.server.id, "assigned"),
        (town.away.id, "assigned"),
    }
    assert len(_acts(app, "need.assign")) == 1
    seen = client.get(f"/api/v1/needs/{need['id']}", headers=auth(town.unit_secretary)).get_json()
    assert seen["resident_phone"] == RESIDENT["resident_phone"]


def test_assigning_a_need_not_dispatched_is_out_of_order(client, auth, ops, town):
    need, _ = ops.submit()
    response = client.post(
        f"/api/v1/needs/{need['id']}/assign", json={"member_ids": [town.server.id]}, headers=auth(town.admin)
    )
    assert response.status_code == 409 and response.get_json()["code"] == "wrong_status"
    assert "群众点单" in response.get_json()["message"]


def test_members_see_open_needs_of_their_own_community_without_the_resident(client, auth, ops, town):
    need, _ = ops.submit()
    hidden = client.get(f"/api/v1/needs/{need['id']}", headers=auth(town.server.account))
    assert hidden.status_code == 403 and hidden.get_json()["code"] == "not_allowed"
    ops("dispatch", town.secretary, need["id"], open_to_members=True, now=T0)
    seen = client.get(f"/api/v1/needs/{need['id']}", headers=auth(town.server.account))
    assert seen.status_code == 200 and not set(PRIVATE) & set(seen.get_json())
    away = client.get(f"/api/v1/needs/{need['id']}", headers=auth(town.away.account))
    assert away.status_code == 403
    mine = client.get("/api/v1/me/needs", headers=auth(town.server.account)).get_json()
    assert [n["id"] for n in mine["open"]] == [need["id"]] and mine["serving"] == []
    assert client.get("/api/v1/me/needs", headers=auth(town.away.account)).get_json()["open"] == []
    listed = client.get("/api/v1/needs", headers=auth(town.server.account)).get_json()
    assert [n["id"] for n in listed["needs"]] == [need["id"]] and not set(PRIVATE) & set(listed["needs"][0])


def test_a_claiming_member_serves_and_sees_the_resident(client, auth, ops, town):
    need, _ = ops.submit()
    ops("dispatch", town.secretary, need["id"], open_to_members=True, now=T0)
    away = client.post(f"/api/v1/needs/{need['id']}/claim", headers=auth(town.away.account))
    assert away.status_code == 403 and away.get_json()["code"] == "not_allowed"
    claimed = client.post(f"/api/v1/needs/{need['id']}/claim", headers=auth(town.server.account))
    assert claimed.status_code == 200 and claimed.get_json()["status"] == "taken"
    assert claimed.get_json()["resident_name"] == RESIDENT["resident_name"]
    late = client.post(f"/api/v1/needs/{need['id']}/claim", headers=auth(town.helper.account))
    assert late.status_code == 409 and late.get_json()["code"] == "already_taken"
    serving = client.get("/api/v1/me/needs", headers=auth(town.server.account)).get_json()["serving"]
    assert [(n["id"], n["resident_phone"]) for n in serving] == [(need["id"], RESIDENT["resident_phone"])]


def test_only_a_serving_member_marks_it_done_with_a_note(client, auth, ops, town):
    need_id, _ = ops.to_taken()
    path = f"/api/v1/needs/{need_id}/done"
    other = client.post(path, json={"note": "办好了"}, headers=auth(town.helper.account))
    assert other.status_code == 403 and other.get_json()["code"] == "not_serving"
    blank = client.post(path, json={"note": "\u3000"}, headers=auth(town.server.account))
    assert blank.status_code == 400
    done = client.post(path, json={"note": "已上门修好"}, headers=auth(town.server.account))
    assert done.status_code == 200 and done.get_json()["done_note"] == "已上门修好"
    again = client.post(path, json={"note": "再办一次"}, headers=auth(town.server.account))
    assert again.status_code == 409 and again.get_json()["code"] == "wrong_status"
    assert "已办结" in again.get_json()["message"]


def test_listing_is_cut_to_the_secretarys_scope(client, auth, ops, town):
    mine, _ = ops.submit()
    theirs, _ = ops(
        "submit", town.other.id, grid_id=None, category_id=town.category_id, content="修路灯", now=T0, **RESIDENT
    )
    ops("dispatch", town.secretary, mine["id"], unit_id=town.unit.id, now=T0)
    own = client.get("/api/v1/needs", headers=auth(town.secretary)).get_json()
    assert [n["id"] for n in own["needs"]] == [mine["id"]] and own["total"] == 1
    assert own["needs"][0]["resident_phone"] == RESIDENT["resident_phone"]
    unit = client.get("/api/v1/needs", headers=auth(town.unit_secretary)).get_json()
    assert [n["id"] for n in unit["needs"]] == [mine["id"]]
    assert client.get("/api/v1/needs", headers=auth(town.other_unit_secretary)).get_json()["needs"] == []
    out = client.get(f"/api/v1/needs?community_id={town.other.id}", headers=auth(town.secretary))
    assert out.status_code == 403 and out.get_json()["code"] == "not_allowed"
    assert client.get(f"/api/v1/needs/{theirs['id']}", headers=auth(town.secretary)).status_code == 403
    every = client.get("/api/v1/needs?status=received", headers=auth(town.admin)).get_json()
    assert [n["id"] for n in every["needs"]] == [theirs["id"]]
    assert client.get("/api/v1/needs?status=nonsense", headers=auth(town.admin)).status_code == 400
    assert client.get("/api/v1/needs/99999999999", headers=auth(town.admin)).status_code == 404
    assert client.get("/api/v1/needs/424242", headers=auth(town.admin)).status_code == 404


def test_the_counts_per_status_are_the_listing_s_totals_for_every_reader(app, ops, town):
    ops.to_taken()
    opened, _ = ops.submit()
    ops("dispatch", town.secretary, opened["id"], open_to_members=True, now=T0)
    ops.submit()
    ops("submit", town.other.id, grid_id=None, category_id=town.category_id, content="修路灯", now=T0, **RESIDENT)
    readers = [
        (town.secretary, {}),
        (town.unit_secretary, {}),
        (town.unit_secretary, {"unit_id": town.unit.id}),
        (town.other_unit_secretary, {}),
        (town.admin, {}),
        (town.admin, {"community_id": town.other.id}),
        (town.helper.account, {}),
        (town.server.account, {}),
        (town.away.account, {}),
    ]
    with app.app_context():
        for reader, narrowed in readers:
            actor = db.session.get(Account, reader.id)
            counts = queries.status_counts(actor, **narrowed)
            totals = {s: queries.listing(actor, status=s, limit=0, **narrowed)["total"] for s in NEED_STATUSES}
            assert counts == totals, (reader.phone, narrowed)
        assert queries.status_counts(db.session.get(Account, town.secretary.id))["received"] == 1
        with pytest.raises(Forbidden):
            queries.status_counts(db.session.get(Account, town.secretary.id), community_id=town.other.id)


def test_refusing_needs_a_reason_tells_the_resident_by_sms_and_on_tracking(app, client, auth, ops, town):
    need, code = ops.submit()
    path = f"/api/v1/needs/{need['id']}/refuse"
    blank = client.post(path, json={"reason": " \u200b"}, headers=auth(town.secretary))
    assert blank.status_code == 400 and blank.get_json()["code"] == "reason_required"
    long = client.post(path, json={"reason": "长" * 201}, headers=auth(town.secretary))
    assert long.status_code == 400
    assert client.post(path, json={"reason": "不属于服务范围"}, headers=auth(town.other_secretary)).status_code == 403
    refused = client.post(path, json={"reason": "不属于服务范围"}, headers=auth(town.secretary))
    assert refused.status_code == 200 and refused.get_json()["status"] == "refused"
    again = client.post(path, json={"reason": "再说一次"}, headers=auth(town.secretary))
    assert again.status_code == 409 and "不予受理" in again.get_json()["message"]
    with app.app_context():
        messages = db.session.scalars(select(OutboxMessage)).all()
        assert [(m.phone, m.dedupe) for m in messages] == [(RESIDENT["resident_phone"], f"need.refused:{need['id']}")]
        assert "不属于服务范围" in messages[0].text
    tracked = client.get(f"/api/v1/public/needs/{need['id']}?code={code}").get_json()
    assert tracked["status"] == "refused" and tracked["refused_reason"] == "不属于服务范围"
    assert [a.detail["reason"] for a in _acts(app, "need.refuse")] == ["不属于服务范围"]


def test_every_change_leaves_a_step_with_who_and_when(app, client, auth, ops, town):
    need_id, code = ops.to_done()
    client.post(f"/api/v1/public/needs/{need_id}/rating", json={"code": code, "stars": 4, "comment": ""})
    with app.app_context():
        steps = db.session.scalars(select(NeedStep).where(NeedStep.need_id == need_id).order_by(NeedStep.id)).all()
    assert [s.step for s in steps] == ["received", "dispatched", "assigned", "done", "rated"]
    assert [s.account_id for s in steps] == [
        None,
        town.secretary.id,
        town.unit_secretary.id,
        town.server.account.id,
        None,
    ]
    assert all(s.at.tzinfo is not None for s in steps)
    tracked = client.get(f"/api/v1/public/needs/{need_id}?code={code}").get_json()
    assert [s["step"] for s in tracked["steps"]] == ["received", "dispatched", "assigned", "done", "rated"]
    assert all(set(s) == {"step", "step_words", "at"} for s in tracked["steps"])


def test_a_need_closes_unrated_only_seven_days_after_done(app, client, auth, ops, town):
    need_id, _ = ops.to_done(now=datetime.now(UTC) - timedelta(days=3))
    path = f"/api/v1/needs/{need_id}/close"
    early = client.post(path, headers=auth(town.secretary))
    assert early.status_code == 409 and early.get_json()["code"] == "too_early"
    assert client.post(path, headers=auth(town.other_secretary)).status_code == 403
    closed = ops("close_unrated", town.secretary, need_id, datetime.now(UTC) + timedelta(days=5))
    assert closed["status"] == "closed" and closed["rating"] is None
    assert len(_acts(app, "need.close")) == 1
    again = client.post(path, headers=auth(town.secretary))
    assert again.status_code == 409 and again.get_json()["code"] == "wrong_status"
