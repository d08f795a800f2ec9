"""Agreement on bad input and degenerate data (issue 9): contingency tables that are not tables
of counts end with exit 3 and one line naming the cell; big counts are computed from the table,
not expanded; one case, no variation and zero denominators give ``not_assessed`` with a reason,
never −1/pass, NaN, ±inf or a zero-width bootstrap interval from one case; identical input gives
identical output."""

import json
import math
import time
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dq import agreement as A
from dq import correctness as corr
from dq import reliability as rel
from dq import spec as spec_mod
from dq.io import Source, SourceInfo
from dq.spec import Thresholds
from tests.conftest import run, write_text
from tests.test_stderr_lang import english_in

FNR = "01010112345"  # a planted fødselsnummer-shaped value: must never be echoed
NAME = "Kari Nordmann"


def source(df: pl.DataFrame, name: str = "study.csv") -> Source:
    return Source(df.lazy(), [SourceInfo(path=Path(name), format="csv", columns=df.columns)])


def long_rows(pairs, raters=("r1", "r2")):
    rows = []
    for i, case in enumerate(pairs):
        for rater, value in zip(raters, case):
            if value is not None:
                rows.append((f"c{i:03d}", rater, value))
    return pl.DataFrame(rows, schema=["case", "rater", "x"], orient="row")


def stats_of(df, level="nominal", spec=None, **kw):
    res = rel.compute(rel.ratings_from_long(source(df), "case", "rater", ["x"], {"x": level},
                                            spec=spec), {}, **kw)
    return {r["statistic"]: r for r in res.rows.iter_rows(named=True)}, res


def assert_clean(rows):
    """Every row either has a finite estimate (and finite or empty SE/CI), or is not_assessed
    with a reason; the JSON strictness of the output depends on it."""
    for stat, r in rows.items():
        for key in ("estimate", "se", "ci_low", "ci_high", "se_null"):
            assert r[key] is None or math.isfinite(r[key]), (stat, key, r[key])
        if r["estimate"] is None:
            assert r["status"] == "not_assessed" and r["note"], (stat, r)
        else:
            assert r["status"] != "not_assessed", (stat, r)


# ---------------------------------------------------------------- contingency tables


BAD_TABLES = {
    # name: (file text, words the one-line message must contain)
    "all zero": ("kat;A;B\nA;0;0\nB;0;0\n", ["every count", "0"]),
    "fractional": ("kat;A;B\nA;1;2\nB;0,5;3\n", ["row 2", "column 'A'", "not a whole number"]),
    "fractional point": ("kat,A,B\nA,1,2\nB,3,2.5\n", ["row 2", "column 'B'", "whole number"]),
    "negative": ("kat;A;B\nA;1;-2\nB;0;3\n", ["row 1", "column 'B'", "negative"]),
    "nan": ("kat;A;B\nA;NaN;2\nB;0;3\n", ["row 1", "column 'A'", "not a finite number"]),
    "infinite": ("kat;A;B\nA;1;2\nB;inf;3\n", ["row 2", "column 'A'", "not a finite number"]),
    "text": ("kat;A;B\nA;1;2\nB;" + NAME + ";3\n", ["row 2", "column 'A'", "not a number"]),
    "fnr in a cell": ("kat;A;B\nA;1;2\nB;3;" + FNR + "x\n", ["row 2", "column 'B'"]),
    "empty cell": ("kat;A;B\nA;1;\nB;0;3\n", ["row 1", "column 'B'", "empty"]),
    "not square": ("kat;A;B\nA;1;2\n", ["must be square"]),
    "wide not square": ("kat;A;B;C\nA;1;2;3\nB;1;2;3\n", ["must be square"]),
    "label not a column": ("kat;A;B\nA;1;2\n" + NAME + ";0;3\n", ["row 2", "same categories"]),
    "fnr label": ("kat;A;B\n" + FNR + ";1;2\nB;0;3\n", ["row 1", "same categories"]),
    "same label twice": ("kat;A;B\nA;1;2\nA;0;3\n", ["rows 1 and 2", "'A'"]),
    "missing label": ("kat;A;B\nA;1;2\n;0;3\n", ["row 2", "no category label"]),
    "one column": ("kat\nA\nB\n", ["one count column"]),
    "header only": ("kat;A;B\n", []),
    "too large": ("kat;A;B\nA;1e300;2\nB;0;3\n", ["row 1", "too large"]),
}


