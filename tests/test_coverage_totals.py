"""Coverage totals and what they could give away (session 8's review).

- HF, RHF and national coverage are over the units in the reference, as the "all units" line
  is: a registry unit the reference lacks is flagged, never summed into the national figure
  (53/45 = 117.8 % was graded "pass").
- The "reporting units only" line is the national total less the units that do not report: it
  is hidden when such a unit is hidden. A registry unit outside the reference is in no total,
  so it neither needs nor gives secondary protection.
"""

from __future__ import annotations

import json

from typer.testing import CliRunner

from dq.cli import app

runner = CliRunner()


def _case(tmp_path, registry: dict[str, int], reference: dict[str, int]):
    rows = ["pid;enhet;dato"]
    for unit, n in registry.items():
        rows += [f"{unit}-{i};{unit};01.03.2023" for i in range(n)]
    (tmp_path / "reg.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "npr.csv").write_text(
        "enhet;aar;antall\n" + "".join(f"{u};2023;{n}\n" for u, n in reference.items()),
        encoding="utf-8")
    (tmp_path / "dq.toml").write_text(
        '[dataset]\nfiles = ["reg.csv"]\nperson_id = "pid"\nunit = "enhet"\n'
        'event_date = "dato"\ndate_format = "%d.%m.%Y"\n'
        '[coverage]\nreferences = ["npr.csv"]\ntarget = 0.80\nlow = 0.60\n'
        '[coverage.reference]\nunit = "enhet"\nyear = "aar"\nn = "antall"\n', encoding="utf-8")
    return tmp_path / "dq.toml"


def _coverage(spec, *extra):
    res = runner.invoke(app, ["coverage", "--spec", str(spec), "-f", "json", *map(str, extra)])
    assert res.exit_code in (0, 1), res.stderr
    return res.exit_code, json.loads(res.stdout)


def _row(doc, level, unit=None):
    return next(r for r in doc["results"] if r["level"] == level and r.get("unit") == unit)


def test_national_coverage_leaves_out_units_the_reference_lacks(tmp_path):
    # 4001: 30 of 40; 4002 reports nothing of 5; 4003 (8 events) is not in the reference.
    spec = _case(tmp_path, {"4001": 30, "4003": 8}, {"4001": 40, "4002": 5})
    code, doc = _coverage(spec)
    nat = _row(doc, "national")
    # 30/45 = 66.7 %: below the target 0.80, above the low mark (before: 38/45, 84.4 %, pass)
    assert (nat["n_registry"], nat["n_reference"]) == (30, 45)
    assert nat["status"] == "warn" and code == 0
    all_units = next(r for r in doc["national"] if r["scope"] == "all_units")
    assert (all_units["n_registry"], all_units["n_reference"]) == (30, 45)
    outside = _row(doc, "unit", "4003")
    assert (outside["n_registry"], outside["n_reference"], outside["coverage"]) == (8, 0, None)
    # and the report grades the same figure
    res = runner.invoke(app, ["report", str(spec), "-f", "json"])
    rep = json.loads(res.stdout)
    row = next(r for r in rep["results"]
               if r["id"] == "kompletthet.dekningsgrad" and r["unit"] is None)
    assert (row["numerator"], row["denominator"], row["status"]) == (30, 45, "warn")


def test_reporting_units_line_is_hidden_with_a_hidden_unit_that_does_not_report(tmp_path):
    # 4002 reports none of its 3 (a small cell): "all units" 30/43 less "reporting units"
    # 30/40 would give its 3 back.
    spec = _case(tmp_path, {"4001": 30}, {"4001": 40, "4002": 3})
    _, doc = _coverage(spec, "--suppress", 5)
    assert _row(doc, "unit", "4002")["n_reference"] is None
    lines = {r["scope"]: r for r in doc["national"]}
    reporting = lines["reporting_units"]
    assert reporting["n_reference"] is None and reporting["coverage"] is None
    assert "n_reference" in reporting["suppressed"] and reporting["units"] == 1
    # the national row, with its lone hidden unit protected by hiding 4001 too, stays shown
    assert (lines["all_units"]["n_registry"], lines["all_units"]["n_reference"]) == (30, 43)
    assert lines["all_units"]["suppressed"] == []
    # the human formats show the mark, never the figure
    md = runner.invoke(app, ["coverage", "--spec", str(spec), "-f", "markdown", "--lang", "en"])
    line = next(x for x in md.stdout.splitlines() if x.startswith("| reporting units only"))
    assert "40" not in line and "| : |" in line
    term = runner.invoke(app, ["coverage", "--spec", str(spec), "--suppress", "5", "--lang", "nb"])
    assert "kun rapporterende enheter: prikket" in term.stdout
    # without suppression both lines are shown
    _, doc = _coverage(spec)
    lines = {r["scope"]: r for r in doc["national"]}
    assert (lines["reporting_units"]["n_registry"], lines["reporting_units"]["n_reference"]) \
        == (30, 40)


def test_report_drops_the_reporting_side_figure_with_a_hidden_unit(tmp_path):
    spec = _case(tmp_path, {"4001": 30}, {"4001": 40, "4002": 3})
    res = runner.invoke(app, ["report", str(spec), "-f", "json", "--suppress", "5"])
    row = next(r for r in json.loads(res.stdout)["results"]
               if r["id"] == "kompletthet.dekningsgrad" and r["unit"] is None)
    assert row["figure"] is None
    res = runner.invoke(app, ["report", str(spec), "-f", "markdown", "--lang", "en"])
    assert "reporting units only: 75" not in res.stdout  # 30/40 = 75.0 %
    # unsuppressed, the side figure is there
    res = runner.invoke(app, ["report", str(spec), "-f", "json", "--suppress", "0"])
    row = next(r for r in json.loads(res.stdout)["results"]
               if r["id"] == "kompletthet.dekningsgrad" and r["unit"] is None)
    assert row["figure"] == "reporting units only: 75.0 %"


def test_a_unit_outside_the_reference_gives_no_secondary_protection(tmp_path):
    # 4003 (3 events) is in no total: hidden itself, but 4001 and 4002 stay shown.
    spec = _case(tmp_path, {"4001": 35, "4002": 45, "4003": 3}, {"4001": 40, "4002": 50})
    _, doc = _coverage(spec, "--suppress", 5)
    assert _row(doc, "unit", "4003")["n_registry"] is None
    assert _row(doc, "unit", "4001")["n_registry"] == 35
    assert _row(doc, "unit", "4002")["n_registry"] == 45
    nat = _row(doc, "national")
    assert (nat["n_registry"], nat["n_reference"]) == (80, 90)
