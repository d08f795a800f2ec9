"""Small-cell suppression (dq.privacy, dq.publish): the cases a review found open.

Each test builds sibling rows by hand and says which cells an attacker could recover from the
published totals if they were shown."""

from __future__ import annotations

import json

import polars as pl
import pytest
from typer.testing import CliRunner

from dq import privacy
from dq.cli import app
from tests.test_report import EXAMPLE, _example_report


def _hidden(out: pl.DataFrame, count: str = "n") -> list[bool]:
    return out[f"{count}__hidden"].to_list()


def test_lone_hidden_unit_beside_zeros_hides_the_total():
    # Units 3, 0, 0 of HF A: no non-zero sibling can be hidden with the 3. Its HF total (3) is
    # small itself; the smallest non-zero HF of the same RHF is hidden with it.
    df = pl.DataFrame({"level": ["unit", "unit", "unit", "hf", "hf", "rhf", "national"],
                       "hf": ["A", "A", "A", "A", "B", None, None],
                       "rhf": ["X", "X", "X", "X", "X", "X", None],
                       "n": [3, 0, 0, 3, 40, 43, 43]})
    out = privacy.suppress(df, ["n"], 5, period=[], has_units=True)
    assert _hidden(out) == [True, False, False, True, True, False, False]
    # the two 3s are small ("<5"); the 40 is hidden to protect them (":")
    assert out["n__small"].to_list() == [True, False, False, True, False, False, False]
    # Without a unit table the units' total is the nation's, here with 57 events of no unit:
    # the lone hidden 3 beside zeros hides the national total.
    df = pl.DataFrame({"level": ["unit", "unit", "unit", "national"], "n": [3, 0, 0, 60]})
    out = privacy.suppress(df, ["n"], 5, period=[], has_units=False)
    assert _hidden(out) == [True, False, False, True]
    assert out["n__small"].to_list() == [True, False, False, False]


def test_a_row_with_one_small_count_hides_all_its_counts():
    # Unit 1: 3 of 5 (the 5 with the row's status band would give the 3 away).
    df = pl.DataFrame({"level": ["unit", "unit", "unit", "national"], "x": [3, 20, 30, 53],
                       "n": [5, 40, 30, 75]})
    out = privacy.suppress(df, ["x", "n"], 5, period=[], has_units=False)
    assert _hidden(out, "x") == _hidden(out, "n") == [True, True, False, False]
    assert out["x__small"].to_list() == [True, False, False, False]
    assert out["n__small"].to_list() == [False] * 4


def test_without_a_parent_column_nothing_fails():
    # dq coverage --by rhf: rows of RHFs and the nation, no HF column
    df = pl.DataFrame({"level": ["rhf", "rhf", "national"], "rhf": ["X", "Y", None],
                       "year": [2023, 2023, 2023], "n": [3, 50, 53]})
    out = privacy.suppress(df, ["n"], 5, period=["year"], has_units=True)
    assert _hidden(out) == [True, True, False]


def test_coverage_by_rhf_with_suppression_runs():
    runner = CliRunner()
    for by in ("rhf,year", "year", "rhf"):
        res = runner.invoke(app, ["coverage", "--spec", str(EXAMPLE / "dq.toml"), "--by", by,
                                  "--format", "json", "--suppress", "5"])
        assert res.exit_code in (0, 1), (by, res.output)
        json.loads(res.stdout)


@pytest.fixture(scope="module")
def example_report():
    return _example_report()


