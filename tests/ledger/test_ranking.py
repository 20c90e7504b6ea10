"""Competition ranking: ties share a rank and the next rank skips."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.ranking import competition_ranks, page_ranks, rank_rows


def test_ties_share_a_rank_and_the_next_rank_skips():
    assert competition_ranks([30, 20, 20, 10]) == [1, 2, 2, 4]
    assert competition_ranks([5, 5, 5]) == [1, 1, 1]
    assert competition_ranks([]) == []


def test_unsorted_values_are_refused():
    with pytest.raises(ValueError):
        competition_ranks([1, 2])


def test_rows_rank_by_key_and_ties_keep_their_given_order():
    rows = [
        {"name": "甲", "points": 10},
        {"name": "乙", "points": 30},
        {"name": "丙", "points": 10},
        {"name": "丁", "points": 30},
    ]
    ranked = rank_rows(rows, "points")
    assert [(rank, row["name"]) for rank, row in ranked] == [(1, "乙"), (1, "丁"), (3, "甲"), (3, "丙")]
    assert rank_rows(rows, lambda r: r["points"]) == ranked


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-5, 5)))
def test_a_rank_is_one_more_than_the_number_of_strictly_better_rows(values):
    ranked = rank_rows(list(enumerate(values)), lambda r: r[1])
    for rank, (_, value) in ranked:
        assert rank == 1 + sum(v > value for v in values)


def test_a_page_tied_with_rows_before_it_shares_their_rank():
    # The whole list 30, 20, 20, 20, 10 ranks 1, 2, 2, 2, 5; the page from offset 2 is 20, 20, 10.
    assert page_ranks([20, 20, 10], offset=2, ahead=1) == [2, 2, 5]
    assert page_ranks([], offset=4, ahead=0) == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 6)), st.integers(1, 5))
def test_every_page_ranks_as_the_whole_list_does(values, size):
    values = sorted(values, reverse=True)
    whole = competition_ranks(values)
    for offset in range(0, len(values), size):
        page = values[offset : offset + size]
        ahead = sum(v > page[0] for v in values)
        assert page_ranks(page, offset=offset, ahead=ahead) == whole[offset : offset + size]
