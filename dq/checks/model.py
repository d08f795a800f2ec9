"""The row every report check produces, thresholds by check id, and statuses."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from dq import messages
from dq.checks import registry
from dq.grading import status_expr
from dq.spec import CheckRule, Spec
from dq.stats import wilson

DIMENSIONS = ("kompletthet", "korrekthet", "reliabilitet", "aktualitet", "sammenlignbarhet",
              "relevans")
NAMES = {
    "nb": {"kompletthet": "Kompletthet", "korrekthet": "Korrekthet",
           "reliabilitet": "Reliabilitet", "aktualitet": "Aktualitet",
           "sammenlignbarhet": "Sammenlignbarhet", "relevans": "Relevans"},
    "en": {"kompletthet": "Completeness", "korrekthet": "Correctness",
           "reliabilitet": "Reliability", "aktualitet": "Timeliness",
           "sammenlignbarhet": "Comparability", "relevans": "Relevance"},
}
SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "id": pl.String, "dimension": pl.String, "title": pl.String, "unit": pl.String,
    "status": pl.String, "numerator": pl.Float64, "denominator": pl.Float64,
    "estimate": pl.Float64, "ci_low": pl.Float64, "ci_high": pl.Float64, "se": pl.Float64,
    "figure": pl.String, "definition": pl.String, "variant": pl.String, "params": pl.String,
    "direction": pl.String, "warn": pl.Float64, "fail": pl.Float64, "notes": pl.String,
    "graded": pl.Boolean, "cells": pl.List(pl.Float64), "period": pl.String,
    "previous": pl.Float64, "change": pl.Float64, "trend": pl.String,
}


@dataclass(frozen=True)
class Check:
    """One check result (national when ``unit`` is None).

    It carries values, never sentences: ``definition`` names its entry in
    ``dq.checks.registry`` (direction, kind, threshold source) and the catalogue keys of its
    title and figure; ``params`` are the named values those templates show (variable, counts,
    days, codes …) and ``variant`` picks the figure template (None: no side figure)."""

    id: str
    definition: str
    estimate: float | None
    numerator: float | None = None
    denominator: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    unit: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    variant: str | None = None
    default_warn: float | None = None
    default_fail: float | None = None
    status: str | None = None  # set for checks that grade themselves (e.g. info)
    se: float | None = None  # standard error, where the estimate has one (κ, α, AC1 …)
    # Every count the estimate and figure were made from, where more than numerator and
    # denominator (the two years of a shift): small-cell suppression looks at all of them.
    cells: tuple[float, ...] | None = None
    # The period the figure covers ("2023", "2019–2023"; None: not a figure of the data), the
    # national (year, numerator, denominator) of every year, and the year to compare with.
    period: str | None = None
    trend: tuple[tuple[int, float, float], ...] = ()
    previous_year: int | None = None

    @property
    def dimension(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def higher_is_better(self) -> bool:
        return registry.definition(self.definition).higher_is_better

    @classmethod
    def proportion(cls, id: str, definition: str, x: int, n: int, **kw: Any) -> Check:
        """x of n with a Wilson 95 % CI — none for a full enumeration (units, columns)."""
        sample = n and not registry.definition(definition).enumeration
        low, high = wilson(x, n) if sample else (None, None)
        return cls(id, definition, x / n if n else None, float(x), float(n), low, high, **kw)


def title(definition: str, params: dict[str, Any], lang: str) -> str:
    return messages.check_text(registry.title_key(definition), lang, params)


def figure(definition: str, variant: str | None, params: dict[str, Any], lang: str) -> str | None:
    if variant is None:
        return None
    return messages.check_text(registry.figure_key(definition, variant), lang, params)


def rule_for(spec: Spec, check_id: str) -> CheckRule | None:
    """The [checks."…"] entry for this id, or for its longest prefix ending at a '.'."""
    best = None
    for key, rule in spec.checks.items():
        if check_id == key or check_id.startswith(key + "."):
            if best is None or len(key) > len(best[0]):
                best = (key, rule)
    return best[1] if best else None


def thresholds_for(spec: Spec, check_id: str, higher_is_better: bool, default_warn: float | None,
                   default_fail: float | None) -> tuple[float | None, float | None]:
    """(warn, fail) for a check: the spec's [checks] entry where it sets one, else the default."""
    rule = rule_for(spec, check_id)
    if higher_is_better:
        warn = rule.warn_below if rule and rule.warn_below is not None else default_warn
        fail = rule.fail_below if rule and rule.fail_below is not None else default_fail
    else:
        warn = rule.warn_above if rule and rule.warn_above is not None else default_warn
        fail = rule.fail_above if rule and rule.fail_above is not None else default_fail
    return warn, fail


