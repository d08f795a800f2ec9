"""Issue 12, bugs 2 and 4: irrCAC's contingency-table SEs for ``--table`` input, and
Krippendorff's α at every level without a q × q matrix per resample."""

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from dq import agreement as A
from dq import reliability as rel
from dq.io import Source, SourceInfo
from tests.test_reliability import ABSTRACTORS, RAW4

LABELS = ["Ectopic", "AIU", "NIU"]


def table_source(table, labels=LABELS):
    df = pl.DataFrame({"kat": labels, **{lab: [int(v) for v in table[:, j]]
                                         for j, lab in enumerate(labels)}})
    return Source(df.lazy(), [SourceInfo(path=Path("t.csv"), format="csv", columns=df.columns)])


def wide_source(matrix):
    df = pl.DataFrame({"r1": matrix[:, 0].tolist(), "r2": matrix[:, 1].tolist()})
    return Source(df.lazy(), [SourceInfo(path=Path("w.csv"), format="csv", columns=df.columns)])


def rows_of(result):
    return {r["statistic"]: r for r in result.rows.iter_rows(named=True)}


def irrcac_table(table, kind):
    """irrCAC's ``*.table`` functions (R/agree.coeff2.r, weights identity, N = Inf), transcribed
    term by term: Var = (Σ_kl p_kl (…)² − (…)²) / (n (1 − p_e)²)."""
    t = np.asarray(table, float)
    n, q = t.sum(), t.shape[0]
    p = t / n
    w = np.eye(q)
    pa = float((w * p).sum())
    pi = (p.sum(1) + p.sum(0)) / 2
    if kind == "pa":
        return pa, float(np.sqrt(((p * w**2).sum() - pa**2) / n))
    if kind == "bp":
        pe = w.sum() / q**2
        c = (pa - pe) / (1 - pe)
        return c, float(np.sqrt(((p * w**2).sum() - pa**2) / (n * (1 - pe) ** 2)))
    if kind == "scott":
        pe = float(pi @ w @ pi)
        c = (pa - pe) / (1 - pe)
        pbk = (w @ p.sum(0) + w.T @ p.sum(1)) / 2
        term = w - (1 - c) * (pbk[:, None] + pbk[None, :])
    else:  # gwet.ac1.table
        tw = w.sum()
        pe = tw * float((pi * (1 - pi)).sum()) / (q * (q - 1))
        c = (pa - pe) / (1 - pe)
        term = w - 2 * (1 - c) * tw * (1 - (pi[:, None] + pi[None, :]) / 2) / (q * (q - 1))
    s = float((p * term**2).sum())
    return c, float(np.sqrt((s - (pa - 2 * (1 - c) * pe) ** 2) / (n * (1 - pe) ** 2)))


def test_table_input_uses_irrcacs_table_formulas():
    # irrCAC documentation (README / vignette), cont3x3abstractors: gwet.ac1.table SE 0.04321747,
    # pa2.table SE 0.03128898, scott2.table SE 0.05905473. Published to 7 significant digits:
    # compared to 1e-6 (the tolerance), through the CLI's --table path.
    got = rows_of(rel.compute(rel.ratings_from_table(table_source(ABSTRACTORS), "x", "nominal"), {}))
    published = {"gwet_ac1": 0.04321747, "percent_agreement": 0.03128898, "fleiss_kappa": 0.05905473}
    for stat, se in published.items():
        assert got[stat]["se"] == pytest.approx(se, abs=1e-6), stat
        assert got[stat]["se_method"] == "linearisation (Gwet 2014): irrCAC table formula (n)"
    # Every Gwet-family row equals the transcribed irrCAC table formula (floating point only).
    for stat, kind in (("gwet_ac1", "ac1"), ("percent_agreement", "pa"),
                       ("fleiss_kappa", "scott"), ("brennan_prediger", "bp")):
        value, se = irrcac_table(ABSTRACTORS, kind)
        assert got[stat]["estimate"] == pytest.approx(value, abs=1e-12), stat
        assert got[stat]["se"] == pytest.approx(se, abs=1e-12), stat
    # Cohen's κ: FCE 1969 = irrCAC kappa2.table, already over n (README: SE 0.05891072).
    assert got["cohen_kappa"]["se"] == pytest.approx(0.05891072, abs=1e-7)


def test_raw_data_keeps_the_raw_formula():
    # The same 100 cases as raw ratings: irrCAC's *.raw variance over n (n − 1), so the SEs are
    # the table ones times √(n/(n − 1)) (n = 100) — unchanged by the table fix.
    pairs = np.array([(LABELS[i], LABELS[j]) for i in range(3) for j in range(3)
                      for _ in range(ABSTRACTORS[i, j])])
    got = rows_of(rel.compute(rel.ratings_from_wide(wide_source(pairs), ["r1", "r2"], "x",
                                                    "nominal"), {}))
    for stat, se in {"gwet_ac1": 0.04321747, "percent_agreement": 0.03128898,
                     "fleiss_kappa": 0.05905473}.items():
        assert got[stat]["se"] == pytest.approx(se * (100 / 99) ** 0.5, abs=1e-6), stat
        assert got[stat]["se_method"] == "linearisation (Gwet 2014): irrCAC raw data formula (n−1)"
    # dq before the fix gave these for --table; they are the raw-data values.
    assert got["gwet_ac1"]["se"] == pytest.approx(0.04343519, abs=1e-8)
    assert got["percent_agreement"]["se"] == pytest.approx(0.03144660, abs=1e-8)
    assert got["fleiss_kappa"]["se"] == pytest.approx(0.05935224, abs=1e-8)


# ------------------------------------------------------------------ bug 2: α without q × q

LEVELS = ("nominal", "ordinal", "interval", "ratio")


