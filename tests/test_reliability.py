"""Reliability: published values (source and tolerance beside each), invariants, bad input."""

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dq import agreement as A
from dq import reliability as rel
from dq import spec as spec_mod
from dq.io import Source, SourceInfo, scan
from tests.conftest import EXAMPLE, run, write_text

# Fleiss 1971, Psychol Bull 76:378: 30 patients × 6 psychiatrists, 5 diagnoses (the data as in
# statsmodels' test_inter_rater.py).
DIAGNOSES = np.array([
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5]])

# Gwet's irrCAC package (README, cac.raw4raters): 4 raters × 12 subjects with missing ratings.
# The same matrix is Krippendorff's (2011) worked example with observers as columns.
RAW4 = np.array([[1, 1, np.nan, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2],
                 [1, 2, 3, 4], [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [np.nan, 5, 5, 5],
                 [np.nan, np.nan, 1, 1], [np.nan, np.nan, 3, np.nan]])

# Shrout & Fleiss 1979, Table 2: 6 targets × 4 judges.
SHROUT_FLEISS = np.array([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9],
                          [6, 2, 4, 7]], dtype=float)

# irrCAC README, cont3x3abstractors: 100 abstracts, 2 abstractors.
ABSTRACTORS = np.array([[13, 0, 0], [0, 20, 7], [0, 4, 56]])

# SAS PROC FREQ agreement example, reproduced in statsmodels' test_inter_rater.py (table10).
SAS_TABLE = np.array([[0, 4, 1], [0, 8, 0], [0, 1, 5]])


def terms(codes, q, weights=None):
    return A.case_terms(A.counts_matrix(codes, q), np.eye(q) if weights is None else weights)


def test_fleiss_1971():
    t = terms(DIAGNOSES - 1, 5)
    kappa = A.coefficient("fleiss_kappa", t)[0]
    assert kappa == pytest.approx(0.430, abs=5e-4)  # Fleiss 1971: κ = 0.430
    # R irr::kappam.fleiss(diagnoses): 0.4302445, z = 17.65183 (SE under κ = 0, Fleiss, Nee &
    # Landis 1979).
    assert kappa == pytest.approx(0.4302445, abs=1e-7)
    assert kappa / A.fleiss_se0(A.counts_matrix(DIAGNOSES - 1, 5)) == pytest.approx(17.65183, abs=1e-4)
    # irrCAC fleiss.kappa.dist(distrib.6raters) — the first 15 patients: 0.4139265, SE 0.08119291;
    # gwet.ac1.dist: 0.4448007, SE 0.08418757.
    t15 = terms(DIAGNOSES[:15] - 1, 5)
    assert A.coefficient("fleiss_kappa", t15)[0] == pytest.approx(0.4139265, abs=1e-7)
    assert A.gwet_se("fleiss_kappa", t15) == pytest.approx(0.08119291, abs=1e-7)
    assert A.coefficient("gwet_ac1", t15)[0] == pytest.approx(0.4448007, abs=1e-7)
    assert A.gwet_se("gwet_ac1", t15) == pytest.approx(0.08418757, abs=1e-7)


def test_gwet_raw_with_missing_ratings_irrcac():
    codes = np.where(np.isnan(RAW4), -1, RAW4 - 1).astype(int)
    t = terms(codes, 5)
    # irrCAC README: pa 0.8181818; AC1 0.77544 (SE 0.14295); Fleiss 0.76117 (0.15302);
    # Brennan–Prediger 0.77273 (0.14472); percent agreement SE 0.12561.
    expected = {"gwet_ac1": (0.77544, 0.14295), "fleiss_kappa": (0.76117, 0.15302),
                "brennan_prediger": (0.77273, 0.14472), "percent_agreement": (0.8181818, 0.12561)}
    for kind, (value, se) in expected.items():
        assert A.coefficient(kind, t)[0] == pytest.approx(value, abs=5e-6), kind
        assert A.gwet_se(kind, t) == pytest.approx(se, abs=5e-6), kind


def test_krippendorff_2011_worked_example():
    # Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", the 4 × 12 example:
    # nominal .743, ordinal .815, interval .849, ratio .797.
    codes = np.where(np.isnan(RAW4), -1, RAW4 - 1).astype(int)
    counts = A.counts_matrix(codes, 5)
    values = np.arange(1.0, 6.0)
    got = {m: A.alpha_from_coincidences(A.coincidences(counts), values, m)[0]
           for m in ("nominal", "ordinal", "interval", "ratio")}
    assert got == pytest.approx({"nominal": 0.743, "ordinal": 0.815, "interval": 0.849,
                                 "ratio": 0.797}, abs=5e-4)
    assert A.alpha_interval_direct(RAW4)[0] == pytest.approx(got["interval"], abs=1e-12)


def test_krippendorff_equals_the_krippendorff_package():
    krippendorff = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(4)
    x = rng.integers(1, 6, size=(200, 5)).astype(float)
    x[rng.random(x.shape) < 0.2] = np.nan
    codes = np.where(np.isnan(x), -1, x - 1).astype(int)
    counts = A.counts_matrix(codes, 5)
    for metric in ("nominal", "ordinal", "interval", "ratio"):
        ours = A.alpha_from_coincidences(A.coincidences(counts), np.arange(1.0, 6.0), metric)[0]
        theirs = krippendorff.alpha(reliability_data=x.T, level_of_measurement=metric)
        assert ours == pytest.approx(theirs, abs=1e-9), metric


