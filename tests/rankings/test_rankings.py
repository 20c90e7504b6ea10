"""The public monthly ranking (实时通报): who is on it, in what order, and what it never shows."""

import json

import pytest

from app.periods.operations import close_month
from ledger.ranking import competition_ranks
from tests.factories import AFTER_OCTOBER, claim_visit, earn, ten_eight_eight_five


def _ranking(client, **query):
    response = client.get("/api/v1/rankings", query_string={"period": "2026-10", **query})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_ties_share_a_rank_and_the_next_rank_skips_across_page_boundaries(app, make, client):
    ten_eight_eight_five(app, make)
    first = _ranking(client, limit=2)
    second = _ranking(client, limit=2, offset=2)
    assert [r["rank"] for r in first["rows"]] == [1, 2]
    assert [r["rank"] for r in second["rows"]] == [2, 4]
    assert [r["points"] for r in first["rows"] + second["rows"]] == [10, 8, 8, 5]
    assert first["total"] == second["total"] == 4 and first["closed"] is False
    assert _ranking(client, limit=2, offset=4)["rows"] == []


def test_the_whole_list_is_one_page_by_default_and_pages_split_it_in_order(app, make, client):
    members = [make.member() for _ in range(3)]
    for member, kinds in zip(members, (("service",), ("return_day", "return_day"), ("return_day",)), strict=True):
        earn(app, member, *kinds)
    whole = _ranking(client)["rows"]
    assert [r["name"] for r in whole] == [members[1].name, members[2].name, members[0].name]
    paged = [row for offset in range(3) for row in _ranking(client, limit=1, offset=offset)["rows"]]
    assert paged == whole


def test_a_member_row_names_the_member_unit_and_community_and_nothing_private(app, make, client):
    community, unit = make.community("桃城社区"), make.unit("县财政局")
    member = make.member(community, unit, name="林志强")
    make.household(community, member=member, hardship=True)
    earn(app, member, "return_day")
    body = _ranking(client)
    assert body["rows"] == [{"rank": 1, "name": "林志强", "unit": "县财政局", "community": "桃城社区", "points": 5}]
    text = json.dumps(body, ensure_ascii=False)
    assert member.phone not in text and "幸福路" not in text and "安居小区" not in text


def test_only_members_with_a_posted_entry_are_ranked_but_every_unit_and_community_is(app, make, client):
    units = [make.unit(f"单位{n}") for n in "甲乙丙"]
    earner, waiting, idle = (make.member(unit=unit) for unit in units)
    earn(app, earner, "service")
    claim_visit(app, waiting)  # pending: not posted yet
    assert [r["name"] for r in _ranking(client)["rows"]] == [earner.name]
    ranked_units = _ranking(client, by="unit")["rows"]
    communities = _ranking(client, by="community")["rows"]
    assert [(r["rank"], r["name"], r["points"]) for r in ranked_units] == [
        (1, "单位甲", 3),
        (2, "单位乙", 0),
        (2, "单位丙", 0),
    ]
    assert [(r["rank"], r["points"]) for r in communities] == [(1, 3), (2, 0), (2, 0)]
    assert all(r["community"] is None and r["unit"] == r["name"] and r["members"] == 1 for r in ranked_units)
    assert all(r["unit"] is None and r["community"] == r["name"] for r in communities)
    assert idle.name not in json.dumps(_ranking(client), ensure_ascii=False)


def test_units_rank_by_total_points_or_by_points_per_active_member(app, make, client):
    big, small, empty = make.unit("大单位"), make.unit("小单位"), make.unit("空单位")
    community = make.community()
    for kinds in (("return_day", "return_day"), ("return_day",), ("return_day", "service")):
        earn(app, make.member(community, big), *kinds)  # 23 points over 3 members: 7.67 each
    for kinds in (("return_day", "return_day"), ("return_day",)):
        earn(app, make.member(community, small), *kinds)  # 15 points over 2 members: 7.5 each
    make.member(community, empty)
    total = _ranking(client, by="unit")["rows"]
    per_member = _ranking(client, by="unit", metric="per_member")["rows"]
    assert [(r["name"], r["points"], r["members"]) for r in total] == [
        ("大单位", 23, 3),
        ("小单位", 15, 2),
        ("空单位", 0, 1),
    ]
    assert [(r["rank"], r["name"], r["points"]) for r in per_member] == [
        (1, "大单位", 7.67),
        (2, "小单位", 7.5),
        (3, "空单位", 0.0),
    ]
    communities = _ranking(client, by="community", metric="per_member")["rows"]
    assert communities[0]["points"] == round(38 / 6, 2) and isinstance(communities[0]["points"], float)


