"""/desk/needs and /me/needs: scope (another community's secretary and a member are refused in Chinese), the
one next step each status offers, the unit's secretary assigning, a member claiming (the race's loser told
in Chinese), done, rated, and the refusals shown on the page."""

import re
from datetime import timedelta

from sqlalchemy import select

from app.action_log.models import ActionLogEntry
from app.db import utcnow
from app.extensions import db
from app.needs import operations
from tests.needs_pages.conftest import RESIDENT, hook


def test_another_community_s_secretary_gets_a_chinese_403_and_a_member_no_desk(client, town, submit, log_in):
    need_id, _, _ = submit()
    log_in(town["other"])
    response = client.get(f"/desk/needs/{need_id}")
    assert response.status_code == 403 and "没有权限" in response.text
    assert RESIDENT["resident_name"] not in response.text
    assert f'data-need-id="{need_id}"' not in client.get("/desk/needs").text
    log_in(town["zhang"].account)
    for path in ("/desk/needs", f"/desk/needs/{need_id}", "/desk/needs/new"):
        response = client.get(path)
        assert response.status_code == 403 and "只供" in response.text, path


def test_the_list_counts_each_status_oldest_first(client, town, submit, log_in):
    first, _, _ = submit()
    second, _, _ = submit(content="想请人陪同去医院")
    log_in(town["secretary"])
    html = client.get("/desk/needs").text
    assert html.index(f'data-need-id="{first}"') < html.index(f'data-need-id="{second}"')
    assert 'data-count="received">2<' in html and 'data-count="open">0<' in html
    assert f'data-need-id="{first}"' not in client.get("/desk/needs?status=open").text


def _recorded(app, town, community, minutes_ago: int) -> int:
    with app.app_context():
        need, _ = operations.record(
            town["admin"],
            community.id,
            grid_id=None,
            category_id=town["category_id"],
            content="想请人帮忙买菜",
            **RESIDENT,
            now=utcnow() - timedelta(minutes=minutes_ago),
        )
        return need["id"]


def test_the_list_pages_oldest_first_with_every_count_in_one_query(app, client, town, log_in, statements):
    # 52 needs, one a minute, the first the oldest; two of them opened to members; one in another community.
    ids = [_recorded(app, town, town["a"], 60 - i) for i in range(52)]
    with app.app_context():
        for need_id in ids[10:12]:
            operations.dispatch(town["secretary"], need_id, open_to_members=True, now=utcnow())
    elsewhere = _recorded(app, town, town["b"], 90)
    log_in(town["secretary"])
    with statements() as seen:
        first = client.get("/desk/needs").text
    listed = [int(i) for i in re.findall(r'<tr data-need-id="(\d+)"', first)]
    assert listed == ids[:50] and elsewhere not in listed
    assert 'data-count="all">52<' in first and 'data-count="received">50<' in first
    assert 'data-count="open">2<' in first and 'data-count="refused">0<' in first
    # The counts in one GROUP BY, the page's total and the page: three reads of the needs, whatever the statuses.
    assert len([sql for sql in seen if re.search(r"\bFROM needs\b", sql)]) == 3
    second = client.get("/desk/needs?page=2").text
    assert [int(i) for i in re.findall(r'<tr data-need-id="(\d+)"', second)] == ids[50:]
    opened = client.get("/desk/needs?status=open&page=9").text
    assert [int(i) for i in re.findall(r'<tr data-need-id="(\d+)"', opened)] == ids[10:12]


def test_the_secretary_sees_the_resident_and_dispatches_to_a_unit_whose_secretary_assigns(
    app, client, town, submit, log_in
):
    need_id, code, _ = submit()
    log_in(town["secretary"])
    page = client.get(f"/desk/needs/{need_id}").text
    assert RESIDENT["resident_phone"] in page and 'value="dispatch"' in page and 'value="open"' in page
    response = client.post(f"/desk/needs/{need_id}", data={"action": "dispatch", "unit_id": town["unit"].id})
    assert response.status_code == 302
    assert hook(client.get(f"/desk/needs/{need_id}").text, "data-need-status") == "dispatched"
    with app.app_context():
        logged = db.session.scalars(select(ActionLogEntry).where(ActionLogEntry.action == "need.dispatch")).one()
        assert logged.account_id == town["secretary"].id and RESIDENT["resident_name"] not in logged.target

    log_in(town["unit_secretary"])
    assert f'data-need-id="{need_id}"' in client.get("/desk/needs").text
    page = client.get(f"/desk/needs/{need_id}").text
    assert f'value="{town["zhang"].id}"' in page and 'value="assign"' in page
    nobody = client.post(f"/desk/needs/{need_id}", data={"action": "assign"})
    assert nobody.status_code == 400 and hook(nobody.text, "data-refusal") == "invalid_request"
    client.post(f"/desk/needs/{need_id}", data={"action": "assign", "member_ids": [town["zhang"].id]})
    assert hook(client.get(f"/desk/needs/{need_id}").text, "data-need-status") == "taken"

    log_in(town["zhang"].account)
    mine = client.get("/me/needs").text
    assert f'data-need-id="{need_id}" data-need-status="taken"' in mine and RESIDENT["resident_phone"] in mine
    done = client.post("/me/needs", data={"need_id": need_id, "action": "done", "note": "已换好水管"})
    assert hook(done.text, "data-done-status") == "done"

    client.post("/logout")
    track = f"/n/{town['a'].id}/t/{need_id}"
    page = client.get(f"{track}?code={code}").text
    assert 'name="stars"' in page and "已换好水管" in page
    rated = client.post(track, data={"code": code, "stars": "5", "comment": "很及时"})
    assert hook(rated.text, "data-rating-status") == "rated" and hook(rated.text, "data-need-status") == "closed"
    again = client.post(track, data={"code": code, "stars": "1"})
    assert again.status_code == 409 and hook(again.text, "data-rating-status") == "already_rated"


