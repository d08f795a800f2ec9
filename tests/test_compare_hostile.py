"""dq compare / dq regrade under attack: tampered or unrelated JSON, small cells, markup in names,
strict JSON and byte-identical output (issue 9, "Safe on patient data").

The hostile corpus is made here from a real report result (no binary fixtures): each case plants
a fødselsnummer-like marker or a name in the field it breaks, and the answer must be exit 3 with
one stderr line that names the file and the JSON path of the problem and never the value.
"""

from __future__ import annotations

import copy
import json
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dq import compare as cmp
from dq.render.envelope import dumps
from dq.render.text import md_cell, plain
from tests.conftest import EXAMPLE, run, write_text
from tests.test_stderr_lang import english_in

FNR = "01017012345"  # shaped like a fødselsnummer
NAME = "Kari Nordmannsen"
MARKERS = (FNR, NAME, "1017012345")


def strict_json(text: str) -> Any:
    """json.loads that refuses NaN, Infinity and -Infinity (the json module accepts them)."""

    def refuse(constant: str) -> None:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def _report(path: Path, *extra: Any) -> Path:
    result = run("report", EXAMPLE / "dq.toml", "--format", "json", "-o", path, *extra)
    assert result.exit_code in (0, 1), result.stderr
    return path


@pytest.fixture(scope="module")
def before_report(tmp_path_factory) -> Path:
    return _report(tmp_path_factory.mktemp("reports") / "before.json")


@pytest.fixture(scope="module")
def reports(before_report) -> dict[str, Path]:
    """Real dq report results: before and after (unsuppressed) and before with --suppress 5."""
    d = before_report.parent
    return {"before": before_report,
            "after": _report(d / "after.json", "--data", EXAMPLE / "hoftebrudd_oppfolging.csv"),
            "before_suppressed": _report(d / "before_suppressed.json", "--suppress", "5")}


@pytest.fixture(scope="module")
def trimmed(reports, tmp_path_factory) -> dict[str, Path]:
    """The reports cut to the checks with a small cell at 5 plus their first 40 rows: every
    unit of those checks stays (secondary suppression works among them), and compare is fast."""
    keep = {cid for cid, _ in _hidden(reports["before_suppressed"])}
    d = tmp_path_factory.mktemp("trimmed")
    out = {}
    for key, path in reports.items():
        doc = json.loads(path.read_text(encoding="utf-8"))
        doc["results"] = [r for i, r in enumerate(doc["results"]) if i < 40 or r["id"] in keep]
        out[key] = write_text(d / path.name, json.dumps(doc, ensure_ascii=False))
    return out


@pytest.fixture(scope="module")
def small(before_report, tmp_path_factory) -> dict[str, Any]:
    """A valid result cut to its first 40 rows (fast to run), its path, and a valid partner."""
    doc = json.loads(before_report.read_text(encoding="utf-8"))
    doc["results"] = doc["results"][:40]
    d = tmp_path_factory.mktemp("small")
    path = write_text(d / "valid.json", json.dumps(doc, ensure_ascii=False))
    assert run("compare", path, path).exit_code == 0
    return {"doc": doc, "path": path}


# ------------------------------------------------------------------------------ the corpus

Mutation = Callable[[dict[str, Any]], Any]


def _set(path: str, value: Any) -> Mutation:
    """Set a value at a dotted path (results.3.estimate) of a copy of the document."""

    def mutate(doc: dict[str, Any]) -> dict[str, Any]:
        *parents, last = path.split(".")
        node: Any = doc
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
        return doc

    return mutate


def _delete(path: str) -> Mutation:
    def mutate(doc: dict[str, Any]) -> dict[str, Any]:
        *parents, last = path.split(".")
        node: Any = doc
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        del node[last]
        return doc

    return mutate


def _text(replace: Callable[[str], str]) -> Mutation:
    """Tamper with the JSON text itself (for what json.dumps cannot write)."""
    return lambda doc: replace(json.dumps(doc, ensure_ascii=False))


def _first_estimate(text: str, new: str) -> str:
    out, n = re.subn(r'"estimate": [-0-9.e]+', f'"estimate": {new}', text, count=1)
    assert n == 1
    return out


def _duplicate_row(doc: dict[str, Any]) -> dict[str, Any]:
    doc["results"].append(copy.deepcopy(doc["results"][2]))
    return doc


