"""Review fixes: dq init with a reference it does not recognise, dq plan at absurd inputs, weighted
correctness without a binary variable, stdout write errors, and the reason in Norwegian usage
errors. Each test failed before its fix."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import pytest

from dq import messages
from dq import plan as P
from tests.conftest import ROOT, run, write_text
from tests.test_stderr_lang import english_in

# ---------------------------------------------------------------- 1. dq init --reference


def _export(tmp_path):
    rows = "\n".join(f"P{i:04d};10{i % 3};2023-0{1 + i % 9}-1{i % 10}" for i in range(40))
    return write_text(tmp_path / "export.csv", "PasientID;AvdRESH;Operasjonsdato\n" + rows + "\n")


@pytest.mark.parametrize(("lang", "note"), [
    ("nb", "# TODO: referansen weird.csv har verken antall (aggregert) eller person og dato "
           "(kobling)"),
    ("en", "# TODO: the reference weird.csv has neither counts (aggregate) nor person and date "
           "(linkage)"),
], ids=["nb", "en"])
def test_init_with_a_reference_it_does_not_recognise(tmp_path, lang, note):
    """Was exit 4 (a note's parameter named "key" collided with the writer's own argument):
    now the note names the file and [coverage] stays a comment the user fills in."""
    export = _export(tmp_path)
    write_text(tmp_path / "weird.csv", "a;b\n1;2\n3;4\n")
    result = run("init", export, "--reference", tmp_path / "weird.csv", "-o",
                 tmp_path / "dq.toml", "--lang", lang)
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "dq.toml").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert note in lines
    assert "# [coverage]" in lines and '# references = ["weird.csv"]' in lines
    assert "[coverage]" not in lines  # no table with an empty reference list


def test_init_with_a_reference_lacking_a_column(tmp_path):
    """Counts per unit without a year: aggregate, with a TODO for the year column (the note
    whose parameter is "key", which crashed every such run)."""
    export = _export(tmp_path)
    write_text(tmp_path / "npr.csv", "Behandlingssted;Antall\n101;20\n102;15\n")
    result = run("init", export, "--reference", tmp_path / "npr.csv", "-o", tmp_path / "dq.toml",
                 "--lang", "en")
    assert result.exit_code == 0, result.stderr
    lines = (tmp_path / "dq.toml").read_text(encoding="utf-8").splitlines()
    assert "# TODO: no column found for year" in lines
    assert 'references = ["npr.csv"]' in lines


def test_catalogue_texts_take_key_and_lang_as_values():
    """The catalogue's own arguments are positional-only: "key" and "lang" are values too."""
    assert messages.init_text("coverage_column_todo", "en", key="year") == \
        "no column found for year"
    assert messages.Message("stderr.error", key="x", lang="y").text("nb") == "feil"


# ---------------------------------------------------------------- 2. dq plan at absurd inputs


