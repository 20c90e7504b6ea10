"""The figures of residents' needs: received, dispatched and done in a month or quarter on the China
clock, the median days to done and the average rating, for the county, a community and a work unit (whose
orders are those sent to it and those its members serve)."""

import pytest

from app.needs.figures import figures, rows

COUNTY_OCTOBER = {
    "period": "2026-10",
    "received": 7,
    "dispatched": 4,
    "done": 5,
    "median_days_to_done": 2.0,
    "average_rating": 4.33,
    "rated": 3,
}


def test_the_countys_october_counts_what_was_recorded_sent_done_and_rated_in_october(ctx, october):
    assert figures("2026-10") == COUNTY_OCTOBER


def test_a_community_counts_its_own_needs_and_the_communities_add_up_to_the_county(ctx, october):
    east = figures("2026-10", community_id=october.east.id)
    west = figures("2026-10", community_id=october.west.id)
    assert east == {**east, "received": 3, "dispatched": 2, "done": 3, "median_days_to_done": 2.5}
    assert (east["average_rating"], east["rated"]) == (4.5, 2)
    # 1.0 and 1.5 days: the median 1.25 shows as 1.3, rounded half up as a person would.
    assert west == {**west, "received": 4, "dispatched": 2, "done": 2, "median_days_to_done": 1.3}
    assert (west["average_rating"], west["rated"]) == (4.0, 1)
    for name in ("received", "dispatched", "done", "rated"):
        assert east[name] + west[name] == COUNTY_OCTOBER[name]


def test_a_unit_counts_the_needs_sent_to_it_and_those_its_members_claimed(ctx, october):
    # Need 2 was opened for claims and taken by b of 县医院: it counts for 县医院, as the two sent to it.
    one = figures("2026-10", unit_id=october.one.id)
    two = figures("2026-10", unit_id=october.two.id)
    # 2.0 and 2.5 days: the median 2.25 shows as 2.3.
    assert one == {**one, "received": 1, "dispatched": 1, "done": 2, "median_days_to_done": 2.3, "rated": 2}
    assert one["average_rating"] == 4.5
    assert two == {**two, "received": 3, "dispatched": 3, "done": 3, "median_days_to_done": 1.5, "rated": 1}
    assert two["average_rating"] == 4.0
    assert figures("2026-10", unit_id=october.one.id, community_id=october.west.id)["done"] == 0


def test_a_scope_without_needs_has_no_median_and_no_average(ctx, october):
    assert figures("2026-10", unit_id=october.three.id) == {
        "period": "2026-10",
        "received": 0,
        "dispatched": 0,
        "done": 0,
        "median_days_to_done": None,
        "average_rating": None,
        "rated": 0,
    }


def test_a_quarter_holds_its_three_months_and_a_rating_given_in_november(ctx, october):
    quarter = figures("2026-Q4")
    assert quarter == {**quarter, "received": 8, "dispatched": 4, "done": 5, "rated": 4, "average_rating": 3.5}
    assert figures("2026-11")["received"] == 1 and figures("2026-09")["received"] == 1


def test_rows_give_every_community_and_unit_and_a_scope_only_its_parts(ctx, october):
    by_unit = {r["name"]: r for r in rows("2026-10", "unit")}
    assert {name: r["done"] for name, r in by_unit.items()} == {"县教育局": 2, "县医院": 3, "县林业局": 0}
    assert by_unit["县医院"] == {**figures("2026-10", unit_id=october.two.id), "id": october.two.id, "name": "县医院"}
    # The units that served the west's orders, and the communities of 县教育局's orders.
    assert [r["name"] for r in rows("2026-10", "unit", community_id=october.west.id)] == ["县医院"]
    assert [r["name"] for r in rows("2026-10", "community", unit_id=october.one.id)] == ["东街社区"]


@pytest.mark.parametrize("period", ["2026-13", "2026-Q5", "10-2026", ""])
def test_a_period_that_is_no_month_or_quarter_is_refused(ctx, period):
    from app.errors import Refusal

    with pytest.raises(Refusal):
        figures(period)