def _planted_unknown_key(doc: dict[str, Any]) -> str:
    doc["manifest"][FNR] = "__NAN__"
    return json.dumps(doc).replace('"__NAN__"', "NaN")


# (case id, mutation, what the one stderr line must contain besides the file name)
CORPUS: list[tuple[str, Mutation, str]] = [
    ("row without id", _delete("results.3.id"), "results[3].id: missing"),
    ("results is text", _set("results", FNR), "results: expected an array, got text"),
    ("results is an object", _set("results", {FNR: NAME}), "results: expected an array"),
    ("estimate is text", _set("results.3.estimate", FNR),
     "results[3].estimate: expected a number or null, got text"),
    ("numerator is a name", _set("results.3.numerator", NAME), "results[3].numerator"),
    ("estimate is a boolean", _set("results.3.estimate", True),
     "results[3].estimate: expected a number or null, got a boolean"),
    ("ci is an array", _set("results.3.ci_low", [FNR]), "results[3].ci_low"),
    ("unit is a number", _set("results.3.unit", 1017012345),
     "results[3].unit: expected text or null, got a number"),
    ("unit name in status", _set("results.3.status", NAME), "results[3].status: expected one of"),
    ("id in direction", _set("results.3.direction", FNR), "results[3].direction"),
    ("id is not a check", _set("results.3.id", FNR), "results[3].id"),
    ("dimension differs from id", _set("results.3.dimension", "relevans"),
     "results[3].dimension"),
    ("graded is text", _set("results.3.graded", NAME), "results[3].graded"),
    ("suppressed is text", _set("results.3.suppressed", FNR), "results[3].suppressed"),
    ("row is an array", _set("results.3", [FNR]), "results[3]: expected an object"),
    ("row is text", _set("results.3", NAME), "results[3]: expected an object"),
    ("row twice", _duplicate_row, "a second row for the check and unit of results[2]"),
    ("NaN literal", _text(lambda t: _first_estimate(t, "NaN")), "estimate: a number that is not finite"),
    ("Infinity literal", _text(lambda t: _first_estimate(t, "Infinity")), "not finite"),
    ("-Infinity literal", _text(lambda t: _first_estimate(t, "-Infinity")), "not finite"),
    ("1e400", _text(lambda t: _first_estimate(t, "1e400")), "results[0].estimate: a number"),
    ("-1e400 count", _text(lambda t: t.replace('"numerator": 33.0', '"numerator": -1e400', 1)),
     "results[0].numerator"),
    ("integer of 5000 digits", _text(lambda t: _first_estimate(t, "9" * 5000)),
     "results[0].estimate"),
    ("integer of 320 digits", _text(lambda t: _first_estimate(t, "9" * 320)),
     "results[0].estimate"),
    ("NaN under an unknown key", _planted_unknown_key, "manifest.(key"),
    ("lone surrogate in a unit", _text(lambda t: t.replace('"unit": "Lillehammer"',
                                                           '"unit": "\\ud800' + FNR + '"', 1)),
     "results[2].unit: text that is not valid Unicode"),
    ("deeply nested array", lambda doc: "[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ("deeply nested object", lambda doc: '{"a":' * 100_000 + "1" + "}" * 100_000,
     "nested too deeply"),
    ("nested 200 deep inside", _set("warnings", json.loads("[" * 200 + f'"{FNR}"' + "]" * 200)),
     "nested more than"),
    ("warnings hold a number", _set("warnings", [NAME, 12345678901]), "warnings[1]"),
    ("counts hold text", _set("dimensions.0.counts.pass", FNR), "dimensions[0].counts"),
    ("five dimensions", lambda doc: {**doc, "dimensions": doc["dimensions"][:5]},
     "dimensions: expected at least 6 items"),
    ("manifest missing", _delete("manifest"), "manifest: missing"),
    ("manifest is text", _set("manifest", FNR), "manifest: expected an object, got text"),
    ("min_count is text", _set("manifest.suppression.min_count", FNR),
     "manifest.suppression.min_count"),
    ("min_count is 0", _set("manifest.suppression.min_count", 0),
     "manifest.suppression.min_count: expected a number of at least 1"),
    ("dq_version is a name", _set("manifest.dq_version", NAME), "manifest.dq_version"),
    ("registry is a number", _set("registry", 12345678901), "registry: expected text or null"),
    ("schema_version is text", _set("schema_version", FNR), "schema_version: expected 1, got text"),
    ("schema_version is true", _set("schema_version", True), "schema_version"),
    ("command is a name", _set("command", NAME), 'command: expected "report", got text'),
    ("command missing", _delete("command"), "not a dq report result"),
    ("a coverage result", lambda doc: {"command": "coverage", "results": [{"unit": NAME}]},
     "it is a dq coverage result"),
    ("top level is an array", lambda doc: [FNR, doc], "the top level is an array"),
    ("top level is text", lambda doc: json.dumps(FNR), "the top level is text"),
    ("top level is null", lambda doc: "null", "the top level is null"),
    ("empty file", lambda doc: "", "the file is empty"),
    ("only whitespace", lambda doc: " \n\t\n", "the file is empty"),
    ("truncated", lambda doc: json.dumps(doc)[:3000], "not JSON (line 1, column"),
    ("raw control character", lambda doc: json.dumps(doc).replace(
        '"Lillehammer"', '"\x1b' + FNR + '"', 1), "not JSON"),
    ("not UTF-8", lambda doc: json.dumps(doc, ensure_ascii=False).replace(
        '"Lillehammer"', f'"{NAME} Ullevål"', 1).encode("latin-1", "replace"), "not UTF-8 text"),
    ("UTF-16", lambda doc: json.dumps(doc, ensure_ascii=False).encode("utf-16"), "UTF-16"),
    ("binary", lambda doc: b"\x89PNG\r\n\x1a\n\x00\x00" + FNR.encode() + b"\xff\xfe", "not UTF-8"),
    ("a CSV export", lambda doc: f"Fodselsnummer;Navn\n{FNR};{NAME}\n", "not JSON"),
]


