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


# ---- Chao's lower bound for two sources, beside Chapman in dq coverage --mode linkage

# Lists P and Q of the same hepatitis A data: P only (1,0,·) 69 + 17 = 86, Q only (0,1,·)
# 55 + 18 = 73, both 28 + 21 = 49; list totals 135 and 122, 208 seen.
P_ONLY, Q_ONLY, PQ = 86, 73, 49


def test_chao_two_sources_hand_computed():
    # Chao (1987, Biometrics 43:783–791) with t = 2 (Chao 1989; Böhning, van der Heijden &
    # Bunge 2017, "Capture–Recapture Methods for the Social and Medical Sciences", ch. 1):
    # N̂ = n + f1²/(4 f2), f1 = 86 + 73 = 159, f2 = 49 → 208 + 25281/196 = 336.984693877…
    got = capture.chao_two_sources(P_ONLY, Q_ONLY, PQ)
    assert got["chao_lower_bound"] == pytest.approx(208 + 159**2 / 196, rel=1e-12)
    assert got["chao_lower_bound"] == pytest.approx(336.984694, abs=1e-6)
    assert got["chao_lower_bound"] == pytest.approx(capture.chao_lower_bound({1: 159, 2: 49}, 2))
    # Chao's (1987) variance with A = (t − 1)/t = 1/2, r = f1/f2:
    # f2 (A r²/2 + A² r³ + A² r⁴/4) = 49 (r²/4 + r³/4 + r⁴/16) = 887.0585…
    r = 159 / 49
    var = 49 * (r**2 / 4 + r**3 / 4 + r**4 / 16)
    assert got["chao_lower_bound_var"] == pytest.approx(var, rel=1e-12)
    assert var == pytest.approx(887.0585, abs=1e-4)
    # Log-transformed interval (Chao 1987): f0 = 128.98…, C = exp(1.96 √ln(1 + var/f0²)).
    f0 = 159**2 / 196
    c = math.exp(1.959963984540054 * math.sqrt(math.log(1 + var / f0**2)))
    assert got["chao_lower_bound_ci_low"] == pytest.approx(208 + f0 / c, rel=1e-12)
    assert got["chao_lower_bound_ci_high"] == pytest.approx(208 + f0 * c, rel=1e-12)
    assert got["chao_lower_bound_ci_low"] == pytest.approx(290.5156, abs=1e-4)
    assert got["chao_lower_bound_ci_high"] == pytest.approx(409.6230, abs=1e-4)
    # (a + b)² ≥ 4ab: never below Lincoln–Petersen n1 n2 / m = 135 · 122 / 49 = 336.12.
    assert got["chao_lower_bound"] >= 135 * 122 / 49
    # Nobody in both lists: the bias-corrected n + f1(f1 − 1)/4 and no variance.
    none = capture.chao_two_sources(5, 3, 0)
    assert none["chao_lower_bound"] == 8 + 8 * 7 / 4
    assert none["chao_lower_bound_var"] is None and none["chao_lower_bound_ci_low"] is None


def _lists(tmp_path, histories, names):
    files = {s: ["person_id;unit;event_date"] for s in names}
    person = 0
    for h, n in histories.items():
        for _ in range(n):
            person += 1
            for bit, s in zip(h, names, strict=True):
                if bit:
                    files[s].append(f"p{person:04d};college;1995-06-01")
    for s, lines in files.items():
        (tmp_path / f"{s}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [tmp_path / f"{s}.csv" for s in names]


def test_linkage_shows_chao_beside_chapman(tmp_path):
    import json

    from tests.conftest import run

    two = {(1, 0): P_ONLY, (0, 1): Q_ONLY, (1, 1): PQ}
    p, q = _lists(tmp_path, two, "PQ")
    doc = json.loads(run("coverage", p, "--reference", q, "--mode", "linkage",
                         "--format", "json").stdout)
    row = next(r for r in doc["results"] if r["level"] == "national")
    assert row["chapman_n"] == pytest.approx(136 * 123 / 50 - 1)
    assert row["chao_lower_bound"] == pytest.approx(208 + 159**2 / 196, rel=1e-12)
    assert "Chao 1987" in doc["capture_recapture"]["chao_lower_bound"]
    assert "Chapman (1951)" in doc["capture_recapture"]["chapman_n"]
    assert doc["loglinear"] is None  # two sources: no log-linear models
    nat = next(r for r in doc["national"] if r["scope"] == "all_units")
    assert nat["chao_lower_bound"] == pytest.approx(row["chao_lower_bound"])
    # Terminal and Markdown in both languages, every word from the catalogue (dq.messages.SUB)
    # and Norwegian typography; the figures are the JSON's above, rounded: Chapman 333.6
    # (289–403), Chao 336.98 (290.52–409.62).
    nb = run("coverage", p, "--reference", q, "--mode", "linkage", "--width", "200",
             "--lang", "nb").stdout.replace("\n", " ")
    assert ("Chapman N̂ 334 (95\u202f% KI 289–403): registerets kompletthet" in nb
            and "Chaos nedre grense 337 (95\u202f% KI 291–410)" in nb)
    en = run("coverage", p, "--reference", q, "--mode", "linkage", "--width", "200",
             "--lang", "en").stdout.replace("\n", " ")
    assert ("Chapman N̂ 334 (95 % CI 289–403): registry completeness" in en
            and "Chao's lower bound 337 (95 % CI 291–410)" in en)
    for lang, words in (("nb", ("Chaos nedre grense", "| 334 (289–403) | 337 (291–410) |")),
                        ("en", ("Chao's lower bound for two sources",
                                "| 334 (289–403) | 337 (291–410) |"))):
        markdown = run("coverage", p, "--reference", q, "--mode", "linkage", "--format",
                       "markdown", "--suppress", "0", "--lang", lang).stdout
        assert "Chao 1987" in markdown and all(w in markdown for w in words)
    assert "lower bound" not in run("coverage", p, "--reference", q, "--mode", "linkage",
                                    "--format", "markdown", "--lang", "nb").stdout


def test_linkage_with_three_sources_shows_the_model_table(tmp_path):
    paths = _lists(tmp_path, HEPATITIS, "PQE")
    from tests.conftest import run

    args = ("coverage", paths[0], "--reference", paths[1], "--reference", paths[2],
            "--mode", "linkage", "--width", "200")
    # Rcapture's table as in test_model_table_…: the chosen Mh Chao (LB), N̂ 479.1, AIC 45.44;
    # independence N̂ 388.5 (Chao et al. 2001: N̂ ≈ 388).
    en = run(*args, "--lang", "en").stdout
    assert "chosen by AIC: Mh Chao (LB), total 479 (95 % CI" in en
    assert "profile likelihood" in en and "Chao's lower bound 479" in en
    assert "independence  " in en and "388.5" in en and "45.44" in en
    nb = run(*args, "--lang", "nb").stdout
    assert "valgt etter AIC: Mh Chao (LB), totalt 479 (95\u202f% KI" in nb
    assert "profil-likelihood" in nb and "Chaos nedre grense 479" in nb
    assert "uavhengighet  " in nb and "388,5" in nb and "45,44" in nb
    assert "uavhengighet + registeret×Q" in nb
    assert "independence" not in nb and "registry" not in nb and "lower bound" not in nb
    markdown = run(*args, "--format", "markdown", "--suppress", "0", "--lang", "nb").stdout
    assert "| Mh Chao (LB) | 479,1 | 43,7 | 2,05 | 4 | 45,44 | 56,25 |" in markdown
    assert "| uavhengighet | 388,5 |" in markdown
