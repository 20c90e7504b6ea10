"""PATCH /api/v1/events/{id}: its secretary corrects an event under the rules of a new one, and never so
that a check-in already made would fall outside it; each act on an event leaves its action log row."""

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from app.action_log.models import ActionLogEntry
from app.db import utcnow
from app.events.models import Event
from app.extensions import db
from ledger import periods
from tests.factories import check_in

TOMORROW = periods.local(utcnow()).date() + timedelta(days=1)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(TOMORROW, time(hour, minute), tzinfo=periods.TZ)


def iso(hour: int, minute: int = 0) -> str:
    return at(hour, minute).isoformat()


@pytest.fixture
def town(make):
    community = make.community()
    event = make.event(community, kind="service", title="义诊", starts_at=at(9), hours=2)
    return community, make.secretary(community), event


def _patch(client, auth, account, event, **changes):
    return client.patch(f"/api/v1/events/{event.id}", json=changes, headers=auth(account))


def _stored(app, event) -> Event:
    with app.app_context():
        stored = db.session.get(Event, event.id)
        db.session.expunge(stored)
        return stored


def _log(app, action: str) -> list[ActionLogEntry]:
    with app.app_context():
        rows = list(db.session.scalars(select(ActionLogEntry).where(ActionLogEntry.action == action)))
        db.session.expunge_all()
        return rows


def test_its_secretary_corrects_the_title_and_place_and_the_act_is_logged(app, client, auth, town):
    _, secretary, event = town
    response = _patch(client, auth, secretary, event, title="  义诊进社区 ", place="社区卫生站")
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["title"], response.get_json()["place"]) == ("义诊进社区", "社区卫生站")
    [row] = _log(app, "event.update")
    assert (row.account_id, row.target, row.detail) == (
        secretary.id,
        f"活动#{event.id} 义诊进社区",
        {"changed": ["place", "title"]},
    )


def test_an_edit_that_changes_nothing_leaves_no_log_row(app, client, auth, town):
    _, secretary, event = town
    assert _patch(client, auth, secretary, event, title=event.title).status_code == 200
    assert _log(app, "event.update") == []


def test_moving_the_event_moves_a_default_check_in_window_with_it(client, auth, town):
    _, secretary, event = town
    moved = _patch(client, auth, secretary, event, starts_at=iso(14), ends_at=iso(16)).get_json()
    assert (moved["checkin_opens_at"], moved["checkin_closes_at"]) == (iso(13, 30), iso(16))
    # A window given is kept; null sends it back to its default.
    given = _patch(client, auth, secretary, event, checkin_opens_at=iso(12)).get_json()
    assert given["checkin_opens_at"] == iso(12)
    assert _patch(client, auth, secretary, event, checkin_opens_at=None).get_json()["checkin_opens_at"] == iso(13, 30)


BAD_CHANGES = [
    ({"checkin_opens_at": iso(6)}, 400, "invalid_window"),
    ({"ends_at": (at(9) + timedelta(days=1)).isoformat()}, 400, "invalid_window"),
    (
        {"starts_at": (at(9) - timedelta(days=2)).isoformat(), "ends_at": (at(11) - timedelta(days=2)).isoformat()},
        400,
        "invalid_window",
    ),
    ({"ends_at": iso(8)}, 400, "invalid_times"),
    ({"latitude": 25.3}, 400, "invalid_geofence"),
    ({"title": "\u200b"}, 400, "invalid_request"),
    ({"title": None}, 400, "invalid_request"),
    ({"kind": "party"}, 400, "invalid_request"),
    ({"capacity": 0}, 400, "invalid_request"),
]


@pytest.mark.parametrize(("changes", "status", "code"), BAD_CHANGES)
def test_a_bad_change_is_refused_in_chinese_and_changes_nothing(app, client, auth, town, changes, status, code):
    _, secretary, event = town
    response = _patch(client, auth, secretary, event, **changes)
    assert (response.status_code, response.get_json()["code"]) == (status, code), response.get_json()
    assert response.get_json()["message"]
    stored = _stored(app, event)
    assert (stored.title, stored.starts_at, stored.ends_at, stored.latitude) == (
        event.title,
        event.starts_at,
        event.ends_at,
        None,
    )
    assert _log(app, "event.update") == []


def test_only_its_secretary_or_an_admin_edits_an_event(app, make, client, auth, town):
    _, _, event = town
    member = make.member(town[0])
    for account in (make.secretary(make.community()), member.account):
        assert _patch(client, auth, account, event, title="改掉").status_code == 403
    assert _stored(app, event).title == "义诊"
    assert _patch(client, auth, make.admin(), event, title="组织部改的").status_code == 200
    assert client.patch("/api/v1/events/999999", json={"title": "x"}, headers=auth(make.admin())).status_code == 404


def test_once_members_have_checked_in_the_kind_category_and_day_stay(app, make, client, auth, town):
    community, secretary, event = town
    check_in(app, make.member(community), event)  # at 09:05
    for changes in (
        {"kind": "return_day"},
        {"category": "文明倡导"},
        {"starts_at": (at(9) + timedelta(days=1)).isoformat(), "ends_at": (at(11) + timedelta(days=1)).isoformat()},
    ):
        refused = _patch(client, auth, secretary, event, **changes)
        assert (refused.status_code, refused.get_json()["code"]) == (409, "event_has_checkins"), changes
    assert _patch(client, auth, secretary, event, title="义诊（已开始）", place="二楼").status_code == 200


def test_the_window_cannot_move_so_that_a_check_in_falls_outside_it(app, make, client, auth, town):
    community, secretary, event = town
    check_in(app, make.member(community), event)  # at 09:05
    late = _patch(client, auth, secretary, event, checkin_opens_at=iso(9, 10))
    assert (late.status_code, late.get_json()["code"]) == (409, "checkins_outside_window")
    assert "1人" in late.get_json()["message"]
    early = _patch(client, auth, secretary, event, checkin_closes_at=iso(9, 1))
    assert early.status_code == 409
    assert _patch(client, auth, secretary, event, checkin_opens_at=iso(9), checkin_closes_at=iso(10)).status_code == 200


def test_creating_an_event_and_voiding_its_codes_leave_their_rows(app, client, auth, town):
    community, secretary, _ = town
    created = client.post(
        "/api/v1/events",
        json={
            "community_id": community.id,
            "title": "政策宣讲",
            "category": "政策宣传",
            "kind": "service",
            "starts_at": iso(15),
            "ends_at": iso(16),
        },
        headers=auth(secretary),
    ).get_json()
    assert client.post(f"/api/v1/events/{created['id']}/rotate-key", headers=auth(secretary)).status_code == 200
    [create] = _log(app, "event.create")
    [rotate] = _log(app, "event.rotate_key")
    assert create.target == rotate.target == f"活动#{created['id']} 政策宣讲"
    assert (create.account_id, rotate.account_id, rotate.detail) == (secretary.id, secretary.id, {"key_version": 2})


def test_a_refused_event_leaves_no_log_row(app, client, auth, town):
    community, secretary, _ = town
    body = {"community_id": community.id, "title": "x", "category": "政策宣传", "kind": "service"}
    refused = client.post(
        "/api/v1/events", json={**body, "starts_at": iso(15), "ends_at": iso(14)}, headers=auth(secretary)
    )
    assert refused.status_code == 400
    assert _log(app, "event.create") == []