@pytest.mark.parametrize(("args", "nb", "en"), [
    (["kappa", "--kappa", "0.6", "--width", "0.2", "--prevalence", "1e-200"],
     "hver --prevalence må ligge mellom 0,000001 og 0,999999 for at formlene skal holde (fikk "
     "1e-200)",
     "every --prevalence must lie between 0.000001 and 0.999999 for the formulas to hold (got "
     "1e-200)"),
    (["kappa", "--kappa", "0.6", "--width", "1e-9", "--prevalence", "0.3"],
     "--width må ligge mellom 0,000001 og 0,999999 for at formlene skal holde (fikk 1e-09)",
     "--width must lie between 0.000001 and 0.999999 for the formulas to hold (got 1e-09)"),
    (["proportion", "--proportion", "1e-300", "--width", "0.1", "--method", "wald"],
     "--proportion må ligge mellom 0,000001 og 0,999999 for at formlene skal holde (fikk "
     "1e-300)",
     "--proportion must lie between 0.000001 and 0.999999 for the formulas to hold (got "
     "1e-300)"),
    # κ = 0.6, π = 0.3, w = 0.001 needs 11,600,725 cases (n ∝ 1/w², so the narrowest width
    # within 10 million is 0.001 · √1.16007 = 0.001077, shown rounded up as 0.0011)
    (["kappa", "--kappa", "0.6", "--width", "0.001", "--prevalence", "0.3"],
     "studien ville trenge om lag 1,2e+07 tilfeller, "
     "flere enn de 10\u202f000\u202f000 dq planlegger for; "
     "be om en --width på minst 0,0011",
     "the study would need about 1.2e+07 cases, more than the 10,000,000 dq plans for; ask for "
     "a --width of at least 0.0011"),
    # Buderer: 138.29 positives for sensitivity 0.9 ± 0.05 (the README's example); at prevalence
    # 1e-5 that is 1.3829e7 patients. Within 10 million: a prevalence of at least
    # 138.29 / 1e7 = 1.3829e-5 (shown 1.4e-05), or n ∝ 1/w², a width of at least
    # 0.1 · √1.3829 = 0.1176 (shown 0.12)
    (["sensitivity", "--sensitivity", "0.9", "--width", "0.1", "--prevalence", "1e-5"],
     "studien ville trenge om lag 1,4e+07 tilfeller, "
     "flere enn de 10\u202f000\u202f000 dq planlegger for; "
     "be om en --width på minst 0,12, eller velg en --prevalence på minst 1,4e-05",
     "the study would need about 1.4e+07 cases, more than the 10,000,000 dq plans for; ask for "
     "a --width of at least 0.12, or choose a --prevalence of at least 1.4e-05"),
    # a power no higher than α has no n (was exit 4: the root finder found no sign change)
    (["kappa", "--kappa", "0.6", "--kappa0", "0.4", "--prevalence", "0.3", "--power", "0.05"],
     "--power 0,05 må være større enn 0,05, sjansen for et signifikant resultat med --alpha 0,05 "
     "når det ikke finnes noen forskjell",
     "--power 0.05 must be greater than 0.05, the chance of a significant result at --alpha 0.05 "
     "when there is no difference"),
    (["difference", "--p1", "0.8", "--p2", "0.8001"],
     "studien ville trenge om lag 5e+08 tilfeller, "
     "flere enn de 10\u202f000\u202f000 dq planlegger for; "
     "velg en --p2 lenger fra --p1",
     "the study would need about 5e+08 cases, more than the 10,000,000 dq plans for; choose a "
     "--p2 further from --p1"),
], ids=["prevalence-1e-200", "width-1e-9", "proportion-1e-300", "kappa-width-cap",
        "sensitivity-prevalence-cap", "power-at-alpha", "difference-cap"])
def test_plan_refuses_absurd_inputs_with_one_line(args, nb, en):
    """One line naming the option and the range or what to change (the first three, and the
    power, were exit 4; the others printed the absurd n)."""
    for lang, line in (("nb", f"dq: feil: {nb}\n"), ("en", f"dq: error: {en}\n")):
        result = run("plan", *args, "--lang", lang)
        assert result.exit_code == 2, result.stderr
        assert result.stderr == line


def test_the_width_the_cap_names_is_within_it():
    assert P.kappa_width(0.6, width=0.0011, prevalence=[0.3]).n <= P.MAX_N
    # and 0.001 is not: 11,600,725 cases (the formula's n before rounding up)
    with pytest.raises(P.ConfigError):
        P.kappa_width(0.6, width=0.001, prevalence=[0.3])


_TINY = ["1e-300", "1e-12", "1e-7", "0.000001", "0.999999", "0.9999999", "0", "1", "nan", "inf"]
_BASE = {
    "kappa": {"--kappa": "0.6", "--width": "0.2", "--prevalence": "0.3"},
    "kappa0": {"--kappa": "0.6", "--kappa0": "0.4", "--prevalence": "0.3"},
    "icc": {"--icc": "0.7", "--width": "0.2"},
    "icc0": {"--icc": "0.7", "--icc0": "0.5"},
    "sensitivity": {"--sensitivity": "0.9", "--prevalence": "0.2", "--width": "0.1"},
    "specificity": {"--specificity": "0.9", "--prevalence": "0.2", "--width": "0.1"},
    "proportion": {"--proportion": "0.9", "--width": "0.1"},
    "difference": {"--p1": "0.8", "--p2": "0.9"},
}
_GRID = [(name, option, value) for name, opts in _BASE.items() for option in opts
         for value in _TINY]


