"""Months, quarters and the county calendar, on the Asia/Shanghai clock."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.errors import EarlierMonthOpen, InvalidPeriod, LaterMonthClosed
from ledger.periods import (
    TZ,
    bounds,
    check_close_order,
    days_left_in_quarter,
    first_working_day,
    landing_month,
    last_sunday,
    local,
    month_of,
    month_of_date,
    months_of,
    months_up_to,
    next_month,
    parse_month,
    parse_quarter,
    period_kind,
    prev_month,
    quarter_of,
    quarter_of_month,
    return_day,
)

UTC = UTC


def cst(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


def test_the_last_minute_of_march_is_q1_and_the_first_of_april_is_q2():
    assert quarter_of(cst(2026, 3, 31, 23, 59)) == "2026-Q1"
    assert quarter_of(cst(2026, 4, 1, 0, 1)) == "2026-Q2"
    assert month_of(cst(2026, 3, 31, 23, 59)) == "2026-03"
    assert month_of(cst(2026, 4, 1, 0, 1)) == "2026-04"


def test_utc_half_past_four_in_the_afternoon_of_march_31_is_already_april_in_china():
    at = datetime(2026, 3, 31, 16, 30, tzinfo=UTC)
    assert month_of(at) == "2026-04"
    assert quarter_of(at) == "2026-Q2"
    assert local(at) == cst(2026, 4, 1, 0, 30)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        month_of(datetime(2026, 3, 31, 12))
    with pytest.raises(ValueError):
        days_left_in_quarter(datetime(2026, 3, 31, 12))


@pytest.mark.parametrize(
    "bad",
    [
        "2026-13",
        "2026-1",
        "abc",
        "2026-00",
        "26-01",
        "2026-01 ",
        "2026-01\n",
        "２０２６-01",
        "",
        None,
        202601,
        "2026/01",
        "0999-01",
        "9999-12",
    ],
)
def test_a_malformed_month_is_an_invalid_period(bad):
    with pytest.raises(InvalidPeriod) as caught:
        parse_month(bad)
    assert caught.value.code == "invalid_period"
    assert "月份" in caught.value.message or "年份" in caught.value.message


@pytest.mark.parametrize("bad", ["2026-Q5", "2026-Q0", "2026-q1", "2026Q1", "2026-Q", "abc", "2026-01"])
def test_a_malformed_quarter_is_an_invalid_period(bad):
    with pytest.raises(InvalidPeriod):
        parse_quarter(bad)


def test_periods_parse_and_name_their_kind():
    assert parse_month("2026-11") == (2026, 11)
    assert parse_quarter("2026-Q4") == (2026, 4)
    assert period_kind("2026-11") == "month"
    assert period_kind("2026-Q4") == "quarter"
    for bad in ("2026-13", "2026-Q5", "x"):
        with pytest.raises(InvalidPeriod):
            period_kind(bad)


def test_a_month_belongs_to_its_quarter_and_a_quarter_has_three_months():
    assert quarter_of_month("2026-03") == "2026-Q1"
    assert quarter_of_month("2026-10") == "2026-Q4"
    assert months_of("2026-Q2") == ["2026-04", "2026-05", "2026-06"]
    assert month_of_date(date(2026, 2, 1)) == "2026-02"


def test_months_step_over_the_year_end():
    assert next_month("2026-12") == "2027-01"
    assert prev_month("2027-01") == "2026-12"
    assert next_month("2026-05") == "2026-06"


def test_a_month_runs_from_local_midnight_to_local_midnight():
    start, end = bounds("2026-04")
    assert start == datetime(2026, 3, 31, 16, tzinfo=UTC)
    assert end == datetime(2026, 4, 30, 16, tzinfo=UTC)
    assert start.tzinfo == UTC


def test_a_quarter_runs_over_its_three_months():
    assert bounds("2026-Q4") == (datetime(2026, 9, 30, 16, tzinfo=UTC), datetime(2026, 12, 31, 16, tzinfo=UTC))


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)))
def test_every_instant_falls_inside_the_bounds_of_its_month_and_quarter(at):
    for period in (month_of(at), quarter_of(at)):
        start, end = bounds(period)
        assert start <= at < end
    assert quarter_of_month(month_of(at)) == quarter_of(at)
    assert next_month(prev_month(month_of(at))) == month_of(at)


KNOWN_RETURN_DAYS = [date(2026, 11, 29), date(2026, 2, 22), date(2027, 1, 31), date(2026, 5, 31), date(2028, 2, 27)]


@pytest.mark.parametrize("day", KNOWN_RETURN_DAYS)
def test_known_return_days_are_the_last_sundays(day):
    assert last_sunday(day.year, day.month) == day
    assert return_day(month_of_date(day)) == day


@pytest.mark.parametrize("year", range(2026, 2031))
@pytest.mark.parametrize("month", range(1, 13))
def test_the_return_day_is_a_sunday_with_no_other_sunday_after_it_in_its_month(year, month):
    day = last_sunday(year, month)
    assert (day.year, day.month) == (year, month)
    assert day.weekday() == 6
    assert (day + timedelta(days=7)).month != month


def test_the_deliberation_day_is_the_first_weekday():
    assert first_working_day(2026, 11) == date(2026, 11, 2)  # 1 November 2026 is a Sunday
    assert first_working_day(2026, 8) == date(2026, 8, 3)  # a Saturday, then a Sunday
    assert first_working_day(2026, 4) == date(2026, 4, 1)


def test_days_left_in_the_quarter_count_today():
    assert days_left_in_quarter(cst(2026, 3, 31, 23, 59)) == 1
    assert days_left_in_quarter(cst(2026, 4, 1, 0, 1)) == 91
    assert days_left_in_quarter(datetime(2026, 3, 31, 16, 30, tzinfo=UTC)) == 91
    assert days_left_in_quarter(cst(2026, 12, 1, 9)) == 31


@pytest.mark.parametrize(
    "natural, last_closed, lands",
    [
        ("2026-11", None, "2026-11"),
        ("2026-11", "2026-10", "2026-11"),
        ("2026-10", "2026-10", "2026-11"),
        ("1900-01", "2026-10", "2026-11"),
        ("2027-03", "2026-10", "2027-03"),
    ],
)
def test_an_entry_lands_in_its_month_or_just_after_the_last_seal(natural, last_closed, lands):
    assert landing_month(natural, last_closed) == lands


def test_a_month_closes_only_after_every_earlier_month_with_entries_and_never_behind_a_seal():
    check_close_order("2026-11", last_closed="2026-09", first_open_with_entries="2026-11")
    check_close_order("2026-10", last_closed="2026-09", first_open_with_entries=None)
    with pytest.raises(EarlierMonthOpen):
        check_close_order("2026-11", last_closed="2026-09", first_open_with_entries="2026-10")
    with pytest.raises(LaterMonthClosed):
        check_close_order("2026-08", last_closed="2026-09", first_open_with_entries=None)


def test_the_months_up_to_one_stop_where_the_calendar_starts():
    assert months_up_to("2026-02", 3) == ["2025-12", "2026-01", "2026-02"]
    assert months_up_to("1900-02", 6) == ["1900-01", "1900-02"]
