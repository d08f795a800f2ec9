"""Capture–recapture with three or more sources: the model table, the profile-likelihood
interval, Chao's lower bound and the model-uncertainty warning, against published data and
closed forms written out here independently of statsmodels."""

import itertools
import math

import pytest
from scipy.optimize import brentq, minimize_scalar
from scipy.special import gammaln
from scipy.stats import chi2

from dq import capture

# Chao, Tsay, Lin, Shau & Chao (2001), Stat Med 20:3123–3157, hepatitis A outbreak in a
# Taiwanese college (1995), three lists P, Q, E: histories (P, Q, E) and counts; 271 observed,
# list totals 135, 122, 126. The paper's independence estimate is N̂ ≈ 388.
HEPATITIS = {(1, 1, 1): 28, (1, 1, 0): 21, (1, 0, 1): 17, (1, 0, 0): 69, (0, 1, 1): 18,
             (0, 1, 0): 55, (0, 0, 1): 63}
SOURCES = ("P", "Q", "E")


def by_name(res):
    return {m.name: m for m in res.models}


def test_hepatitis_independence_388():
    res = capture.loglinear(HEPATITIS, SOURCES)
    ind = by_name(res)["independence"]
    assert ind.n_hat == pytest.approx(388, abs=0.5)  # Chao et al. 2001: N̂ ≈ 388
    # Independently: under independence the conditional MLE solves Darroch's equation
    # N − n = N ∏_j (1 − n_j / N) (Darroch 1958, Biometrika 45:343–359).
    n, nj = 271, (135, 122, 126)
    darroch = brentq(lambda N: N - n - N * math.prod(1 - a / N for a in nj), n + 1, 5000)
    assert ind.n_hat == pytest.approx(darroch, abs=1e-6)
    assert ind.df == 3 and ind.parameters == 4


def test_model_table_every_hierarchical_two_way_model_and_heterogeneity():
    res = capture.loglinear(HEPATITIS, SOURCES)
    names = {m.name for m in res.models}
    pairs = ["P×Q", "P×E", "Q×E"]
    for size in range(4):
        for subset in itertools.combinations(pairs, size):
            assert "independence" + "".join(f" + {p}" for p in subset) in names
    assert set(capture.HETEROGENEITY) <= names
    assert len(res.models) == 8 + 4
    for m in res.models:  # Rcapture's BIC: AIC + (ln n − 2) · parameters
        assert m.bic == pytest.approx(m.aic + (math.log(271) - 2) * m.parameters, abs=1e-9)
        assert m.df == 7 - m.parameters
    aics = [m.aic for m in res.models]
    assert aics == sorted(aics) and res.aic == aics[0]
    # four sources: 2^6 sets of pair interactions plus the four heterogeneity models
    four = {h + (h[0] ^ h[1],): c for h, c in HEPATITIS.items()}
    four[(0, 0, 0, 1)] = 5
    assert len(capture.loglinear(four, ("A", "B", "C", "D")).models) == 64 + 4


def test_chao_lower_bound_closed_form_and_loglinear_model():
    # f1 = 69 + 55 + 63 = 187, f2 = 21 + 17 + 18 = 56, t = 3:
    # N̂ = 271 + (2/3) · 187² / (2 · 56) = 479.1488095
    res = capture.loglinear(HEPATITIS, SOURCES)
    assert res.chao_lower_bound == pytest.approx(271 + (2 / 3) * 187**2 / 112, abs=1e-9)
    # Rcapture's Mh Chao (LB) log-linear model reproduces the closed form with three sources.
    assert by_name(res)["Mh Chao (LB)"].n_hat == pytest.approx(res.chao_lower_bound, abs=1e-4)
    # f2 = 0: the bias-corrected form f1 (f1 − 1) / 2 · (t − 1)/t
    assert capture.chao_lower_bound({1: 10, 3: 2}, 3) == pytest.approx(12 + (2 / 3) * 45)


def test_profile_likelihood_interval_cormack():
    # Under independence the multinomial profile log-likelihood of N has the closed form
    # ln N! − ln (N − n)! + Σ_j [n_j ln(n_j/N) + (N − n_j) ln(1 − n_j/N)] (Cormack 1992);
    # the 95 % limits are where it falls χ²₁(0.95)/2 below its maximum.
    import numpy as np

    n, nj = 271, (135, 122, 126)

    def ell(N):
        return (gammaln(N + 1) - gammaln(N - n + 1)
                + sum(a * math.log(a / N) + (N - a) * math.log(1 - a / N) for a in nj))

    top = minimize_scalar(lambda N: -ell(N), bounds=(n, 3000), method="bounded",
                          options={"xatol": 1e-9}).x
    cut = ell(top) - chi2.ppf(0.95, 1) / 2
    low = brentq(lambda N: ell(N) - cut, n, top)
    high = brentq(lambda N: ell(N) - cut, top, 3000)
    cells = [h for h in itertools.product((0, 1), repeat=3) if any(h)]
    y = np.array([HEPATITIS[h] for h in cells], dtype=float)
    got = capture._profile_ci(y, np.array(cells, dtype=float), 271, 388.48, 21.6,
                              1.959963984540054)
    assert got == pytest.approx((low, high), abs=1e-4)


def test_chosen_model_carries_both_intervals_and_the_warning():
    res = capture.loglinear(HEPATITIS, SOURCES)
    assert res.model == "Mh Chao (LB)"  # smallest AIC, 45.44
    assert res.ci_low < res.n_hat < res.ci_high
    assert res.profile_ci_low < res.n_hat < res.profile_ci_high
    # Mh Darroch has the same AIC (the same deviance, three parameters) and N̂ ≈ 1,314:
    # within 2 AIC and far from 479, so the warning names it.
    assert len(res.warnings) == 1 and "Mh Darroch" in res.warnings[0]
    js = res.as_json()
    assert js["n_hat"] == res.n_hat and len(js["models"]) == 12
    assert js["profile_ci_low"] == pytest.approx(res.profile_ci_low)


def test_no_warning_when_the_model_is_clear():
    # Expected counts of 1,000 events caught independently (p = 0.5, 0.6, 0.7): independence
    # fits exactly and every other model with more parameters has AIC ≥ 2 more or the same N̂.
    p = (0.5, 0.6, 0.7)
    hist = {}
    for h in itertools.product((0, 1), repeat=3):
        if any(h):
            hist[h] = 1000 * math.prod(pi if bit else 1 - pi for bit, pi in zip(h, p))
    res = capture.loglinear(hist, ("a", "b", "c"))
    assert res.model == "independence"
    assert res.n_hat == pytest.approx(1000, rel=1e-6)
    assert res.warnings == ()
