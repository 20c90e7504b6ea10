"""The desk's event pages through the test client: the form's fields are the API's, refusals are shown in
Chinese and change nothing, the downloads answer the session alone, and another community's secretary
meets a Chinese 403 on every page, download and form of an event that is not theirs."""

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from app.action_log.models import ActionLogEntry
from app.checkins.models import Checkin
from app.db import utcnow
from app.events import codes
from app.events.models import Event
from app.extensions import db
from ledger import periods
from tests.factories import PASSWORD, check_in

TOMORROW = periods.local(utcnow()).date() + timedelta(days=1)
FIELDS = {
    "community_id",
    "title",
    "category",
    "kind",
    "place",
    "starts_at",
    "ends_at",
    "checkin_opens_at",
    "checkin_closes_at",
    "capacity",
    "latitude",
    "longitude",
    "radius_m",
}


def at(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(TOMORROW, time(hour, minute), tzinfo=periods.TZ)


def form(community, **fields):
    return {
        "community_id": community.id,
        "title": "义诊进社区",
        "category": "义诊",
        "kind": "service",
        "place": "社区卫生站",
        "starts_at": f"{TOMORROW}T09:00",
        "ends_at": f"{TOMORROW} 11:30",
        **fields,
    }


def log_in(client, account):
    response = client.post("/login", data={"phone": account.phone, "password": PASSWORD})
    assert response.status_code == 302, response.text


def field_names(html: str) -> set[str]:
    names = set()
    for chunk in html.split(' name="')[1:]:
        names.add(chunk.split('"', 1)[0])
    return names


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def town(make):
    community = make.community()
    secretary = make.secretary(community)
    return {"community": community, "secretary": secretary, "member": make.member(community, name="张秀英")}


@pytest.fixture
def event(make, town):
    # Open for check-in now: started ten minutes ago.
    return make.event(town["community"], kind="service", title="政策宣讲")


def test_the_form_has_the_apis_fields_by_the_same_names_and_the_community_fixed(client, town):
    log_in(client, town["secretary"])
    html = client.get("/desk/events/new").text
    assert field_names(html) >= FIELDS
    community = town["community"]
    assert f'<option selected value="{community.id}">{community.name}</option>' in html
    assert html.count("<option") >= 2  # the community, the two kinds
    assert 'type="datetime-local"' in html and "2026-12-27 09:00" in html
    assert 'id="use-position"' in html and " hidden" in html


def test_an_event_published_through_the_form_lands_on_its_page_in_beijing_time(app, client, town):
    log_in(client, town["secretary"])
    response = client.post("/desk/events/new", data=form(town["community"], capacity="30"))
    assert response.status_code == 302, response.text
    with app.app_context():
        event = db.session.scalars(select(Event)).one()
        assert response.location == f"/desk/events/{event.id}"
        assert (event.starts_at, event.ends_at, event.capacity) == (at(9), at(11, 30), 30)
        assert event.checkin_opens_at == at(8, 30)
    page = client.get(response.location).text
    assert "义诊进社区" in page and "09:00" in page and "11:30" in page


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"checkin_opens_at": f"{TOMORROW}T06:00"}, "签到时间须在活动开始前2小时"),
        (
            {"starts_at": f"{TOMORROW - timedelta(days=3)}T09:00", "ends_at": f"{TOMORROW - timedelta(days=3)}T10:00"},
            "不能早于今天",
        ),
        ({"ends_at": f"{TOMORROW}T08:00"}, "结束时间应晚于开始时间"),
        ({"latitude": "25.3"}, "签到范围须同时给出"),
        ({"starts_at": "明天早上"}, "时间格式应为"),
        ({"latitude": "nan", "longitude": "118", "radius_m": "300"}, "应为数字"),
        ({"title": "  "}, "请填写活动名称"),
        ({"title": "名" * 101}, "最多100个字"),
        ({"place": "a\x00b"}, "无效字符"),
        ({"starts_at": "0001-01-01T00:00"}, "时间超出范围"),
    ],
)
def test_a_bad_event_shows_the_chinese_refusal_keeps_the_values_and_creates_nothing(app, client, town, fields, words):
    log_in(client, town["secretary"])
    response = client.post("/desk/events/new", data=form(town["community"], **fields))
    assert response.status_code == 400, response.text[:500]
    assert words in response.text and "未能发布" in response.text
    assert 'value="义诊进社区"' in response.text or "title" in fields
    assert count(app, Event) == 0
    assert count(app, ActionLogEntry) == 0


def test_a_secretary_cannot_publish_in_another_community(app, make, client, town):
    log_in(client, town["secretary"])
    response = client.post("/desk/events/new", data=form(make.community()))
    assert response.status_code == 400 and count(app, Event) == 0


