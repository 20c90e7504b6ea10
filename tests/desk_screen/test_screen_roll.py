"""The hall's screen's live list: every member of the event's community, checked in or not, on leave or
not, and the visitors who checked in; names only; one statement a refresh, 304 while nothing changed; its
secretary and the county only."""

import re

from app.auth.models import Account
from app.extensions import db
from tests.desk_screen.conftest import hook
from tests.factories import check_in


def _roll(client, event):
    return client.get(f"/events/{event.id}/screen/roll.json")


def _leave(client, auth, member, event, secretary):
    asked = client.post(f"/api/v1/events/{event.id}/leave", json={"reason": "住院"}, headers=auth(member.account))
    decided = client.post(f"/api/v1/leave/{asked.get_json()['id']}/approve", json={}, headers=auth(secretary))
    assert decided.status_code == 200


def test_the_screen_lists_every_member_with_who_came_who_is_on_leave_and_the_visitors(
    app, client, auth, make, hall, log_in
):
    came, excused, due = hall.members
    visitor = make.member(make.community(), name="外来党员")
    make.member(make.community(), name="别处党员")  # of another community and not here: not listed
    check_in(app, came, hall.event)
    check_in(app, visitor, hall.event)
    _leave(client, auth, excused, hall.event, hall.secretary)
    log_in(hall.secretary)

    page = client.get(f"/events/{hall.event.id}/screen").get_data(as_text=True)
    assert hook(page, "data-checked-in-count") == "2"
    shown = {
        int(m): (c, leave)
        for m, c, leave in re.findall(r'data-member-id="(\d+)"\s+data-checked-in="(\w+)" data-on-leave="(\w+)"', page)
    }
    assert shown == {
        came.id: ("true", "false"),
        excused.id: ("false", "true"),
        due.id: ("false", "false"),
        visitor.id: ("true", "false"),
    }
    assert "请假" in page and "外社区" in page and "别处党员" not in page

    state = _roll(client, hall.event).get_json()
    assert state["checked_in_count"] == 2 and state["expected"] == 3 and state["on_leave_count"] == 1
    assert [m["member_id"] for m in state["members"]] == [came.id, excused.id, due.id, visitor.id]
    assert {(m["member_id"], m["checked_in"], m["on_leave"], m["own_community"]) for m in state["members"]} == {
        (came.id, True, False, True),
        (excused.id, False, True, True),
        (due.id, False, False, True),
        (visitor.id, True, False, False),
    }


def test_the_screen_shows_names_and_nothing_private(client, hall, log_in):
    log_in(hall.secretary)
    for body in (client.get(f"/events/{hall.event.id}/screen").text, _roll(client, hall.event).text):
        for member in hall.members:
            assert member.name in body and member.phone not in body and member.address not in body


def test_a_refresh_is_answered_304_until_someone_checks_in(app, client, hall, log_in):
    log_in(hall.secretary)
    first = _roll(client, hall.event)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store" and first.headers["ETag"]
    again = client.get(f"/events/{hall.event.id}/screen/roll.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""

    check_in(app, hall.members[0], hall.event)
    changed = client.get(f"/events/{hall.event.id}/screen/roll.json", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    assert changed.get_json()["checked_in_count"] == 1


def test_a_refresh_costs_the_same_statements_for_3_members_as_for_60_and_one_of_them_reads_the_list(
    app, client, make, hall, log_in, statements
):
    log_in(hall.secretary)
    _roll(client, hall.event)  # the session's own renewal is not the list's cost
    with statements() as small:
        assert _roll(client, hall.event).status_code == 200
    crowd = [make.member(hall.community) for _ in range(57)]
    for member in crowd[:40]:
        check_in(app, member, hall.event)
    with statements() as large:
        body = _roll(client, hall.event).get_json()
    assert body["checked_in_count"] == 40 and len(body["members"]) == 60
    assert len(large) == len(small)
    # Who asks (the login session, read with its account and member) apart, one statement reads members.
    assert len([sql for sql in large if "members" in sql and "login_sessions" not in sql]) == 1


def test_only_the_events_secretary_and_the_county_see_the_screen_and_its_list(client, make, hall, log_in):
    for account in (make.secretary(make.community()), hall.members[0].account):
        log_in(account)
        page = client.get(f"/events/{hall.event.id}/screen")
        assert page.status_code == 403 and "没有权限" in page.text and "十二月回家日" not in page.text
        for part in ("roll", "code"):
            refused = client.get(f"/events/{hall.event.id}/screen/{part}.json")
            assert refused.status_code == 403 and refused.get_json()["code"] == "forbidden"
    log_in(make.admin())
    assert _roll(client, hall.event).get_json()["expected"] == 3
    unknown = client.get("/events/999999/screen/roll.json")
    assert unknown.status_code == 404 and unknown.get_json()["code"] == "not_found"
    client.post("/logout")
    assert _roll(client, hall.event).status_code == 401
    assert _roll(client, hall.event).get_json()["code"] == "unauthenticated"


def test_a_suspended_secretary_is_refused_the_screen_its_code_and_its_list(app, client, hall, log_in):
    log_in(hall.secretary)
    with app.app_context():
        db.session.get(Account, hall.secretary.id).suspended = True
        db.session.commit()
    assert client.get(f"/events/{hall.event.id}/screen").status_code == 403
    for part in ("code", "roll"):
        refused = client.get(f"/events/{hall.event.id}/screen/{part}.json")
        assert refused.status_code == 403 and refused.get_json()["code"] == "not_allowed"
