"""dq sample: deterministic, uniform within strata, allocation sums to n, weights unbiased, the
list only in the file."""

import json

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dq import sample as S
from dq.io import SourceInfo, Source
from dataclasses import replace

from dq.spec import Dataset, empty
from tests.conftest import EXAMPLE, run

SPEC = EXAMPLE / "dq.toml"


def _unit_spec():
    """A spec whose unit role is the column "unit" (its values may be printed as unit ids)."""
    return replace(empty(), dataset=Dataset(unit="unit"))


def _source(df: pl.DataFrame) -> Source:
    return Source(df.lazy(), [SourceInfo(path=__file__, format="csv", columns=df.columns)])


def _frame(sizes: dict[str, int], missing_every: int = 0) -> pl.DataFrame:
    rows = []
    for unit, size in sizes.items():
        for i in range(size):
            rows.append({"id": f"{unit}-{i:05d}", "unit": unit,
                         "asa": None if missing_every and i % missing_every == 0 else "2"})
    return pl.DataFrame(rows)


def test_largest_remainder_hand_computed():
    # 10 over sizes 50/30/20: quotas 5, 3, 2 exactly
    assert S.largest_remainder(10, [50, 30, 20], [50, 30, 20]) == [5, 3, 2]
    # 7 over 50/30/20: quotas 3.5, 2.1, 1.4 → floors 3, 2, 1, one left to the largest remainder
    assert S.largest_remainder(7, [50, 30, 20], [50, 30, 20]) == [4, 2, 1]
    # a stratum smaller than its quota is taken whole and its excess shared: 30 over 100/5:
    # quota 28.57/1.43 → 29/1; cap never binds; with weights 1:1, 30 → 15/5 (capped) + 10 more
    assert S.largest_remainder(30, [100, 5], [1.0, 1.0]) == [25, 5]
    assert S.largest_remainder(500, [100, 5], [100, 5]) == [100, 5]


@settings(max_examples=50, deadline=None)
@given(sizes=st.lists(st.integers(0, 60), min_size=1, max_size=8), n=st.integers(1, 300))
def test_allocation_sums_to_n_and_respects_sizes(sizes, n):
    alloc = S.largest_remainder(n, sizes, [float(s) for s in sizes])
    assert sum(alloc) == min(n, sum(sizes))
    assert all(0 <= a <= s for a, s in zip(alloc, sizes))


def test_same_seed_same_sample_whatever_the_row_order():
    df = _frame({"101": 120, "102": 60, "103": 20})
    a = S.draw(_source(df), _unit_spec(), n=40, seed=7, keys=["id"], strata=["unit"])
    b = S.draw(_source(df.reverse()), _unit_spec(), n=40, seed=7, keys=["id"], strata=["unit"])
    assert a.records.get_column("id").sort().to_list() == \
        b.records.get_column("id").sort().to_list()
    c = S.draw(_source(df), _unit_spec(), n=40, seed=8, keys=["id"], strata=["unit"])
    assert set(a.records["id"]) != set(c.records["id"])
    assert a.records.height == 40
    assert dict(a.allocation.select("unit", "n").iter_rows()) == {"101": 24, "102": 12, "103": 4}


def test_the_draw_order_is_a_fixed_function_of_seed_and_key():
    # BLAKE2b-64 pinned: the same on every machine and Polars version (hashlib, RFC 7693)
    import hashlib

    expected = int.from_bytes(hashlib.blake2b(b"2024\x00P000547", digest_size=8).digest(), "big")
    assert S.draw_order(["P000547"], 2024) == [expected]


def test_within_stratum_inclusion_is_uniform():
    # Over 400 seeds each of 20 records of a stratum drawn 5 at a time should be drawn
    # 400·5/20 = 100 times; χ² on 19 df, 99.9 % quantile 43.8.
    df = _frame({"101": 20})
    hits = {f"101-{i:05d}": 0 for i in range(20)}
    for seed in range(400):
        for key in S.draw(_source(df), _unit_spec(), n=5, seed=seed, keys=["id"],
                          strata=["unit"]).records["id"]:
            hits[key] += 1
    chi2 = sum((h - 100) ** 2 / 100 for h in hits.values())
    assert chi2 < 43.8


def test_equal_allocation_and_small_strata():
    df = _frame({"101": 120, "102": 3})
    r = S.draw(_source(df), _unit_spec(), n=10, seed=1, keys=["id"], strata=["unit"], method="equal")
    assert dict(r.allocation.select("unit", "n").iter_rows()) == {"101": 10, "102": 3}


def test_oversampling_weights_add_up_to_the_population():
    df = _frame({"101": 200, "102": 100}, missing_every=10)  # 10 % missing ASA
    r = S.draw(_source(df), _unit_spec(), n=60, seed=3, keys=["id"], strata=["unit"],
               oversample=["asa"], factor=3.0)
    # Σ weights of the sampled records = the population of each stratum (Horvitz–Thompson)
    by_unit = r.records.group_by("unit").agg(pl.col("weight").sum())
    assert dict(by_unit.iter_rows()) == pytest.approx({"101": 200.0, "102": 100.0})
    a = r.allocation.filter(pl.col("unit") == "101").sort("missing")
    # A: 40 draws over 180 complete (weight 180) and 20 missing (weight 3·20 = 60): 30 and 10
    assert a.get_column("n").to_list() == [30, 10]


