"""Coverage: hand-computed cells, published figures, capture–recapture, invariants, bad input."""

import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dq import capture, coverage, privacy, spec
from dq.errors import InputError
from dq.io import Source, SourceInfo
from dq.linkage import greedy
from dq.units import Units
from tests.conftest import EXAMPLE, run, write_text

REG = coverage.RegistryColumns(person="person_id", unit="unit", date="event_date")
REF = coverage.ReferenceColumns(person="person_id", unit="unit", date="event_date", n="n",
                                year="year")
UNITS = Units(pl.DataFrame({"unit": ["1", "2", "3"], "unit_name": ["Alfa", "Beta", "Gamma"],
                            "hf": ["HF A", "HF A", "HF B"], "rhf": ["RHF X", "RHF X", "RHF X"]}))


def src(df: pl.DataFrame, name: str = "mem.csv") -> Source:
    return Source(df.lazy(), [SourceInfo(path=Path(name), format="csv", columns=df.columns)])


def registry(units: list[str], dates: list[str], persons: list[str] | None = None) -> Source:
    persons = persons or [f"p{i}" for i in range(len(units))]
    return src(pl.DataFrame({"person_id": persons, "unit": units,
                             "event_date": pl.Series(dates).str.to_date()}))


def agg(reg: Source, ref: pl.DataFrame, opts=None, units=UNITS):
    return coverage.aggregate(reg, [src(ref, "npr.csv")], spec.empty(), units, REG, REF,
                              opts or coverage.Options())


def test_published_aggregate_figure():
    # Ytterstad et al., Acta Orthop 2012;83:174: 2,393 of 2,781 → 0.86 (95 % CI 0.85–0.87).
    reg = registry(["1"] * 2393, ["2010-06-01"] * 2393)
    ref = pl.DataFrame({"unit": ["1"], "year": [2010], "n": [2781]})
    nat = agg(reg, ref).rows.filter(pl.col("level") == "national").row(0, named=True)
    assert (nat["n_registry"], nat["n_reference"]) == (2393, 2781)
    assert round(nat["coverage"], 2) == 0.86
    assert (round(nat["ci_low"], 2), round(nat["ci_high"], 2)) == (0.85, 0.87)
    assert nat["band"] == "80–100 %" and nat["status"] == "pass"


def test_aggregate_units_not_reporting_mismatch_and_rollup():
    # Unit 1: 8 of 10; unit 2: in the reference (6) but never registers; unit 3: 7 > 5.
    reg = registry(["1"] * 8 + ["3"] * 7, ["2020-01-05"] * 15)
    ref = pl.DataFrame({"unit": ["1", "Beta", "3"], "year": [2020] * 3, "n": [10, 6, 5]})
    res = agg(reg, ref, coverage.Options(keys=("unit",), min_n=0))
    by_unit = {r["unit"]: r for r in res.rows.filter(pl.col("level") == "unit").iter_rows(named=True)}
    assert by_unit["1"]["coverage"] == pytest.approx(0.8)
    assert by_unit["2"]["coverage"] == 0.0 and by_unit["2"]["reporting"] is False  # name → id
    assert by_unit["3"]["coverage"] == pytest.approx(1.4)  # never clipped
    assert by_unit["3"]["mismatch"] and by_unit["3"]["ci_low"] is None
    assert by_unit["3"]["band"].startswith(">100") and by_unit["3"]["status"] == "warn"
    assert res.not_reporting == ["Beta"]
    hf_a = res.rows.filter((pl.col("level") == "hf") & (pl.col("hf") == "HF A")).row(0, named=True)
    assert (hf_a["n_registry"], hf_a["n_reference"]) == (8, 16)
    nat = {r["scope"]: r for r in res.national.iter_rows(named=True)}
    assert (nat["all_units"]["n_registry"], nat["all_units"]["n_reference"]) == (15, 21)
    assert (nat["reporting_units"]["n_reference"], nat["reporting_units"]["units"]) == (15, 2)
    til = res.tilslutning.filter(pl.col("rhf") == "National").row(0, named=True)
    assert (til["units_reporting"], til["units_in_reference"]) == (2, 3)


def test_aggregate_counts_persons_when_asked():
    reg = registry(["1"] * 4, ["2020-01-05"] * 4, persons=["a", "a", "b", "c"])
    ref = pl.DataFrame({"unit": ["1"], "year": [2020], "n": [6]})
    res = agg(reg, ref, coverage.Options(count="persons", min_n=0))
    assert res.rows.filter(pl.col("level") == "national")["n_registry"].item() == 3


