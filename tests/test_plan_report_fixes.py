"""Review findings on ``dq plan`` and the ``dq report`` documents.

1. A pilot's out-of-range estimate is named by the statistic's name (Fleiss' κ), not its id.
2. κ is not planned for an interval variable (the fix names ``dq plan icc``); κ ± width/2 past
   0 or 1 is refused with rounded numbers and no interval past the bound.
3. The ICC is not planned for an ordinal (or nominal) variable (the fix names ``dq plan kappa``).
4. Shares read as percentages everywhere: a not-assessed proportion's threshold, and observed
   agreement in the report (as dq reliability writes it) and in dq compare.

Every figure below is checked by hand against examples/hoftebrudd (interrater.csv: 60 cases
rated by registrars A and B).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import EXAMPLE, run, write_text

PILOT = ("--from-study", str(EXAMPLE / "interrater.csv"), "--spec", str(EXAMPLE / "dq.toml"))


# ---- 1. the statistic's name -------------------------------------------------------------

@pytest.mark.parametrize("lang, says", [
    ("nb", "gir Fleiss' κ = 1,00 for 'Kjonn'"),
    ("en", "gives Fleiss' κ = 1.00 for 'Kjonn'"),
])
def test_pilot_out_of_range_names_the_statistic(lang, says):
    """A and B agree on Kjonn in all 60 cases: p_o = 1, so Fleiss' κ = 1 (no disagreement)."""
    result = run("plan", "kappa", *PILOT, "--variable", "Kjonn", "--width", "0.2",
                 "--lang", lang)
    assert result.exit_code == 2
    assert says in result.stderr and "fleiss_kappa" not in result.stderr


# ---- 2. κ: not for an interval variable; the interval never past 0 or 1 -------------------

@pytest.mark.parametrize("lang", ["nb", "en"])
def test_kappa_for_an_interval_variable_is_refused_naming_plan_icc(lang):
    """Alder is an integer in the codebook (interval level): dq reliability computes the ICC
    for it, not κ. Refused before any κ is computed, also with --kappa given."""
    for extra in ((), ("--kappa", "0.6", "--prevalence", "0.3")):
        result = run("plan", "kappa", *PILOT, "--variable", "Alder", "--width", "0.2",
                     "--lang", lang, *extra)
        assert result.exit_code == 2, result.stdout
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "dq plan icc" in lines[0] and "'Alder'" in lines[0]
        assert ("intervallnivå" if lang == "nb" else "interval level") in lines[0]
        assert "1,04762" not in lines[0] and "0,847621" not in lines[0]


def test_kappa_for_an_interval_variable_by_the_spec_level(tmp_path):
    """The spec decides the level: with ASA at level = "interval" κ is refused for it (and the
    ICC allowed, below); a variable the spec does not declare is not judged."""
    shutil.copy(EXAMPLE / "interrater.csv", tmp_path / "interrater.csv")
    spec = write_text(tmp_path / "dq.toml", '[reliability]\ncase = "Kasus"\nrater = "Registrar"'
                      '\n\n[variables.ASA]\nlevel = "interval"\n')
    pilot = ("--from-study", tmp_path / "interrater.csv", "--spec", spec)
    result = run("plan", "kappa", *pilot, "--variable", "ASA", "--width", "0.2", "--lang", "en")
    assert result.exit_code == 2 and "dq plan icc" in result.stderr
    result = run("plan", "icc", *pilot, "--variable", "ASA", "--width", "0.2", "-f", "json")
    assert result.exit_code == 0, result.stderr
    result = run("plan", "kappa", *pilot, "--variable", "Nerveblokk", "--width", "0.2",
                 "-f", "json")
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("lang, says", [
    ("nb", "med κ = 0,950 og --width 0,2 ville intervallet κ ± width/2 gå forbi 1, men κ ligger "
           "mellom 0 og 1: be om en --width på høyst 0,099"),
    ("en", "with κ = 0.950 and --width 0.2 the interval κ ± width/2 would pass 1, but κ lies "
           "between 0 and 1: ask for a --width of at most 0.099"),
])
def test_kappa_interval_past_one_is_named_rounded(lang, says):
    """κ = 0.95, width 0.2: 0.95 + 0.1 = 1.05 > 1. The widest width that keeps κ + w/2 < 1 is
    below 2 × 0.05 = 0.1 (0.1 itself reaches 1.0): 0.099 at two significant digits. No bound
    past 1 and no unrounded number is printed."""
    result = run("plan", "kappa", "--kappa", "0.95", "--width", "0.2", "--prevalence", "0.3",
                 "--lang", lang)
    assert result.exit_code == 2
    assert result.stderr.strip().endswith(says)
    assert not re.search(r"1[,.]0[0-9]", result.stderr)
    # the width it names works; 0.1 does not (0.95 + 0.05 = 1)
    ok = run("plan", "kappa", "--kappa", "0.95", "--width", "0.099", "--prevalence", "0.3",
             "-f", "json")
    assert ok.exit_code == 0, ok.stderr
    doc = json.loads(ok.stdout)["results"][0]
    assert doc["ci_high"] == pytest.approx(0.9995) and doc["ci_high"] < 1
    bad = run("plan", "kappa", "--kappa", "0.95", "--width", "0.1", "--prevalence", "0.3")
    assert bad.exit_code == 2