def test_shrout_fleiss_1979():
    # Shrout & Fleiss 1979, Table 4: ICC(1,1) .17, ICC(2,1) .29, ICC(3,1) .71,
    # ICC(1,4) .44, ICC(2,4) .62, ICC(3,4) .91.
    expected = {"icc_1_1": 0.17, "icc_2_1": 0.29, "icc_3_1": 0.71, "icc_1_k": 0.44,
                "icc_2_k": 0.62, "icc_3_k": 0.91}
    for form, value in expected.items():
        est = A.icc(SHROUT_FLEISS, form)
        assert round(est.estimate, 2) == value, form
        assert est.ci_low < est.estimate < est.ci_high
    # F-based limits as printed by R psych::ICC for these data (McGraw & Wong 1996 formulas).
    assert A.icc(SHROUT_FLEISS, "icc_3_1").ci_low == pytest.approx(0.34, abs=0.005)
    assert A.icc(SHROUT_FLEISS, "icc_3_1").ci_high == pytest.approx(0.95, abs=0.005)
    assert A.icc(SHROUT_FLEISS, "icc_2_1").ci_low == pytest.approx(0.019, abs=0.001)


def test_cohen_kappa_sas_example():
    # SAS PROC FREQ (via statsmodels' tests): κ 0.4842, ASE 0.1380, CI 0.2137–0.7547;
    # weighted (weights 0, 1, 2 — linear) 0.4701, ASE 0.1457, CI 0.1845–0.7558.
    k = A.cohen(SAS_TABLE, "identity")
    assert (k.estimate, k.se, k.ci_low, k.ci_high) == pytest.approx((0.4842, 0.1380, 0.2137, 0.7547),
                                                                    abs=5e-5)
    w = A.cohen(SAS_TABLE, "linear")
    assert (w.estimate, w.se, w.ci_low, w.ci_high) == pytest.approx((0.4701, 0.1457, 0.1845, 0.7558),
                                                                    abs=5e-5)


def test_two_rater_table_irrcac():
    # irrCAC README, cont3x3abstractors: Cohen 0.7964094 (SE 0.05891072), AC1 0.8493305,
    # Brennan–Prediger 0.835, percent agreement 0.89. irrCAC's table functions divide the
    # variance by n², the raw ones (used here) by n(n − 1): SE_raw = SE_table · √(n/(n − 1)).
    k = A.cohen(ABSTRACTORS, "identity")
    assert k.estimate == pytest.approx(0.7964094, abs=1e-7)
    assert k.se == pytest.approx(0.05891072, abs=1e-7)
    pairs = np.array([(i, j) for i in range(3) for j in range(3) for _ in range(ABSTRACTORS[i, j])])
    t = terms(pairs, 3)
    assert A.coefficient("gwet_ac1", t)[0] == pytest.approx(0.8493305, abs=1e-7)
    assert A.gwet_se("gwet_ac1", t) == pytest.approx(0.04321747 * (100 / 99) ** 0.5, abs=1e-7)
    assert A.coefficient("brennan_prediger", t)[0] == pytest.approx(0.835, abs=1e-12)
    assert A.coefficient("percent_agreement", t)[0] == pytest.approx(0.89, abs=1e-12)


def test_weighted_kappa_identity_weights_is_cohen():
    tables = ABSTRACTORS[None].astype(float)
    assert A.kappa_from_tables(tables, np.eye(3))[0] == pytest.approx(
        A.cohen(ABSTRACTORS, "identity").estimate, abs=1e-12)


def test_bland_altman_hand_computed():
    # differences 1, 2, 3, 2: mean 2, SD √(2/3) = 0.8165; LoA 2 ± 1.96·0.8165.
    ba = A.bland_altman(np.array([11.0, 12, 13, 12]), np.array([10.0, 10, 10, 10]))
    assert ba["bland_altman_bias"].estimate == pytest.approx(2.0)
    assert ba["bland_altman_loa_low"].estimate == pytest.approx(2 - 1.959964 * (2 / 3) ** 0.5, abs=1e-5)


def long_source(rows, name="study.csv"):
    df = pl.DataFrame(rows, schema=["case", "rater", "x"], orient="row")
    return Source(df.lazy(), [SourceInfo(path=Path(name), format="csv", columns=df.columns)])


pair = st.tuples(st.sampled_from("abc"), st.sampled_from("abc"))


@settings(max_examples=50, deadline=None)
@given(st.lists(pair, min_size=3, max_size=40))
def test_invariants(pairs):
    def stats(ps, swap=False, relabel=False):
        rows = []
        for i, (a, b) in enumerate(ps):
            if relabel:
                a, b = {"a": "z", "b": "y", "c": "x"}[a], {"a": "z", "b": "y", "c": "x"}[b]
            if swap:
                a, b = b, a
            rows += [(f"c{i}", "r1", a), (f"c{i}", "r2", b)]
        res = rel.compute(rel.ratings_from_long(long_source(rows), "case", "rater", ["x"],
                                                {"x": "nominal"}), {})
        return {r["statistic"]: r["estimate"] for r in res.rows.iter_rows(named=True)}

    base = stats(pairs)
    for other in (stats(pairs[::-1]), stats(pairs, swap=True), stats(pairs, relabel=True)):
        for key, value in base.items():
            if value is None:
                assert other[key] is None
            else:
                assert other[key] == pytest.approx(value, abs=1e-9), key
    identical = stats([(a, a) for a, _ in pairs])
    if len({a for a, _ in pairs}) > 1:
        assert identical["cohen_kappa"] == pytest.approx(1.0)
        assert identical["krippendorff_alpha"] == pytest.approx(1.0)


