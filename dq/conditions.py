"""Evaluate the spec's SQL conditions (finished-form filter, conditional mandatory variables).

Conditions are Polars SQL expressions over column names. CSV columns arrive as text, so the
columns a condition names are first given their type — numbers where the spec (or the data) says
numbers, dates where it says dates — under their own names, the condition is evaluated, and the
raw text is put back. A null comparison counts as "condition not met".
"""

from __future__ import annotations

import polars as pl

from dq.errors import ConfigError
from dq.io import Source
from dq.io.values import as_date, as_datetime, number
from dq.spec import Spec, Variable, condition_columns


def _numeric_codes(var: Variable) -> bool:
    if not var.codes:
        return False
    try:
        [float(code) for code in var.codes]
    except ValueError:
        return False
    return True


def typed(name: str, dtype: pl.DataType, spec: Spec, source: Source) -> pl.Expr:
    col = pl.col(name)
    if dtype != pl.String:
        return col
    var = spec.variables.get(name)
    if var is not None:
        if var.type in ("integer", "decimal") or (var.type == "categorical" and _numeric_codes(var)):
            return number(col, dtype)
        if var.type == "date":
            return as_date(col, dtype, source.date_formats.get(name) or spec.dataset.date_format)
        if var.type == "datetime":
            return as_datetime(col, dtype, source.date_formats.get(name))
        return col
    if name in source.date_formats:
        return as_date(col, dtype, source.date_formats[name])
    if name in source.numeric_columns:
        return number(col, dtype)
    return col


def with_conditions(lf: pl.LazyFrame, spec: Spec, source: Source,
                    conditions: dict[str, tuple[str, str]]) -> pl.LazyFrame:
    """Add one boolean column per condition, named by its key.

    ``conditions`` maps key → (SQL condition, where it was written, e.g. "[dataset] finished").
    Each condition is tried on the first row, so a type mismatch ("a text column compared with a
    number") is a configuration error naming the spec key, not a failure halfway through a file.
    """
    if not conditions:
        return lf
    schema = lf.collect_schema()
    names = sorted({c for cond, _ in conditions.values() for c in condition_columns(cond)})
    raw = {n: f"__raw__{n}" for n in names}
    lf = lf.with_columns(pl.col(n).alias(a) for n, a in raw.items())
    lf = lf.with_columns(typed(n, schema[n], spec, source).alias(n) for n in names)
    for cond, where in conditions.values():
        try:
            lf.head(1).select(pl.sql_expr(cond)).collect()
        except pl.exceptions.PolarsError as exc:
            reason = str(exc).strip().splitlines()[0]
            cols = ", ".join(condition_columns(cond))
            raise ConfigError(f"{_spec_name(spec)}: {where}: the condition {cond!r} cannot be "
                              f"evaluated on the data ({reason}); declare the type of {cols} "
                              "in [variables.NAME] or compare with text ('2')") from None
    lf = lf.with_columns(pl.sql_expr(cond).fill_null(False).alias(key)
                         for key, (cond, _) in conditions.items())
    return lf.with_columns(pl.col(a).alias(n) for n, a in raw.items()).drop(list(raw.values()))


def _spec_name(spec: Spec) -> str:
    return spec.path.name if spec.path else "the spec"
