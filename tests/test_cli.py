"""The command line as users and CI jobs use it: formats, exit codes, bad input."""

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import EXAMPLE, run, write_text
from tests.test_stderr_lang import english_in

SPEC = EXAMPLE / "dq.toml"


def test_example_table_output_and_exit_code():
    result = run("completeness", "--spec", SPEC, "--width", "80", "--lang", "en")
    assert result.exit_code == 1  # Komplikasjonstype fails: the planted conditional gap
    out = result.stdout
    assert "19,610 finished records of 20,000 read" in out
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    first = next(line for line in lines if line.startswith("Komplikasjonstype"))
    assert "986/1,621" in first and "fail" in first
    assert "\x1b[" not in out  # plain when not a terminal


def test_json_contract(tmp_path):
    out = tmp_path / "r.json"
    result = run("completeness", "--spec", SPEC, "--by", "unit,year", "--format", "json",
                 "--output", out)
    assert result.exit_code == 1 and result.stdout == ""
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert set(doc) >= {"dq_version", "command", "inputs", "spec", "results"}
    assert doc["command"] == "completeness"
    (inp,) = doc["inputs"]
    assert inp["rows"] == 20000 and len(inp["sha256"]) == 64
    assert doc["spec"]["path"].endswith("dq.toml") and len(doc["spec"]["sha256"]) == 64
    required = {"variable", "unit", "year", "n_applicable", "n_valid", "n_missing", "n_unknown",
                "n_invalid", "completeness", "ci_low", "ci_high", "status"}
    assert all(required <= set(row) for row in doc["results"])
    # St. Olavs (974749025) after the EHR change: ASA drops in 2023.
    asa = {r["year"]: r["completeness"] for r in doc["results"]
           if r["variable"] == "ASA" and r["level"] == "unit" and r["unit"] == "974749025"}
    assert asa[2021] > 0.95 and asa[2023] < 0.75
    # Haugesund (974724774) overuses the unknown code.
    hau = [r for r in doc["results"] if r["variable"] == "ASA" and r["level"] == "unit"
           and r["unit"] == "974724774"]
    assert all(r["n_unknown"] / r["n_applicable"] > 0.2 for r in hau)


def test_csv_and_markdown_have_the_same_rows(tmp_path):
    csv_out = run("completeness", "--spec", SPEC, "--by", "rhf", "--format", "csv")
    df = pl.read_csv(csv_out.stdout.encode())
    md = run("completeness", "--spec", SPEC, "--by", "rhf", "--format", "markdown",
             "--lang", "en").stdout
    assert md.startswith("# Variable completeness")
    table_rows = [line for line in md.split("## Record-level")[0].splitlines()
                  if line.startswith("| ") and not line.startswith("| Variable")]
    assert len(table_rows) == df.height == 29 * 5  # 4 RHFs + national per variable


def test_without_spec_every_column(tmp_path):
    data = write_text(tmp_path / "d.csv", "a;b\n1;\n;\n3;x\n")
    result = run("completeness", data, "--format", "json", "--fail-under", "0.5")
    doc = json.loads(result.stdout)
    got = {r["variable"]: (r["n_valid"], r["n_applicable"], r["status"]) for r in doc["results"]}
    assert got == {"a": (2, 3, "info"), "b": (1, 3, "info")}  # 3 < min_n 5: not graded
    assert result.exit_code == 0
    result = run("completeness", data, "--format", "json", "--fail-under", "0.5", "--min-n", "1")
    assert result.exit_code == 1


def _one_error_line(result, code, *needles, lang="en"):
    """One error line in ``lang``: ``dq: feil: …`` (nb, dq's default) or ``dq: error: …``
    (a command run with --lang en)."""
    assert result.exit_code == code, result.stderr + result.stdout
    err = result.stderr.strip().splitlines()
    assert len(err) == 1, result.stderr
    assert err[0].startswith({"nb": "dq: feil: ", "en": "dq: error: "}[lang]), err[0]
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in err[0]


# (file, exit code, the Norwegian words of dq's default language, the English of --lang en)
@pytest.mark.parametrize("make, code, nb, en", [
    (lambda p: p / "nope.csv", 3, ": filen finnes ikke; sjekk stien", ": no such file"),
    (lambda p: p, 3, ": er en mappe, ikke en datafil", ": is a directory"),
    (lambda p: write_text(p / "e.csv", ""), 3, ": filen er tom (0 byte)", "empty"),
    (lambda p: write_text(p / "h.csv", "a;b\n"), 3, "men ingen datarader", "no data rows"),
    (lambda p: write_text(p / "c.parquet", "PAR1 broken"), 3,
     ": Parquet-filen er ufullstendig", "Parquet"),
    (lambda p: write_text(p / "c.xlsx", "broken"), 3, "ikke en lesbar .xlsx-fil", ".xlsx"),
    (lambda p: write_text(p / "d.csv", "a;a\n1;2\n"), 3, "kolonnenavn som går igjen: 'a'",
     "duplicate column names 'a'"),
])
def test_bad_data_file(tmp_path, make, code, nb, en):
    path = make(tmp_path)
    out = tmp_path / "out.json"
    result = run("completeness", path, "--format", "json", "--output", out)
    _one_error_line(result, code, nb, str(path), lang="nb")
    assert english_in(result.stderr.removeprefix("dq: feil: ")) == [], result.stderr
    result = run("completeness", path, "--format", "json", "--output", out, "--lang", "en")
    _one_error_line(result, code, en, str(path))
    assert not out.exists()