def test_bootstrap_is_seeded_and_vectorised():
    rng = np.random.default_rng(1)
    a = rng.integers(0, 3, 500)
    b = np.where(rng.random(500) < 0.8, a, rng.integers(0, 3, 500))
    rows = [(f"c{i}", "r1", str(x)) for i, x in enumerate(a)] + \
           [(f"c{i}", "r2", str(y)) for i, y in enumerate(b)]
    studies = rel.ratings_from_long(long_source(rows), "case", "rater", ["x"], {"x": "nominal"})
    one = rel.compute(studies, {}, bootstrap=500, seed=7).rows
    two = rel.compute(studies, {}, bootstrap=500, seed=7).rows
    assert one.equals(two)
    kappa = one.filter(pl.col("statistic") == "cohen_kappa").row(0, named=True)
    analytic = rel.compute(studies, {}).rows.filter(pl.col("statistic") == "cohen_kappa").row(0, named=True)
    assert kappa["ci_method"] == "percentile bootstrap"
    assert kappa["se"] == pytest.approx(analytic["se"], rel=0.25)  # bootstrap ≈ asymptotic SE


def test_bad_input_leaves_the_statistic_out_with_a_reason():
    rows = [("c1", "r1", "1"), ("c1", "r2", "1"), ("c2", "r1", "1"), ("c2", "r2", "1"),
            ("c3", "r1", "1")]
    res = rel.compute(rel.ratings_from_long(long_source(rows), "case", "rater", ["x"],
                                            {"x": "nominal"}), {})
    kappa = res.rows.filter(pl.col("statistic") == "cohen_kappa").row(0, named=True)
    assert kappa["estimate"] is None and "one category" in kappa["note"]
    pa = res.rows.filter(pl.col("statistic") == "percent_agreement").row(0, named=True)
    assert pa["estimate"] == 1.0
    one_rater = rel.compute(rel.ratings_from_long(long_source([("c1", "r1", "1"), ("c2", "r1", "2")]),
                                                  "case", "rater", ["x"], {"x": "nominal"}), {})
    assert one_rater.rows["estimate"].null_count() == one_rater.rows.height
    assert any("only one rater" in w for w in one_rater.warnings)
    text = rel.compute(rel.ratings_from_long(long_source([("c1", "r1", "a"), ("c1", "r2", "b")]),
                                             "case", "rater", ["x"], {"x": "interval"}), {})
    assert "text where the level is interval" in text.rows["note"][0]


def test_unequal_raters_per_case_give_gwets_generalised_fleiss():
    # Issue 12 bug 3: Fleiss' κ with unequal raters per case is Gwet's generalisation (irrCAC
    # fleiss.kappa.raw), not refused; the SE under κ = 0 (Fleiss, Nee & Landis) needs equal m.
    rows = [("c1", "r1", "1"), ("c1", "r2", "1"), ("c1", "r3", "2"), ("c2", "r1", "2"),
            ("c2", "r2", "2"), ("c3", "r1", "1"), ("c3", "r2", "2"), ("c3", "r3", "2")]
    res = rel.compute(rel.ratings_from_long(long_source(rows), "case", "rater", ["x"],
                                            {"x": "nominal"}), {})
    fleiss = res.rows.filter(pl.col("statistic") == "fleiss_kappa").row(0, named=True)
    # By hand: p_a = (1/3 + 1 + 1/3)/3 = 5/9; π = (1/3·(2/3 + 0 + 1/3), …) = (1/3, 2/3);
    # p_e = 1/9 + 4/9 = 5/9 → κ = 0.
    assert fleiss["estimate"] == pytest.approx(0.0, abs=1e-12)
    assert "Gwet's generalisation" in fleiss["note"] and fleiss["se_null"] is None
    assert res.rows.filter(pl.col("statistic") == "gwet_ac1")["estimate"][0] is not None


def test_cli_example_and_contract():
    result = run("reliability", "--spec", EXAMPLE / "dq.toml", "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    required = {"variable", "statistic", "estimate", "se", "ci_low", "ci_high", "n_cases",
                "n_raters", "label", "status"}
    assert all(required <= set(r) for r in doc["results"])
    stats = {(r["variable"], r["statistic"]): r for r in doc["results"]}
    # The planted paradox: rare "no antibiotics", high agreement, low κ, high AC1.
    anti = stats[("Antibiotika", "cohen_kappa")]
    assert anti["estimate"] < 0.6 and stats[("Antibiotika", "gwet_ac1")]["estimate"] > 0.9
    assert any("Antibiotika" in w and "paradox" in w for w in doc["warnings"])
    assert ("ASA", "weighted_kappa_quadratic") in stats and ("Alder", "icc_2_1") in stats
    # Every estimate carries an SE and a CI, and says where they came from.
    for r in doc["results"]:
        if r["estimate"] is not None and r["estimate"] < 1:
            assert None not in (r["se"], r["ci_low"], r["ci_high"], r["se_method"]), r


