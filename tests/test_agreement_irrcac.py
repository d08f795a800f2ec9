"""Issue 12, what irrCAC, irr and psych offer: Conger's κ, per-category Fleiss' κ, irrCAC's
weights, t intervals and the confidence level, the finite-population correction, Gwet's SE for
Krippendorff's α, ICC F tests, exact Bland–Altman intervals and the proportional-bias test.

Published values: irrCAC (Gwet, github.com/kgwet/irrCAC, README.md at commit 7fb7509, the
package's documented outputs), Fleiss (1971), psych::ICC (Revelle, documented example on the
Shrout & Fleiss 1979 data), one-sided normal tolerance factors (Natrella 1963, NBS Handbook 91,
Table A-7; Owen 1968). Each test names its source beside its tolerance.
"""

import math

import numpy as np
import pytest
from scipy.stats import t as student

from dq import agreement as A
from dq import reliability as rel
from dq.errors import ConfigError
from tests.test_reliability import ABSTRACTORS, DIAGNOSES, RAW4, SHROUT_FLEISS

CATS = ["1", "2", "3", "4", "5"]
RAW4_CODES = np.where(np.isnan(RAW4), -1, RAW4 - 1).astype(np.int64)


def raw4(level="nominal"):
    return rel.Ratings("x", level, ["r1", "r2", "r3", "r4"], np.empty(0), RAW4_CODES, CATS,
                       category_values=np.arange(1.0, 6.0), declared=frozenset(CATS))


def rows_of(result):
    return {r["statistic"]: r for r in result.rows.iter_rows(named=True)}


def ci_text(row):
    # irrCAC prints the interval as (round(lcb, 3), round(ucb, 3))
    return (round(row["ci_low"], 3), round(row["ci_high"], 3))


# ---------------------------------------------------------------- irrCAC README, cac.raw4raters


def test_raw4raters_every_coefficient_with_irrcac_t_interval():
    # irrCAC README (cac.raw4raters, 12 subjects × 4 raters, categories 1..5):
    #   pa.coeff.raw      0.8181818 SE 0.12561 (0.542,1)
    #   gwet.ac1.raw      0.77544   SE 0.14295 (0.461,1)   p 0.0001043605
    #   fleiss.kappa.raw  0.76117   SE 0.15302 (0.424,1)
    #   krippen.alpha.raw 0.74342   SE 0.14548 (0.423,1)
    #   conger.kappa.raw  0.76282   SE 0.14917 (0.435,1)
    #   bp.coeff.raw      0.77273   SE 0.14472 (0.454,1)
    # irrCAC rounds SEs to 5 decimals: abs=5e-6.
    got = rows_of(rel.compute([raw4()], {}))
    want = {"percent_agreement": (0.8181818, 0.12561, (0.542, 1)),
            "gwet_ac1": (0.77544, 0.14295, (0.461, 1)),
            "fleiss_kappa": (0.76117, 0.15302, (0.424, 1)),
            "krippendorff_alpha": (0.74342, 0.14548, (0.423, 1)),
            "conger_kappa": (0.76282, 0.14917, (0.435, 1)),
            "brennan_prediger": (0.77273, 0.14472, (0.454, 1))}
    for stat, (est, se, ci) in want.items():
        assert got[stat]["estimate"] == pytest.approx(est, abs=5e-6), stat
        assert got[stat]["se"] == pytest.approx(se, abs=5e-6), stat
        assert ci_text(got[stat]) == ci, stat
        assert got[stat]["ci_method"] == "Wald, t with 11 df (95 %)", stat
    # irrCAC's p.value = 1 − pt(AC1/SE, n − 1): 0.0001043605 (README)
    assert got["gwet_ac1"]["p_value"] == pytest.approx(0.0001043605, rel=1e-3)
    assert got["gwet_ac1"]["df1"] == 11


