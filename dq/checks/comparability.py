"""Sammenlignbarhet: units whose data behave differently from the rest, and changes over time.

* Funnel plots (Spiegelhalter 2005, Stat Med 24:1185–1202, doi:10.1002/sim.1970): for a
  proportion with overall value θ, exact binomial control limits for a unit with denominator n,
  with Spiegelhalter's interpolation: r_p is the smallest r with P(R ≤ r) ≥ p,
      α = (P(R ≤ r_p) − p) / (P(R ≤ r_p) − P(R ≤ r_p − 1)),   limit_p = (r_p − α) / n,
  at p = 0.025/0.975 (95 %) and 0.001/0.999 (99.8 %). A unit outside the 99.8 % limits is named.
* Shift detector: for each unit and each pair of consecutive years, a two-proportion test of
  completeness, and of the unknown-code rate among registered values (pooled z test; Fisher's exact test when an expected count is below 5), Holm's
  adjustment across all units and periods of a variable (Holm 1979). A significant change names
  its period, e.g. after an EHR change.
* Codes that appear or vanish between consecutive years, and whether unique person and unit ids
  are present.
"""

from __future__ import annotations

import polars as pl

from dq.checks.model import Check
from dq.stats import funnel_limits, holm, two_proportion_p  # noqa: F401 - used here and re-exported


def funnel_frame(df: pl.DataFrame, x: str, n: str) -> tuple[pl.DataFrame, float]:
    """Per-unit proportion with its 95 % and 99.8 % limits around the pooled value."""
    total_n = float(df[n].sum())
    theta = float(df[x].sum()) / total_n if total_n else float("nan")
    ns = df[n].to_numpy()
    out = df.with_columns(
        (pl.col(x) / pl.col(n)).alias("p"),
        pl.Series("lo95", funnel_limits(ns, theta, 0.025)),
        pl.Series("hi95", funnel_limits(ns, theta, 0.975)),
        pl.Series("lo998", funnel_limits(ns, theta, 0.001)),
        pl.Series("hi998", funnel_limits(ns, theta, 0.999)),
    ).with_columns(
        ((pl.col("p") < pl.col("lo998")) | (pl.col("p") > pl.col("hi998"))).alias("outside998"),
        ((pl.col("p") < pl.col("lo95")) | (pl.col("p") > pl.col("hi95"))).alias("outside95"))
    return out, theta


def funnel_check(check_id: str, measure: dict[str, str], df: pl.DataFrame, x: str, n: str,
                 names: dict[str, str], bad_side: str = "below",
                 left_out: int = 0) -> tuple[list[Check], pl.DataFrame]:
    """National row: units beyond the 99.8 % limit on the bad side (below for completeness and
    coverage, above for unknown-code rates); one unit row for each of them. ``measure`` is the
    catalogue word naming what is plotted, e.g. ``{"word": "funnel_completeness", "variable":
    "ASA"}``. ``left_out``: units not plotted (coverage above 100 %), said beside the centre."""
    fr, theta = funnel_frame(df.filter(pl.col(n) > 0), x, n)
    beyond = (pl.col("p") < pl.col("lo998")) if bad_side == "below" else \
        (pl.col("p") > pl.col("hi998"))
    fr = fr.with_columns(beyond.alias("outside998"))
    outside = fr.filter(pl.col("outside998"))
    definition = "sammenlignbarhet.trakt"
    checks = [Check.proportion(check_id, definition, outside.height, fr.height,
                               default_warn=0.0, variant=bad_side,
                               params={"measure": measure, "outside": outside.height,
                                       "units": fr.height, "theta": theta,
                                       **({"left_out": left_out} if left_out else {})})]
    for row in outside.iter_rows(named=True):
        side = "below" if row["p"] < row["lo998"] else "above"
        checks.append(Check(check_id, definition, row["p"], float(row[x]), float(row[n]),
                            unit=names.get(row["unit"], row["unit"]), status="warn",
                            variant=f"unit_{side}",
                            params={"measure": measure, "low": row["lo998"],
                                    "high": row["hi998"]}))
    return checks, fr.with_columns(theta=pl.lit(theta))


SHIFT_MEASURES = {
    # measure: (id part, catalogue word, successes, denominator)
    "completeness": ("skift", "completeness", pl.col("n_valid"), pl.col("n_applicable")),
    "unknown": ("skift.ukjent", "unknown_rate",
                pl.col("n_unknown"), pl.col("n_applicable") - pl.col("n_missing")),
}


