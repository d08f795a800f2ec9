"""dq report: the six dimensions on the example, every output format, privacy, bad input."""

import json
import os
import shutil
import xml.etree.ElementTree as ET
from importlib import resources
from io import StringIO
from math import comb
from pathlib import Path

import jsonschema
import numpy as np
import polars as pl
import pytest
from rich.console import Console
from typer.testing import CliRunner

from dq.checks import comparability
from dq.checks.model import figure
from dq.cli import app
from dq.publish import publish
from dq.render import report as render
from tests.conftest import EXAMPLE, launch_chromium, run, write_text

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("DQ_UPDATE_GOLDEN") == "1"


def _example_report(year=None):  # noqa: ANN001, ANN202
    from dq import reliability as rel
    from dq import report as rep
    from dq import spec as spec_mod
    from dq import units as units_mod
    from dq.cli.inputs import open_data
    from dq.correctness import read_long
    from dq.io import scan

    from dataclasses import replace

    sp = spec_mod.load(EXAMPLE / "dq.toml")
    source = open_data([], replace(sp, variables={}), fmt=None, encoding=None, separator=None)
    rs = sp.reliability
    src = scan(rs.study)
    names = [c for c in src.columns if c not in (rs.case, rs.rater)]
    study = rel.compute(rel.ratings_from_long(src, rs.case, rs.rater, names,
                                              {n: rel.level_of(n, sp, None) for n in names},
                                              spec=sp),
                        rs.thresholds)
    return rep.run(sp, source, units_mod.load(sp.units),
                   references=[scan(p) for p in sp.coverage.references], study=study,
                   validation=read_long(scan(sp.correctness.study)), year=year)


@pytest.fixture(scope="module")
def example_report():
    return _example_report()


@pytest.fixture(scope="module")
def pooled_report():
    return _example_report("all")


def rows(report, check_id, unit=None):
    df = report.checks.filter(pl.col("id") == check_id)
    df = df.filter(pl.col("unit").is_null()) if unit is None else df.filter(pl.col("unit") == unit)
    return df.to_dicts()


def test_planted_problems_show_in_their_dimensions(example_report):
    r = example_report
    verdicts = {d["id"]: d["verdict"] for d in r.dimensions}
    assert list(verdicts) == ["kompletthet", "korrekthet", "reliabilitet", "aktualitet",
                              "sammenlignbarhet", "relevans"]
    assert verdicts["kompletthet"] == "fail"
    # Kompletthet: the conditional variable, the non-reporting clinic, the 55 % hospital.
    assert rows(r, "kompletthet.variabel.Komplikasjonstype")[0]["status"] == "fail"
    assert "Aleris Nesttun" in rows(r, "kompletthet.tilslutning")[0]["figure"]
    assert rows(r, "kompletthet.dekningsgrad", "Kristiansand")[0]["status"] == "fail"
    # Korrekthet: duplicates, invalid ID numbers, admission after the operation, ASA vs record.
    # The report year is 2023 (the latest with finished records): 4 of the 11 planted duplicate
    # pairs and 7 of the 46 invalid ID numbers are registrations of 2023.
    assert (r.year, r.years) == (2023, [2019, 2020, 2021, 2022, 2023])
    dup = rows(r, "korrekthet.duplikater")[0]
    assert dup["numerator"] == 4 and dup["status"] == "warn" and dup["period"] == "2023"
    ids = rows(r, "korrekthet.fodselsnummer")[0]
    assert ids["numerator"] == 7 and "synthetic 3,921, invalid format 2" in ids["figure"]
    assert rows(r, "korrekthet.datoer.2")[0]["status"] == "fail"
    assert rows(r, "korrekthet.validering.ASA")[0]["status"] == "warn"
    # Reliabilitet: the kappa paradox variable warns on κ.
    assert rows(r, "reliabilitet.Antibiotika.cohen_kappa")[0]["status"] == "warn"
    # Aktualitet: Harstad registers weeks late.
    harstad = rows(r, "aktualitet.registrering", "Harstad")[0]
    assert harstad["status"] == "fail" and harstad["estimate"] < 0.6
    # Sammenlignbarhet: St. Olavs' EHR change named with its period; Haugesund's unknown codes.
    shift = rows(r, "sammenlignbarhet.skift.ASA", "St. Olavs")[0]
    assert "2022→2023" in shift["figure"] and shift["estimate"] < -0.2
    assert rows(r, "sammenlignbarhet.trakt.ukjent.ASA", "Haugesund")
    # Relevans: undocumented variables are listed.
    assert rows(r, "relevans.bruk")[0]["status"] == "warn"