def test_cli_wide_and_table_forms(tmp_path):
    wide = write_text(tmp_path / "wide.csv", "case;a;b\n1;x;x\n2;y;y\n3;x;y\n4;y;y\n5;x;x\n")
    result = run("reliability", wide, "--raters", "a,b", "--format", "json")
    assert result.exit_code == 0, result.stderr
    kappa = [r for r in json.loads(result.stdout)["results"] if r["statistic"] == "cohen_kappa"][0]
    # p_o = 4/5, p_e = (3·2 + 2·3)/25 = 0.48 → κ = 0.32/0.52 = 0.6154
    assert kappa["estimate"] == pytest.approx(0.32 / 0.52)
    table = write_text(tmp_path / "t.csv", "kat;Ectopic;AIU;NIU\nEctopic;13;0;0\nAIU;0;20;7\nNIU;0;4;56\n")
    res = run("reliability", table, "--table", "--format", "json")
    got = {r["statistic"]: r["estimate"] for r in json.loads(res.stdout)["results"]}
    assert got["cohen_kappa"] == pytest.approx(0.7964094, abs=1e-7)
    bad = write_text(tmp_path / "b.csv", "kat;A;B\nA;1;2\n")
    err = run("reliability", bad, "--table", "--lang", "en")
    assert err.exit_code == 3 and "must be square" in err.stderr


def test_cohen_table_fast_path_equals_general_path():
    rng = np.random.default_rng(3)
    a = rng.integers(0, 4, 3_000_000)
    b = np.where(rng.random(a.size) < 0.6, a, rng.integers(0, 4, a.size))
    fast, values = A.cohen_table(a, b)  # threaded bincount
    general, labels = A.cohen_table(a.astype(str), b.astype(str))  # np.unique encoding
    assert values.tolist() == [0, 1, 2, 3] and labels.tolist() == ["0", "1", "2", "3"]
    assert (fast == general).all()
    assert fast.sum() == a.size
    # Negative codes are not taken for small ones (they are huge seen as unsigned).
    table, values = A.cohen_table(np.array([-1, 0, 1, 1]), np.array([0, 0, 1, -1]))
    assert values.tolist() == [-1, 0, 1] and table.sum() == 4 and table[0, 1] == 1


def test_cohen_table_matches_scikit_learn():
    sklearn = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(5)
    a = rng.integers(0, 4, 100_000)
    b = np.where(rng.random(a.size) < 0.6, a, rng.integers(0, 4, a.size))
    small = A.kappa_from_tables(A.cohen_table(a, b)[0][None].astype(float), np.eye(4))[0]
    assert small == pytest.approx(sklearn.cohen_kappa_score(a, b), abs=1e-12)


# Cohen 1968, Psychol Bull 70:213–220: the example table (proportions of 200 cases) with
# disagreement weights v; Cohen reports κ = .492 and κ_w = .348 (and .353 for the asymmetric
# weights); the numbers as reproduced in R psych's cohen.kappa documentation.
COHEN_1968 = np.array([[0.44, 0.07, 0.09], [0.05, 0.20, 0.05], [0.01, 0.03, 0.06]]) * 200


def test_cohen_1968_weighted_example():
    v = np.array([[0, 1, 3], [1, 0, 6], [3, 6, 0]])
    assert A.cohen(COHEN_1968, "identity").estimate == pytest.approx(0.492, abs=5e-4)
    assert A.cohen(COHEN_1968, "custom", v).estimate == pytest.approx(0.348, abs=5e-4)
    asym = np.array([[0, 1, 4], [1, 0, 6], [2, 2, 0]])
    assert A.cohen(COHEN_1968, "custom", asym).estimate == pytest.approx(0.353, abs=5e-4)
    # the same κ_w from agreement weights 1 − v/max(v), as the bootstrap computes it
    agree = A.ordinal_weights(3, "custom", v)
    assert A.kappa_from_tables(COHEN_1968[None], agree)[0] == pytest.approx(0.3478, abs=1e-4)


def test_spec_kappa_weights_reach_the_statistic(tmp_path):
    from dq import spec as spec_mod

    path = tmp_path / "dq.toml"
    path.write_text('[variables.x]\ntype = "categorical"\ncodes = ["a", "b", "c"]\n'
                    'level = "ordinal"\nkappa_weights = [[0, 1, 3], [1, 0, 6], [3, 6, 0]]\n')
    sp = spec_mod.load(path)
    rows = []
    counts = (COHEN_1968 / 2).round().astype(int)  # 100 cases in the same proportions
    labels = ["a", "b", "c"]
    case = 0
    for i in range(3):
        for j in range(3):
            for _ in range(counts[i, j]):
                case += 1
                rows += [(f"c{case}", "r1", labels[i]), (f"c{case}", "r2", labels[j])]
    studies = rel.ratings_from_long(long_source(rows), "case", "rater", ["x"], {"x": "ordinal"},
                                    spec=sp)
    res = rel.compute(studies, {}).rows
    got = res.filter(pl.col("statistic") == "weighted_kappa_spec")["estimate"][0]
    assert got == pytest.approx(0.348, abs=5e-3)
    path.write_text('[variables.x]\ntype = "categorical"\ncodes = ["a", "b"]\n'
                    'kappa_weights = [[0, 1, 3], [1, 0, 6], [3, 6, 0]]\n')
    with pytest.raises(Exception, match="2 × 2 matrix"):
        spec_mod.load(path)


# ---------------------------------------------------------------- issue 12: the CLI's own path


