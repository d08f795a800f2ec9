"""Variable completeness: hand-computed counts on small frames, and invariants."""

from pathlib import Path

import polars as pl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from polars.testing.parametric import column, dataframes

from dq import completeness, spec
from dq.grouping import resolve
from dq.io import Source, SourceInfo
from dq.units import Units

SPEC = """
[dataset]
unit = "unit"
finished = "status = 2"
[completeness]
warn_below = 0.9
fail_below = 0.5
[variables.ASA]
type = "categorical"
codes = {1 = "ASA 1", 2 = "ASA 2", 3 = "ASA 3", 4 = "ASA 4", 5 = "ASA 5"}
unknown = [9]
[variables.Kompl]
type = "categorical"
codes = [0, 1]
[variables.Type]
type = "categorical"
codes = [1, 2, 3, 4, 5]
mandatory = "Kompl = 1"
fail_below = 0.2
[variables.Alder]
type = "integer"
min = 18
max = 110
unknown = [-1]
"""

DATA = pl.DataFrame({
    "status": ["2", "2", "2", "2", "2", "1"],
    "unit": ["101", "101", "102", "102", "102", "101"],
    "ASA": ["1", "9", None, "7", "3", "2"],
    "Kompl": ["1", "1", "0", "1", "0", "1"],
    "Type": ["2", None, None, "9", "1", None],
    "Alder": ["80", "-1", "abc", "150", "70,5", "60"],
})


def source_of(df: pl.DataFrame) -> Source:
    info = SourceInfo(path=Path("memory.csv"), format="csv", columns=df.columns,
                      numeric_columns={"status"})
    return Source(df.lazy(), [info])


@pytest.fixture
def small_spec(tmp_path):
    path = tmp_path / "dq.toml"
    path.write_text(SPEC, encoding="utf-8")
    return spec.load(path)


def run(df, sp, by=(), units=None, **kw):
    src = source_of(df)
    grouping = resolve(list(by), sp, src, has_units=units is not None)
    return completeness.compute(src, sp, grouping, units=units, **kw)


def counts(result, variable, **keys):
    rows = result.rows.filter(pl.col("variable") == variable)
    for key, value in keys.items():
        rows = rows.filter(pl.col(key) == value)
    assert rows.height == 1
    return rows.select("n_applicable", "n_valid", "n_missing", "n_unknown", "n_invalid").row(0)


def test_hand_computed_counts(small_spec):
    result = run(DATA, small_spec, min_n=0)
    # 5 finished rows. ASA: 1 valid, 9 unknown, null missing, 7 invalid, 3 valid.
    assert counts(result, "ASA") == (5, 2, 1, 1, 1)
    # Type applies where Kompl = 1 (rows 0, 1, 3): 2 valid, null missing, 9 not a code.
    assert counts(result, "Type") == (3, 1, 1, 0, 1)
    # Alder: 80 valid, -1 unknown, "abc" not a number, 150 above max, "70,5" not an integer.
    assert counts(result, "Alder") == (5, 1, 0, 1, 3)
    asa = result.rows.filter(pl.col("variable") == "ASA").row(0, named=True)
    assert asa["completeness"] == pytest.approx(0.4)
    assert asa["completeness_nulls_only"] == pytest.approx(0.8)
    assert asa["status"] == "fail"  # 0.4 < fail_below 0.5
    type_row = result.rows.filter(pl.col("variable") == "Type").row(0, named=True)
    assert type_row["status"] == "warn"  # 1/3 ≥ its own fail_below 0.2, < warn_below 0.9
    # With the default minimum denominator (5) the 3 applicable records are not graded.
    assert run(DATA, small_spec).rows.filter(pl.col("variable") == "Type")["status"][0] == "info"
    assert result.n_records == 6 and result.n_finished == 5
    # Record level: only row 0 is valid on every mandatory variable that applies to it.
    rec = result.records.row(0, named=True)
    assert (rec["n_records"], rec["n_complete"]) == (5, 1)
    assert result.failed


