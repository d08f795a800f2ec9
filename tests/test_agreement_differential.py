"""Differential property test of ``dq reliability``'s computation against an independent
reference written here from the published formulas, case by case in plain loops: Gwet (2014,
Handbook of Inter-Rater Reliability, 4th ed., ch. 2–5) as implemented in irrCAC's
``agree.coeff3.raw.r`` (pa.coeff.raw, gwet.ac1.raw, fleiss.kappa.raw, bp.coeff.raw,
conger.kappa.raw, krippen.alpha.raw; github.com/kgwet/irrCAC at 7fb7509), irrCAC's
``weights.gen.r``, and the ``krippendorff`` package (Castro, 0.9) for α's point estimate.

The data are random: 2–25 cases, 2–5 raters, 2–7 declared categories (some unused), ratings
missing at random (cases with no rating left out, as irrCAC asks), prevalence from flat to very
skewed. Where the reference is undefined (chance agreement 1) dq must say not_assessed.
"""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dq import agreement as A
from dq import reliability as rel

# ---------------------------------------------------------------- the reference


def ref_weights(kind, x):
    """irrCAC weights.gen.r, element by element."""
    q = len(x)
    w = np.eye(q)
    if kind == "identity" or q == 1:
        return w
    lo, hi = min(x), max(x)
    for k in range(q):
        for m in range(q):
            d = x[k] - x[m]
            if kind == "linear":
                w[k, m] = 1 - abs(d) / abs(hi - lo)
            elif kind == "quadratic":
                w[k, m] = 1 - d * d / (hi - lo) ** 2
            elif kind == "radical":
                w[k, m] = 1 - math.sqrt(abs(d)) / math.sqrt(abs(hi - lo))
            elif kind == "ratio":
                w[k, m] = 1 - (d / (x[k] + x[m])) ** 2 / ((hi - lo) / (hi + lo)) ** 2
            elif kind == "circular":
                w[k, m] = math.sin(math.pi * d / (hi - lo + 1)) ** 2
            elif kind == "bipolar":
                w[k, m] = 0 if k == m else d * d / ((x[k] + x[m] - 2 * lo) * (2 * hi - x[k] - x[m]))
            elif kind == "ordinal":
                nkl = abs(k - m) + 1
                w[k, m] = nkl * (nkl - 1) / 2
    if kind in ("circular", "bipolar", "ordinal"):
        w = 1 - w / w.max()
    return w


def ref_coefficients(ratings, q, w):
    """irrCAC *.raw: (coefficient, SE) of pa, gwet_ac1, fleiss_kappa, brennan_prediger,
    conger_kappa for ratings (list of rows, None = missing, codes 0..q − 1)."""
    n, r = len(ratings), len(ratings[0])
    agree = [[sum(1 for v in row if v == k) for k in range(q)] for row in ratings]
    ri = [sum(a) for a in agree]
    aw = [[sum(w[k][m] * a[m] for m in range(q)) for k in range(q)] for a in agree]
    sumq = [sum(a[k] * (aw_i[k] - 1) for k in range(q)) for a, aw_i in zip(agree, aw)]
    n2 = sum(1 for x in ri if x >= 2)
    pa = sum(sumq[i] / (ri[i] * (ri[i] - 1)) for i in range(n) if ri[i] >= 2) / n2
    pi = [sum(agree[i][k] / ri[i] for i in range(n)) / n for k in range(q)]
    pa_i = [sumq[i] / (ri[i] * (ri[i] - 1)) if ri[i] >= 2 else 0.0 for i in range(n)]
    tw = sum(sum(row) for row in w)
    out = {}

    def finish(name, pe, pe_i, with_pe_term=True):
        if not pe < 1 - 1e-12:
            out[name] = None
            return
        coef = (pa - pe) / (1 - pe)
        terms = []
        for i in range(n):
            ci = (n / n2) * (pa_i[i] - pe * (ri[i] >= 2)) / (1 - pe)
            if with_pe_term:
                ci -= 2 * (1 - coef) * (pe_i[i] - pe) / (1 - pe)
            terms.append(ci)
        var = sum((t - coef) ** 2 for t in terms) / (n * (n - 1))
        out[name] = (coef, math.sqrt(var))

    finish("percent_agreement", 0.0, None, with_pe_term=False)
    pe = tw * sum(p * (1 - p) for p in pi) / (q * (q - 1))
    finish("gwet_ac1", pe, [tw / (q * (q - 1)) * sum(agree[i][k] * (1 - pi[k])
                                                    for k in range(q)) / ri[i]
                            for i in range(n)])
    pe = sum(w[k][m] * pi[k] * pi[m] for k in range(q) for m in range(q))
    piw = [(sum(w[k][m] * pi[m] for m in range(q)) + sum(w[m][k] * pi[m] for m in range(q))) / 2
           for k in range(q)]
    finish("fleiss_kappa", pe, [sum(agree[i][k] * piw[k] for k in range(q)) / ri[i]
                                for i in range(n)])
    finish("brennan_prediger", tw / q**2, None, with_pe_term=False)
    # Conger (irrCAC conger.kappa.raw)
    classif = [[sum(1 for i in range(n) if ratings[i][g] == k) for k in range(q)] for g in range(r)]
    ng = [sum(c) for c in classif]
    if min(ng) == 0:
        out["conger_kappa"] = None
        return out
    pgk = [[classif[g][k] / ng[g] for k in range(q)] for g in range(r)]
    pbar = [sum(pgk[g][k] for g in range(r)) / r for k in range(q)]
    s2 = [[(sum(pgk[g][k] * pgk[g][m] for g in range(r)) - r * pbar[k] * pbar[m]) / (r - 1)
           for m in range(q)] for k in range(q)]
    pe = sum(w[k][m] * (pbar[k] * pbar[m] - s2[k][m] / r) for k in range(q) for m in range(q))
    pe_i = []
    for i in range(n):
        lam_sum = 0.0
        for g in range(r):
            eps = 0 if ratings[i][g] is None else 1
            lam = 0.0
            for k in range(q):
                inner = sum(w[k][m] * ((1 if ratings[i][g] == m else 0)
                                       - (eps - ng[g] / n) * pgk[g][m]) for m in range(q))
                lam += (n / ng[g]) * inner * (r * pbar[k] - pgk[g][k])
            lam_sum += lam
        pe_i.append(lam_sum / (r * (r - 1)))
    finish("conger_kappa", pe, pe_i)
    return out


