"""Cases a review found (second batch): each failed before its fix — a spec key accepted that
gives wrong results, a problem dq spec check did not list, a warning missing, English in a
Norwegian message, a fix naming an option the command does not have."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from dq import spec as spec_mod
from tests.conftest import EXAMPLE, run


def _example(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLE, tmp_path / "ex")
    return tmp_path / "ex"


def _variant(ex: Path, name: str, *edits: tuple[str, str]) -> Path:
    """The example spec with each (old, new) replaced once, as ``name`` beside its files."""
    text = (ex / "dq.toml").read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    (ex / name).write_text(text, encoding="utf-8")
    return ex / name


def _errors(result) -> list[str]:  # noqa: ANN001 - click Result
    return [line for line in result.stderr.splitlines() if line.startswith("dq: ")]


# ---- 1. dq spec check validates date_format and export_date, and lists every problem at once

@pytest.mark.parametrize("fmt, says", [
    ("%d.%q.%Y", "'%q' is no date directive"),
    ("dd.mm.yyyy", "has no strftime directives"),
    ("%d.%m", "cannot be read back"),  # no year: every date would be invalid
    ("%b %Y", "cannot be read back"),  # no day
])
def test_a_date_format_chrono_cannot_read_is_refused(tmp_path, fmt, says):
    ex = _example(tmp_path)
    bad = _variant(ex, "f.toml", ('date_format = "%d.%m.%Y"', f'date_format = "{fmt}"'))
    result = run("spec", "check", bad, "--lang", "en")
    assert result.exit_code == 2
    first = _errors(result)[0]
    assert first.startswith("dq: error: f.toml: [dataset] date_format: ") and f"'{fmt}'" in first
    assert says.replace("'%q'", "%q") in result.stderr
    # a run refuses it as well, before any data are read
    assert run("report", bad, "--format", "json").exit_code == 2
    nb = run("spec", "check", bad, "--lang", "nb").stderr
    assert "strftime-koder" in nb and "directive" not in nb


@pytest.mark.parametrize("fmt", ["%d.%m.%Y", "%Y-%m-%d", "%Y%m%d", "%d/%m/%y", "%e.%m.%Y",
                                 "%d.%m.%Y %H:%M", "%Y-%m-%dT%H:%M:%S", "%d %b %Y"])
def test_date_formats_registries_write_are_accepted(fmt):
    assert spec_mod.parse_date_format(fmt, "x") == fmt


def test_the_reference_date_format_is_checked_too(tmp_path):
    ex = _example(tmp_path)
    bad = _variant(ex, "r.toml", ('event_date = "Inndato"',
                                  'event_date = "Inndato"\ndate_format = "yyyy-mm-dd"'))
    result = run("spec", "check", bad, "--lang", "en")
    assert result.exit_code == 2
    assert "[coverage].reference date_format: 'yyyy-mm-dd' has no strftime" in result.stderr


@pytest.mark.parametrize("value", ['"2024-13-45"', '"01.03.2024"', '"2024-02-30"', '"soon"'])
def test_export_date_must_be_a_date(tmp_path, value):
    ex = _example(tmp_path)
    bad = _variant(ex, "e.toml", ('export_date = "2024-03-01"', f"export_date = {value}"))
    result = run("spec", "check", bad, "--lang", "en")
    assert result.exit_code == 2
    assert (f"dq: error: e.toml: [dataset] export_date: {value.strip(chr(34))!r} is not a date; "
            "write it as YYYY-MM-DD") in result.stderr
    nb = run("spec", "check", bad, "--lang", "nb").stderr
    assert "er ikke en dato; skriv den som ÅÅÅÅ-MM-DD" in nb


def test_export_date_may_be_a_toml_date(tmp_path):
    ex = _example(tmp_path)
    spec = _variant(ex, "t.toml", ('export_date = "2024-03-01"', "export_date = 2024-03-01"))
    assert spec_mod.load(spec).dataset.export_date == "2024-03-01"


def test_spec_check_lists_every_problem_of_every_section(tmp_path):
    """Before: one problem per section at most (the first key that failed in [coverage],
    [verification], [timeliness], [report], [variables.X] hid the others) and none of
    date_format or export_date."""
    spec = tmp_path / "dq.toml"
    spec.write_text("""
[dataset]
files = ["x.csv"]
date_format = "%d.%q.%Y"
export_date = "2024-13-45"

[coverage]
mode = "foo"
window = -3

[verification]
date_order = ["A <= "]
duplicate_keys = 5