def irrcac_raw_reference(ratings, categ, coeff, weights="identity"):
    """Gwet's raw-data coefficients and SEs written out from irrCAC's R code (gwet.ac1.raw,
    fleiss.kappa.raw, bp.coeff.raw, pa.coeff.raw in R/agree.coeff3.raw.r; quadratic.weights in
    R/weights.gen.r: weights on the code values when they are numbers), loop by loop and
    independent of dq.agreement. ``ratings``: one list per case (None = missing); ``categ``: the
    categories (q = len(categ)). Returns (coefficient, SE)."""
    n, q = len(ratings), len(categ)
    if weights == "quadratic":
        lo, hi = min(categ), max(categ)
        w = [[1 - (categ[k] - categ[m]) ** 2 / (hi - lo) ** 2 for m in range(q)] for k in range(q)]
    else:
        w = [[1.0 if k == m else 0.0 for m in range(q)] for k in range(q)]
    agree = [[sum(1 for x in row if x == c) for c in categ] for row in ratings]
    agree_w = [[sum(w[k][m] * a[m] for m in range(q)) for k in range(q)] for a in agree]
    r = [sum(a) for a in agree]
    sum_q = [sum(a[k] * (aw[k] - 1) for k in range(q)) for a, aw in zip(agree, agree_w)]
    n2 = sum(1 for ri in r if ri >= 2)
    pa = sum(sq / (ri * (ri - 1)) for sq, ri in zip(sum_q, r) if ri >= 2) / n2
    pi = [sum(a[k] / ri for a, ri in zip(agree, r)) / n for k in range(q)]
    sum_w = sum(map(sum, w))
    pe = {"ac1": sum_w * sum(p * (1 - p) for p in pi) / (q * (q - 1)),
          "fleiss": sum(w[k][m] * pi[k] * pi[m] for k in range(q) for m in range(q)),
          "bp": sum_w / q**2, "pa": 0.0}[coeff]
    coef = (pa - pe) / (1 - pe)
    terms = []
    for a, ri, sq in zip(agree, r, sum_q):
        den = ri * (ri - 1) or -1
        c = (n / n2) * (sq / den - (pe if ri >= 2 else 0)) / (1 - pe)
        if coeff == "ac1":
            pe_i = sum_w / (q * (q - 1)) * sum(a[k] * (1 - pi[k]) for k in range(q)) / ri
            c -= 2 * (1 - coef) * (pe_i - pe) / (1 - pe)
        elif coeff == "fleiss":
            pi_w = [(sum(w[k][m] * pi[m] for m in range(q)) + sum(w[m][k] * pi[m] for m in range(q)))
                    / 2 for k in range(q)]
            pe_i = sum(a[k] * pi_w[k] for k in range(q)) / ri
            c -= 2 * (1 - coef) * (pe_i - pe) / (1 - pe)
        terms.append(c)
    return coef, (sum((c - coef) ** 2 for c in terms) / (n * (n - 1))) ** 0.5


def wide_source(matrix, name="wide.csv"):
    df = pl.DataFrame({f"r{j + 1}": [None if v is None else v for v in col]
                       for j, col in enumerate(zip(*matrix))})
    return Source(df.lazy(), [SourceInfo(path=Path(name), format="csv", columns=df.columns)])


def stat_rows(res):
    return {r["statistic"]: r for r in res.rows.iter_rows(named=True)}


RAW4_LISTS = [[None if np.isnan(v) else int(v) for v in row] for row in RAW4]


def test_raw4raters_through_the_cli_path_is_irrcac():
    # Issue 12 bug 1: the CLI path (ratings_from_wide → compute) used to drop case 12 (one
    # rating) before AC1/BP/pa/Fleiss. irrCAC README (cac.raw4raters, printed to 5 decimals):
    # pa 0.8181818 (SE 0.12561), AC1 0.77544 (0.14295), Fleiss 0.76117 (0.15302),
    # Brennan–Prediger 0.77273 (0.14472); abs=5e-6 is half a unit of the last printed digit.
    src = wide_source(RAW4_LISTS)
    got = stat_rows(rel.compute(rel.ratings_from_wide(src, ["r1", "r2", "r3", "r4"], "x",
                                                      "nominal"), {}))
    expected = {"percent_agreement": (0.8181818, 0.12561), "gwet_ac1": (0.77544, 0.14295),
                "fleiss_kappa": (0.76117, 0.15302), "brennan_prediger": (0.77273, 0.14472)}
    for stat, (value, se) in expected.items():
        assert got[stat]["estimate"] == pytest.approx(value, abs=5e-6), stat
        assert got[stat]["se"] == pytest.approx(se, abs=5e-6), stat
        assert got[stat]["n_cases"] == 12, stat
    # Ordinal: AC2 with quadratic weights, irrCAC gwet.ac1.raw(cac.raw4raters, "quadratic"):
    # 0.914 (SE 0.10396) as quoted in issue 12; the reference gives the digits.
    ordinal = stat_rows(rel.compute(rel.ratings_from_wide(src, ["r1", "r2", "r3", "r4"], "x",
                                                          "ordinal"), {}))
    assert ordinal["gwet_ac2"]["estimate"] == pytest.approx(0.914, abs=5e-4)
    assert ordinal["gwet_ac2"]["se"] == pytest.approx(0.10396, abs=5e-6)
    ref = irrcac_raw_reference(RAW4_LISTS, [1, 2, 3, 4, 5], "ac1", "quadratic")
    assert (ordinal["gwet_ac2"]["estimate"], ordinal["gwet_ac2"]["se"]) == pytest.approx(ref, abs=1e-12)


