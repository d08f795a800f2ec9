"""The sub-commands in Norwegian: every command in every human format, nb typography, Markdown as
a human table, readable at 60 columns, one set of format names, readable --help placeholders."""

import json
import re

import polars as pl
import pytest
from typer.testing import CliRunner

from dq import messages
from dq.cli import app
from dq.render import numbers
from tests.conftest import EXAMPLE, run

SPEC = EXAMPLE / "dq.toml"
COMMANDS = ("completeness", "coverage", "reliability", "correctness")
# English words that must not appear in Norwegian output (the class of the examples:
# "rows", "all_units", "almost perfect", "Summary", "pass", "warning", "units", "missing" …).
ENGLISH = ("the", "and", "of", "rows", "row", "units", "unit", "records", "record", "missing",
           "finished", "showing", "summary", "pass", "fail", "warning", "almost", "perfect",
           "substantial", "moderate", "slight", "poor", "national", "coverage", "variable",
           "resolved", "improved", "worsened", "removed", "added", "check", "only", "both",
           "agreement", "label", "estimate", "with", "below", "above", "registry", "share",
           "correct", "problem", "reporting", "not", "more", "scope", "group", "valid",
           "unknown", "invalid", "applicable", "cases", "raters", "statistic", "deviation",
           "sensitivity", "specificity", "suppressed", "notes", "baseline", "follow", "change",
           "period", "run", "all_units", "n_applicable", "pp")
ENGLISH_RE = re.compile(r"(?<![\w_])(" + "|".join(ENGLISH) + r")(?![\w_])", re.IGNORECASE)


def english_words(text: str) -> list[str]:
    # file names and the statistic-method reference in JSON (se_method) are names, not prose
    text = re.sub(r"\S+\.(csv|json|toml)\b", "", text).replace("se_method", "")
    return sorted({m.group(1) for m in ENGLISH_RE.finditer(text)})


def nb(command: str, fmt: str, *extra: str, columns: str = "100"):
    result = CliRunner(env={"COLUMNS": columns}).invoke(
        app, [command, "--spec", str(SPEC), "--format", fmt, "--lang", "nb", *extra])
    assert result.exit_code in (0, 1), result.stderr
    return result.stdout


@pytest.mark.parametrize("fmt", ["table", "terminal", "markdown"])
@pytest.mark.parametrize("command", COMMANDS)
def test_every_subcommand_in_every_human_format_is_norwegian(command, fmt):
    out = nb(command, fmt)
    assert out.strip()
    assert english_words(out) == [], out
    assert "(er)" not in out and "(r)" not in out  # plural forms, never registrering(er)


def test_lang_defaults_to_the_specs_report_lang(tmp_path):
    text = SPEC.read_text(encoding="utf-8")
    assert "[report]" in text
    spec = tmp_path / "dq.toml"
    spec.write_text(text.replace("[report]", '[report]\nlang = "en"', 1)
                    .replace('lang = "nb"', ""), encoding="utf-8")
    for p in EXAMPLE.iterdir():  # the spec names its files relative to its folder
        if p.suffix == ".csv":
            (tmp_path / p.name).write_bytes(p.read_bytes())
    out = run("correctness", "--spec", spec).stdout
    assert "Correctness against the medical record" in out
    out = run("correctness", "--spec", spec, "--lang", "nb").stdout
    assert "Korrekthet mot journal" in out


def test_norwegian_typography():
    out = nb("completeness", "table")
    # Helse Sør-Øst and national counts (hand-checked against the CSV output): 19 610 finished
    # records of 20 000, thousands with U+202F, a narrow no-break space before %
    assert "19\u202f610 ferdigstilte registreringer av 20\u202f000 lest, år 2019–2023; 29 " \
        "variabler" in out
    assert "986/1\u202f621" in out and "60,8\u202f%" in out
    assert " %" not in out.replace("95 % KI", "")  # every other % holds U+202F
    assert numbers.num(-7.5, "nb") == "\u22127,5"
    assert messages.render("{d:pp}", "nb", {"d": -0.075}) == "\u22127,5 prosentpoeng"
    assert messages.counted(1, "unit", "nb") == "1 enhet"
    assert messages.counted(34, "unit", "nb") == "34 enheter"
    assert messages.counted(19610, "record", "nb") == "19\u202f610 registreringer"


def test_landis_koch_labels_and_statistic_names_in_norwegian():
    out = nb("reliability", "markdown")
    # Bruddtype: Cohen's κ 0.741 (asymptotic CI 0.61–0.87), "substantial" → betydelig
    assert "| Bruddtype (nominal) | Cohens κ | 0,741 | 0,61–0,88 | 60 | 2 | betydelig | bestått |" \
        in out
    assert "nesten perfekt" in out and "ICC(2,1)" in out
    # the kappa paradox explained in the document, in Norwegian (Feinstein & Cicchetti 1990)
    # once per variable, naming each κ it concerns (it was written once per κ)
    assert ("Antibiotika: Cohens κ er 0,55 og Fleiss' κ er 0,54 selv om registratorene er enige "
            "i 95\u202f% av kasusene") in out
    assert out.count("Antibiotika: ") == 1