def test_neyman_allocation():
    # share missing 0.5 in A (S = 0.5) and 0.1 in B (S = 0.3); N·S = 50 and 30 → 5:3 of 16
    df = pl.concat([_frame({"101": 100}, missing_every=2), _frame({"102": 100}, missing_every=10)])
    r = S.draw(_source(df), _unit_spec(), n=16, seed=1, keys=["id"], strata=["unit"],
               method="neyman", neyman="asa")
    assert dict(r.allocation.select("unit", "n").iter_rows()) == {"101": 10, "102": 6}


def test_cli_list_only_in_the_file(tmp_path):
    out = tmp_path / "utvalg.csv"
    result = run("sample", "--spec", SPEC, "--n", "80", "--by", "unit", "--year", "2023",
                 "--seed", "2024", "-o", out)
    assert result.exit_code == 0, result.stderr
    listed = pl.read_csv(out, separator=";", infer_schema=False)
    assert listed.height == 80
    assert listed.columns == ["PasientID", "Operasjonsdato", "AvdRESH", "weight"]
    for pid in listed["PasientID"]:
        assert pid not in result.stdout and pid not in result.stderr
    assert "80" in result.stdout and "3\u202f924" in result.stdout
    doc = json.loads((tmp_path / "utvalg.csv.manifest.json").read_text(encoding="utf-8"))
    assert doc["seed"] == 2024 and len(doc["inputs"][0]["sha256"]) == 64
    assert sum(r["n"] for r in doc["results"]) == 80
    again = tmp_path / "again.csv"
    run("sample", "--spec", SPEC, "--n", "80", "--by", "unit", "--year", "2023", "--seed",
        "2024", "-o", again)
    assert again.read_bytes() == out.read_bytes()


def test_cli_refuses_stdout_and_bad_columns(tmp_path):
    result = run("sample", "--spec", SPEC, "--n", "10", "-o", "-", "--lang", "en")
    assert result.exit_code == 2 and "only to a file" in result.stderr
    result = run("sample", "--spec", SPEC, "--n", "10", "-o", "-")
    assert result.exit_code == 2 and result.stderr == (
        "dq: feil: dq sample skriver listen over registreringer bare til en fil: oppgi -o "
        "utvalg.csv (listen inneholder registreringsnøkler og skrives aldri til terminalen)\n")
    result = run("sample", "--spec", SPEC, "--n", "10", "--key", "Nope", "-o", tmp_path / "x.csv")
    assert result.exit_code == 3 and result.stderr.startswith(
        "dq: feil: 1 kolonne som er oppgitt for utvalget, finnes ikke i uttrekket: 'Nope' "
        "(kolonner funnet: ")
    result = run("sample", "--spec", SPEC, "--n", "10", "--by", "unit", "--per", "unit", "-o",
                 tmp_path / "x.csv")
    assert result.exit_code == 2 and result.stderr == (
        "dq: feil: oppgi --by (proporsjonalt) eller --per (likt per stratum), ikke begge\n")
    assert not (tmp_path / "x.csv").exists()