def test_report_year_shows_what_pooling_hides(example_report, pooled_report):
    # St. Olavs' EHR change (November 2022) drops ASA completeness to 71/103 in 2023: a failing
    # unit in the annual report for 2023, hidden at 84 %+ when 2019–2023 are pooled.
    olav = rows(example_report, "kompletthet.variabel.ASA", "St. Olavs")[0]
    assert (olav["numerator"], olav["denominator"], olav["status"]) == (71, 103, "fail")
    pooled = rows(pooled_report, "kompletthet.variabel.ASA", "St. Olavs")[0]
    assert pooled["estimate"] > 0.84 and pooled["status"] != "fail"
    assert pooled_report.year is None and pooled_report.period == "2019–2023"
    assert rows(pooled_report, "korrekthet.duplikater")[0]["numerator"] == 11
    # National figures carry the year before, the change and every year of the trend.
    asa = rows(example_report, "kompletthet.variabel.ASA")[0]
    trend = json.loads(asa["trend"])
    assert [t["year"] for t in trend] == [2019, 2020, 2021, 2022, 2023]
    last, before = trend[-1], trend[-2]
    assert asa["estimate"] == pytest.approx(last["numerator"] / last["denominator"])
    assert asa["previous"] == pytest.approx(before["numerator"] / before["denominator"])
    assert asa["change"] == pytest.approx(asa["estimate"] - asa["previous"])
    # Shifts compare consecutive years over the whole export.
    assert rows(example_report, "sammenlignbarhet.skift.ASA")[0]["period"] == "2019–2023"
    doc = render.to_json(publish(example_report, None))
    assert doc["year"] == 2023 and doc["period"] == "2023"
    assert [r["year"] for r in doc["registrations"]] == [2019, 2020, 2021, 2022, 2023]
    assert sum(r["n_finished"] for r in doc["registrations"]) == 19_610


def test_json_matches_its_schema(example_report):
    schema = json.loads(resources.files("dq").joinpath("schemas/report.schema.json").read_text())
    doc = render.to_json(publish(example_report, None))
    jsonschema.validate(json.loads(render.json_dumps(doc)), schema)
    doc = render.to_json(publish(example_report, 5))
    jsonschema.validate(json.loads(render.json_dumps(doc)), schema)
    assert doc["manifest"]["suppression"]["min_count"] == 5
    assert any(row["suppressed"] for row in doc["results"])


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"golden file {name} is missing; DQ_UPDATE_GOLDEN=1 writes it"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs; DQ_UPDATE_GOLDEN=1 to accept"


def test_terminal_golden(example_report):
    """At 80 columns the summary, the verdicts and the main findings fit one 50-line screen
    (with the two lines dq writes on stderr), and the screen ends in Norwegian."""
    buf = StringIO()
    console = Console(file=buf, width=80, no_color=True, force_terminal=False, highlight=False)
    render.terminal(publish(example_report, None), console, "nb", 5)
    text = buf.getvalue()
    _golden("report_terminal_nb.txt", text)
    lines = text.splitlines()
    assert len(lines) <= 46 and max(len(line) for line in lines) <= 80
    assert lines[-1].startswith("… 28 funn til: --format html eller markdown")
    # per dimension the verdict and its key figure with CI and period; counts are of checks
    assert "Kompletthet       ikke bestått  Dekningsgrad 3\u202f928/4\u202f367 = 89,9\u202f% (89,0–90,8)," in text
    assert "Av 15 variabler: 2 med advarsel og 13 bestått." in text
    assert "κ-paradokset (Antibiotika, Komplikasjon)" in text


def test_markdown_golden_and_number_format(example_report):
    nb = render.markdown(publish(example_report, 5), "nb")
    _golden("report_nb.md", nb)
    # 195 of the 315 complicated operations of 2023 have a complication type
    assert "| Variabelkompletthet: Komplikasjonstype | 61,9\u202f%" in nb
    assert "| 195/315 |" in nb and "3\u202f928/3\u202f928" in nb  # narrow no-break space
    assert "2022: 58,2\u202f% (+3,7 prosentpoeng)" in nb
    assert "Prikking: Antall fra 1 til 4" in nb
    en = render.markdown(publish(example_report, 5), "en")
    assert "| Variable completeness: Komplikasjonstype | 61.9 %" in en
    assert "Counts from 1 to 4" in en