def test_raw4raters_quadratic_ac2_on_the_code_values():
    # gwet.ac1.raw(cac.raw4raters, weights = "quadratic"): 0.914 (SE 0.10396), as quoted in
    # issue 12 (irrCAC 1.0).
    got = rows_of(rel.compute([raw4("ordinal")], {}))
    assert got["gwet_ac2"]["estimate"] == pytest.approx(0.9140007, abs=5e-7)
    assert got["gwet_ac2"]["se"] == pytest.approx(0.10396, abs=5e-6)


def test_conger_kappa_library_function():
    # conger.kappa.raw(cac.raw4raters): 0.76282, SE 0.14917 (irrCAC README)
    kappa, se = A.conger(RAW4_CODES, 5, np.eye(5))
    assert kappa == pytest.approx(0.76282, abs=5e-6)
    assert se == pytest.approx(0.14917, abs=5e-6)
    # Each case counted by frequency gives the same as the rows repeated.
    doubled = np.vstack([RAW4_CODES, RAW4_CODES])
    k2, se2 = A.conger(doubled, 5, np.eye(5))
    k1, se1 = A.conger(RAW4_CODES, 5, np.eye(5), freq=np.full(12, 2.0))
    assert (k1, se1) == pytest.approx((k2, se2), abs=1e-12)


def test_conger_with_two_raters_is_cohen():
    # Conger (1980): with two raters his κ is Cohen's κ (point estimate). The 3 × 3 abstractors
    # table (irrCAC README): Cohen's κ 0.7964094.
    pairs = np.array([(i, j) for i in range(3) for j in range(3)
                      for _ in range(int(ABSTRACTORS[i, j]))])
    kappa, _ = A.conger(pairs, 3, np.eye(3))
    assert kappa == pytest.approx(0.7964094, abs=1e-7)


def test_finite_population_correction_is_irrcac_n():
    # irrCAC's N: Var × (1 − n/N), n = 12 subjects. With N = 24 every SE is √0.5 times the
    # infinite-population SE, and the interval is rebuilt from it.
    inf = rows_of(rel.compute([raw4()], {}))
    fin = rows_of(rel.compute([raw4()], {}, population=24))
    for stat in ("gwet_ac1", "fleiss_kappa", "conger_kappa", "krippendorff_alpha",
                 "brennan_prediger", "percent_agreement"):
        assert fin[stat]["estimate"] == inf[stat]["estimate"]
        assert fin[stat]["se"] == pytest.approx(inf[stat]["se"] * math.sqrt(0.5), rel=1e-12), stat
        tq = student.ppf(0.975, 11)
        assert fin[stat]["ci_low"] == pytest.approx(fin[stat]["estimate"] - tq * fin[stat]["se"],
                                                    abs=1e-12)
    with pytest.raises(ConfigError):
        rel.compute([raw4()], {}, population=5)  # fewer than the 12 cases studied


def test_level_of_confidence_and_z_interval():
    # irrCAC conflev: lcb = coef − SE · qt(1 − (1 − conflev)/2, n − 1)
    got = rows_of(rel.compute([raw4()], {}, level=0.90))
    row = got["gwet_ac1"]
    assert row["ci_low"] == pytest.approx(0.775444068 - student.ppf(0.95, 11) * row["se"], abs=1e-8)
    assert row["confidence_level"] == 0.90
    z = rows_of(rel.compute([raw4()], {}, distribution="z"))["gwet_ac1"]
    assert z["ci_low"] == pytest.approx(z["estimate"] - 1.959963984540054 * z["se"], abs=1e-12)
    assert z["ci_method"] == "Wald, normal (95 %)"
    with pytest.raises(ConfigError):
        rel.compute([raw4()], {}, level=1.5)


# ---------------------------------------------------------------- contingency table