@pytest.mark.parametrize("name", sorted(BAD_TABLES))
def test_bad_tables_are_input_errors(tmp_path, name):
    text, words = BAD_TABLES[name]
    path = write_text(tmp_path / "table.csv", text)
    result = run("reliability", path, "--table", "--format", "json", "--lang", "en")
    assert result.exit_code == 3, (result.exit_code, result.stderr, result.stdout)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith("dq: error: ") and "table.csv" in lines[0]
    for word in words:
        assert word in lines[0], (word, lines[0])
    assert FNR not in result.stderr and NAME not in result.stderr
    assert result.stdout == ""
    # the same line in Norwegian (the default): no English words, the same names
    nb = run("reliability", path, "--table", "--format", "json")
    assert nb.exit_code == 3 and len(nb.stderr.strip().splitlines()) == 1, nb.stderr
    assert nb.stderr.startswith("dq: feil: ") and "table.csv" in nb.stderr
    assert FNR not in nb.stderr and NAME not in nb.stderr
    if name != "header only":  # read by dq.io, whose Norwegian is tests/test_error_lang.py's
        assert english_in(nb.stderr.removeprefix("dq: feil: ")) == [], nb.stderr


@pytest.mark.parametrize(("text", "line"), [
    ("kat;A;B\nA;1;2\n", "tabellen har ikke like mange kategorirader (1) som antallskolonner "
                          "(2); en krysstabell må være kvadratisk"),
    ("kat;A;B\nA;1;-2\nB;0;3\n", "cellen i rad 1 (kategori 'A'), kolonne 'B' er negativ; hver "
                                  "celle må være et antall (et heltall ≥ 0)"),
    ("kat;A;B\nA;1;2\nA;0;3\n", "radene 1 og 2 navngir samme kategori ('A')"),
    ("kat;A;B\nA;0;0\nB;0;0\n", "alle antallene i tabellen er 0: det finnes ingen vurderinger"),
])
def test_bad_table_errors_in_norwegian(tmp_path, text, line):
    path = write_text(tmp_path / "t.csv", text)
    result = run("reliability", path, "--table", "--lang", "nb")
    assert result.exit_code == 3
    assert result.stderr == f"dq: feil: {path}: {line}\n"


def test_integral_floats_and_reordered_rows_are_the_same_table(tmp_path):
    plain = write_text(tmp_path / "a.csv", "kat;A;B;C\nA;12;3;1\nB;2;20;4\nC;0;5;9\n")
    floats = write_text(tmp_path / "b.csv", "kat;A;B;C\nA;12.0;3.0;1\nB;2,0;20;4\nC;0;5;9.000\n")
    shuffled = write_text(tmp_path / "c.csv", "kat;A;B;C\nC;0;5;9\nA;12;3;1\nB;2;20;4\n")
    outs = []
    for path in (plain, floats, shuffled):
        result = run("reliability", path, "--table", "--format", "json")
        assert result.exit_code == 0, result.stderr
        outs.append(json.loads(result.stdout)["results"])
    assert outs[0] == outs[1] == outs[2]
    kappa = {r["statistic"]: r for r in outs[0]}["cohen_kappa"]["estimate"]
    # By hand: n = 56, p_o = 41/56; rows 16, 26, 14; columns 14, 28, 14;
    # p_e = (16·14 + 26·28 + 14·14)/56² = 1148/3136 → κ = (41/56 − 1148/3136)/(1 − 1148/3136).
    po, pe = 41 / 56, 1148 / 3136
    assert kappa == pytest.approx((po - pe) / (1 - pe), abs=1e-12)