def test_junit_parses_back(example_report):
    root = ET.fromstring(render.junit(publish(example_report, 5)))
    cases = root.findall(".//testcase")
    assert len(cases) == example_report.checks.height
    failures = root.findall(".//failure")
    assert len(failures) == int((example_report.checks["status"] == "fail").sum())
    assert any("threshold" in f.get("message", "") for f in failures)
    assert {s.get("name") for s in root.findall("testsuite")} == {
        "kompletthet", "korrekthet", "reliabilitet", "aktualitet", "sammenlignbarhet", "relevans"}


def test_no_identifier_in_any_output(example_report, tmp_path):
    ids = pl.read_csv(EXAMPLE / "hoftebrudd.csv", separator=";", infer_schema=False)
    secrets = set(ids["Fodselsnummer"].drop_nulls().to_list()) | set(ids["PasientID"].to_list())
    buf = StringIO()
    render.terminal(publish(example_report, None), Console(file=buf, width=120), "nb", 5)
    outputs = [render.json_dumps(render.to_json(publish(example_report, None))),
               render.markdown(publish(example_report, 5), "nb"), render.to_html(publish(example_report, 5), "en"),
               render.junit(publish(example_report, 5)), buf.getvalue(),
               "\n".join(render.github_annotations(publish(example_report, 5)))]
    for text in outputs:
        tokens = set(text.replace('"', " ").replace(",", " ").split())
        assert not tokens & secrets


def test_funnel_limits_hand_computed():
    # n = 100, θ = 0.9, p = 0.025: r_p is the smallest r with P(R ≤ r) ≥ 0.025;
    # α = (P(R ≤ r_p) − 0.025) / P(R = r_p); limit = (r_p − α)/n (Spiegelhalter 2005).
    def cdf(r: int) -> float:
        return sum(comb(100, k) * 0.9**k * 0.1 ** (100 - k) for k in range(r + 1))

    r_p = next(r for r in range(101) if cdf(r) >= 0.025)
    alpha = (cdf(r_p) - 0.025) / (cdf(r_p) - cdf(r_p - 1))
    assert comparability.funnel_limits([100], 0.9, 0.025)[0] == pytest.approx((r_p - alpha) / 100)
    # Nothing lies beyond the ends: the upper limit at θ close to 1 is 1.
    assert comparability.funnel_limits([20], 0.99, 0.999)[0] == 1.0


def test_holm_and_two_proportion_against_references():
    from scipy.stats import fisher_exact
    from statsmodels.stats.multitest import multipletests

    p = np.array([0.01, 0.04, 0.03, 0.5, 0.001])
    assert comparability.holm(p) == pytest.approx(multipletests(p, method="holm")[1])
    # 99/100 → 70/100: z test; 1/10 → 5/10: Fisher's exact test (small expected counts).
    got = comparability.two_proportion_p(np.array([99, 1]), np.array([100, 10]),
                                         np.array([70, 5]), np.array([100, 10]))
    pooled = 169 / 200
    z = (0.70 - 0.99) / (pooled * (1 - pooled) * (2 / 100)) ** 0.5
    from scipy.stats import norm

    assert got[0] == pytest.approx(2 * norm.sf(abs(z)))
    assert got[1] == pytest.approx(fisher_exact([[1, 9], [5, 5]])[1])


def test_cli_formats_exit_codes_and_no_partial_file(tmp_path):
    out, junit = tmp_path / "r.html", tmp_path / "r.xml"
    result = run("report", EXAMPLE / "dq.toml", "--format", "html", "--output", out,
                 "--junit", junit)
    assert result.exit_code == 1, result.stderr
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html and "<script" not in html
    assert ET.parse(junit).getroot().tag == "testsuites"
    bad = write_text(tmp_path / "dq.toml", '[dataset]\nfiles = ["nope.csv"]\n')
    target = tmp_path / "partial.md"
    err = run("report", bad, "--format", "markdown", "--output", target)
    assert err.exit_code == 3 and "nope.csv" in err.stderr and not target.exists()
    bad.write_text('[dataset]\nfiles = ["x.csv"]\n[completeness]\nfail_below = 2\n')
    assert run("report", bad).exit_code == 2


