"""The pledge pages: /me/pledges writes, changes, removes and marks progress through the operations the API
calls, with `data-pledge-status`; /desk/pledges lists the members in scope and filters the unreviewed;
/desk/pledges/{id} shows a member's pledges and takes the review, 403 outside the secretary's scope."""

import re

from tests.factories import log_in
from tests.pledges.conftest import YEAR, checkin_of


def _status(page) -> str | None:
    found = re.search(r'data-pledge-status="([a-z_]+)"', page.text)
    return found.group(1) if found else None


def _post(client, **form):
    return client.post(f"/me/pledges?year={YEAR}", data=form)


def test_a_member_writes_changes_and_removes_a_pledge_on_their_page(client, town):
    log_in(client, town["zhang"].account)
    page = client.get("/me")
    assert 'href="/me/pledges"' in page.text
    added = _post(client, action="add", year=YEAR, category="义诊", text="参加两次义诊")
    assert added.status_code == 200 and _status(added) == "added"
    pledge_id = int(re.search(r'data-pledge-id="(\d+)"', added.text).group(1))
    changed = _post(client, action="edit", pledge_id=pledge_id, category="政策宣传", text="宣讲两次政策")
    assert _status(changed) == "changed" and "宣讲两次政策" in changed.text
    blank = _post(client, action="add", year=YEAR, category="义诊", text="   ")
    assert blank.status_code == 400 and _status(blank) == "blank_text"
    removed = _post(client, action="remove", pledge_id=pledge_id)
    assert _status(removed) == "removed" and "data-pledge-id" not in removed.text


def test_the_progress_form_offers_the_members_own_check_ins_and_refuses_anothers(app, client, town):
    log_in(client, town["zhang"].account)
    _post(client, action="add", year=YEAR, category="义诊", text="参加两次义诊")
    page = client.get(f"/me/pledges?year={YEAR}")
    pledge_id = int(re.search(r'data-pledge-id="(\d+)"', page.text).group(1))
    own, li = checkin_of(app, town["zhang"], town["november"]), checkin_of(app, town["li"], town["november"])
    assert f'value="checkin:{own}"' in page.text and f'value="visit:{town["visit"]}"' in page.text
    assert f'value="checkin:{li}"' not in page.text
    refused = _post(client, action="progress", pledge_id=pledge_id, on="2026-11-29", note="走访", link=f"checkin:{li}")
    assert refused.status_code == 403 and _status(refused) == "not_yours"
    done = _post(
        client, action="progress", pledge_id=pledge_id, on="2026-11-29", note="回家日义诊", link=f"checkin:{own}"
    )
    assert _status(done) == "progressed"
    assert "关联：活动签到：十一月回家日（2026年11月29日）" in done.text


def test_the_desk_lists_the_members_in_scope_and_keeps_the_unreviewed_apart(client, town):
    log_in(client, town["zhang"].account)
    _post(client, action="add", year=YEAR, category="义诊", text="参加两次义诊")
    client.post("/logout")
    log_in(client, town["secretary"])
    page = client.get(f"/desk/pledges?year={YEAR}")
    assert page.status_code == 200 and 'href="/desk/pledges"' in page.text
    assert re.search(rf'data-member-id="{town["zhang"].id}" data-reviewed="false"', page.text)
    assert 'data-pledge-count="1"' in page.text
    assert f'data-member-id="{town["wang"].id}"' not in page.text

    reviewed = client.post(
        f"/desk/pledges/{town['zhang'].id}?year={YEAR}", data={"grade": "good", "comment": "落实较好"}
    )
    assert reviewed.status_code == 200 and 'data-review-status="reviewed"' in reviewed.text
    revised = client.post(
        f"/desk/pledges/{town['zhang'].id}?year={YEAR}", data={"grade": "excellent", "comment": "复核为优秀"}
    )
    assert 'data-review-status="revised"' in revised.text and 'data-review-grade="excellent"' in revised.text
    unreviewed = client.get(f"/desk/pledges?year={YEAR}&unreviewed=1")
    assert f'data-member-id="{town["zhang"].id}"' not in unreviewed.text
    assert f'data-member-id="{town["li"].id}"' in unreviewed.text


def test_a_secretary_sees_no_review_form_for_their_own_pledges_and_another_community_gets_403(client, town):
    log_in(client, town["secretary"])
    own = client.get(f"/desk/pledges/{town['sec_member'].id}?year={YEAR}")
    assert own.status_code == 200 and 'name="grade"' not in own.text and "不能评议本人的承诺" in own.text
    posted = client.post(f"/desk/pledges/{town['sec_member'].id}?year={YEAR}", data={"grade": "good", "comment": "好"})
    assert posted.status_code == 403 and 'data-review-status="own_review"' in posted.text
    client.post("/logout")
    log_in(client, town["other_secretary"])
    assert client.get(f"/desk/pledges/{town['zhang'].id}?year={YEAR}").status_code == 403
    assert (
        client.post(
            f"/desk/pledges/{town['zhang'].id}?year={YEAR}", data={"grade": "good", "comment": "好"}
        ).status_code
        == 403
    )


def test_the_member_sees_the_review_once_given_and_no_more_forms(client, town):
    log_in(client, town["zhang"].account)
    _post(client, action="add", year=YEAR, category="义诊", text="参加两次义诊")
    client.post("/logout")
    log_in(client, town["unit_secretary"])
    client.post(f"/desk/pledges/{town['zhang'].id}?year={YEAR}", data={"grade": "good", "comment": "落实较好"})
    client.post("/logout")
    log_in(client, town["zhang"].account)
    page = client.get(f"/me/pledges?year={YEAR}")
    assert 'data-review-grade="good"' in page.text and "落实较好" in page.text
    assert 'name="action" value="add"' not in page.text and 'value="progress"' not in page.text


def test_a_desk_account_is_no_member_and_a_member_has_no_desk(client, town):
    log_in(client, town["other_secretary"])
    assert client.get("/me/pledges").status_code == 403
    client.post("/logout")
    log_in(client, town["li"].account)
    assert client.get("/desk/pledges").status_code == 403
