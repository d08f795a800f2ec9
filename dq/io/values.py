"""Parse values the way registry exports write them, inside Polars expressions.

Each helper takes the column's dtype so that already-typed sources (Parquet, Excel, SPSS) pass
through untouched while text from CSV is parsed; a value that does not parse becomes null, and
callers compare with the raw value to count it as invalid.

Dates and datetimes in text must have the shape of their format (``format_pattern``: a 4-digit
year for ``%Y`` and so on) before chrono parses them: chrono alone reads "1.2.23" with
``%d.%m.%Y`` as 1 February of the year 23.
"""

from __future__ import annotations

from datetime import date as _date

import polars as pl

from dq.io.readers import DATE_FORMATS, DATETIME_FORMATS, format_pattern


def _null(expr: pl.Expr, dtype: pl.DataType | type[pl.DataType]) -> pl.Expr:
    """All null, named like ``expr`` (a bare ``pl.lit`` would be called "literal")."""
    lit = pl.lit(None, dtype=dtype)
    try:
        return lit.alias(expr.meta.output_name())
    except pl.exceptions.PolarsError:
        return lit


def number(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """Float64 value; text with a decimal comma ("12,5") or point parses, anything else is null."""
    if dtype.is_numeric():
        return expr.cast(pl.Float64)
    if dtype == pl.Boolean:
        return expr.cast(pl.Float64)
    if dtype == pl.String:
        return (expr.str.strip_chars().str.replace(",", ".", literal=True)
                .cast(pl.Float64, strict=False))
    return _null(expr, pl.Float64)


def _shaped(text: pl.Expr, fmt: str, parsed: pl.Expr) -> pl.Expr:
    """``parsed`` where the text has the format's shape, else null."""
    return pl.when(text.str.contains(format_pattern(fmt))).then(parsed).otherwise(None)


def as_date(expr: pl.Expr, dtype: pl.DataType, fmt: str | None = None) -> pl.Expr:
    """Date value. Text is tried against ``fmt`` or every format registries write."""
    if dtype == pl.Date:
        return expr
    if isinstance(dtype, pl.Datetime):
        return expr.dt.date()
    if dtype != pl.String:
        return _null(expr, pl.Date)
    text = expr.str.strip_chars()
    formats = [fmt] if fmt else [*DATE_FORMATS, *DATETIME_FORMATS]
    parsed = [
        _shaped(text, f, text.str.to_datetime(f, strict=False).dt.date() if f in DATETIME_FORMATS
                else text.str.to_date(f, strict=False))
        for f in formats
    ]
    return pl.coalesce(parsed) if len(parsed) > 1 else parsed[0]


# From 1900-01-01 to 2100-12-31 the Gregorian calendar keeps the Julian rule (a leap year every
# fourth year; 2000 is one), so the year of day d (days since 1970-01-01) is
# 1969 + (4(d + 365) + 3) // 1461: four integer operations, where Polars' dt.year() computes a
# calendar date per value (0.36 s against 1.75 s over 200M dates on 2 cores, most of a national
# reference's count per unit and year). Any other day goes to dt.year(). tests/test_values.py
# compares the two for every day of the years 1 to 9999.
_FROM = (_date(1900, 1, 1) - _date(1970, 1, 1)).days
_TO = (_date(2100, 12, 31) - _date(1970, 1, 1)).days


def year(date: pl.Expr) -> pl.Expr:
    """The calendar year (Int32) of a Date (or Datetime) expression; null stays null."""
    simple = date.meta.undo_aliases().meta.is_column()
    date = date.dt.date()  # a Datetime's own (local) date; a Date as it is
    if not simple:
        # A date parsed from text would be parsed three times over (the engine does not share
        # a subexpression inside one when/then), and parsing costs far more than dt.year().
        return date.dt.year().cast(pl.Int32)
    days = date.cast(pl.Int32)
    return (pl.when(days.is_between(_FROM, _TO))
            .then(((days + 365) * 4 + 3) // 1461 + 1969)  # named like ``date``
            .otherwise(date.dt.year()).cast(pl.Int32))


def as_datetime(expr: pl.Expr, dtype: pl.DataType, fmt: str | None = None) -> pl.Expr:
    """Datetime value (microseconds); a bare date is midnight."""
    if isinstance(dtype, pl.Datetime):
        return expr.cast(pl.Datetime("us"))
    if dtype == pl.Date:
        return expr.cast(pl.Datetime("us"))
    if dtype != pl.String:
        return _null(expr, pl.Datetime("us"))
    text = expr.str.strip_chars()
    formats = [fmt] if fmt else [*DATETIME_FORMATS, *DATE_FORMATS]
    parsed = [
        _shaped(text, f, text.str.to_datetime(f, strict=False, time_unit="us")
                if f in DATETIME_FORMATS
                else text.str.to_date(f, strict=False).cast(pl.Datetime("us")))
        for f in formats
    ]
    return pl.coalesce(parsed) if len(parsed) > 1 else parsed[0]


def _decode_utf8(values: pl.Series) -> pl.Series:
    out = []
    for value in values.to_list():
        try:
            out.append(None if value is None else value.decode("utf-8").strip())
        except UnicodeDecodeError:
            out.append(None)
    return pl.Series(values.name, out, dtype=pl.String)


def _text_castable(dtype: pl.DataType) -> bool:
    if isinstance(dtype, pl.Duration):
        return False
    return (dtype.is_numeric() or dtype.is_temporal() or dtype == pl.Boolean or dtype == pl.Null
            or isinstance(dtype, pl.Categorical | pl.Enum))


def as_text(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """Text for comparing with codes: integers-as-floats print without '.0' (9.0 → "9").
    Binary that is not UTF-8 and types without a text form (lists, arrays, durations) are null:
    such a value is no declared code, and the engine's cast error would quote it."""
    if dtype == pl.String:
        return expr.str.strip_chars()
    if dtype.is_float():
        whole = expr.is_finite() & (expr == expr.round(0)) & (expr.abs() < 2.0**53)
        return (pl.when(whole).then(expr.cast(pl.Int64, strict=False).cast(pl.String))
                .otherwise(expr.cast(pl.String)))
    if dtype == pl.Binary:  # rare (Parquet written from bytes): decoded one by one
        return expr.map_batches(_decode_utf8, return_dtype=pl.String)
    if _text_castable(dtype) or isinstance(dtype, pl.Struct):
        return expr.cast(pl.String)
    return _null(expr, pl.String)