def test_per_member_ties_are_judged_on_the_rounded_figure(app, make, client):
    units = [make.unit() for _ in range(3)]
    earn(app, make.member(unit=units[0]), "return_day", "return_day")  # 10 / 1
    for _ in range(2):
        earn(app, make.member(unit=units[1]), "return_day", "return_day")  # 20 / 2
    earn(app, make.member(unit=units[2]), "return_day")
    rows = _ranking(client, by="unit", metric="per_member")["rows"]
    assert [(r["rank"], r["points"]) for r in rows] == [(1, 10.0), (1, 10.0), (3, 5.0)]


def test_rankings_filter_by_community_and_unit(app, make, client):
    home, other = make.community(), make.community()
    unit = make.unit()
    mine = ten_eight_eight_five(app, make, community=home, unit=unit)
    earn(app, make.member(other), "return_day", "return_day", "return_day")
    rows = _ranking(client, community_id=home.id)["rows"]
    assert [r["name"] for r in rows] == [m.name for m in mine] and [r["rank"] for r in rows] == [1, 2, 2, 4]
    assert [r["points"] for r in _ranking(client, unit_id=unit.id)["rows"]] == [10, 8, 8, 5]
    assert [r["name"] for r in _ranking(client, by="community", community_id=other.id)["rows"]] == [other.name]
    assert [r["points"] for r in _ranking(client, by="unit", unit_id=unit.id)["rows"]] == [31]


@pytest.mark.parametrize(
    "query, code",
    [
        ({"period": "2026-13"}, "invalid_period"),
        ({"period": "2026-Q4"}, "invalid_period"),
        ({"period": "十月"}, "invalid_period"),
        ({"by": "grid"}, "invalid_by"),
        ({"metric": "median"}, "invalid_metric"),
        ({"metric": "per_member"}, "invalid_metric"),
        ({"by": "community", "unit_id": 1}, "invalid_scope"),
        ({"limit": 0}, "invalid_page"),
        ({"limit": 501}, "invalid_page"),
        ({"offset": -1}, "invalid_page"),
        ({"offset": 10**20}, "invalid_page"),
        ({"community_id": 10**20}, "invalid_request"),
        ({"limit": "many"}, "invalid_request"),
    ],
)
def test_a_bad_query_is_refused_with_400(client, query, code):
    response = client.get("/api/v1/rankings", query_string={"period": "2026-10", **query})
    assert response.status_code == 400
    assert response.get_json()["code"] == code and response.get_json()["message"]


def test_an_open_month_is_cached_briefly_but_its_close_shows_at_once(app, make, client):
    app.config["RANKING_CACHE_SECONDS"] = 60
    member = make.member()
    earn(app, member, "return_day")
    before = _ranking(client)
    earn(app, member, "service")
    assert _ranking(client) == before  # within the cache's life
    with app.app_context():
        close_month("2026-10", None, AFTER_OCTOBER)
    after = _ranking(client)
    assert after["closed"] is True and after["rows"][0]["points"] == 8


def test_every_page_of_every_size_ranks_as_the_whole_list_does_open_or_closed(app, make, client):
    # Points of 0 to 4 check-ins of 5 and of 3: many ties, some straddling every page boundary.
    kinds = [("return_day",) * (i % 3) + ("service",) * (i % 4) for i in range(14)]
    for member_kinds in kinds:
        if member_kinds:
            earn(app, make.member(), *member_kinds)
    for closed in (False, True):
        if closed:
            with app.app_context():
                close_month("2026-10", None, AFTER_OCTOBER)
        whole = _ranking(client)["rows"]
        points = [r["points"] for r in whole]
        assert [r["rank"] for r in whole] == competition_ranks(points) and len(set(points)) < len(points)
        for size in range(1, 6):
            paged = [
                row
                for offset in range(0, len(whole), size)
                for row in _ranking(client, limit=size, offset=offset)["rows"]
            ]
            assert paged == whole


def test_the_api_writes_a_ranking_byte_for_byte_as_its_schema_dumps_it(app):
    from flask import jsonify

    from app.rankings.api import Ranking, ranking_json

    member = {"rank": 1, "name": "林志强", "unit": "县财政局", "community": "桃城社区", "points": 10}
    answers = [
        {"period": "2026-10", "closed": False, "total": 3, "rows": [member, {**member, "name": "陈"}, member]},
        {
            "period": "2026-09",
            "closed": True,
            "total": 2,
            "rows": [
                {"rank": 1, "name": "社区甲", "unit": None, "community": "社区甲", "points": 2.5, "members": 4},
                {"rank": 1, "name": "社区乙", "unit": None, "community": "社区乙", "points": 2.5, "members": 2},
            ],
        },
        {"period": "2026-08", "closed": False, "total": 0, "rows": []},
    ]
    with app.app_context():
        for answer in answers:
            assert jsonify(ranking_json(answer)).get_data() == jsonify(Ranking().dump(answer)).get_data()
