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

Beside Chapman, Chao's lower bound for two sources (Chao 1987, Biometrics 43:783–791; Chao 1989,
Biometrics 45:427–438, doi:10.2307/2532490), which holds when the events differ in how easily
they are caught (heterogeneity) instead of assuming independence. With t = 2 sources,
f₁ = a + b events seen by one source and f₂ = m by both:

    N̂_Chao  = n + ((t − 1)/t) f₁² / (2 f₂) = n + f₁² / (4 f₂)
    Var     = f₂ (A r²/2 + A² r³ + A² r⁴/4),  r = f₁/f₂, A = (t − 1)/t = 1/2   (Chao 1987)
    95 % CI: log-transformed as above (Chao 1987), from n_obs + f̂0/C to n_obs + f̂0·C

Since (a + b)² ≥ 4ab, N̂_Chao ≥ n + ab/m, the Lincoln–Petersen estimate. With m = 0 it is the
bias-corrected n + f₁(f₁ − 1)/4 (as ``chao_lower_bound``), without a variance.

Three or more sources — log-linear models (Fienberg 1972, Biometrika 59:591–603) fitted as a
Poisson GLM on the 2^k − 1 observed capture-history cells (statsmodels); the unobserved cell is
exp(intercept). As Rcapture (Baillargeon & Rivest 2007, J Stat Softw 19(5),
doi:10.18637/jss.v019.i05) the models are compared in one table with deviance, df, AIC and BIC
(BIC = AIC + (ln n − 2)·parameters, n the observed count, as Rcapture):

* every hierarchical model up to two-way interactions (the main effects and any set of the
  k(k − 1)/2 source-pair interactions; Rcapture ``closedpMS.t``, all of them up to five sources);
* heterogeneity (Rcapture ``closedp.t``): M_h and M_th with Chao's lower-bound columns
  η_j = (number of sources − j + 1)_+ for j = 3..k (negative η set to 0 and the model refitted,
  as Rcapture's ``neg = TRUE``) and with Darroch's column (number of sources)²/2 (Darroch et al.
  1993, JASA 88:1137–1148).

The model with the smallest AIC is chosen; a warning says when another model within 2 AIC gives
an N̂ more than 5 % away. Each model's N̂ carries the SE √(μ̂₀ + μ̂₀² Var(β̂₀)) and the Wald
interval on the log scale of μ̂₀ (n + exp(β̂₀ ± z·SE)), and the chosen model also the
profile-likelihood interval (Cormack 1992, Biometrics 48:567–576): the multinomial profile
log-likelihood of N = n + n₀, ℓ(n₀) = −D(n₀)/2 + n₀ ln n₀ − ln n₀! + ln N! − N ln N with D(n₀)
the Poisson deviance of the model fitted with the unobserved cell set to n₀ (Rcapture
``profileCI``, here with n₀ continuous and the limits found by root finding), and the limits
where ℓ falls χ²₁(0.95)/2 below its maximum.

Chao's lower bound in closed form for any number of sources t ≥ 2 (Chao 1987, Biometrics
43:783–791; Chao et al. 2001, Stat Med 20:3123–3157, eq. for M_th):
N̂ = n + ((t − 1)/t) f₁²/(2 f₂), f_j the number of events seen by exactly j sources (with
f₂ = 0 the bias-corrected ((t − 1)/t) f₁(f₁ − 1)/2).
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass

from typing import TYPE_CHECKING

import polars as pl

from dq.messages import Message
from dq.stats import Z_95

if TYPE_CHECKING:
    import numpy as np

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
    # With no event estimated unseen (f0 = 0: one source holds every event of the other) the
    # variance is 0 and the limits would be N̂ itself: no interval, rather than one of width 0
    positive = f0 > 0
    low = pl.when(positive).then(n_obs + f0 / c)
    high = pl.when(positive).then(n_obs + f0 * c)
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


CHAO_TWO_SOURCES = ("Chao's lower bound for two sources, n + (a + b)²/(4m) (Chao 1987, Biometrics "
                    "43:783–791; Chao 1989, Biometrics 45:427–438), variance of Chao (1987), "
                    "log-transformed 95 % CI; a lower bound for the total when events differ in "
                    "how easily they are caught")