def ref_alpha(ratings, q, w):
    """irrCAC krippen.alpha.raw: (α, SE) with agreement weights w over codes 0..q − 1."""
    keep = [row for row in ratings if sum(v is not None for v in row) >= 2]
    n = len(keep)
    agree = [[sum(1 for v in row if v == k) for k in range(q)] for row in keep]
    ri = [sum(a) for a in agree]
    rbar = sum(ri) / n
    eps = 1 / sum(ri)
    aw = [[sum(w[k][m] * a[m] for m in range(q)) for k in range(q)] for a in agree]
    sumq = [sum(a[k] * (b[k] - 1) for k in range(q)) for a, b in zip(agree, aw)]
    paprime = sum(sumq[i] / (rbar * (ri[i] - 1)) for i in range(n)) / n
    pa = (1 - eps) * paprime + eps
    pi = [sum(agree[i][k] / rbar for i in range(n)) / n for k in range(q)]
    pe = sum(w[k][m] * pi[k] * pi[m] for k in range(q) for m in range(q))
    if not pe < 1 - 1e-12:
        return None
    alpha = (pa - pe) / (1 - pe)
    alpha_p = (paprime - pe) / (1 - pe)
    piw = [(sum(w[k][m] * pi[m] for m in range(q)) + sum(w[m][k] * pi[m] for m in range(q))) / 2
           for k in range(q)]
    terms = []
    for i in range(n):
        pa_i = sumq[i] / (rbar * (ri[i] - 1)) - paprime * (ri[i] - rbar) / rbar
        pe_i = sum(agree[i][k] * piw[k] for k in range(q)) / rbar - pe * (ri[i] - rbar) / rbar
        terms.append((pa_i - pe) / (1 - pe) - 2 * (1 - alpha_p) * (pe_i - pe) / (1 - pe))
    if n < 2:
        return alpha, math.nan
    return alpha, math.sqrt(sum((t - alpha_p) ** 2 for t in terms) / (n * (n - 1)))


# ---------------------------------------------------------------- random studies


@st.composite
def studies(draw):
    q = draw(st.integers(2, 7))
    k = draw(st.integers(2, 5))
    n = draw(st.integers(2, 25))
    seed = draw(st.integers(0, 2**32 - 1))
    skew = draw(st.sampled_from([0.2, 1.0, 5.0]))  # Dirichlet concentration: small = skewed
    p_missing = draw(st.sampled_from([0.0, 0.15, 0.4]))
    used = draw(st.integers(1, q))  # categories beyond ``used`` are declared but never rated
    rng = np.random.default_rng(seed)
    prev = rng.dirichlet(np.full(used, skew))
    truth = rng.choice(used, size=n, p=prev)
    codes = np.where(rng.random((n, k)) < 0.7, truth[:, None], rng.choice(used, size=(n, k), p=prev))
    codes = np.where(rng.random((n, k)) < p_missing, -1, codes)
    codes = codes[(codes >= 0).any(1)]
    values = np.sort(rng.choice(np.arange(1, 15), size=q, replace=False)).astype(float)
    return codes.astype(np.int64), q, values


