"""dq compare and dq regrade: Newcombe's published intervals, invariants, bad input."""

import json

import pytest

from dq import compare as cmp
from tests.conftest import EXAMPLE, run, write_text


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    d = tmp_path_factory.mktemp("results")
    before, after = d / "before.json", d / "after.json"
    assert run("report", EXAMPLE / "dq.toml", "-f", "json", "-o", before).exit_code == 1
    assert run("report", EXAMPLE / "dq.toml", "--data", EXAMPLE / "hoftebrudd_oppfolging.csv",
               "-f", "json", "-o", after).exit_code == 1
    return before, after


def prop(x, n, direction="higher_is_better"):
    return {"estimate": x / n, "numerator": x, "denominator": n, "direction": direction}


@pytest.mark.parametrize("a, b, low, high", [
    # Newcombe 1998, Stat Med 17:873–890, Table II, method 10 (hybrid score):
    ((56, 70), (48, 80), 0.0524, 0.3339),
    ((9, 10), (3, 10), 0.1705, 0.8090),
    ((5, 56), (0, 29), -0.0381, 0.1926),
])
def test_newcombe_published_examples(a, b, low, high):
    # "after" is the first proportion: the difference is after − before.
    got = cmp._difference(prop(*b), prop(*a))
    assert got["difference"] == pytest.approx(a[0] / a[1] - b[0] / b[1])
    assert got["ci_low"] == pytest.approx(low, abs=5e-5)
    assert got["ci_high"] == pytest.approx(high, abs=5e-5)


def test_difference_of_kappas_uses_the_standard_errors():
    b = {"estimate": 0.50, "se": 0.10, "numerator": None, "denominator": 60}
    a = {"estimate": 0.80, "se": 0.05, "numerator": None, "denominator": 60}
    got = cmp._difference(b, a)
    se = (0.1**2 + 0.05**2) ** 0.5
    assert got["ci_low"] == pytest.approx(0.3 - 1.959964 * se, abs=1e-6)
    from scipy.stats import norm

    assert got["p_value"] == pytest.approx(2 * norm.sf(0.3 / se))


