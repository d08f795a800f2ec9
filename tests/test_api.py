"""The Python API: the commands as functions, results equal to what the CLI writes."""

from __future__ import annotations

import json

import polars as pl
import pytest

import dq
from tests.conftest import EXAMPLE, run, write_text

SPEC = EXAMPLE / "dq.toml"


def _strip(doc: dict) -> dict:
    doc = dict(doc)
    doc.pop("manifest", None)
    return doc


def test_completeness_equals_the_cli(tmp_path):
    result = dq.completeness(EXAMPLE / "hoftebrudd.csv", spec=SPEC, by="unit")
    cli = run("completeness", EXAMPLE / "hoftebrudd.csv", "--spec", SPEC, "--by", "unit",
              "--format", "json")
    assert json.loads(result.to_json()) == json.loads(cli.stdout)
    assert isinstance(result.rows, pl.DataFrame) and result.failed == (cli.exit_code == 1)
    with pytest.raises(AttributeError):
        result.rows = None  # frozen


def test_a_data_frame_is_data(tmp_path):
    df = pl.DataFrame({"Kjonn": ["1", "2", None, "2"], "Alder": ["80", "", "7x", "66"]})
    result = dq.completeness(df)
    got = {r["variable"]: (r["n_applicable"], r["n_missing"]) for r in result.rows.to_dicts()}
    assert got == {"Kjonn": (4, 1), "Alder": (4, 1)}
    doc = json.loads(result.to_json())
    assert doc["inputs"][0]["format"] == "frame" and len(doc["inputs"][0]["sha256"]) == 64
    lazy = dq.completeness(df.lazy())
    assert lazy.rows.equals(result.rows)


def test_coverage_equals_the_cli():
    result = dq.coverage(spec=SPEC, by="rhf")
    cli = run("coverage", "--spec", SPEC, "--by", "rhf", "--format", "json")
    assert json.loads(result.to_json()) == json.loads(cli.stdout)


def test_report_equals_the_cli(tmp_path):
    spec = dq.load_spec(SPEC)
    result = dq.report(spec)
    cli = run("report", SPEC, "--format", "json")
    api_doc, cli_doc = json.loads(result.to_json()), json.loads(cli.stdout)
    assert _strip(api_doc) == _strip(cli_doc)
    assert result.detail.year == 2023
    # what a notebook does with it
    failing = result.rows.filter(pl.col("status") == "fail", pl.col("unit").is_null())
    assert "kompletthet.variabel.Komplikasjonstype" in failing["id"].to_list()
    # the manifest lists every input the report read
    names = {i["path"].rsplit("/", 1)[-1] for i in api_doc["manifest"]["inputs"]}
    assert {"hoftebrudd.csv", "npr_aggregat.csv", "interrater.csv", "validering.csv",
            "enheter.csv", "kodebok.csv"} <= names


def test_nothing_prints(capsys, tmp_path):
    bad = write_text(tmp_path / "dq.toml", "[dataset]\nfiles = ['missing.csv']\n")
    with pytest.raises(dq.errors.DQError):
        dq.report(bad)
    assert capsys.readouterr() == ("", "")


def test_all_lists_the_api():
    assert set(dq.__all__) >= {"load_spec", "completeness", "coverage", "report", "compare"}
    from dq import completeness as module

    assert callable(module) and hasattr(module, "compute")


def test_compare_equals_the_cli(tmp_path):
    before, after = tmp_path / "b.json", tmp_path / "a.json"
    run("report", SPEC, "--format", "json", "-o", before)
    run("report", SPEC, "--data", EXAMPLE / "hoftebrudd_oppfolging.csv", "--format", "json",
        "-o", after)
    result = dq.compare(before, after)
    cli = run("compare", before, after, "--format", "json")
    assert json.loads(result.to_json()) == json.loads(cli.stdout)
    olav = result.rows.filter(pl.col("id") == "kompletthet.variabel.ASA",
                              pl.col("unit") == "St. Olavs")
    assert olav["change"].item() == "resolved"


def test_reliability_and_correctness_equal_the_cli():
    spec = dq.load_spec(SPEC)
    rel = dq.reliability(EXAMPLE / "interrater.csv", spec)
    cli = run("reliability", "--spec", SPEC, "--format", "json")
    assert json.loads(rel.to_json()) == json.loads(cli.stdout)
    cor = dq.correctness(EXAMPLE / "validering.csv", spec, by_unit=True)
    cli = run("correctness", "--spec", SPEC, "--by", "unit", "--format", "json")
    assert json.loads(cor.to_json()) == json.loads(cli.stdout)
    asa = rel.rows.filter(pl.col("variable") == "Antibiotika", pl.col("statistic") == "cohen_kappa")
    assert asa["status"].item() == "warn"  # the kappa paradox variable of the example