[timeliness]
limit_days = -1
warn_below = 3

[report]
lang = "de"
suppress = -5

[variables.B]
type = "integer"
mandatory = "x = "
uses = ["foo"]
""", encoding="utf-8")
    result = run("spec", "check", spec, "--lang", "en")
    assert result.exit_code == 2
    keys = [line.split(": ")[3] for line in _errors(result)]
    assert keys == ["[dataset] date_format", "[dataset] export_date", "[coverage] mode",
                    "[coverage] window", "[verification] date_order",
                    "[verification] duplicate_keys", "[timeliness] limit_days",
                    "[timeliness] warn_below", "[report] lang", "[report] suppress",
                    "[variables.B] mandatory", "[variables.B] uses"]
    assert result.stderr.splitlines()[-1].endswith("12 problems; fix them and run dq spec "
                                                   "check again")
    # the first is the one a run stops at
    assert _errors(result)[0].removeprefix("dq: error: ") in \
        _errors(run("report", spec, "--lang", "en"))[0]


# ---- 2. keys naming a variable that does not exist or has the wrong type

def test_a_misspelt_comparability_variable_names_the_nearest(tmp_path):
    ex = _example(tmp_path)
    bad = _variant(ex, "c.toml", ("[report]\n", '[comparability]\nvariables = ["Alderr", "ASA"]'
                                                "\n\n[report]\n"))
    result = run("spec", "check", bad, "--lang", "en")
    assert result.exit_code == 2
    assert _errors(result) == [
        "dq: error: c.toml: [comparability] variables: 'Alderr' is not a variable of the spec "
        "([variables] or the codebook) and cannot be compared; did you mean 'Alder'?"]
    assert run("report", bad, "--format", "json").exit_code == 2  # was: the shift left out


def test_a_comparability_column_missing_from_an_export_without_variables(tmp_path):
    data = tmp_path / "x.csv"
    data.write_text("Alder;Kjonn\n1;2\n", encoding="utf-8")
    spec = tmp_path / "dq.toml"
    spec.write_text('[dataset]\nfiles = ["x.csv"]\n\n[comparability]\nvariables = ["Aldr"]\n',
                    encoding="utf-8")
    result = run("spec", "check", spec, "--data", data, "--lang", "en")
    assert result.exit_code == 2
    assert "[comparability] variables: column 'Aldr' is not in the export; did you mean " \
           "'Alder'?" in result.stderr


@pytest.mark.parametrize("key, old, new", [
    ("[verification] no_future", 'no_future = ["Bruddato", "Operasjonsdato"]',
     'no_future = ["Bruddato", "Alder"]'),
    ("[timeliness] created", 'created = "OpprettetDato"', 'created = "Alder"'),
    ("[dataset] event_date", 'event_date = "Operasjonsdato"', 'event_date = "Alder"'),
])
def test_a_date_key_naming_an_integer_variable_is_refused(tmp_path, key, old, new):
    """Before: no_future on Alder graded pass over every record (a number is never after a
    date), timeliness on Alder was 'not assessed', an event date of Alder lost every year."""
    ex = _example(tmp_path)
    bad = _variant(ex, "d.toml", (old, new))
    result = run("spec", "check", bad, "--lang", "en")
    assert result.exit_code == 2
    assert _errors(result) == [
        f"dq: error: d.toml: {key}: 'Alder' is a variable of type integer, not a date; name a "
        "date column, or set type = \"date\" in [variables.Alder] if its values are dates"]
    assert run("report", bad, "--format", "json").exit_code == 2


def test_a_date_key_naming_a_column_of_numbers_is_refused(tmp_path):
    """A column no [variables] table types: its values are read."""
    data = tmp_path / "x.csv"
    data.write_text("Dato;Alder\n01.02.2023;83\n03.04.2023;71\n", encoding="utf-8")
    spec = tmp_path / "dq.toml"
    spec.write_text('[dataset]\nfiles = ["x.csv"]\nevent_date = "Dato"\nexport_date = '
                    '"2024-01-01"\n\n[timeliness]\ncreated = "Alder"\n', encoding="utf-8")
    result = run("spec", "check", spec, "--data", data, "--lang", "en")
    assert result.exit_code == 2
    assert _errors(result) == ["dq: error: dq.toml: [timeliness] created: column 'Alder' holds "
                               "numbers, not dates; name a date column"]
    report = run("report", spec, "--lang", "en", "--format", "json")
    assert report.exit_code == 2 and _errors(report) == _errors(result)
    good = spec.read_text(encoding="utf-8").replace('created = "Alder"', 'created = "Dato"')
    spec.write_text(good, encoding="utf-8")
    assert run("spec", "check", spec, "--data", data).exit_code == 0


def test_a_coverage_include_column_is_checked_against_the_data(tmp_path):
    ex = _example(tmp_path)
    bad = _variant(ex, "i.toml", ("window = 30", 'window = 30\ninclude = "Aldr >= 18"'))
    result = run("spec", "check", bad, "--data", ex / "hoftebrudd.csv", "--lang", "en")
    assert result.exit_code == 2  # was: clean
    assert "[coverage] include: column 'Aldr' is not in the export; did you mean 'Alder'?" \
        in result.stderr


# ---- 3. a warning when no record is finished, or a linkage links no person

_NONE_FINISHED = ("finished = \"SkjemaStatus = 2\"", "finished = \"SkjemaStatus = 3\"")


@pytest.mark.parametrize("command", ["completeness", "report"])
def test_no_finished_record_is_warned_of(tmp_path, command):
    """Before: every figure over 0 records, and not a word (completeness exit 0)."""
    ex = _example(tmp_path)
    spec = _variant(ex, "n.toml", _NONE_FINISHED)
    args = ["completeness", "--spec", spec] if command == "completeness" else ["report", spec]
    en = run(*args, "--lang", "en", "--format", "json")
    line = ("dq: warning: n.toml: [dataset] finished 'SkjemaStatus = 3' matches none of the "
            "20,000 records, so every figure is over 0 records; check the condition (e.g. the "
            "code of a finished form)")
    assert en.stderr.splitlines().count(line) == 1, en.stderr
    nb = run(*args, "--lang", "nb", "--format", "json")
    assert ("dq: advarsel: n.toml: [dataset] finished 'SkjemaStatus = 3' gjelder ingen av de "
            "20\u202f000 registreringene, så hvert tall er regnet over 0 registreringer"
            in nb.stderr), nb.stderr
    # with finished records, no such warning
    args[-1 if command == "report" else 2] = ex / "dq.toml"
    assert "[dataset] finished" not in run(*args, "--format", "json").stderr


@pytest.mark.parametrize("mode", ["aggregate", "linkage"])
def test_coverage_names_the_finished_condition_when_nothing_is_left(tmp_path, mode):
    """Before: 'no year in common (registry none)', blaming the year columns."""
    ex = _example(tmp_path)
    spec = _variant(ex, "n.toml", _NONE_FINISHED)
    extra = ["--mode", "linkage", "--reference", ex / "npr_personer.csv"] \
        if mode == "linkage" else []
    result = run("coverage", "--spec", spec, *extra, "--lang", "en")
    assert result.exit_code == 3
    assert _errors(result) == [
        "dq: error: n.toml: [dataset] finished 'SkjemaStatus = 3' matches none of the 20,000 "
        "records, so the registry has no event to compute coverage for; check the condition "
        "(e.g. the code of a finished form)"]
    include = _variant(ex, "i.toml", ("window = 30", 'window = 30\ninclude = "Alder > 200"'))
    result = run("coverage", "--spec", include, *extra, "--lang", "en")
    assert result.exit_code == 3
    assert "[coverage] include 'Alder > 200' matches none of the 19,610 finished records" \
        in result.stderr


def test_a_linkage_that_links_no_person_is_warned_of(tmp_path):
    """Before: DG 48 % over unlinked counts, with no hint that the person ids differ."""
    ex = _example(tmp_path)
    lines = (ex / "npr_personer.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    other = lines[0] + "".join(line.replace("P", "X", 1) for line in lines[1:])
    (ex / "npr_x.csv").write_text(other, encoding="utf-8")
    warning = ("no person of the registry (19,610 events) was found in the reference (21,906 "
               "events) within ±30 days, so every event counts as in one source only; the "
               "person ids probably differ")
    coverage = run("coverage", "--spec", ex / "dq.toml", "--mode", "linkage", "--reference",
                   ex / "npr_x.csv", "--lang", "en", "--format", "json")
    assert coverage.exit_code == 1 and coverage.stderr.count(warning) == 1
    spec = _variant(ex, "l.toml", ('mode = "aggregate"', 'mode = "linkage"'),
                    ('references = ["npr_aggregat.csv"]', 'references = ["npr_x.csv"]'))
    report = run("report", spec, "--lang", "en", "--format", "json")
    assert report.stderr.count(warning) == 1
    nb = run("coverage", "--spec", ex / "dq.toml", "--mode", "linkage", "--reference",
             ex / "npr_x.csv", "--lang", "nb")
    assert "dq: advarsel: ingen person i registeret (19\u202f610 hendelser)" in nb.stderr
    # the example's own extract links: no warning
    linked = run("coverage", "--spec", ex / "dq.toml", "--mode", "linkage", "--reference",
                 ex / "npr_personer.csv", "--lang", "en", "--format", "json")
    assert "no person of the registry" not in linked.stderr


# ---- 4. the parsers' English stays out of Norwegian spec errors

# One spec for each way tomllib (3.11–3.13) refuses a file, and conditions the SQL parser refuses
_BAD_TOML = ['a = "x\n', "[a\nb = 1\n", "a = 1\na = 2\n", "a = [1,\n", "a = 1 b\n",
             'a = "\x01"\n', "[a]\nb = 1\n[a]\n", "a = 1979-13-45\n", "x\n",
             "a.b = 1\na = 2\n", "a = {b = 1, b = 2}\n", "a = '''x", 'a = "\\q"\n',
             'a = "\\uD800"\n', "a = {b = 1\n", "[[a]\n", "a = { b = 1 }\na.c = 2\n",
             "[a.b]\n[a]\nb = 1\n", "a = 0x\n", "= 1\n", "a = tru\n", "[a]\n[[a]]\n"]
_BAD_SQL = ["a = 'x", 'a = "x', "a = 1 b = 2", "a = 1;", "a ~~ 1", "a = 1 /* x", "a = $1",
            "a = 'x' COLLATE y", "CAST(a AS foo) = 1", "a = DATE '2020-13-01'",
            "a = 1 ORDER BY a", "a >> 1", "foo(a) = 1", "a = "]


@pytest.mark.parametrize("text", _BAD_TOML)
def test_toml_errors_in_norwegian_say_what_and_where(tmp_path, text):
    from tests.test_stderr_lang import english_in

    spec = tmp_path / "dq.toml"
    spec.write_text(text, encoding="utf-8")
    nb, en = (run("spec", "check", spec, "--lang", lang) for lang in ("nb", "en"))
    assert nb.exit_code == en.exit_code == 2
    line = _errors(nb)[0].removeprefix("dq: feil: ")
    assert "ikke gyldig TOML (" in line and english_in(line) == [], line
    assert re.search(r"(Invalid|Expected|Cannot|Unclosed|Unterminated|Illegal|Found|Duplicate|"
                     r"Escaped|Unescaped|\('\w+',\))", line) is None, line
    assert re.search(r"på linje \d+, kolonne \d+|ved slutten av dokumentet", line), line
    assert re.search(r"line \d+, column \d+|end of document", en.stderr), en.stderr


@pytest.mark.parametrize("condition", _BAD_SQL)
def test_condition_errors_in_norwegian_leave_the_parsers_english_out(tmp_path, condition):
    from tests.test_stderr_lang import english_in

    spec = tmp_path / "dq.toml"
    spec.write_text(f"[dataset]\nfinished = {json.dumps(condition)}\n", encoding="utf-8")
    nb = run("spec", "check", spec, "--lang", "nb")
    assert nb.exit_code == 2
    line = _errors(nb)[0]
    assert line.startswith("dq: feil: dq.toml: [dataset] finished: ugyldig betingelse "), line
    reason = line.split(" (", 1)[1].rsplit("); skriv", 1)[0]
    assert english_in(" " + reason + " ") == [], reason
    assert not re.search(r"\b(parser|error|expression|found|unexpected|supported|literal|"
                         r"Placeholder|Collate|invalid|must)\b", reason), reason
    en = run("spec", "check", spec, "--lang", "en")
    assert _errors(en)[0].startswith("dq: error: dq.toml: [dataset] finished: invalid condition")


# ---- 5. a fix names an option only where the command has it

def _command_options() -> dict[str, set[str]]:
    """Every command's options, as its parser has them ("plan kappa", "spec check")."""
    from dq.cli import _COMMANDS, _build

    out = {}
    for name in _COMMANDS:
        command = _build(name)
        subs = getattr(command, "commands", None) or {None: command}
        for sub, each in subs.items():
            out[f"{name} {sub}" if sub else name] = {
                o for p in each.params for o in (*p.opts, *p.secondary_opts) if o.startswith("--")}
        if getattr(command, "commands", None):  # a group's help names its commands' options
            out[name] = set().union(*(out[f"{name} {sub}"] for sub in command.commands))
    return out