def test_unmatched_names_and_years_are_warnings_not_silence():
    reg = registry(["1", "1", "9"], ["2020-01-05", "2021-01-05", "2020-03-03"])
    ref = pl.DataFrame({"unit": ["1", "Alfha", "1"], "year": [2020, 2020, 2019], "n": [2, 3, 4]})
    res = agg(reg, ref)
    text = " | ".join(res.warnings)
    assert "'Alfha' matches no unit in the unit table (closest: Alfa" in text
    assert "year 2019 is only in the reference" in text
    assert "year 2021 is only in the registry" in text
    assert "registry unit '9' is not in the reference" in text


@pytest.mark.parametrize("ref, message", [
    (pl.DataFrame({"unit": ["1"], "year": [2020], "n": [-1]}),
     "1 row of column 'n' is not a whole number ≥ 0"),
    (pl.DataFrame({"unit": ["1", "2"], "year": [2020, 2020], "n": [2.5, -2]}),
     "2 rows of column 'n' are not whole numbers ≥ 0"),
    (pl.DataFrame({"unit": ["1", "1"], "year": [2020, 2020], "n": [1, 2]}), "repeat the same"),
    (pl.DataFrame({"unit": ["1"], "year": [2015], "n": [3]}), "no year in common"),
    (pl.DataFrame({"unit": ["1"], "aar": [2020], "n": [3]}), r"lacks column 'year' \(year\)"),
])
def test_bad_reference(ref, message):
    with pytest.raises(InputError, match=message):
        agg(registry(["1"], ["2020-01-05"]), ref)


def test_chapman_against_the_formula():
    # a = 20, b = 10, m = 70: n1 = 90, n2 = 80.
    # N̂ = 91·81/71 − 1 = 102.8169; Var = 91·81·20·10 / (71²·72) = 4.06169.
    got = capture.chapman(20, 10, 70)
    assert got["chapman_n"] == pytest.approx(91 * 81 / 71 - 1, rel=1e-12)
    assert got["chapman_var"] == pytest.approx(91 * 81 * 20 * 10 / (71**2 * 72), rel=1e-12)
    # Chao's interval: f0 = N̂ − 100, C = exp(1.96·√ln(1 + Var/f0²)).
    f0 = got["chapman_n"] - 100
    c = __import__("math").exp(1.959963984540054 * (__import__("math").log(
        1 + got["chapman_var"] / f0**2)) ** 0.5)
    assert got["chapman_ci_low"] == pytest.approx(100 + f0 / c)
    assert got["chapman_ci_high"] == pytest.approx(100 + f0 * c)
    assert got["chapman_ci_low"] >= 100  # never below what was observed
    assert got["registry_completeness"] == pytest.approx(90 / got["chapman_n"])


def test_loglinear_recovers_the_missing_cell_under_independence():
    # Expected counts of 1,000 events caught independently with p = 0.5, 0.6, 0.7: the
    # independence model fits them exactly, so the unobserved cell is 1000·0.5·0.4·0.3 = 60.
    p = (0.5, 0.6, 0.7)
    hist = {}
    for h in [(i, j, k) for i in (0, 1) for j in (0, 1) for k in (0, 1) if i or j or k]:
        prob = 1.0
        for bit, pi in zip(h, p, strict=True):
            prob *= pi if bit else 1 - pi
        hist[h] = 1000 * prob
    res = capture.loglinear(hist, ("registry", "npr", "other"))
    assert res.n_hat == pytest.approx(1000, rel=1e-6)
    assert res.model == "independence"
    assert res.ci_low < 1000 < res.ci_high


def test_greedy_matching_is_one_to_one_nearest_first():
    # Registry events 0 (day 0) and 1 (day 3); reference events 10 (day 1) and 11 (day 2):
    # nearest pairs first: (0, 10) at 1 day and (1, 11) at 1 day.
    pairs = pl.DataFrame({"lid": [0, 0, 1, 1], "rid": [10, 11, 10, 11], "dist": [1, 2, 2, 1]})
    got = greedy(pairs).sort("lid").select("lid", "rid").rows()
    assert got == [(0, 10), (1, 11)]
    # One reference event, two registry candidates: only the nearer one is matched.
    pairs = pl.DataFrame({"lid": [0, 1], "rid": [5, 5], "dist": [3, 1]})
    assert greedy(pairs).select("lid", "rid").rows() == [(1, 5)]