def test_cont3x3abstractors_cohen_t_interval():
    # irrCAC README: kappa2.table(cont3x3abstractors) 0.7964094, SE 0.05891072, (0.68,0.913);
    # gwet.ac1.table 0.8493305 SE 0.04321747 (0.764,0.935); pa2.table 0.89 SE 0.03128898
    # (0.828,0.952).
    cells = np.argwhere(ABSTRACTORS > 0)
    r = rel.Ratings("x", "nominal", ["rater_1", "rater_2"], np.empty(0), cells,
                    ["Ectopic", "AIU", "NIU"], freq=ABSTRACTORS[cells[:, 0], cells[:, 1]]
                    .astype(float))
    got = rows_of(rel.compute([r], {}))
    assert got["cohen_kappa"]["se"] == pytest.approx(0.05891072, abs=5e-9)
    assert ci_text(got["cohen_kappa"]) == (0.68, 0.913)
    assert got["gwet_ac1"]["se"] == pytest.approx(0.04321747, abs=5e-9)
    assert ci_text(got["gwet_ac1"]) == (0.764, 0.935)
    assert ci_text(got["percent_agreement"]) == (0.828, 0.952)


# ---------------------------------------------------------------- weights


def test_irrcac_weight_matrices_on_1_to_3():
    # weights.gen.r formulas evaluated by hand on categ = 1:3 (x_min 1, x_max 3):
    third = 2 / 3
    want = {
        "identity": np.eye(3),
        "linear": [[1, 0.5, 0], [0.5, 1, 0.5], [0, 0.5, 1]],
        "quadratic": [[1, 0.75, 0], [0.75, 1, 0.75], [0, 0.75, 1]],
        # 1 − √|k − l| / √2
        "radical": [[1, 1 - 1 / math.sqrt(2), 0], [1 - 1 / math.sqrt(2), 1, 1 - 1 / math.sqrt(2)],
                    [0, 1 - 1 / math.sqrt(2), 1]],
        # 1 − ((k − l)/(k + l))² / (2/4)²: (1,2) 1 − (1/9)/(1/4), (2,3) 1 − (1/25)/(1/4)
        "ratio": [[1, 1 - 4 / 9, 0], [1 - 4 / 9, 1, 1 - 4 / 25], [0, 1 - 4 / 25, 1]],
        # sin²(π d/3) = 3/4 for d = 1 and 2: every disagreement the maximum
        "circular": np.eye(3),
        # (k − l)² / ((k + l − 2)(6 − k − l)): 1/3, 1, 1/3 → 1 − v/1
        "bipolar": [[1, third, 0], [third, 1, third], [0, third, 1]],
        # n_kl (n_kl − 1)/2 with n_kl = |k − l| + 1: 1, 3 → 1 − v/3
        "ordinal": [[1, third, 0], [third, 1, third], [0, third, 1]],
    }
    for kind, w in want.items():
        np.testing.assert_allclose(A.agreement_weights(kind, np.arange(1.0, 4.0)), w,
                                   atol=1e-15, err_msg=kind)


def test_weights_option_adds_every_weighted_coefficient():
    # On the code values 1..5 of cac.raw4raters: every weighted row equals the library formula
    # with irrCAC's weight matrix (gwet.ac1.raw, fleiss.kappa.raw, bp.coeff.raw,
    # pa.coeff.raw, conger.kappa.raw with weights = "<kind>").
    for kind in A.WEIGHTS:
        got = rows_of(rel.compute([raw4("ordinal")], {}, weights=kind))
        w = A.agreement_weights(kind, np.arange(1.0, 6.0))
        t = A.case_terms(A.counts_matrix(RAW4_CODES, 5), w)
        for stat, coef in (("gwet_ac2", "gwet_ac1"), ("fleiss_kappa_weighted", "fleiss_kappa"),
                           ("brennan_prediger_weighted", "brennan_prediger"),
                           ("percent_agreement_weighted", "percent_agreement")):
            assert got[stat]["estimate"] == pytest.approx(A.coefficient(coef, t)[0], abs=1e-12)
            assert got[stat]["se"] == pytest.approx(A.gwet_se(coef, t), abs=1e-12)
            assert kind in got[stat]["note"]
        kc, sc = A.conger(RAW4_CODES, 5, w)
        assert got["conger_kappa_weighted"]["estimate"] == pytest.approx(kc, abs=1e-12)
        assert got["conger_kappa_weighted"]["se"] == pytest.approx(sc, abs=1e-12)
    with pytest.raises(ConfigError):
        rel.compute([raw4("ordinal")], {}, weights="cubic")


