"""Agreement coefficients: the κ family, Gwet's AC1/AC2, Brennan–Prediger/PABAK, percent
agreement, Krippendorff's α, ICC and Bland–Altman — the Reliabilitet dimension.

Notation follows the sources. For chance-corrected coefficients, p_a (or p_o) is the observed
agreement and p_e the agreement expected by chance; coefficient = (p_a − p_e) / (1 − p_e).

* Any number of raters, missing ratings allowed (Gwet 2014, Handbook of Inter-Rater Reliability,
  4th ed., ch. 2–5; the formulas of his irrCAC package): with r_ik raters putting case i in
  category k, r_i = Σ_k r_ik and agreement weights w_kl (identity when nominal),
      p_a = mean over cases with r_i ≥ 2 of Σ_k r_ik (r*_ik − 1) / (r_i (r_i − 1)),  r*_ik = Σ_l w_kl r_il
      π_k = mean over cases of r_ik / r_i
      Fleiss' κ (Fleiss 1971):  p_e = Σ_kl w_kl π_k π_l
      Gwet's AC1/AC2 (Gwet 2008, doi:10.1348/000711006X126600): p_e = Σ_kl w_kl · Σ_k π_k (1 − π_k) / (q (q − 1))
      Brennan–Prediger (1981), = PABAK for two categories (Byrt et al. 1993): p_e = Σ_kl w_kl / q²
  Standard errors: Gwet's linearisation, Var = Σ_i (c*_i − c)² / (n (n − 1)), with per-case terms
  c*_i as in irrCAC. For Fleiss' κ also the SE under κ = 0 of Fleiss, Nee & Landis (1979,
  Psychol Bull 86:974–977), the one its z test uses.
  n counts every case with at least one rating: a case rated once adds to π_k and to n (irrCAC's
  ``*.raw`` functions; Gwet 2014, ch. 5), not to p_a. Cases with no rating must be left out first.
  q is the number of categories the raters could use (the declared codes), not only those used.
  Weights (Gwet 2014, ch. 3; irrCAC ``weights.gen``) are on the code values x_k when the codes
  are numbers, else on the ranks 1..q: quadratic w_kl = 1 − (x_k − x_l)² / (x_max − x_min)²,
  linear w_kl = 1 − |x_k − x_l| / (x_max − x_min).
* Cohen's κ and weighted κ (two raters, Cohen 1960, 1968): from the q × q table through
  statsmodels' ``cohens_kappa``, with the asymptotic SE of Fleiss, Cohen & Everitt (1969,
  Psychol Bull 72:323–327). Linear or quadratic weights are on the code values as above (κ_w
  does not change when the weights are rescaled).
* Krippendorff's α (Krippendorff 2011, "Computing Krippendorff's alpha-reliability"): from the
  coincidence matrix o_ck with metric δ²: α = 1 − D_o / D_e, nominal, ordinal, interval, ratio.
  ``alpha`` computes the same from the pairable values without a q × q matrix per resample
  (sums for nominal, ordinal and interval; blocked pairwise δ² for ratio), so continuous values
  (q ≈ cases × raters) cost O(values²) once, not O(q²) per resample.
* ICC (Shrout & Fleiss 1979, doi:10.1037/0033-2909.86.2.420; McGraw & Wong 1996,
  doi:10.1037/1082-989X.1.1.30): one-way (1), two-way random (2) and two-way mixed (3),
  single (·,1) and average (·,k) measures, from the ANOVA mean squares MSR, MSC, MSE, MSW,
  with their F-based 95 % intervals.
* Bland & Altman (1986, Lancet i:307–310): bias = mean difference, limits of agreement
  bias ± 1.96 SD, SE of the limits √(3 SD² / n).

Every function takes per-case arrays and, for the bootstrap, a matrix of case weights (one row
per resample: how often each case was drawn), so the same code gives the estimate (weights all
one) and every resample at once. The same case weights carry frequencies: a contingency table is
q² distinct cases with their counts as weights, never expanded to one row per rating.

A statistic that is undefined for the data (chance agreement 1, no variation, zero variance)
raises ``Undefined`` with the reason, never returns NaN, ±1 or ±inf in its place.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

Z = 1.959963984540054


class Undefined(ValueError):
    """The statistic is undefined for these data; the message says why (shown to the user)."""


@dataclass(frozen=True)
class Estimate:
    estimate: float
    se: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    se_method: str | None = None
    ci_method: str | None = None
    se0: float | None = None  # SE under the null hypothesis, where a source gives one
    test: "Test | None" = None  # a significance test that goes with the estimate


@dataclass(frozen=True)
class Test:
    """A test statistic, its degrees of freedom (None where it has none), its p-value and the
    null value it tests against."""

    statistic: float
    df1: float | None
    df2: float | None
    p_value: float
    null: float
    name: str


def wald(estimate: float, se: float | None, method: str, upper: float | None = 1.0,
         n: float | None = None, interval: "Interval | None" = None,
         lower: float | None = None) -> Estimate:
    """estimate ± c·SE, c the normal quantile (no ``interval``: 1.96) or that of ``interval``
    (Student's t with n − 1 df by default, as irrCAC); the upper limit capped at ``upper`` (as
    irrCAC) and the lower one at ``lower`` (a share such as percent agreement cannot be below
    0, where irrCAC's interval can reach)."""
    if se is None or not math.isfinite(se):
        return Estimate(estimate, None, None, None, method, None)
    c = Z if interval is None else interval.quantile(n)
    low, high = estimate - c * se, estimate + c * se
    if upper is not None:
        high = min(high, upper)
    if lower is not None:
        low = max(low, lower)
    name = "Wald (estimate ± 1.96 SE)" if interval is None else interval.name(n)
    test = None
    if interval is not None and se > 0:
        from scipy.stats import norm, t

        z = estimate / se
        use_t = interval.distribution == "t" and n is not None and n > 1
        p = float(t.sf(z, n - 1)) if use_t and n is not None else float(norm.sf(z))
        test = Test(z, n - 1 if use_t and n is not None else None, None, p, 0.0,
                    "one-sided Wald test of 0 (irrCAC p.value)")
    return Estimate(estimate, se, low, high, method, name, test=test)


# ---------------------------------------------------------------- any number of raters


def counts_matrix(codes: np.ndarray, q: int) -> np.ndarray:
    """Cases × raters integer codes (−1 = missing) → cases × categories counts r_ik."""
    n = codes.shape[0]
    valid = codes >= 0
    rows = np.repeat(np.arange(n), codes.shape[1])[valid.ravel()]
    return np.bincount(rows * q + codes.ravel()[valid.ravel()], minlength=n * q).reshape(n, q)


WEIGHTS = ("identity", "linear", "quadratic", "ordinal", "radical", "ratio", "circular",
           "bipolar")


def agreement_weights(kind: str, values: np.ndarray) -> np.ndarray:
    """irrCAC's predefined agreement weights (``weights.gen.r``; Gwet 2014, ch. 3) on the sorted
    category values x_1 < … < x_q (the codes when they are numbers, else the ranks 1..q), with
    x_min, x_max their range:

        identity   w_kl = [k = l]
        linear     1 − |x_k − x_l| / (x_max − x_min)
        quadratic  1 − (x_k − x_l)² / (x_max − x_min)²
        radical    1 − √|x_k − x_l| / √(x_max − x_min)
        ratio      1 − ((x_k − x_l)/(x_k + x_l))² / ((x_max − x_min)/(x_max + x_min))²
        circular   1 − sin²(π (x_k − x_l)/U) / max, U = x_max − x_min + 1
        bipolar    1 − (x_k − x_l)² / ((x_k + x_l − 2 x_min)(2 x_max − x_k − x_l)) / max,
                   0 on the diagonal before the rescaling
        ordinal    1 − C(|k − l| + 1, 2) / max  (on the ranks only)
    """
    x = np.asarray(values, dtype=float)
    q = len(x)
    if kind == "identity" or q < 2:
        return np.eye(q)
    lo, hi = float(x.min()), float(x.max())
    diff = np.subtract.outer(x, x)
    with np.errstate(invalid="ignore", divide="ignore"):
        if kind == "linear":
            return 1 - np.abs(diff) / abs(hi - lo)
        if kind == "quadratic":
            return 1 - diff**2 / (hi - lo) ** 2
        if kind == "radical":
            return 1 - np.sqrt(np.abs(diff)) / math.sqrt(abs(hi - lo))
        if kind == "ratio":
            return 1 - (diff / np.add.outer(x, x)) ** 2 / ((hi - lo) / (hi + lo)) ** 2
        if kind == "circular":
            v = np.sin(np.pi * diff / (hi - lo + 1)) ** 2
            return 1 - v / v.max()
        if kind == "bipolar":
            s = np.add.outer(x, x)
            v = np.where(np.eye(q, dtype=bool), 0.0, diff**2 / ((s - 2 * lo) * (2 * hi - s)))
            return 1 - v / v.max()
        if kind == "ordinal":
            ranks = np.arange(q)
            nkl = np.abs(np.subtract.outer(ranks, ranks)) + 1.0
            v = nkl * (nkl - 1) / 2
            return 1 - v / v.max()
    raise ValueError(kind)


def ordinal_weights(q: int, kind: str, disagreement: np.ndarray | None = None,
                    values: np.ndarray | None = None) -> np.ndarray:
    """Agreement weights of ``kind`` (see ``agreement_weights``) on the category values
    ``values`` (the codes when they are numbers; default the ranks 1..q), or 1 − v/max(v) for a
    matrix of disagreement weights v ("custom"; the same κ_w)."""
    if kind == "custom":
        v = np.asarray(disagreement, dtype=float)
        return 1 - v / v.max() if v.max() > 0 else np.ones_like(v)
    x = np.arange(1, q + 1, dtype=float) if values is None else np.asarray(values, dtype=float)
    if kind != "identity" and q >= 2 and not x.max() > x.min():
        return np.eye(q)
    return agreement_weights(kind, x)


# ---------------------------------------------------------------- intervals


@dataclass(frozen=True)
class Interval:
    """How an SE becomes an interval: the confidence level, the reference distribution of the
    Wald interval (``t``: Student's t with n − 1 df, as irrCAC; ``z``: the normal), and the size
    N of the population the cases were sampled from, for the finite-population correction
    Var × (1 − n/N) of Gwet's (irrCAC's ``N``) and Cohen's variances (None: infinite)."""

    level: float = 0.95
    distribution: str = "t"
    population: float | None = None

    def quantile(self, n: float | None) -> float:
        from scipy.stats import norm, t

        p = 1 - (1 - self.level) / 2
        if self.distribution == "t" and n is not None and n > 1:
            return float(t.ppf(p, n - 1))
        return float(norm.ppf(p))

    def fpc(self, n: float) -> float:
        """1 − n/N, the factor on the variance (1 without a population size)."""
        if self.population is None:
            return 1.0
        return max(0.0, 1 - n / self.population)

    def name(self, n: float | None) -> str:
        pct = f"{100 * self.level:g} %"
        if self.distribution == "t" and n is not None and n > 1:
            return f"Wald, t with {int(round(n)) - 1} df ({pct})"
        return f"Wald, normal ({pct})"


DEFAULT_INTERVAL = Interval()


@dataclass(frozen=True)
class CaseTerms:
    """Per-case quantities of Gwet's framework for one weight matrix."""

    r: np.ndarray  # ratings per case
    has2: np.ndarray  # r_i ≥ 2
    pa_i: np.ndarray  # Σ_k r_ik (r*_ik − 1) / (r_i (r_i − 1)), 0 where r_i < 2
    share: np.ndarray  # r_ik / r_i
    counts: np.ndarray
    weights: np.ndarray


def case_terms(counts: np.ndarray, weights: np.ndarray) -> CaseTerms:
    r = counts.sum(1).astype(float)
    has2 = r >= 2
    rw = counts @ weights.T
    sumq = (counts * (rw - 1)).sum(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        pa_i = np.where(has2, sumq / (r * (r - 1)), 0.0)
        share = np.where(r[:, None] > 0, counts / r[:, None], 0.0)
    return CaseTerms(r, has2, pa_i, share, counts, weights)


def _sums(t: CaseTerms, w: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(p_a, π, n) per resample row of the case-weight matrix ``w`` (None: the data as is);
    NaN where a resample has no case with two ratings."""
    with np.errstate(invalid="ignore", divide="ignore"):
        if w is None:
            n = np.array([float(len(t.r))])
            pa = np.array([t.pa_i.sum() / np.float64(t.has2.sum())])
            pi = t.share.sum(0)[None, :] / n[:, None]
            return pa, pi, n
        n = w.sum(1).astype(float)
        pa = (w @ t.pa_i) / (w @ t.has2.astype(float))
        pi = (w @ t.share) / n[:, None]
        return pa, pi, n


def chance(kind: str, pi: np.ndarray, weights: np.ndarray) -> np.ndarray:
    q = weights.shape[0]
    if kind == "fleiss_kappa":
        return np.einsum("kl,bk,bl->b", weights, pi, pi)
    if kind in ("gwet_ac1", "gwet_ac2"):
        return weights.sum() * (pi * (1 - pi)).sum(1) / (q * (q - 1))
    if kind in ("brennan_prediger", "pabak"):
        return np.full(pi.shape[0], weights.sum() / q**2)
    if kind == "percent_agreement":
        return np.zeros(pi.shape[0])
    raise ValueError(kind)


def coefficient(kind: str, t: CaseTerms, w: np.ndarray | None = None) -> np.ndarray:
    pa, pi, _ = _sums(t, w)
    pe = chance(kind, pi, t.weights)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (pa - pe) / (1 - pe)


def shares(t: CaseTerms, freq: np.ndarray | None = None) -> tuple[float, np.ndarray, float, float]:
    """(p_a, π, n, n₂) of the data, each case counted ``freq`` times (default once)."""
    f = np.ones(len(t.r)) if freq is None else np.asarray(freq, dtype=float)
    n = float(f.sum())
    n2 = float(f @ t.has2)
    pa = float(f @ t.pa_i) / n2 if n2 > 0 else math.nan
    pi = (f @ t.share) / n if n > 0 else np.full(t.share.shape[1], math.nan)
    return pa, pi, n, n2


def gwet_se(kind: str, t: CaseTerms, freq: np.ndarray | None = None,
            table: bool = False, fpc: float = 1.0) -> float:
    """Gwet's linearisation SE, each case counted ``freq`` times, the variance times ``fpc``
    (1 − n/N, the finite-population correction; 1: infinite population).
    NaN where it is undefined (fewer than two cases, p_e = 1).

    ``table`` False: the raw-data form (irrCAC ``*.raw``), Var = Σ_i (c*_i − c)² / (n (n − 1)).
    ``table`` True: the contingency-table form of two raters (irrCAC ``gwet.ac1.table``,
    ``scott2.table``, ``bp2.table``, ``pa2.table``; Gwet 2014, ch. 5), Var = Σ_kl p_kl (…)² / n —
    the same sum of squares over n² instead of n (n − 1), so SE_table = SE_raw · √((n − 1)/n)."""
    f = np.ones(len(t.r)) if freq is None else np.asarray(freq, dtype=float)
    pa, pi, n, n2 = shares(t, f)
    if n < 2 or n2 == 0:
        return math.nan
    pe = float(chance(kind, pi[None, :], t.weights)[0])
    if not pe < 1:
        return math.nan
    coef = (pa - pe) / (1 - pe)
    q = t.weights.shape[0]
    c_i = (n / n2) * (t.pa_i - pe * t.has2) / (1 - pe)
    r_safe = np.where(t.r > 0, t.r, 1)
    if kind == "fleiss_kappa":
        pi_w = (t.weights @ pi + t.weights.T @ pi) / 2
        pe_i = (t.counts @ pi_w) / r_safe
    elif kind in ("gwet_ac1", "gwet_ac2"):
        pe_i = (t.weights.sum() / (q * (q - 1))) * (t.counts @ (1 - pi)) / r_safe
    else:  # Brennan–Prediger and percent agreement: p_e does not depend on the data
        pe_i = np.full(len(t.r), pe)
    c_star = c_i - 2 * (1 - coef) * (pe_i - pe) / (1 - pe)
    if kind in ("brennan_prediger", "pabak", "percent_agreement"):
        c_star = c_i
    return float(math.sqrt(fpc * float(f @ (c_star - coef) ** 2) / (n * (n if table else n - 1))))


def fleiss_se0(counts: np.ndarray, freq: np.ndarray | None = None) -> float | None:
    """SE of Fleiss' κ under κ = 0 (Fleiss, Nee & Landis 1979); equal raters per case only."""
    m = counts.sum(1)
    if len(np.unique(m)) != 1 or m[0] < 2:
        return None
    f = np.ones(counts.shape[0]) if freq is None else np.asarray(freq, dtype=float)
    n, m0 = float(f.sum()), int(m[0])
    p = (f @ counts) / (n * m0)
    pq = p * (1 - p)
    s = pq.sum()
    if not s > 0:
        return None
    return float(math.sqrt(2 / (n * m0 * (m0 - 1))) * math.sqrt(s**2 - (pq * (1 - 2 * p)).sum()) / s)


def conger(codes: np.ndarray, q: int, weights: np.ndarray, freq: np.ndarray | None = None,
           fpc: float = 1.0) -> tuple[float, float]:
    """Conger's κ (Conger 1980, Psychol Bull 88:322–328, doi:10.1037/0033-2909.88.3.322) and
    Gwet's linearisation SE, as irrCAC ``conger.kappa.raw``; cases × raters codes (−1 missing),
    each row counted ``freq`` times. With p_gk the share of rater g's ratings in category k,
    p̄_k their mean over the r raters and s²_kl = (Σ_g p_gk p_gl − r p̄_k p̄_l)/(r − 1):

        p_e = Σ_kl w_kl (p̄_k p̄_l − s²_kl / r)

    p_a as Fleiss' κ. The SE's per-case chance term is irrCAC's λ_ig sum. (NaN, NaN) where a
    rater has no rating (p_gk undefined)."""
    f = np.ones(codes.shape[0]) if freq is None else np.asarray(freq, dtype=float)
    n_rows, r = codes.shape
    rated = codes >= 0
    safe = np.where(rated, codes, 0)
    onehot = np.zeros((n_rows, r, q))
    onehot[np.arange(n_rows)[:, None], np.arange(r)[None, :], safe] = rated
    classif = np.einsum("i,igk->gk", f, onehot)  # r × q
    ng = classif.sum(1)
    if (ng == 0).any() or r < 2:
        return math.nan, math.nan
    p = classif / ng[:, None]
    pbar = p.mean(0)
    s2 = (p.T @ p - r * np.outer(pbar, pbar)) / (r - 1)
    pe = float((weights * (np.outer(pbar, pbar) - s2 / r)).sum())
    t = case_terms(counts_matrix(codes, q), weights)
    pa, _, n, n2 = shares(t, f)
    if not pe < 1 or n2 == 0:
        return math.nan, math.nan
    kappa = (pa - pe) / (1 - pe)
    # λ_ig = (n/n_g) Σ_k c_gk Σ_l w_kl (δ_igl − (ε_ig − n_g/n) p_gl),  c_gk = r p̄_k − p_gk
    c = r * pbar[None, :] - p  # r × q
    cw = c @ weights  # Σ_k c_gk w_kl, per rater and category l
    h = (c * (p @ weights.T)).sum(1)  # Σ_k c_gk Σ_l w_kl p_gl
    eps = rated.astype(float)
    lam = (n / ng)[None, :] * (eps * cw[np.arange(r)[None, :], safe]
                               - (eps - (ng / n)[None, :]) * h[None, :])
    pe_i = lam.sum(1) / (r * (r - 1))
    c_i = (n / n2) * (t.pa_i - pe * t.has2) / (1 - pe)
    c_star = c_i - 2 * (1 - kappa) * (pe_i - pe) / (1 - pe)
    if n < 2:
        return float(kappa), math.nan
    return float(kappa), float(math.sqrt(fpc * float(f @ (c_star - kappa) ** 2) / (n * (n - 1))))


def fleiss_per_category(counts: np.ndarray, freq: np.ndarray | None = None,
                        fpc: float = 1.0) -> list[tuple[float, float, float | None]]:
    """Fleiss' κ of each category against the rest (Fleiss 1971, Psychol Bull 76:378–382,
    eq. 13: κ_j = 1 − Σ_i x_ij (m − x_ij) / (n m (m − 1) p_j q_j) for m raters per case): the
    Fleiss κ of the two-category table (r_ij, r_i − r_ij), which with unequal raters per case is
    Gwet's generalisation (irrCAC ``fleiss.kappa.raw`` on the dichotomised ratings). Per category
    (κ_j, Gwet's SE, SE under κ_j = 0 of Fleiss, Nee & Landis 1979 — √(2/(n m (m − 1))), equal
    raters only); NaN where the category is never or always used."""
    out: list[tuple[float, float, float | None]] = []
    r = counts.sum(1)
    for j in range(counts.shape[1]):
        two = np.column_stack([counts[:, j], r - counts[:, j]])
        t = case_terms(two, np.eye(2))
        pa, pi, n, n2 = shares(t, freq)
        pe = float(chance("fleiss_kappa", pi[None, :], t.weights)[0])
        if not pe < 1 - 1e-12 or n2 == 0:
            out.append((math.nan, math.nan, None))
            continue
        m = r[r >= 2]
        se0 = (math.sqrt(2 / (n * m[0] * (m[0] - 1)))
               if len(m) and m.min() == m.max() and (r == m[0]).all() else None)
        out.append(((pa - pe) / (1 - pe), gwet_se("fleiss_kappa", t, freq, fpc=fpc), se0))
    return out


def prevalence_bias(table: np.ndarray) -> tuple[float, float]:
    """Byrt, Bishop & Carlin (1993, J Clin Epidemiol 46:423–429, doi:10.1016/0895-4356(93)90018-V)
    for a 2 × 2 table [[a, b], [c, d]] of n cases: prevalence index (a − d)/n and bias index
    (b − c)/n, the two quantities PABAK adjusts κ for."""
    t = np.asarray(table, dtype=float)
    n = t.sum()
    return float((t[0, 0] - t[1, 1]) / n), float((t[0, 1] - t[1, 0]) / n)


# ---------------------------------------------------------------- two raters: Cohen


def cohen_table(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """q × q table of two raters' ratings (1-D arrays, any values) and the category values.

    Non-negative integer ratings with a small range take a fast path: one bincount of
    a·q + b (in two threads for large inputs); anything else is encoded with np.unique first.
    """
    top = _small_nonnegative_max(a, b)
    if top is not None:
        q = top + 1
        n = len(a)
        if n < 2_000_000:
            table = np.bincount(a * q + b, minlength=q * q)
        else:
            from concurrent.futures import ThreadPoolExecutor

            half = n // 2
            with ThreadPoolExecutor(2) as pool:  # ufuncs and bincount release the GIL
                parts = list(pool.map(lambda s: np.bincount(a[s] * q + b[s], minlength=q * q),
                                      (slice(0, half), slice(half, n))))
            table = parts[0] + parts[1]
        return table.reshape(q, q), np.arange(q)
    values, inverse = np.unique(np.concatenate([a, b]), return_inverse=True)
    q = len(values)
    inverse = inverse.reshape(-1)
    return np.bincount(inverse[: len(a)] * q + inverse[len(a):], minlength=q * q).reshape(q, q), values


def _small_nonnegative_max(a: np.ndarray, b: np.ndarray, limit: int = 4096) -> int | None:
    """max(a, b) when both are integer arrays with values in 0..limit − 1, else None.

    One pass per array: seen as unsigned, a negative value is huge, so the maximum alone tells."""
    if a.dtype.kind not in "iu" or b.dtype.kind not in "iu" or not len(a):
        return None
    unsigned = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}
    top = max(int(a.view(unsigned[a.dtype.itemsize]).max()),
              int(b.view(unsigned[b.dtype.itemsize]).max()))
    return top if top < limit else None


def pair_table(codes2: np.ndarray, q: int, freq: np.ndarray | None = None) -> np.ndarray:
    """q × q table of two raters' codes (cases with a missing rating left out), each case
    counted ``freq`` times (then a float table)."""
    ok = (codes2 >= 0).all(1)
    c = codes2[ok]
    if freq is None:
        return np.bincount(c[:, 0] * q + c[:, 1], minlength=q * q).reshape(q, q)
    return np.bincount(c[:, 0] * q + c[:, 1], weights=np.asarray(freq, dtype=float)[ok],
                       minlength=q * q).reshape(q, q)


def kappa_from_tables(tables: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Cohen's (weighted) κ for a stack of q × q tables (B × q × q)."""
    n = tables.sum((1, 2)).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):  # an empty resample: NaN, left out
        p = tables / n[:, None, None]
        po = np.einsum("kl,bkl->b", weights, p)
        rows, cols = p.sum(2), p.sum(1)
        pe = np.einsum("kl,bk,bl->b", weights, rows, cols)
        return (po - pe) / (1 - pe)


def cohen(table: np.ndarray, kind: str, disagreement: np.ndarray | None = None,
          values: np.ndarray | None = None) -> Estimate:
    """Cohen's κ (kind "identity"), weighted κ ("linear"/"quadratic" on the category values
    ``values``, default the ranks), or weighted κ with a q × q matrix of disagreement weights v_ij
    ("custom"; Cohen 1968: κ_w = 1 − Σ v_ij p_ij / Σ v_ij p_i. p_.j), with the FCE 1969 SE
    (statsmodels). Raises ``Undefined`` where chance agreement is 1 (κ = 0/0)."""
    from statsmodels.stats.inter_rater import cohens_kappa

    table = np.asarray(table, dtype=float)
    q = table.shape[0]
    n = table.sum()
    if q < 2:
        raise Undefined("only one category: κ is undefined")
    if not n >= 2:
        raise Undefined("fewer than two cases rated by both raters")
    agree = ordinal_weights(q, kind, disagreement, values)
    p = table / n
    pe = float(agree.ravel() @ np.outer(p.sum(1), p.sum(0)).ravel())
    if not pe < 1 - 1e-12:
        raise Undefined("no variation: both raters used one and the same category, so chance "
                        "agreement is 1 and κ is undefined")
    with np.errstate(all="ignore"), warnings.catch_warnings():
        # Degenerate tables (one category used by a rater) give 0/0 in statsmodels' z test.
        warnings.simplefilter("ignore", RuntimeWarning)
        if kind == "identity":
            res = cohens_kappa(table)
        elif kind == "custom":
            res = cohens_kappa(table, weights=np.asarray(disagreement, dtype=float))
        else:
            x = np.arange(q, dtype=float) if values is None else np.asarray(values, dtype=float)
            res = cohens_kappa(table, weights=x, wt=kind)
    est = float(res.kappa)
    se = float(res.std_kappa)
    if not math.isfinite(est):
        raise Undefined("κ is undefined for this table")
    if not math.isfinite(se):
        return Estimate(est, None, None, None, "asymptotic (Fleiss, Cohen & Everitt 1969): "
                        "undefined for this table", None)
    se0 = float(res.std_kappa0)
    return Estimate(est, se, est - Z * se, min(1.0, est + Z * se),
                    "asymptotic (Fleiss, Cohen & Everitt 1969)", "Wald (estimate ± 1.96 SE)",
                    se0 if math.isfinite(se0) else None)


# ---------------------------------------------------------------- Krippendorff's α


def delta2(values: np.ndarray, metric: str, marginals: np.ndarray | None = None) -> np.ndarray:
    """Krippendorff's squared difference δ²_ck between the sorted distinct values."""
    if metric == "nominal":
        return 1.0 - np.eye(len(values))
    if metric == "interval":
        return np.subtract.outer(values, values) ** 2
    if metric == "ratio":
        s = np.add.outer(values, values)
        with np.errstate(invalid="ignore", divide="ignore"):
            d = np.where(s == 0, 0.0, np.subtract.outer(values, values) / s)
        return d**2
    if metric == "ordinal":
        assert marginals is not None
        cum = np.cumsum(marginals)
        # δ_ck = Σ_{g=c..k} n_g − (n_c + n_k)/2, for c ≤ k
        lo = np.minimum.outer(np.arange(len(values)), np.arange(len(values)))
        hi = np.maximum.outer(np.arange(len(values)), np.arange(len(values)))
        between = cum[hi] - np.where(lo > 0, cum[lo - 1], 0)
        d = between - (marginals[:, None] + marginals[None, :]) / 2
        return d**2
    raise ValueError(metric)


def coincidences(counts: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
    """o_ck = Σ_u (n_uc n_uk − [c = k] n_uc) / (m_u − 1) over pairable units (m_u ≥ 2).

    With case weights ``w`` (B × units) a stack of B matrices."""
    m = counts.sum(1).astype(float)
    keep = m >= 2
    c = counts[keep].astype(float)
    inv = 1.0 / (m[keep] - 1)
    if w is None:
        o = (c * inv[:, None]).T @ c
        return (o - np.diag((c * inv[:, None]).sum(0)))[None]
    wk = w[:, keep] * inv[None, :]
    o = np.einsum("bu,uk,ul->bkl", wk, c, c)
    diag = wk @ c
    idx = np.arange(c.shape[1])
    o[:, idx, idx] -= diag
    return o


def alpha_from_coincidences(o: np.ndarray, values: np.ndarray, metric: str) -> np.ndarray:
    """α for a stack of coincidence matrices (B × q × q)."""
    with np.errstate(invalid="ignore", divide="ignore"):  # no pairable value: NaN
        if metric != "ordinal":  # δ² does not depend on the data: all resamples at once
            d2 = delta2(values, metric)
            nc = o.sum(2)
            n = nc.sum(1)
            do = np.einsum("bkl,kl->b", o, d2) / n
            de = np.einsum("bk,kl,bl->b", nc, d2, nc) / (n * (n - 1))
            return np.where(de > 0, 1 - do / de, np.nan)
        out = np.empty(o.shape[0])
        for b in range(o.shape[0]):
            nc = o[b].sum(1)
            n = nc.sum()
            d2 = delta2(values, metric, nc)
            do = (o[b] * d2).sum() / n
            de = (np.outer(nc, nc) * d2).sum() / (n * (n - 1))
            out[b] = 1 - do / de if de > 0 else np.nan
        return out


def alpha_interval_direct(x: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
    """Interval α from sums, for continuous values (no q × q matrix): units × raters, NaN missing.

        D_o = (1/n) Σ_u 2 (m_u Σx² − (Σx)²) / (m_u − 1),  D_e = 2 (n Σx² − (Σx)²) / (n (n − 1))
    """
    ok = ~np.isnan(x)
    m = ok.sum(1).astype(float)
    keep = m >= 2
    xs = np.where(ok, x, 0.0)[keep]
    m = m[keep]
    s1, s2 = xs.sum(1), (xs**2).sum(1)
    within = 2 * (m * s2 - s1**2) / (m - 1)
    if w is None:
        w = np.ones((1, len(m)))
    else:
        w = w[:, keep]
    n = w @ m
    with np.errstate(invalid="ignore", divide="ignore"):  # no pairable value or no variation
        do = (w @ within) / n
        de = 2 * (n * (w @ s2) - (w @ s1) ** 2) / (n * (n - 1))
        return np.where(de > 0, 1 - do / de, np.nan)


def _ratio_d2(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Krippendorff's ratio δ² = ((a − b)/(a + b))², 0 where a + b = 0 (as ``delta2``)."""
    s = a + b
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.where(s == 0, 0.0, (a - b) / s)
    return d * d


_BLOCK_BYTES = 32 * 2**20  # working memory of one block of α's kernel or of resamples


def alpha(x: np.ndarray, metric: str, w: np.ndarray | None = None) -> np.ndarray:
    """Krippendorff's α of the values ``x`` (units × raters, NaN = missing) for every row of the
    case weights ``w`` (B × units; None: each unit once), at any level, without a q × q
    coincidence matrix per resample (q distinct values: ~ units × raters for continuous data).

    With N_c = Σ_u w_u n_uc the weighted count of value c among pairable units (m_u ≥ 2) and
    n = Σ_c N_c, α = 1 − (n − 1) Σ_u w_u P_u / Σ_ck N_c N_k δ²_ck, where
    P_u = Σ_{i≠j in u} δ²(x_i, x_j) / (m_u − 1) — the coincidence-matrix α of Krippendorff
    (2011) rearranged (o_ck summed per unit). By metric:

    * nominal: Σ_ck N_c N_k δ²_ck = n² − Σ_c N_c²; P_u = (m_u² − Σ_c n_uc²) / (m_u − 1).
    * interval, and ordinal with ranks R_c = Σ_{g<c} N_g + N_c / 2 (δ_ck = R_k − R_c is
      Krippendorff's ordinal δ, so it is computed per resample from the resample's N):
      Σ_ck N_c N_k (R_c − R_k)² = 2 (n Σ N_c R_c² − (Σ N_c R_c)²), and per unit likewise.
    * ratio: no such sums; Σ_ck N_c N_k δ²_ck is a quadratic form z G z over the distinct values
      (z = N, G = δ²) or over the units (z = w, G_uv = Σ_{i∈u, j∈v} δ²), whichever is smaller;
      G is built in blocks of rows and never held whole, so memory stays O(B·s + block) and
      time O(U k q + B s²), s = min(q, U).
    NaN where α is undefined (no pairable value, no variation)."""
    x = np.asarray(x, dtype=float)
    ok = ~np.isnan(x)
    m_all = ok.sum(1)
    keep = m_all >= 2
    x, ok = x[keep], ok[keep]
    m = m_all[keep].astype(float)
    n_units = x.shape[0]
    wk = np.ones((1, n_units)) if w is None else np.asarray(w, dtype=float)[:, keep]
    n_boot = wk.shape[0]
    if n_units == 0:
        return np.full(n_boot, np.nan)
    from scipy import sparse

    vals, inv = np.unique(x[ok], return_inverse=True)
    q = len(vals)
    rows = np.nonzero(ok)[0]
    counts = sparse.csr_matrix((np.ones(len(rows)), (rows, inv.reshape(-1))),
                               shape=(n_units, q))  # n_uc, duplicates summed
    n = wk @ m
    step = max(1, _BLOCK_BYTES // (8 * max(q, n_units) * 3))  # resamples per block
    do_num = np.empty(n_boot)
    de_num = np.empty(n_boot)
    if metric == "nominal":
        p_u = (m**2 - np.asarray(counts.multiply(counts).sum(1)).ravel()) / (m - 1)
        do_num = wk @ p_u
        for b0 in range(0, n_boot, step):
            nc = np.asarray(counts.T @ wk[b0:b0 + step].T).T  # block × q
            de_num[b0:b0 + step] = n[b0:b0 + step] ** 2 - (nc**2).sum(1)
    elif metric in ("interval", "ordinal"):
        for b0 in range(0, n_boot, step):
            wb = wk[b0:b0 + step]
            nc = np.asarray(counts.T @ wb.T).T  # block × q
            if metric == "ordinal":
                r = np.cumsum(nc, 1) - nc / 2
            else:
                r = np.broadcast_to(vals, nc.shape)
            # δ² depends on differences only: shift R to start at 0 (exactly 0 when there is one
            # value, so no variation stays D_e = 0).
            nb = n[b0:b0 + step, None]
            r = r - r[:, :1]
            s1 = np.asarray(counts @ r.T)  # units × block: Σ_c n_uc R_c
            s2 = np.asarray(counts @ (r**2).T)
            do_num[b0:b0 + step] = (wb * (2 * (m[:, None] * s2 - s1**2)
                                          / (m[:, None] - 1)).T).sum(1)
            de_num[b0:b0 + step] = 2 * (nb[:, 0] * (nc * r**2).sum(1) - (nc * r).sum(1) ** 2)
    elif metric == "ratio":
        xs = np.where(ok, x, np.nan)
        d_within = _ratio_d2(xs[:, :, None], xs[:, None, :])
        p_u = np.nansum(d_within, axis=(1, 2)) / (m - 1)  # NaN pairs (missing) add nothing
        do_num = wk @ p_u
        de_num[:] = 0.0
        if q <= n_units:  # few distinct values: z = N over the values, G = δ²
            z = np.asarray(counts.T @ wk.T).T  # B × q
            v, starts = vals, None
        else:  # z = w over the units, G_uv = Σ_{i∈u, j∈v} δ²(x_i, x_j)
            z = wk
            v = x[ok]  # unit-major: the values of unit u are v[starts[u]:starts[u + 1]]
            starts = np.concatenate([[0], np.cumsum(m[:-1])]).astype(np.intp)
        bounds = np.append(starts, len(v)) if starts is not None else np.arange(len(v) + 1)
        size = z.shape[1]
        safe = bool((v <= 0).any())  # a + b = 0 possible: δ² = 0 there
        if starts is not None:  # unit × value indicator, to sum kernel rows by unit
            unit_of = sparse.csr_matrix((np.ones(len(v)), (rows, np.arange(len(v)))),
                                        shape=(n_units, len(v)))
        per = max(1, _BLOCK_BYTES // (8 * len(v)))  # values per block of kernel rows
        r0 = 0
        while r0 < size:  # blocks of rows of G (whole units); G is symmetric: the upper part
            r1 = int(np.searchsorted(bounds, bounds[r0] + per, side="right")) - 1
            r1 = min(size, max(r0 + 1, r1))
            a = v[bounds[r0]:bounds[r1], None]
            b = v[None, bounds[r0]:]
            if safe:
                k = _ratio_d2(a, b)
            else:  # in place: (a − b) / (a + b), squared
                k = np.subtract(a, b)
                k /= np.add(a, b)
                k *= k
            if starts is not None:  # sum over the values of each unit: rows, then columns
                # a sparse sum of rows: faster than reduceat on axis 0
                k = unit_of[r0:r1, bounds[r0]:bounds[r1]] @ k
                k = np.add.reduceat(k, starts[r0:] - starts[r0], axis=1)
            # z G z = Σ_blocks 2 z_R·(G[R, ≥R] z_≥R) − z_R·(G[R, R] z_R)
            zr = z[:, r0:r1]
            de_num += 2 * (zr * (z[:, r0:] @ k.T)).sum(1) - (zr * (zr @ k[:, :r1 - r0].T)).sum(1)
            r0 = r1
    else:
        raise ValueError(metric)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(de_num > 0, 1 - (n - 1) * do_num / de_num, np.nan)


def _rating_sums(v: np.ndarray, wv: np.ndarray, metric: str,
                 ordinal_d2: np.ndarray | None) -> np.ndarray:
    """g(v_a) = Σ_b w_b δ²(v_a, v_b) over every pairable rating b (weight w_b: its unit's
    frequency), for each rating a (``v``: the pairable ratings, flat). Nominal and interval from
    counts and sums; ordinal through the q × q δ² of the codes; ratio from the distinct values
    in blocks (no q × q matrix)."""
    vals, inv = np.unique(v, return_inverse=True)
    inv = inv.reshape(-1)
    cnt = np.bincount(inv, weights=wv, minlength=len(vals))
    total = float(cnt.sum())
    if metric == "nominal":
        g = total - cnt
    elif metric == "interval":
        c = vals - vals[0]  # differences only: shifted for accuracy
        s1, s2 = float(cnt @ c), float(cnt @ c**2)
        g = total * c**2 - 2 * c * s1 + s2
    elif metric == "ordinal":
        assert ordinal_d2 is not None
        idx = vals.astype(int)
        g = ordinal_d2[np.ix_(idx, idx)] @ cnt
    elif metric == "ratio":
        # δ² is symmetric: each block of rows against the columns from its first row on,
        # adding the block to the rows' sums and its transpose to the columns' (half the work).
        g = np.zeros(len(vals))
        per = max(1, _BLOCK_BYTES // (8 * len(vals)))
        safe = bool((vals <= 0).any())  # a + b = 0 possible: δ² = 0 there
        for b0 in range(0, len(vals), per):
            b1 = min(len(vals), b0 + per)
            a, b = vals[b0:b1, None], vals[None, b0:]
            if safe:
                k = _ratio_d2(a, b)
            else:  # in place: (a − b) / (a + b), squared
                k = np.subtract(a, b)
                k /= np.add(a, b)
                k *= k
            g[b0:b1] += k @ cnt[b0:]
            # columns after the block: their pairs with the block's rows (the block's own pairs
            # are all in the row sums already)
            g[b1:] += cnt[b0:b1] @ k[:, b1 - b0:]
    else:
        raise ValueError(metric)
    return np.asarray(g, dtype=float)[inv]


def ordinal_delta2(codes_as_values: np.ndarray, q: int,
                   freq: np.ndarray | None = None) -> np.ndarray:
    """Krippendorff's ordinal δ² between the codes 0..q − 1, from the pairable values'
    marginal counts n_c (each unit counted ``freq`` times)."""
    x = np.asarray(codes_as_values, dtype=float)
    ok = ~np.isnan(x)
    keep = ok.sum(1) >= 2
    f = np.ones(x.shape[0]) if freq is None else np.asarray(freq, dtype=float)
    w = np.broadcast_to(f[:, None], x.shape)[keep][ok[keep]]
    nc = np.bincount(x[keep][ok[keep]].astype(int), weights=w, minlength=q)
    return delta2(np.arange(q, dtype=float), "ordinal", nc)


def alpha_gwet(x: np.ndarray, metric: str, fpc: float = 1.0,
               ordinal_d2: np.ndarray | None = None,
               freq: np.ndarray | None = None) -> tuple[float, float, float]:
    """Krippendorff's α with Gwet's linearisation SE (Gwet 2014, ch. 5; irrCAC
    ``krippen.alpha.raw``), for the values ``x`` (units × raters, NaN missing; each unit counted
    ``freq`` times) at any level, without a q × q matrix: (α, SE, n pairable units).

    irrCAC writes α with agreement weights w = 1 − δ²/max δ²; α and its SE do not change when
    δ² is rescaled, so here they are written with δ² itself. Over the n units with r_i ≥ 2
    ratings, r̄ = mean r_i, N = Σ r_i, D_i = Σ_{a≠b∈i} δ²(x_a, x_b) and g_a = Σ_b δ²(x_a, x_b)
    over all N ratings:

        d_i = D_i / (r̄ (r_i − 1)),  A = mean d_i (= D_o),  D'_e = Σ_a g_a / N²
        α = 1 − D_o / D_e  (D_e = D'_e N/(N − 1)),  α' = 1 − A / D'_e
        α_i = (D'_e − d_i + A (r_i − r̄)/r̄) / D'_e
        e_i = (D'_e r_i − Σ_{a∈i} g_a / N) / (r̄ D'_e)
        α*_i = α_i − 2 (1 − α') e_i,   Var(α) = fpc · Σ_i (α*_i − α')² / (n (n − 1))

    (the same algebra as irrCAC's pa.ivec, pe.ivec and krippen.ivec.x). ``ordinal_d2``: the
    ordinal δ² of the codes 0..q − 1 (``ordinal_delta2``), held fixed as irrCAC holds a weight
    matrix. NaN SE where fewer than two units are pairable; NaN α where D_e = 0 (no
    variation)."""
    x = np.asarray(x, dtype=float)
    ok = ~np.isnan(x)
    keep = ok.sum(1) >= 2
    f = (np.ones(x.shape[0]) if freq is None else np.asarray(freq, dtype=float))[keep]
    x, ok = x[keep], ok[keep]
    n = float(f.sum())
    if x.shape[0] == 0:
        return math.nan, math.nan, 0.0
    r = ok.sum(1).astype(float)
    big_n = float(f @ r)
    rbar = big_n / n
    xs = np.where(ok, x, np.nan)
    with np.errstate(invalid="ignore"):
        if metric == "nominal":
            pair = (xs[:, :, None] != xs[:, None, :]).astype(float)
        elif metric == "interval":
            pair = (xs[:, :, None] - xs[:, None, :]) ** 2
        elif metric == "ratio":
            pair = _ratio_d2(xs[:, :, None], xs[:, None, :])
        elif metric == "ordinal":
            assert ordinal_d2 is not None
            ci = np.where(ok, x, 0).astype(int)
            pair = ordinal_d2[ci[:, :, None], ci[:, None, :]]
        else:
            raise ValueError(metric)
    both = ok[:, :, None] & ok[:, None, :]
    d_pairs = np.where(both, np.nan_to_num(pair), 0.0).sum((1, 2))
    rows = np.nonzero(ok)[0]
    g = _rating_sums(x[ok], f[rows], metric, ordinal_d2)
    g_i = np.bincount(rows, weights=g, minlength=x.shape[0])
    de1 = float(f[rows] @ g) / big_n**2
    if not de1 > 0:
        return math.nan, math.nan, n
    d_i = d_pairs / (rbar * (r - 1))
    a = float(f @ d_i) / n
    alpha_point = 1 - a / (de1 * big_n / (big_n - 1))
    alpha_prime = 1 - a / de1
    alpha_i = (de1 - d_i + a * (r - rbar) / rbar) / de1
    e_i = (de1 * r - g_i / big_n) / (rbar * de1)
    star = alpha_i - 2 * (1 - alpha_prime) * e_i
    if n < 2:
        return float(alpha_point), math.nan, n
    var = fpc * float(f @ (star - alpha_prime) ** 2) / (n * (n - 1))
    return float(alpha_point), math.sqrt(var), n


# ---------------------------------------------------------------- ICC


@dataclass(frozen=True)
class MeanSquares:
    n: float
    k: int
    msr: float
    msc: float
    mse: float
    msw: float


def mean_squares(x: np.ndarray, freq: np.ndarray | None = None) -> MeanSquares:
    """Two-way ANOVA mean squares of a complete targets × raters matrix, each row counted
    ``freq`` times (default once)."""
    rows, k = x.shape
    if freq is None:
        n = float(rows)
        grand = x.mean()
        ssr = k * ((x.mean(1) - grand) ** 2).sum()
        ssc = n * ((x.mean(0) - grand) ** 2).sum()
        sst = ((x - grand) ** 2).sum()
    else:
        f = np.asarray(freq, dtype=float)
        n = float(f.sum())
        row_means = x.mean(1)
        grand = float(f @ row_means) / n
        ssr = k * float(f @ (row_means - grand) ** 2)
        ssc = n * float((((f @ x) / n - grand) ** 2).sum())
        sst = float(f @ ((x - grand) ** 2).sum(1))
    sse = max(float(sst - ssr - ssc), 0.0)  # rounding can leave −1e-16 where it is 0
    with np.errstate(invalid="ignore", divide="ignore"):
        return MeanSquares(n, k, float(np.float64(ssr) / (n - 1)), float(np.float64(ssc) / (k - 1)),
                           float(np.float64(sse) / ((n - 1) * (k - 1))),
                           float(np.float64(ssc + sse) / (n * (k - 1))))


ICC_FORMS = ("icc_1_1", "icc_2_1", "icc_3_1", "icc_1_k", "icc_2_k", "icc_3_k")


def icc_point(ms: MeanSquares, form: str) -> float:
    """The ICC of one form; NaN where its denominator is 0."""
    n, k = np.float64(ms.n), ms.k
    msr, msc, mse, msw = (np.float64(v) for v in (ms.msr, ms.msc, ms.mse, ms.msw))
    with np.errstate(invalid="ignore", divide="ignore"):
        return float({
            "icc_1_1": lambda: (msr - msw) / (msr + (k - 1) * msw),
            "icc_2_1": lambda: (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n),
            "icc_3_1": lambda: (msr - mse) / (msr + (k - 1) * mse),
            "icc_1_k": lambda: (msr - msw) / msr,
            "icc_2_k": lambda: (msr - mse) / (msr + (msc - mse) / n),
            "icc_3_k": lambda: (msr - mse) / msr,
        }[form]())


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def icc_f_test(ms: MeanSquares, form: str, rho0: float = 0.0) -> Test | None:
    """F test of H0: ρ = ρ₀ against ρ > ρ₀ (McGraw & Wong 1996, Table 8; irr::icc ``r0``).

        ICC(1,1)  F = MSR/MSW · (1 − ρ₀)/(1 + (k − 1)ρ₀),  df n − 1, n(k − 1)
        ICC(1,k)  F = MSR/MSW · (1 − ρ₀)
        ICC(3,1)  F = MSR/MSE · (1 − ρ₀)/(1 + (k − 1)ρ₀),  df n − 1, (n − 1)(k − 1)
        ICC(3,k)  F = MSR/MSE · (1 − ρ₀)
        ICC(2,·)  F = MSR/(a MSC + b MSE),  df n − 1, v = (a MSC + b MSE)² /
                  ((a MSC)²/(k − 1) + (b MSE)²/((n − 1)(k − 1))), with
                  a = kρ₀/(n(1 − ρ₀)), b = 1 + kρ₀(n − 1)/(n(1 − ρ₀)) for single measures and
                  a = ρ₀/(n(1 − ρ₀)),  b = 1 + ρ₀(n − 1)/(n(1 − ρ₀)) for the average.
    None where a mean square it divides by is 0."""
    from scipy.stats import f

    n, k = ms.n, ms.k
    kind, avg = form[4], form.endswith("k")
    df1 = n - 1
    if kind in "13":
        den, df2 = (ms.msw, n * (k - 1)) if kind == "1" else (ms.mse, (n - 1) * (k - 1))
        if not den > 0:
            return None
        stat = ms.msr / den * (1 - rho0) / (1 if avg else 1 + (k - 1) * rho0)
    else:
        kk = 1 if avg else k
        a = kk * rho0 / (n * (1 - rho0))
        b = 1 + kk * rho0 * (n - 1) / (n * (1 - rho0))
        den = a * ms.msc + b * ms.mse
        if not den > 0:
            return None
        df2 = ((n - 1) * (k - 1) if rho0 == 0 else
               den**2 / ((a * ms.msc) ** 2 / (k - 1) + (b * ms.mse) ** 2 / ((n - 1) * (k - 1))))
        stat = ms.msr / den
    return Test(float(stat), float(df1), float(df2), float(f.sf(stat, df1, df2)), rho0,
                "F test of ρ = ρ₀ (McGraw & Wong 1996, Table 8)")


def icc(x: np.ndarray, form: str, alpha: float = 0.05, freq: np.ndarray | None = None,
        rho0: float = 0.0) -> Estimate:
    """ICC with the F-based interval of McGraw & Wong (1996), Table 7. Raises ``Undefined``
    where the point estimate is 0/0; a limit that is undefined (an F ratio with a zero mean
    square) is left empty."""
    from scipy.stats import f

    ms = mean_squares(x, freq)
    n, k, msr, msc, mse, msw = (np.float64(ms.n), ms.k, np.float64(ms.msr), np.float64(ms.msc),
                                np.float64(ms.mse), np.float64(ms.msw))
    est = icc_point(ms, form)
    if not math.isfinite(est):
        raise Undefined("ICC is undefined: the mean squares it divides by are 0 (no variation "
                        "between the cases or between the ratings)")
    hi_q = 1 - alpha / 2
    kind, avg = form[4], form.endswith("k")
    with np.errstate(all="ignore"):
        if kind in "13":
            den, df2 = (msw, n * (k - 1)) if kind == "1" else (mse, (n - 1) * (k - 1))
            f0 = msr / den
            fl = f0 / f.ppf(hi_q, n - 1, df2)
            fu = f0 * f.ppf(hi_q, df2, n - 1)
            if avg:
                low, high = 1 - 1 / fl, 1 - 1 / fu
            else:
                low, high = (fl - 1) / (fl + k - 1), (fu - 1) / (fu + k - 1)
        else:
            rho = icc_point(ms, "icc_2_1")
            a = k * rho / (n * (1 - rho))
            b = 1 + k * rho * (n - 1) / (n * (1 - rho))
            v = (a * msc + b * mse) ** 2 / ((a * msc) ** 2 / (k - 1)
                                            + (b * mse) ** 2 / ((n - 1) * (k - 1)))
            fs = f.ppf(hi_q, n - 1, v)
            fss = f.ppf(hi_q, v, n - 1)
            low = n * (msr - fs * mse) / (fs * (k * msc + (k * n - k - n) * mse) + n * msr)
            high = n * (fss * msr - mse) / (k * msc + (k * n - k - n) * mse + n * fss * msr)
            if avg:
                low, high = k * low / (1 + (k - 1) * low), k * high / (1 + (k - 1) * high)
    lo, hi = _finite(float(low)), _finite(float(high))
    pct = f"{100 * (1 - alpha):g} %"
    return Estimate(float(est), None, lo, hi, None,
                    f"F-based (Shrout & Fleiss 1979; McGraw & Wong 1996) ({pct})"
                    if lo is not None and hi is not None else None,
                    test=icc_f_test(ms, form, rho0))


# ---------------------------------------------------------------- Bland–Altman


def loa_exact_factors(n: float, z: float, level: float = 0.95) -> tuple[float, float]:
    """Exact confidence factors (k_low, k_high) for the limit μ + zσ of a normal distribution,
    from n pairs: the interval is d̄ + k·SD (Carkeet 2015, Optom Vis Sci 92:e71–e80,
    doi:10.1097/OPX.0000000000000513, limits considered individually: one-sided tolerance
    factors, Owen 1968), k = t'_γ(n − 1, z√n)/√n with t' the noncentral t quantile at
    γ = (1 ∓ level)/2."""
    from scipy.stats import nct

    a = (1 - level) / 2
    delta = z * math.sqrt(n)
    return (float(nct.ppf(a, n - 1, delta)) / math.sqrt(n),
            float(nct.ppf(1 - a, n - 1, delta)) / math.sqrt(n))


def bland_altman(a: np.ndarray, b: np.ndarray, freq: np.ndarray | None = None,
                 level: float = 0.95) -> dict[str, Estimate]:
    """Bias and limits of agreement; each pair counted ``freq`` times (default once).

    The bias has the t interval; each limit bias ± 1.96 SD the approximate SE √(3 SD²/n) of
    Bland & Altman (1986) and the exact interval of Carkeet (2015) (``loa_exact_factors``).
    ``bland_altman_proportional_bias``: the slope of the least-squares regression of the
    difference on the mean of the pair (Bland & Altman 1999, Stat Methods Med Res 8:135–160,
    §3.2), with its SE, t interval (n − 2 df) and the two-sided t test of slope 0."""
    from scipy.stats import t

    d = a - b
    mean = (a + b) / 2
    f = np.ones(len(d)) if freq is None else np.asarray(freq, dtype=float)
    n = float(f.sum())
    if n < 3:
        raise Undefined("fewer than three cases rated by both raters")
    bias = float(f @ d) / n
    sd = math.sqrt(float(f @ (d - bias) ** 2) / (n - 1))
    pct = f"{100 * level:g} %"
    tq = float(t.ppf(1 - (1 - level) / 2, n - 1))
    se_bias = sd / math.sqrt(n)
    se_loa = math.sqrt(3 * sd**2 / n)
    method = "Bland & Altman 1986"
    out = {"bland_altman_bias": Estimate(bias, se_bias, bias - tq * se_bias, bias + tq * se_bias,
                                         method, f"t ({int(n) - 1} df) ({pct})")}
    k_lo, k_hi = loa_exact_factors(n, Z, level) if sd > 0 else (Z, Z)
    exact = f"exact, noncentral t (Carkeet 2015) ({pct})"
    out["bland_altman_loa_low"] = Estimate(bias - Z * sd, se_loa, bias - k_hi * sd,
                                           bias - k_lo * sd, method, exact)
    out["bland_altman_loa_high"] = Estimate(bias + Z * sd, se_loa, bias + k_lo * sd,
                                            bias + k_hi * sd, method, exact)
    mbar = float(f @ mean) / n
    sxx = float(f @ (mean - mbar) ** 2)
    if sxx > 0 and n >= 3:
        slope = float(f @ ((mean - mbar) * (d - bias))) / sxx
        resid = d - bias - slope * (mean - mbar)
        s2 = float(f @ resid**2) / (n - 2)
        se_slope = math.sqrt(s2 / sxx)
        t2 = float(t.ppf(1 - (1 - level) / 2, n - 2))
        test = None
        if se_slope > 0:
            stat = slope / se_slope
            test = Test(stat, n - 2, None, float(2 * t.sf(abs(stat), n - 2)), 0.0,
                        "two-sided t test of slope 0")
        out["bland_altman_proportional_bias"] = Estimate(
            slope, se_slope, slope - t2 * se_slope, slope + t2 * se_slope,
            "least squares: difference on mean (Bland & Altman 1999)",
            f"t ({int(n) - 2} df) ({pct})", test=test)
    return out


# ---------------------------------------------------------------- labels


def landis_koch(value: float | None) -> str | None:
    """Landis & Koch 1977 (Biometrics 33:159–174)."""
    if value is None or not math.isfinite(value):
        return None
    if value < 0:
        return "poor"
    for upper, label in ((0.20, "slight"), (0.40, "fair"), (0.60, "moderate"),
                         (0.80, "substantial")):
        if value <= upper:
            return label
    return "almost perfect"


def koo_li(value: float | None) -> str | None:
    """Koo & Li 2016 (J Chiropr Med 15:155–163) for ICC."""
    if value is None or not math.isfinite(value):
        return None
    return ("poor" if value < 0.5 else "moderate" if value < 0.75 else "good" if value < 0.9
            else "excellent")