def test_not_assessed_and_strict(tmp_path):
    data = write_text(tmp_path / "d.csv", "id;kode\n1;A\n2;B\n3;\n4;A\n5;B\n6;A\n")
    spec = write_text(tmp_path / "dq.toml",
                      '[dataset]\nfiles = ["d.csv"]\nperson_id = "id"\n'
                      '[variables.kode]\ntype = "categorical"\ncodes = ["A", "B"]\n'
                      'warn_below = 0.9\nuses = ["research"]\n'
                      '[variables.id]\ntype = "id"\nuses = ["administration"]\n')
    result = run("report", spec, "--format", "json")
    doc = json.loads(result.stdout)
    dims = {d["id"]: d for d in doc["dimensions"]}
    assert dims["reliabilitet"]["verdict"] == "not_assessed"
    assert "[reliability] study" in dims["reliabilitet"]["not_assessed_reason"]
    assert dims["kompletthet"]["verdict"] == "warn"  # 5/6 < 0.9
    assert result.exit_code == 0
    assert run("report", spec, "--strict").exit_code == 1
    assert data.exists()


def test_github_actions_annotations_and_summary(tmp_path):
    summary = tmp_path / "summary.md"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    result = CliRunner(env=env).invoke(app, ["report", str(EXAMPLE / "dq.toml"), "--format",
                                             "json", "--output", str(tmp_path / "r.json")])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("::error")]
    assert 0 < len(errors) <= 20
    assert summary.read_text(encoding="utf-8").startswith("# Datakvalitet")


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_html_in_a_real_browser(tmp_path, example_report):
    """Loads without console errors or network requests, and the screenshot is not blank."""
    browser = _chromium()
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if browser is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    page_file = tmp_path / "report.html"
    page_file.write_text(render.to_html(publish(example_report, 5), "nb"), encoding="utf-8")
    shot = tmp_path / "shot.png"
    errors, requests = [], []
    with playwright.sync_playwright() as p:
        b = launch_chromium(p, browser)
        page = b.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(page_file.as_uri())
        page.screenshot(path=str(shot), full_page=False)
        assert page.locator("svg").count() >= 3
        b.close()
    assert errors == []
    assert [u for u in requests if not u.startswith("file://")] == []
    from PIL import Image

    pixels = np.asarray(Image.open(shot).convert("L"))
    assert pixels.std() > 10  # not blank


def test_verification_checks_on_a_small_export(tmp_path):
    write_text(tmp_path / "d.csv",
               "pid;enhet;dato;inn;diag;prosedyre\n"
               "1;A;01.02.2023;31.01.2023;S72.0;NFB49\n"
               "2;A;05.02.2023;06.02.2023;S7;NFJ92\n"      # admitted after the operation; bad ICD-10
               "2;A;05.02.2023;04.02.2023;S72.1;XX1\n"     # duplicate of pid 2 + date; bad NCSP
               "3;B;01.03.2030;01.03.2030;S721;NFB29\n")   # after the export date
    spec = write_text(tmp_path / "dq.toml",
                      '[dataset]\nfiles = ["d.csv"]\nperson_id = "pid"\nunit = "enhet"\n'
                      'event_date = "dato"\nexport_date = "2024-01-01"\n'
                      '[verification]\nduplicate_keys = ["pid", "dato"]\n'
                      'date_order = ["inn <= dato"]\nno_future = ["dato"]\n'
                      'icd10 = ["diag"]\nncsp = ["prosedyre"]\n'
                      '[variables.dato]\ntype = "date"\n[variables.inn]\ntype = "date"\n')
    doc = json.loads(run("report", spec, "--format", "json", "--year", "all").stdout)
    got = {r["id"]: (r["numerator"], r["denominator"]) for r in doc["results"] if r["unit"] is None}
    assert got["korrekthet.datoer.1"] == (1, 4)
    assert got["korrekthet.framtid.dato"] == (1, 4)
    assert got["korrekthet.duplikater"] == (1, 4)
    assert got["korrekthet.kodeformat.diag"] == (1, 4)
    assert got["korrekthet.kodeformat.prosedyre"] == (1, 4)
    fresh = [r for r in doc["results"] if r["id"] == "aktualitet.ferskhet"]
    assert fresh == []  # no registration timestamp, so only the not-assessed reason
    dims = {d["id"]: d for d in doc["dimensions"]}
    assert dims["aktualitet"]["verdict"] == "not_assessed"


