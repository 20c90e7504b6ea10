"""/desk and /desk/duty: what waits for the secretary, and who has reported this quarter."""

import re
from io import BytesIO

import openpyxl

from app.db import utcnow
from app.extensions import db
from ledger import periods
from tests.desk.conftest import hook
from tests.factories import log_in


def test_the_home_counts_the_queue_shows_the_rate_the_missing_and_the_events(client, town, log_in):
    log_in(town["secretary"])
    html = client.get("/desk").text
    # Zhang, Li and the secretary's own entry wait in A's queue; Wang's is B's.
    assert hook(html, "data-pending-count") == "3"
    assert hook(html, "data-reporting-rate") == "0.0000"
    assert f'href="/desk/events/{town["event_a"].id}"' in html and "政策宣讲" in html
    assert "义诊" not in html and "王芳" not in html
    assert "张明" in html and 'href="/desk/duty"' in html and 'href="/desk/leave"' in html
    assert hook(html, "data-leave-waiting") == "0"


def test_the_home_counts_follow_an_approval(client, town, log_in):
    log_in(town["secretary"])
    client.post("/desk/audit", data={"ids": [str(town["entries"]["zhang"])], "action": "approve"})
    html = client.get("/desk").text
    assert hook(html, "data-pending-count") == "2"
    # One of three members has reported at home this quarter.
    assert hook(html, "data-reporting-rate") == "0.3333"


def test_an_admin_sees_the_county_or_picks_a_community(client, town, make, log_in):
    log_in(make.admin())
    assert hook(client.get("/desk").text, "data-pending-count") == "4"
    assert hook(client.get(f"/desk?community_id={town['b'].id}").text, "data-pending-count") == "1"


def test_a_unit_secretary_sees_their_unit_s_members_across_communities_and_audits_none(client, town, make, log_in):
    log_in(make.secretary(unit=town["unit"]))
    home = client.get("/desk")
    assert home.status_code == 200 and hook(home.text, "data-pending-count") == "4"
    queue = client.get("/desk/audit").text
    assert "王芳" in queue and "张明" in queue and 'name="ids"' not in queue
    assert "只能由该党员所在社区的书记或组织部审核" in queue
    members = client.get("/desk/members").text
    assert "王芳" in members and "张明" in members


def test_duty_lists_every_member_in_scope_with_met_and_the_missing_with_phones(client, town, log_in):
    log_in(town["secretary"])
    client.post("/desk/audit", data={"ids": [str(town["entries"]["li"])], "action": "approve"})
    html = client.get("/desk/duty").text
    rows = dict(re.findall(r'data-member-id="(\d+)" data-met="(true|false)"', html))
    assert rows == {str(town["zhang"].id): "false", str(town["li"].id): "true", str(town["sec_member"].id): "false"}
    missing = html.split("尚未报到，请电话提醒", 1)[1].split("全部党员", 1)[0]
    assert f'href="tel:{town["zhang"].phone}"' in missing and town["li"].phone not in missing
    assert "王芳" not in html and town["wang"].phone not in html
    assert periods.quarter_of(utcnow()) in html


def test_duty_takes_a_quarter_and_refuses_a_bad_one_in_chinese(client, town, log_in):
    log_in(town["secretary"])
    earlier = client.get("/desk/duty?quarter=2020-Q1")
    assert earlier.status_code == 200 and 'data-met="true"' not in earlier.text and "2020-Q1" in earlier.text
    bad = client.get("/desk/duty?quarter=2020-Q5")
    assert bad.status_code == 400 and "季度" in bad.text


def test_a_secretary_of_another_community_sees_none_of_its_duty_rows(client, town, log_in):
    log_in(town["other"])
    html = client.get("/desk/duty").text
    assert re.findall(r'data-member-id="(\d+)" data-met', html) == [str(town["wang"].id)]
    assert client.get(f"/desk/duty?community_id={town['a'].id}").status_code == 403
    assert client.get(f"/desk/duty.xlsx?community_id={town['a'].id}").status_code == 403


def test_the_duty_workbook_downloads_with_the_session_missing_first(client, town, log_in):
    log_in(town["secretary"])
    client.post("/desk/audit", data={"ids": [str(town["entries"]["zhang"])], "action": "approve"})
    quarter = periods.quarter_of(utcnow())
    response = client.get(f"/desk/duty.xlsx?quarter={quarter}")
    assert response.status_code == 200 and f"duty-{quarter}.xlsx" in response.headers["Content-Disposition"]
    rows = list(openpyxl.load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0] == ("姓名", "手机号", "工作单位", "居住社区", "本季度报到")
    assert [(r[0], r[4]) for r in rows[1:4]] == [("李华", "未报到"), ("陈书记", "未报到"), ("张明", "已报到")]


def test_the_api_s_missing_list_carries_phone_numbers(client, town, auth):
    quarter = periods.quarter_of(utcnow())
    body = client.get(
        f"/api/v1/duty/missing?quarter={quarter}&community_id={town['a'].id}", headers=auth(town["secretary"])
    ).json
    assert {m["phone"] for m in body["members"]} == {town["zhang"].phone, town["li"].phone, town["sec_member"].phone}


def test_a_secretary_whose_password_was_reset_changes_it_before_any_desk_or_office_page(app, make, client):
    secretary, admin = make.secretary(), make.admin()
    log_in(client, secretary)
    with app.app_context():
        for account in (secretary, admin):
            db.session.merge(account).must_change_password = True
        db.session.commit()
    for path in ("/desk", "/desk/audit", "/stats"):
        response = client.get(path)
        assert response.status_code == 302 and response.location.startswith("/me/password"), path
    assert client.get("/me/password").status_code == 200
    log_in(client, admin)
    assert client.get("/office/log").location.startswith("/me/password")


def test_a_unit_secretarys_menu_offers_only_the_pages_that_answer_them(client, make):
    log_in(client, make.account(role="secretary", unit=make.unit()))
    menu = re.findall(
        r'<a href="(/[^"]*)"', client.get("/desk").text.split('aria-label="工作台菜单"')[1].split("</nav>")[0]
    )

    assert "/desk/events" not in menu and "/desk/registrations" not in menu
    assert [client.get(path).status_code for path in menu] == [200] * len(menu)
