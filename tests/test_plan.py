"""dq plan against published sample sizes and the peers' source (kappaSize 1.2, presize 0.3.7,
R power.prop.test, statsmodels), hand-checked cases and invariants."""

import json
import math
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dq import plan as P
from tests.conftest import run

# ----------------------------------------------------------------------------- κ model cells

# The cell probabilities exactly as kappaSize 1.2 writes them out, rater by rater
# (R/CIBinary.R and R/powerBinary.R, functions P0..Pm; R/CI3Cats.R, functions P1..P3).
KAPPASIZE_BINARY = {
    2: [lambda r, p: (1 - p) ** 2 + r * p * (1 - p),
        lambda r, p: 2 * (1 - r) * p * (1 - p),
        lambda r, p: p ** 2 + r * p * (1 - p)],
    3: [lambda r, p: (1 - p) ** 3 + p * r * ((1 - p) ** 2 + (1 - p)),
        lambda r, p: 3 * p * (1 - r) * (1 - p) ** 2,
        lambda r, p: 3 * p ** 2 * (1 - p) * (1 - r),
        lambda r, p: p ** 3 + r * p * (1 - p ** 2)],
    4: [lambda r, p: p**4 - r*p**4 - 4*p**3 + 4*r*p**3 + 6*p**2 - 6*r*p**2 - 4*p + 3*r*p + 1,
        lambda r, p: (4 * (1 - 3*p - r + 3*r*p + 3*p**2 - 3*r*p**2 - p**3 + r*p**3)) * p,
        lambda r, p: -(6 * (-1 + r + 2*p - 2*r*p - p**2 + r*p**2)) * p**2,
        lambda r, p: (4 * (1 - r - p + r*p)) * p**3,
        lambda r, p: -(-p**3 - r + r*p**3) * p],
    5: [lambda r, p: (-p**5 + r*p**5 + 5*p**4 - 5*r*p**4 + 10*r*p**3 - 10*p**3 - 10*r*p**2
                      + 10*p**2 + 4*r*p - 5*p + 1),
        lambda r, p: -(5 * (-1 + 4*p + r - 4*r*p - 6*p**2 + 6*r*p**2 + 4*p**3 - 4*r*p**3 - p**4
                            + r*p**4)) * p,
        lambda r, p: (10 * (1 - r - 3*p + 3*r*p + 3*p**2 - 3*r*p**2 - p**3 + r*p**3)) * p**2,
        lambda r, p: -(10 * (-1 + r + 2*p - 2*r*p - p**2 + r*p**2)) * p**3,
        lambda r, p: (5 * (1 - r - p + r*p)) * p**4,
        lambda r, p: -(-p**4 - r + r*p**4) * p],
}


def _ks3(k, p, m):
    """kappaSize CI3Cats: P(all m raters choose a category of share p), m = 2, 3, 4."""
    if m == 2:
        return p ** 2 * (-(-p - k + k * p) / p)
    if m == 3:
        return p**3 * ((p**2 + 3*k*p - 2*k*p**2 + 2*k**2 - 3*k**2*p + k**2*p**2) / p**2) / (1 + k)
    return -p * (-p**3 - 6*k*p**2 + 3*k*p**3 - 11*k**2*p + 12*k**2*p**2 - 3*k**2*p**3 - 6*k**3
                 + 11*k**3*p - 6*k**3*p**2 + k**3*p**3) / ((1 + k) * (1 + 2*k))


@pytest.mark.parametrize("m", [2, 3, 4, 5])
@pytest.mark.parametrize("kappa,p", [(0.4, 0.3), (0.7, 0.5), (0.15, 0.08)])
def test_binary_cells_equal_kappasize(m, kappa, p):
    ours = P.kappa_cells(kappa, (1 - p, p), m)
    theirs = [f(kappa, p) for f in KAPPASIZE_BINARY[m]]
    assert ours == pytest.approx(theirs, abs=1e-14)
    assert sum(ours) == pytest.approx(1, abs=1e-14)