def _help_emitted_by() -> dict[tuple[str, str], list[str]]:
    """The help's texts (HELP) are shown by the commands that declare their keys (a group's
    description by the group): derived from the commands, not listed by hand."""
    from dq.cli import _COMMANDS, _build
    from dq.cli._help import help_keys

    out: dict[tuple[str, str], list[str]] = {}
    for name in _COMMANDS:
        command = _build(name)
        shown = [(name, command), *((f"{name} {sub}", each) for sub, each in
                                    (getattr(command, "commands", None) or {}).items())]
        for path, each in shown:
            for key in help_keys(each):
                out.setdefault(("HELP", key), []).append(path)
    return out


OPTIONS = _command_options()
# "dq report --format json", "dq spec check {spec} --data {data}": another command's options
_OTHER = re.compile(r"\bdq (%s)\b([^;,()]*)" % "|".join(
    sorted(map(re.escape, OPTIONS), key=len, reverse=True)))


def _named(text: str) -> tuple[set[str], dict[str, set[str]]]:
    """(options the text names as the running command's, {other command: its options named})."""
    from dq.messages import OPTION

    other: dict[str, set[str]] = {}
    for found in _OTHER.finditer(text):
        other.setdefault(found.group(1), set()).update(OPTION.findall(found.group(2)))
    own = set(OPTION.findall(_OTHER.sub("", text))) - {"--help"}
    return own, other