# ---------------------------------------------------------------- per-category Fleiss, PABAK


def test_fleiss_per_category_fleiss_1971():
    # Fleiss (1971), Psychol Bull 76:378, Table 2 (30 patients × 6 psychiatrists): κ_j =
    # .245, .245, .520, .471, .566; irr::kappam.fleiss(detail = TRUE) gives the same with
    # z = κ_j / √(2/(n m (m − 1))) = κ_j / 0.04714.
    codes = DIAGNOSES - 1
    r = rel.Ratings("diagnosis", "nominal", [f"p{i}" for i in range(6)], np.empty(0), codes,
                    CATS, declared=frozenset(CATS[:4]))
    res = rel.compute([r], {})
    per = res.per_category
    assert per["estimate"].to_list() == pytest.approx([0.245, 0.245, 0.520, 0.471, 0.566],
                                                      abs=5e-4)
    assert per["se_null"].to_list() == pytest.approx([math.sqrt(2 / (30 * 6 * 5))] * 5, abs=1e-12)
    # A category that is not declared is never named (its label could be any data value).
    assert per["category"].to_list() == ["1", "2", "3", "4", None]
    assert per["category_index"].to_list() == [1, 2, 3, 4, 5]


def test_prevalence_and_bias_indices_beside_pabak():
    # Byrt, Bishop & Carlin (1993): table [[a, b], [c, d]] = [[40, 9], [6, 45]]:
    # PI = (40 − 45)/100 = −0.05, BI = (9 − 6)/100 = 0.03; PABAK = 2 p_o − 1 = 0.70.
    table = np.array([[40, 9], [6, 45]])
    cells = np.argwhere(table > 0)
    r = rel.Ratings("x", "nominal", ["rater_1", "rater_2"], np.empty(0), cells, ["ja", "nei"],
                    freq=table[cells[:, 0], cells[:, 1]].astype(float))
    row = rows_of(rel.compute([r], {}))["pabak"]
    assert row["estimate"] == pytest.approx(0.70, abs=1e-12)
    assert row["prevalence_index"] == pytest.approx(-0.05, abs=1e-12)
    assert row["bias_index"] == pytest.approx(0.03, abs=1e-12)


# ---------------------------------------------------------------- Krippendorff's α, Gwet's SE


def test_alpha_gwet_se_library():
    # krippen.alpha.raw(cac.raw4raters): 0.74342, SE 0.14548 (irrCAC README).
    alpha, se, n = A.alpha_gwet(RAW4, "nominal")
    assert (alpha, se, n) == pytest.approx((0.743421, 0.14548, 11), abs=5e-6)


def test_alpha_gwet_same_as_bootstrap_order_of_magnitude():
    # On 300 random cases the analytic SE and a 2,000-resample bootstrap SD agree within 15 %
    # (both estimate the same sampling SD; a sanity bound, not a reference value).
    rng = np.random.default_rng(5)
    truth = rng.normal(size=300)
    x = truth[:, None] + rng.normal(scale=0.7, size=(300, 4))
    x[rng.random(x.shape) < 0.1] = np.nan
    r = rel.Ratings("v", "interval", list("abcd"), x, None, [])
    analytic = rows_of(rel.compute([r], {}))["krippendorff_alpha"]["se"]
    boot = rows_of(rel.compute([r], {}, bootstrap=2000))["krippendorff_alpha"]["se"]
    assert analytic == pytest.approx(boot, rel=0.15)