def test_huge_counts_are_computed_from_the_table(tmp_path):
    # 6e9 cases: expanding the table to rows would not finish; from the counts it is instant.
    path = write_text(tmp_path / "big.csv", "kat;A;B\nA;3000000000;2\nB;1;3e9\n")
    start = time.perf_counter()
    result = run("reliability", path, "--table", "--format", "json", "--bootstrap", "200")
    assert time.perf_counter() - start < 30
    assert result.exit_code == 0, result.stderr
    got = {r["statistic"]: r for r in json.loads(result.stdout)["results"]}
    a, b, c, d = 3e9, 2.0, 1.0, 3e9
    n = a + b + c + d
    po = (a + d) / n
    pe = ((a + b) * (a + c) + (c + d) * (b + d)) / n**2
    assert got["cohen_kappa"]["estimate"] == pytest.approx((po - pe) / (1 - pe), abs=1e-12)
    assert got["percent_agreement"]["estimate"] == pytest.approx(po, abs=1e-15)
    assert got["cohen_kappa"]["n_cases"] == 6_000_000_003


def expand(table: np.ndarray, labels: list[str]) -> pl.DataFrame:
    rows = [(labels[i], labels[j]) for i in range(len(labels)) for j in range(len(labels))
            for _ in range(int(table[i, j]))]
    return pl.DataFrame(rows, schema=["a", "b"], orient="row")


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_table_equals_its_expansion(tmp_path, level):
    # The same study as counts and as one row per case: every estimate and analytic SE agrees
    # (cells are weighted cases, Gwet 2014 ch. 2; the bootstrap differs only in its draws).
    table = np.array([[13, 2, 0, 1], [1, 20, 7, 0], [0, 4, 56, 3], [2, 0, 1, 9]])
    labels = ["1", "2", "4", "7"]
    text = "kat;" + ";".join(labels) + "\n" + "".join(
        labels[i] + ";" + ";".join(str(v) for v in table[i]) + "\n" for i in range(4))
    t = rel.ratings_from_table(source(pl.read_csv(text.encode(), separator=";",
                                                  schema_overrides={"kat": pl.String}),
                                      "t.csv"), "x", level)
    w = rel.ratings_from_wide(source(expand(table, labels)), ["a", "b"], "x", level)
    got_t = {r["statistic"]: r for r in rel.compute(t, {}).rows.iter_rows(named=True)}
    got_w = {r["statistic"]: r for r in rel.compute(w, {}).rows.iter_rows(named=True)}
    assert got_t.keys() == got_w.keys()
    # abs=1e-9: the same sums in another order (weighted vs one row per case). Issue 12 bug 4:
    # Gwet-family SEs of a table follow irrCAC's *.table formulas (variance over n), those of raw
    # data its *.raw formulas (over n − 1): SE_table = SE_raw · √((n − 1)/n), and the Wald CI
    # with it.
    n = float(table.sum())
    for stat in got_t:
        table_formula = (got_t[stat]["se_method"] or "").endswith("table formula (n)")
        for key in ("estimate", "ci_low", "ci_high", "n_cases", "se_null"):
            if stat == "krippendorff_alpha" and key.startswith("ci"):
                continue  # α's interval is a bootstrap: its draws differ between the two shapes
            if table_formula and key.startswith("ci"):
                continue  # checked below from the SE
            assert got_t[stat][key] == pytest.approx(got_w[stat][key], abs=1e-9), (stat, key)
        if table_formula:
            assert got_w[stat]["se_method"].endswith("raw data formula (n−1)"), stat
            se = got_w[stat]["se"] * ((n - 1) / n) ** 0.5
            assert got_t[stat]["se"] == pytest.approx(se, abs=1e-9), stat
            est = got_t[stat]["estimate"]
            # irrCAC's interval: estimate ± t(0.975, n − 1) SE, upper limit at most 1.
            from scipy.stats import t as student

            tq = student.ppf(0.975, n - 1)
            assert got_t[stat]["ci_low"] == pytest.approx(est - tq * se, abs=1e-9), stat
            assert got_t[stat]["ci_high"] == pytest.approx(min(1.0, est + tq * se), abs=1e-9), stat
        elif got_t[stat]["se_method"] and "bootstrap" not in got_t[stat]["se_method"]:
            assert got_t[stat]["se"] == pytest.approx(got_w[stat]["se"], abs=1e-9), stat