@pytest.mark.parametrize(("name", "option", "value"), _GRID)
def test_plan_grid_never_crashes_nor_prints_an_absurd_n(name, option, value):
    args = {**_BASE[name], option: value}
    command = name.rstrip("0")
    result = run("plan", command, "-f", "json", *[x for kv in args.items() for x in kv])
    assert result.exit_code in (0, 2), result.stderr
    if result.exit_code == 2:
        assert len(result.stderr.splitlines()) == 1
        return
    row = json.loads(result.stdout)["results"][0]
    assert max(row["n"], row["n_total"] or 0) <= P.MAX_N
    for key in ("n_exact", "width", "ci_low", "ci_high", "power"):
        assert row[key] is None or math.isfinite(row[key]), key


# ---------------------------------------------------------------- 3. weighted correctness


def test_weighted_correctness_without_a_binary_variable(tmp_path):
    """Was exit 4 (the weighted 2 × 2 cells did not exist). Hand-computed: weights 1, 3, 2, 1;
    rows 1, 3 and 4 agree, so the share is (1 + 2 + 1) / 7 = 4/7 and Kish's n_eff is
    7² / (1 + 9 + 4 + 1) = 49/15; sensitivity and the rest do not apply to a number."""
    study = write_text(tmp_path / "study.csv",
                       "Pid;W;vld_varnamn;vld_vartype;vld_verdi_intern_tal;vld_verdi_ekstern_tal\n"
                       "1;1;A;tal;3;3\n2;3;A;tal;2;3\n3;2;A;tal;1;1\n4;1;A;tal;2;2\n")
    result = run("correctness", study, "--weights", "W", "--format", "json")
    assert result.exit_code == 1, result.stderr  # 57 % is below the default thresholds
    (row,) = json.loads(result.stdout)["results"]
    assert row["share_correct"] == pytest.approx(4 / 7)
    assert row["weighted_correct"] == 4 and row["weighted_n"] == 7
    assert row["n_effective"] == pytest.approx(49 / 15)
    assert row["n"] == 4 and row["n_correct"] == 3
    assert row["sensitivity"] is None and row["tp"] is None


def test_weighted_correctness_of_a_wide_study_with_text_variables(tmp_path):
    study = write_text(tmp_path / "wide.csv", "Pid;W;a_reg;a_rec;b_reg;b_rec\n"
                       "1;1;3;3;5;5\n2;3;2;3;6;5\n3;2;1;1;7;7\n4;1;2;2;5;6\n")
    result = run("correctness", study, "--pairs", "a_reg:a_rec,b_reg:b_rec", "--weights", "W",
                 "--format", "json")
    assert result.exit_code == 1, result.stderr
    shares = {r["variable"]: r["share_correct"] for r in json.loads(result.stdout)["results"]}
    # a: rows 1, 3, 4 agree (1 + 2 + 1 of 7); b: rows 1 and 3 (1 + 2 of 7)
    assert shares == pytest.approx({"a_reg": 4 / 7, "b_reg": 3 / 7})


# ---------------------------------------------------------------- 4. stdout write errors

needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")


def _dq(args, cwd, stdout):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("CI", None)
    return subprocess.run([sys.executable, "-m", "dq", *map(str, args)], cwd=cwd, stdout=stdout,
                          stderr=subprocess.PIPE, env=env, text=True)


def _closed_pipe():
    read, write = os.pipe()
    os.close(read)
    return write


def _small(tmp_path):
    return write_text(tmp_path / "d.csv", "id;unit\n1;101\n2;101\n3;102\n4;102\n5;102\n")


@needs_dev_full
@pytest.mark.parametrize(("lang", "line"), [
    ("nb", "dq: feil: kunne ikke skrive til standard ut (disken er full)\n"),
    ("en", "dq: error: could not write to standard output (No space left on device)\n"),
], ids=["nb", "en"])
def test_a_full_stdout_is_a_write_error(tmp_path, lang, line):
    data = _small(tmp_path)
    with open("/dev/full", "w") as full:
        proc = _dq(["completeness", data, "--lang", lang], tmp_path, full)
    assert proc.returncode == 3
    assert proc.stderr == line