def test_alpha_2000_by_6_continuous_fast_and_small():
    # Issue 12: α at any level for 2,000 cases × 6 raters of continuous values in < 2 s and
    # < 500 MB. Peak traced memory is a deterministic bound; the time is recorded in the
    # README (measured ~0.5 s for ratio on this loaded 2-core machine), not asserted.
    import tracemalloc

    rng = np.random.default_rng(1)
    x = rng.gamma(2.0, 10.0, size=(2000, 6))
    x[rng.random(x.shape) < 0.1] = np.nan
    for level in ("interval", "ratio"):
        r = rel.Ratings("v", level, list("abcdef"), x, None, [])
        tracemalloc.start()
        try:
            row = rows_of(rel.compute([r], {}))["krippendorff_alpha"]
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert row["se"] is not None and row["se"] > 0
        assert peak < 500 * 2**20, level


# ---------------------------------------------------------------- ICC F tests


def test_icc_f_tests_shrout_fleiss_psych():
    # psych::ICC(sf) on Shrout & Fleiss (1979) Table 2 (6 targets × 4 judges):
    #   ICC1 F 1.79 df 5, 18 p 0.16477;  ICC2 and ICC3 F 11.03 df 5, 15 p 0.00013
    # (the average-measure forms share their single-measure F test at ρ₀ = 0).
    r = rel.Ratings("v", "interval", list("abcd"), SHROUT_FLEISS, None, [])
    got = rows_of(rel.compute([r], {}))
    for form in ("icc_1_1", "icc_1_k"):
        assert got[form]["test_statistic"] == pytest.approx(11.241667 / 6.263889, abs=1e-5)
        assert (got[form]["df1"], got[form]["df2"]) == (5, 18)
        assert got[form]["p_value"] == pytest.approx(0.16477, abs=5e-6)
    for form in ("icc_2_1", "icc_3_1", "icc_2_k", "icc_3_k"):
        assert got[form]["test_statistic"] == pytest.approx(11.241667 / 1.019444, abs=1e-4)
        assert (got[form]["df1"], got[form]["df2"]) == (5, 15)
        assert got[form]["p_value"] == pytest.approx(0.000135, abs=5e-7)


def test_icc_f_test_against_rho0():
    # McGraw & Wong (1996) Table 8 by hand on the Shrout & Fleiss mean squares, ρ₀ = 0.2:
    #   ICC(C,1): F = MSR/MSE · (1 − ρ₀)/(1 + (k − 1)ρ₀) = 11.0272 · 0.8/1.6
    #   ICC(A,1): a = kρ₀/(n(1 − ρ₀)) = 0.8/4.8, b = 1 + kρ₀(n − 1)/(n(1 − ρ₀)) = 1 + 4/4.8
    ms = A.mean_squares(SHROUT_FLEISS)
    c1 = A.icc_f_test(ms, "icc_3_1", 0.2)
    assert c1.statistic == pytest.approx(ms.msr / ms.mse * 0.8 / 1.6, abs=1e-12)
    a, b = 0.8 / 4.8, 1 + 4 / 4.8
    a1 = A.icc_f_test(ms, "icc_2_1", 0.2)
    assert a1.statistic == pytest.approx(ms.msr / (a * ms.msc + b * ms.mse), abs=1e-12)
    v = (a * ms.msc + b * ms.mse) ** 2 / ((a * ms.msc) ** 2 / 3 + (b * ms.mse) ** 2 / 15)
    assert a1.df2 == pytest.approx(v, abs=1e-12)
    r = rel.Ratings("v", "interval", list("abcd"), SHROUT_FLEISS, None, [])
    row = rows_of(rel.compute([r], {}, icc_null=0.2))["icc_3_1"]
    assert row["null_value"] == 0.2 and row["test_statistic"] == pytest.approx(c1.statistic)