def test_raw4raters_cli_end_to_end(tmp_path):
    text = "r1;r2;r3;r4\n" + "".join(";".join("" if v is None else str(v) for v in row) + "\n"
                                     for row in RAW4_LISTS)
    path = write_text(tmp_path / "raw4.csv", text)
    result = run("reliability", path, "--raters", "r1,r2,r3,r4", "--format", "json")
    assert result.exit_code == 0, result.stderr
    got = {r["statistic"]: r for r in json.loads(result.stdout)["results"]}
    # irrCAC README values as above.
    assert got["gwet_ac1"]["estimate"] == pytest.approx(0.77544, abs=5e-6)
    assert got["gwet_ac1"]["se"] == pytest.approx(0.14295, abs=5e-6)
    assert got["fleiss_kappa"]["estimate"] == pytest.approx(0.76117, abs=5e-6)


def test_minimal_single_rated_cases_irrcac():
    # Issue 12: r1 = A A B B A B A A, r2 = A B B B A B – –; irrCAC gwet.ac1.raw: AC1 0.671795
    # (SE 0.345103). By hand: p_a = 5/6 over the 6 double-rated cases; π_A = 4.5/8 over all 8
    # (the two single ratings count); p_e = 2·0.5625·0.4375 → AC1 = 0.3411458/0.5078125.
    r1, r2 = "AABBABAA", "ABBBAB"
    rows = [(f"c{i}", "r1", c) for i, c in enumerate(r1)] + \
           [(f"c{i}", "r2", c) for i, c in enumerate(r2)]
    got = stat_rows(rel.compute(rel.ratings_from_long(long_source(rows), "case", "rater", ["x"],
                                                      {"x": "nominal"}), {}))
    assert got["gwet_ac1"]["estimate"] == pytest.approx(0.3411458333 / 0.5078125, abs=1e-9)
    assert got["gwet_ac1"]["estimate"] == pytest.approx(0.671795, abs=5e-7)  # irrCAC, 6 decimals
    assert got["gwet_ac1"]["se"] == pytest.approx(0.345103, abs=5e-7)
    assert "2 cases rated once count in" in got["gwet_ac1"]["note"]
    # Cohen's κ stays on the 6 complete pairs (irr::kappa2 drops incomplete pairs).
    assert got["cohen_kappa"]["n_cases"] == 6 and got["gwet_ac1"]["n_cases"] == 8
    cases = [[a, b if i < len(r2) else None] for i, (a, b) in enumerate(zip(r1, r2 + "  "))]
    for stat, coeff in (("gwet_ac1", "ac1"), ("pabak", "bp"), ("fleiss_kappa", "fleiss"),
                        ("percent_agreement", "pa")):
        ref = irrcac_raw_reference(cases, ["A", "B"], coeff)
        assert (got[stat]["estimate"], got[stat]["se"]) == pytest.approx(ref, abs=1e-12), stat


def test_declared_codes_define_q(tmp_path):
    # Issue 12 bug 5: 2 cases × 7 raters, [[6, 1, 0], [0, 7, 0]] (counts per category A, B, C).
    # Randolph's free-marginal κ = Brennan–Prediger: p_a = (30/42 + 1)/2 = 6/7;
    # q = 3 declared → (6/7 − 1/3)/(2/3) = 11/14 = 0.785714; q = 2 seen → (6/7 − 1/2)/(1/2) = 5/7.
    from dq import spec as spec_mod

    matrix = [["A"] * 6 + ["B"], ["B"] * 7]
    src = wide_source(matrix)
    raters = [f"r{j + 1}" for j in range(7)]
    free = stat_rows(rel.compute(rel.ratings_from_wide(src, raters, "x", "nominal"), {}))
    assert free["pabak"]["estimate"] == pytest.approx(5 / 7, abs=1e-12)
    path = tmp_path / "dq.toml"
    path.write_text('[variables.x]\ntype = "categorical"\ncodes = ["A", "B", "C"]\n')
    declared = stat_rows(rel.compute(rel.ratings_from_wide(src, raters, "x", "nominal",
                                                           spec=spec_mod.load(path)), {}))
    assert "pabak" not in declared  # three categories: Brennan–Prediger, not PABAK
    assert declared["brennan_prediger"]["estimate"] == pytest.approx(11 / 14, abs=1e-12)
    # The same through categories= (what a --categories option passes) and through the table.
    listed = stat_rows(rel.compute(rel.ratings_from_wide(src, raters, "x", "nominal",
                                                         categories=["A", "B", "C"]), {}))
    assert listed["brennan_prediger"]["estimate"] == pytest.approx(11 / 14, abs=1e-12)
    ref = irrcac_raw_reference(matrix, ["A", "B", "C"], "ac1")
    assert (declared["gwet_ac1"]["estimate"], declared["gwet_ac1"]["se"]) == pytest.approx(ref, abs=1e-12)


# Two raters, codes 1, 2 and 5 (made up for this test).
CODES_125 = [[1, 1], [1, 2], [2, 2], [2, 5], [5, 5], [5, 5], [1, 1], [2, 1], [5, 2], [1, 1],
             [2, 2], [5, 5]]