@needs_dev_full
def test_spec_check_on_a_full_stdout_is_no_read_error(tmp_path):
    """Was "the input could not be read (disk full)": the summary line went around the plan."""
    write_text(tmp_path / "dq.toml", "[dataset]\nname = \"x\"\n")
    with open("/dev/full", "w") as full:
        proc = _dq(["spec", "check", "dq.toml"], tmp_path, full)
    assert proc.returncode == 3
    assert proc.stderr == "dq: feil: kunne ikke skrive til standard ut (disken er full)\n"


@needs_dev_full
def test_sample_leaves_no_list_when_stdout_fails(tmp_path):
    """Was "hoftebrudd.csv could not be read (disk full)", with the list and manifest left
    behind: the allocation on stdout is now one of the outputs, written whole or not at all."""
    data = _small(tmp_path)
    with open("/dev/full", "w") as full:
        proc = _dq(["sample", data, "--key", "id", "--n", "3", "-o", "l.csv", "--lang", "en"],
                   tmp_path, full)
    assert proc.returncode == 3
    assert proc.stderr == ("dq: error: could not write to standard output (No space left on "
                           "device); not written: --output l.csv, --manifest l.csv.manifest.json\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv"]


@pytest.mark.parametrize("args", [
    ["completeness", "d.csv"],
    ["sample", "d.csv", "--key", "id", "--n", "3", "-o", "l.csv"],
    ["plan", "proportion", "--proportion", "0.9", "--width", "0.1"],
    ["--version"],
    ["completeness", "--help"],
])
def test_a_closed_pipe_ends_quietly(tmp_path, args):
    """``dq … | head``: no message, 141 as a Unix tool stopped by SIGPIPE (was exit 3 and
    "could not read d.csv (broken pipe)" from dq sample; no file of the run is written."""
    _small(tmp_path)
    pipe = _closed_pipe()
    try:
        proc = _dq(args, tmp_path, pipe)
    finally:
        os.close(pipe)
    assert (proc.returncode, proc.stderr) == (141, "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv"]


def test_sample_manifest_on_stdout_is_what_stdout_shows(tmp_path):
    """--manifest -: the manifest (the allocation, suppressed) is stdout's one text."""
    data = _small(tmp_path)
    result = run("sample", data, "--key", "id", "--n", "3", "-o", tmp_path / "l.csv",
                 "--manifest", "-")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["command"] == "sample"


# ---------------------------------------------------------------- 5. Norwegian usage errors


@pytest.mark.parametrize(("args", "nb", "en"), [
    (["completeness", "x.csv", "--top", "abc"],
     "ugyldig verdi for --top: «abc» er ikke et heltall; se «dq completeness --help»",
     "Input should be a valid integer"),
    (["completeness", "x.csv", "--min-n", "-1"],
     "ugyldig verdi for --min-n: må være minst 0 (fikk -1); se «dq completeness --help»",
     "Input should be greater than or equal to 0"),
    (["plan", "kappa", "--kappa", "abc"],
     "ugyldig verdi for --kappa: «abc» er ikke et tall; se «dq plan kappa --help»",
     "Input should be a valid number"),
    (["plan", "kappa", "--width", "2"],
     "ugyldig verdi for --width: må være høyst 1 (fikk 2); se «dq plan kappa --help»",
     "Input should be less than or equal to 1"),
    (["plan", "kappa", "--alpha", "0"],
     "ugyldig verdi for --alpha: må være minst 0.000001 (fikk 0); se «dq plan kappa --help»",
     "Input should be greater than or equal to 0.000001"),
], ids=["not-integer", "below-min", "not-number", "above-max", "below-float-min"])
def test_norwegian_usage_errors_say_why(args, nb, en):
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr == f"dq: feil: {nb}\n"
    assert english_in(nb) == []
    english = run(*args, "--lang", "en")
    assert english.exit_code == 2 and en in english.stderr  # the parser's own text


def test_norwegian_usage_error_names_a_folder_given_for_a_file(tmp_path):
    result = run("spec", "check", tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (f"dq: feil: ugyldig verdi for SPEC: {tmp_path} er en mappe, ikke en "
                             "fil; se «dq spec check --help»\n")