def test_kappa_interval_below_zero_names_zero():
    """κ = 0.05, width 0.2: 0.05 − 0.1 < 0; widest below 2 × 0.05 = 0.1: 0.099."""
    result = run("plan", "kappa", "--kappa", "0.05", "--width", "0.2", "--prevalence", "0.3",
                 "--lang", "en")
    assert result.exit_code == 2
    assert "would pass 0" in result.stderr and "at most 0.099" in result.stderr


def test_round_down_below():
    from dq.plan import _round_down_below

    assert _round_down_below(0.104758) == 0.1  # κ = 0.947621 (Alder read as categories)
    assert _round_down_below(0.1) == 0.099
    assert _round_down_below(2 * (1 - 0.95)) == 0.099  # 0.10000000000000009 in floats
    assert _round_down_below(0.5) == 0.49


# ---- 3. the ICC: not for an ordinal or nominal variable ----------------------------------

@pytest.mark.parametrize("variable, level", [("ASA", "ordinal"), ("Kjonn", "nominal")])
@pytest.mark.parametrize("lang", ["nb", "en"])
def test_icc_for_a_categorical_variable_is_refused_naming_plan_kappa(variable, level, lang):
    """ASA has level = "ordinal" in the example spec, Kjonn is categorical: the ICC assumes
    equal distances between values and dq reliability does not compute it for them."""
    result = run("plan", "icc", *PILOT, "--variable", variable, "--width", "0.2",
                 "--lang", lang)
    assert result.exit_code == 2, result.stdout
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1 and "dq plan kappa" in line
    assert f"'{variable}'" in line
    assert (f"{level}nivå" if lang == "nb" else f"{level} level") in line
    assert ("vektet κ" if lang == "nb" else "weighted κ") in line


def test_the_fitting_plans_still_run():
    """κ for the ordinal ASA (5 categories) and the ICC for Operasjonstid (an integer)."""
    result = run("plan", "kappa", *PILOT, "--variable", "ASA", "--width", "0.2", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["results"][0]["inputs"]["categories"] == 5
    result = run("plan", "icc", *PILOT, "--variable", "Operasjonstid", "--width", "0.2",
                 "-f", "json")
    assert result.exit_code == 0, result.stderr


# ---- 4. shares as percentages in the report ----------------------------------------------

@pytest.fixture(scope="module")
def one_unit(tmp_path_factory) -> Path:
    """The example's largest unit without a complication (Komplikasjon = 1 nowhere): its
    Komplikasjonstype (mandatory when Komplikasjon = 1) applies to no record: not assessed."""
    df = pl.read_csv(EXAMPLE / "hoftebrudd.csv", separator=";", infer_schema_length=0)
    unit = df["AvdRESH"].value_counts().sort(["count", "AvdRESH"], descending=True)["AvdRESH"][0]
    path = tmp_path_factory.mktemp("one_unit") / "one_unit.csv"
    df.filter((pl.col("AvdRESH") == unit) & (pl.col("Komplikasjon") != "1")).write_csv(
        path, separator=";")
    return path


def _report(data: Path, lang: str, fmt: str, out: Path) -> str:
    result = run("report", EXAMPLE / "dq.toml", "--data", data, "-f", fmt, "--lang", lang,
                 "-o", out)
    assert result.exit_code in (0, 1), result.stderr
    return out.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang, pct, not_assessed, agreement", [
    ("nb", "95\u202f%", "ikke vurdert", "Observert enighet"),
    ("en", "95 %", "not assessed", "Percent agreement"),
])
def test_report_markdown_shares_as_percentages(one_unit, tmp_path, lang, pct, not_assessed,
                                               agreement):
    text = _report(one_unit, lang, "markdown", tmp_path / "r.md")
    row = next(r for r in text.splitlines() if r.startswith("| ") and "Komplikasjonstype |" in r
               and not_assessed in r)
    assert f"| ≥ {pct} |" in row  # [completeness] warn_below = 0.95, as every other row
    assert "0,95" not in row and "0.95 " not in row
    # Nerveblokk: A and B agree on 57 of 60 cases, 57/60 = 95.0 %; Wald t(59) with Gwet's SE
    # √(Σ(a_i − 0.95)²/(60·59)) = √(2.85/3540) = 0.02837, 0.95 − 2.001·0.02837 = 0.8932
    # (89.3), the upper limit capped at 1 (100.0)
    comma = "," if lang == "nb" else "."
    share = f"95{comma}0" + ("\u202f%" if lang == "nb" else " %")
    assert f"| {agreement} {share} |" in text  # the headline table's "beside" column
    appendix = next(r for r in text.splitlines() if r.startswith(f"| {agreement}: Nerveblokk"))
    assert f"| {share} | n = 60 | 89{comma}3–100{comma}0 |" in appendix
    assert f"{agreement} 0{comma}950" not in text