def test_linkage_hand_computed():
    reg = registry(["1", "1", "2", "2"], ["2020-01-10", "2020-02-01", "2020-03-01", "2020-05-01"],
                   persons=["a", "b", "c", "d"])
    ref = pl.DataFrame({"person_id": ["a", "b", "c", "e", "f"], "unit": ["1", "1", "2", "2", "2"],
                        "event_date": pl.Series(["2020-01-12", "2020-04-01", "2020-03-01",
                                                 "2020-06-01", "2020-07-01"]).str.to_date()})
    res = coverage.linkage(reg, [src(ref, "npr.csv")], spec.empty(), UNITS, REG, REF,
                           coverage.Options(mode="linkage", window=30, min_n=0))
    rows = {r["unit"]: r for r in res.rows.filter(pl.col("level") == "unit").iter_rows(named=True)}
    # Unit 1: a links (2 days); b does not (60 days apart) → a = 1 (b), b = 1 (b's NPR), m = 1.
    assert (rows["1"]["only_registry"], rows["1"]["only_reference"], rows["1"]["both"]) == (1, 1, 1)
    # Unit 2: c links; d only registry; e, f only NPR.
    assert (rows["2"]["only_registry"], rows["2"]["only_reference"], rows["2"]["both"]) == (1, 2, 1)
    nat = res.rows.filter(pl.col("level") == "national").row(0, named=True)
    assert (nat["only_registry"], nat["only_reference"], nat["both"]) == (2, 3, 2)
    assert nat["dg_registry"] == pytest.approx(4 / 7)
    assert nat["dg_reference"] == pytest.approx(5 / 7)
    assert nat["chapman_n"] == pytest.approx(5 * 6 / 3 - 1)


def _cells(res):
    return res.rows.filter(pl.col("level") == "national").row(0, named=True)


ev = st.tuples(st.sampled_from("abcdef"), st.integers(0, 90), st.sampled_from(["1", "2", "3"]))


def _src(rows):
    df = pl.DataFrame(rows, schema=["person_id", "day", "unit"], orient="row").with_columns(
        (pl.date(2020, 1, 1) + pl.duration(days=pl.col("day"))).alias("event_date"))
    return src(df.drop("day"))


@settings(max_examples=40, deadline=None)
@given(st.lists(ev, min_size=1, max_size=25), st.lists(ev, min_size=1, max_size=25),
       st.integers(0, 20))
def test_linkage_invariants(reg_rows, ref_rows, window):
    opts = coverage.Options(mode="linkage", window=window, min_n=0)
    run_ = lambda r, f: coverage.linkage(_src(r), [_src(f)], spec.empty(), UNITS, REG, REF, opts)  # noqa: E731
    res = run_(reg_rows, ref_rows)
    nat = _cells(res)
    # Each event is in exactly one cell: a + m = registry events, b + m = reference events.
    assert nat["only_registry"] + nat["both"] == len(reg_rows)
    assert nat["only_reference"] + nat["both"] == len(ref_rows)
    assert 0 <= nat["dg_registry"] <= 1 and 0 <= nat["dg_reference"] <= 1
    # Swapping the sources swaps the DGs.
    swapped = _cells(run_(ref_rows, reg_rows))
    assert swapped["dg_registry"] == pytest.approx(nat["dg_reference"])
    assert swapped["both"] == nat["both"]
    # Adding a reference-only event never raises DG_registry.
    more = _cells(run_(reg_rows, [*ref_rows, ("zz", 10, "1")]))
    assert more["dg_registry"] <= nat["dg_registry"] + 1e-12
    # Roll-ups equal the sums of their parts.
    units = res.rows.filter(pl.col("level") == "unit")
    for col in ("only_registry", "only_reference", "both"):
        assert units[col].sum() == nat[col]


def test_linkage_three_sources_gives_loglinear():
    reg = registry(["1"] * 3, ["2020-01-01", "2020-02-01", "2020-03-01"], persons=["a", "b", "c"])
    r1 = pl.DataFrame({"person_id": ["a", "b", "d"], "unit": ["1"] * 3,
                       "event_date": pl.Series(["2020-01-02", "2020-02-01", "2020-04-01"]).str.to_date()})
    r2 = pl.DataFrame({"person_id": ["a", "d", "e"], "unit": ["1"] * 3,
                       "event_date": pl.Series(["2020-01-01", "2020-04-03", "2020-05-01"]).str.to_date()})
    res = coverage.linkage(reg, [src(r1, "npr.csv"), src(r2, "dar.csv")], spec.empty(), UNITS,
                           REG, REF, coverage.Options(mode="linkage", min_n=0))
    nat = _cells(res)
    # Union of events: a, b, c, d, e. Registry has a, b, c; some reference has a, b, d, e.
    assert (nat["only_registry"], nat["only_reference"], nat["both"]) == (1, 2, 2)
    assert res.loglinear is not None and res.loglinear.n_observed == 5