def test_shift_detector_names_the_period():
    # Unit A: 95/100 complete in 2021 and 2022, 60/100 in 2023 (EHR change); unit B steady.
    rows = pl.DataFrame({
        "variable": ["x"] * 6, "level": ["unit"] * 6, "unit": ["A"] * 3 + ["B"] * 3,
        "year": [2021, 2022, 2023] * 2, "n_valid": [95, 95, 60, 90, 91, 90],
        "n_applicable": [100] * 6})
    checks = comparability.shift_checks(rows, ["x"], {"A": "Sykehus A"}, 0.05)
    national = [c for c in checks if c.unit is None][0]
    units = [c for c in checks if c.unit is not None]
    assert (national.numerator, national.denominator) == (1, 2) and len(units) == 1
    u = units[0]
    assert u.unit == "Sykehus A" and u.params["year0"] == 2022 and u.params["year1"] == 2023
    assert figure(u.definition, u.variant, u.params, "nb").startswith(
        "2022→2023: 95,0\u202f% → 60,0\u202f%")
    assert units[0].estimate == pytest.approx(-0.35)


def test_ci_contract_strict_junit_verdict_line_and_annotations(tmp_path, monkeypatch):
    junit = tmp_path / "j.xml"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    result = run("report", "--spec", EXAMPLE / "dq.toml", "--format", "json", "-o",
                 tmp_path / "r.json", "--junit", junit, "--strict")
    assert result.exit_code == 1
    doc = json.loads((tmp_path / "r.json").read_text())
    statuses = [r["status"] for r in doc["results"]]
    root = ET.fromstring(junit.read_text())
    # --strict: warnings are failures in JUnit too, as they are for the exit code
    assert int(root.get("failures")) == statuses.count("fail") + statuses.count("warn")
    lines = result.stderr.splitlines()
    # one verdict line, always, last
    assert lines[-1].startswith("dq: Kompletthet ikke bestått, Korrekthet ikke bestått")
    assert lines[-1].endswith("— avslutningskode 1")
    # annotations: every failing check once (its units counted) before any warning, across the
    # dimensions, at most 20, and what was left out said
    notes = [ln for ln in lines if ln.startswith("::")]
    errors = [ln for ln in notes if ln.startswith("::error")]
    failing_ids = {r["id"] for r in doc["results"] if r["status"] == "fail"}
    assert len(errors) == min(len(failing_ids), 20)
    first_warning = next(i for i, ln in enumerate(notes) if ln.startswith("::warning"))
    assert all(ln.startswith("::error") for ln in notes[:first_warning])
    dims = {ln.split("title=dq ")[1].split(".")[0] for ln in errors}
    assert {"kompletthet", "korrekthet", "aktualitet"} <= dims
    assert len([ln for ln in notes if not ln.startswith("::notice")]) <= 20
    assert notes[-1].startswith("::notice") and "ikke annotert (høyst 20)" in notes[-1]
    # in the report's language (nb): the checks' Norwegian titles, terskel, enheter
    from tests.test_subcommand_lang import english_words

    assert all(english_words(ln.split("::", 2)[2]) == [] for ln in notes), notes
    assert any("terskel" in ln for ln in errors) and any(" enheter)" in ln for ln in notes)
    # a check failing in units only names the unit whose figure it shows, never as national
    timely = next(ln for ln in errors if "title=dq aktualitet.registrering" in ln)
    assert "(2023): 1 enhet, Harstad: 20,0\u202f%25" in timely
    # warnings are diagnostics: on stderr, not in the report
    assert any(ln.startswith("dq: advarsel:") for ln in lines)  # in the report's language


def test_html_figure_captions_follow_the_language_and_the_spec(example_report):
    nb = render.to_html(publish(example_report, 5), "nb")
    assert "Traktplott:" in nb
    nb = nb.replace("\u202f%", " %")  # Norwegian: a non-breaking thin space before %
    assert "Dekningsgrad per enhet med 95 % KI (2023; mål 80 %, lav 60 %)" in nb
    # timeliness shows the graded measure: the share within the limit, with the spec's limits
    assert ("Andel registrert innen 30 dager per enhet med 95 % KI (2023; advarsel under 80 %, "
            "ikke bestått under 60 %)") in nb
    for english in ("Funnel plot", "by unit", "dashed", "white 100"):
        assert english not in nb, english
    en = render.to_html(publish(example_report, 5), "en")
    assert "Funnel plot:" in en
    assert "Coverage (dekningsgrad) by unit with 95 % CI (2023; target 80 %, low 60 %)" in en