def chao_two_source_exprs(a: pl.Expr, b: pl.Expr, m: pl.Expr,
                          z: float = Z_95) -> dict[str, pl.Expr]:
    """Chao's lower bound for two sources, its variance and log-transformed 95 % CI (see the
    module docstring), as Polars expressions; the same N̂ as ``chao_lower_bound`` with t = 2."""
    f1 = (a + b).cast(pl.Float64)
    f2 = m.cast(pl.Float64)
    n_obs = f1 + f2
    r = f1 / f2
    n_hat = pl.when(f2 > 0).then(n_obs + f1 * f1 / (4 * f2)).otherwise(n_obs + f1 * (f1 - 1) / 4)
    var = pl.when(f2 > 0).then(f2 * (r**2 / 4 + r**3 / 4 + r**4 / 16))
    f0 = n_hat - n_obs
    c = (z * (1 + var / (f0 * f0)).log().sqrt()).exp()
    positive = f0 > 0
    low = pl.when(var.is_null()).then(None).when(positive).then(n_obs + f0 / c)  # f0 = 0: none
    high = pl.when(var.is_null()).then(None).when(positive).then(n_obs + f0 * c)
    valid = n_obs > 0
    return {
        "chao_lower_bound": pl.when(valid).then(n_hat),
        "chao_lower_bound_var": pl.when(valid).then(var),
        "chao_lower_bound_ci_low": pl.when(valid).then(low),
        "chao_lower_bound_ci_high": pl.when(valid).then(high),
    }


def chao_two_sources(a: int, b: int, m: int) -> dict[str, float]:
    """Scalar form of ``chao_two_source_exprs``."""
    df = pl.DataFrame({"a": [a], "b": [b], "m": [m]})
    return df.select(**chao_two_source_exprs(pl.col("a"), pl.col("b"),
                                             pl.col("m"))).row(0, named=True)


@dataclass(frozen=True)
class ModelFit:
    """One log-linear model of the capture histories."""

    name: str
    family: str  # "log-linear" (main effects + interactions) or "heterogeneity"
    parameters: int
    n_hat: float
    se: float
    ci_low: float  # Wald on the log scale of the unobserved cell
    ci_high: float
    deviance: float
    df: int
    aic: float
    bic: float
    note: str | None = None


@dataclass(frozen=True)
class LogLinearResult:
    model: str  # e.g. "independence" or "independence + registry×npr"
    n_observed: int
    n_hat: float
    ci_low: float
    ci_high: float
    aic: float
    sources: tuple[str, ...]
    se: float = math.nan
    profile_ci_low: float = math.nan
    profile_ci_high: float = math.nan
    models: tuple[ModelFit, ...] = ()
    chao_lower_bound: float = math.nan
    warnings: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        """The JSON of ``dq coverage``: the chosen model's figures (the first six keys as
        before) and the model table."""
        return {
            "model": self.model, "sources": list(self.sources), "n_observed": self.n_observed,
            "n_hat": self.n_hat, "ci_low": self.ci_low, "ci_high": self.ci_high,
            "ci_method": "Wald on the log scale of the unobserved cell",
            "se": _num(self.se), "profile_ci_low": _num(self.profile_ci_low),
            "profile_ci_high": _num(self.profile_ci_high),
            "profile_ci_method": "profile likelihood (Cormack 1992)",
            "chao_lower_bound": _num(self.chao_lower_bound), "warnings": list(self.warnings),
            "models": [{"model": m.name, "family": m.family, "parameters": m.parameters,
                        "n_hat": _num(m.n_hat), "se": _num(m.se), "ci_low": _num(m.ci_low),
                        "ci_high": _num(m.ci_high), "deviance": _num(m.deviance), "df": m.df,
                        "aic": _num(m.aic), "bic": _num(m.bic), "note": m.note}
                       for m in self.models],
        }


