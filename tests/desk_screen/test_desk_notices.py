"""/desk/notices (信息发布): a secretary publishes to their community or unit by the API's own operation,
the act is logged, the notices sent are listed with their readers; another's scope is refused and changes
nothing."""

from sqlalchemy import func, select

from app.action_log.models import ActionLogEntry
from app.extensions import db
from app.notices.models import InboxItem, Notice
from tests.desk_screen.conftest import hook


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _log(app) -> list[tuple]:
    with app.app_context():
        return [
            (r.action, r.account_id, r.detail)
            for r in db.session.scalars(select(ActionLogEntry).order_by(ActionLogEntry.id))
        ]


def test_a_secretary_publishes_to_their_community_and_the_act_is_logged(app, client, auth, hall, log_in):
    log_in(hall.secretary)
    sent = client.post("/desk/notices", data={"title": "周日回家日", "body": "上午九点在党群服务中心集合"})
    assert sent.status_code == 302
    page = client.get(sent.location).get_data(as_text=True)
    assert hook(page, "data-notice-status") == "published" and "3 名党员" in page
    assert "周日回家日" in page and hook(page, "data-recipients") == "3" and hook(page, "data-read") == "0"

    inbox = client.get("/api/v1/me/notices", headers=auth(hall.members[0].account)).get_json()
    assert [n["title"] for n in inbox["notices"]] == ["周日回家日"] and inbox["unread"] == 1
    notice_id = inbox["notices"][0]["id"]
    assert _log(app) == [
        (
            "notice.publish",
            hall.secretary.id,
            {"recipients": 3, "event_id": None, "community_id": hall.community.id},
        )
    ]

    client.post(f"/api/v1/me/notices/{notice_id}/read", headers=auth(hall.members[0].account))
    assert hook(client.get("/desk/notices").get_data(as_text=True), "data-read") == "1"
    listed = client.get("/api/v1/notices", headers=auth(hall.secretary)).get_json()["notices"]
    assert [(n["id"], n["to"], n["recipients"], n["read"]) for n in listed] == [(notice_id, "桃源社区", 3, 1)]


def test_a_secretary_of_a_community_and_a_unit_picks_which_and_may_name_an_event(app, client, make, hall, log_in):
    unit = make.unit(name="县教育局")
    teachers = [make.member(make.community(), unit=unit) for _ in range(2)]
    both = make.secretary(hall.community, unit=unit)
    log_in(both)
    form = client.get("/desk/notices").get_data(as_text=True)
    assert f'value="community:{hall.community.id}"' in form and f'value="unit:{unit.id}"' in form
    assert f'value="{hall.event.id}"' in form

    client.post("/desk/notices", data={"title": "教师党员请注意", "body": "本月回家日照常", "to": f"unit:{unit.id}"})
    about = client.post(
        "/desk/notices",
        data={
            "title": "活动提醒",
            "body": "带好党员证",
            "to": f"community:{hall.community.id}",
            "event_id": hall.event.id,
        },
    )
    assert about.status_code == 302
    with app.app_context():
        rows = db.session.execute(select(Notice.unit_id, Notice.community_id, Notice.event_id, Notice.recipients)).all()
        assert sorted(rows, key=str) == sorted(
            [(unit.id, None, None, len(teachers)), (None, hall.community.id, hall.event.id, 3)], key=str
        )


def test_publishing_to_another_community_or_a_forged_choice_changes_nothing(app, client, make, hall, log_in):
    other = make.community()
    make.member(other)
    log_in(make.secretary(other))
    refused = client.post(
        "/desk/notices", data={"title": "越权通知", "body": "不应发出", "to": f"community:{hall.community.id}"}
    )
    assert refused.status_code == 403 and hook(refused.text, "data-notice-status") == "forbidden"
    assert "只能向本社区党员发通知" in refused.text
    forged = client.post("/desk/notices", data={"title": "标题", "body": "内容", "to": "region:1"})
    assert forged.status_code == 400 and hook(forged.text, "data-notice-status") == "invalid_request"
    elsewhere = client.post(
        "/desk/notices",
        data={"title": "标题", "body": "内容", "to": f"community:{other.id}", "event_id": hall.event.id},
    )
    assert elsewhere.status_code == 400 and hook(elsewhere.text, "data-notice-status") == "event_elsewhere"
    assert (_count(app, Notice), _count(app, InboxItem), _log(app)) == (0, 0, [])


def test_a_blank_title_is_refused_on_the_page_and_what_was_typed_stays(app, client, hall, log_in):
    log_in(hall.secretary)
    refused = client.post("/desk/notices", data={"title": " \u3000 ", "body": "正文还在"})
    assert refused.status_code == 400 and hook(refused.text, "data-notice-status") == "blank_text"
    assert "正文还在" in refused.text
    assert (_count(app, Notice), _log(app)) == (0, [])


def test_an_admin_must_pick_whom_to_publish_to(app, client, make, hall, log_in):
    log_in(make.admin())
    refused = client.post("/desk/notices", data={"title": "全县通知", "body": "内容"})
    assert refused.status_code == 400 and hook(refused.text, "data-notice-status") == "invalid_scope"
    assert (
        client.post(
            "/desk/notices", data={"title": "全县通知", "body": "内容", "to": f"community:{hall.community.id}"}
        ).status_code
        == 302
    )
    assert _count(app, InboxItem) == 3


def test_a_member_is_shown_the_chinese_403_page(client, hall, log_in):
    log_in(hall.members[0].account)
    for answer in (client.get("/desk/notices"), client.post("/desk/notices", data={"title": "x", "body": "y"})):
        assert answer.status_code == 403 and "没有权限" in answer.text and "返回首页" in answer.text


def test_publishing_through_the_api_is_logged_as_on_the_page(app, client, auth, hall):
    answer = client.post(
        "/api/v1/notices",
        json={"title": "停水通知", "body": "周六上午停水", "community_id": hall.community.id},
        headers=auth(hall.secretary),
    )
    assert answer.status_code == 201
    assert [(action, who) for action, who, _ in _log(app)] == [("notice.publish", hall.secretary.id)]