def test_undecodable_bytes_with_explicit_encoding(tmp_path):
    path = tmp_path / "d.csv"
    path.write_bytes("a;b\nø;1\n".encode("cp1252"))
    _one_error_line(run("completeness", path, "--encoding", "utf-8"), 3,
                    ": byte 4 er ikke gyldig UTF-8; filen er trolig cp1252/Latin-1 (lagret fra "
                    "Excel): oppgi --encoding cp1252", lang="nb")
    _one_error_line(run("completeness", path, "--encoding", "utf-8", "--lang", "en"), 3,
                    ": byte 4 is not valid UTF-8", "pass --encoding cp1252")
    ok = run("completeness", path)  # nb: dq's default language, on stderr too
    assert ok.exit_code == 0 and "dq: merk: " in ok.stderr and "leses som cp1252" in ok.stderr


@pytest.mark.parametrize("toml, code, needle", [
    ("[dataset\n", 2, "not valid TOML"),
    ("[variables.a]\nmandatory = 'b = = 1'\n", 2, "invalid condition"),
    ("[variables.nope]\n", 3, "'nope'"),
    ("[dataset]\nfoo = 1\n", 2, "valid keys"),
])
def test_bad_spec(tmp_path, toml, code, needle):
    data = write_text(tmp_path / "d.csv", "a;b\n1;2\n")
    spec = write_text(tmp_path / "dq.toml", toml)
    out = tmp_path / "out.md"
    out.write_text("previous report", encoding="utf-8")
    result = run("completeness", data, "--spec", spec, "--format", "markdown", "--output", out,
                 "--lang", "en")
    _one_error_line(result, code, needle)
    assert out.read_text(encoding="utf-8") == "previous report"  # nothing half-written


def test_usage_errors_exit_2(tmp_path):
    data = write_text(tmp_path / "d.csv", "a;b\n1;2\n")
    assert run("completeness", data, "--format", "pdf").exit_code == 2
    assert run("completeness", data, "--fail-under", "2").exit_code == 2
    _one_error_line(run("completeness", data, "--by", "unit"), 2,
                    "--by unit trenger enhetskolonnen: sett [dataset] unit i dq.toml",
                    lang="nb")  # not "or pass --unit": dq completeness has no --unit
    _one_error_line(run("completeness", data, "--by", "nope"), 2,
                    "--by 'nope' er verken en rolle", "(kolonner: a, b)", lang="nb")
    _one_error_line(run("completeness", data, "--by", "nope", "--lang", "en"), 2,
                    "--by 'nope' is neither a role", "(columns: a, b)")


def test_no_identifier_in_errors(tmp_path):
    # A national-ID-shaped value that breaks a numeric condition must not reach stderr.
    data = write_text(tmp_path / "d.csv", "fnr;status\n01010112345;2\n")
    spec = write_text(tmp_path / "dq.toml", "[dataset]\nfinished = 'fnr > 3'\n"
                                            "[variables.fnr]\ntype='id'\n")
    result = run("completeness", data, "--spec", spec)
    _one_error_line(result, 2, "[dataset] finished", "'fnr > 3'", lang="nb")
    assert "01010112345" not in result.stdout + result.stderr


def _installed_dq() -> str:
    scripts = Path(sysconfig.get_path("scripts"))
    return str(scripts / ("dq.exe" if os.name == "nt" else "dq"))


def test_installed_entry_point_runs():
    proc = subprocess.run([_installed_dq(), "completeness", "--spec", str(SPEC), "--format",
                           "json"], capture_output=True, text=True, check=False)
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["command"] == "completeness"
    proc = subprocess.run([sys.executable, "-m", "dq", "--version"], capture_output=True,
                          text=True, check=True)
    assert proc.stdout.startswith("dq ")


def test_help_does_not_import_heavy_statistics():
    code = ("import sys; from dq.cli import app; from typer.testing import CliRunner; "
            "CliRunner().invoke(app, ['--help']); CliRunner().invoke(app, ['completeness', '--help']); "
            "print(sorted(m for m in ('scipy', 'statsmodels', 'polars') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"