def shift_checks(rows: pl.DataFrame, variables: list[str], names: dict[str, str],
                 alpha: float, measure: str = "completeness") -> list[Check]:
    """Shifts per unit between consecutive years (completeness, or the unknown-code rate among
    registered values), Holm-adjusted across the units and periods of each variable."""
    part, label, x_expr, n_expr = SHIFT_MEASURES[measure]
    out: list[Check] = []
    unit_rows = rows.filter(pl.col("level") == "unit", pl.col("year").is_not_null()).with_columns(
        x_expr.alias("__x"), n_expr.alias("__n"))
    for var in variables:
        r = unit_rows.filter(pl.col("variable") == var).sort("unit", "year")
        pairs = r.with_columns(
            pl.col("year").shift(1).over("unit").alias("year0"),
            pl.col("__x").shift(1).over("unit").alias("x0"),
            pl.col("__n").shift(1).over("unit").alias("n0"),
        ).filter(pl.col("year0").is_not_null(), pl.col("year") == pl.col("year0") + 1,
                 pl.col("n0") > 0, pl.col("__n") > 0)
        if pairs.is_empty():
            continue
        p = two_proportion_p(pairs["x0"].to_numpy(), pairs["n0"].to_numpy(),
                             pairs["__x"].to_numpy(), pairs["__n"].to_numpy())
        p_adj = holm(p)
        pairs = pairs.with_columns(pl.Series("p_adj", p_adj),
                                   pl.Series("significant", p_adj <= alpha))
        sig = pairs.filter(pl.col("significant"))
        cid = f"sammenlignbarhet.{part}.{var}"
        params = {"measure": {"word": label}, "variable": var}
        units_shifted = sig["unit"].n_unique()
        out.append(Check.proportion(cid, "sammenlignbarhet.skift", units_shifted,
                                    pairs["unit"].n_unique(), default_warn=0.0, variant="units",
                                    params={**params, "shifted": units_shifted,
                                            "units": pairs["unit"].n_unique(), "alpha": alpha}))
        for row in sig.iter_rows(named=True):
            before = row["x0"] / row["n0"]
            after = row["__x"] / row["__n"]
            out.append(Check(cid, "sammenlignbarhet.skift", after - before,
                             unit=names.get(row["unit"], row["unit"]), status="warn",
                             cells=(row["x0"], row["n0"], row["__x"], row["__n"]),
                             variant="unit",
                             params={**params, "year0": row["year0"], "year1": row["year"],
                                     "before": before, "after": after,
                                     "p": float(row["p_adj"])}))
    return out


def code_checks(per_year: dict[str, dict[int, set[str]]],
                declared: dict[str, set[str]]) -> list[Check]:
    """Codes that appear or vanish between consecutive years, per categorical variable.

    Only declared codes (the spec's codes and unknown codes) are named; any other value is
    an invalid entry — possibly a name or a national ID number typed into the wrong field — and
    is counted, never shown (domain.md "Privacy")."""
    out = []
    for var, years in per_year.items():
        known = declared.get(var, set())
        ys = sorted(y for y in years if y is not None)
        changes: list[dict[str, object]] = []
        for y0, y1 in zip(ys, ys[1:], strict=False):
            if y1 != y0 + 1:
                continue
            for kind, diff in (("new", years[y1] - years[y0]), ("gone", years[y0] - years[y1])):
                named = sorted(diff & known)
                other = len(diff - known)
                if named or other:
                    changes.append({"year": y1, "kind": kind, "codes": named, "undeclared": other})
        out.append(Check(f"sammenlignbarhet.koder.{var}", "sammenlignbarhet.koder",
                         float(len(changes)), default_warn=0.0,
                         variant="changes" if changes else "same",
                         params={"variable": var, "changes": changes}))
    return out


def funnel_curve(fr: pl.DataFrame, points: int = 120) -> pl.DataFrame:
    """A funnel's 95 % and 99.8 % limits over denominators 1 … the largest unit's (whole
    numbers, denser at small n where the funnel bends), for drawing the curves: renderers
    compute nothing. No unit is in it."""
    import numpy as np

    n_max = int(fr["n"].cast(pl.Float64).max() or 1)  # type: ignore[arg-type]
    grid = np.unique(np.concatenate([np.arange(1, min(n_max, 30) + 1),
                                     np.geomspace(1, n_max, points).round()])).astype(float)
    theta = float(fr["theta"][0]) if fr.height else float("nan")
    return pl.DataFrame({"n": grid, **{
        name: funnel_limits(grid, theta, p) for name, p in
        (("lo95", 0.025), ("hi95", 0.975), ("lo998", 0.001), ("hi998", 0.999))}})