def _write(tmp_path: Path, case: str, mutate: Mutation, doc: dict[str, Any]) -> Path:
    made = mutate(copy.deepcopy(doc))
    path = tmp_path / (re.sub(r"\W+", "_", case) + ".json")
    if isinstance(made, bytes):
        path.write_bytes(made)
    elif isinstance(made, str):
        path.write_bytes(made.encode("utf-8", "surrogatepass"))
    else:
        path.write_text(json.dumps(made, ensure_ascii=False), encoding="utf-8")
    return path


def assert_refused(result, path: Path, expected: str, code: int = 3) -> str:  # noqa: ANN001
    assert result.exit_code == code, (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("dq: error: "), result.stderr
    assert str(path) in lines[0] and expected in lines[0], lines[0]
    for marker in MARKERS:
        assert marker not in result.stderr + result.stdout, (marker, lines[0])
    return lines[0]


ROLES = ("before", "after", "regrade")


def _run_role(role: str, bad: Path, good: Path, lang: str = "en"):  # noqa: ANN202
    args = {"before": ("compare", bad, good, "-f", "markdown"),
            "after": ("compare", good, bad, "-f", "json"),
            "regrade": ("regrade", bad, "--spec", EXAMPLE / "dq.toml")}[role]
    return run(*args, "--lang", lang)


def assert_refused_nb(result, path: Path, code: int = 3) -> str:  # noqa: ANN001
    """The Norwegian line: the same file and JSON path, no English word, no value."""
    assert result.exit_code == code, (result.exit_code, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("dq: feil: "), result.stderr
    assert str(path) in lines[0] and "Traceback" not in result.stderr
    assert english_in(lines[0].removeprefix("dq: feil: ")) == [], lines[0]
    for marker in MARKERS:
        assert marker not in result.stderr + result.stdout, (marker, lines[0])
    return lines[0]


@pytest.mark.parametrize("role, case, mutate, expected",
                         [(ROLES[i % 3], *c) for i, c in enumerate(CORPUS)],
                         ids=[f"{c[0]}-{ROLES[i % 3]}" for i, c in enumerate(CORPUS)])
def test_hostile_result_is_refused(tmp_path, small, case, mutate, expected, role):
    """Each case in one of the three places a result is read (rotating, to keep this quick)."""
    bad = _write(tmp_path, case, mutate, small["doc"])
    assert_refused(_run_role(role, bad, small["path"]), bad, expected)
    assert_refused_nb(_run_role(role, bad, small["path"], "nb"), bad)


@pytest.mark.parametrize("case", ["row without id", "estimate is text", "1e400",
                                  "deeply nested array", "not UTF-8", "top level is an array",
                                  "lone surrogate in a unit"])
def test_hostile_result_is_refused_wherever_it_is_read(tmp_path, small, case):
    _, mutate, expected = next(c for c in CORPUS if c[0] == case)
    bad = _write(tmp_path, case, mutate, small["doc"])
    for role in ROLES:
        assert_refused(_run_role(role, bad, small["path"]), bad, expected)


def test_the_message_names_file_and_path_only(tmp_path, small):
    bad = _write(tmp_path, "before", _set("results.3.estimate", FNR), small["doc"])
    line = assert_refused(run("compare", bad, small["path"], "--lang", "en"), bad, "")
    assert line == (f"dq: error: {bad}: results[3].estimate: expected a number or null, got text; "
                    "pass the JSON written by dq report --format json")
    line = assert_refused_nb(run("compare", bad, small["path"]), bad)
    assert line == (f"dq: feil: {bad}: results[3].estimate: forventet et tall eller null, fikk "
                    "tekst; oppgi JSON-filen som dq report --format json skrev")


def test_a_file_too_large_to_be_a_result_is_refused_unread(tmp_path, small, monkeypatch):
    monkeypatch.setattr(cmp, "MAX_BYTES", 1000)
    assert_refused(run("compare", small["path"], small["path"], "--lang", "en"), small["path"],
                   "far larger than a dq report result")


@pytest.mark.parametrize("make", ["folder", "missing", "fifo"])
def test_what_is_not_a_file_is_refused(tmp_path, small, make):
    path = tmp_path / f"{FNR}.json"
    if make == "folder":
        path.mkdir()
    elif make == "fifo":
        os.mkfifo(path)
    result = run("compare", path, small["path"])
    assert result.exit_code == 3 and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_control_characters_in_a_file_name_are_not_echoed(tmp_path, small):
    path = tmp_path / "a\x1b[2Jb\rc.json"
    path.write_text("[]", encoding="utf-8")
    result = run("compare", path, small["path"])
    assert result.exit_code == 3
    assert "\x1b" not in result.stderr and "\r" not in result.stderr
    assert "\\x1b[2Jb\\rc.json" in result.stderr


def test_output_naming_an_input_is_refused_and_the_input_kept(tmp_path, small):
    before = small["path"].read_bytes()
    result = run("compare", small["path"], small["path"], "-f", "json", "-o", small["path"],
                 "--lang", "en")
    assert result.exit_code == 2 and "this command reads" in result.stderr
    result = run("regrade", small["path"], "--spec", EXAMPLE / "dq.toml", "-o", small["path"])
    assert result.exit_code == 2
    assert small["path"].read_bytes() == before


# ------------------------------------------------------------------------------ valid but extreme


def _extreme(kind: str) -> Mutation:
    def mutate(doc: dict[str, Any]) -> dict[str, Any]:
        for i, row in enumerate(doc["results"]):
            if kind == "huge counts":
                row.update(numerator=1e300, denominator=1e300, estimate=1.0)
            elif kind == "counts of 10^12, Fisher's test":
                row.update(numerator=float(i % 2), denominator=1e12, estimate=(i % 2) / 1e12)
            elif kind == "estimates at the float limit":
                row.update(estimate=1.7e308 if i % 2 else -1.7e308, numerator=None,
                           ci_low=-1.7e308, ci_high=1.7e308, se=None)
            elif kind == "negative counts and SEs":
                row.update(numerator=-10, denominator=-5, se=-1e200)
            elif kind == "huge SEs":
                row.update(se=1e300, numerator=None)
        return doc

    return mutate


@pytest.mark.parametrize("kind", ["huge counts", "counts of 10^12, Fisher's test",
                                  "estimates at the float limit", "negative counts and SEs",
                                  "huge SEs"])
def test_extreme_numbers_give_strict_json_in_bounded_time(tmp_path, small, kind):
    bad = _write(tmp_path, kind, _extreme(kind), small["doc"])
    started = time.perf_counter()
    for pair in ((bad, small["path"]), (small["path"], bad)):
        for fmt in ("json", "markdown", "table", "html"):
            result = run("compare", *pair, "-f", fmt)
            assert result.exit_code == 0, result.stderr
            if fmt == "json":
                doc = strict_json(result.stdout)
                assert all(r["p_value"] is None or 0 <= r["p_value"] <= 1 for r in doc["results"])
    result = run("regrade", bad, "--spec", EXAMPLE / "dq.toml")
    assert result.exit_code in (0, 1), result.stderr
    strict_json(result.stdout)
    assert time.perf_counter() - started < 60


def test_large_counts_keep_fishers_answer():
    import numpy as np

    from dq.checks.comparability import two_proportion_p

    for case in [(3, 20000, 12, 30000), (7, 10**6, 1, 10**6), (400, 1000, 520, 1000),
                 (5, 10**6, 40, 2 * 10**6), (1, 10**5, 0, 10**5)]:
        want = two_proportion_p(*(np.array([v]) for v in case))[0]
        assert cmp._two_proportion_p_large(*case) == pytest.approx(want, rel=1e-6)
    started = time.perf_counter()
    assert cmp._two_proportion_p_large(1, 10**12, 0, 10**12) == pytest.approx(1.0)
    assert time.perf_counter() - started < 5


# ------------------------------------------------------------------------------ strict JSON


def test_dumps_writes_no_nan_or_infinity_however_deep():
    import datetime

    import numpy as np

    doc = {"a": float("nan"), "b": {"c": [1.5, float("inf"), {"d": -float("inf")}]},
           "results": [{"x": np.float32("nan"), "y": np.int64(3), "z": np.float64("inf")}],
           "loglinear": {"ci_high": float("inf"), "n_hat": 50.0},
           "t": datetime.date(2024, 1, 2), "u": "x\udcff"}
    got = strict_json(dumps(doc))
    assert got == {"a": None, "b": {"c": [1.5, None, {"d": None}]},
                   "results": [{"x": None, "y": 3, "z": None}],
                   "loglinear": {"ci_high": None, "n_hat": 50.0}, "t": "2024-01-02",
                   "u": "x\\udcff"}
    dumps(doc).encode("utf-8")  # valid UTF-8: no lone surrogate reaches a file


def test_coverage_loglinear_infinite_interval_is_null(tmp_path):
    rows = "person_id;unit;event_date\n" + "".join(f"P{i};A;01.02.2023\n" for i in range(50))
    files = [write_text(tmp_path / f"{n}.csv", rows) for n in ("registry", "npr", "kreft")]
    result = run("coverage", files[0], "-r", files[1], "-r", files[2], "--mode", "linkage",
                 "-f", "json")
    assert result.exit_code in (0, 1), result.stderr
    doc = strict_json(result.stdout)
    assert doc["loglinear"] is not None and doc["loglinear"]["ci_high"] is None


def test_every_json_dq_writes_is_strict(tmp_path, reports):
    spec = EXAMPLE / "dq.toml"
    texts = [p.read_text(encoding="utf-8") for p in reports.values()]
    for command in ("completeness", "coverage", "reliability", "correctness"):
        result = run(command, "-s", spec, "-f", "json")
        assert result.exit_code in (0, 1), (command, result.stderr)
        texts.append(result.stdout)
    for args in (("compare", reports["before"], reports["after"], "-f", "json"),
                 ("compare", reports["before_suppressed"], reports["after"], "-f", "json",
                  "--suppress", "0"),
                 ("regrade", reports["before"], "--spec", spec)):
        result = run(*args)
        assert result.exit_code in (0, 1), result.stderr
        texts.append(result.stdout)
    for text in texts:
        strict_json(text)


def test_regrade_thresholds_that_json_cannot_hold():
    class FakeSpec:
        path = Path("dq.toml")

    spec: Any = FakeSpec()
    assert cmp._threshold(float("nan"), True, "kompletthet.x", spec) is None
    assert cmp._threshold(-float("inf"), True, "kompletthet.x", spec) is None  # never crossed
    assert cmp._threshold(float("inf"), False, "korrekthet.x", spec) is None
    assert cmp._threshold(0.8, True, "kompletthet.x", spec) == 0.8
    from dq.errors import ConfigError

    with pytest.raises(ConfigError, match="kompletthet.x"):
        cmp._threshold(float("inf"), True, "kompletthet.x", spec)  # every figure below it


def test_regrade_with_an_infinite_threshold_in_the_spec(tmp_path, small):
    spec = write_text(tmp_path / "dq.toml", '[dataset]\nfiles = ["gone.csv"]\n'
                                            '[checks."korrekthet"]\nfail_above = inf\n')
    result = run("regrade", small["path"], "--spec", spec)
    # refused as configuration, or applied as "no threshold": never Infinity in the output
    if result.exit_code == 2:
        assert result.stderr.startswith("dq: feil: ") and "Traceback" not in result.stderr
        assert english_in(result.stderr.removeprefix("dq: feil: ")) == [], result.stderr
    else:
        assert result.exit_code in (0, 1), result.stderr
        assert "Infinity" not in result.stdout
        strict_json(result.stdout)


def test_a_file_name_that_is_not_utf8_still_gives_valid_json(tmp_path, small):
    name = os.fsdecode(b"f\xf8r.json")  # Latin-1 "før.json" on a UTF-8 file system
    path = tmp_path / name
    path.write_bytes(small["path"].read_bytes())
    result = run("compare", path, small["path"], "-f", "json")
    assert result.exit_code == 0, result.stderr
    result.stdout.encode("utf-8")
    assert strict_json(result.stdout)["inputs"][0]["path"].endswith("f\\udcf8r.json")


# ------------------------------------------------------------------------------ determinism


def _without_times(doc: Any) -> Any:
    if isinstance(doc, dict):
        return {k: _without_times(v) for k, v in doc.items()
                if k not in ("run_started", "run_seconds")}
    if isinstance(doc, list):
        return [_without_times(v) for v in doc]
    return doc


def test_compare_and_regrade_are_byte_identical_between_runs(reports):
    for args in (("compare", reports["before"], reports["after"], "-f", "json"),
                 ("compare", reports["before"], reports["after"], "-f", "markdown"),
                 ("regrade", reports["before"], "--spec", EXAMPLE / "dq.toml")):
        first, second = run(*args), run(*args)
        assert first.exit_code in (0, 1), first.stderr
        assert first.stdout == second.stdout


def test_key_order_of_counts_is_fixed(reports):
    doc = strict_json(run("compare", reports["before"], reports["after"], "-f", "json").stdout)
    assert list(doc["counts"]) == [c for c in cmp.CHANGES if c in doc["counts"]]
    assert sum(doc["counts"].values()) == len(doc["results"])
    regraded = strict_json(run("regrade", reports["before"], "--spec", EXAMPLE / "dq.toml").stdout)
    from dq.report import STATUS_ORDER

    for dim in regraded["dimensions"]:
        assert list(dim["counts"]) == sorted(dim["counts"], key=STATUS_ORDER.__getitem__)


def test_report_is_identical_between_runs_but_for_its_times(tmp_path, reports):
    again = tmp_path / "again.json"
    assert run("report", EXAMPLE / "dq.toml", "--format", "json", "-o", again).exit_code in (0, 1)
    texts = [p.read_text(encoding="utf-8") for p in (reports["before"], again)]
    first, second = (strict_json(t) for t in texts)
    times = re.compile(r'"run_(started|seconds)": ("[^"]*"|[0-9.e+-]+)')
    assert times.sub("", texts[0]) == times.sub("", texts[1])  # byte-identical otherwise
    assert _without_times(first) == _without_times(second)
    for a, b in zip(first["dimensions"], second["dimensions"], strict=True):
        assert list(a["counts"]) == list(b["counts"])  # key order too, not only content


# ------------------------------------------------------------------------------ small cells


def _hidden(path: Path) -> set[tuple[str, str | None]]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    return {(r["id"], r["unit"]) for r in doc["results"] if r["suppressed"]}


def test_compare_hides_every_cell_a_report_hid_and_every_small_count(reports):
    hidden = _hidden(reports["before_suppressed"])
    assert hidden, "the example has small cells at 5"
    doc = _compare_json(reports["before_suppressed"], reports["after"])
    assert {(r["id"], r["unit"]) for r in doc["results"] if r["suppressed"]} >= hidden
    # without the report's suppression, the rule still hides every small numerator/denominator
    raw = json.loads(reports["before"].read_text(encoding="utf-8"))["results"]
    small = {(r["id"], r["unit"]) for r in raw if r["unit"] is not None
             and any(v is not None and 1 <= v < 5 for v in (r["numerator"], r["denominator"]))}
    published = cmp.published(cmp.load_result(reports["before"]), 5)
    assert {(r["id"], r["unit"]) for r in published if r["suppressed"]} >= small
    for row in published:
        if row["suppressed"]:
            assert all(row[k] is None for k in cmp.FIGURES)
    # and says that a result written without suppression cannot be hidden as exactly
    doc = _compare_json(reports["before"], reports["after"])
    assert any("written without small-cell suppression" in w for w in doc["warnings"])
    doc = _compare_json(reports["before_suppressed"], reports["before_suppressed"])
    assert not any("without small-cell suppression" in w for w in doc["warnings"])


def _compare_json(*args: Any) -> dict[str, Any]:
    result = run("compare", *args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return strict_json(result.stdout)


@pytest.mark.parametrize("pair", [("before", "after"), ("before_suppressed", "after"),
                                  ("after", "before_suppressed")])
def test_every_format_shows_the_same_hidden_cells(reports, trimmed, pair):
    a, b = trimmed[pair[0]], trimmed[pair[1]]
    doc = _compare_json(a, b)
    assert doc["suppression"]["min_count"] == 5
    hidden = [r for r in doc["results"] if r["suppressed"]]
    if "before_suppressed" in pair:
        assert {(r["id"], r["unit"]) for r in hidden} >= _hidden(reports["before_suppressed"])
    assert hidden
    for r in hidden:
        assert r["before"] is None and r["after"] is None, r
        for k in ("difference", "ci_low", "ci_high", "p_value", "p_adjusted"):
            assert r[k] is None, (k, r)
        assert r["change"] not in ("improved", "worsened")
    md = run("compare", a, b, "-f", "markdown", "--lang", "en").stdout
    table = run("compare", a, b, "--lang", "en", "--top", "5000", "--width", "250").stdout
    html = run("compare", a, b, "-f", "html", "--lang", "en").stdout
    shown = {"markdown": ("new_failure", "worsened", "resolved", "improved",
                          "persisting_failure", "added", "removed"),
             "table": ("new_failure", "worsened", "resolved", "improved", "persisting_failure")}
    shown["html"] = shown["markdown"]
    for fmt, lines in (("markdown", md.splitlines()), ("table", table.splitlines()),
                       ("html", html.split("<tr>"))):
        marked = [x for x in lines if "(suppressed)" in x]
        assert len(marked) == len([r for r in hidden if r["change"] in shown[fmt]]), fmt
        for line in marked:  # the row of a hidden cell shows no figure and no change
            assert not re.search(r"\d %|\d pp|\d\.\d{3}", line), (fmt, line)
    assert "Small cells: Counts from 1 to 4" in md and "Small cells: Counts from 1 to 4" in html


def test_the_small_cell_the_issue_saw_stays_hidden(reports, trimmed):
    """Before without suppression, after with: the before figure of Lovisenberg's
    Komplikasjonstype (a small cell) used to be shown by compare --format markdown."""
    reports = trimmed
    raw = json.loads(reports["before"].read_text(encoding="utf-8"))
    key = ("kompletthet.variabel.Komplikasjonstype", "Lovisenberg")
    assert key in _hidden(reports["before_suppressed"])
    figure = [r for r in raw["results"] if (r["id"], r["unit"]) == key][0]["estimate"]
    assert figure is not None
    shown = f"{100 * figure:.1f}".replace(".", ",") + " %"
    doc = _compare_json(reports["before"], reports["before_suppressed"])
    row = [r for r in doc["results"] if (r["id"], r["unit"]) == key][0]
    assert row["suppressed"] and row["before"] is None and row["numerator_before"] is None
    md = run("compare", reports["before"], reports["before_suppressed"], "-f", "markdown").stdout
    assert not any(shown in x for x in md.splitlines() if "Lovisenberg" in x)
    # --suppress 0 shows what no rule hides (the option works) …
    doc = _compare_json(reports["before"], reports["after"], "--suppress", "0")
    row = [r for r in doc["results"] if (r["id"], r["unit"]) == key][0]
    assert not row["suppressed"] and row["before"] == pytest.approx(figure)
    # … but never what a result hid itself
    doc = _compare_json(reports["before"], reports["before_suppressed"], "--suppress", "0")
    row = [r for r in doc["results"] if (r["id"], r["unit"]) == key][0]
    assert row["suppressed"] and row["after"] is None and row["before"] is None
    assert row["difference"] is None


def test_suppress_rule_follows_the_stricter_input(trimmed, tmp_path):
    reports = trimmed
    doc = json.loads(reports["before_suppressed"].read_text(encoding="utf-8"))
    doc["manifest"]["suppression"]["min_count"] = 10
    ten = write_text(tmp_path / "ten.json", json.dumps(doc))
    got = _compare_json(ten, reports["after"])
    assert got["suppression"]["min_count"] == 10
    assert _compare_json(ten, reports["after"], "--suppress", "3")["suppression"]["min_count"] == 3


# ------------------------------------------------------------------------------ markup in names

HOSTILE_NAMES = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "a|b|c",
                 "`code`", "line\nbreak", "[/bold]", "[link=javascript:x]y[/link]",
                 "\x1b[31mred\x1b[0m", "* _x_ ~y~ [z](javascript:alert(1))", "# heading",
                 "\u202egnp.exe", "- item"]


@pytest.fixture(scope="module")
def hostile_names(small, tmp_path_factory) -> Path:
    doc = copy.deepcopy(small["doc"])
    units = sorted({r["unit"] for r in doc["results"] if r["unit"]})
    rename = {u: HOSTILE_NAMES[i % len(HOSTILE_NAMES)] + f" {i}" for i, u in enumerate(units)}
    for row in doc["results"]:
        if row["unit"]:
            row["unit"] = rename[row["unit"]]
        row["title"] = "<img src=x onerror=alert(1)>|" + row["title"]
        if isinstance(row.get("values"), dict) and "variable" in row["values"]:
            row["values"]["variable"] = "<img src=y onerror=alert(2)>|`v`\n"  # the title's
        else:
            row.pop("definition", None)  # the stored (hostile) title
        row["status"] = "fail"
    doc["registry"] = "<script>alert('registry')</script>"
    return write_text(tmp_path_factory.mktemp("names") / "names `x` <b>.json",
                      json.dumps(doc, ensure_ascii=False))


def test_names_cannot_inject_markdown_or_html(hostile_names, small):
    md = run("compare", hostile_names, hostile_names, "-f", "markdown")
    assert md.exit_code == 0, md.stderr
    for bad in ("<script", "<img", "<b>", "\x1b", "\u202e"):
        assert bad not in md.stdout, bad
    assert not re.search(r"(?<!\\)\]\(javascript", md.stdout)
    rows = [x for x in md.stdout.splitlines() if x.startswith("| ") and "onerror" in x]
    assert rows
    for line in rows:  # seven columns: eight unescaped pipes
        assert len(re.findall(r"(?<!\\)\|", line)) == 8, line
    html = run("compare", hostile_names, hostile_names, "-f", "html")
    assert html.exit_code == 0 and "<script" not in html.stdout and "<img" not in html.stdout


def test_names_cannot_break_the_terminal(hostile_names, small):
    result = run("compare", hostile_names, hostile_names, "--top", "100", "--width", "200")
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert "[/bold]" in result.stdout  # shown as text, not read as Rich markup


def test_md_cell_and_plain():
    assert md_cell("St. Olavs") == "St. Olavs"
    assert md_cell("<script>") == "&lt;script&gt;"
    assert md_cell("a|b") == "a\\|b"
    assert md_cell("a\nb") == "a\\\\nb"  # a visible \n, its backslash escaped
    assert md_cell("`x`") == "\\`x\\`"
    assert md_cell("- x") == "\\- x" and md_cell("1. x") == "1\\. x" and md_cell("# x") == "\\# x"
    assert md_cell("&amp;") == "&amp;amp;"
    assert plain("a\x1b[2Jb\r\n\t\x00\u202e\u2028\ud800") == \
        "a\\x1b[2Jb\\r\\n\\t\\x00\\u202e\\u2028\\ud800"
    assert plain("Tromsø – Ålesund") == "Tromsø – Ålesund"
    assert plain(None) == ""


def test_huge_numbers_on_the_command_line(small):
    # Out of range: a usage error (exit 2) naming the option, never a crash or a hang.
    huge = str(10**30)
    for option in ("--top", "--suppress"):
        result = run("compare", small["path"], small["path"], option, huge)
        assert result.exit_code == 2 and option in result.stderr, result.stderr
    doc = _compare_json(small["path"], small["path"], "--suppress", "10000")
    counted = {(r["id"], r["unit"]) for r in small["doc"]["results"] if r["unit"] is not None
               and any(v is not None and v >= 1 for v in (r["numerator"], r["denominator"]))}
    hidden = {(r["id"], r["unit"]) for r in doc["results"] if r["suppressed"]}
    assert counted and counted <= hidden  # every count is below the rule: every unit row hides


def test_json_writes_no_raw_control_or_bidi_character():
    text = dumps({"variable": "Merknad\x1b[2J\x07\x7f\u009b6n\u202eLDP\u2028x\u200b",
                  "results": [{"unit": "St. Olavs\u2066"}]})
    assert not re.search("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]",
                         text.replace("\n", ""))
    assert strict_json(text)["variable"] == "Merknad\x1b[2J\x07\x7f\u009b6n\u202eLDP\u2028x\u200b"
