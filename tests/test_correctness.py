"""Correctness against the record: hand-computed shares, deviations and 2 × 2 figures."""

import json

import polars as pl
import pytest

from dq import correctness as corr
from dq import spec as spec_mod
from dq.spec import Thresholds
from tests.conftest import EXAMPLE, run, write_text

VLD = """pasid;sjukehus;horer;vld_varnamn;vld_vartype;vld_verdi_intern_tal;vld_verdi_ekstern_tal;vld_verdi_intern_logisk;vld_verdi_ekstern_logisk;vld_verdi_intern_dato;vld_verdi_ekstern_dato
1;Bergen;ja;vekt;tal;78;78;;;;
2;Bergen;ja;vekt;tal;71;76;;;;
3;Førde;nei;vekt;tal;;82;;;;
4;Førde;ja;vekt;tal;60;62;;;;
1;Bergen;ja;diabetes;logisk;;;TRUE;TRUE;;
2;Bergen;ja;diabetes;logisk;;;FALSE;TRUE;;
3;Førde;nei;diabetes;logisk;;;FALSE;FALSE;;
4;Førde;ja;diabetes;logisk;;;TRUE;FALSE;;
5;Førde;ja;diabetes;logisk;;;TRUE;TRUE;;
1;Bergen;ja;dato_ut;dato;;;;;2020-08-13;2020-08-14
"""


def load(tmp_path, spec_text=""):
    path = write_text(tmp_path / "vld.csv", VLD)
    from dq.io import scan

    sp_path = write_text(tmp_path / "dq.toml", spec_text)
    return corr.read_long(scan(path)), spec_mod.load(sp_path)


def row(result, variable, level="national", unit=None):
    rows = result.rows.filter((pl.col("variable") == variable) & (pl.col("level") == level))
    if unit:
        rows = rows.filter(pl.col("unit") == unit)
    return rows.row(0, named=True)


def test_hand_computed(tmp_path):
    df, sp = load(tmp_path, "[variables.vekt]\ntype = 'decimal'\ntolerance = 2\n")
    res = corr.compute(df, sp, unit="sjukehus", thresholds=Thresholds(0.9, 0.8),
                       patient="pasid", belongs="horer")
    vekt = row(res, "vekt")
    # 78=78 ✓, 71 vs 76 (5 > 2) ✗, missing vs 82 ✗, 60 vs 62 (2 ≤ 2) ✓ → 2/4.
    assert (vekt["n"], vekt["n_correct"]) == (4, 2)
    assert vekt["max_abs_deviation"] == 5 and vekt["mean_abs_deviation"] == pytest.approx(7 / 3)
    assert vekt["status"] == "fail" and vekt["problem_variable"]
    assert row(res, "vekt", "unit", "Førde")["n_correct"] == 1
    dia = row(res, "diabetes")
    # record = truth: TP 2 (1, 5), FN 1 (2), FP 1 (4), TN 1 (3)
    assert (dia["tp"], dia["fn"], dia["fp"], dia["tn"]) == (2, 1, 1, 1)
    assert dia["sensitivity"] == pytest.approx(2 / 3) and dia["specificity"] == pytest.approx(0.5)
    assert dia["ppv"] == pytest.approx(2 / 3) and dia["npv"] == pytest.approx(0.5)
    assert dia["n_correct"] == 3
    # one day apart, tolerance 0 by default → incorrect
    assert row(res, "dato_ut")["n_correct"] == 0
    p = res.patients.row(0, named=True)
    assert (p["n_registered"], p["n_true_positive"]) == (5, 4)


def test_date_tolerance(tmp_path):
    df, sp = load(tmp_path, "[variables.dato_ut]\ntype = 'date'\ntolerance = 1\n")
    res = corr.compute(df, sp, unit=None, thresholds=Thresholds())
    assert row(res, "dato_ut")["n_correct"] == 1


