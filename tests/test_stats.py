import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

from dq.stats import clopper_pearson, wilson, with_ci


def test_wilson_matches_published_coverage_figure():
    # Ytterstad et al., Acta Orthop 2012;83:174: 2,393 of 2,781 cruciate-ligament operations in NPR
    # were in the registry: 86 % (95 % CI 0.85–0.87).
    low, high = wilson(2393, 2781)
    assert 2393 / 2781 == pytest.approx(0.8605, abs=5e-4)
    assert round(low, 2) == 0.85
    assert round(high, 2) == 0.87


def test_wilson_hand_computed():
    # x = 8, n = 10, z = 1.959964: centre = (0.8 + 0.19207)/1.38415 = 0.71685,
    # half = 1.959964/1.38415 · √(0.016 + 0.0096037) = 0.22657 → (0.4902, 0.9433)
    low, high = wilson(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4)
    assert high == pytest.approx(0.9433, abs=1e-4)


@given(st.lists(st.tuples(st.integers(0, 5000), st.integers(1, 5000)), min_size=1, max_size=30))
def test_wilson_expression_equals_statsmodels(pairs):
    xs = [min(x, n) for x, n in pairs]
    ns = [n for _, n in pairs]
    df = with_ci(pl.DataFrame({"x": xs, "n": ns}), "x", "n", estimate="p")
    low, high = proportion_confint(np.array(xs), np.array(ns), method="wilson")
    np.testing.assert_allclose(df["ci_low"].to_numpy(), low, atol=1e-12)
    np.testing.assert_allclose(df["ci_high"].to_numpy(), high, atol=1e-12)


def test_clopper_pearson_equals_statsmodels_beta():
    xs = np.array([0, 1, 5, 19, 20, 2393])
    ns = np.array([20, 20, 20, 20, 20, 2781])
    low, high = clopper_pearson(xs, ns)
    ref_low, ref_high = proportion_confint(xs, ns, method="beta")
    np.testing.assert_allclose(low, ref_low, atol=1e-10)
    np.testing.assert_allclose(high, ref_high, atol=1e-10)


def test_zero_denominator_gives_no_interval():
    df = with_ci(pl.DataFrame({"x": [0], "n": [0]}), "x", "n", estimate="p")
    assert df.row(0) == (0, 0, None, None, None)
    assert all(math.isnan(v) for v in wilson(0, 0))
    df = with_ci(pl.DataFrame({"x": [0], "n": [0]}), "x", "n", estimate="p",
                 method="clopper-pearson")
    assert df["ci_low"][0] is None


def test_fisher_two_sided_equals_scipy_and_the_lady_tasting_tea():
    """dq.stats.fisher_two_sided against scipy.stats.fisher_exact (every table with cells 0–6,
    ties and empty margins included, and random large ones), and Fisher's own example: the
    lady tasting tea, [[3, 1], [1, 3]], two-sided p = 34/70 = 0.4857 (Fisher 1935, ch. 2)."""
    import itertools

    import numpy as np
    from scipy.stats import fisher_exact

    from dq.stats import fisher_two_sided

    assert fisher_two_sided(3, 1, 1, 3) == pytest.approx(34 / 70, rel=1e-12)
    rng = np.random.default_rng(7)
    tables = [*itertools.product(range(7), repeat=4),
              *(tuple(int(v) for v in rng.integers(0, [60, 900, 60, 9000])) for _ in range(400))]
    for a, b, c, d in tables:
        want = fisher_exact([[a, b], [c, d]])[1]
        assert fisher_two_sided(a, b, c, d) == pytest.approx(want, rel=1e-9, abs=1e-15), (a, b, c, d)


def test_funnel_limits_equal_scipy_stats_binom():
    """The funnel limits take SciPy's binomial cdf/ppf without importing scipy.stats (start-up
    time): the same numbers as through scipy.stats.binom (Spiegelhalter 2005's interpolated
    exact limits), bit for bit, over denominators 0 … 10⁷ and θ from 0 to 1."""
    from scipy.stats import binom

    from dq.stats import funnel_limits

    n = np.unique(np.concatenate([np.arange(0, 40), np.geomspace(1, 1e7, 120).round()]))
    for theta in (0.0, 1e-7, 0.01, 0.37, 0.5, 0.99, 1 - 1e-7, 1.0):
        for p in (0.001, 0.025, 0.975, 0.999):
            r = binom.ppf(p, n, theta)
            f_r, f_r1 = binom.cdf(r, n, theta), binom.cdf(r - 1, n, theta)
            with np.errstate(invalid="ignore", divide="ignore"):
                alpha = np.where(f_r > f_r1, (f_r - p) / (f_r - f_r1), 0.0)
                want = np.where(r >= n, 1.0, np.where(r <= 0, 0.0, (r - alpha) / n))
            want = np.where(n > 0, want, np.nan)
            assert np.array_equal(funnel_limits(n, theta, p), want, equal_nan=True), (theta, p)
