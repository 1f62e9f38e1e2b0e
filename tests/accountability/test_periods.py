"""ISO weeks, months and quarters as the dashboards use them in URLs."""

import datetime as dt

import pytest

from accountability.periods import Month, PeriodError, Quarter, Week


def test_week_round_trips_and_knows_its_days():
    week = Week.parse("2016-W23")
    assert str(week) == "2016-W23"
    assert (week.start, week.end) == (dt.date(2016, 6, 6), dt.date(2016, 6, 12))
    assert str(week.shift(-1)) == "2016-W22" and str(Week.parse("2016-W52").shift(1)) == "2017-W01"


def test_month_and_quarter_shift_across_years():
    assert str(Month.parse("2016-12").shift(1)) == "2017-01"
    assert Month.parse("2016-02").end == dt.date(2016, 2, 29)
    assert str(Quarter.parse("2016-Q1").shift(-1)) == "2015-Q4"
    assert (Quarter.parse("2016-Q4").start, Quarter.parse("2016-Q4").end) == (
        dt.date(2016, 10, 1),
        dt.date(2016, 12, 31),
    )


@pytest.mark.parametrize(
    ("period", "text"),
    [
        (Week, "2016-W99"),
        (Week, "2016-23"),
        (Month, "2016-13"),
        (Month, "2016-00"),
        (Quarter, "2016-Q0"),
        (Quarter, "x"),
    ],
)
def test_bad_periods_raise_period_error(period, text):
    with pytest.raises(PeriodError):
        period.parse(text)