def test_not_a_validation_dataset(tmp_path):
    path = write_text(tmp_path / "x.csv", "a;b\n1;2\n")
    result = run("correctness", path)
    assert result.exit_code == 3 and "ikke et valideringsdatasett: kolonnen 'vld_varnamn' " \
        "mangler" in result.stderr, result.stderr
    result = run("correctness", path, "--lang", "en")
    assert result.exit_code == 3 and "not a valideringsdatasett" in result.stderr


def test_wide_pairs(tmp_path):
    path = write_text(tmp_path / "w.csv", "pid;asa;asa_j\n1;2;2\n2;3;2\n3;1;1\n")
    result = run("correctness", path, "--pairs", "asa:asa_j", "--patient", "pid", "--format",
                 "json", "--fail-under", "0.5")
    assert result.exit_code == 0, result.stderr
    r = json.loads(result.stdout)["results"][0]
    assert (r["variable"], r["n"], r["n_correct"]) == ("asa", 3, 2)


def test_cli_example():
    result = run("correctness", "--spec", EXAMPLE / "dq.toml", "--by", "unit", "--format", "json")
    doc = json.loads(result.stdout)
    nat = {r["variable"]: r for r in doc["results"] if r["level"] == "national"}
    assert nat["Komplikasjon"]["sensitivity"] < 0.8  # the registry misses complications
    assert nat["ASA"]["problem_variable"]
    assert doc["correct_patients"][0]["n_registered"] == 80
    assert "P0" not in result.stdout  # no patient id in the output


# ---- --weights: the sampling weights dq sample writes (Hájek estimator, Kish's n_eff)

def _with_weight(text: str, weights: list[str]) -> str:
    lines = text.strip().split("\n")
    return "\n".join([lines[0] + ";w"] + [f"{line};{w}" for line, w in
                                            zip(lines[1:], weights, strict=True)]) + "\n"


def test_equal_weights_give_the_unweighted_result(tmp_path):
    """A constant weight (every record stands for 2.5) changes no share and no interval: the
    ratio estimator is the plain share and Kish's n_eff = (Σw)²/Σw² = n."""
    from dq.io import scan

    sp = spec_mod.load(write_text(tmp_path / "dq.toml", "[variables.vekt]\ntolerance = 2\n"))
    plain = corr.read_long(scan(write_text(tmp_path / "a.csv", VLD)))
    weighted = corr.read_long(scan(write_text(tmp_path / "b.csv",
                                              _with_weight(VLD, ["2,5"] * 10))))
    args = dict(unit="sjukehus", thresholds=Thresholds(0.9, 0.8), patient="pasid",
                belongs="horer")
    a = corr.compute(plain, sp, **args)
    b = corr.compute(weighted, sp, weights="w", **args)
    shared = [c for c in a.rows.columns]
    from polars.testing import assert_frame_equal

    assert_frame_equal(a.rows, b.rows.select(shared), check_exact=False, rel_tol=1e-12)
    assert b.rows["n_effective"].to_list() == pytest.approx(b.rows["n"].cast(pl.Float64).to_list())
    assert_frame_equal(a.patients, b.patients.select(a.patients.columns), check_exact=False,
                       rel_tol=1e-12)


WEIGHTED = """pasid;vld_varnamn;vld_vartype;vld_verdi_intern_logisk;vld_verdi_ekstern_logisk;w
1;diabetes;logisk;TRUE;TRUE;1
2;diabetes;logisk;FALSE;TRUE;3
3;diabetes;logisk;FALSE;FALSE;2
4;diabetes;logisk;TRUE;FALSE;2
5;diabetes;logisk;TRUE;TRUE;4
"""


