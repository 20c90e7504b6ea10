"""Notices (通知): a secretary or the county publishes to a community's or a unit's members; each member
reads their own inbox, newest first, and opening one marks it read."""

import pytest

from tests.factories import PASSWORD


@pytest.fixture
def town(make):
    community, unit = make.community(), make.unit()
    return {
        "community": community,
        "unit": unit,
        "secretary": make.secretary(community),
        "unit_secretary": make.secretary(unit=unit),
        "member": make.member(community, unit),
        "neighbour": make.member(community),
        "colleague": make.member(make.community(), unit),
    }


def _publish(client, auth, account, **body):
    return client.post(
        "/api/v1/notices",
        json={"title": "回家日通知", "body": "本月回家日上午九点集合。", **body},
        headers=auth(account),
    )


def _inbox(client, auth, member):
    response = client.get("/api/v1/me/notices", headers=auth(member.account))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_community_notice_reaches_every_member_of_the_community_and_nobody_else(client, auth, town):
    sent = _publish(client, auth, town["secretary"], community_id=town["community"].id)
    assert sent.status_code == 201 and sent.get_json()["recipients"] == 2
    for member in (town["member"], town["neighbour"]):
        inbox = _inbox(client, auth, member)
        assert [n["id"] for n in inbox["notices"]] == [sent.get_json()["id"]] and inbox["unread"] == 1
        assert inbox["notices"][0]["read_at"] is None and inbox["notices"][0]["title"] == "回家日通知"
    assert _inbox(client, auth, town["colleague"])["notices"] == []


def test_a_unit_secretary_reaches_the_units_members_wherever_they_live(client, auth, town):
    sent = _publish(client, auth, town["unit_secretary"], unit_id=town["unit"].id)
    assert sent.status_code == 201 and sent.get_json()["recipients"] == 2
    assert len(_inbox(client, auth, town["colleague"])["notices"]) == 1
    assert _inbox(client, auth, town["neighbour"])["notices"] == []


def test_only_a_secretary_in_scope_or_an_admin_publishes(client, auth, make, town):
    community_id = town["community"].id
    assert _publish(client, auth, make.secretary(make.community()), community_id=community_id).status_code == 403
    assert _publish(client, auth, town["unit_secretary"], community_id=community_id).status_code == 403
    assert _publish(client, auth, town["member"].account, community_id=community_id).status_code == 403
    assert _publish(client, auth, make.admin(), community_id=community_id).status_code == 201
    assert _publish(client, auth, make.admin(), community_id=community_id, unit_id=town["unit"].id).status_code == 400
    assert _publish(client, auth, make.admin()).status_code == 400


@pytest.mark.parametrize(
    "field, value, code",
    [
        ("title", "   ", "blank_text"),
        ("title", "\u200b\u3000\u2800", "blank_text"),
        ("body", "\n\t", "blank_text"),
        ("title", "长" * 101, "text_too_long"),
        ("body", "长" * 2001, "text_too_long"),
    ],
)
def test_a_notice_needs_visible_words_within_its_limits(client, auth, town, field, value, code):
    response = _publish(client, auth, town["secretary"], community_id=town["community"].id, **{field: value})
    assert response.status_code == 400 and response.get_json()["code"] == code
    assert _inbox(client, auth, town["member"])["notices"] == []


def test_a_notice_about_an_event_must_be_about_one_of_the_communitys(client, auth, make, town):
    elsewhere = make.event(make.community())
    response = _publish(client, auth, make.admin(), community_id=town["community"].id, event_id=elsewhere.id)
    assert response.status_code == 400 and response.get_json()["code"] == "event_elsewhere"
    own = make.event(town["community"])
    assert (
        _publish(client, auth, town["secretary"], community_id=town["community"].id, event_id=own.id).status_code == 201
    )


def test_the_inbox_is_newest_first_and_reading_keeps_the_first_time(client, auth, town):
    first = _publish(client, auth, town["secretary"], community_id=town["community"].id, title="第一条").get_json()
    second = _publish(client, auth, town["secretary"], community_id=town["community"].id, title="第二条").get_json()
    member = town["member"]
    assert [n["id"] for n in _inbox(client, auth, member)["notices"]] == [second["id"], first["id"]]
    read = client.post(f"/api/v1/me/notices/{first['id']}/read", headers=auth(member.account))
    assert read.status_code == 200 and read.get_json()["read_at"] is not None
    again = client.post(f"/api/v1/me/notices/{first['id']}/read", headers=auth(member.account))
    assert again.get_json()["read_at"] == read.get_json()["read_at"]
    assert _inbox(client, auth, member)["unread"] == 1
    assert _inbox(client, auth, town["neighbour"])["unread"] == 2  # one member's reading is theirs alone


def test_a_member_cannot_read_a_notice_not_sent_to_them(client, auth, town):
    sent = _publish(client, auth, town["secretary"], community_id=town["community"].id).get_json()
    response = client.post(f"/api/v1/me/notices/{sent['id']}/read", headers=auth(town["colleague"].account))
    assert response.status_code == 404 and response.get_json()["code"] == "not_found"
    assert client.get(f"/me/notices/{sent['id']}").status_code == 302  # the page asks who is there first


def test_the_notices_page_lists_them_and_opening_one_marks_it_read(client, auth, town):
    sent = _publish(client, auth, town["secretary"], community_id=town["community"].id).get_json()
    member = town["member"]
    client.post("/login", data={"phone": member.phone, "password": PASSWORD})
    listed = client.get("/me/notices").text
    assert f'data-notice-id="{sent["id"]}" data-read="false"' in listed
    opened = client.get(f"/me/notices/{sent['id']}")
    assert opened.status_code == 200 and "本月回家日上午九点集合。" in opened.text
    assert f'data-notice-id="{sent["id"]}" data-read="true"' in client.get("/me/notices").text
    assert _inbox(client, auth, member)["unread"] == 0


def test_the_notice_calls_are_documented_with_their_operation_ids(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert paths["/api/v1/notices"]["post"]["operationId"] == "publishNotice"
    assert paths["/api/v1/me/notices"]["get"]["operationId"] == "listMyNotices"
    assert paths["/api/v1/me/notices/{notice_id}/read"]["post"]["operationId"] == "markNoticeRead"