@pytest.mark.parametrize("m", [2, 3, 4])
def test_multinomial_cells_equal_kappasize(m):
    props = (0.3, 0.2, 0.5)
    ours = P.kappa_cells(0.4, props, m)
    theirs = [_ks3(0.4, p, m) for p in props]
    assert ours[1:] == pytest.approx(theirs, abs=1e-14)
    assert ours[0] == pytest.approx(1 - sum(theirs), abs=1e-14)


# ----------------------------------------------------------------------------- κ sample sizes


@pytest.mark.parametrize("prev,raters,expected", [
    # kappaSize 1.2 PowerBinary(kappa0 = 0.4, kappa1 = 0.7, props, raters, alpha = 0.05,
    # power = 0.8)$N, as recorded from R in public planning checklists (kappaSize's own Rd
    # examples print no value): 73.26 (props 0.5), 106.89 (props 0.2), 38.37 (props 0.5, 3 raters)
    (0.5, 2, 73.26), (0.2, 2, 106.89), (0.5, 3, 38.37)])
def test_kappa_power_equals_kappasize_power_binary(prev, raters, expected):
    plan = P.kappa_power(0.7, 0.4, power=0.8, prevalence=[prev], raters=raters)
    assert plan.n_exact == pytest.approx(expected, abs=0.005)
    assert plan.n == math.ceil(expected)
    assert plan.method == "kappa_power_binary"


def test_kappa_ci_equals_kappasize_ci_binary_4_raters():
    # kappaSize CIBinary(kappa0 = 0.6, kappaL = 0.4, kappaU = 0.8, props = c(0.48, 0.52),
    # raters = 4, alpha = 0.05): "A minimum of 32 subjects" (a published analysis script of a
    # depression-remission rating study quotes the result).
    assert P.kappa_width(0.6, width=0.4, prevalence=[0.48], raters=4).n == 32


def test_kappa_ci_binary_hand_computed():
    # CIBinary(kappa0 = 0.4, kappaL = 0.3, kappaU = 0.5, props = 0.3) (the package's example):
    # n is the larger of χ²₁(0.95) / Q(κ0 vs κL) and χ²₁(0.95) / Q(κ0 vs κU), cells at the limit.
    crit = 3.841458820694124
    q = [sum((a - b) ** 2 / b for a, b in zip(P.kappa_cells(0.4, (0.7, 0.3), 2),
                                             P.kappa_cells(lim, (0.7, 0.3), 2)))
         for lim in (0.3, 0.5)]
    plan = P.kappa_width(0.4, width=0.2, prevalence=[0.3])
    assert plan.n_exact == pytest.approx(max(crit / q[0], crit / q[1]), rel=1e-12)
    assert plan.n == 397  # 396.85 from the lower limit; the upper needs 336.89
    assert (plan.ci_low, plan.ci_high) == pytest.approx((0.3, 0.5))


def test_kappa_fixed_n_inverts_the_width():
    plan = P.kappa_width(0.4, width=0.2, prevalence=[0.3])
    back = P.kappa_width(0.4, n=plan.n, prevalence=[0.3])
    assert back.ci_low == pytest.approx(0.3, abs=5e-4)  # n was set by the lower limit
    assert back.ci_high < 0.5


def test_kappa_multi_category_uses_the_rotondi_donner_model():
    plan = P.kappa_width(0.4, width=0.2, prevalence=[0.3, 0.2, 0.5], raters=3)
    assert plan.method == "kappa_ci_multi" and plan.inputs["categories"] == 3
    equal = P.kappa_width(0.4, width=0.2, categories=3, raters=3)
    assert equal.inputs["prevalence"] == pytest.approx([1 / 3] * 3)


def test_kappa_power_at_n_reaches_the_power_asked():
    plan = P.kappa_power(0.6, 0.4, power=0.8, prevalence=[0.3])
    assert plan.n == 191  # 190.46
    assert P.kappa_power(0.6, 0.4, n=191, prevalence=[0.3]).power >= 0.8
    assert P.kappa_power(0.6, 0.4, n=190, prevalence=[0.3]).power < 0.8


# ----------------------------------------------------------------------------- ICC