def test_an_open_need_goes_to_the_first_claim_and_the_second_reads_already_taken(client, town, submit, log_in):
    need_id, _, _ = submit()
    log_in(town["secretary"])
    client.post(f"/desk/needs/{need_id}", data={"action": "open"})
    log_in(town["zhang"].account)
    assert 'value="claim"' in client.get("/me/needs").text
    won = client.post("/me/needs", data={"need_id": need_id, "action": "claim"})
    assert hook(won.text, "data-claim-status") == "claimed"
    log_in(town["li"].account)
    lost = client.post("/me/needs", data={"need_id": need_id, "action": "claim"})
    assert lost.status_code == 409 and hook(lost.text, "data-claim-status") == "already_taken"
    assert "已被其他党员认领" in lost.text


def test_a_refusal_needs_its_confirmation_and_its_reason_reaches_the_resident(client, town, submit, log_in):
    need_id, code, _ = submit()
    log_in(town["secretary"])
    unconfirmed = client.post(f"/desk/needs/{need_id}", data={"action": "refuse", "reason": "不属于社区服务范围"})
    assert unconfirmed.status_code == 400 and hook(unconfirmed.text, "data-need-status") == "received"
    blank = client.post(f"/desk/needs/{need_id}", data={"action": "refuse", "reason": " ", "confirm": "y"})
    assert 400 <= blank.status_code < 500 and hook(blank.text, "data-refusal") != "invalid_request"
    client.post(f"/desk/needs/{need_id}", data={"action": "refuse", "reason": "不属于社区服务范围", "confirm": "y"})
    client.post("/logout")
    page = client.get(f"/n/{town['a'].id}/t/{need_id}?code={code}").text
    assert hook(page, "data-need-status") == "refused" and "不属于社区服务范围" in page


def _done(app, town, need_id, at):
    with app.app_context():
        operations.dispatch(town["secretary"], need_id, open_to_members=True, now=at)
        operations.claim(town["zhang"].id, need_id, now=at)
        operations.mark_done(town["zhang"].id, need_id, "已办好", now=at)


def test_closing_unrated_waits_seven_days_after_done(app, client, town, submit, log_in):
    recent, _, _ = submit()
    old, _, _ = submit(content="想请人修自行车")
    _done(app, town, recent, utcnow() - timedelta(days=2))
    _done(app, town, old, utcnow() - timedelta(days=8))
    log_in(town["secretary"])
    page = client.get(f"/desk/needs/{recent}").text
    assert "之后仍未评价的，可以关闭" in page and 'value="close"' not in page
    early = client.post(f"/desk/needs/{recent}", data={"action": "close"})
    assert early.status_code == 409 and hook(early.text, "data-refusal") == "too_early"
    assert 'value="close"' in client.get(f"/desk/needs/{old}").text
    assert client.post(f"/desk/needs/{old}", data={"action": "close"}).status_code == 302
    assert hook(client.get(f"/desk/needs/{old}").text, "data-need-status") == "closed"


def test_the_desk_records_a_need_and_shows_its_code_once(client, town, log_in):
    log_in(town["secretary"])
    form = client.get("/desk/needs/new").text
    assert "第1网格" in form and 'name="community_id"' not in form
    data = RESIDENT | {"category_id": town["category_id"], "content": "电话反映：楼道堆放杂物"}
    response = client.post("/desk/needs/new", data=data)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    need_id = hook(response.text, "data-need-id")
    assert hook(response.text, "data-need-code") and f"/desk/needs/{need_id}" in response.text
    log_in(town["unit_secretary"])
    assert client.get("/desk/needs/new").status_code == 403


def test_the_poster_is_a_pdf_for_the_community_s_own_secretary_only(client, town, log_in):
    log_in(town["secretary"])
    assert "/desk/needs/poster.pdf?community_id=" in client.get("/desk/needs").text
    response = client.get(f"/desk/needs/poster.pdf?community_id={town['a'].id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    log_in(town["other"])
    assert client.get(f"/desk/needs/poster.pdf?community_id={town['a'].id}").status_code == 403


def test_an_admin_chooses_the_community_to_record_for_and_to_print(client, town, log_in):
    log_in(town["admin"])
    form = client.get("/desk/needs/new").text
    assert 'name="community_id"' in form and "东山社区" in form
    data = RESIDENT | {"category_id": town["category_id"], "content": "来访：想了解低保政策"}
    assert client.post("/desk/needs/new", data=data).status_code == 400
    recorded = client.post("/desk/needs/new", data=data | {"community_id": town["b"].id})
    assert recorded.status_code == 200 and hook(recorded.text, "data-need-code")
    listed = client.get(f"/desk/needs?community_id={town['b'].id}").text
    assert f'data-need-id="{hook(recorded.text, "data-need-id")}"' in listed
    assert 'select id="poster-community"' in client.get("/desk/needs").text
