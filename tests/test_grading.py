"""One grading: every command gives the same status for the same figure and thresholds."""

from __future__ import annotations

import json

import pytest

from dq.grading import status
from tests.conftest import run, write_text


@pytest.mark.parametrize(("value", "higher", "expected"), [
    # warn 0.80, fail 0.60; thresholds are passed at equality
    (0.80, True, "pass"), (0.7999, True, "warn"), (0.60, True, "warn"), (0.5999, True, "fail"),
    (0.707, True, "warn"), (None, True, "not_assessed"),
    # lower is better: warn above 0.01, fail above 0.05
    (0.01, False, "pass"), (0.0101, False, "warn"), (0.05, False, "warn"), (0.0501, False, "fail"),
])
def test_status_at_the_edges(value, higher, expected):
    warn, fail = (0.80, 0.60) if higher else (0.01, 0.05)
    assert status(value, warn, fail, higher) == expected


def test_info_for_small_denominators_and_no_thresholds():
    assert status(0.1, 0.8, 0.6, True, small=True) == "info"
    assert status(0.1, None, None, True) == "pass"
    assert status(float("nan"), 0.8, 0.6) == "not_assessed"


def _coverage_case(tmp_path, registry: int, reference: int):
    # Unit A: `registry` of `reference` events in 2023 (unit B is complete, so the national
    # figure stays high); the spec's target 0.80 warns, low 0.60 fails.
    rows = ["pid;enhet;dato"] + [f"{i};A;01.02.2023" for i in range(registry)] + \
        [f"b{i};B;01.03.2023" for i in range(100)]
    write_text(tmp_path / "reg.csv", "\n".join(rows) + "\n")
    write_text(tmp_path / "npr.csv", f"enhet;aar;antall\nA;2023;{reference}\nB;2023;100\n")
    return write_text(
        tmp_path / "dq.toml",
        '[dataset]\nfiles = ["reg.csv"]\nperson_id = "pid"\nunit = "enhet"\nevent_date = "dato"\n'
        '[coverage]\nreferences = ["npr.csv"]\ntarget = 0.80\nlow = 0.60\n'
        '[coverage.reference]\nunit = "enhet"\nyear = "aar"\nn = "antall"\n')


@pytest.mark.parametrize(("registry", "reference", "expected"), [
    (70, 99, "warn"),   # 70.7 %: below the target, above the low mark (0.1 said fail here)
    (80, 100, "pass"),  # exactly the target
    (60, 100, "warn"),  # exactly the low mark
    (59, 100, "fail"),
])
def test_coverage_and_report_agree(tmp_path, registry, reference, expected):
    spec = _coverage_case(tmp_path, registry, reference)
    cov = json.loads(run("coverage", "--spec", spec, "--format", "json").stdout)
    unit_a = [r for r in cov["results"] if r.get("unit") == "A"]
    assert unit_a and unit_a[0]["status"] == expected
    rep = json.loads(run("report", spec, "--format", "json").stdout)
    row = [r for r in rep["results"]
           if r["id"] == "kompletthet.dekningsgrad" and r["unit"] == "A"]
    assert row and row[0]["status"] == expected
    assert row[0]["estimate"] == pytest.approx(registry / reference)