@pytest.mark.parametrize("rho,k,width,expected", [
    (0.85, 4, 0.2, 20),  # Bonett 2002's example; presize 0.3.7 tests/test-correlation_measures
    (0.75, 2, 0.2, 79),  # presize prec_icc(0.75, 2, conf.width = 0.2): n = 79 (with +5ρ)
    (0.75, 3, 0.2, 52),  # presize prec_icc(0.75, 3, conf.width = 0.2): n = 52
])
def test_icc_width_equals_bonett_and_presize(rho, k, width, expected):
    assert P.icc_width(rho, raters=k, width=width).n == expected


def test_icc_width_at_n_equals_presize():
    # presize 0.3.7 tests: prec_icc(rho = 0.5, k = 3, n = 50)$conf.width = 0.3233102
    assert P.icc_width(0.5, raters=3, n=50).width == pytest.approx(0.3233102, abs=1e-7)


def test_icc_bonett_adds_5_rho_for_two_raters():
    # Borg et al. 2022 (SciBorgo/sample-size-icc, Bonett-Zou-Walter-formulas.R): k = 2, ρ = 0.9,
    # w = 0.1, z = 1.96 → 1 + 8·1.96²·0.1²·1.9² / (2·0.1²) = 56.47, + 5·0.9 = 60.97 → 61.
    plan = P.icc_width(0.9, raters=2, width=0.1)
    assert plan.n_exact == pytest.approx(60.97, abs=0.01) and plan.n == 61
    assert plan.notes == ("bonett_plus",)


def test_icc_power_walter_eliasziw_donner():
    # Borg et al. 2022's Walter formula, k = 2, ρ1 = 0.9, ρ0 = 0.8: with their rounded
    # z_β = 0.84 n = 57.17; with z_β = Φ⁻¹(0.8) = 0.8416: 1 + 4·(1.95996 + 0.84162)² /
    # ln(9/19)² = 57.23 → 58.
    plan = P.icc_power(0.9, 0.8, raters=2, power=0.8)
    assert plan.n_exact == pytest.approx(1 + 4 * (1.959964 + 0.841621) ** 2
                                         / math.log(9 / 19) ** 2, rel=1e-6)
    assert plan.n == 58
    assert P.icc_power(0.9, 0.8, raters=2, n=58).power >= 0.8
    assert P.icc_power(0.9, 0.8, raters=2, n=57).power < 0.8


# ----------------------------------------------------------------------------- proportions

# presize 0.3.7 tests/test-descriptive_stats.R, checked there against Stata `cii proportions
# 100 50, wilson|exact|wald`.
STATA = {"wilson": (0.4038315, 0.5961685), "clopper-pearson": (0.3983211, 0.6016789),
         "wald": (0.4020018, 0.5979982)}


@pytest.mark.parametrize("method", sorted(STATA))
def test_proportion_interval_at_n_equals_stata(method):
    plan = P.proportion(0.5, n=100, method=method)
    assert (plan.ci_low, plan.ci_high) == pytest.approx(STATA[method], abs=1e-7)


@pytest.mark.parametrize("method", sorted(STATA))
def test_proportion_n_for_the_stata_width_is_100(method):
    low, high = STATA[method]
    assert P.proportion(0.5, width=high - low + 1e-9, method=method).n == 100


def test_proportion_search_gives_the_smallest_n():
    plan = P.proportion(0.9, width=0.05, method="clopper-pearson")
    low, high = P.expected_interval(0.9, plan.n, "clopper-pearson", 0.95)
    assert high - low <= 0.05
    low, high = P.expected_interval(0.9, plan.n - 1, "clopper-pearson", 0.95)
    assert high - low > 0.05
    assert plan.n_exact is None


def test_sensitivity_buderer():
    # Buderer 1996: n = z² Se(1 − Se) / d² = 1.95996² · 0.9 · 0.1 / 0.05² = 138.29 positives;
    # at 20 % prevalence 138.29 / 0.2 = 691.5 → 692 patients (statsmodels
    # samplesize_confint_proportion(0.9, 0.05) = 138.2925).
    plan = P.diagnostic(0.9, 0.2, width=0.1)
    assert plan.n_exact == pytest.approx(138.2925, abs=1e-4)
    assert (plan.n, plan.n_total) == (139, 692)
    spec = P.diagnostic(0.9, 0.2, which="specificity", width=0.1)
    assert (spec.n, spec.n_total) == (139, 173)  # 138.29 / 0.8 = 172.9