def test_table_with_declared_codes_uses_their_q(tmp_path):
    # Issue 12 bug 5 for tables: a 2 × 2 table of codes A, B with C declared: q = 3.
    # Brennan–Prediger p_e = 1/3; p_a = 13/14 → (13/14 − 1/3)/(2/3) = 0.8928571.
    sp_path = write_text(tmp_path / "dq.toml", '[variables.rating]\ntype = "categorical"\n'
                                               'codes = ["A", "B", "C"]\n')
    t = rel.ratings_from_table(source(pl.DataFrame({"k": ["A", "B"], "A": [6, 0], "B": [1, 7]})),
                               "rating", "nominal", spec=spec_mod.load(sp_path))
    got = {r["statistic"]: r for r in rel.compute(t, {}).rows.iter_rows(named=True)}
    assert got["brennan_prediger"]["estimate"] == pytest.approx((13 / 14 - 1 / 3) / (2 / 3), abs=1e-12)
    assert "pabak" not in got


# ---------------------------------------------------------------- degenerate data


def test_one_case_is_not_assessed_never_minus_one():
    # One case, two raters who disagree: every formula gives −1 (p_a = 0, p_e = 1/2), which is
    # no evidence of anything; nor is a bootstrap of one case.
    for boot in (None, 200):
        got, res = stats_of(long_rows([("A", "B")]), bootstrap=boot)
        assert_clean(got)
        for stat, r in got.items():
            assert r["estimate"] is None and r["status"] == "not_assessed", stat
            assert "only one case" in r["note"], stat
        assert not res.failed


def test_one_informative_case_among_single_ratings():
    got, _ = stats_of(long_rows([("A", "B"), ("A", None), (None, "B")]))
    assert_clean(got)
    assert all(r["estimate"] is None for r in got.values())


def test_no_variation_without_declared_codes():
    # All raters always "A": one category, every chance-corrected coefficient is 0/0.
    got, _ = stats_of(long_rows([("A", "A")] * 10))
    assert_clean(got)
    assert got["percent_agreement"]["estimate"] == 1.0
    for stat in ("cohen_kappa", "fleiss_kappa", "gwet_ac1", "krippendorff_alpha"):
        assert got[stat]["estimate"] is None and "one category" in got[stat]["note"], stat


def test_no_variation_with_declared_codes(tmp_path):
    # q = 3 declared, every rating "A": κ-type coefficients have p_e = 1 (undefined); AC1 and
    # Brennan–Prediger have p_e < 1 and are 1 (Gwet 2008: AC1's p_e = Σπ(1 − π)/(q − 1) = 0).
    sp = spec_mod.load(write_text(tmp_path / "dq.toml", '[variables.x]\ntype = "categorical"\n'
                                                        'codes = ["A", "B", "C"]\n'))
    got, _ = stats_of(long_rows([("A", "A")] * 10), spec=sp)
    assert_clean(got)
    for stat in ("cohen_kappa", "fleiss_kappa", "krippendorff_alpha"):
        assert got[stat]["estimate"] is None and "no variation" in got[stat]["note"], stat
    assert got["gwet_ac1"]["estimate"] == pytest.approx(1.0)
    assert got["brennan_prediger"]["estimate"] == pytest.approx(1.0)


def test_weighted_kappa_no_variation_is_not_assessed(tmp_path):
    got, _ = stats_of(long_rows([("2", "2")] * 6), level="ordinal",
                      spec=spec_mod.load(write_text(tmp_path / "dq.toml",
                                                    "[variables.x]\ncodes = [1, 2, 3]\n")))
    assert_clean(got)
    for stat in ("weighted_kappa_linear", "weighted_kappa_quadratic", "krippendorff_alpha"):
        assert got[stat]["estimate"] is None and "no variation" in got[stat]["note"], stat


