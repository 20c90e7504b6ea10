"""/desk/audit: the API's queue in the secretary's scope and its bulk decision, through the test client."""

import re

from tests.desk.conftest import hook, state_of, visit_pending


def test_the_queue_shows_the_scope_s_pending_entries_oldest_first_with_names_and_explanations(client, town, log_in):
    log_in(town["secretary"])
    html = client.get("/desk/audit").text
    e = town["entries"]
    rows = re.findall(r'<tr data-entry-id="(\d+)"', html)
    assert rows == [str(e["zhang"]), str(e["li"]), str(e["own"])]
    assert str(e["wang"]) not in rows and "王芳" not in html
    assert "张明" in html and "政策宣讲" in html
    assert f'name="ids" value="{e["zhang"]}"' in html


def test_the_secretary_s_own_entry_is_a_greyed_row_with_no_box_and_the_reason(client, town, log_in):
    log_in(town["secretary"])
    html = client.get("/desk/audit").text
    own = html.split(f'data-entry-id="{town["entries"]["own"]}"', 1)[1].split("</tr>", 1)[0]
    assert 'data-may-decide="false"' in own and 'name="ids"' not in own
    assert "不能审核本人的积分" in own


def test_a_bulk_approves_the_rest_and_names_each_refusal(app, client, town, log_in, ledger_verifies):
    log_in(town["secretary"])
    e = town["entries"]
    ids = [e["zhang"], e["own"], e["wang"], e["li"]]
    response = client.post("/desk/audit", data={"ids": [str(i) for i in ids], "action": "approve"})
    assert response.status_code == 200
    html = response.text
    assert hook(html, "data-done") == "2" and hook(html, "data-refused") == "2"
    own = html.split(f'data-refused-id="{e["own"]}"', 1)[1].split("</li>", 1)[0]
    assert "陈书记" in own and "不能审核本人的积分" in own
    outside = html.split(f'data-refused-id="{e["wang"]}"', 1)[1].split("</li>", 1)[0]
    # Out of scope: the number and the reason, never the other community's member's name.
    assert "王芳" not in outside and "只能审核本社区党员的积分" in outside
    assert [state_of(app, e[k]) for k in ("zhang", "li", "own", "wang")] == ["posted", "posted", "pending", "pending"]
    ledger_verifies()


def test_reject_without_a_reason_is_refused_and_changes_nothing(app, client, town, log_in):
    log_in(town["secretary"])
    e = town["entries"]
    response = client.post("/desk/audit", data={"ids": [str(e["zhang"])], "action": "reject", "reason": "  "})
    assert response.status_code == 400
    assert 'data-audit-status="reason_required"' in response.text and "驳回须填写原因" in response.text
    assert state_of(app, e["zhang"]) == "pending"


def test_reject_with_a_reason_rejects_what_was_ticked(app, client, town, log_in, ledger_verifies):
    log_in(town["secretary"])
    e = town["entries"]
    response = client.post("/desk/audit", data={"ids": [str(e["li"])], "action": "reject", "reason": "当天未到现场"})
    assert hook(response.text, "data-done") == "1" and hook(response.text, "data-refused") == "0"
    assert state_of(app, e["li"]) == "rejected" and state_of(app, e["zhang"]) == "pending"
    ledger_verifies()


def test_nothing_ticked_or_a_forged_id_is_a_chinese_message(client, town, log_in):
    log_in(town["secretary"])
    assert "请先勾选" in client.post("/desk/audit", data={"action": "approve"}).text
    assert "编号不对" in client.post("/desk/audit", data={"ids": ["1; drop"], "action": "approve"}).text
    assert client.post("/desk/audit", data={"ids": ["1"], "action": "carry"}).status_code == 400


def test_the_filters_cut_the_queue_by_event_source_and_month(app, client, town, log_in):
    visit = visit_pending(app, town["zhang"])
    log_in(town["secretary"])
    e = town["entries"]
    by_event = client.get(f"/desk/audit?event_id={town['event_a'].id}").text
    assert f'data-entry-id="{e["zhang"]}"' in by_event and f'data-entry-id="{visit}"' not in by_event
    by_source = client.get("/desk/audit?source=visit").text
    assert f'data-entry-id="{visit}"' in by_source and f'data-entry-id="{e["zhang"]}"' not in by_source
    assert 'data-queue-total="0"' in client.get("/desk/audit?month=2001-01").text
    assert client.get("/desk/audit?month=2001-13").status_code == 400


def test_the_api_queue_takes_the_same_filters_and_says_who_may_decide(client, town, auth):
    headers = auth(town["secretary"])
    e = town["entries"]
    body = client.get(f"/api/v1/audit/queue?event_id={town['event_a'].id}&source=checkin", headers=headers).json
    by_id = {row["id"]: row for row in body["entries"]}
    assert set(by_id) == {e["zhang"], e["li"], e["own"]}
    assert by_id[e["zhang"]]["member_name"] == "张明" and by_id[e["zhang"]]["may_decide"] is True
    assert by_id[e["own"]]["may_decide"] is False and "本人" in by_id[e["own"]]["why_not"]
    assert client.get("/api/v1/audit/queue?source=gift", headers=headers).status_code == 400


def test_a_secretary_of_another_community_sees_none_of_its_rows(client, town, log_in):
    log_in(town["other"])
    html = client.get("/desk/audit").text
    assert "张明" not in html and "李华" not in html and str(town["entries"]["wang"]) in html
    assert client.get(f"/desk/audit?community_id={town['a'].id}").status_code == 403


def test_a_member_gets_a_chinese_403_on_the_desk(client, town, log_in):
    log_in(town["zhang"].account)
    for path in ("/desk", "/desk/audit", "/desk/members", "/desk/duty", "/desk/members.xlsx"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "只供社区、单位书记和组织部使用" in response.text and "返回首页" in response.text


def test_nobody_logged_in_is_sent_to_login_and_back(client):
    response = client.get("/desk/audit")
    assert response.status_code == 302 and response.location.startswith("/login?next=/desk/audit")