def test_weighted_by_hand(tmp_path):
    """Hand computation: correct are records 1, 3, 5 with weights 1 + 2 + 4 = 7 of Σw = 12, so
    p̂_w = 7/12; Σw² = 1 + 9 + 4 + 4 + 16 = 34, n_eff = 12²/34 = 4.2353 and the Wilson interval at
    x = p̂_w·n_eff = 84/34 of 144/34. Sensitivity (record = truth): TP weights 1 + 4 = 5, FN 3 →
    5/8 with n_eff = 8²/(1 + 16 + 9) = 64/26; specificity TN 2, FP 2 → 1/2 with n_eff = 16/8 = 2.
    The intervals are checked against statsmodels 0.14 proportion_confint(method="wilson") and
    the Wilson limits for 84/34 of 144/34 written out (0.2014, 0.8860) by hand: centre (7/12 + z²/2n_eff)/(1 + z²/n_eff)
    = 0.5437, half-width 0.3423."""
    from statsmodels.stats.proportion import proportion_confint

    from dq.io import scan

    df = corr.read_long(scan(write_text(tmp_path / "w.csv", WEIGHTED)))
    sp = spec_mod.load(write_text(tmp_path / "dq.toml", ""))
    res = corr.compute(df, sp, unit=None, thresholds=Thresholds(), weights="w",
                       ci_method="wilson")
    r = row(res, "diabetes")
    assert (r["n"], r["n_correct"]) == (5, 3)
    assert (r["weighted_n"], r["weighted_correct"]) == (12, 7)
    assert r["share_correct"] == pytest.approx(7 / 12)
    assert r["n_effective"] == pytest.approx(144 / 34)
    lo, hi = proportion_confint(84 / 34, 144 / 34, method="wilson")
    assert (r["ci_low"], r["ci_high"]) == (pytest.approx(lo, abs=1e-12),
                                           pytest.approx(hi, abs=1e-12))
    assert (r["ci_low"], r["ci_high"]) == (pytest.approx(0.2014, abs=5e-4),
                                           pytest.approx(0.8860, abs=5e-4))
    assert r["sensitivity"] == pytest.approx(5 / 8)
    lo, hi = proportion_confint(5 / 8 * 64 / 26, 64 / 26, method="wilson")
    assert (r["sensitivity_ci_low"], r["sensitivity_ci_high"]) == (pytest.approx(lo),
                                                                   pytest.approx(hi))
    assert r["specificity"] == pytest.approx(0.5)
    lo, hi = proportion_confint(1, 2, method="wilson")
    assert r["specificity_ci_low"] == pytest.approx(lo)
    # The weighted share differs from the unweighted 3/5: the weights matter.
    assert r["share_correct"] != pytest.approx(3 / 5)
    # Clopper-Pearson at the effective size: Beta quantiles at x = 84/34, n = 144/34.
    cp = row(corr.compute(df, sp, unit=None, thresholds=Thresholds(), weights="w",
                          ci_method="clopper-pearson"), "diabetes")
    lo, hi = proportion_confint(84 / 34, 144 / 34, method="beta")
    assert (cp["ci_low"], cp["ci_high"]) == (pytest.approx(lo), pytest.approx(hi))


def test_weights_cli(tmp_path):
    path = write_text(tmp_path / "w.csv", WEIGHTED)
    result = run("correctness", path, "--weights", "w", "--format", "json", "--lang", "en")
    assert result.exit_code in (0, 1), result.stderr
    r = json.loads(result.stdout)["results"][0]
    assert r["share_correct"] == pytest.approx(7 / 12) and r["weighted_n"] == 12
    assert "Hájek" in result.stderr
    bad = write_text(tmp_path / "bad.csv",
                     WEIGHTED.replace(";4\n", ";0,5\n").replace(";3\n", ";x\n"))
    result = run("correctness", bad, "--weights", "w", "--lang", "en")
    assert result.exit_code == 3
    assert "weight column 'w': 1 value missing or not a number and 1 below 1" in result.stderr
    result = run("correctness", bad, "--weights", "w")  # nb, dq's default
    assert result.exit_code == 3
    assert "dq: feil: bad.csv: vektkolonnen 'w': 1 verdi mangler eller er ikke tall, og 1 er under 1; " \
        "hver registrering trenger sin utvalgsvekt" in result.stderr, result.stderr
    result = run("correctness", path, "--weights", "vekt")
    assert result.exit_code == 3 and "'vekt'" in result.stderr
