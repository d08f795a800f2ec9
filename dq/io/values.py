"""Parse values the way registry exports write them, inside Polars expressions.

Each helper takes the column's dtype so that already-typed sources (Parquet, Excel, SPSS) pass
through untouched while text from CSV is parsed; a value that does not parse becomes null, and
callers compare with the raw value to count it as invalid.
"""

from __future__ import annotations

import polars as pl

from dq.io.readers import DATE_FORMATS, DATETIME_FORMATS


def number(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """Float64 value; text with a decimal comma ("12,5") or point parses, anything else is null."""
    if dtype.is_numeric():
        return expr.cast(pl.Float64)
    if dtype == pl.Boolean:
        return expr.cast(pl.Float64)
    if dtype == pl.String:
        return (expr.str.strip_chars().str.replace(",", ".", literal=True)
                .cast(pl.Float64, strict=False))
    return pl.lit(None, dtype=pl.Float64)


def as_date(expr: pl.Expr, dtype: pl.DataType, fmt: str | None = None) -> pl.Expr:
    """Date value. Text is tried against ``fmt`` or every format registries write."""
    if dtype == pl.Date:
        return expr
    if isinstance(dtype, pl.Datetime):
        return expr.dt.date()
    if dtype != pl.String:
        return pl.lit(None, dtype=pl.Date)
    text = expr.str.strip_chars()
    formats = [fmt] if fmt else [*DATE_FORMATS, *DATETIME_FORMATS]
    parsed = [
        text.str.to_datetime(f, strict=False).dt.date() if f in DATETIME_FORMATS
        else text.str.to_date(f, strict=False)
        for f in formats
    ]
    return pl.coalesce(parsed) if len(parsed) > 1 else parsed[0]


def as_datetime(expr: pl.Expr, dtype: pl.DataType, fmt: str | None = None) -> pl.Expr:
    """Datetime value (microseconds); a bare date is midnight."""
    if isinstance(dtype, pl.Datetime):
        return expr.cast(pl.Datetime("us"))
    if dtype == pl.Date:
        return expr.cast(pl.Datetime("us"))
    if dtype != pl.String:
        return pl.lit(None, dtype=pl.Datetime("us"))
    text = expr.str.strip_chars()
    formats = [fmt] if fmt else [*DATETIME_FORMATS, *DATE_FORMATS]
    parsed = [
        text.str.to_datetime(f, strict=False, time_unit="us") if f in DATETIME_FORMATS
        else text.str.to_date(f, strict=False).cast(pl.Datetime("us"))
        for f in formats
    ]
    return pl.coalesce(parsed) if len(parsed) > 1 else parsed[0]


def as_text(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """Text for comparing with codes: integers-as-floats print without '.0' (9.0 → "9")."""
    if dtype == pl.String:
        return expr.str.strip_chars()
    if dtype.is_float():
        return (pl.when(expr == expr.round(0)).then(expr.cast(pl.Int64, strict=False).cast(pl.String))
                .otherwise(expr.cast(pl.String)))
    return expr.cast(pl.String)