# irrCAC's cac.raw4raters (12 subjects, 4 raters, codes 1–5, missing ratings), as in
# tests/test_reliability.py.
RAW4 = [[1, 1, None, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
        [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [None, 5, 5, 5], [None, None, 1, 1],
        [None, None, 3, None]]


def test_reliability_options_pass_through_like_the_cli(tmp_path):
    from scipy.stats import norm

    path = write_text(tmp_path / "raw4.csv", "r1;r2;r3;r4\n" + "".join(
        ";".join("" if v is None else str(v) for v in row) + "\n" for row in RAW4))
    options = dict(level_of_confidence=0.90, interval="z", population_size=100,
                   weights="linear")
    res = dq.reliability(path, raters=["r1", "r2", "r3", "r4"], level="ordinal",
                         categories=["1", "2", "3", "4", "5"], **options)
    cli = run("reliability", path, "--raters", "r1,r2,r3,r4", "--level", "ordinal",
              "--categories", "1,2,3,4,5", "--level-of-confidence", "0.90", "--interval", "z",
              "--population-size", "100", "--weights", "linear", "--format", "json")
    assert cli.exit_code == 0, cli.stderr
    assert json.loads(res.to_json()) == json.loads(cli.stdout)
    rows = {r["statistic"]: r for r in res.rows.iter_rows(named=True)}
    assert "fleiss_kappa_weighted" in rows and "conger_kappa_weighted" in rows  # --weights
    assert res.rows["confidence_level"].unique().to_list() == [0.90]
    # By hand from irrCAC's nominal AC1 on the same data (gwet.ac1.raw: 0.77544, SE 0.14295;
    # the full-precision SE 0.1429499506, README): at the nominal level, with N = 100 the
    # variance takes the factor 1 − 12/100 (irrCAC's N), and a z interval at 90 % is
    # AC1 ± 1.644854 · SE.
    nominal = dq.reliability(path, raters=["r1", "r2", "r3", "r4"],
                             categories=["1", "2", "3", "4", "5"], **options)
    ac1 = nominal.rows.filter(pl.col("statistic") == "gwet_ac1").row(0, named=True)
    se = 0.1429499506 * (1 - 12 / 100) ** 0.5
    assert ac1["estimate"] == pytest.approx(0.77544, abs=5e-6)
    assert ac1["se"] == pytest.approx(se, abs=1e-9)
    assert ac1["ci_low"] == pytest.approx(0.7754434 - norm.ppf(0.95) * se, abs=1e-6)
    # ICC's null value and a seeded bootstrap, on the example study (Alder is interval).
    spec = dq.load_spec(SPEC)
    boot = dq.reliability(EXAMPLE / "interrater.csv", spec, variables=["Alder"],
                          icc_null=0.5, bootstrap=200, seed=3)
    cli = run("reliability", "--spec", SPEC, "--variables", "Alder", "--icc-null", "0.5",
              "--bootstrap", "200", "--seed", "3", "--format", "json")
    assert json.loads(boot.to_json()) == json.loads(cli.stdout)
    icc = boot.rows.filter(pl.col("statistic") == "icc_2_1").row(0, named=True)
    assert icc["null_value"] == 0.5 and icc["ci_method"] == "percentile bootstrap"
    with pytest.raises(dq.errors.ConfigError, match="weights"):
        dq.reliability(path, raters=["r1", "r2"], weights="cubic")
    with pytest.raises(dq.errors.ConfigError, match="resamples"):
        dq.reliability(path, raters=["r1", "r2"], bootstrap=-5)


def test_an_engine_error_is_reworded_in_the_api_too(tmp_path):
    """A quoted field never closed, beyond the reader's sample (found in review): the library
    raises dq's InputError naming the line, never the engine's text with the rows in it."""
    rows = "".join(f"A;01.01.2020;{i}\n" for i in range(12_000))
    path = write_text(tmp_path / "uq.csv",
                      f'unit;dato;a\n{rows}B;02.01.2020;"x\nC;03.01.2020;SECRET123\n')
    with pytest.raises(dq.errors.InputError) as info:
        dq.completeness(path)
    assert "line 12002" in str(info.value)
    assert "SECRET123" not in str(info.value) and info.value.__cause__ is None