def test_codes_per_year_from_the_completeness_pass_equal_a_scan(tmp_path):
    """Codes that appear or vanish between years: a variable whose finished records hold only
    declared codes is read from the completeness pass (which declared code each unit and year
    holds); one with another value is scanned. Hand-made export, expected changes by hand:
    A (declared 1, 2, 3; unknown 9): 2020 {1, 2}, 2021 {1, 3, 9}, 2022 no value, 2023 {2}
      → 2021 new 3, 9, gone 2 (2022 and 2023 have no year before with a value to compare);
    B (declared x, y): 2020 {x}, 2021 {x, "Kari Nordmann"}, 2022 {x} → 2021: 1 undeclared value
      new, 2022: 1 gone, named never.
    An unfinished form (Status 1) holding code 3 in 2020 does not count."""
    rows = ["Enhet;Dato;Status;A;B",
            "1;01.01.2020;2;1;x", "1;02.01.2020;2;2;x", "2;03.01.2020;1;3;x",
            "1;01.01.2021;2;1;x", "2;02.01.2021;2; 3 ;Kari Nordmann", "2;03.01.2021;2;9;x",
            "1;01.01.2022;2;;x", "2;01.01.2023;2;2;x"]
    (tmp_path / "e.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "dq.toml").write_text(
        '[dataset]\nfiles = ["e.csv"]\nunit = "Enhet"\nevent_date = "Dato"\n'
        'finished = "Status = 2"\n\n[variables.A]\ntype = "categorical"\ncodes = ["1", "2", "3"]\n'
        'unknown = ["9"]\n\n[variables.B]\ntype = "categorical"\ncodes = ["x", "y"]\n',
        encoding="utf-8")
    result = run("report", tmp_path / "dq.toml", "--format", "json", "--year", "all")
    assert result.exit_code in (0, 1), result.stderr
    checks = {r["id"]: r for r in json.loads(result.stdout)["results"]}
    a = checks["sammenlignbarhet.koder.A"]["values"]["changes"]
    assert a == [{"year": 2021, "kind": "new", "codes": ["3", "9"], "undeclared": 0},
                 {"year": 2021, "kind": "gone", "codes": ["2"], "undeclared": 0}]
    b = checks["sammenlignbarhet.koder.B"]["values"]["changes"]
    assert b == [{"year": 2021, "kind": "new", "codes": [], "undeclared": 1},
                 {"year": 2022, "kind": "gone", "codes": [], "undeclared": 1}]
    assert "Kari" not in result.stdout


def test_report_counts_undated_events_as_dq_coverage_does(tmp_path):
    """The report takes the registry's events per unit and year from the completeness pass
    (dq.dimensions.context): events with an empty or an unreadable date are counted as
    dq coverage counts them (3 empty, 2 unparseable among finished forms, here)."""
    folder = tmp_path / "ex"
    shutil.copytree(EXAMPLE, folder)
    export = folder / "hoftebrudd.csv"
    frame = pl.read_csv(export, separator=";", infer_schema=False)
    finished = frame.with_row_index().filter(pl.col("SkjemaStatus") == "2")["index"].to_list()
    empty, bad = finished[:3], finished[3:5]
    frame = frame.with_row_index().with_columns(
        pl.when(pl.col("index").is_in(empty)).then(pl.lit(None))
        .when(pl.col("index").is_in(bad)).then(pl.lit("31.02.2023"))
        .otherwise(pl.col("Operasjonsdato")).alias("Operasjonsdato")).drop("index")
    frame.write_csv(export, separator=";")
    spec = folder / "dq.toml"
    wanted = "5 registry events have no valid date in 'Operasjonsdato' (3 empty, 2 unparseable)"
    cov = run("coverage", "--spec", spec, "--format", "json")
    rep = run("report", spec, "--format", "json", "--year", "2023")
    assert cov.exit_code in (0, 1) and rep.exit_code in (0, 1), (cov.stderr, rep.stderr)
    assert any(wanted in w for w in json.loads(cov.stdout)["warnings"])
    assert any(wanted in w for w in json.loads(rep.stdout)["warnings"]), rep.stdout[:2000]
