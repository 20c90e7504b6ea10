"""Pledges (承诺践诺评诺): a member writes at most ten a year by the catalogue's categories, changes them until
reviewed, marks progress on past days of the year linked only to their own check-ins and visits; the
secretary of their community or unit (or an admin) reviews from 1 December to the end of March, nobody
their own, each revision kept and the last counting; nobody else sees any of it."""

from datetime import date

import pytest
from sqlalchemy import select

from app.action_log.models import ActionLogEntry
from app.auth.models import Account
from app.errors import Refusal
from app.extensions import db
from app.pledges import operations
from tests.factories import local
from tests.pledges.conftest import YEAR, checkin_of


def _add(client, auth, member, text="每季度入户走访联系户", category="政策宣传", year=YEAR):
    return client.post(
        f"/api/v1/me/pledges?year={year}", json={"category": category, "text": text}, headers=auth(member.account)
    )


def _progress(client, auth, member, pledge_id, on="2026-11-29", note="回家日走访三户", **link):
    return client.post(
        f"/api/v1/me/pledges/{pledge_id}/progress", json={"on": on, "note": note, **link}, headers=auth(member.account)
    )


def _review(client, auth, account, member, grade="good", comment="承诺落实较好", year=YEAR):
    return client.put(
        "/api/v1/pledges/review",
        json={"member_id": member.id, "year": year, "grade": grade, "comment": comment},
        headers=auth(account),
    )


def _mine(client, auth, member, year=YEAR):
    return client.get(f"/api/v1/me/pledges?year={year}", headers=auth(member.account)).get_json()


def test_a_member_writes_at_most_ten_pledges_a_year_by_the_catalogues_categories(client, auth, town):
    zhang = town["zhang"]
    first = _add(client, auth, zhang)
    assert first.status_code == 201
    assert {k: first.get_json()[k] for k in ("year", "category", "text", "progress")} == {
        "year": YEAR,
        "category": "政策宣传",
        "text": "每季度入户走访联系户",
        "progress": [],
    }
    for n in range(9):
        assert _add(client, auth, zhang, text=f"承诺{n}", category="义诊").status_code == 201
    eleventh = _add(client, auth, zhang, text="第十一条")
    assert (eleventh.status_code, eleventh.get_json()["code"]) == (409, "too_many_pledges")
    assert len(_mine(client, auth, zhang)["pledges"]) == 10
    # Another member's limit is their own.
    assert _add(client, auth, town["li"]).status_code == 201


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"category": "政策宣传", "text": " \u3000\u200b"}, 400, "blank_text"),
        ({"category": "政策宣传", "text": "长" * 201}, 400, "invalid_request"),
        ({"category": "不存在的类别", "text": "承诺"}, 400, "invalid_category"),
        ({"text": "承诺"}, 400, "invalid_request"),
    ],
)
def test_a_pledge_needs_visible_text_of_at_most_200_characters_and_a_catalogue_category(
    client, auth, town, body, status, code
):
    answer = client.post(f"/api/v1/me/pledges?year={YEAR}", json=body, headers=auth(town["zhang"].account))
    assert (answer.status_code, answer.get_json()["code"]) == (status, code)
    assert _mine(client, auth, town["zhang"])["pledges"] == []


def test_pledges_are_for_this_year_and_from_december_the_next(client, auth, town):
    assert _add(client, auth, town["zhang"], year=YEAR + 1).status_code == 201
    for year in (YEAR - 1, YEAR + 2):
        answer = _add(client, auth, town["zhang"], year=year)
        assert (answer.status_code, answer.get_json()["code"]) == (409, "year_closed")


def test_a_member_changes_or_removes_their_pledge_until_it_is_reviewed(client, auth, town):
    zhang = town["zhang"]
    kept, dropped = (
        _add(client, auth, zhang).get_json()["id"],
        _add(client, auth, zhang, text="要删的").get_json()["id"],
    )
    changed = client.patch(
        f"/api/v1/me/pledges/{kept}", json={"text": "每月入户走访", "category": "义诊"}, headers=auth(zhang.account)
    )
    assert changed.status_code == 200
    assert (changed.get_json()["text"], changed.get_json()["category"]) == ("每月入户走访", "义诊")
    assert _progress(client, auth, zhang, dropped).status_code == 201
    assert client.delete(f"/api/v1/me/pledges/{dropped}", headers=auth(zhang.account)).status_code == 204
    assert [p["id"] for p in _mine(client, auth, zhang)["pledges"]] == [kept]

    assert _review(client, auth, town["secretary"], zhang).status_code == 200
    for answer in (
        client.patch(f"/api/v1/me/pledges/{kept}", json={"text": "改一下"}, headers=auth(zhang.account)),
        client.delete(f"/api/v1/me/pledges/{kept}", headers=auth(zhang.account)),
        _add(client, auth, zhang, text="评后再加"),
        _progress(client, auth, zhang, kept),
    ):
        assert (answer.status_code, answer.get_json()["code"]) == (409, "already_reviewed")
    assert [p["text"] for p in _mine(client, auth, zhang)["pledges"]] == ["每月入户走访"]