# Which commands can write each catalogue text that names an option outside [[…]] (where the
# running command's options decide): hand-checked from where each key is raised and which
# commands reach that code. dq.api (no command) is left out: a library call has no options.
EMITTED_BY = {
    ("CHAPTER", "full_report"): ["report"], ("CHAPTER", "more_findings"): ["report"],
    ("REPORT", "more"): ["report"],
    ("SUB", "cmp.more"): ["compare"], ("SUB", "cov.more"): ["coverage"],
    ("SUB", "more_rows"): ["completeness"],
    ("ERRORS_SPEC", "compare.hint"): ["compare", "regrade"],
    ("ERRORS_SPEC", "compare.not_object"): ["compare", "regrade"],
    ("ERRORS_SPEC", "compare.not_report"): ["compare", "regrade"],
    ("WARNINGS", "compare.unsuppressed"): ["compare"],
    # [report] year is checked on load; --year is the report's
    ("ERRORS_SPEC", "context.year_absent"): ["report"],
    ("ERRORS_SPEC", "context.year_text"): ["report"],
    ("ERRORS_DATA", "correctness.no_weight_column"): ["correctness"],  # --weights only
    ("ERRORS_DATA", "coverage.by_levels"): ["coverage"],
    ("ERRORS_DATA", "coverage.by_needs_units"): ["coverage"],  # dq report groups by unit, year
    ("ERRORS_DATA", "coverage.no_reference"): ["coverage"],
    **{("ERRORS_DATA", f"grouping.{k}"): ["completeness"]  # dq report groups by its roles only
       for k in ("needs_date", "needs_unit", "needs_unit_or_option", "needs_units",
                 "not_categorical", "twice", "unknown")},
    ("INIT", "coverage_other"): ["init"], ("INIT", "coverage_template"): ["init"],
    ("INIT", "header_todo"): ["init"], ("INIT", "password_replaced_stderr"): ["init"],
    ("ERRORS_SPEC", "init.exists"): ["init"], ("ERRORS_SPEC", "init.file_options"): ["init"],
    ("ERRORS_SPEC", "init.no_export"): ["init"],
    # dq.cli.inputs.database_option: the commands with --data-url
    ("ERRORS_DATA", "input.data_twice"): ["report", "completeness", "coverage", "init"],
    ("ERRORS_DATA", "input.data_url_missing"): ["report", "completeness", "coverage", "init"],
    ("ERRORS_DATA", "input.study_twice"): ["reliability", "correctness"],
    ("ERRORS_DATA", "input.study_url_missing"): ["reliability", "correctness"],
    **{("ERRORS_DATA", f"input.{k}"): ["report"]
       for k in ("figures_create", "figures_is_file", "figures_no_parent", "report_needs_spec",
                 "spec_twice")},
    ("WARNINGS", "report.figures_svg_only"): ["report"],
    ("ERRORS_SPEC", "reliability.correctness_by"): ["correctness"],
    ("ERRORS_SPEC", "reliability.pairs_form"): ["correctness"],
    # dq.plan: each function and the plan commands that call it
    ("ERRORS_SPEC", "plan.categories_shares"): ["plan kappa"],
    ("ERRORS_SPEC", "plan.kappa_shares"): ["plan kappa"],
    ("ERRORS_SPEC", "plan.shares_sum"): ["plan kappa"],
    ("ERRORS_SPEC", "plan.prevalence_text"): ["plan kappa", "plan sensitivity",
                                              "plan specificity"],
    ("ERRORS_SPEC", "plan.kappa_interval"): ["plan kappa"],
    ("ERRORS_SPEC", "plan.fix.width"): ["plan kappa", "plan icc", "plan sensitivity",
                                        "plan specificity", "plan proportion"],
    ("ERRORS_SPEC", "plan.fix.wider"): ["plan kappa", "plan icc", "plan sensitivity",
                                        "plan specificity", "plan proportion"],
    ("ERRORS_SPEC", "plan.fix.prevalence_half"): ["plan kappa"],
    ("ERRORS_SPEC", "plan.fix.shares_equal"): ["plan kappa"],
    ("ERRORS_SPEC", "plan.fix.prevalence_least"): ["plan sensitivity"],
    ("ERRORS_SPEC", "plan.fix.prevalence_most"): ["plan specificity"],
    ("ERRORS_SPEC", "plan.power_alpha"): ["plan kappa", "plan icc", "plan difference"],
    # dq.reliability's remarks and reasons: dq reliability, and dq report's [reliability] study
    ("RELIABILITY", "reliability.ordinal_as_text"): ["reliability", "report", "plan kappa"],
    ("RELIABILITY", "reliability.reason.too_many_categories"): ["reliability", "report",
                                                                "plan kappa"],
    ("ERRORS_SPEC", "plan.give_kappa"): ["plan kappa"],
    ("ERRORS_SPEC", "plan.power_needs_kappa0"): ["plan kappa"],
    ("ERRORS_SPEC", "plan.give_icc"): ["plan icc"], ("ERRORS_SPEC", "plan.icc_n"): ["plan icc"],
    ("ERRORS_SPEC", "plan.power_needs_icc0"): ["plan icc"],
    ("ERRORS_SPEC", "plan.raters"): ["plan kappa", "plan icc"],
    ("ERRORS_SPEC", "plan.pilot_variables"): ["plan kappa", "plan icc"],
    ("ERRORS_SPEC", "plan.pilot_no_variable"): ["plan kappa", "plan icc"],
    ("ERRORS_SPEC", "plan.width_or_null"): ["plan kappa", "plan icc"],
    ("ERRORS_SPEC", "plan.power_or_n"): ["plan kappa", "plan icc", "plan difference"],
    ("ERRORS_SPEC", "plan.n_per_group"): ["plan difference"],
    ("ERRORS_SPEC", "plan.one_of"): ["plan kappa", "plan icc", "plan proportion",
                                     "plan sensitivity", "plan specificity"],
    ("ERRORS_SPEC", "plan.width"): ["plan kappa", "plan icc", "plan proportion"],
    ("ERRORS_SPEC", "plan.unknown_method"): ["plan proportion", "plan sensitivity",
                                             "plan specificity"],
    ("PLAN", "plan.note.wald_outside"): ["plan proportion", "plan sensitivity",
                                         "plan specificity"],
    ("ERRORS_SPEC", "plan.too_few_negative"): ["plan sensitivity", "plan specificity"],
    ("ERRORS_SPEC", "plan.too_few_positive"): ["plan sensitivity", "plan specificity"],
    **{(t, f"sample.{k}"): ["sample"] for t, k in (
        ("WARNINGS", "all_taken"), ("ERRORS_SPEC", "by_or_per"), ("WARNINGS", "duplicate_key"),
        ("WARNINGS", "duplicate_key_one"), ("ERRORS_SPEC", "factor"),
        ("ERRORS_SPEC", "needs_strata"), ("ERRORS_SPEC", "neyman_needs_variable"),
        ("ERRORS_SPEC", "no_key_given"), ("ERRORS_SPEC", "none_left"),
        ("ERRORS_SPEC", "unknown_allocation_option"), ("ERRORS_SPEC", "year_needs_date"))},
    # a separator given: --separator ([dataset] separator is checked on load)
    ("ERRORS_DATA", "sniff.separator_length"): ["completeness", "init", "sample"],
    ("ERRORS_DATA", "sniff.separator_quote"): ["completeness", "init", "sample"],
}
EMITTED_BY.update(_help_emitted_by())


