"""One grading: pass, warn or fail for a figure against its thresholds, used by every command.

A figure is graded against ``warn`` and ``fail`` in its direction: where higher is better it
fails below ``fail`` and warns below ``warn``; where lower is better it fails above ``fail`` and
warns above ``warn``. A figure without a value is ``not_assessed``; a figure whose denominator is
below the smallest graded n is shown but not graded (``info``). The thresholds are inclusive on
the passing side: a figure exactly at a threshold passes it.

The rule is one Polars expression (``status_expr``); ``status`` applies the same expression to
one figure, so a table graded in Polars and a single check graded in Python cannot disagree.
"""

from __future__ import annotations

from typing import Any

import polars as pl

STATUSES = ("fail", "warn", "pass", "info", "not_assessed")
RANK = {s: i for i, s in enumerate(STATUSES)}


def _lit(value: Any) -> pl.Expr:
    return value if isinstance(value, pl.Expr) else pl.lit(value, dtype=pl.Float64)


def status_expr(value: pl.Expr | float | None, warn: pl.Expr | float | None,
                fail: pl.Expr | float | None, higher_is_better: pl.Expr | bool = True,
                small: pl.Expr | bool = False) -> pl.Expr:
    """The status of ``value`` (an expression or a number) as a String expression."""
    v, w, f = _lit(value), _lit(warn), _lit(fail)
    higher = higher_is_better if isinstance(higher_is_better, pl.Expr) else pl.lit(higher_is_better)
    worse_than = pl.when(higher).then(v < f).otherwise(v > f).fill_null(False)
    warned = pl.when(higher).then(v < w).otherwise(v > w).fill_null(False)
    return (pl.when(v.is_null() | v.is_nan()).then(pl.lit("not_assessed"))
            .when(small if isinstance(small, pl.Expr) else pl.lit(small)).then(pl.lit("info"))
            .when(worse_than).then(pl.lit("fail"))
            .when(warned).then(pl.lit("warn"))
            .otherwise(pl.lit("pass")))


def status(value: float | None, warn: float | None, fail: float | None,
           higher_is_better: bool = True, small: bool = False) -> str:
    """``status_expr`` for one figure."""
    if value is None:
        return "not_assessed"
    return pl.select(status_expr(float(value), warn, fail, higher_is_better, small)).item()


def worst(statuses: list[str]) -> str:
    """The worst graded status of a list (fail before warn before pass), else not_assessed."""
    graded = [s for s in statuses if s in ("fail", "warn", "pass")]
    return min(graded, key=RANK.__getitem__) if graded else "not_assessed"