def test_numeric_degenerate_cases():
    # Constant ratings: ICC undefined. Raters differing by a constant with no variation
    # between cases: MSR = MSE = 0 → ICC(3,1) = 0/0, ICC(1,k) = −0.5/0; ICC(1,1) = −1 and
    # ICC(2,1) = 0 are what the formulas give (Shrout & Fleiss 1979, Table 1).
    got, _ = stats_of(long_rows([("5", "5")] * 4), level="interval")
    assert_clean(got)
    assert all(got[f]["estimate"] is None for f in A.ICC_FORMS)
    assert got["krippendorff_alpha"]["estimate"] is None
    got, _ = stats_of(long_rows([("1", "2")] * 4), level="interval")
    assert_clean(got)
    assert got["icc_3_1"]["estimate"] is None and "undefined" in got["icc_3_1"]["note"]
    assert got["icc_1_k"]["estimate"] is None
    assert got["icc_1_1"]["estimate"] == pytest.approx(-1.0)
    assert got["icc_2_1"]["estimate"] == pytest.approx(0.0)
    # Bland–Altman needs three pairs; α needs two pairable cases.
    got, _ = stats_of(long_rows([("1", "2"), ("3", "3.5")]), level="interval")
    assert_clean(got)
    assert got["bland_altman_bias"]["estimate"] is None
    got, _ = stats_of(long_rows([("1", "2"), ("3", None)]), level="interval")
    assert_clean(got)
    assert got["krippendorff_alpha"]["estimate"] is None


def test_infinite_numbers_are_not_ratings():
    got, res = stats_of(long_rows([("1", "inf"), ("2", "2"), ("3", "3")]), level="interval")
    assert_clean(got)
    assert all(r["estimate"] is None for r in got.values())
    assert any("text where the level is interval" in w for w in res.warnings)


pairs = st.lists(st.tuples(st.one_of(st.none(), st.sampled_from(["1", "2", "3", " 1", "2.0"])),
                           st.one_of(st.none(), st.sampled_from(["1", "2", "3", "1,0"]))),
                 min_size=0, max_size=12)


@settings(max_examples=80, deadline=None)
@given(pairs, st.sampled_from(["nominal", "ordinal", "interval"]), st.booleans())
def test_any_small_study_gives_clean_rows(data, level, boot):
    data = [p for p in data if p != (None, None)]
    if not data:
        return
    got, res = stats_of(long_rows(data), level=level, bootstrap=200 if boot else None)
    assert_clean(got)
    # Bounds that hold by construction: p_a in [0, 1]; Cohen's κ ≥ −1; AC1 and Brennan–Prediger
    # ≥ −1/(q − 1) since their p_e ≤ 1/q. (Fleiss' κ with single-rated cases and α have no
    # such bound.)
    for stat in ("percent_agreement", "cohen_kappa", "gwet_ac1", "pabak", "brennan_prediger"):
        value = got.get(stat, {}).get("estimate")
        if value is not None:
            assert -1 - 1e-9 <= value <= 1 + 1e-9, (stat, value)
    if got.get("percent_agreement", {}).get("estimate") is not None:
        assert got["percent_agreement"]["estimate"] >= 0


# ---------------------------------------------------------------- codes, unknown and invalid values


def test_codes_compare_as_codes_not_as_spelling():
    # "1", " 1", "1.0" and "1,0" are the same code: perfect agreement.
    got, _ = stats_of(long_rows([("1", " 1"), ("1.0", "1"), ("2", "2.0"), ("1,0", "1"),
                                 ("2", "2")]))
    assert got["percent_agreement"]["estimate"] == 1.0
    assert got["cohen_kappa"]["estimate"] == pytest.approx(1.0)
    # Float and integer rater columns (wide form): 1.0 and 1 agree.
    df = pl.DataFrame({"a": [1, 2, 1, 2], "b": [1.0, 2.0, 1.0, 2.0]})
    res = rel.compute(rel.ratings_from_wide(source(df), ["a", "b"], "x", "nominal"), {})
    assert res.rows.filter(pl.col("statistic") == "cohen_kappa")["estimate"][0] == pytest.approx(1.0)