def test_cli_json_hides_small_strata(tmp_path):
    result = run("sample", "--spec", SPEC, "--n", "10", "--per", "unit", "--where",
                 "Alder > 99", "-o", tmp_path / "u.csv", "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    small = [r for r in doc["results"] if r["suppressed"]]
    assert small and all(r["population"] is None for r in small)


def test_allocation_names_units_from_the_unit_table_only(tmp_path):
    """Names come from [units] table, beside the ids; an id the table lacks gets no name, and a
    name-like column of the export (here the patient's name) is never printed."""
    from tests.conftest import write_text

    rows = [f"P{i:03d};{unit};Kari Nordmann {i}" for unit, k in (("101", 10), ("102", 6),
                                                                  ("103", 4))
            for i in range(k * 100, k * 100 + k)]
    write_text(tmp_path / "export.csv", "pid;resh;pasientnavn\n" + "\n".join(rows) + "\n")
    write_text(tmp_path / "enheter.csv", "unit_id;unit_name;hf;rhf\n101;Bergen;Helse Bergen HF;"
                                         "Helse Vest RHF\n102;Førde;Helse Førde HF;Helse Vest RHF\n")
    spec = write_text(tmp_path / "dq.toml", '[dataset]\nfiles = ["export.csv"]\nunit = "resh"\n'
                                            'person_id = "pid"\n[units]\ntable = "enheter.csv"\n')
    out = tmp_path / "utvalg.csv"
    result = run("sample", "--spec", spec, "--n", "10", "--by", "unit", "-o", out, "--lang",
                 "en")
    assert result.exit_code == 0, result.stderr
    lines = {line.split("│")[1].strip(): line for line in result.stdout.splitlines()
             if line.count("│") > 3}
    assert "Bergen" in lines["101"] and "Førde" in lines["102"]
    assert lines["103"].split("│")[2].strip() == "–"  # not in the unit table: no name
    assert "Name" in result.stdout and "Kari" not in result.stdout + result.stderr
    doc = json.loads(run("sample", "--spec", spec, "--n", "10", "--by", "unit", "-o", out,
                         "--format", "json").stdout)
    # ids matched as text (the export and the unit table both read "101")
    assert [(r["resh"], r["unit_name"]) for r in doc["results"]] == [
        ("101", "Bergen"), ("102", "Førde"), ("103", None)]
    assert "Kari" not in out.read_text(encoding="utf-8-sig")


def test_no_unit_table_no_name_column():
    df = _frame({"101": 30, "102": 20})
    res = S.draw(_source(df), _unit_spec(), n=10, seed=1, keys=["id"], strata=["unit"])
    assert res.unit_column is None and "unit_name" not in res.allocation.columns


def test_printed_strata_never_show_patient_data():
    """The allocation (terminal, JSON, manifest) shows a stratum value only when it cannot be
    patient data: a national ID typed into the unit column becomes "(not a unit id)", a name in
    another stratum column "(other value)"; the list for the hospitals keeps the real values."""
    fnr, name = "01017012345", "Kari Nordmann"
    df = pl.DataFrame({"id": [f"k{i}" for i in range(40)],
                       "unit": ["4001"] * 20 + [fnr] * 20,
                       "ward": ["3"] * 10 + [name] * 10 + ["2023"] * 20})
    r = S.draw(_source(df), _unit_spec(), n=8, seed=1, keys=["id"], strata=["unit", "ward"])
    shown = r.allocation.select("unit", "ward").rows()
    assert all(fnr not in map(str, row) and name not in map(str, row) for row in shown)
    assert {row[0] for row in shown} == {"4001", "(not a unit id)"}
    assert {row[1] for row in shown} == {"3", "(other value)", "2023"}
    assert int(r.allocation["n"].sum()) == 8
    assert fnr in r.records["unit"].to_list() or name in r.records["ward"].to_list()


def test_a_coded_stratum_shows_its_codes_only():
    """A number typed into a coded variable (1967 in Kjonn, codes 1 and 2) is no declared code:
    "(other value)", as dq completeness --by shows it; a variable without codes keeps short
    whole numbers (a year column)."""
    from dq.spec import Variable

    df = pl.DataFrame({"id": [f"k{i}" for i in range(40)], "unit": ["4001"] * 40,
                       "Kjonn": ["1"] * 19 + ["1967"] + ["2"] * 20,
                       "Aar": ["2023"] * 40})
    spec = replace(_unit_spec(), variables={"Kjonn": Variable(
        name="Kjonn", type="categorical", codes={"1": "Mann", "2": "Kvinne"})})
    r = S.draw(_source(df), spec, n=8, seed=1, keys=["id"], strata=["Kjonn", "Aar"])
    shown = r.allocation.select("Kjonn", "Aar").rows()
    assert {row[0] for row in shown} == {"1", "2", "(other value)"}
    assert {row[1] for row in shown} == {"2023"}


def test_small_strata_are_hidden_with_a_complement_everywhere(tmp_path):
    """A stratum of 3 records: hidden as <5 with its sample size (equal allocation takes it
    whole: n = 3 would give it away) and weight; the total would give a lone hidden stratum
    back, so the smallest other stratum (60) is hidden too (":"); the manifest file hides the
    same as stdout."""
    df = _frame({"101": 120, "102": 60, "103": 3})
    res = S.draw(_source(df), _unit_spec(), n=30, seed=1, keys=["id"], strata=["unit"],
                 method="equal", min_n=5)
    flags = {r["unit"]: (r["suppressed"], r["suppressed_small"])
             for r in res.allocation.iter_rows(named=True)}
    assert flags == {"101": (False, False), "102": (True, False), "103": (True, True)}
    path = tmp_path / "e.csv"
    df.write_csv(path, separator=";")
    spec = tmp_path / "dq.toml"
    spec.write_text('[dataset]\nunit = "unit"\nperson_id = "id"\n', encoding="utf-8")
    out = tmp_path / "s.csv"
    result = run("sample", path, "--spec", spec, "--per", "unit", "--n", "10", "-o", out,
                 "--format", "json")
    assert result.exit_code == 0, result.stderr
    for doc in (json.loads(result.stdout),
                json.loads((tmp_path / "s.csv.manifest.json").read_text(encoding="utf-8"))):
        rows = {r["unit"]: r for r in doc["results"]}
        assert (rows["103"]["population"], rows["103"]["n"], rows["103"]["weight"]) == \
            (None, None, None)
        assert rows["103"]["suppressed"] and rows["102"]["suppressed"]
        assert rows["102"]["population"] is None and rows["101"]["population"] == 120
        assert doc["population"] == 183
    table = run("sample", path, "--spec", spec, "--per", "unit", "--n", "10", "-o",
                tmp_path / "t.csv", "--lang", "en")
    line = next(x for x in table.stdout.splitlines() if "103" in x)
    assert "<5" in line and " 3 " not in line
    line = next(x for x in table.stdout.splitlines() if "102" in x)
    assert "60" not in line and ":" in line