def test_the_event_list_shows_this_months_events_first_with_their_counts(app, make, client, town, event):
    old = make.event(town["community"], title="去年的回家日", starts_at=utcnow() - timedelta(days=400))
    elsewhere = make.event(make.community(), title="别的社区")
    check_in(app, town["member"], event)
    log_in(client, town["secretary"])
    html = client.get("/desk/events").text
    assert html.index("政策宣讲") < html.index("去年的回家日") and "别的社区" not in html
    row = html.split(f'data-event-id="{event.id}"', 1)[1].split("</tr>", 1)[0]
    assert 'data-checked-in="1"' in row and 'data-signups="0"' in row
    assert f'data-event-id="{old.id}"' in html and f'data-event-id="{elsewhere.id}"' not in html


def test_an_admin_sees_every_community_or_the_one_named(make, client, town, event):
    other_community = make.community()
    make.event(other_community, title="别的社区")
    log_in(client, make.admin())
    assert "别的社区" in client.get("/desk/events").text
    named = client.get(f"/desk/events?community_id={town['community'].id}").text
    assert "政策宣讲" in named and "别的社区" not in named
    assert client.get("/desk/events?community_id=99999999999").status_code == 400
    offered = client.get("/desk/events/new").text.split('name="community_id"', 1)[1].split("</select>", 1)[0]
    assert town["community"].name in offered and other_community.name in offered


def test_the_downloads_answer_the_session_alone(client, town, event):
    log_in(client, town["secretary"])
    poster = client.get(f"/desk/events/{event.id}/poster.pdf")
    png = client.get(f"/desk/events/{event.id}/qr.png")
    svg = client.get(f"/desk/events/{event.id}/qr.svg")
    assert poster.status_code == png.status_code == svg.status_code == 200
    assert poster.data.startswith(b"%PDF") and poster.mimetype == "application/pdf"
    assert png.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data[:500]
    assert poster.headers["Cache-Control"] == "no-store"
    page = client.get(f"/desk/events/{event.id}").text
    for name in ("poster.pdf", "qr.png", "qr.svg"):
        assert f'href="/desk/events/{event.id}/{name}"' in page
    assert f'href="/events/{event.id}/screen"' in page


def test_a_member_gets_a_chinese_403_on_the_desks_events(client, town, event):
    log_in(client, town["member"].account)
    for path in ("/desk/events", "/desk/events/new", f"/desk/events/{event.id}"):
        response = client.get(path)
        assert response.status_code == 403 and "没有权限" in response.text, path


def test_a_lost_session_goes_to_login_and_back(client, event):
    response = client.get(f"/desk/events/{event.id}")
    assert response.status_code == 302 and response.location.startswith("/login")


def test_another_communitys_secretary_meets_a_chinese_403_everywhere_and_nothing_changes(
    app, make, client, town, event
):
    log_in(client, make.secretary(make.community()))
    for path in (
        f"/desk/events/{event.id}",
        f"/desk/events/{event.id}/edit",
        f"/desk/events/{event.id}/poster.pdf",
        f"/desk/events/{event.id}/qr.png",
        f"/desk/events/{event.id}/qr.svg",
    ):
        response = client.get(path)
        assert response.status_code == 403 and "只有本社区书记或管理员" in response.text, path
    posts = {
        f"/desk/events/{event.id}/edit": {**form(town["community"]), "title": "改掉"},
        f"/desk/events/{event.id}/rotate-key": {"confirm": "y"},
        f"/desk/events/{event.id}/proxy-checkins": {"member_id": town["member"].id, "reason": "手机没电"},
    }
    for path, data in posts.items():
        response = client.post(path, data=data)
        assert response.status_code == 403 and "返回首页" in response.text, path
    with app.app_context():
        stored = db.session.get(Event, event.id)
        assert (stored.title, stored.key_version) == ("政策宣讲", 1)
    assert count(app, Checkin) == 0 and count(app, ActionLogEntry) == 0


def test_voiding_needs_the_confirmation_then_an_old_printed_code_answers_token_revoked(app, client, auth, town, event):
    old_code = codes.printed(app.config["SECRET_KEY"], event.id, 1)
    log_in(client, town["secretary"])
    unconfirmed = client.post(f"/desk/events/{event.id}/rotate-key", data={})
    assert unconfirmed.status_code == 400 and "请先勾选确认" in unconfirmed.text
    assert count(app, ActionLogEntry) == 0
    voided = client.post(f"/desk/events/{event.id}/rotate-key", data={"confirm": "y"})
    assert voided.status_code == 302 and voided.location == f"/desk/events/{event.id}#codes"
    assert "旧码已作废" in client.get(voided.location).text
    scan = client.post("/api/v1/checkins", json={"token": old_code}, headers=auth(town["member"].account))
    assert (scan.status_code, scan.get_json()["code"]) == (410, "token_revoked")
    with app.app_context():
        [row] = db.session.scalars(select(ActionLogEntry)).all()
        assert (row.action, row.account_id) == ("event.rotate_key", town["secretary"].id)


