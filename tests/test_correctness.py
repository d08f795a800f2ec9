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