def test_report_national_rows_and_lone_units(example_report):
    """The published report: a national count of patients below n is hidden like a unit's, a
    national count of units (a full enumeration) is not, a row hidden to protect another shows
    ":" and a small one "<n"."""
    from dataclasses import replace

    from dq.publish import publish
    from dq.render.report_text import evidence_of

    def row(id_, definition, unit, x, n):
        return {"id": id_, "definition": definition, "unit": unit, "numerator": x,
                "denominator": n, "period": "2023"}

    rows = [
        # completeness of a conditional variable: units with 3 of 3, 30 of 40, 0 of 0
        row("kompletthet.variabel.K", "kompletthet.variabel", "A", 3, 3),
        row("kompletthet.variabel.K", "kompletthet.variabel", "B", 30, 40),
        row("kompletthet.variabel.K", "kompletthet.variabel", "C", 0, 0),
        row("kompletthet.variabel.K", "kompletthet.variabel", None, 33, 43),
        # duplicates: 4 of 3,928 nationally
        row("korrekthet.duplikater", "korrekthet.duplikater", None, 4, 3928),
        # units shifted: 1 of 33 units (an enumeration)
        row("sammenlignbarhet.skift.K", "sammenlignbarhet.skift", None, 1, 33),
    ]
    template = example_report.checks.head(1).to_dicts()[0]
    checks = pl.DataFrame([{**template, "cells": None, **r} for r in rows],
                          schema=example_report.checks.schema)
    out = publish(replace(example_report, checks=checks, figures={}), 5).checks
    got = {(r["id"], r["unit"]): r for r in out.iter_rows(named=True)}
    a, b, c = (got[("kompletthet.variabel.K", u)] for u in "ABC")
    assert (a["suppressed"], a["suppressed_small"], a["numerator"]) == (True, True, None)
    assert (b["suppressed"], b["suppressed_small"], b["numerator"]) == (True, False, None)
    assert not c["suppressed"] and not got[("kompletthet.variabel.K", None)]["suppressed"]
    assert (evidence_of(a, "nb", 5), evidence_of(b, "nb", 5)) == ("<5", ":")
    dup = got[("korrekthet.duplikater", None)]
    assert (dup["suppressed"], dup["numerator"], evidence_of(dup, "nb", 5)) == (True, None, "<5")
    shift = got[("sammenlignbarhet.skift.K", None)]
    assert (shift["suppressed"], shift["numerator"]) == (False, 1)


def test_a_total_hidden_to_protect_a_sibling_is_not_left_as_the_sum_of_its_shown_rows():
    # Review (session 10): HF A's one unit is small; HF B is hidden to protect A among the HFs
    # of RHF X, but B's one unit was shown, and B = that unit: RHF − C − B gave A back.
    df = pl.DataFrame({
        "level": ["unit", "unit", "unit", "unit", "hf", "hf", "hf", "rhf", "national"],
        "hf": ["A", "B", "C", "C", "A", "B", "C", None, None],
        "rhf": ["X"] * 8 + [None],
        "x": [3, 170, 400, 500, 3, 170, 900, 1073, 1073],
        "n": [4, 193, 420, 530, 4, 193, 950, 1147, 1147]})
    out = privacy.suppress(df, ["x", "n"], 5, period=[], has_units=True)
    assert _hidden(out, "x") == [True, True, False, False, True, True, False, False, False]
    # B and its unit are hidden to protect (":"), not small
    assert out["x__small"].to_list() == [True] + [False] * 3 + [True] + [False] * 4


def test_a_sibling_whose_count_is_zero_where_the_hidden_one_has_one_protects_nothing():
    # Review (session 10): a unit that does not report (registry 0, reference 50) was picked to
    # protect a unit of 3/4; its 0 is published as "not reporting", so national − shown gave the
    # 3 back. The smallest unit with both counts non-zero is hidden instead.
    df = pl.DataFrame({"level": ["unit", "unit", "unit", "unit", "national"],
                       "x": [3, 0, 100, 200, 303], "n": [4, 50, 120, 230, 404]})
    out = privacy.suppress(df, ["x", "n"], 5, period=[], has_units=False)
    assert _hidden(out, "x") == [True, False, True, False, False]
    # a flag column (a small breakdown cell) marks a row but needs no sibling to share it
    df = df.with_columns(pl.Series("cells", [1, 0, 0, 0, 0]))
    out = privacy.suppress(df, ["x", "n", "cells"], 5, period=[], has_units=False,
                           flags=("cells",))
    assert _hidden(out, "x") == [True, False, True, False, False]