def random_ratings(rng, continuous):
    n, k = int(rng.integers(3, 60)), int(rng.integers(2, 8))
    if continuous:
        x = rng.gamma(2.0, 5.0, size=(n, k)).round(int(rng.integers(0, 4)))  # ties sometimes
    else:
        x = rng.integers(0, int(rng.integers(2, 8)), size=(n, k)).astype(float)
    x[rng.random(x.shape) < rng.uniform(0, 0.4)] = np.nan
    return x


def coincidence_alpha(x, metric, w=None):
    """The coincidence-matrix α (Krippendorff 2011) over the distinct values: the old path."""
    vals = np.unique(x[~np.isnan(x)])
    codes = np.where(np.isnan(x), -1, np.searchsorted(vals, np.nan_to_num(x)))
    return A.alpha_from_coincidences(A.coincidences(A.counts_matrix(codes, len(vals)), w),
                                     vals, metric)


def test_alpha_equals_the_krippendorff_package_at_every_level():
    krippendorff = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(12)
    compared = 0
    for trial in range(80):
        x = random_ratings(rng, continuous=trial % 2 == 0)
        for metric in LEVELS:
            ours = A.alpha(x, metric)[0]
            if not np.isfinite(ours):  # no variation: α undefined
                assert not np.isfinite(coincidence_alpha(x, metric)[0])
                continue
            theirs = krippendorff.alpha(reliability_data=x.T, level_of_measurement=metric)
            # The tolerance; the two differ by floating point only (~1e-15).
            assert ours == pytest.approx(theirs, abs=1e-9), (trial, metric)
            compared += 1
    assert compared > 250


def test_alpha_resamples_equal_the_coincidence_matrix_path():
    # Case weights (bootstrap resamples, table frequencies) give what the q × q coincidence
    # matrices gave: same draws, same SE.
    rng = np.random.default_rng(7)
    for trial in range(30):
        x = random_ratings(rng, continuous=trial % 2 == 0)
        w = rng.integers(0, 4, size=(5, x.shape[0])).astype(float)
        for metric in LEVELS:
            old, new = coincidence_alpha(x, metric, w), A.alpha(x, metric, w)
            assert np.array_equal(np.isfinite(old), np.isfinite(new)), (trial, metric)
            ok = np.isfinite(old)
            np.testing.assert_allclose(new[ok], old[ok], rtol=0, atol=1e-12)


def test_alpha_krippendorff_2011_worked_example():
    # Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", 4 observers × 12 units:
    # nominal .743, ordinal .815, interval .849, ratio .797 (published to three decimals).
    got = {m: A.alpha(RAW4, m)[0] for m in LEVELS}
    assert got == pytest.approx({"nominal": 0.743, "ordinal": 0.815, "interval": 0.849,
                                 "ratio": 0.797}, abs=5e-4)


def test_ratio_alpha_of_continuous_values_needs_no_q_by_q_matrix():
    # 2,000 cases × 6 raters of continuous values (q ≈ 10,800 distinct values): one q × q
    # float64 matrix alone would be ~0.9 GB, and the old bootstrap built one per resample.
    # Peak traced memory (numpy reports its buffers to tracemalloc) is a deterministic bound,
    # unlike a timing; measured ~76 MB for 200 resamples, ~81 MB for 1,000. Timing, recorded here rather than
    # tested (a loaded 2-core machine): ~1.3 s for the estimate and 1,000 resamples.
    import tracemalloc

    rng = np.random.default_rng(1)
    x = rng.gamma(2.0, 10.0, size=(2000, 6))
    x[rng.random(x.shape) < 0.1] = np.nan
    w = rel._boot_weights(2000, 200, rng)
    tracemalloc.start()
    try:
        draws = A.alpha(x, "ratio", w)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert np.isfinite(draws).all()
    assert peak < 300 * 2**20


def test_ratio_alpha_through_compute_matches_the_package():
    krippendorff = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(3)
    x = rng.gamma(2.0, 10.0, size=(150, 4))
    x[rng.random(x.shape) < 0.15] = np.nan
    for level in ("interval", "ratio"):
        r = rel.Ratings("v", level, ["a", "b", "c", "d"], x, None, [])
        row = rows_of(rel.compute([r], {}))["krippendorff_alpha"]
        theirs = krippendorff.alpha(reliability_data=x.T, level_of_measurement=level)
        assert row["estimate"] == pytest.approx(theirs, abs=1e-9), level
        assert row["se"] is not None and row["se"] > 0
        # Gwet's analytic SE (irrCAC krippen.alpha.raw), no bootstrap unless asked for
        assert row["se_method"].startswith("linearisation (Gwet 2014): irrCAC krippen.alpha.raw")
        boot = rows_of(rel.compute([r], {}, bootstrap=200))["krippendorff_alpha"]
        assert boot["estimate"] == pytest.approx(theirs, abs=1e-9), level
        assert boot["se_method"].startswith("bootstrap SD (200 resamples")


def test_categorical_alpha_through_compute_matches_the_package():
    krippendorff = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(9)
    x = rng.integers(1, 6, size=(120, 5)).astype(float)
    x[rng.random(x.shape) < 0.2] = np.nan
    codes = np.where(np.isnan(x), -1, x - 1).astype(np.int64)
    for level in ("nominal", "ordinal"):
        r = rel.Ratings("v", level, list("abcde"), np.empty(0), codes, ["1", "2", "3", "4", "5"],
                        category_values=np.arange(1.0, 6.0))
        row = rows_of(rel.compute([r], {}))["krippendorff_alpha"]
        theirs = krippendorff.alpha(reliability_data=x.T, level_of_measurement=level)
        assert row["estimate"] == pytest.approx(theirs, abs=1e-9), level
        assert row["se"] is not None and row["se"] > 0