def test_a_proxy_check_in_finds_the_member_by_name_and_needs_a_reason(app, make, client, town, event):
    make.member(make.community(), name="张秀英外社区")  # another community's: not in this secretary's search
    log_in(client, town["secretary"])
    found = client.get(f"/desk/events/{event.id}?q=张秀").text
    assert f'data-found-member-id="{town["member"].id}"' in found and "张秀英外社区" not in found
    by_phone = client.get(f"/desk/events/{event.id}?q={town['member'].phone[-6:]}").text
    assert f'data-found-member-id="{town["member"].id}"' in by_phone
    no_reason = client.post(
        f"/desk/events/{event.id}/proxy-checkins", data={"member_id": town["member"].id, "reason": " ", "q": "张秀"}
    )
    assert no_reason.status_code == 400 and 'data-proxy-status="invalid_request"' in no_reason.text
    assert count(app, Checkin) == 0
    done = client.post(
        f"/desk/events/{event.id}/proxy-checkins", data={"member_id": town["member"].id, "reason": "老人没有智能手机"}
    )
    assert done.status_code == 200 and 'data-proxy-status="created"' in done.text
    row = done.text.split(f'<tr data-member-id="{town["member"].id}"', 1)[1].split("</tr>", 1)[0]
    assert 'data-proxy="true"' in row and 'data-state="pending"' in row and "老人没有智能手机" in row
    again = client.post(
        f"/desk/events/{event.id}/proxy-checkins", data={"member_id": town["member"].id, "reason": "再点一次"}
    )
    assert 'data-proxy-status="already"' in again.text and count(app, Checkin) == 1


def test_a_proxy_check_in_outside_its_time_shows_the_refusals_code(make, client, town):
    later = make.event(town["community"], kind="service", starts_at=at(9))
    log_in(client, town["secretary"])
    response = client.post(
        f"/desk/events/{later.id}/proxy-checkins", data={"member_id": town["member"].id, "reason": "提前签"}
    )
    assert response.status_code == 409 and 'data-proxy-status="outside_window"' in response.text


def test_the_edit_form_is_prefilled_and_saving_it_changes_and_logs_the_event(app, make, client, town):
    event = make.event(town["community"], kind="service", title="义诊", starts_at=at(9), hours=2)
    log_in(client, town["secretary"])
    html = client.get(f"/desk/events/{event.id}/edit").text
    assert f'value="{TOMORROW}T09:00"' in html and 'value="义诊"' in html
    assert FIELDS - {"community_id"} <= field_names(html)
    data = form(town["community"], title="义诊（改到下午）", starts_at=f"{TOMORROW}T14:00", ends_at=f"{TOMORROW}T16:00")
    response = client.post(f"/desk/events/{event.id}/edit", data=data)
    assert response.status_code == 302 and response.location == f"/desk/events/{event.id}"
    with app.app_context():
        stored = db.session.get(Event, event.id)
        assert (stored.title, stored.starts_at, stored.checkin_opens_at) == ("义诊（改到下午）", at(14), at(13, 30))
        [row] = db.session.scalars(select(ActionLogEntry)).all()
        assert row.action == "event.update" and "title" in row.detail["changed"]
    refused = client.post(f"/desk/events/{event.id}/edit", data={**data, "checkin_closes_at": f"{TOMORROW}T19:00"})
    assert refused.status_code == 400 and "未能保存" in refused.text and f"{TOMORROW}T19:00" in refused.text


def test_creating_an_event_through_the_form_leaves_its_log_row(app, client, town):
    log_in(client, town["secretary"])
    client.post("/desk/events/new", data=form(town["community"]))
    with app.app_context():
        [row] = db.session.scalars(select(ActionLogEntry)).all()
        assert (row.action, row.account_id, row.target.endswith("义诊进社区")) == (
            "event.create",
            town["secretary"].id,
            True,
        )


def test_the_category_is_a_choice_of_the_countys_catalogue_once_it_has_one(app, client, town):
    from app.catalogue.models import ServiceCategory

    with app.app_context():
        db.session.add_all([ServiceCategory(name="政策宣传", position=1), ServiceCategory(name="义诊", position=2)])
        db.session.commit()
    log_in(client, town["secretary"])
    select_ = client.get("/desk/events/new").text.split('<select id="category" name="category"', 1)[1]
    options = select_.split("</select>", 1)[0]
    assert options.index("政策宣传") < options.index("义诊")
    refused = client.post("/desk/events/new", data=form(town["community"], category="随便什么"))
    assert refused.status_code == 400 and "不在本县服务目录中" in refused.text
    assert client.post("/desk/events/new", data=form(town["community"])).status_code == 302