def _num(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def chao_lower_bound(frequencies: dict[int, float], t: int) -> float:
    """Chao's lower bound n + ((t − 1)/t) f₁²/(2 f₂) from f_j, the number of events seen by
    exactly j of the t sources (the bias-corrected f₁(f₁ − 1)/(2(f₂ + 1)) where f₂ = 0)."""
    n = float(sum(frequencies.values()))
    f1, f2 = float(frequencies.get(1, 0)), float(frequencies.get(2, 0))
    factor = (t - 1) / t
    if f2 > 0:
        return n + factor * f1 * f1 / (2 * f2)
    return n + factor * f1 * (f1 - 1) / 2


HETEROGENEITY = ("Mh Chao (LB)", "Mh Darroch", "Mth Chao (LB)", "Mth Darroch")
MAX_ENUMERATED = 5  # sources up to which every set of pair interactions is fitted


def _designs(k: int, sources: tuple[str, ...]) -> list[tuple[str, str, "np.ndarray"]]:
    import numpy as np

    cells = [h for h in itertools.product((0, 1), repeat=k) if any(h)]
    x_main = np.array(cells, dtype=float)
    pairs = list(itertools.combinations(range(k), 2))
    if k <= MAX_ENUMERATED:
        subsets = [c for size in range(len(pairs) + 1) for c in itertools.combinations(pairs, size)]
    else:  # 2^15 and more models: independence, each pair alone, and all pairs
        subsets = [(), *[(p,) for p in pairs], tuple(pairs)]
    out: list[tuple[str, str, np.ndarray]] = []
    for subset in subsets:
        cols = [x_main] + [(x_main[:, i] * x_main[:, j])[:, None] for i, j in subset]
        name = "independence" + "".join(f" + {sources[i]}×{sources[j]}" for i, j in subset)
        out.append((name, "log-linear", np.hstack(cols)))
    nbcap = x_main.sum(1)
    chao = np.column_stack([np.maximum(nbcap - j + 1, 0) for j in range(3, k + 1)])
    darroch = (nbcap**2 / 2)[:, None]
    out += [("Mh Chao (LB)", "heterogeneity", np.column_stack([nbcap, chao])),
            ("Mh Darroch", "heterogeneity", np.column_stack([nbcap, darroch])),
            ("Mth Chao (LB)", "heterogeneity", np.hstack([x_main, chao])),
            ("Mth Darroch", "heterogeneity", np.hstack([x_main, darroch]))]
    return out


def _fit(y: "np.ndarray", x: "np.ndarray"):  # noqa: ANN202 - a statsmodels results object
    import numpy as np
    import statsmodels.api as sm

    with warnings.catch_warnings():
        # Sparse tables (zero cells) make statsmodels warn of perfect separation; such a fit
        # shows as an infinite or undefined interval below instead.
        warnings.simplefilter("ignore")
        try:
            fit = sm.GLM(y, sm.add_constant(x, has_constant="add"),
                         family=sm.families.Poisson()).fit()
        except (ValueError, np.linalg.LinAlgError):
            return None
    return fit if np.isfinite(fit.params[0]) else None


def _profile_ci(y: "np.ndarray", x: "np.ndarray", n_obs: float, n_hat: float, se: float,
                z: float) -> tuple[float, float]:
    """Cormack's (1992) profile-likelihood interval for N (see the module docstring)."""
    import numpy as np
    from scipy.optimize import brentq, minimize_scalar
    from scipy.special import gammaln
    from scipy.stats import chi2

    ya = np.append(y, 0.0)
    xa = np.vstack([x, np.zeros(x.shape[1])])

    def loglik(n0: float) -> float:
        ya[-1] = n0
        fit = _fit(ya, xa)
        if fit is None:
            return -math.inf
        big = n_obs + n0
        ct = (n0 * math.log(n0) if n0 > 0 else 0.0) - gammaln(n0 + 1) + gammaln(big + 1) \
            - big * math.log(big)
        return -float(fit.deviance) / 2 + ct

    mu0 = max(n_hat - n_obs, 0.0)
    if not math.isfinite(mu0):
        return math.nan, math.nan
    spread = max(4 * z * (se if math.isfinite(se) else mu0), 10.0)
    top = mu0 + spread
    best = minimize_scalar(lambda v: -loglik(v), bounds=(0.0, top), method="bounded",
                           options={"xatol": 1e-6})
    n0_hat, lmax = float(best.x), -float(best.fun)
    cut = lmax - chi2.ppf(1 - 2 * (1 - _norm_cdf(z)), 1) / 2

    def g(v: float) -> float:
        return loglik(v) - cut

    low = n_obs if g(0.0) > 0 else n_obs + brentq(g, 0.0, n0_hat, xtol=1e-6)
    hi_end = top
    for _ in range(60):  # widen until ℓ falls below the cut
        if g(hi_end) < 0:
            break
        hi_end *= 2
    else:
        return low, math.inf
    return low, n_obs + brentq(g, n0_hat, hi_end, xtol=1e-6)


def _norm_cdf(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def loglinear(histories: dict[tuple[int, ...], int], sources: tuple[str, ...],
              z: float = Z_95) -> LogLinearResult:
    """Fit every model of the module docstring to the observed capture-history counts and
    choose the one with the smallest AIC.

    ``histories`` maps a 0/1 tuple (one entry per source) to the number of events with that
    history; the all-zero history is what is estimated."""
    import numpy as np

    k = len(sources)
    if k < 3:
        raise ValueError("log-linear estimates need three or more sources")
    cells = [h for h in itertools.product((0, 1), repeat=k) if any(h)]
    y = np.array([histories.get(h, 0) for h in cells], dtype=float)
    n_obs = float(y.sum())
    fits: list[tuple[ModelFit, np.ndarray]] = []
    for name, family, x in _designs(k, sources):
        note = None
        if x.shape[1] + 1 > len(cells):
            continue  # more parameters than cells: the unobserved cell is not identified
        fit = _fit(y, x)
        if fit is not None and "Chao" in name:
            # Rcapture's neg = TRUE: a negative η is set to 0 (its column dropped), refitted
            # until no η is negative.
            n_eta = k - 2
            dropped = 0
            while fit is not None and n_eta > 0 and (fit.params[-n_eta:] < 0).any():
                first = int(np.argmax(fit.params[-n_eta:] < 0))
                x = np.delete(x, x.shape[1] - n_eta + first, axis=1)
                n_eta -= 1
                dropped += 1
                fit = _fit(y, x)
            if dropped:
                note = f"{dropped} negative η set to 0 (Rcapture neg = TRUE)"
        if fit is None:
            continue
        b0 = float(fit.params[0])
        var0 = float(fit.cov_params()[0, 0])
        if not b0 < 700:  # exp overflows: the unobserved cell is not identified by the data
            continue
        mu0 = math.exp(b0)
        se = math.sqrt(mu0 + mu0**2 * var0) if math.isfinite(var0) else math.nan
        se0 = math.sqrt(var0) if math.isfinite(var0) and var0 >= 0 else math.nan
        lo, hi = ((n_obs + math.exp(b0 - z * se0),
                   n_obs + math.exp(b0 + z * se0) if b0 + z * se0 < 700 else math.inf)
                  if math.isfinite(se0) else (n_obs, math.inf))
        params = x.shape[1] + 1
        aic = float(fit.aic)
        fits.append((ModelFit(name, family, params, n_obs + mu0, se, lo, hi, float(fit.deviance),
                              int(round(fit.df_resid)), aic,
                              aic + (math.log(n_obs) - 2) * params, note), x))
    freq: dict[int, float] = {}
    for h, c in zip(cells, y, strict=True):
        freq[sum(h)] = freq.get(sum(h), 0.0) + float(c)
    lb = chao_lower_bound(freq, k)
    if not fits:
        nan = math.nan
        return LogLinearResult(model="none could be fitted", n_observed=int(n_obs), n_hat=nan,
                               ci_low=nan, ci_high=nan, aic=nan, sources=sources,
                               chao_lower_bound=lb)
    fits.sort(key=lambda fx: fx[0].aic)
    best, x_best = fits[0]
    notes = []
    close = [m for m, _ in fits[1:] if m.aic - best.aic < 2
             and abs(m.n_hat - best.n_hat) > 0.05 * best.n_hat]
    if close:
        notes.append(Message("capture.close_models", n=len(close), chosen=best.name,
                             n_hat=round(best.n_hat),
                             others=[Message("capture.model_n", model=m.name,
                                             n_hat=round(m.n_hat)) for m in close[:3]]))
    try:
        p_lo, p_hi = _profile_ci(y, x_best, n_obs, best.n_hat, best.se, z)
    except (ValueError, OverflowError):  # no sign change: the likelihood is flat or degenerate
        p_lo, p_hi = math.nan, math.nan
    return LogLinearResult(model=best.name, n_observed=int(n_obs), n_hat=best.n_hat,
                           ci_low=best.ci_low, ci_high=best.ci_high, aic=best.aic,
                           sources=sources, se=best.se, profile_ci_low=p_lo,
                           profile_ci_high=p_hi, models=tuple(m for m, _ in fits),
                           chao_lower_bound=lb, warnings=tuple(notes))
