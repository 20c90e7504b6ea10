"""/api/v1/events: a secretary publishes events in their own community, members see their community's."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.catalogue.models import ServiceCategory
from app.db import utcnow
from app.extensions import db
from ledger import periods

# Next month's return day: an event starts today or later.
DAY = periods.return_day(periods.next_month(periods.month_of(utcnow()))).isoformat()
RETURN_DAY = {
    "title": "下月回家日",
    "category": "政策宣传",
    "kind": "return_day",
    "place": "社区党群服务中心",
    "starts_at": f"{DAY}T09:00:00+08:00",
    "ends_at": f"{DAY}T11:30:00+08:00",
}


@pytest.fixture
def town(make):
    community = make.community()
    return community, make.secretary(community), make.member(community)


def _create(client, auth, account, community, **fields):
    return client.post(
        "/api/v1/events", json={**RETURN_DAY, "community_id": community.id, **fields}, headers=auth(account)
    )


def test_a_secretary_publishes_a_return_day_in_their_community(client, auth, town):
    community, secretary, _ = town
    response = _create(client, auth, secretary, community)
    assert response.status_code == 201, response.get_json()
    event = response.get_json()
    assert set(event) == {
        "id",
        "community_id",
        "title",
        "category",
        "kind",
        "place",
        "starts_at",
        "ends_at",
        "checkin_opens_at",
        "checkin_closes_at",
        "latitude",
        "longitude",
        "radius_m",
        "capacity",
    }
    assert event["starts_at"] == f"{DAY}T09:00:00+08:00" and event["ends_at"] == f"{DAY}T11:30:00+08:00"
    # Check-in opens half an hour early and closes with the event unless told otherwise.
    assert event["checkin_opens_at"] == f"{DAY}T08:30:00+08:00"
    assert event["checkin_closes_at"] == f"{DAY}T11:30:00+08:00"


def test_times_given_in_utc_are_stored_as_the_same_instant(client, auth, town):
    community, secretary, _ = town
    event = _create(
        client,
        auth,
        secretary,
        community,
        starts_at=f"{DAY}T01:00:00Z",
        ends_at=f"{DAY}T03:30:00Z",
        checkin_closes_at=f"{DAY}T04:00:00Z",
    ).get_json()
    assert event["starts_at"] == f"{DAY}T09:00:00+08:00" and event["checkin_closes_at"] == f"{DAY}T12:00:00+08:00"


BAD_EVENTS = [
    ({"starts_at": f"{DAY}T09:00:00"}, "invalid_request"),
    ({"kind": "party"}, "invalid_request"),
    ({"title": ""}, "invalid_request"),
    ({"title": "   "}, "invalid_request"),
    ({"title": "\u200b"}, "invalid_request"),
    ({"title": "\u200b\u3000\ufeff"}, "invalid_request"),
    ({"title": "回" * 101}, "invalid_request"),
    ({"category": "\u200b"}, "invalid_request"),
    ({"place": "址" * 201}, "invalid_request"),
    ({"community_id": "1; drop table"}, "invalid_request"),
    ({"ends_at": f"{DAY}T08:00:00+08:00"}, "invalid_times"),
    ({"checkin_opens_at": f"{DAY}T12:00:00+08:00"}, "invalid_times"),
    ({"latitude": 25.3, "longitude": 118.3}, "invalid_geofence"),
    ({"latitude": 95, "longitude": 118.3, "radius_m": 100}, "invalid_request"),
    ({"capacity": 0}, "invalid_request"),
]


def test_a_bad_event_is_refused_with_a_400_and_nothing_is_created(client, auth, town):
    community, secretary, _ = town
    for fields, code in BAD_EVENTS:
        response = _create(client, auth, secretary, community, **fields)
        assert response.status_code == 400 and response.get_json()["code"] == code, (fields, response.get_json())
        assert response.get_json()["message"]
    listed = client.get(f"/api/v1/events?community_id={community.id}", headers=auth(secretary))
    assert listed.get_json()["events"] == []


def test_the_category_must_be_in_the_countys_catalogue_once_it_has_one(app, client, auth, town):
    community, secretary, _ = town
    assert _create(client, auth, secretary, community, category="随便什么").status_code == 201
    with app.app_context():
        db.session.add(ServiceCategory(name="义诊"))
        db.session.commit()
    refused = _create(client, auth, secretary, community, category="随便什么", kind="service")
    assert refused.status_code == 400 and refused.get_json()["code"] == "unknown_category"
    assert _create(client, auth, secretary, community, category="义诊", kind="service").status_code == 201


def test_only_its_secretary_or_an_admin_publishes_in_a_community(make, client, auth, town):
    community, _, member = town
    other_secretary = make.secretary(make.community())
    assert _create(client, auth, other_secretary, community).status_code == 403
    assert _create(client, auth, member.account, community).status_code == 403
    assert _create(client, auth, make.admin(), community).status_code == 201
    assert _create(client, auth, make.admin(), community, kind="service").status_code == 201


def test_a_community_has_one_return_day_at_a_time(client, auth, town):
    community, secretary, _ = town
    assert _create(client, auth, secretary, community).status_code == 201
    twice = _create(client, auth, secretary, community)
    assert twice.status_code == 409 and twice.get_json()["code"] == "event_exists"


def test_events_are_listed_by_community_kind_and_local_month_oldest_first(make, client, auth, town):
    community, secretary, member = town
    # 2026-11-30T16:30Z is already 1 December in Asia/Shanghai.
    late = make.event(
        community, kind="service", title="十二月义诊", starts_at=datetime(2026, 11, 30, 16, 30, tzinfo=UTC)
    )
    day = make.event(community, title="回家日", starts_at=datetime(2026, 11, 29, 1, 0, tzinfo=UTC))
    early = make.event(community, kind="service", title="政策宣讲", starts_at=datetime(2026, 11, 1, 1, 0, tzinfo=UTC))
    make.event(make.community(), title="别的社区", starts_at=datetime(2026, 11, 29, 1, 0, tzinfo=UTC))

    def ids(account, query):
        response = client.get(f"/api/v1/events?{query}", headers=auth(account))
        assert response.status_code == 200, response.get_json()
        return [e["id"] for e in response.get_json()["events"]]

    assert ids(member.account, f"community_id={community.id}&month=2026-11") == [early.id, day.id]
    assert ids(member.account, "month=2026-12") == [late.id]
    assert ids(secretary, f"community_id={community.id}&kind=service") == [early.id, late.id]
    assert ids(secretary, "kind=return_day&month=2026-11") == [day.id]
    assert len(ids(make.admin(), "month=2026-11")) == 3
    first = client.get(f"/api/v1/events?community_id={community.id}", headers=auth(member.account)).get_json()
    assert set(first["events"][0]) == {"id", "community_id", "title", "category", "kind", "starts_at", "ends_at"}


def test_another_communitys_return_days_are_not_listed_but_its_service_events_are(make, client, auth, town):
    community, _, _ = town
    return_day = make.event(community, title="回家日")
    clinic = make.event(community, kind="service", title="义诊")
    elsewhere = make.community()
    outsider = make.member(elsewhere)
    own = make.event(elsewhere, title="本社区回家日")

    def ids(account, query=""):
        response = client.get(f"/api/v1/events?{query}", headers=auth(account))
        assert response.status_code == 200, response.get_json()
        return [e["id"] for e in response.get_json()["events"]]

    assert ids(outsider.account, f"community_id={community.id}") == [clinic.id]
    assert return_day.id not in ids(outsider.account) and set(ids(outsider.account)) == {clinic.id, own.id}
    assert client.get(f"/api/v1/events/{clinic.id}", headers=auth(outsider.account)).status_code == 200
    assert client.get(f"/api/v1/events/{return_day.id}", headers=auth(outsider.account)).status_code == 403
    # A secretary of another community is no member: the alliance's service events are members' business.
    response = client.get(f"/api/v1/events?community_id={community.id}", headers=auth(make.secretary(elsewhere)))
    assert response.status_code == 403
    bad_month = client.get(f"/api/v1/events?community_id={community.id}&month=2026-13", headers=auth(make.admin()))
    assert bad_month.status_code == 400


def test_an_event_shows_its_check_ins_and_to_its_secretary_its_sign_ups(make, client, auth, town):
    community, secretary, member = town
    event = make.event(community, kind="service", starts_at=datetime.now(UTC) + timedelta(days=2))
    client.post(f"/api/v1/events/{event.id}/signups", headers=auth(member.account))
    seen_by_member = client.get(f"/api/v1/events/{event.id}", headers=auth(member.account)).get_json()
    assert seen_by_member["checked_in"] == 0 and "signups" not in seen_by_member
    seen_by_secretary = client.get(f"/api/v1/events/{event.id}", headers=auth(secretary)).get_json()
    assert seen_by_secretary["signups"] == 1 and seen_by_secretary["id"] == event.id
    assert client.get("/api/v1/events/999999", headers=auth(secretary)).status_code == 404


def test_every_event_call_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/events",
        "/api/v1/events/{event_id}",
        "/api/v1/events/{event_id}/qr.png",
        "/api/v1/events/{event_id}/qr.svg",
        "/api/v1/events/{event_id}/rotating-token",
        "/api/v1/events/{event_id}/rotate-key",
        "/api/v1/events/{event_id}/poster.pdf",
        "/api/v1/events/{event_id}/signups",
        "/api/v1/events/{event_id}/proxy-checkins",
        "/api/v1/checkins",
    ):
        assert path in paths


HUGE = 10**20


OUT_OF_RANGE = [
    ("get", f"/api/v1/events/{HUGE}", None),
    ("get", f"/api/v1/events?community_id={HUGE}", None),
    ("post", f"/api/v1/events/{HUGE}/signups", None),
    ("post", "/api/v1/events", {**RETURN_DAY, "community_id": HUGE}),
    ("post", "/api/v1/events", {**RETURN_DAY, "community_id": 1, "starts_at": "9999-12-31T23:59:59-12:00"}),
    ("post", "/api/v1/events", {**RETURN_DAY, "community_id": 1, "capacity": HUGE}),
    ("post", "/api/v1/events/1/proxy-checkins", {"member_id": HUGE, "reason": "无手机"}),
    ("post", "/api/v1/checkins", {"token": "x", "latitude": float("nan")}),
]


def test_out_of_range_input_is_a_clear_4xx_not_a_server_error(client, auth, make):
    make.event(make.community())
    headers = auth(make.admin())
    for method, path, body in OUT_OF_RANGE:
        response = getattr(client, method)(path, json=body, headers=headers)
        assert response.status_code in (400, 403, 404) and response.get_json()["message"], (path, response.get_json())


def _local(day, hhmm):
    return f"{day.isoformat()}T{hhmm}:00+08:00"


def test_a_check_in_window_beyond_the_events_day_or_an_event_in_the_past_is_400_invalid_window(client, auth, town):
    community, secretary, _ = town
    day = periods.local(utcnow()).date()
    following = date.fromisoformat(DAY) + timedelta(days=1)
    for fields in (
        {"checkin_closes_at": "2099-12-31T23:00:00+08:00"},
        {"checkin_opens_at": f"{DAY}T06:59:00+08:00"},
        {"checkin_closes_at": f"{DAY}T13:31:00+08:00"},
        {"ends_at": _local(following, "10:00")},
        {"starts_at": _local(day - timedelta(days=1), "09:00"), "ends_at": _local(day - timedelta(days=1), "11:30")},
    ):
        response = _create(client, auth, secretary, community, kind="service", **fields)
        assert response.status_code == 400 and response.get_json()["code"] == "invalid_window", (
            fields,
            response.get_json(),
        )
        assert response.get_json()["message"]
    assert client.get(f"/api/v1/events?community_id={community.id}", headers=auth(secretary)).get_json()["events"] == []
    at_the_edges = [
        {"checkin_opens_at": f"{DAY}T07:00:00+08:00", "checkin_closes_at": f"{DAY}T13:30:00+08:00"},
        {"starts_at": _local(day, "00:00"), "ends_at": _local(day, "00:30")},  # today, if already over
        {"starts_at": f"{DAY}T20:00:00+08:00", "ends_at": _local(following, "00:00")},
    ]
    for fields in at_the_edges:
        response = _create(client, auth, secretary, community, kind="service", **fields)
        assert response.status_code == 201, (fields, response.get_json())