def test_another_members_pledge_is_not_found_for_a_member(client, auth, town):
    pledge_id = _add(client, auth, town["zhang"]).get_json()["id"]
    li = town["li"].account
    assert client.patch(f"/api/v1/me/pledges/{pledge_id}", json={"text": "改"}, headers=auth(li)).status_code == 404
    assert client.delete(f"/api/v1/me/pledges/{pledge_id}", headers=auth(li)).status_code == 404
    assert _progress(client, auth, town["li"], pledge_id).status_code == 404
    assert _mine(client, auth, town["zhang"])["pledges"][0]["text"] == "每季度入户走访联系户"


def test_progress_is_dated_within_the_pledges_year_and_not_in_the_future(client, auth, town):
    pledge_id = _add(client, auth, town["zhang"]).get_json()["id"]
    future = _progress(client, auth, town["zhang"], pledge_id, on="2026-12-11")
    assert (future.status_code, future.get_json()["code"]) == (409, "future_date")
    last_year = _progress(client, auth, town["zhang"], pledge_id, on="2025-12-31")
    assert (last_year.status_code, last_year.get_json()["code"]) == (422, "outside_year")
    blank = _progress(client, auth, town["zhang"], pledge_id, note="  ")
    assert (blank.status_code, blank.get_json()["code"]) == (400, "blank_text")
    today = _progress(client, auth, town["zhang"], pledge_id, on="2026-12-10")
    assert today.status_code == 201
    assert (today.get_json()["on"], today.get_json()["linked"]) == ("2026-12-10", None)


def test_progress_links_only_to_the_members_own_check_in_or_visit_of_that_year(app, client, auth, town):
    zhang = town["zhang"]
    pledge_id = _add(client, auth, zhang).get_json()["id"]
    own = checkin_of(app, zhang, town["november"])
    linked = _progress(client, auth, zhang, pledge_id, checkin_id=own)
    assert linked.status_code == 201
    assert linked.get_json()["linked"] == {
        "kind": "checkin",
        "id": own,
        "words": "活动签到：十一月回家日（2026年11月29日）",
    }
    visit = _progress(client, auth, zhang, pledge_id, visit_id=town["visit"])
    assert visit.get_json()["linked"]["words"] == "入户走访：困难群众（2026年10月8日）"

    refusals = [
        (_progress(client, auth, zhang, pledge_id, checkin_id=checkin_of(app, town["li"], town["november"])), 403),
        (_progress(client, auth, zhang, pledge_id, visit_id=town["li_visit"]), 403),
        (_progress(client, auth, zhang, pledge_id, checkin_id=999_999), 403),
        (_progress(client, auth, zhang, pledge_id, checkin_id=checkin_of(app, zhang, town["last_year"])), 422),
        (_progress(client, auth, zhang, pledge_id, visit_id=town["old_visit"]), 422),
        (_progress(client, auth, zhang, pledge_id, checkin_id=own, visit_id=town["visit"]), 400),
    ]
    assert [(r.status_code, r.get_json()["code"]) for r, _ in refusals] == [
        (status, {403: "not_yours", 422: "outside_year", 400: "one_link"}[status]) for _, status in refusals
    ]
    # None of the refused was kept: only the two linked progress stand.
    assert len(_mine(client, auth, zhang)["pledges"][0]["progress"]) == 2


@pytest.mark.parametrize(
    ("at", "open_"),
    [
        (local(2026, 11, 30, 23, 59), False),
        (local(2026, 12, 1, 0, 0), True),
        (local(2027, 3, 31, 23, 59), True),
        (local(2027, 4, 1, 0, 0), False),
    ],
)
def test_the_review_is_given_from_the_first_of_december_to_the_end_of_march(app, town, at, open_):
    with app.app_context():
        secretary = db.session.get(Account, town["secretary"].id)
        if open_:
            assert operations.review(secretary, town["zhang"].id, YEAR, "good", "好", at).grade == "good"
        else:
            with pytest.raises(Refusal) as refused:
                operations.review(secretary, town["zhang"].id, YEAR, "good", "好", at)
            assert (refused.value.code, refused.value.status) == ("review_closed", 409)


def test_nobody_reviews_their_own_pledges(client, auth, town):
    answer = _review(client, auth, town["secretary"], town["sec_member"])
    assert (answer.status_code, answer.get_json()["code"]) == (403, "own_review")