def test_report_html_observed_agreement_as_percentage(one_unit, tmp_path):
    text = _report(one_unit, "nb", "html", tmp_path / "r.html")
    assert "Observert enighet 95,0\u202f%" in text
    assert "Observert enighet 0,950" not in text


def _row(**kw):  # a check row as the renderers get it
    base = {"id": "kompletthet.variabel.X", "definition": "kompletthet.variabel", "unit": None,
            "estimate": None, "numerator": 0, "denominator": 0, "ci_low": None, "ci_high": None,
            "direction": "higher_is_better", "warn": 0.95, "fail": 0.85, "status":
            "not_assessed", "values": {"variable": "X"}}
    return {**base, **kw}


def test_threshold_of_a_not_assessed_share():
    from dq.render.report_text import key_text, threshold

    assert threshold(_row(), "nb") == "≥ 95\u202f%" and threshold(_row(), "en") == "≥ 95 %"
    # a count (freshness in days) keeps its number
    days = _row(id="aktualitet.ferskhet", definition="aktualitet.ferskhet", warn=90,
                direction="lower_is_better", numerator=None, denominator=None)
    assert threshold(days, "en") == "≤ 90"
    assert "0/0 =" not in key_text(_row(), "en")


def test_percent_agreement_threshold_and_figure():
    from dq.render.report_text import ci_of, figure_of, threshold

    row = _row(id="reliabilitet.ASA.percent_agreement", definition="reliabilitet",
               estimate=0.828, numerator=None, denominator=58, ci_low=0.727, ci_high=0.928,
               warn=0.8, values={"variable": "ASA", "statistic": "percent_agreement"})
    assert figure_of(row, "en") == "82.8 %" and ci_of(row, "en") == "72.7–92.8"
    assert threshold(row, "nb") == "≥ 80\u202f%"
    kappa = {**row, "id": "reliabilitet.ASA.weighted_kappa_quadratic", "estimate": 0.818,
             "ci_low": 0.70, "ci_high": 0.93, "warn": 0.61,
             "values": {"variable": "ASA", "statistic": "weighted_kappa_quadratic"}}
    assert figure_of(kappa, "en") == "0.818" and ci_of(kappa, "en") == "0.70–0.93"
    assert threshold(kappa, "en") == "≥ 0.61"


def test_reliability_weighted_agreement_as_percentage():
    """dq reliability writes weighted percent agreement as a share, like percent agreement."""
    from dq.render.terminal import estimate_ci, estimate_text

    assert estimate_text(0.957, "percent_agreement_weighted", "en") == "95.7 %"
    assert estimate_ci({"statistic": "percent_agreement_weighted", "ci_low": 0.932,
                        "ci_high": 0.982}, "nb") == "93,2–98,2"
    assert estimate_text(0.755, "fleiss_kappa_weighted", "en") == "0.755"


def test_compare_observed_agreement_in_percentage_points():
    from dq.render.compare import _diff, _value

    row = {"id": "reliabilitet.ASA.percent_agreement", "unit": None, "denominator_before": 60,
           "denominator_after": 60, "numerator_before": 57, "numerator_after": 60,
           "before": 0.95, "after": 1.0, "difference": 0.05, "ci_low": -0.02, "ci_high": 0.12}
    assert _value(row, "before", "en") == "57/60 = 95.0 %"
    assert _diff(row, "en") == "+5.0 pp (−2.0 to 12.0)"
    kappa = {**row, "id": "reliabilitet.ASA.cohen_kappa", "numerator_before": None,
             "numerator_after": None}
    assert _value(kappa, "before", "en") == "0.950 (n = 60)"
    assert _diff(kappa, "en") == "+0.050 (−0.020 to 0.120)"