# ---------------------------------------------------------------- Bland–Altman


def test_exact_loa_factor_is_the_one_sided_tolerance_factor():
    # One-sided normal tolerance factor, n = 10, P = 0.95, γ = 0.95: 2.911 (Natrella 1963,
    # Table A-7; Owen 1968). Carkeet (2015): the upper limit of the exact interval for the
    # limit d̄ + 1.645 SD is d̄ + k·SD with this k.
    _, k_high = A.loa_exact_factors(10, 1.6448536269514722, level=0.90)
    assert k_high == pytest.approx(2.911, abs=5e-4)


def test_bland_altman_exact_interval_and_proportional_bias():
    rng = np.random.default_rng(2)
    truth = rng.normal(50, 10, 40)
    a = truth + rng.normal(0, 2, 40)
    b = 0.9 * truth + 5 + rng.normal(0, 2, 40)
    r = rel.Ratings("v", "interval", ["a", "b"], np.column_stack([a, b]), None, [])
    got = rows_of(rel.compute([r], {}))
    d = a - b
    sd = d.std(ddof=1)
    lo, hi = A.loa_exact_factors(40, 1.959963984540054)
    assert got["bland_altman_loa_high"]["ci_low"] == pytest.approx(d.mean() + lo * sd, abs=1e-10)
    assert got["bland_altman_loa_high"]["ci_high"] == pytest.approx(d.mean() + hi * sd, abs=1e-10)
    assert got["bland_altman_loa_low"]["ci_low"] == pytest.approx(d.mean() - hi * sd, abs=1e-10)
    # The proportional-bias slope is scipy's least-squares regression of d on the mean.
    from scipy.stats import linregress

    reg = linregress((a + b) / 2, d)
    pb = got["bland_altman_proportional_bias"]
    assert pb["estimate"] == pytest.approx(reg.slope, abs=1e-12)
    assert pb["se"] == pytest.approx(reg.stderr, abs=1e-12)
    assert pb["p_value"] == pytest.approx(reg.pvalue, abs=1e-12)
    assert pb["status"] == "info"


# ---------------------------------------------------------------- degenerate data


def test_new_statistics_not_assessed_without_variation():
    # Everyone says "1": Conger's and the per-category κ are 0/0, never −1 or a CI [0, 0].
    codes = np.zeros((5, 3), dtype=np.int64)
    r = rel.Ratings("x", "nominal", ["a", "b", "c"], np.empty(0), codes, ["1", "2"],
                    declared=frozenset(["1", "2"]))
    res = rel.compute([r], {})
    got = rows_of(res)
    assert got["conger_kappa"]["status"] == "not_assessed"
    assert got["conger_kappa"]["ci_low"] is None
    assert "no variation" in got["conger_kappa"]["note"]
    assert res.per_category.height == 0  # Fleiss' κ itself is undefined: no categories
    # A declared category nobody used: its κ_j is 0/0, reported as not assessed with a reason.
    codes = np.array([[0, 0, 1], [1, 1, 1], [0, 0, 0], [1, 0, 1]])
    r = rel.Ratings("x", "nominal", ["a", "b", "c"], np.empty(0), codes, ["1", "2", "3"],
                    declared=frozenset(["1", "2", "3"]))
    per = rel.compute([r], {}).per_category
    assert per["estimate"][2] is None and "by none" in per["note"][2]
    assert per["estimate"][0] == pytest.approx(per["estimate"][1], abs=1e-12)  # two categories
    one = rel.Ratings("v", "interval", ["a", "b"], np.array([[1.0, 2.0]]), None, [])
    got = rows_of(rel.compute([one], {}))
    for stat in ("krippendorff_alpha", "bland_altman_proportional_bias", "icc_2_1"):
        assert got[stat]["status"] == "not_assessed", stat
        assert got[stat]["ci_low"] is None, stat