def test_by_unit_rolls_up_to_national(small_spec):
    units = Units(pl.DataFrame({"unit": ["101", "102"], "unit_name": ["Sykehus A", "Sykehus B"],
                                "hf": ["HF 1", "HF 1"], "rhf": ["Helse Vest RHF"] * 2}))
    result = run(DATA, small_spec, by=["unit"], units=units)
    assert counts(result, "ASA", level="unit", unit="101") == (2, 1, 0, 1, 0)
    assert counts(result, "ASA", level="unit", unit="102") == (3, 1, 1, 0, 1)
    assert counts(result, "ASA", level="hf", hf="HF 1") == (5, 2, 1, 1, 1)
    assert counts(result, "ASA", level="national") == (5, 2, 1, 1, 1)
    named = result.rows.filter(pl.col("unit") == "101")["unit_name"].unique().to_list()
    assert named == ["Sykehus A"]


def test_unmatched_units_are_kept_and_reported(small_spec):
    units = Units(pl.DataFrame({"unit": ["101"], "unit_name": ["Sykehus A"], "hf": ["HF 1"],
                                "rhf": ["Helse Vest RHF"]}))
    result = run(DATA, small_spec, by=["unit"], units=units)
    # 102 is a plain id the table lacks: listed, so that it can be added to the table.
    assert result.unmatched_units == ["102"]
    assert counts(result, "ASA", level="hf", hf="(unmatched)") == (3, 1, 1, 0, 1)
    assert counts(result, "ASA", level="national") == (5, 2, 1, 1, 1)
    # A name neither in the table nor a plain id (a value typed into the unit field) is
    # counted under "(not a unit id)", never printed (domain.md "Privacy").
    named = DATA.with_columns(pl.col("unit").replace({"102": "Kari Nordmann"}))
    result = run(named, small_spec, by=["unit"], units=units)
    assert result.unmatched_units == ["(not a unit id)"]
    assert counts(result, "ASA", level="unit", unit="(not a unit id)") == (3, 1, 1, 0, 1)


def test_fail_under_overrides_spec(small_spec):
    result = run(DATA, small_spec, fail_under=0.3)
    statuses = dict(zip(result.rows["variable"], result.rows["status"], strict=True))
    assert statuses["ASA"] == "warn"  # 0.4 ≥ 0.3 but < warn 0.9
    assert statuses["Alder"] == "fail"  # 0.2 < 0.3


def test_min_n_leaves_small_rows_ungraded(small_spec):
    result = run(DATA, small_spec, by=["unit"], min_n=3)
    a = result.rows.filter((pl.col("variable") == "ASA") & (pl.col("unit") == "101"))
    assert a["status"].to_list() == ["info"]  # 2 applicable records < 3


def test_no_spec_counts_only_nulls():
    df = pl.DataFrame({"a": ["x", None, "y", "z"], "b": [1, 2, None, None]})
    result = run(df, spec.empty())
    assert counts(result, "a") == (4, 3, 1, 0, 0)
    assert counts(result, "b") == (4, 2, 2, 0, 0)


def test_by_year_uses_event_date(tmp_path):
    path = tmp_path / "dq.toml"
    path.write_text('[dataset]\nevent_date = "dato"\n[variables.x]\ntype = "text"\n')
    df = pl.DataFrame({"dato": ["01.02.2020", "03.04.2021", "05.06.2021", "bad"],
                       "x": ["a", None, "b", "c"]})
    src = Source(df.lazy(), [SourceInfo(path=Path("m.csv"), format="csv",
                                        date_formats={"dato": "%d.%m.%Y"})])
    sp = spec.load(path)
    result = completeness.compute(src, sp, resolve(["year"], sp, src, has_units=False))
    got = {r["year"]: (r["n_applicable"], r["n_valid"]) for r in result.rows.iter_rows(named=True)}
    assert got == {2020: (1, 1), 2021: (2, 1), None: (1, 1)}


values = st.sampled_from(["1", "2", "9", "x", None])
rows = st.lists(st.tuples(st.sampled_from(["101", "102", "103"]), values, values), min_size=1,
                max_size=60)


@settings(max_examples=60, deadline=None)
@given(rows)
@example([("101", None, None)])
def test_invariants(small_rows_spec, data):
    df = pl.DataFrame(data, schema=["unit", "v", "w"], orient="row")
    result = run(df, small_rows_spec, by=["unit"])
    r = result.rows
    # 0 ≤ completeness ≤ 1, and the four classes add up to the applicable records.
    assert r.filter((pl.col("completeness") < 0) | (pl.col("completeness") > 1)).is_empty()
    total = r["n_valid"] + r["n_missing"] + r["n_unknown"] + r["n_invalid"]
    assert (total == r["n_applicable"]).all()
    # Group numerators sum to the national figure.
    for var in ("v", "w"):
        units = r.filter((pl.col("variable") == var) & (pl.col("level") == "unit"))
        nat = r.filter((pl.col("variable") == var) & (pl.col("level") == "national"))
        for col in ("n_applicable", "n_valid", "n_missing", "n_unknown", "n_invalid"):
            assert units[col].sum() == nat[col].item()
    # Row order does not matter.
    shuffled = run(df.reverse(), small_rows_spec, by=["unit"])
    assert shuffled.rows.equals(result.rows)


