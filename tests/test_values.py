"""dq.io.values.year: the year of a date by integer arithmetic where the Julian and Gregorian
calendars agree, Polars' own dt.year() elsewhere."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dq.io.values import year


def test_year_equals_polars_for_every_day_of_years_1_to_9999():
    days = pl.DataFrame({"d": pl.date_range(dt.date(1, 1, 1), dt.date(9999, 12, 31),
                                            eager=True)})
    out = days.with_columns(fast=year(pl.col("d")), slow=pl.col("d").dt.year())
    assert out.height == 3_652_059
    assert out.filter(pl.col("fast") != pl.col("slow")).height == 0
    assert out["fast"].dtype == pl.Int32


def test_year_at_the_edges_of_the_arithmetic_and_of_leap_years():
    dates = [dt.date(1899, 12, 31), dt.date(1900, 1, 1), dt.date(1900, 2, 28),
             dt.date(1900, 3, 1), dt.date(1968, 12, 31), dt.date(1969, 1, 1),
             dt.date(2000, 2, 29), dt.date(2000, 12, 31), dt.date(2001, 1, 1),
             dt.date(2100, 12, 31), dt.date(2101, 1, 1), None]
    got = pl.DataFrame({"d": dates}).select(year(pl.col("d")))
    assert got.columns == ["d"]  # named like its date
    assert got["d"].to_list() == [d.year if d else None for d in dates]


def test_year_of_a_datetime_is_its_dates_year():
    stamps = pl.DataFrame({"t": [dt.datetime(2019, 12, 31, 23, 59), dt.datetime(2020, 1, 1, 0, 1),
                                 dt.datetime(1969, 12, 31, 23, 59)]})
    assert stamps.select(year(pl.col("t")))["t"].to_list() == [2019, 2020, 1969]
    # in its own time zone: 00:30 on New Year's Day in Oslo is 23:30 the day before in UTC
    oslo = pl.DataFrame({"t": [dt.datetime(2025, 1, 1, 0, 30)]}).with_columns(
        pl.col("t").dt.replace_time_zone("Europe/Oslo"))
    assert oslo.select(year(pl.col("t")))["t"].to_list() == [2025]


def test_year_of_a_parsed_date_is_the_same():
    text = pl.DataFrame({"s": ["31.12.2019", "01.01.2020", "", None]})
    parsed = pl.col("s").str.to_date("%d.%m.%Y", strict=False)
    assert text.select(year(parsed))["s"].to_list() == [2019, 2020, None, None]
