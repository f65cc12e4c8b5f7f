"""Conversion filters target systems need."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from mappings import filters


def test_odata_date():
    assert filters.odata_date("2027-01-01") == "/Date(1798761600000)/"
    assert filters.odata_date(date(1970, 1, 2)) == "/Date(86400000)/"
    assert filters.odata_date("2027-01-01T08:00:00+08:00") == "/Date(1798761600000)/"
    assert filters.odata_date(datetime(2027, 1, 1, tzinfo=timezone.utc)) == "/Date(1798761600000)/"
    with pytest.raises(ValueError, match="ISO 8601"):
        filters.odata_date("01/01/2027")


def test_times_of_day():
    assert filters.seconds_after_midnight("09:00") == 32400
    assert filters.seconds_after_midnight("26:00") == 93600
    assert filters.minutes_after_midnight("09:30") == 570
    assert filters.minutes_until("08:00", "10:15") == 135
    with pytest.raises(ValueError, match="HH:MM"):
        filters.seconds_after_midnight("9am")


def test_weekdays():
    assert filters.weekdays([1, 2, 7]) == [1, 2, 7]
    assert filters.weekdays([1, 2, 7], "sunday0") == [1, 2, 0]
    assert filters.weekdays([1, 7], "short_en") == ["MON", "SUN"]
    assert filters.weekdays([1, 7], "zh") == ["周一", "周日"]
    assert filters.weekdays([1, 2, 3, 4, 5], "mask") == 31
    assert filters.weekday_map([1, 3], {1: "Mo", "3": "We"}) == ["Mo", "We"]
    with pytest.raises(ValueError, match="ISO weekdays"):
        filters.weekdays([0, 1])
    with pytest.raises(ValueError, match="unknown weekday style"):
        filters.weekdays([1], "klingon")


def test_percentages_and_names():
    assert filters.fraction(95) == 0.95
    assert filters.percentage(0.25) == 25.0
    assert filters.percent_text(33.333, 1) == "33.3%"
    assert filters.localized({"zh": "模型准确率", "en": "Model accuracy"}, "en") == "Model accuracy"
    assert filters.localized({"zh": "模型准确率"}, "en") == "模型准确率"
    assert filters.localized("plain", "en") == "plain"
    with pytest.raises(ValueError):
        filters.fraction("95%")


@pytest.mark.parametrize(
    "period, start, end",
    [
        ("2027-Q1", "2027-01-01", "2027-03-31"),
        ("2027-Q4", "2027-10-01", "2027-12-31"),
        ("2027-01-11/2027-07-10", "2027-01-11", "2027-07-10"),
    ],
)
def test_periods(period, start, end):
    assert (filters.period_start(period), filters.period_end(period)) == (start, end)


def test_bad_period():
    with pytest.raises(ValueError, match="neither a quarter"):
        filters.period_start("Q1 2027")


@pytest.mark.parametrize(
    "value,offset,expected",
    [
        ("09:00", None, "09:00:00"),
        ("9:05", None, "09:05:00"),
        ("23:59:59", None, "23:59:59"),
        ("09:00", "+08:00", "09:00:00+08:00"),
        ("00:00", "Z", "00:00:00Z"),
    ],
)
def test_xsd_time(value, offset, expected):
    assert filters.xsd_time(value, offset) == expected


@pytest.mark.parametrize(
    "value,offset,message",
    [
        ("26:00", None, "past midnight"),
        ("9h", None, "expected a time of day"),
        ("09:00", "CST", "time zone offset"),
    ],
)
def test_xsd_time_refuses(value, offset, message):
    with pytest.raises(ValueError, match=message):
        filters.xsd_time(value, offset)
