"""A name typed into the unit column is never printed, with or without a unit table (domain.md
"Privacy": unit ids and names may be printed, a person's name never). Without a unit table a
unit value is shown when it is a plain id of up to 10 digits, a name of SKDE's public hospital
structure (bundled) or, in aggregate coverage, a unit NPR's counts name."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from dq.cli import app
from dq.units import NOT_A_UNIT, public_names

runner = CliRunner()
NAME = "Kari Nordmann"


@pytest.fixture
def case(tmp_path):
    rows = ["pid;enhet;dato;alder"]
    units = ["4001"] * 30 + ["Haukeland"] * 30 + [NAME] * 30 + ["Privatklinikk Vest"] * 30
    rows += [f"{i};{u};0{1 + i % 9}.03.2023;{'' if i % 7 == 0 else 50 + i % 40}"
             for i, u in enumerate(units)]
    (tmp_path / "reg.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "npr.csv").write_text(
        "enhet;aar;antall\n4001;2023;35\nHaukeland;2023;40\nPrivatklinikk Vest;2023;30\n",
        encoding="utf-8")
    (tmp_path / "dq.toml").write_text(
        '[dataset]\nfiles = ["reg.csv"]\nperson_id = "pid"\nunit = "enhet"\n'
        'event_date = "dato"\ndate_format = "%d.%m.%Y"\n'
        '[variables.alder]\ntype = "integer"\nmin = 0\nmax = 120\nmandatory = true\n'
        '[coverage]\nreferences = ["npr.csv"]\n'
        '[coverage.reference]\nunit = "enhet"\nyear = "aar"\nn = "antall"\n', encoding="utf-8")
    return tmp_path


def _run(*args):
    res = runner.invoke(app, [str(a) for a in args])
    assert res.exit_code in (0, 1), res.stderr
    return res


def test_bundled_names_are_skde_units():
    names = public_names()
    assert {"haukeland", "førde", "helse bergen hf haukeland universitetssjukehus",
            "974557746"} <= names
    assert NAME.lower() not in names


@pytest.mark.parametrize("fmt", ["table", "markdown", "json", "csv"])
@pytest.mark.parametrize("lang", ["nb", "en"])
def test_completeness_hides_a_name_in_the_unit_column(case, fmt, lang):
    res = _run("completeness", "--spec", case / "dq.toml", "--by", "unit", "-f", fmt,
               "--lang", lang)
    assert NAME not in res.stdout + res.stderr
    assert "Kari" not in res.stdout + res.stderr
    assert "Haukeland" in res.stdout and "4001" in res.stdout
    # Privatklinikk Vest is a (made-up) private provider not in SKDE's 2020 table: without a unit table (or
    # a reference naming it) it is not shown either, and the user is told how to show it.
    assert "Privatklinikk Vest" not in res.stdout
    word = {"nb": "(ikke en enhet)", "en": NOT_A_UNIT}[lang]
    if fmt in ("json", "csv"):
        assert NOT_A_UNIT in res.stdout  # the contract's stable token
    else:
        assert word in res.stdout
    assert ("2 verdier" if lang == "nb" else "2 values") in res.stderr
    assert "[units]" in res.stderr


def test_completeness_json_counts_the_hidden_units_as_one_group(case):
    doc = json.loads(_run("completeness", "--spec", case / "dq.toml", "--by", "unit", "-f",
                          "json").stdout)
    rows = [r for r in doc["results"] if r["variable"] == "alder" and r.get("unit") == NOT_A_UNIT]
    assert len(rows) == 1 and rows[0]["n_applicable"] == 60  # Kari Nordmann + Privatklinikk Vest


def test_coverage_shows_the_units_the_reference_names(case):
    res = _run("coverage", "--spec", case / "dq.toml", "-f", "json", "--lang", "en")
    doc = json.loads(res.stdout)
    units = {r.get("unit") for r in doc["results"]}
    assert {"4001", "Haukeland", "Privatklinikk Vest", NOT_A_UNIT} <= units
    assert NAME not in res.stdout + res.stderr
    assert "1 value is neither" in res.stderr
    # the hidden group is named in the reader's language in the warning about it
    nb = _run("coverage", "--spec", case / "dq.toml", "--lang", "nb")
    assert "'(ikke en enhet)' i registeret finnes ikke i referansen" in nb.stderr
    assert NAME not in nb.stdout + nb.stderr


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "html", "json"])
def test_report_hides_a_name_in_the_unit_column(case, fmt):
    res = _run("report", case / "dq.toml", "-f", fmt, "--lang", "nb")
    assert "Kari" not in res.stdout + res.stderr
    if fmt != "json":
        assert NOT_A_UNIT not in res.stdout


def test_sample_strata_hide_a_name(case, tmp_path):
    res = _run("sample", "--spec", case / "dq.toml", "--n", "20", "--by", "enhet", "-o",
               tmp_path / "s.csv", "--format", "json")
    assert "Kari" not in res.stdout + res.stderr
    shown = {r["enhet"] for r in json.loads(res.stdout)["results"]}
    assert NOT_A_UNIT in shown and "Haukeland" in shown