def test_sensitivity_at_a_fixed_total():
    # presize tests: prec_sens(0.4, prev = 0.5, ntot = 200, method = "wilson") → n = 100,
    # CI 0.3094013–0.4979974 (Stata cii proportions 100 40, wilson).
    plan = P.diagnostic(0.4, 0.5, n=200, method="wilson")
    assert plan.n == 100 and plan.n_total == 200
    assert (plan.ci_low, plan.ci_high) == pytest.approx((0.3094013, 0.4979974), abs=1e-6)


def test_difference_without_correction_equals_r_and_statsmodels():
    from statsmodels.stats.proportion import samplesize_proportions_2indep_onetail

    # R ?power.prop.test: power.prop.test(p1 = .50, p2 = .75, power = .90) gives n = 76.7
    plan = P.difference(0.5, 0.75, power=0.9, continuity=False)
    assert plan.n_exact == pytest.approx(76.7, abs=0.05)
    assert plan.n_exact == pytest.approx(
        samplesize_proportions_2indep_onetail(0.25, 0.5, 0.9), rel=1e-9)
    assert (plan.n, plan.n_total) == (77, 154)


def test_difference_continuity_correction_hand_computed():
    # Fleiss, Levin & Paik 2003 eq. 4.14: n = n'/4 (1 + √(1 + 4/(n'Δ)))², n' = 76.7069, Δ = 0.25:
    # 76.7069/4 · (1 + √1.20858)² = 84.518 → 85 per group.
    plan = P.difference(0.5, 0.75, power=0.9)
    assert plan.n_exact == pytest.approx(84.518, abs=1e-3)
    assert (plan.n, plan.n_total) == (85, 170)
    assert P.difference(0.5, 0.75, n=85).power >= 0.9
    assert P.difference(0.5, 0.75, n=84).power < 0.9


def test_difference_power_without_correction_equals_statsmodels():
    from statsmodels.stats.proportion import power_proportions_2indep

    ours = P.difference(0.7, 0.8, n=200, continuity=False).power
    theirs = power_proportions_2indep(0.1, 0.7, 200).power
    assert ours == pytest.approx(theirs, abs=1e-3)  # statsmodels adds the far tail (~1e-6)


# ----------------------------------------------------------------------------- invariants


@settings(max_examples=60, deadline=None)
@given(kappa=st.floats(0.3, 0.8), prev=st.floats(0.1, 0.9), raters=st.integers(2, 6),
       w1=st.floats(0.05, 0.3), dw=st.floats(0.01, 0.2))
def test_kappa_n_decreases_as_width_grows(kappa, prev, raters, w1, dw):
    w2 = w1 + dw
    if kappa - w2 / 2 <= 0 or kappa + w2 / 2 >= 1:
        return
    narrow = P.kappa_width(kappa, width=w1, prevalence=[prev], raters=raters)
    wide = P.kappa_width(kappa, width=w2, prevalence=[prev], raters=raters)
    assert wide.n <= narrow.n


@settings(max_examples=60, deadline=None)
@given(p=st.floats(0.02, 0.98), w1=st.floats(0.02, 0.4), dw=st.floats(0.005, 0.3),
       method=st.sampled_from(P.CI_METHODS))
def test_proportion_n_decreases_as_width_grows_and_reaches_the_width(p, w1, dw, method):
    narrow = P.proportion(p, width=w1, method=method)
    wide = P.proportion(p, width=min(w1 + dw, 0.99), method=method)
    assert wide.n <= narrow.n
    low, high = P.expected_interval(p, narrow.n, method, 0.95)
    assert high - low <= w1 + 1e-9