def test_text_codes_compare_without_case_and_rows_without_case_id_are_left_out():
    # irrCAC compares ratings after trim(toupper(·)): "ja", "Ja " and "JA" are one code.
    got, _ = stats_of(long_rows([("ja", "Ja "), ("nei", "NEI"), ("JA", "ja"), ("Nei", "nei")]))
    assert got["percent_agreement"]["estimate"] == 1.0
    # Rows with no case id would all fall into one "case": they are left out and counted.
    df = pl.concat([long_rows([("1", "1"), ("2", "2"), ("1", "2")]),
                    pl.DataFrame({"case": [None, None], "rater": ["r1", "r2"], "x": ["1", "2"]},
                                 schema={"case": pl.String, "rater": pl.String, "x": pl.String})])
    got, res = stats_of(df)
    assert got["percent_agreement"]["n_cases"] == 3
    assert any("2 rows without a case id or a rater left out" in w for w in res.warnings)


def test_unknown_codes_are_missing_on_an_ordinal_scale(tmp_path):
    # ASA-like: codes 1–5 and 9 = unknown. At the ordinal level a 9 is a missing rating (it
    # would otherwise sit at distance 4 from a 5 on the quadratic-weight scale).
    sp = spec_mod.load(write_text(tmp_path / "dq.toml", "[variables.x]\ncodes = [1, 2, 3, 4, 5]\n"
                                                        "unknown = [9]\n"))
    data = [("1", "1"), ("2", "2"), ("3", "4"), ("5", "9"), ("4", "4"), ("2", "3")]
    got, res = stats_of(long_rows(data), level="ordinal", spec=sp)
    assert got["weighted_kappa_quadratic"]["n_cases"] == 5
    assert any("1 rating with a declared unknown code counted as missing" in w
               for w in res.warnings)
    # …the same as leaving the 9 out by hand.
    got2, _ = stats_of(long_rows(data[:3] + [("5", None)] + data[4:]), level="ordinal",
                       spec=spec_mod.load(write_text(tmp_path / "b.toml",
                                                     "[variables.x]\ncodes = [1, 2, 3, 4, 5]\n")))
    for stat in got:
        assert got[stat]["estimate"] == pytest.approx(got2[stat]["estimate"], abs=1e-12), stat
    # Nominal: an unknown code that was used is a category like any other (q = 6 here, not 5).
    nom, res = stats_of(long_rows(data), level="nominal", spec=sp)
    assert nom["cohen_kappa"]["n_cases"] == 6
    assert not any("unknown" in w or "outside" in w for w in res.warnings)
    # Brennan–Prediger with q = 6 (1–5 and the 9 used): p_a = 3/6 → (1/2 − 1/6)/(5/6) = 0.4.
    assert nom["brennan_prediger"]["estimate"] == pytest.approx(0.4, abs=1e-12)


def test_undeclared_values_are_counted_never_shown(tmp_path):
    sp = spec_mod.load(write_text(tmp_path / "dq.toml", "[variables.x]\ncodes = [1, 2]\n"))
    data = [("1", "1"), ("2", FNR), ("1", NAME), ("2", "2"), ("1", "2")]
    for level in ("nominal", "ordinal"):
        got, res = stats_of(long_rows(data), level=level, spec=sp)
        text = json.dumps(res.rows.to_dicts()) + json.dumps(res.warnings)
        assert FNR not in text and NAME not in text
        assert any("2 ratings outside the declared codes" in w for w in res.warnings)
    got, _ = stats_of(long_rows(data), level="ordinal", spec=sp)
    assert got["weighted_kappa_linear"]["n_cases"] == 3  # left out as missing


# ---------------------------------------------------------------- determinism


