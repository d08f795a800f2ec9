"""Capture–recapture: how many events did every source miss?

Two sources — Chapman's nearly unbiased estimator (Chapman 1951, Univ. Calif. Publ. Stat.
1:131–160; preferred over Lincoln–Petersen, Sadinle 2008, doi:10.1016/j.ypmed.2008.05.014), with
the variance of Seber (1970) and the log-transformed interval of Chao (1987, Biometrics
43:783–791, doi:10.2307/2531532), which keeps the lower limit above the observed count.
Notation as in domain.md: n1 = a + m registry events, n2 = b + m reference events, m in both.

    N̂      = (n1 + 1)(n2 + 1) / (m + 1) − 1
    Var(N̂) = (n1 + 1)(n2 + 1)(n1 − m)(n2 − m) / ((m + 1)² (m + 2))
    f̂0     = N̂ − (a + b + m)                       events both sources missed
    C      = exp(z √(ln(1 + Var(N̂) / f̂0²)))
    95 % CI = (n_obs + f̂0 / C,  n_obs + f̂0 · C)

Both estimators assume a closed population and independent sources; positive dependence
(an event that is easy for one source is easy for the other) biases N̂ downwards.

Three or more sources — log-linear models (Fienberg 1972, Biometrika 59:591–603) fitted as a
Poisson GLM on the 2^k − 1 observed capture-history cells (statsmodels); the unobserved cell is
exp(intercept). Models: independence, and independence plus one two-way interaction; the one
with the smallest AIC is used and named.
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass

import polars as pl

from dq.stats import Z_95

INDEPENDENCE_NOTE = (
    "Capture–recapture assumes a closed population and independent sources; positive "
    "dependence between the sources biases the estimate of the total downwards."
)


def chapman_exprs(a: pl.Expr, b: pl.Expr, m: pl.Expr, z: float = Z_95) -> dict[str, pl.Expr]:
    """Chapman N̂, its variance and Chao's log-transformed 95 % CI, as Polars expressions."""
    n1 = (a + m).cast(pl.Float64)
    n2 = (b + m).cast(pl.Float64)
    mf = m.cast(pl.Float64)
    n_obs = (a + b + m).cast(pl.Float64)
    n_hat = (n1 + 1) * (n2 + 1) / (mf + 1) - 1
    var = (n1 + 1) * (n2 + 1) * (n1 - mf) * (n2 - mf) / ((mf + 1) ** 2 * (mf + 2))
    f0 = n_hat - n_obs
    c = (z * (1 + var / (f0 * f0)).log().sqrt()).exp()
    positive = f0 > 0
    low = pl.when(positive).then(n_obs + f0 / c).otherwise(n_hat)
    high = pl.when(positive).then(n_obs + f0 * c).otherwise(n_hat)
    valid = n_obs > 0
    return {
        "chapman_n": pl.when(valid).then(n_hat),
        "chapman_var": pl.when(valid).then(var),
        "chapman_ci_low": pl.when(valid).then(low),
        "chapman_ci_high": pl.when(valid).then(high),
        # estimated completeness of the registry: n1 / N̂ (limits from N̂'s limits)
        "registry_completeness": pl.when(valid).then(n1 / n_hat),
        "registry_completeness_ci_low": pl.when(valid).then(n1 / high),
        "registry_completeness_ci_high": pl.when(valid).then(n1 / low),
    }


def chapman(a: int, b: int, m: int) -> dict[str, float]:
    """Scalar form of ``chapman_exprs``."""
    df = pl.DataFrame({"a": [a], "b": [b], "m": [m]})
    return df.select(**chapman_exprs(pl.col("a"), pl.col("b"), pl.col("m"))).row(0, named=True)


@dataclass(frozen=True)
class LogLinearResult:
    model: str  # e.g. "independence" or "independence + registry×npr"
    n_observed: int
    n_hat: float
    ci_low: float
    ci_high: float
    aic: float
    sources: tuple[str, ...]


def loglinear(histories: dict[tuple[int, ...], int], sources: tuple[str, ...],
              z: float = Z_95) -> LogLinearResult:
    """Fit log-linear models to the observed capture-history counts.

    ``histories`` maps a 0/1 tuple (one entry per source) to the number of events with that
    history; the all-zero history is what is estimated. The interval is a delta-method interval
    on the log scale of the unobserved cell (exp(β0 ± z·se)).
    """
    import numpy as np
    import statsmodels.api as sm

    k = len(sources)
    if k < 3:
        raise ValueError("log-linear estimates need three or more sources")
    cells = [h for h in itertools.product((0, 1), repeat=k) if any(h)]
    y = np.array([histories.get(h, 0) for h in cells], dtype=float)
    x_main = np.array(cells, dtype=float)
    candidates: list[tuple[str, np.ndarray]] = [("independence", x_main)]
    for i, j in itertools.combinations(range(k), 2):
        inter = (x_main[:, i] * x_main[:, j])[:, None]
        candidates.append((f"independence + {sources[i]}×{sources[j]}",
                           np.hstack([x_main, inter])))
    best = None
    for name, x in candidates:
        if x.shape[1] + 1 >= len(cells):
            continue  # saturated: no degrees of freedom left to estimate the missing cell
        with warnings.catch_warnings():
            # Sparse tables (zero cells) make statsmodels warn of perfect separation; such a
            # fit shows as an infinite or undefined interval below instead.
            warnings.simplefilter("ignore")
            try:
                fit = sm.GLM(y, sm.add_constant(x, has_constant="add"),
                             family=sm.families.Poisson()).fit()
            except (ValueError, np.linalg.LinAlgError):
                continue
        if not np.isfinite(fit.params[0]):
            continue
        if best is None or fit.aic < best[1].aic:
            best = (name, fit)
    n_obs = int(y.sum())
    if best is None:
        nan = float("nan")
        return LogLinearResult(model="none could be fitted", n_observed=n_obs, n_hat=nan,
                               ci_low=nan, ci_high=nan, aic=nan, sources=sources)
    name, fit = best
    b0, se0 = float(fit.params[0]), float(fit.bse[0])
    with np.errstate(over="ignore"):
        unseen = np.exp([b0, b0 - z * se0, b0 + z * se0]) if math.isfinite(se0) else \
            np.array([math.exp(b0), 0.0, math.inf])
    return LogLinearResult(model=name, n_observed=n_obs, n_hat=n_obs + float(unseen[0]),
                           ci_low=n_obs + float(unseen[1]), ci_high=n_obs + float(unseen[2]),
                           aic=float(fit.aic), sources=sources)