@settings(max_examples=40, deadline=None)
@given(rho=st.floats(0.1, 0.95), k=st.integers(2, 8), w=st.floats(0.05, 0.5))
def test_icc_width_round_trip(rho, k, w):
    plan = P.icc_width(rho, raters=k, width=w)
    assert P.icc_width(rho, raters=k, n=plan.n).width <= w + 1e-9


@settings(max_examples=40, deadline=None)
@given(p1=st.floats(0.05, 0.95), d=st.floats(0.05, 0.4), power=st.floats(0.5, 0.95))
def test_difference_power_round_trip(p1, d, power):
    p2 = p1 + d
    if p2 >= 0.99:
        return
    plan = P.difference(p1, p2, power=power)
    assert P.difference(p1, p2, n=plan.n).power >= power - 1e-9


# ----------------------------------------------------------------------------- the command


def test_cli_kappa_json():
    result = run("plan", "kappa", "--kappa", "0.6", "--kappa0", "0.4", "--prevalence", "0.3",
                 "--power", "0.8", "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["command"] == "plan" and doc["inputs"] == [] and doc["spec"] is None
    (row,) = doc["results"]
    assert row["n"] == 191 and row["method"] == "kappa_power_binary"
    assert "Donner & Eliasziw 1992" in row["reference"]


def test_cli_markdown_paragraph_in_norwegian():
    result = run("plan", "sensitivity", "--sensitivity", "0.9", "--width", "0.1",
                 "--prevalence", "0.2", "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    # Norwegian typography: a non-breaking thin space (U+202F) before every %
    assert ("Med 139 pasienter med tilstanden (692 pasienter i alt ved en forekomst på "
            "20,0\u202f%) blir forventet 95\u202f% KI for sensitivitet 85,0\u202f%–95,0\u202f%"
            ) in result.stdout
    assert "with" not in result.stdout.lower().replace("wilson", "")


def test_cli_english_table():
    result = run("plan", "proportion", "--proportion", "0.9", "--width", "0.05", "--lang", "en")
    assert result.exit_code == 0
    # Wilson half-width z√n/(n + z²)·√(pq + z²/4n) at p = 0.9: 0.0250017 at n = 556, 0.0249791
    # at n = 557 (by hand, the formula of presize prec_prop)
    assert "With 557 records the expected 95 % CI" in result.stdout


@pytest.mark.parametrize(("args", "nb", "en"), [
    (["kappa", "--kappa", "0.95", "--width", "0.2", "--prevalence", "0.3"],  # κ + w/2 ≥ 1
     "med κ = 0,950 og --width 0,2 ville intervallet κ ± width/2 gå forbi 1, men κ ligger "
     "mellom 0 og 1: be om en --width på høyst 0,099",
     "with κ = 0.950 and --width 0.2 the interval κ ± width/2 would pass 1, but κ lies between "
     "0 and 1: ask for a --width of at most 0.099"),
    (["kappa", "--kappa", "0.6", "--prevalence", "0.3"],  # neither --width nor --n
     "oppgi nøyaktig én av --width og --n", "give exactly one of --width and --n"),
    (["kappa", "--kappa", "0.6", "--width", "0.2", "--prevalence", "0.2,0.3"],  # sum ≠ 1
     "de 2 kategoriandelene gitt med --prevalence må summere seg til 1 (summen er 0,5)",
     "the 2 category shares given with --prevalence must sum to 1 (they sum to 0.5)"),
    (["kappa", "--kappa", "0.6", "--width", "0.2", "--prevalence", "0,3x"],
     "--prevalence tar én andel (0.3) eller én andel per kategori atskilt med komma "
     "(0.2,0.3,0.5), med desimalpunktum",
     "--prevalence takes one share (0.3) or one share per category separated by commas "
     "(0.2,0.3,0.5), with a decimal point"),
    (["kappa", "--kappa", "0.6", "--width", "0.2", "--power", "0.8", "--prevalence", "0.3"],
     "--power trenger --kappa0, κ-verdien som skal forkastes",
     "--power needs --kappa0, the κ to reject"),
    (["icc", "--icc", "0.8", "--width", "0.2", "--n", "40"],
     "oppgi nøyaktig én av --width og --n", "give exactly one of --width and --n"),
    (["difference", "--p1", "0.7", "--p2", "0.7"],
     "--p1 og --p2 må være ulike", "--p1 and --p2 must differ"),
    (["proportion", "--proportion", "1.5", "--width", "0.1"],
     "--proportion må ligge strengt mellom 0 og 1 (fikk 1,5)",
     "--proportion must lie strictly between 0 and 1 (got 1.5)"),
])
def test_cli_bad_input_is_exit_2_with_one_line(args, nb, en):
    """One line in the run's language: Norwegian with a decimal comma in the values dq
    computed or echoes, the flags and their literals (0.2,0.3,0.5) as typed."""
    for lang, line in (("nb", f"dq: feil: {nb}\n"), ("en", f"dq: error: {en}\n")):
        result = run("plan", *args, "--lang", lang)
        assert result.exit_code == 2
        assert result.stderr == line


def test_plan_help_does_not_import_heavy_statistics():
    code = ("import sys; from dq.cli import app; from typer.testing import CliRunner; "
            "CliRunner().invoke(app, ['plan', '--help']); "
            "CliRunner().invoke(app, ['plan', 'kappa', '--help']); "
            "print(sorted(m for m in ('scipy', 'statsmodels', 'polars') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


# ----------------------------------------------------------------------------- --from-study

PILOT_ARGS = ("--from-study", "examples/hoftebrudd/interrater.csv", "--spec",
              "examples/hoftebrudd/dq.toml")


def _pilot_frame():
    import polars as pl

    from tests.conftest import EXAMPLE

    return pl.read_csv(EXAMPLE / "interrater.csv", separator=";", decimal_comma=True,
                       encoding="utf8-lossy", infer_schema_length=0)


def test_from_study_kappa_takes_fleiss_kappa_and_shares_from_the_pilot():
    """The pilot's Fleiss' κ is checked against statsmodels 0.14 ``fleiss_kappa`` on the same
    ratings, its prevalence counted directly (positive ratings / all ratings); the plan then
    equals kappa_width with those values (itself tested against kappaSize above)."""
    from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

    df = _pilot_frame()
    wide = (df.select("Kasus", "Registrar", "Komplikasjon")
            .pivot(on="Registrar", index="Kasus", values="Komplikasjon").drop("Kasus"))
    table, _ = aggregate_raters(wide.to_numpy().astype(int))
    kappa = float(fleiss_kappa(table, method="fleiss"))
    prevalence = float((df["Komplikasjon"].cast(int) == 1).mean())
    assert prevalence == pytest.approx(8 / 120)  # 8 positive ratings of 120 (60 cases × 2)
    result = run("plan", "kappa", *PILOT_ARGS, "--variable", "Komplikasjon", "--width", "0.3",
                 "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)["results"][0]
    pilot = doc["pilot"]
    assert pilot["value"] == pytest.approx(kappa, abs=1e-9)
    assert (pilot["n"], pilot["raters"], pilot["statistic"]) == (60, 2, "fleiss_kappa")
    assert pilot["shares"] == pytest.approx([1 - prevalence, prevalence])
    assert pilot["taken"] == ["kappa", "prevalence", "raters"]
    expected = P.kappa_width(kappa, width=0.3, prevalence=[prevalence], raters=2)
    assert doc["n"] == expected.n and doc["inputs"]["prevalence"] == pytest.approx(prevalence)


def test_from_study_says_where_the_values_came_from():
    result = run("plan", "kappa", *PILOT_ARGS, "--variable", "Komplikasjon", "--kappa", "0.6",
                 "--width", "0.3", "--format", "markdown", "--lang", "nb")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "Fra pilotstudien interrater.csv (variabel Komplikasjon, 60 kasus, 2 registratorer)" \
        in text
    # --kappa was given: only the shares and the raters come from the pilot
    assert "herfra er hentet kategoriandelene og antall registratorer." in text
    assert "κ = 0,60" in text and "the pilot" not in text


def test_from_study_icc_uses_icc_2_1_and_bonett():
    """ICC(2,1) of the pilot (dq reliability's row, itself tested against irr/irrCAC), then
    Bonett's n = 8z²(1 − ρ)²(1 + ρ)²/(2w²) + 1 + 5ρ for two raters and ρ ≥ 0.7."""
    rel = run("reliability", "examples/hoftebrudd/interrater.csv", "--spec",
              "examples/hoftebrudd/dq.toml", "--variables", "Operasjonstid", "--format", "json")
    icc = next(r for r in json.loads(rel.stdout)["results"] if r["statistic"] == "icc_2_1")
    result = run("plan", "icc", *PILOT_ARGS, "--variable", "Operasjonstid", "--width", "0.1",
                 "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)["results"][0]
    rho, z = icc["estimate"], 1.959963984540054
    n = 8 * z**2 * (1 - rho) ** 2 * (1 + rho) ** 2 / (2 * 0.1**2) + 1 + 5 * rho
    assert doc["pilot"]["value"] == pytest.approx(rho)
    assert doc["pilot"]["n"] == icc["n_cases"]
    assert doc["n"] == math.ceil(n) and doc["inputs"]["raters"] == 2


@pytest.mark.parametrize("args, code, says", [
    (("--width", "0.3"), 2, "has 15 variables: name the one to plan for with --variable"),
    (("--variable", "Kjonn", "--width", "0.3"), 2, "Fleiss' κ = 1.00 for 'Kjonn'"),
    (("--variable", "Nope", "--width", "0.3"), 3, "column 'Nope' not found"),
])
def test_from_study_errors(args, code, says):
    result = run("plan", "kappa", *PILOT_ARGS, *args, "--lang", "en")
    assert result.exit_code == code and says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_from_study_errors_in_norwegian():
    result = run("plan", "kappa", *PILOT_ARGS, "--variable", "Kjonn", "--width", "0.3")
    assert result.exit_code == 2
    assert result.stderr == ("dq: feil: pilotstudien interrater.csv gir Fleiss' κ = 1,00 for "
                             "'Kjonn': planen trenger en verdi mellom 0 og 1; oppgi --kappa "
                             "selv\n")
    result = run("plan", "kappa", *PILOT_ARGS, "--variable", "Nope", "--width", "0.3")
    assert result.exit_code == 3
    assert result.stderr.startswith("dq: feil: examples/hoftebrudd/interrater.csv: fant ikke "
                                    "kolonnen 'Nope' (kolonner: ")


def test_from_study_wide_form(tmp_path):
    """Wide form (--rater-columns): 10 cases, binary; Fleiss' κ by hand. Ratings (a, b):
    6 × (1, 1), 2 × (0, 0), 1 × (1, 0), 1 × (0, 1): p_o = 8/10; pooled p = 14/20 = 0.7,
    p_e = 0.7² + 0.3² = 0.58; Fleiss' κ = (p_o − p_e)/(1 − p_e) = 0.22/0.42 = 0.5238."""
    from tests.conftest import write_text

    rows = ["1;1"] * 6 + ["0;0"] * 2 + ["1;0", "0;1"]
    path = write_text(tmp_path / "pilot.csv", "a;b\n" + "\n".join(rows) + "\n")
    result = run("plan", "kappa", "--from-study", path, "--rater-columns", "a,b", "--width",
                 "0.4", "--format", "json")
    assert result.exit_code == 0, result.stderr
    pilot = json.loads(result.stdout)["results"][0]["pilot"]
    assert pilot["value"] == pytest.approx(0.22 / 0.42)
    assert pilot["shares"] == pytest.approx([0.3, 0.7]) and pilot["n"] == 10


def test_from_study_never_overwrites_the_pilot(tmp_path):
    from tests.conftest import write_text

    path = write_text(tmp_path / "pilot.csv", "a;b\n1;1\n0;0\n1;0\n")
    before = path.read_bytes()
    result = run("plan", "kappa", "--from-study", path, "--rater-columns", "a,b", "--width",
                 "0.4", "-o", path)
    assert result.exit_code == 2 and path.read_bytes() == before