def _catalogue() -> dict[tuple[str, str], list[str]]:
    """(table, key) → its texts, every table of dq.messages (REPORT is keyed by language)."""
    from dq import messages

    out: dict[tuple[str, str], list[str]] = {}
    for name in dir(messages):
        table = getattr(messages, name)
        if not name.isupper() or not isinstance(table, dict) or not table:
            continue
        if set(table) <= set(messages.LANGS):
            for inner in table.values():
                for key, text in inner.items():
                    out.setdefault((name, key), []).append(text)
        else:
            for key, texts in table.items():
                if isinstance(texts, dict):
                    out.setdefault((name, key), []).extend(
                        t for t in texts.values() if isinstance(t, str))
    return out


def _unconditional(text: str) -> str:
    """What every command shows of a text: [[…]] parts left out ("||" parts kept)."""
    from dq.messages import _WITH_OPTIONS

    return _WITH_OPTIONS.sub(lambda f: f.group(2) or "", text)


def test_every_option_a_text_names_exists_on_every_command_that_writes_it():
    """Mechanical over the catalogue: options inside [[…]] are shown only where the running
    command has them all (dq.messages.render); every other option a text names must be an
    option of each command EMITTED_BY lists for it (a new one fails until it is listed), and
    options named after "dq <command>" must be that command's."""
    unlisted, wrong = [], []
    for (table, key), texts in _catalogue().items():
        for text in texts:
            for fragment in re.findall(r"\[\[(.*?)(?:\|\|.*?)?\]\]", text, re.S):
                own, other = _named(fragment)
                wrong += [f"{key}: {o} (of dq {c})" for c, opts in other.items()
                          for o in opts - OPTIONS[c]]
            own, other = _named(_unconditional(text))
            wrong += [f"{key}: {o} (of dq {c})" for c, opts in other.items()
                      for o in opts - OPTIONS[c]]
            if not own:
                continue
            if (table, key) not in EMITTED_BY:
                unlisted.append(f"{table} {key}: {sorted(own)}")
                continue
            wrong += [f"{key}: dq {c} has no {o}" for c in EMITTED_BY[(table, key)]
                      for o in sorted(own - OPTIONS[c])]
    assert unlisted == [], "say which commands write these texts (EMITTED_BY): " + "; ".join(
        unlisted)
    assert wrong == [], wrong


