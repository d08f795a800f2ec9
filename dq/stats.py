"""Confidence intervals for proportions, as Polars expressions and NumPy arrays.

Wilson score interval (Wilson 1927, JASA 22:209–212; recommended by Brown, Cai & DasGupta 2001,
Stat Sci 16:101–133, doi:10.1214/ss/1009213286) is the default; Clopper–Pearson (exact) on
request, through SciPy's beta quantiles. The Wilson formula is written out here so that it runs
inside the Polars query on every group at once; tests check it against statsmodels'
``proportion_confint(method="wilson")`` and Clopper–Pearson against ``method="beta"``.

Notation: x successes of n, p̂ = x/n, z the 1 − α/2 normal quantile.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    import numpy as np

Z_95 = 1.959963984540054  # scipy.stats.norm.ppf(0.975)
CI_METHODS = ("wilson", "clopper-pearson")


def wilson_exprs(x: pl.Expr, n: pl.Expr, z: float = Z_95) -> tuple[pl.Expr, pl.Expr]:
    """(low, high) of the Wilson score interval; null where n = 0.

        centre = (p̂ + z²/2n) / (1 + z²/n)
        half   = z / (1 + z²/n) · √(p̂(1 − p̂)/n + z²/4n²)
    """
    n_f = n.cast(pl.Float64)
    p = x.cast(pl.Float64) / n_f
    denom = 1 + z * z / n_f
    centre = (p + z * z / (2 * n_f)) / denom
    half = z / denom * (p * (1 - p) / n_f + z * z / (4 * n_f * n_f)).sqrt()
    valid = n > 0
    low = pl.when(valid & (x == 0)).then(0.0).when(valid).then((centre - half).clip(0.0, 1.0))
    high = pl.when(valid & (x == n)).then(1.0).when(valid).then((centre + half).clip(0.0, 1.0))
    return low, high


def clopper_pearson(x: np.ndarray, n: np.ndarray, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Exact interval: Beta(α/2; x, n − x + 1) and Beta(1 − α/2; x + 1, n − x); NaN where n = 0."""
    import numpy as np
    from scipy.stats import beta

    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(x > 0, beta.ppf(alpha / 2, x, n - x + 1), 0.0)
        high = np.where(x < n, beta.ppf(1 - alpha / 2, x + 1, n - x), 1.0)
    bad = n <= 0
    low[bad] = np.nan
    high[bad] = np.nan
    return low, high


def with_ci(df: pl.DataFrame, x: str, n: str, *, estimate: str, low: str = "ci_low",
            high: str = "ci_high", method: str = "wilson") -> pl.DataFrame:
    """Add estimate = x/n and its 95 % interval to a frame of counts."""
    est = pl.when(pl.col(n) > 0).then(pl.col(x).cast(pl.Float64) / pl.col(n))
    if method == "wilson":
        lo, hi = wilson_exprs(pl.col(x), pl.col(n))
        return df.with_columns(est.alias(estimate), lo.alias(low), hi.alias(high))
    if method != "clopper-pearson":
        raise ValueError(f"unknown CI method {method!r}")
    lo_a, hi_a = clopper_pearson(df.get_column(x).to_numpy(), df.get_column(n).to_numpy())
    return df.with_columns(est.alias(estimate), pl.Series(low, lo_a).fill_nan(None),
                           pl.Series(high, hi_a).fill_nan(None))


