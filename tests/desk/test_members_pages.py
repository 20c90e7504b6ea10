"""/desk/members and /desk/members/{id}: the register in scope with points and duty, one member's ledger
with 冲正, the password reset, and the list as a workbook."""

import re
from io import BytesIO

import openpyxl
from sqlalchemy import select

from app.action_log.models import ActionLogEntry
from app.db import utcnow
from app.extensions import db
from ledger import periods
from tests.desk.conftest import account_of, hook
from tests.factories import PASSWORD, earn


def _approve(client, *ids):
    response = client.post("/desk/audit", data={"ids": [str(i) for i in ids], "action": "approve"})
    assert hook(response.text, "data-done") == str(len(ids))


def test_the_list_shows_the_scope_s_members_with_unit_grid_points_and_duty(app, client, town, log_in):
    earn(app, town["zhang"], "service", period=periods.month_of(utcnow()), now=utcnow())
    log_in(town["secretary"])
    _approve(client, town["entries"]["zhang"])
    html = client.get("/desk/members").text
    ids = re.findall(r'<tr data-member-id="(\d+)"', html)
    assert ids == [str(m.id) for m in (town["zhang"], town["li"], town["sec_member"])]
    zhang = html.split(f'data-member-id="{town["zhang"].id}"', 1)[1].split("</tr>", 1)[0]
    # A service check-in (3) approved, and 3 more posted: 6 this month; the approved check-in at home meets the duty.
    assert 'data-duty-met="true"' in html.split(f'<tr data-member-id="{town["zhang"].id}"', 1)[1][:40]
    assert 'data-points-month="6"' in zhang and "县教育局" in zhang and "第1网格" in zhang
    li = html.split(f'<tr data-member-id="{town["li"].id}"', 1)[1][:40]
    assert 'data-duty-met="false"' in li
    assert "王芳" not in html


def test_search_by_name_or_phone_and_paging(client, town, log_in):
    log_in(town["secretary"])
    assert re.findall(r'<tr data-member-id="(\d+)"', client.get("/desk/members?q=李").text) == [str(town["li"].id)]
    by_phone = client.get(f"/desk/members?q={town['zhang'].phone[-4:]}").text
    assert f'data-member-id="{town["zhang"].id}"' in by_phone
    past_the_end = client.get("/desk/members?page=5").text
    assert 'data-members-total="3"' in past_the_end and "data-member-id" not in past_the_end


def test_a_secretary_of_another_community_gets_a_chinese_403_on_a_member_and_sees_none_in_lists(client, town, log_in):
    log_in(town["other"])
    response = client.get(f"/desk/members/{town['zhang'].id}")
    assert response.status_code == 403 and "只能查看本人或本社区、本单位党员的积分" in response.text
    assert "返回首页" in response.text
    html = client.get("/desk/members").text
    assert "张明" not in html and "王芳" in html
    assert client.get(f"/desk/members?community_id={town['a'].id}").status_code == 403
    assert client.get(f"/desk/members/{town['zhang'].id}/password-reset").status_code == 403
    assert client.get("/desk/members/99999").status_code == 404


def test_a_member_page_lists_their_entries_and_reverses_a_posted_one_with_a_reason(
    app, client, town, log_in, ledger_verifies
):
    log_in(town["secretary"])
    entry = town["entries"]["zhang"]
    _approve(client, entry)
    page = client.get(f"/desk/members/{town['zhang'].id}").text
    assert f'data-entry-id="{entry}" data-state="posted"' in page and "政策宣讲" in page
    assert f'name="entry_id" value="{entry}"' in page

    missing = client.post(f"/desk/members/{town['zhang'].id}", data={"entry_id": entry, "reason": ""})
    assert missing.status_code == 400 and "冲正须填写原因" in missing.text

    done = client.post(f"/desk/members/{town['zhang'].id}", data={"entry_id": entry, "reason": "重复登记"})
    assert done.status_code == 200 and hook(done.text, "data-reverse-status") == "reversed"
    new_id = hook(done.text, "data-entry-id-new")
    assert f'data-entry-id="{new_id}" data-state="posted"' in done.text and "重复登记" in done.text
    # Reversed once: no second form on it, nor on the reversal.
    assert f'name="entry_id" value="{entry}"' not in done.text
    again = client.post(f"/desk/members/{town['zhang'].id}", data={"entry_id": entry, "reason": "再冲一次"})
    assert again.status_code == 409 and hook(again.text, "data-reverse-status") != "reversed"
    ledger_verifies()


def test_the_secretary_s_own_page_offers_no_reversal(client, town, log_in):
    log_in(town["secretary"])
    page = client.get(f"/desk/members/{town['sec_member'].id}").text
    assert 'name="entry_id"' not in page and "不能审核本人的积分" in page


def test_a_password_reset_is_confirmed_shown_once_logged_and_must_be_changed(app, client, town, log_in):
    log_in(town["secretary"])
    zhang = town["zhang"]
    confirm = client.get(f"/desk/members/{zhang.id}/password-reset")
    assert confirm.status_code == 200 and "确认重置" in confirm.text and "张明" in confirm.text
    account_id = zhang.account.id
    assert f'name="account_id" value="{account_id}"' in confirm.text
    answer = client.post(f"/desk/members/{zhang.id}/password-reset", data={"account_id": account_id})
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    password = hook(answer.text, "data-one-time-password")
    assert len(password) == 10 and "只显示这一次" in answer.text and "新密码" in answer.text
    assert account_of(app, account_id).must_change_password is True
    with app.app_context():
        logged = db.session.scalars(
            select(ActionLogEntry).where(ActionLogEntry.action == "account.password_reset")
        ).all()
        assert [(row.account_id, str(account_id) in row.target) for row in logged] == [(town["secretary"].id, True)]

    other = app.test_client()
    landed = other.post("/login", data={"phone": zhang.phone, "password": password})
    assert landed.location.startswith("/me/password")
    assert other.post("/login", data={"phone": zhang.phone, "password": PASSWORD}).status_code != 302


def test_a_reset_of_an_account_out_of_scope_is_refused_and_not_logged(app, client, town, log_in):
    log_in(town["other"])
    answer = client.post(
        f"/desk/members/{town['zhang'].id}/password-reset", data={"account_id": town["zhang"].account.id}
    )
    assert answer.status_code == 403 and 'data-reset-status="forbidden"' in answer.text
    with app.app_context():
        assert db.session.scalars(select(ActionLogEntry)).all() == []


def test_the_workbook_downloads_with_the_session_alone_and_403_out_of_scope(make, client, town, log_in):
    make.member(town["a"], town["unit"], name="=HYPERLINK(1)")
    log_in(town["secretary"])
    response = client.get("/desk/members.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("姓名", "手机号", "工作单位")
    assert [r[0] for r in rows[1:]] == ["张明", "李华", "陈书记", "=HYPERLINK(1)"]
    assert sheet.cell(row=5, column=1).data_type == "s"
    client.post("/logout")
    log_in(town["other"])
    assert client.get(f"/desk/members.xlsx?community_id={town['a'].id}").status_code == 403