def test_markdown_is_a_human_table_not_a_machine_dump():
    for command in COMMANDS:
        out = nb(command, "markdown")
        assert not re.search(r"\d\.\d{4}", out), command  # no 0.6083
        assert "n_applicable" not in out and "all_units" not in out and "ci_low" not in out
    out = nb("completeness", "markdown")
    header = next(line for line in out.splitlines() if line.startswith("| Variabel"))
    assert header == ("| Variabel | Aktuelle | Gyldige | Mangler | Ukjent | Ugyldig | Kompletthet | "
                      "95\u202f% KI | Kun tomme | Status |")
    # Komplikasjonstype: 986 valid of 1 621 applicable (the planted conditional gap) = 60.8 %
    row = next(line for line in out.splitlines() if line.startswith("| Komplikasjonstype"))
    assert "| 1\u202f621 | 986 |" in row and "| 60,8\u202f% |" in row and "ikke bestått" in row


def test_coverage_markdown_suppresses_small_cells(tmp_path):
    out = nb("coverage", "markdown", "--suppress", "200")
    # Aleris Nesttun: 0 of 119 in the reference; 119 < 200 is hidden, and the share with it
    row = next(line for line in out.splitlines() if line.startswith("| Aleris Nesttun"))
    assert "&lt;200" in row and "0,0" not in row
    assert "_Prikking: Antall fra 1 til 199" in out


@pytest.mark.parametrize("command", [*COMMANDS, "report"])
def test_readable_at_60_columns(command):
    if command == "report":
        result = CliRunner(env={"COLUMNS": "60"}).invoke(app, ["report", str(SPEC)])
        out = result.stdout
    else:
        out = nb(command, "table", columns="60")
    lines = out.splitlines()
    if command != "report":  # the report's own layout belongs to the report renderer
        assert max(len(line) for line in lines) <= 60, command
    # no column folded one letter per line ("Kontroll" as K/o/n/…)
    assert sum(1 for line in lines if len(line.strip()) == 1) <= 1, out
    # a number never breaks at its thousands separator
    assert not any(re.search(r"\d$", a) and re.match(r"\d{3}\b", b)
                   for a, b in zip(lines, lines[1:], strict=False)), out


def test_terminal_is_an_alias_of_table_on_every_command():
    for command in COMMANDS:
        assert nb(command, "terminal") == nb(command, "table")


def test_report_csv_is_the_json_results():
    csv = run("report", SPEC, "--format", "csv")
    doc = json.loads(run("report", SPEC, "--format", "json").stdout)
    df = pl.read_csv(csv.stdout.encode(), infer_schema_length=None)
    assert csv.exit_code == 1
    assert df.height == len(doc["results"])
    first = df.row(0, named=True)
    assert first["id"] == doc["results"][0]["id"]
    assert first["numerator"] == doc["results"][0]["numerator"]
    assert run("report", SPEC, "--format", "table", "--width", "80").exit_code == 1


@pytest.mark.parametrize("command", [*COMMANDS, "report", "compare", "regrade"])
def test_help_has_readable_placeholders(command):
    out = CliRunner(env={"COLUMNS": "100"}).invoke(app, [command, "--help"]).stdout
    for ugly in ("<list[", "<str>", "<int range>", "<float range>", "<path>", "<file>"):
        assert ugly not in out, (command, ugly)
    assert "--lang" in out


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_reliability_ci_heading_follows_the_level(fmt):
    # the CI column and the method line name the level the intervals were computed at; the
    # JSON rows say the same level (confidence_level)
    doc = json.loads(run("reliability", "--spec", SPEC, "--format", "json",
                         "--level-of-confidence", "0.9").stdout)
    assert {r["confidence_level"] for r in doc["results"]} == {0.9}
    for lang, heading, method in (("nb", "90\u202f% KI", "90\u202f% KI fra asymptotiske"),
                                  ("en", "90 % CI", "90 % CIs from asymptotic")):
        out = CliRunner(env={"COLUMNS": "120"}).invoke(app, [
            "reliability", "--spec", str(SPEC), "--format", fmt, "--lang", lang,
            "--level-of-confidence", "0.9"]).stdout
        assert heading in out and method in out.replace("\n", " "), out
        assert not re.search(r"95 % (KI|CI)", out.replace("\u202f", " ")), out
    out = nb("reliability", fmt, "--level-of-confidence", "0.995")
    assert "99,5\u202f% KI" in out
    assert "95\u202f% KI" in nb("reliability", fmt)  # the default level