def test_suppression_primary_and_secondary():
    df = pl.DataFrame({"level": ["unit", "unit", "unit", "hf"], "hf": ["A", "A", "A", "A"],
                       "rhf": ["X"] * 4, "n": [3, 40, 12, 55]})
    out = privacy.suppress(df, ["n"], 5, period=[], has_units=True)
    # 3 is hidden (primary); 12, the smallest other cell of HF A, too (secondary), since
    # 55 − 40 − 12 would give the 3 back.
    assert out["n__hidden"].to_list() == [True, False, True, False]


def test_cli_example_aggregate_json():
    result = run("coverage", "--spec", EXAMPLE / "dq.toml", "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    units = {r["unit_name"]: r for r in doc["results"] if r["level"] == "unit"}
    assert 0.50 < units["Kristiansand"]["coverage"] < 0.60 and units["Kristiansand"]["low_coverage"]
    assert units["Aleris Nesttun"]["coverage"] == 0 and units["Aleris Nesttun"]["n_registry"] == 0
    assert units["Diakonhjemmet"]["coverage"] > 1 and units["Diakonhjemmet"]["mismatch"]
    assert doc["not_reporting"] == ["Aleris Nesttun"]
    required = {"unit", "n_registry", "n_reference", "coverage", "ci_low", "ci_high", "status"}
    assert all(required <= set(r) for r in doc["results"])
    assert all(len(i["sha256"]) == 64 and i["rows"] for i in doc["inputs"])


def test_cli_fail_on_unit_and_markdown_suppression():
    spec_path = EXAMPLE / "dq.toml"
    assert run("coverage", "--spec", spec_path, "--fail-on", "unit").exit_code == 1
    md = run("coverage", "--spec", spec_path, "--by", "unit,year", "--format", "markdown",
             "--lang", "en")
    assert md.exit_code == 0
    assert 'Counts from 1 to 4 are shown as "<5"' in md.stdout


def test_cli_linkage_json_never_prints_person_ids():
    result = run("coverage", "--spec", EXAMPLE / "dq.toml", "--mode", "linkage", "--reference",
                 EXAMPLE / "npr_personer.csv", "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert {"only_registry", "only_reference", "both", "dg_registry", "dg_reference", "chapman_n",
            "chapman_ci_low", "chapman_ci_high"} <= set(doc["results"][0])
    assert "P0" not in result.stdout and "P9" not in result.stdout


def test_cli_plain_files_need_no_spec(tmp_path):
    reg = write_text(tmp_path / "reg.csv", "person_id;unit;event_date\na;1;01.02.2020\n"
                                           "b;1;03.02.2020\nc;2;04.02.2020\n")
    ref = write_text(tmp_path / "npr.csv", "unit;year;n\n1;2020;2\n2;2020;4\n")
    result = run("coverage", reg, "--reference", ref, "--format", "json", "--min-n", "0")
    assert result.exit_code == 1, result.stderr  # 3/6 misses the national target of 0.80
    nat = [r for r in json.loads(result.stdout)["results"] if r["level"] == "national"][0]
    assert (nat["n_registry"], nat["n_reference"]) == (3, 6)
    bad = write_text(tmp_path / "bad.csv", "unit;year;n\n1;2020;-3\n")
    err = run("coverage", reg, "--reference", bad)  # nb, dq's default
    assert err.exit_code == 3 and err.stderr.strip() == (
        f"dq: feil: {bad}: 1 rad i kolonnen 'n' er ikke et helt tall ≥ 0; referansetall må "
        "være antall")
    err = run("coverage", reg, "--reference", tmp_path / "mangler.csv")
    assert err.exit_code == 3 and err.stderr.strip() == (
        f"dq: feil: {tmp_path / 'mangler.csv'}: filen finnes ikke; sjekk stien (relative stier "
        "i dq.toml regnes fra mappen spesifikasjonen ligger i)")
    reg_no_unit = write_text(tmp_path / "reg2.csv", "person_id;enhet;event_date\na;1;01.02.2020\n")
    err = run("coverage", reg_no_unit, "--reference", ref)
    assert err.exit_code == 3 and "registeret mangler kolonnen 'unit' (enhet) (kolonner funnet: " \
        "enhet, event_date, person_id); oppgi dem med --person/--unit/--date eller i dq.toml " \
        "[dataset]" in err.stderr, err.stderr