def too_small(definition: str, unit: str | None, denominator: float | None, min_n: int) -> bool:
    """A row shown but not graded (info): fewer than ``min_n`` in its denominator. Units, and
    national proportions of records too (a variable applicable to 2 records nationally is no
    more gradable than a unit's 2; ``dq completeness`` grades both the same way) — but never a
    count of units or columns (a full enumeration: 3 of 4 units reporting is a fact, not an
    estimate) nor a coefficient or a count."""
    if denominator is None or denominator >= min_n:
        return False
    if unit is not None:
        return True
    from dq.checks.registry import DEFINITIONS

    d = DEFINITIONS.get(definition)
    return d is not None and d.kind == "proportion" and not d.enumeration


def grade(check: Check, spec: Spec, min_n: int) -> dict[str, Any]:
    rule = rule_for(spec, check.id)
    warn, fail = thresholds_for(spec, check.id, check.higher_is_better, check.default_warn,
                                check.default_fail)
    value = check.estimate
    small = too_small(check.definition, check.unit, check.denominator, min_n)
    # The status itself is set for all rows at once by dq.grading in ``frame``, unless the
    # check set its own (a unit beyond a funnel limit, an optional variable: info).
    status = check.status
    return {"__small": small, "id": check.id, "dimension": check.dimension,
            "title": title(check.definition, check.params, "en"),
            "unit": check.unit, "status": status, "numerator": check.numerator,
            "denominator": check.denominator, "estimate": value, "ci_low": check.ci_low,
            "ci_high": check.ci_high, "se": check.se,
            "figure": figure(check.definition, check.variant, check.params, "en"),
            "definition": check.definition, "variant": check.variant,
            "params": json.dumps(check.params, ensure_ascii=False, sort_keys=True, default=str),
            "direction": "higher_is_better" if check.higher_is_better else "lower_is_better",
            "warn": warn, "fail": fail, "notes": rule.notes if rule else None,
            # False where the check set its own status (e.g. a unit beyond a funnel limit)
            "graded": check.status is None,
            "period": check.period, **_change(check),
            "cells": list(check.cells) if check.cells is not None else
            [float(v) for v in (check.numerator, check.denominator) if v is not None]}


def _change(check: Check) -> dict[str, Any]:
    """The previous year's figure, the change from it, and the trend (as JSON text)."""
    by_year = {y: x / n for y, x, n in check.trend if n}
    previous = by_year.get(check.previous_year) if check.previous_year is not None else None
    change = (check.estimate - previous
              if previous is not None and check.estimate is not None else None)
    trend = [{"year": y, "numerator": x, "denominator": n, "estimate": x / n if n else None}
             for y, x, n in check.trend]
    return {"previous": previous, "change": change,
            "trend": json.dumps(trend) if trend else None}


def frame(checks: list[Check], spec: Spec, min_n: int) -> pl.DataFrame:
    """Every check graded by the one grading of dq (``dq.grading.status_expr``)."""
    rows = [grade(c, spec, min_n) for c in checks]
    df = pl.DataFrame(rows, schema={"__small": pl.Boolean, **SCHEMA}, orient="row")
    graded = status_expr(pl.col("estimate"), pl.col("warn"), pl.col("fail"),
                         pl.col("direction") == "higher_is_better", pl.col("__small"))
    return df.with_columns(pl.when(pl.col("graded")).then(graded).otherwise(pl.col("status"))
                           .alias("status")).drop("__small")