def test_output_does_not_depend_on_row_order_and_is_seeded_by_default():
    rng = np.random.default_rng(2)
    a = rng.integers(1, 4, 60)
    b = np.where(rng.random(60) < 0.7, a, rng.integers(1, 4, 60))
    df = long_rows([(str(x), str(y)) for x, y in zip(a, b)])
    shuffled = df.sample(fraction=1.0, shuffle=True, seed=5)
    one = stats_of(df, bootstrap=300)[1]
    two = stats_of(shuffled, bootstrap=300)[1]
    three = stats_of(df, bootstrap=300, seed=0)[1]
    assert one.rows.equals(two.rows) and one.rows.equals(three.rows)
    assert one.seed == 0
    assert "seed 0" in one.rows["se_method"][0]
    pairs_ = np.stack([a - 1, b - 1], 1)
    assert rel.kappa_bootstrap(pairs_, 3, 200) == rel.kappa_bootstrap(pairs_, 3, 200, seed=0)


# ---------------------------------------------------------------- correctness


VLD = """pasid;vld_varnamn;vld_vartype;vld_verdi_intern_logisk;vld_verdi_ekstern_logisk;vld_verdi_intern_tal;vld_verdi_ekstern_tal
1;diabetes;logisk;0;0;;
2;diabetes;logisk;0;0;;
3;diabetes;logisk;1;0;;
4;diabetes;logisk;{bad};0;;
1;vekt;tal;;;70;70
2;vekt;tal;;;{badnum};71
3;vekt;tal;;;inf;72
"""


def test_correctness_zero_denominators_and_unreadable_values(tmp_path):
    from dq.io import scan

    path = write_text(tmp_path / "vld.csv", VLD.format(bad=NAME, badnum=FNR + "x"))
    res = corr.compute(corr.read_long(scan(path)), spec_mod.load(write_text(tmp_path / "dq.toml", "")),
                       unit=None, thresholds=Thresholds())
    dia = res.rows.filter(pl.col("variable") == "diabetes").row(0, named=True)
    # Record: no positive → sensitivity and NPV's… by hand: TP 0, FN 0, FP 1, TN 2.
    assert (dia["tp"], dia["fn"], dia["fp"], dia["tn"]) == (0, 0, 1, 2)
    assert dia["sensitivity"] is None and dia["sensitivity_ci_low"] is None
    assert dia["specificity"] == pytest.approx(2 / 3) and dia["ppv"] == 0.0
    assert any("sensitivity is undefined" in w for w in res.warnings)
    vekt = res.rows.filter(pl.col("variable") == "vekt").row(0, named=True)
    assert (vekt["n"], vekt["n_correct"]) == (3, 1)
    assert vekt["max_abs_deviation"] == 0.0  # inf is not a measurement
    text = json.dumps(res.rows.to_dicts()) + json.dumps(res.warnings)
    assert NAME not in text and FNR not in text
    assert any(w.startswith("diabetes: values that cannot be read as yes/no") and
               ": 1 in the registry" in w for w in res.warnings)
    assert any(w.startswith("vekt: values that cannot be read as finite numbers: 2 in the "
                            "registry") for w in res.warnings)
    for row in res.rows.iter_rows(named=True):
        for key, value in row.items():
            assert not (isinstance(value, float) and not math.isfinite(value)), key


def test_correctness_float_and_int_columns_agree(tmp_path):
    # A registry column read as integers and a record column read as floats (2 vs 2.0),
    # and yes/no as 1/0 vs 1.0/0.0: equal values must agree.
    df = pl.DataFrame({"pid": [1, 2, 3], "asa": [2, 3, 1], "asa_j": [2.0, 3.0, 1.0],
                       "dm": [1, 0, 1], "dm_j": [1.0, 0.0, 0.0]})
    long = corr.wide_to_long(source(df), [("asa", "asa_j"), ("dm", "dm_j")], ["pid"])
    res = corr.compute(long, spec_mod.load(write_text(tmp_path / "dq.toml", "")), unit=None,
                       thresholds=Thresholds())
    got = {r["variable"]: r for r in res.rows.iter_rows(named=True)}
    assert got["asa"]["n_correct"] == 3
    assert got["dm"]["type"] == "binary" and got["dm"]["n_correct"] == 2
    assert (got["dm"]["tp"], got["dm"]["fp"], got["dm"]["tn"]) == (1, 1, 1)