def _stderr_options_ok(result, command: str) -> None:  # noqa: ANN001 - click Result
    own, other = _named(result.stderr)
    assert own <= OPTIONS[command], (own - OPTIONS[command], result.stderr)
    for c, opts in other.items():
        assert opts <= OPTIONS[c], (c, opts, result.stderr)


def test_completeness_by_unit_without_a_unit_names_no_unit_option(tmp_path):
    data = tmp_path / "x.csv"
    data.write_text("a;b\n1;2\n", encoding="utf-8")
    for lang, text in (("en", "--by unit needs the unit column: set [dataset] unit in dq.toml"),
                       ("nb", "--by unit trenger enhetskolonnen: sett [dataset] unit i dq.toml")):
        result = run("completeness", data, "--by", "unit", "--lang", lang)
        assert result.exit_code == 2
        assert result.stderr.strip().endswith(text), result.stderr  # was: "… or pass --unit"
        _stderr_options_ok(result, "completeness")


def test_report_names_the_spec_keys_where_it_has_no_option(tmp_path):
    """dq report has none of --encoding, --case-column, --unit/--count, --level, --pairs: its
    fixes name the spec's keys (they named the options of other commands)."""
    ex = _example(tmp_path)
    # an export in cp1252: the note says how to choose the encoding
    _in_cp1252(ex / "hoftebrudd.csv")
    result = run("report", ex / "dq.toml", "--lang", "en", "--format", "json", "-o",
                 tmp_path / "r.json")
    assert "(set [dataset] encoding to choose)" in result.stderr, result.stderr
    _stderr_options_ok(result, "report")
    shutil.copy(EXAMPLE / "hoftebrudd.csv", ex / "hoftebrudd.csv")
    cases = [
        # a misspelt [reliability] variable: not only the case and rater columns
        (("case = \"Kasus\"", "case = \"Kasus\"\nvariables = [\"ASA\", \"Alderr\"]"),
         "column 'Alderr' not found", "([reliability] case and rater) and of the variables"),
        # a reference column that is not there
        (("n = \"Antall\"", "n = \"Antal\""), "the reference lacks column 'Antal' (n)",
         "name them in dq.toml [coverage.reference]"),
        # [dataset] encoding utf-8 on a file that is not
        (("date_format = \"%d.%m.%Y\"", "date_format = \"%d.%m.%Y\"\nencoding = \"utf-8\""),
         None, None),
    ]
    for edit, what, fix in cases:
        spec = _variant(ex, "v.toml", edit)
        for lang in ("en", "nb"):
            result = run("report", spec, "--lang", lang, "--format", "json", "-o",
                         tmp_path / "r.json")
            _stderr_options_ok(result, "report")
        result = run("report", spec, "--lang", "en", "--format", "json", "-o",
                     tmp_path / "r.json")
        if what is not None:
            assert result.exit_code == 3 and what in result.stderr and fix in result.stderr, \
                result.stderr
    # a study that is no valideringsdatasett: no --pairs in dq report
    (ex / "validering.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    result = run("report", ex / "dq.toml", "--lang", "en", "--format", "json")
    assert result.exit_code == 3 and "check [correctness] study" in result.stderr, result.stderr
    _stderr_options_ok(result, "report")
    correctness = run("correctness", ex / "validering.csv", "--lang", "en")
    assert "for a wide file pass --pairs REG:RECORD" in correctness.stderr


def _in_cp1252(path: Path) -> None:
    """The export saved from Excel: cp1252, with one letter beyond ASCII (in an id)."""
    text = (path).read_text(encoding="utf-8-sig").replace("P000547", "Pø00547", 1)
    path.write_bytes(text.encode("cp1252"))


def test_report_reads_a_cp1252_export_declared_utf8_with_the_spec_key_in_the_fix(tmp_path):
    ex = _example(tmp_path)
    _in_cp1252(ex / "hoftebrudd.csv")
    spec = _variant(ex, "u.toml", ('date_format = "%d.%m.%Y"',
                                   'date_format = "%d.%m.%Y"\nencoding = "utf-8"'))
    result = run("report", spec, "--lang", "en", "--format", "json")
    assert result.exit_code == 3
    assert result.stderr.strip().endswith('set [dataset] encoding = "cp1252"'), result.stderr
    _stderr_options_ok(result, "report")
    done = run("completeness", ex / "hoftebrudd.csv", "--encoding", "utf-8", "--lang", "en")
    assert done.stderr.strip().endswith("pass --encoding cp1252"), done.stderr


def test_sample_without_data_names_no_data_url(tmp_path):
    spec = tmp_path / "dq.toml"
    spec.write_text('[dataset]\nunit = "u"\n', encoding="utf-8")
    result = run("sample", "--spec", spec, "--n", "5", "--lang", "en", "-o", tmp_path / "s.csv")
    assert result.exit_code == 2
    assert "name one on the command line or set [dataset] files" in result.stderr, result.stderr
    _stderr_options_ok(result, "sample")


@pytest.mark.parametrize("key, value", [("separator", ";;"), ("encoding", "ebcdic"),
                                        ("format", "xls")])
def test_dataset_reading_keys_are_checked_on_load(tmp_path, key, value):
    """They were refused only when the file was read, in words naming --separator,
    --encoding or --input-format (dq report has none of them)."""
    spec = tmp_path / "dq.toml"
    spec.write_text(f'[dataset]\nfiles = ["x.csv"]\n{key} = "{value}"\n', encoding="utf-8")
    result = run("spec", "check", spec, "--lang", "en")
    assert result.exit_code == 2
    line = _errors(result)[0]
    assert line.startswith(f"dq: error: dq.toml: [dataset] {key}: ") and repr(value) in line
    assert "--" not in result.stderr


def test_no_english_unit_group_in_a_norwegian_note(tmp_path):
    """The note on units the unit table lacks printed dq's own groups as their tokens:
    '(missing)', in English under the Norwegian table."""
    ex = _example(tmp_path)
    lines = (ex / "hoftebrudd.csv").read_text(encoding="utf-8-sig").splitlines()
    column = lines[0].split(";").index("AvdRESH")
    out = [lines[0]]
    for i, line in enumerate(lines[1:]):
        fields = line.split(";")
        if i % 500 == 0:
            fields[column] = ""
        out.append(";".join(fields))
    (ex / "hoftebrudd.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    result = run("completeness", "--spec", ex / "dq.toml", "--by", "unit", "--lang", "nb")
    assert "(missing)" not in result.stdout + result.stderr
    assert "(mangler)" in result.stdout
