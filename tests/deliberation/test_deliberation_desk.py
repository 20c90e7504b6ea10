"""/desk/deliberation and an item's page: the same operations as the API behind every form, a refusal shown
on the page under its own status, and nobody but the community's secretary or an admin let in."""

import re
from datetime import timedelta

from app.db import utcnow
from ledger import periods
from tests.factories import log_in


def _day_id(page: str) -> int:
    return int(re.search(r'data-day-id="(\d+)"', page).group(1))


def _post(client, **form):
    return client.post("/desk/deliberation", data=form)


def test_the_secretary_moves_the_day_ticks_attendance_and_sees_committee_members_first(client, app, town):
    log_in(client, town["secretary"])
    page = client.get("/desk/deliberation")
    assert page.status_code == 200 and "议事日 · 花石社区" in page.text
    today = periods.local(utcnow()).date()
    moved = _post(client, action="move", day_id=_day_id(page.text), on=today.isoformat())
    assert 'data-deliberation-outcome="done"' in moved.text and f'data-day-on="{today.isoformat()}"' in moved.text
    term = _post(
        client,
        action="add_term",
        member_id=town["colleague"].id,
        start=today.isoformat(),
        end=(today + timedelta(days=90)).isoformat(),
    )
    assert 'data-deliberation-outcome="done"' in term.text and 'data-term-state="serving"' in term.text
    # The serving committee member heads the attendance list, before the residents.
    assert term.text.index(f'data-member-id="{town["colleague"].id}" data-present') < term.text.index(
        f'data-member-id="{town["resident"].id}" data-present'
    )
    ticked = client.post(
        "/desk/deliberation",
        data={"action": "attendance", "day_id": _day_id(page.text), "member_ids": [town["resident"].id]},
    )
    assert 'data-attended="1"' in ticked.text
    assert f'data-member-id="{town["resident"].id}" data-present="true"' in ticked.text


def test_an_item_is_raised_and_advanced_on_the_desk_and_its_page_shows_the_history(client, town):
    log_in(client, town["secretary"])
    raised = _post(client, action="add_item", title="老旧小区加装电梯", raised_by="居民代表", detail="三栋居民联名")
    assert 'data-stage="proposed"' in raised.text
    item_id = int(re.search(r'data-item-id="(\d+)" data-stage="proposed"', raised.text).group(1))
    skipped = _post(client, action="advance", item_id=item_id, to="implemented", note="直接践议")
    assert skipped.status_code == 409 and 'data-deliberation-outcome="not_next_stage"' in skipped.text
    _post(client, action="advance", item_id=item_id, to="deliberated", note="议事会商议通过")
    history = client.get(f"/desk/deliberation/items/{item_id}")
    assert history.status_code == 200
    assert 'data-step="proposed"' in history.text and "议事会商议通过" in history.text
    assert 'data-advance-to="implemented"' in history.text
    again = client.post(
        f"/desk/deliberation/items/{item_id}", data={"item_id": item_id, "to": "deliberated", "note": "重复提交"}
    )
    assert again.status_code == 409 and "not_next_stage" in again.text


def test_a_blank_title_is_refused_on_the_page_in_chinese(client, town):
    log_in(client, town["secretary"])
    blank = _post(client, action="add_item", title="   ")
    assert blank.status_code == 400 and "请填写议题名称" in blank.text


def test_members_and_other_secretaries_get_the_chinese_403_page(client, make, town):
    log_in(client, town["resident"].account)
    assert client.get("/desk/deliberation").status_code == 403
    client.post("/logout")
    log_in(client, make.secretary(make.community()))
    assert client.get("/desk/deliberation").status_code == 200  # their own community's
    refused = client.get(f"/desk/deliberation?community_id={town['community'].id}")
    assert refused.status_code == 403 and "没有权限" in refused.text


def test_the_desk_menu_links_the_deliberation_page(client, town):
    log_in(client, town["secretary"])
    assert 'href="/desk/deliberation" aria-current="page"' in client.get("/desk/deliberation").text