def test_the_example_project_shows_its_effect(results):
    df = cmp.compare(cmp.load_result(results[0]), cmp.load_result(results[1]))
    rows = {(r["id"], r["unit"]): r for r in df.iter_rows(named=True)}
    olavs = rows[("kompletthet.variabel.ASA", "St. Olavs")]
    # resolved/new_failure where the report grades the latest year (St. Olavs' 2023 EHR gap fails,
    # Drammen's 2023 drop fails); improved/worsened where it grades all years together
    assert olavs["change"] in ("improved", "resolved") and olavs["ci_low"] > 0
    drammen = rows[("kompletthet.variabel.ASA", "Drammen")]
    assert drammen["change"] in ("worsened", "new_failure") and drammen["ci_high"] < 0
    assert drammen["p_adjusted"] >= drammen["p_value"]  # Holm never lowers a p-value
    result = run("compare", results[0], results[1], "--fail-on-regression", "-f", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert {"id", "dimension", "unit", "change", "before", "after", "difference", "ci_low",
            "ci_high", "p_value"} <= set(doc["results"][0])
    assert run("compare", results[0], results[1]).exit_code == 0


def test_self_comparison_changes_nothing(results):
    r = cmp.load_result(results[0])
    df = cmp.compare(r, r)
    assert set(df["change"].unique()) <= {"unchanged", "persisting_failure"}
    diffs = df["difference"].drop_nulls()
    assert diffs.abs().max() == 0


def test_swapping_negates_and_mirrors(results):
    b, a = cmp.load_result(results[0]), cmp.load_result(results[1])
    forward = {(r["id"], r["unit"]): r for r in cmp.compare(b, a).iter_rows(named=True)}
    backward = {(r["id"], r["unit"]): r for r in cmp.compare(a, b).iter_rows(named=True)}
    mirror = {"new_failure": "resolved", "resolved": "new_failure", "improved": "worsened",
              "worsened": "improved", "added": "removed", "removed": "added",
              "unchanged": "unchanged", "persisting_failure": "persisting_failure"}
    assert forward.keys() == backward.keys()
    # a funnel outlier or shift row exists only while the unit stands out: gone is resolved,
    # new is worsened (new_failure when it fails)
    finding = {"resolved": ("worsened", "new_failure"), "worsened": ("resolved",),
               "new_failure": ("resolved",)}
    for key, f in forward.items():
        g = backward[key]
        if key[1] is not None and key[0].startswith(("sammenlignbarhet.trakt.",
                                                     "sammenlignbarhet.skift.")) \
                and f["difference"] is None and f["change"] in finding:
            assert g["change"] in finding[f["change"]], key
            continue
        assert g["change"] == mirror[f["change"]], key
        if f["difference"] is not None:
            assert g["difference"] == pytest.approx(-f["difference"], abs=1e-12)


def test_bad_input(tmp_path, results):
    other = tmp_path / "other.json"
    doc = json.loads(results[0].read_text(encoding="utf-8"))
    doc["registry"] = "Norsk hjerneslagregister"
    other.write_text(json.dumps(doc), encoding="utf-8")
    err = run("compare", results[0], other, "--lang", "en")
    assert err.exit_code == 3 and "one registry" in err.stderr
    err = run("compare", results[0], other)
    assert err.exit_code == 3 and err.stderr == (
        f"dq: feil: {results[0]} og {other} er resultater fra ulike registre (registernavnene er "
        "ulike); sammenlign resultater fra samme register\n")
    doc["schema_version"] = 2
    other.write_text(json.dumps(doc), encoding="utf-8")
    assert "schema_version 2" in run("compare", results[0], other, "--lang", "en").stderr
    assert run("compare", results[0], other).stderr == (
        f"dq: feil: {other}: schema_version 2 er ikke en versjon denne dq kan lese (1); lag det "
        "på nytt med denne versjonen av dq\n")
    cov = write_text(tmp_path / "cov.json", '{"command": "coverage", "results": []}')
    err = run("compare", cov, results[1], "--lang", "en")
    assert err.exit_code == 3 and "not a dq report result (it is a dq coverage result)" in err.stderr
    assert run("compare", cov, results[1]).stderr == (
        f"dq: feil: {cov}: ikke et resultat fra dq report (det er et resultat fra dq coverage); "
        "kjør dq report --format json\n")
    junk = write_text(tmp_path / "x.json", "not json")
    err = run("compare", junk, results[1])
    assert err.exit_code == 3 and err.stderr == (
        f"dq: feil: {junk}: ikke JSON (linje 1, kolonne 1: forventet en verdi); oppgi JSON-filen "
        "som dq report --format json skrev\n")
    assert f"{junk}: not JSON (line 1, column 1: expecting value); pass the JSON written by dq " \
        "report --format json" in run("compare", junk, results[1], "--lang", "en").stderr


def test_regrade_applies_new_thresholds_without_the_data(tmp_path, results):
    spec = write_text(tmp_path / "dq.toml",
                      '[dataset]\nfiles = ["gone.csv"]\n'
                      '[checks."kompletthet.variabel"]\nwarn_below = 0.5\nfail_below = 0.4\n'
                      '[checks."korrekthet"]\nwarn_above = 1\n'
                      '[checks."reliabilitet"]\nwarn_below = 0.4\n'
                      '[checks."aktualitet"]\nwarn_below = 0.1\nfail_below = 0.0\n'
                      '[checks."sammenlignbarhet"]\nwarn_above = 1000\n'
                      '[checks."kompletthet"]\nwarn_below = 0\nfail_below = 0\n'
                      '[checks."relevans"]\nwarn_below = 0\nwarn_above = 1000\nfail_above = 1000\n')
    out = tmp_path / "new.json"
    result = run("regrade", results[0], "--spec", spec, "--output", out)
    doc = json.loads(out.read_text(encoding="utf-8"))
    kompl = [r for r in doc["results"] if r["id"] == "kompletthet.variabel.Komplikasjonstype"
             and r["unit"] is None][0]
    assert (kompl["warn"], kompl["fail"], kompl["status"]) == (0.5, 0.4, "pass")
    assert doc["manifest"]["regraded_with"]["sha256"]
    statuses = {r["status"] for r in doc["results"]}
    assert result.exit_code == (1 if "fail" in statuses else 0)
    strict = run("regrade", results[0], "--spec", EXAMPLE / "dq.toml", "--strict")
    assert strict.exit_code == 1


def test_regrade_with_the_same_spec_changes_nothing(results):
    from dq import spec as spec_mod

    original = cmp.load_result(results[0])
    doc = cmp.regrade(original, spec_mod.load(EXAMPLE / "dq.toml"))
    before = [(r["id"], r["unit"], r["status"], r["warn"], r["fail"]) for r in original.rows]
    after = [(r["id"], r["unit"], r["status"], r["warn"], r["fail"]) for r in doc["results"]]
    assert before == after
    assert [d["verdict"] for d in doc["dimensions"]] == \
        [d["verdict"] for d in original.doc["dimensions"]]


def test_compare_warns_when_a_reference_changed(tmp_path):
    import shutil

    ex = tmp_path / "ex"
    shutil.copytree(EXAMPLE, ex)
    before, after = tmp_path / "b.json", tmp_path / "a.json"
    run("report", ex / "dq.toml", "--format", "json", "-o", before)
    ref = ex / "npr_aggregat.csv"
    ref.write_text(ref.read_text(encoding="utf-8-sig").replace("Ahus;2019;S72.0;153",
                                                               "Ahus;2019;S72.0;154", 1),
                   encoding="utf-8")
    run("report", ex / "dq.toml", "--format", "json", "-o", after)
    result = run("compare", before, after, "--format", "json")
    warnings = json.loads(result.stdout)["warnings"]
    assert any("npr_aggregat.csv" in w and "changed" in w for w in warnings), warnings
    same = json.loads(run("compare", before, before, "--format", "json").stdout)["warnings"]
    assert not any("changed between" in w for w in same)


def test_regrade_of_a_suppressed_result_never_keeps_an_old_status_under_new_thresholds(tmp_path):
    """A row hidden by --suppress has no estimate to grade: with unchanged thresholds its
    status stands, with new ones it is not_assessed and a warning says so (it kept its old
    status and thresholds before)."""
    import shutil

    ex = tmp_path / "ex"
    shutil.copytree(EXAMPLE, ex)
    stored = tmp_path / "r.json"
    assert run("report", ex / "dq.toml", "-f", "json", "--suppress", "10", "-o",
               stored).exit_code in (0, 1)
    check = "kompletthet.variabel.Komplikasjonstype"
    hidden = [r for r in json.loads(stored.read_text(encoding="utf-8"))["results"]
              if r.get("suppressed") and r["id"] == check]
    assert hidden  # units with few complications are hidden at 10
    same = run("regrade", stored, "--spec", ex / "dq.toml", "--lang", "en")
    rows = {(r["id"], r["unit"]): r for r in json.loads(same.stdout)["results"]}
    assert all(rows[(h["id"], h["unit"])]["status"] == h["status"] for h in hidden)
    assert "suppressed in the stored result" not in same.stderr
    spec = ex / "dq.toml"
    text = spec.read_text(encoding="utf-8")
    old = 'mandatory = "Komplikasjon = 1"'
    assert old in text
    spec.write_text(text.replace(old, old + "\nwarn_below = 0.99", 1), encoding="utf-8")
    new = run("regrade", stored, "--spec", spec, "--lang", "en")
    rows = {(r["id"], r["unit"]): r for r in json.loads(new.stdout)["results"]}
    for h in hidden:
        row = rows[(h["id"], h["unit"])]
        assert (row["warn"], row["status"]) == (0.99, "not_assessed")
    assert f"{len(hidden)} row(s) were suppressed in the stored result" in new.stderr