def as_lists(codes):
    return [[None if v < 0 else int(v) for v in row] for row in codes]


def rows_of(result):
    return {r["statistic"]: r for r in result.rows.iter_rows(named=True)}


def check(got, want, stat):
    if want is None:
        assert got["status"] == "not_assessed", stat
        return
    assert got["estimate"] == pytest.approx(want[0], abs=1e-9), stat
    if math.isfinite(want[1]):
        assert got["se"] == pytest.approx(want[1], abs=1e-9), stat


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(studies(), st.sampled_from(A.WEIGHTS))
def test_dq_equals_the_reference_on_random_studies(study, kind):
    codes, q, values = study
    if len(codes) < 2 or ((codes >= 0).sum(1) >= 2).sum() < 2:
        return  # fewer than two cases with two ratings: covered by the degenerate-data tests
    cats = [f"{v:g}" for v in values]
    k = codes.shape[1]
    ratings = as_lists(codes)
    nominal = rel.Ratings("v", "nominal", [f"r{i}" for i in range(k)], np.empty(0), codes, cats,
                          category_values=values, declared=frozenset(cats))
    got = rows_of(rel.compute([nominal], {}))
    want = ref_coefficients(ratings, q, np.eye(q))
    stats = ["percent_agreement", "gwet_ac1", "fleiss_kappa",
             "pabak" if q == 2 else "brennan_prediger"]
    for stat in stats:
        check(got[stat], want["brennan_prediger" if stat == "pabak" else stat], stat)
    if k >= 3:
        check(got["conger_kappa"], want["conger_kappa"], "conger_kappa")
    # α: the krippendorff package for the estimate, the irrCAC reference for the SE
    alpha_ref = ref_alpha(ratings, q, np.eye(q))
    check(got["krippendorff_alpha"], alpha_ref, "krippendorff_alpha")
    if alpha_ref is not None:
        kp = pytest.importorskip("krippendorff")
        data = np.where(codes >= 0, codes, np.nan).T
        assert got["krippendorff_alpha"]["estimate"] == pytest.approx(
            kp.alpha(reliability_data=data, level_of_measurement="nominal",
                     value_domain=list(range(q))), abs=1e-9)
    # Weighted, on the code values (irrCAC weights = kind)
    ordinal = rel.Ratings("v", "ordinal", [f"r{i}" for i in range(k)], np.empty(0), codes, cats,
                          category_values=values, declared=frozenset(cats))
    got = rows_of(rel.compute([ordinal], {}, weights=kind))
    w = ref_weights(kind, list(values))
    want = ref_coefficients(ratings, q, w)
    for stat, ref in (("gwet_ac2", "gwet_ac1"), ("fleiss_kappa_weighted", "fleiss_kappa"),
                      ("brennan_prediger_weighted", "brennan_prediger"),
                      ("percent_agreement_weighted", "percent_agreement")):
        check(got[stat], want[ref], stat)
    if k >= 3:
        check(got["conger_kappa_weighted"], want["conger_kappa"], "conger_kappa_weighted")


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(3, 25), st.integers(2, 5),
       st.sampled_from(["interval", "ratio"]))
def test_alpha_gwet_se_equals_the_reference_on_continuous_values(seed, n, k, level):
    # Interval α is irrCAC's α with quadratic weights on the values, ratio α with ratio
    # weights (both δ² rescaled, which changes neither α nor its SE).
    rng = np.random.default_rng(seed)
    x = np.round(rng.gamma(2.0, 5.0, size=(n, k)), 1) + 0.1
    x[rng.random(x.shape) < 0.2] = np.nan
    x = x[(~np.isnan(x)).sum(1) >= 1]
    if ((~np.isnan(x)).sum(1) >= 2).sum() < 2:
        return
    vals = np.unique(x[~np.isnan(x)])
    if len(vals) < 2:
        return
    codes = [[None if np.isnan(v) else int(np.searchsorted(vals, v)) for v in row] for row in x]
    w = ref_weights("quadratic" if level == "interval" else "ratio", list(vals))
    want = ref_alpha(codes, len(vals), w)
    r = rel.Ratings("v", level, [f"r{i}" for i in range(k)], x, None, [])
    got = rows_of(rel.compute([r], {}))["krippendorff_alpha"]
    check(got, want, level)
    kp = pytest.importorskip("krippendorff")
    if want is not None:
        assert got["estimate"] == pytest.approx(
            kp.alpha(reliability_data=x.T, level_of_measurement=level), abs=1e-9)