@pytest.fixture(scope="module")
def small_rows_spec(tmp_path_factory):
    path = tmp_path_factory.mktemp("spec") / "dq.toml"
    path.write_text('[dataset]\nunit = "unit"\n'
                    '[variables.v]\ntype = "categorical"\ncodes = [1, 2]\nunknown = [9]\n'
                    '[variables.w]\ntype = "integer"\nmin = 0\nmax = 5\nmandatory = "v = 1"\n')
    return spec.load(path)


@settings(max_examples=40, deadline=None)
@given(dataframes(cols=[column("unit", dtype=pl.String, strategy=st.sampled_from(["101", "102"]),
                               allow_null=False),
                        column("x", dtype=pl.String), column("y", dtype=pl.Int64),
                        column("z", dtype=pl.Float64)],
                  min_size=1, max_size=50))
def test_without_spec_every_column_counts_nulls(df):
    """Generated frames (polars.testing.parametric): per column, valid + missing = rows,
    units sum to the national figure, and row order does not matter."""
    from dq.spec import Dataset, Spec

    sp = Spec(path=None, sha256=None, dataset=Dataset(unit="unit"))

    def source(frame: pl.DataFrame) -> Source:
        info = SourceInfo(path=Path("memory.parquet"), format="parquet", columns=frame.columns)
        return Source(frame.lazy(), [info])  # as read: blank text is still text

    src = source(df)
    res = completeness.compute(src, sp, resolve(["unit"], sp, src, has_units=False))
    nat = res.rows.filter(pl.col("level") == "national")
    for col in ("x", "y", "z"):
        row = nat.filter(pl.col("variable") == col).row(0, named=True)
        blank = df[col].cast(pl.String).str.strip_chars() == "" if df.schema[col] == pl.String \
            else pl.Series([False] * df.height)
        expected_missing = int(df[col].is_null().sum()) + int(blank.fill_null(False).sum())
        assert row["n_missing"] == expected_missing
        assert row["n_valid"] + row["n_missing"] == df.height
        units = res.rows.filter((pl.col("level") == "unit") & (pl.col("variable") == col))
        assert units["n_valid"].sum() == row["n_valid"]
    rev = source(df.reverse())
    shuffled = completeness.compute(rev, sp, resolve(["unit"], sp, rev, has_units=False))
    assert shuffled.rows.equals(res.rows)


def test_whitespace_only_cells_are_missing_everywhere(small_spec):
    """A whitespace-only cell is missing (domain.md) in a variable, in the unit it is grouped
    by and in the column a condition reads — the same result as an empty cell, although
    completeness reads the raw table and rewrites only the columns conditions and groups use."""
    blanks = DATA.with_columns(
        pl.Series("unit", ["101", " ", "102", "102", "\t", "101"]),
        pl.Series("status", ["2", "2", "  ", "2", "2", "1"]),
        pl.Series("ASA", [" ", "9", None, "7", "3", "2"]),
        pl.Series("Type", ["2", "   ", None, "9", "1", None]))
    nulls = blanks.with_columns(pl.col(c).str.strip_chars().replace("", None)
                                for c in ("unit", "status", "ASA", "Type"))
    with_blanks = run(blanks, small_spec, by=["unit"], min_n=0)
    with_nulls = run(nulls, small_spec, by=["unit"], min_n=0)
    assert with_blanks.rows.equals(with_nulls.rows)
    assert with_blanks.records.equals(with_nulls.records)
    # ASA over finished forms (status 2: rows 1, 2, 4, 5; row 3's status is blank): " " on
    # row 1 is missing, 9 unknown, 7 invalid, 3 valid.
    assert counts(with_blanks, "ASA", level="national")[:2] == (4, 1)
    assert set(with_blanks.rows.filter(pl.col("level") == "unit")["unit"]) == {
        "101", "102", "(missing)"}