def test_weights_are_on_the_code_values():
    # Issue 12 bug 5: quadratic weights on the code values 1, 2, 5 (irrCAC quadratic.weights:
    # w_kl = 1 − (x_k − x_l)²/(5 − 1)²), not on the ranks 1, 2, 3.
    src = wide_source(CODES_125)
    got = stat_rows(rel.compute(rel.ratings_from_wide(src, ["r1", "r2"], "x", "ordinal"), {}))
    on_values = irrcac_raw_reference(CODES_125, [1, 2, 5], "ac1", "quadratic")
    on_ranks = irrcac_raw_reference([[{1: 1, 2: 2, 5: 3}[v] for v in row] for row in CODES_125],
                                    [1, 2, 3], "ac1", "quadratic")
    assert abs(on_values[0] - on_ranks[0]) > 0.01  # the test can tell the two apart
    assert (got["gwet_ac2"]["estimate"], got["gwet_ac2"]["se"]) == pytest.approx(on_values, abs=1e-12)
    assert "code values" in got["gwet_ac2"]["note"]
    # Weighted κ on the code values: Cohen 1968 κ_w = 1 − Σ v p_o / Σ v p_e, v = (x_k − x_l)²,
    # written out here over the 12 pairs.
    x = np.array(CODES_125, dtype=float)
    v_obs = ((x[:, 0] - x[:, 1]) ** 2).mean()
    v_exp = ((x[:, 0][:, None] - x[:, 1][None, :]) ** 2).mean()
    assert got["weighted_kappa_quadratic"]["estimate"] == pytest.approx(1 - v_obs / v_exp, abs=1e-12)
    v_obs1 = np.abs(x[:, 0] - x[:, 1]).mean()
    v_exp1 = np.abs(x[:, 0][:, None] - x[:, 1][None, :]).mean()
    assert got["weighted_kappa_linear"]["estimate"] == pytest.approx(1 - v_obs1 / v_exp1, abs=1e-12)


ratings_strategy = st.lists(
    st.lists(st.one_of(st.none(), st.sampled_from([1, 2, 3, 5, 8])), min_size=2, max_size=4),
    min_size=3, max_size=25)


@settings(max_examples=60, deadline=None)
@given(ratings_strategy, st.booleans())
def test_gwet_family_equals_the_reference(matrix, declare):
    width = max(len(row) for row in matrix)
    matrix = [row + [None] * (width - len(row)) for row in matrix]
    matrix = [row for row in matrix if any(v is not None for v in row)]
    seen = sorted({v for row in matrix for v in row if v is not None})
    categ = [1, 2, 3, 5, 8] if declare else seen
    double = sum(1 for row in matrix if sum(v is not None for v in row) >= 2)
    if double < 2 or len(categ) < 2:
        return  # not assessed: covered by tests/test_agreement_edge.py
    src = wide_source(matrix)
    raters = [f"r{j + 1}" for j in range(width)]
    cats = [str(c) for c in categ] if declare else None
    nominal = stat_rows(rel.compute(rel.ratings_from_wide(src, raters, "x", "nominal",
                                                          categories=cats), {}))
    ordinal = stat_rows(rel.compute(rel.ratings_from_wide(src, raters, "x", "ordinal",
                                                          categories=cats), {}))
    bp = "pabak" if len(categ) == 2 else "brennan_prediger"
    for rows, stat, coeff, weights in ((nominal, "gwet_ac1", "ac1", "identity"),
                                       (nominal, bp, "bp", "identity"),
                                       (nominal, "percent_agreement", "pa", "identity"),
                                       (nominal, "fleiss_kappa", "fleiss", "identity"),
                                       (ordinal, "gwet_ac2", "ac1", "quadratic")):
        try:
            ref = irrcac_raw_reference(matrix, categ, coeff, weights)
        except ZeroDivisionError:  # p_e = 1: dq must say not assessed
            assert rows[stat]["estimate"] is None and rows[stat]["note"], stat
            continue
        assert rows[stat]["estimate"] == pytest.approx(ref[0], abs=1e-9), stat
        assert rows[stat]["se"] == pytest.approx(ref[1], abs=1e-9), stat


# ---- warnings from the message catalogue; the κ-paradox flag as a column


def unknown_study(tmp_path, n_unknown):
    sp = spec_mod.load(write_text(tmp_path / "dq.toml",
                                  "[variables.x]\ncodes = [1, 2, 3]\nunknown = [9]\n"))
    rows = [(f"c{i}", r, str(1 + i % 3)) for i in range(6) for r in ("r1", "r2")]
    for i in range(n_unknown):
        rows[2 * i + 1] = (f"c{i}", "r2", "9")
    return rel.compute(rel.ratings_from_long(long_source(rows), "case", "rater", ["x"],
                                             {"x": "ordinal"}, spec=sp), {})


def test_warnings_are_catalogue_messages_with_plural_forms(tmp_path):
    from dq.messages import Message, localise

    two, one = unknown_study(tmp_path, 2), unknown_study(tmp_path, 1)
    (w2,), (w1,) = two.warnings, one.warnings
    assert isinstance(w2, Message) and w2.key == "reliability.remark"
    # English is the str (JSON and row notes keep it), Norwegian comes from the catalogue with
    # the noun inflected by the count: "1 vurdering", "2 vurderinger" — never "vurdering(er)".
    assert w2 == ("x: 2 ratings with a declared unknown code counted as missing (an unknown "
                  "code has no place on the ordinal scale)")
    assert localise(w2, "nb") == ("x: 2 vurderinger med en kode for ukjent er regnet som "
                                  "manglende (en kode for ukjent har ingen plass på "
                                  "ordinalskalaen)")
    assert localise(w1, "nb").startswith("x: 1 vurdering med en kode for ukjent")
    assert w1.startswith("x: 1 rating with")
    assert json.loads(json.dumps(two.warnings)) == [str(w2)]
    assert localise("plain text", "nb") == "plain text"