def test_a_member_is_reviewed_by_the_secretary_of_their_community_or_unit_or_an_admin_only(client, auth, town):
    zhang = town["zhang"]
    _add(client, auth, zhang, text="独特承诺甲")
    for account in (town["secretary"], town["unit_secretary"], town["admin"]):
        seen = client.get(f"/api/v1/pledges?member_id={zhang.id}&year={YEAR}", headers=auth(account))
        assert seen.status_code == 200 and seen.get_json()["pledges"][0]["text"] == "独特承诺甲"
        assert _review(client, auth, account, zhang).status_code == 200
    for account in (town["other_secretary"], town["li"].account):
        seen = client.get(f"/api/v1/pledges?member_id={zhang.id}&year={YEAR}", headers=auth(account))
        assert seen.status_code == 403 and "独特承诺甲" not in seen.text
        reviewed = _review(client, auth, account, zhang)
        assert reviewed.status_code == 403
    assert len(_mine(client, auth, zhang)["reviews"]) == 3


def test_a_revision_is_kept_beside_the_first_and_the_last_counts_each_in_the_action_log(app, client, auth, town):
    zhang = town["zhang"]
    _review(client, auth, town["secretary"], zhang, grade="fair", comment="一般")
    last = _review(client, auth, town["unit_secretary"], zhang, grade="excellent", comment="复核后改为优秀")
    assert last.status_code == 200
    assert {k: last.get_json()[k] for k in ("grade", "grade_words", "comment", "by")} == {
        "grade": "excellent",
        "grade_words": "优秀",
        "comment": "复核后改为优秀",
        "by": town["unit_secretary"].name,
    }
    mine = _mine(client, auth, zhang)
    assert mine["review"]["grade"] == "excellent"
    assert [(r["grade"], r["by"]) for r in mine["reviews"]] == [
        ("fair", town["secretary"].name),
        ("excellent", town["unit_secretary"].name),
    ]
    with app.app_context():
        logged = db.session.scalars(select(ActionLogEntry).where(ActionLogEntry.action == "pledge.review")).all()
        assert [(e.account_id, e.detail["grade"], e.detail["revision"]) for e in logged] == [
            (town["secretary"].id, "fair", False),
            (town["unit_secretary"].id, "excellent", True),
        ]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"grade": "great", "comment": "好"}, "invalid_grade"),
        ({"grade": "good", "comment": " "}, "blank_text"),
        ({"grade": "good", "comment": "长" * 301}, "invalid_request"),
    ],
)
def test_a_review_needs_one_of_the_four_grades_and_a_visible_comment(client, auth, town, body, code):
    answer = client.put(
        "/api/v1/pledges/review",
        json={"member_id": town["zhang"].id, "year": YEAR} | body,
        headers=auth(town["secretary"]),
    )
    assert (answer.status_code, answer.get_json()["code"]) == (400, code)
    assert _mine(client, auth, town["zhang"])["review"] is None


def test_the_pledge_calls_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/me/pledges"])
    assert {"patch", "delete"} <= set(paths["/api/v1/me/pledges/{pledge_id}"])
    assert "post" in paths["/api/v1/me/pledges/{pledge_id}/progress"]
    assert "get" in paths["/api/v1/pledges"] and "put" in paths["/api/v1/pledges/review"]


def test_a_secretarys_list_counts_pledges_and_progress_and_keeps_the_unreviewed_apart(app, client, auth, town):
    pledge_id = _add(client, auth, town["zhang"]).get_json()["id"]
    _progress(client, auth, town["zhang"], pledge_id)
    _add(client, auth, town["li"])
    _review(client, auth, town["secretary"], town["li"])
    from app.pledges.queries import desk_list

    with app.app_context():
        secretary = db.session.get(Account, town["secretary"].id)
        listed = desk_list(secretary, YEAR, community_id=town["a"].id)
        rows = {r["name"]: (r["pledges"], r["progress"], r["grade"]) for r in listed["members"]}
        assert rows == {"张明": (1, 1, None), "李华": (1, 0, "good"), "陈书记": (0, 0, None)}
        unreviewed = desk_list(secretary, YEAR, community_id=town["a"].id, unreviewed=True)
        assert {r["name"] for r in unreviewed["members"]} == {"张明", "陈书记"} and unreviewed["total"] == 2
        other = db.session.get(Account, town["other_secretary"].id)
        with pytest.raises(Refusal):
            desk_list(other, YEAR, community_id=town["a"].id)


def test_a_progress_date_given_as_a_date(app, town):
    """The operation takes a date; the year check is on the pledge's own year."""
    with app.app_context():
        member = db.session.get(Account, town["zhang"].account.id)
        pledge = operations.add_pledge(member, YEAR, "义诊", "参加义诊", local(2026, 12, 10, 10, 0))
        step = operations.mark_progress(member, pledge.id, date(2026, 1, 1), "元旦义诊", local(2026, 12, 10, 10, 0))
        assert step.done_on == date(2026, 1, 1)