def wilson(x: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """Scalar Wilson interval, for single figures."""
    if n <= 0:
        return math.nan, math.nan
    p = x / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


# ---------------------------------------------------------------- comparisons of units and years
# Funnel limits (Spiegelhalter 2005), Holm's step-down adjustment (Holm 1979) and the two-
# proportion test of the shift detector: used by dq.checks.comparability and dq compare.

def funnel_limits(n: np.ndarray, theta: float, p: float) -> np.ndarray:
    """Exact binomial control limit at probability ``p`` for denominators ``n`` (interpolated)."""
    import numpy as np

    cdf, ppf = _binom()
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore"):
        r = ppf(p, n, theta)
        f_r = cdf(r, n, theta)
        f_r1 = cdf(r - 1, n, theta)
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = np.where(f_r > f_r1, (f_r - p) / (f_r - f_r1), 0.0)
        limit = (r - alpha) / n
    # At the ends of the range nothing lies beyond: r_p = n gives 1, r_p = 0 gives 0.
    limit = np.where(r >= n, 1.0, np.where(r <= 0, 0.0, limit))
    return np.where(n > 0, limit, np.nan)


def _binom() -> tuple[Any, Any]:
    """The binomial cdf and ppf scipy.stats.binom computes with (Boost's, as SciPy's private
    ufuncs): importing scipy.stats costs a report most of a second, scipy.special a third."""
    import numpy as np

    try:
        from scipy.special._ufuncs import _binom_cdf, _binom_ppf
    except ImportError:  # a SciPy that moved them: the public (slower to import) route
        from scipy.stats import binom

        return binom.cdf, binom.ppf
    return (lambda k, n, p: _binom_cdf(np.floor(k), n, p)), _binom_ppf


def holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values (Holm 1979, Scand J Stat 6:65–70).

    Written out because statsmodels' ``multipletests`` runs the garbage collector on every call
    (seconds for a report); tests check it against ``multipletests(method="holm")``."""
    import numpy as np

    p = np.asarray(p, dtype=float)
    m = len(p)
    order = np.argsort(p)
    adjusted = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    return out


def two_proportion_p(x1: np.ndarray, n1: np.ndarray, x2: np.ndarray, n2: np.ndarray) -> np.ndarray:
    """Two-sided p of a change in proportion: pooled z test, Fisher's exact test where an
    expected count is below 5, 1 where both shares are equal."""
    import numpy as np

    from scipy.special import ndtr  # the normal cdf (scipy.stats.norm.sf(z) = ndtr(-z))

    x1, n1, x2, n2 = (np.asarray(v, dtype=float) for v in (x1, n1, x2, n2))
    pooled = (x1 + x2) / (n1 + n2)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        z = (x2 / n2 - x1 / n1) / se
    p = np.where(se > 0, 2 * ndtr(-np.abs(z)), 1.0)
    small = np.minimum.reduce([pooled * n1, (1 - pooled) * n1, pooled * n2, (1 - pooled) * n2]) < 5
    same = (x1 / np.maximum(n1, 1) == x2 / np.maximum(n2, 1))  # equal shares: p = 1, no test
    for i in np.flatnonzero(small & ~same & (n1 > 0) & (n2 > 0)):
        p[i] = fisher_two_sided(int(x1[i]), int(n1[i] - x1[i]), int(x2[i]), int(n2[i] - x2[i]))
    return p


def fisher_two_sided(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p of Fisher's exact test on [[a, b], [c, d]]: the sum of the hypergeometric
    probabilities of the tables with the same margins that are not more likely than the
    observed one, within a relative 1e-7 as R's fisher.test (``relErr``); 1 when a margin is 0.
    Equals scipy.stats.fisher_exact (tests/test_stats.py), but from one vector of log-gamma
    terms instead of SciPy's search per table: a report tests thousands of unit × year cells,
    and SciPy's function took about 3 ms each."""
    import numpy as np
    from scipy.special import gammaln

    col1, col2, row1 = a + c, b + d, a + b
    if min(col1, col2, row1, c + d) == 0:
        return 1.0
    k = np.arange(max(0, row1 - col2), min(row1, col1) + 1, dtype=float)
    # log C(col1, k) + log C(col2, row1 − k), without the terms that do not depend on k: only
    # ratios to the observed table and to the total count.
    log_pmf = -(gammaln(k + 1) + gammaln(col1 - k + 1) + gammaln(row1 - k + 1)
                + gammaln(col2 - row1 + k + 1))
    pmf = np.exp(log_pmf - log_pmf.max())
    observed = pmf[a - int(k[0])]
    return float(min(pmf[pmf <= observed * (1 + 1e-7)].sum() / pmf.sum(), 1.0))