def test_every_reliability_warning_has_norwegian_text(tmp_path):
    from dq.messages import RELIABILITY, Message

    for key, texts in RELIABILITY.items():
        assert set(texts) == {"nb", "en"}, key
        assert "(s)" not in texts["en"] and "(er)" not in texts["nb"], key
    # Studies that make dq.reliability warn in every way it can: one rater, text at the
    # interval level, a left-out statistic (Cohen's κ with three raters, one category), the
    # κ paradox, rows without a case id, undeclared codes.
    studies = [
        [("c1", "r1", "1"), ("c2", "r1", "2")],
        [("c1", "r1", "a"), ("c1", "r2", "b"), ("c2", "r1", "1"), ("c2", "r2", "2")],
        [(f"c{i}", r, "1") for i in range(4) for r in ("r1", "r2", "r3")],
        [(f"c{i}", r, "0" if i in (0, 1) and r == "r1" else "1") for i in range(20)
         for r in ("r1", "r2")],
        [("c1", "r1", "1"), ("c1", "r2", "2"), (None, "r1", "1"), ("c2", "r1", "2"),
         ("c2", "r2", "2")],
    ]
    levels = ["nominal", "interval", "nominal", "nominal", "nominal"]
    seen = set()
    for rows, level in zip(studies, levels, strict=True):
        res = rel.compute(rel.ratings_from_long(long_source(rows), "case", "rater", ["x"],
                                                {"x": level}), {})
        assert res.warnings
        for w in res.warnings:
            assert isinstance(w, Message)
            seen.add(w.key)
            nb = w.text("nb")
            assert nb != str(w) and "(s)" not in nb and "(er)" not in nb
            for english in (" left out", " rating", " rater", "undefined", "no statistic",
                            "while agreement"):
                assert english not in nb, (english, nb)
    assert {"reliability.problem", "reliability.left_out", "reliability.paradox",
            "reliability.remark"} <= seen


def test_every_undefined_text_of_the_agreement_module_has_a_catalogue_key():
    # dq.agreement raises Undefined with English texts; dq.reliability maps each to a catalogue
    # key (the fallback would show Norwegian users only "udefinert for disse dataene").
    import ast

    tree = ast.parse(Path(A.__file__).read_text(encoding="utf-8"))
    raised = [node.exc.args[0].value for node in ast.walk(tree)
              if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
              and getattr(node.exc.func, "id", None) == "Undefined"
              and isinstance(node.exc.args[0], ast.Constant)]
    assert len(raised) >= 6
    assert set(raised) <= set(rel.UNDEFINED)


def test_report_writes_reliability_warnings_in_its_language():
    # [report] lang / --lang: the example study has two ASA ratings with the unknown code 9.
    result = run("report", EXAMPLE / "dq.toml", "--lang", "nb")
    assert result.exit_code == 1
    assert ("ASA: 2 vurderinger med en kode for ukjent er regnet som manglende"
            in result.stderr)
    assert "ratings with a declared unknown code" not in result.stderr
    assert "kappa paradox" not in result.stderr  # explained in the report itself


def test_paradox_is_a_column_not_a_string_in_the_note():
    # The example's planted paradox (Antibiotika, Komplikasjon: κ < 0.6 at ≥ 80 % agreement).
    res = rel.compute(rel.ratings(scan(EXAMPLE / "interrater.csv"),
                                  spec_mod.load(EXAMPLE / "dq.toml")), {})
    flagged = res.rows.filter(pl.col("paradox"))
    assert sorted(zip(flagged["variable"], flagged["statistic"])) == [
        ("Antibiotika", "cohen_kappa"), ("Antibiotika", "fleiss_kappa"),
        ("Komplikasjon", "cohen_kappa"), ("Komplikasjon", "fleiss_kappa")]
    for row in flagged.iter_rows(named=True):  # κ low while the raters agree
        pa = res.rows.filter((pl.col("variable") == row["variable"])
                             & (pl.col("statistic") == "percent_agreement"))["estimate"][0]
        assert row["estimate"] < 0.6 and pa >= 0.8
        assert "kappa paradox" in row["note"]  # the note stays for readers of the JSON
    assert res.rows["paradox"].null_count() == 0
    # The report reads the column: a flagged row whose note says nothing still flags.
    from dq.dimensions import reliabilitet
    from dq.reliability import ReliabilityResult

    rows = flagged.head(1).with_columns(note=pl.lit(None, pl.String))
    from dq.spec import empty

    ctx = type("Ctx", (), {"study": ReliabilityResult(rows), "spec": empty()})()
    (check,) = reliabilitet.assess(ctx).checks
    assert check.params["paradox"] is True
    unflagged = rows.with_columns(paradox=pl.lit(False), note=pl.lit("kappa paradox"))
    ctx = type("Ctx", (), {"study": ReliabilityResult(unflagged), "spec": empty()})()
    (check,) = reliabilitet.assess(ctx).checks
    assert "paradox" not in check.params
