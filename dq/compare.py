"""Before and after: two ``dq report`` results compared check by check (and unit by unit).

For each check id × unit present in both results:
  * proportions (numerator/denominator): the difference after − before with Newcombe's hybrid
    score interval (Newcombe 1998, Stat Med 17:873–890, method 10; statsmodels
    ``confint_proportions_2indep(method="newcomb")``) and a two-proportion test — pooled z, or
    Fisher's exact test when an expected count is below 5;
  * estimates with a standard error (κ, α, AC1, …): the difference with a Wald interval
    d ± 1.96 √(SE₁² + SE₂²) and its z test (SE taken from the CI, (high − low) / 3.92, when a
    result carries none);
  * full counts (a national share of units or columns: tilslutning, the funnel and shift counts,
    relevans; definitions with ``enumeration``): the difference itself, with no CI and no test —
    nothing was sampled, so 16 of 29 columns becoming 26 of 29 is the change, not an estimate
    of one (``dq report`` gives these rows no CI either);
  * other figures (counts, days): the difference, without a test.
Significance: national rows at α = 0.05 each; unit rows with Holm's adjustment across the units
of one check (Holm 1979). ``change`` is new_failure, resolved, persisting_failure (by status),
else improved / worsened (significant, in the check's direction; a full count: any change in
the check's direction, no test) or unchanged; checks only in one result are added or removed —
except a unit's funnel outlier or shift row, which exists only while the unit stands out: gone
in the follow-up it is resolved, new in it worsened (or new_failure when it fails).

``regrade`` applies a spec's thresholds to a stored result without reading any data.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from dq._callable import make_callable
from dq.stats import holm, two_proportion_p
from dq.checks.model import thresholds_for, too_small
from dq.grading import status
from dq.publish import family
from dq.errors import ConfigError, InputError
from dq.messages import Message
from dq.render.text import encodable, plain
from dq.spec import Spec
from dq.stats import Z_95

CHANGES = ("new_failure", "resolved", "persisting_failure", "unchanged", "improved", "worsened",
           "added", "removed")
ALPHA = 0.05
DEFAULT_SUPPRESS = 5  # domain.md "Privacy": counts below 5 are shown as "<5"
MAX_BYTES = 512 * 2**20  # far above any report result; a bigger file is not one
MAX_SUPPRESS = 2**62  # a larger rule hides every count just the same (and fits in Int64)
MAX_DEPTH = 32  # a report result nests 4 deep
FIGURES = ("numerator", "denominator", "estimate", "ci_low", "ci_high", "se")
COMMANDS = ("completeness", "coverage", "reliability", "correctness", "compare")
_VERSION = re.compile(r"^[0-9][0-9A-Za-z.+!-]{0,39}$")


@dataclass(frozen=True)
class Result:
    path: Path
    doc: dict[str, Any]

    @property
    def rows(self) -> list[dict[str, Any]]:
        return self.doc["results"]

    @property
    def min_count(self) -> int | None:
        """The small-cell rule the stored result was written with (None: not suppressed)."""
        n = self.doc["manifest"]["suppression"]["min_count"]
        return int(n) if n is not None else None


# ------------------------------------------------------------------------------ reading


class _Invalid(Exception):
    """The first problem in a stored result: where (a JSON path) and what, never the value."""

    def __init__(self, where: str, what: str) -> None:
        super().__init__(where, what)
        self.where, self.what = where, what


def load_result(path: Path) -> Result:
    """A stored ``dq report`` result, checked against the report schema before anything reads
    it. Every problem is an InputError (exit 3) naming the file and the JSON path of the first
    problem, never the offending value (a tampered file may hold patient data anywhere)."""
    name = plain(path)
    hint = Message("compare.hint")

    def bad(key: str, /, **params: Any) -> InputError:
        return InputError(Message(key, file=name, hint=hint, **params))

    if not path.exists():
        raise bad("compare.no_file")
    if path.is_dir():
        raise bad("compare.folder")
    if not path.is_file():
        raise bad("compare.not_regular")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise bad("compare.too_large", mib=MAX_BYTES // 2**20)
        data = path.read_bytes()
    except OSError as exc:
        raise bad("compare.unreadable", why=exc.strerror or type(exc).__name__) from None
    except MemoryError:
        raise bad("compare.memory") from None
    if not data.strip():
        raise bad("compare.empty")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:4] in (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00"):
        raise bad("compare.utf16")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise bad("compare.not_utf8", byte=exc.start + 1) from None
    try:
        doc = json.loads(text, parse_int=_parse_int)
    except RecursionError:
        raise bad("compare.nested") from None
    except json.JSONDecodeError as exc:
        raise bad("compare.not_json", line=exc.lineno, column=exc.colno,
                  reason=_json_reason(exc.msg)) from None
    except (ValueError, MemoryError):
        raise bad("compare.json_too_big") from None
    del text, data
    if not isinstance(doc, dict):
        raise InputError(Message("compare.not_object", file=name, kind=_kind(doc)))
    command = doc.get("command")
    if command != "report":
        what = (Message("compare.other_command", command=command)
                if isinstance(command, str) and command in COMMANDS
                else Message("compare.command_kind", kind=_kind(command)))
        raise InputError(Message("compare.not_report", file=name, what=what))
    version = doc.get("schema_version")
    if version != 1 or isinstance(version, bool):
        what = (Message("compare.schema_unknown", version=version)
                if isinstance(version, int) and not isinstance(version, bool)
                and abs(version) < 10**6 else Message("compare.schema_kind", kind=_kind(version)))
        raise InputError(Message("compare.schema", file=name, what=what))
    try:
        _check_values(doc)
        _check_schema(doc, _schema(), _schema(), "")
        _check_rows(doc)
    except _Invalid as invalid:
        raise bad("compare.invalid", where=invalid.where or Message("compare.top_level"),
                  what=invalid.what) from None
    return Result(path, doc)


# json's reasons, in the run's language (never the character it stopped at: it is data)
_JSON_REASONS = {"Expecting ',' delimiter": "compare.json.comma",
                 "Expecting ':' delimiter": "compare.json.colon",
                 "Expecting value": "compare.json.value",
                 "Extra data": "compare.json.extra",
                 "Unterminated string starting at": "compare.json.string",
                 "Expecting property name enclosed in double quotes": "compare.json.name",
                 "Invalid control character": "compare.json.control",
                 "Invalid \\uXXXX escape": "compare.json.unicode_escape",
                 "Invalid \\escape": "compare.json.escape"}


def _json_reason(msg: str) -> Message:
    for start, key in _JSON_REASONS.items():
        if msg.startswith(start):
            return Message(key)
    return Message("compare.json.other")


def _parse_int(text: str) -> int | float:
    # Python refuses integers of more than 4,300 digits with a ValueError that names no place:
    # anything beyond the float range becomes infinity, which _check_values reports by path.
    return int(text) if len(text) <= 310 else math.inf


def _kind(value: Any) -> str:
    """What a JSON value is, in words (never the value itself)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return Message("compare.kind.boolean")
    if isinstance(value, int | float):
        return Message("compare.kind.number")
    if isinstance(value, str):
        return Message("compare.kind.text")
    if isinstance(value, list):
        return Message("compare.kind.array")
    if isinstance(value, dict):
        return Message("compare.kind.object")
    return type(value).__name__


@cache
def _schema() -> dict[str, Any]:
    return json.loads((Path(__file__).parent / "schemas" / "report.schema.json")
                      .read_text(encoding="utf-8"))


@cache
def _known_keys() -> frozenset[str]:
    """Key names the schema declares: these may appear in a message; other keys are numbered."""
    keys: set[str] = {"regraded_with"}
    todo: list[Any] = [_schema()]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            keys.update(node.get("properties", {}))
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return frozenset(keys)


def _key_path(where: str, key: str, position: int) -> str:
    if key in _known_keys():
        return f"{where}.{key}" if where else key
    return f"{where}.(key {position + 1})" if where else f"(key {position + 1})"


def _check_values(doc: Any) -> None:
    """Walk the whole document (iteratively): no nesting deeper than a result has, no number
    that is not finite (NaN, Infinity, 1e400), no text that is not valid Unicode."""
    todo: list[tuple[Any, str, int]] = [(doc, "", 0)]
    while todo:
        value, where, depth = todo.pop()
        if depth > MAX_DEPTH:
            raise _Invalid(where, Message("compare.deep", depth=MAX_DEPTH))
        if isinstance(value, dict):
            items = []
            for i, (k, v) in enumerate(value.items()):
                here = _key_path(where, k, i)
                if not encodable(k):
                    raise _Invalid(here, Message("compare.key_unicode"))
                items.append((v, here, depth + 1))
            todo.extend(reversed(items))
        elif isinstance(value, list):
            todo.extend(reversed([(v, f"{where}[{i}]", depth + 1) for i, v in enumerate(value)]))
        elif isinstance(value, str):
            if not encodable(value):
                raise _Invalid(where, Message("compare.text_unicode"))
        elif isinstance(value, float | int) and not isinstance(value, bool):
            if not _finite(value):
                raise _Invalid(where, Message("compare.not_finite"))


def _finite(value: float | int) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an int beyond the float range
        return False


_TYPE_WORDS = {"string": "compare.kind.text", "number": "compare.kind.number",
               "integer": "compare.kind.integer", "boolean": "compare.kind.true_false",
               "object": "compare.kind.object", "array": "compare.kind.array",
               "null": "compare.kind.null"}


def _either(kinds: list[str]) -> Message:
    """The JSON types a schema node allows, in words: "a number or null"."""
    words = [Message(_TYPE_WORDS[k]) for k in kinds]
    out = words[0]
    for word in words[1:]:
        out = Message("compare.either", first=out, second=word)
    return out


def _type_ok(value: Any, kind: str) -> bool:
    if kind == "null":
        return value is None
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "integer":
        return (isinstance(value, int | float) and not isinstance(value, bool)
                and float(value).is_integer())
    if kind == "string":
        return isinstance(value, str)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    return True


def _check_schema(value: Any, node: dict[str, Any], root: dict[str, Any], where: str) -> None:
    """The subset of JSON Schema that report.schema.json uses: $ref, type, const, enum, pattern,
    minimum, required, properties, additionalProperties, items, minItems, maxItems."""
    if "$ref" in node:
        target: Any = root
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        _check_schema(value, target, root, where)
        return
    here = where or Message("compare.top_level")
    if "type" in node:
        kinds = node["type"] if isinstance(node["type"], list) else [node["type"]]
        if not any(_type_ok(value, k) for k in kinds):
            raise _Invalid(here, Message("compare.expected", what=_either(kinds),
                                         got=_kind(value)))
    if "const" in node and (value != node["const"] or isinstance(value, bool)):
        raise _Invalid(here, Message("compare.expected", what=json.dumps(node["const"]),
                                     got=_kind(value)))
    if "enum" in node and (not isinstance(value, str) or value not in node["enum"]):
        got = Message("compare.kind.other_text") if isinstance(value, str) else _kind(value)
        raise _Invalid(here, Message("compare.expected_one_of", values=node["enum"], got=got))
    if "pattern" in node and isinstance(value, str) and not re.search(node["pattern"], value):
        raise _Invalid(here, Message("compare.pattern", pattern=node["pattern"]))
    if ("minimum" in node and isinstance(value, int | float) and not isinstance(value, bool)
            and value < node["minimum"]):
        raise _Invalid(here, Message("compare.minimum", minimum=node["minimum"]))
    if isinstance(value, dict):
        for key in node.get("required", []):
            if key not in value:
                raise _Invalid(_key_path(where, key, 0), Message("compare.missing"))
        props = node.get("properties", {})
        extra = node.get("additionalProperties")
        for i, (key, v) in enumerate(value.items()):
            if key in props:
                _check_schema(v, props[key], root, _key_path(where, key, i))
            elif isinstance(extra, dict):
                _check_schema(v, extra, root, _key_path(where, key, i))
    if isinstance(value, list):
        if "minItems" in node and len(value) < node["minItems"]:
            raise _Invalid(here, Message("compare.min_items", least=node["minItems"],
                                         got=len(value)))
        if "maxItems" in node and len(value) > node["maxItems"]:
            raise _Invalid(here, Message("compare.max_items", most=node["maxItems"],
                                         got=len(value)))
        if "items" in node:
            for i, v in enumerate(value):
                _check_schema(v, node["items"], root, f"{where}[{i}]")


def _check_rows(doc: dict[str, Any]) -> None:
    """What the schema cannot say: one row per check and unit, versions that are versions."""
    for where, version in (("dq_version", doc["dq_version"]),
                           ("manifest.dq_version", doc["manifest"]["dq_version"])):
        if not _VERSION.match(version):
            raise _Invalid(where, Message("compare.version"))
    seen: dict[tuple[str, str | None], int] = {}
    for i, row in enumerate(doc["results"]):
        key = (row["id"], row["unit"])
        if key in seen:
            raise _Invalid(f"results[{i}]", Message("compare.second_row", first=seen[key]))
        seen[key] = i
        if row["id"].split(".", 1)[0] != row["dimension"]:
            raise _Invalid(f"results[{i}].dimension", Message("compare.dimension"))


def check_pair(before: Result, after: Result) -> list[str]:
    """Refuse results of different registries or schemas; warn of other differences."""
    b_name, a_name = plain(before.path), plain(after.path)
    if before.doc["schema_version"] != after.doc["schema_version"]:
        raise InputError(Message("compare.schema_versions", before=b_name, after=a_name,
                                 version_before=before.doc["schema_version"],
                                 version_after=after.doc["schema_version"]))
    if before.doc.get("registry") != after.doc.get("registry"):
        raise InputError(Message("compare.registries", before=b_name, after=a_name))
    warnings: list[str] = []
    mb, ma = before.doc["manifest"], after.doc["manifest"]
    if mb["dq_version"] != ma["dq_version"]:
        # validated in load_result: version numbers, never free text
        warnings.append(Message("compare.versions", before=mb["dq_version"],
                                after=ma["dq_version"]))
    if (mb.get("spec") or {}).get("sha256") != (ma.get("spec") or {}).get("sha256"):
        warnings.append(Message("compare.specs"))
    # The export is expected to change between runs; a reference, a study, the unit table or
    # the codebook changing under it is worth a word (the manifest lists them after the export).
    inputs_b = {Path(str(i.get("path"))).name: i.get("sha256") for i in mb.get("inputs", [])[1:]}
    changed_inputs = sorted(name for i in ma.get("inputs", [])[1:]
                            if (name := Path(str(i.get("path"))).name) in inputs_b
                            and inputs_b[name] != i.get("sha256"))
    if changed_inputs:
        warnings.append(Message("compare.inputs_changed", n=len(changed_inputs),
                                names=[plain(n) for n in changed_inputs[:8]]))
    thresholds_b = {(r["id"], r["unit"]): (r["warn"], r["fail"]) for r in before.rows}
    changed = sorted({r["id"] for r in after.rows
                      if (r["id"], r["unit"]) in thresholds_b
                      and thresholds_b[(r["id"], r["unit"])] != (r["warn"], r["fail"])})
    if changed:
        warnings.append(Message("compare.thresholds_changed", n=len(changed),
                                ids=[plain(c) for c in changed[:8]],
                                more=" …" if len(changed) > 8 else ""))
    return warnings


def manifest(result: Result) -> dict[str, Any]:
    """The stored manifest with only the keys the schema declares (nothing else passes through)."""
    keys = ("dq_version", "spec", "inputs", "run_started", "run_seconds", "suppression",
            "regraded_with")
    return {k: result.doc["manifest"][k] for k in keys if k in result.doc["manifest"]}


# ------------------------------------------------------------------------------ small cells


def suppression_n(before: Result, after: Result, requested: int | None) -> int | None:
    """The small-cell rule of a comparison: ``--suppress N`` if given (0: none beyond what the
    results hid themselves), else the stricter of the results' own rules and the default 5."""
    if requested is not None:
        n = requested if requested >= 2 else None
    else:
        n = max([DEFAULT_SUPPRESS] + [n for n in (before.min_count, after.min_count) if n])
    return min(n, MAX_SUPPRESS) if n is not None else None


def published(result: Result, n: int | None) -> list[dict[str, Any]]:
    """The rows of a stored result as they may be published under the rule "counts below n are
    hidden" (dq.privacy: primary suppression of unit rows, secondary among the units of one
    check): rows the result hid stay hidden, and every hidden row has its figures set to null
    and ``suppressed`` true. Compare works on these rows only, so no renderer can show (or sort
    by, or test with) a hidden figure."""
    rows = result.rows
    stored = [bool(r.get("suppressed")) for r in rows]
    hidden = list(stored)
    if n is not None and n >= 2 and rows:
        from dq.privacy import suppress

        def count(row: dict[str, Any], key: str, was_hidden: bool) -> int:
            if was_hidden:
                return 1  # hidden in the stored result: hidden here too (1 is below any n ≥ 2)
            v = _number(row.get(key))
            return 0 if v is None or not -2**62 < v < 2**62 else int(v)

        from dq.checks.registry import DEFINITIONS

        def level(row: dict[str, Any]) -> str:
            if row["unit"] is not None:
                return "unit"
            d = DEFINITIONS.get(str(row.get("definition")))
            # a count of units or columns is no count of patients: never hidden
            return "enumeration" if d is not None and d.enumeration else "national"

        levels = [level(r) for r in rows]

        def counts(key: str) -> list[int]:
            return [count(r, key, h) if h or lv != "enumeration" else 0
                    for r, h, lv in zip(rows, stored, levels, strict=True)]

        df = pl.DataFrame({
            "level": levels,
            "id": [r["id"] for r in rows],
            "__num": counts("numerator"),
            "__den": counts("denominator"),
        }, schema={"level": pl.String, "id": pl.String, "__num": pl.Int64, "__den": pl.Int64})
        df = suppress(df, ["__num", "__den"], n, period=["id"], has_units=False)
        # a national row too: when it is small, or a lone hidden unit could be recovered from it
        marked = pl.col("__num__hidden") | pl.col("__den__hidden")
        new = df.select(marked.fill_null(False)).to_series().to_list()
        hidden = [h or bool(m) for h, m in zip(stored, new, strict=True)]
        # A unit hidden in one check is hidden in every check drawn from the same counts (the
        # report's families: a variable's completeness and its funnel, say).
        families = {(family(r["id"]), r["unit"]) for r, h in zip(rows, hidden, strict=True)
                    if h and r["unit"] is not None}
        hidden = [h or (r["unit"] is not None and (family(r["id"]), r["unit"]) in families)
                  for r, h in zip(rows, hidden, strict=True)]
    out = []
    for row, hide in zip(rows, hidden, strict=True):
        row = dict(row)
        if hide:
            row.update({k: None for k in FIGURES}, figure=None, suppressed=True)
        else:
            row["suppressed"] = False
        out.append(row)
    return out


def suppression_warnings(before: Result, after: Result, n: int | None) -> list[str]:
    """A result written without suppression lacks the counts some figures were made from (the
    report hides a row for any small one): compare can hide only what the stored numerators and
    denominators show."""
    if n is None:
        return []
    return [Message("compare.unsuppressed", file=plain(r.path.name), min=n)
            for r in ([before] if before.path == after.path else [before, after])
            if r.min_count is None]


def suppression_rule(n: int | None) -> dict[str, Any]:
    from dq.privacy import rule

    return {"min_count": n, "rule": rule(n) if n else None}


# ------------------------------------------------------------------------------ comparing


def _number(value: Any) -> float | None:
    """A finite float, or None (load_result refused anything else; this is belt and braces)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        v = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return v if math.isfinite(v) else None


def _is_proportion(row: dict[str, Any]) -> bool:
    num, den, est = (_number(row.get(k)) for k in ("numerator", "denominator", "estimate"))
    return (num is not None and den is not None and est is not None and 0 < den <= 2**53
            and 0 <= num <= den and abs(num / den - est) < 1e-9)


def _se(row: dict[str, Any]) -> float | None:
    se = _number(row.get("se"))
    if se is not None:
        return abs(se)
    low, high = _number(row.get("ci_low")), _number(row.get("ci_high"))
    if low is not None and high is not None:
        se = (high - low) / (2 * Z_95)
        return abs(se) if math.isfinite(se) else None
    return None


def enumeration(row: dict[str, Any]) -> bool:
    """A national row that counts units or columns (a full enumeration, not a sample: its
    definition says so). Unit rows count a unit's records, and are tested as samples."""
    if row.get("unit") is not None:
        return False
    from dq.checks.registry import DEFINITIONS

    d = DEFINITIONS.get(str(row.get("definition")))
    if d is None and not row.get("definition"):
        # a result without definitions (older dq): the longest definition its id starts with
        cid = str(row.get("id") or "")
        ids = [k for k in DEFINITIONS if cid == k or cid.startswith(k + ".")]
        d = DEFINITIONS[max(ids, key=len)] if ids else None
    return d is not None and d.enumeration


FULL_COUNT = "full count: the difference itself, no CI or test"


def _difference(b: dict[str, Any], a: dict[str, Any]) -> dict[str, Any]:
    from scipy.stats import norm
    from statsmodels.stats.proportion import confint_proportions_2indep

    est_a, est_b = _number(a.get("estimate")), _number(b.get("estimate"))
    diff = est_a - est_b if est_a is not None and est_b is not None else None
    out: dict[str, Any] = {"difference": diff, "ci_low": None, "ci_high": None, "p_value": None,
                           "method": None}
    if diff is None or not math.isfinite(diff):
        out["difference"] = None
        return out
    if enumeration(b) and enumeration(a):
        # the same share written twice (33/34, then 33/34) is no change, whatever the float says
        if _is_proportion(b) and _is_proportion(a) and (
                float(a["numerator"]) * float(b["denominator"])
                == float(b["numerator"]) * float(a["denominator"])):
            out["difference"] = 0.0
        out["method"] = FULL_COUNT
        return out
    if _is_proportion(b) and _is_proportion(a):
        x1, n1, x2, n2 = (int(round(float(v))) for v in (a["numerator"], a["denominator"],
                                                         b["numerator"], b["denominator"]))
        with np.errstate(all="ignore"):
            low, high = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb",
                                                   compare="diff")
            p = (float(two_proportion_p(np.array([x2]), np.array([n2]), np.array([x1]),
                                        np.array([n1]))[0])
                 if n1 + n2 <= LARGE_N else _two_proportion_p_large(x2, n2, x1, n1))
        out.update(ci_low=_number(low), ci_high=_number(high), p_value=_number(p),
                   method="Newcombe hybrid score CI; z or Fisher's exact test")
        return out
    se_b, se_a = _se(b), _se(a)
    if se_b is not None and se_a is not None and (se_a > 0 or se_b > 0):
        se = math.hypot(se_a, se_b)  # no overflow where se² would
        if math.isfinite(se):
            out.update(ci_low=_number(diff - Z_95 * se), ci_high=_number(diff + Z_95 * se),
                       p_value=_number(2 * norm.sf(abs(diff) / se)),
                       method="Wald CI and z test from the two SEs")
    return out


LARGE_N = 10**7  # scipy's fisher_exact takes time linear in n: 10¹² (a tampered file) never ends


def _two_proportion_p_large(x1: int, n1: int, x2: int, n2: int) -> float:
    """``two_proportion_p`` for one pair of large counts, in bounded time: the same choice
    (pooled z, or Fisher's exact test when an expected count is below 5), with Fisher's two-sided
    p summed over the hypergeometric support directly (as scipy does, relative tolerance 1e-7)."""
    from scipy.stats import hypergeom, norm

    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    small = min(pooled * n1, (1 - pooled) * n1, pooled * n2, (1 - pooled) * n2) < 5
    if x1 * n2 == x2 * n1:
        return 1.0
    total, k = n1 + n2, x1 + x2
    low, high = max(0, n1 + k - total), min(n1, k)
    if not small or high - low > 10**6:
        return float(2 * norm.sf(abs(x2 / n2 - x1 / n1) / se)) if se > 0 else 1.0
    support = np.arange(low, high + 1)
    logp = hypergeom.logpmf(support, total, k, n1)
    observed = hypergeom.logpmf(x1, total, k, n1)
    return float(min(1.0, np.exp(logp[logp <= observed + math.log1p(1e-7)]).sum()))


SCHEMA = {"id": pl.String, "dimension": pl.String, "title": pl.String, "unit": pl.String,
          "direction": pl.String, "status_before": pl.String, "status_after": pl.String,
          "before": pl.Float64, "after": pl.Float64, "numerator_before": pl.Float64,
          "denominator_before": pl.Float64, "numerator_after": pl.Float64,
          "denominator_after": pl.Float64, "difference": pl.Float64, "ci_low": pl.Float64,
          "ci_high": pl.Float64, "p_value": pl.Float64, "p_adjusted": pl.Float64,
          "method": pl.String, "enumeration": pl.Boolean, "suppressed": pl.Boolean,
          "source": pl.String}
INTERNAL = ("source",)  # for rendering only: not part of the JSON contract
TITLE_FIELDS = ("definition", "params", "values", "period")


def _title_source(row: dict[str, Any]) -> str:
    """What a stored row's title is made of (its definition and the values the title names),
    as JSON text; the values both as an object (``values``) and as JSON text (``params``)."""
    source = {k: row[k] for k in TITLE_FIELDS if k in row}
    if isinstance(source.get("values"), dict) and not isinstance(source.get("params"), str):
        source["params"] = json.dumps(source["values"], ensure_ascii=False, sort_keys=True)
    return json.dumps(source, ensure_ascii=False, sort_keys=True)


def compare(before: Result, after: Result, suppress: int | None = None) -> pl.DataFrame:
    """Every check id × unit of the two results, compared. ``suppress``: the small-cell rule
    (see ``published``); rows either result hid are always hidden."""
    b_rows = {(r["id"], r["unit"]): r for r in published(before, suppress)}
    a_rows = {(r["id"], r["unit"]): r for r in published(after, suppress)}
    keys = list(dict.fromkeys([*b_rows, *a_rows]))
    records = []
    for key in keys:
        b, a = b_rows.get(key), a_rows.get(key)
        row = a or b
        assert row is not None
        rec: dict[str, Any] = {
            "id": key[0], "dimension": row["dimension"], "title": row["title"], "unit": key[1],
            "direction": row["direction"],
            "status_before": b["status"] if b else None, "status_after": a["status"] if a else None,
            "before": _number(b["estimate"]) if b else None,
            "after": _number(a["estimate"]) if a else None,
            "numerator_before": _number(b.get("numerator")) if b else None,
            "denominator_before": _number(b.get("denominator")) if b else None,
            "numerator_after": _number(a.get("numerator")) if a else None,
            "denominator_after": _number(a.get("denominator")) if a else None,
            "difference": None, "ci_low": None, "ci_high": None, "p_value": None,
            "p_adjusted": None, "method": None,
            "enumeration": enumeration(row),
            "suppressed": bool((b and b["suppressed"]) or (a and a["suppressed"])),
            # for the renderers' titles in the report's language: what the stored row says its
            # title is made of (results of older dq versions have the English title only)
            "source": _title_source(row),
        }
        if rec["suppressed"]:
            # hidden in either result: the whole change row is hidden (both exports may hold
            # mostly the same records, so one side's figure would reveal the other's)
            rec.update({k: None for k in ("before", "after", "numerator_before",
                                          "denominator_before", "numerator_after",
                                          "denominator_after")})
        elif b and a:
            rec.update(_difference(b, a))
        records.append(rec)
    df = pl.DataFrame(records, schema=SCHEMA, orient="row")
    # Holm across the units of each check; national rows keep their own p.
    adjusted = np.full(df.height, np.nan)
    p = df["p_value"].fill_null(np.nan).to_numpy(allow_copy=True).astype(float)
    is_unit = df["unit"].is_not_null().to_numpy()
    ids = df["id"].to_numpy()
    for cid in np.unique(ids[is_unit]):
        idx = np.flatnonzero(is_unit & (ids == cid) & ~np.isnan(p))
        if idx.size:
            adjusted[idx] = holm(p[idx])
    nat = ~is_unit & ~np.isnan(p)
    adjusted[nat] = p[nat]
    df = df.with_columns(pl.Series("p_adjusted", adjusted).fill_nan(None))
    return df.with_columns(_change().alias("change")).select(
        *(c for c in SCHEMA if c not in ("suppressed", *INTERNAL)), "change", "suppressed",
        *INTERNAL)


def counts(df: pl.DataFrame) -> dict[str, int]:
    """Rows per change, in the fixed order of CHANGES (never the order of a hash table)."""
    got = {r["change"]: int(r["count"]) for r in df["change"].value_counts().iter_rows(named=True)}
    return {c: got[c] for c in CHANGES if got.get(c)}


def _change() -> pl.Expr:
    before, after = pl.col("status_before"), pl.col("status_after")
    significant = (pl.col("p_adjusted") <= ALPHA).fill_null(False)
    better = pl.when(pl.col("direction") == "higher_is_better").then(pl.col("difference") > 0) \
        .otherwise(pl.col("difference") < 0)
    # A full count (units, columns) has no test: any change is real, and counts by its direction.
    counted = pl.col("enumeration") & (pl.col("difference") != 0).fill_null(False)
    # A funnel outlier or a shift is a unit row that exists only while the unit stands out:
    # gone in the follow-up, the finding is resolved; new in it, the unit got worse.
    finding = (pl.col("unit").is_not_null()
               & pl.col("id").str.starts_with("sammenlignbarhet.trakt.")
               | pl.col("unit").is_not_null()
               & pl.col("id").str.starts_with("sammenlignbarhet.skift."))
    return (pl.when(before.is_null() & finding & (after == "fail")).then(pl.lit("new_failure"))
            .when(before.is_null() & finding).then(pl.lit("worsened"))
            .when(after.is_null() & finding).then(pl.lit("resolved"))
            .when(before.is_null()).then(pl.lit("added"))
            .when(after.is_null()).then(pl.lit("removed"))
            .when((after == "fail") & (before == "fail")).then(pl.lit("persisting_failure"))
            .when(after == "fail").then(pl.lit("new_failure"))
            .when(before == "fail").then(pl.lit("resolved"))
            .when((significant | counted) & better).then(pl.lit("improved"))
            .when((significant | counted) & ~better).then(pl.lit("worsened"))
            .otherwise(pl.lit("unchanged")))


def regressed(df: pl.DataFrame) -> bool:
    return bool(df["change"].is_in(["new_failure", "worsened"]).any())


# ------------------------------------------------------------------------------ regrade


def _threshold(value: float | None, higher: bool, check_id: str, spec: Spec) -> float | None:
    """A threshold as regrade applies it: NaN, and an infinity no figure can cross, mean no
    threshold (null, as JSON has no infinity); an infinity every figure crosses is refused."""
    if value is None or isinstance(value, bool):
        return value
    v = float(value)
    if math.isnan(v) or (math.isinf(v) and (v < 0) == higher):
        return None
    if math.isinf(v):
        raise ConfigError(Message("compare.infinite_threshold", file=plain(spec.path),
                                  check=plain(check_id)))
    return value


def regrade(result: Result, spec: Spec) -> dict[str, Any]:
    """The result with the spec's [checks] thresholds applied and statuses recomputed."""
    from dq.report import STATUS_ORDER, dimensions

    doc = json.loads(json.dumps(result.doc))
    hidden_changed = 0
    for row in doc["results"]:
        if not row.get("graded", True):
            continue  # the check set its own status (optional variable, funnel outlier, …)
        higher = row["direction"] == "higher_is_better"
        base = spec_defaults(spec, row["id"])
        d_warn, d_fail = base if base is not None else (row["warn"], row["fail"])
        warn, fail = thresholds_for(spec, row["id"], higher, d_warn, d_fail)
        warn, fail = (_threshold(warn, higher, row["id"], spec),
                      _threshold(fail, higher, row["id"], spec))
        small = too_small(row.get("definition") or row["id"], row["unit"], row["denominator"],
                          spec.min_n)
        if row.get("suppressed"):
            # The figure is hidden in the stored result (dq report --suppress): under the same
            # thresholds its status stands; under new ones it cannot be graded, and saying so
            # is right where keeping the old status under the new thresholds would not be.
            if (warn, fail) != (row["warn"], row["fail"]):
                row["warn"], row["fail"], row["status"] = warn, fail, "not_assessed"
                hidden_changed += 1
            continue
        row["warn"], row["fail"] = warn, fail
        if row["status"] in ("pass", "warn", "fail", "info", "not_assessed"):
            row["status"] = status(row["estimate"], warn, fail, higher, small)
    table = pl.DataFrame([{k: r[k] for k in ("id", "dimension", "status")}
                          for r in doc["results"]],
                         schema={"id": pl.String, "dimension": pl.String, "status": pl.String},
                         orient="row")
    # counts in the fixed status order (never a hash table's): identical runs, identical bytes
    doc["dimensions"] = [{**d, "counts": dict(sorted(d["counts"].items(),
                                                     key=lambda kv: (STATUS_ORDER.get(kv[0], 99),
                                                                     kv[0])))}
                         for d in dimensions(table)]
    doc["manifest"]["regraded_with"] = {"path": str(spec.path), "sha256": spec.sha256}
    if hidden_changed:
        doc.setdefault("warnings", []).append(Message("compare.regrade_hidden", n=hidden_changed))
    return doc


def spec_defaults(spec: Spec, check_id: str) -> tuple[float | None, float | None] | None:
    """The thresholds a report would take from the spec's own sections for this check."""
    parts = check_id.split(".")
    if parts[:2] == ["kompletthet", "variabel"] and ".".join(parts[2:]) in spec.variables:
        t = spec.variables[".".join(parts[2:])].thresholds
        return t.warn_below, t.fail_below
    if check_id == "kompletthet.records":
        return spec.record_thresholds.warn_below, spec.record_thresholds.fail_below
    if check_id == "kompletthet.dekningsgrad":
        return spec.coverage.target, spec.coverage.low
    if parts[0] == "reliabilitet" and len(parts) >= 3:
        rt = spec.reliability.thresholds.get(parts[-1])
        return (rt.warn_below, rt.fail_below) if rt else (None, None)
    if check_id == "aktualitet.registrering":
        t = spec.timeliness.thresholds
        return t.warn_below, t.fail_below
    if check_id.startswith("korrekthet.validering.") or check_id == "korrekthet.pasienter":
        t = spec.correctness.thresholds
        return t.warn_below, t.fail_below
    return None


def run(before: Result, after: Result, suppress: int | None = None
        ) -> tuple[pl.DataFrame, list[str], int | None]:
    """The published change rows of two results, the warnings about the pair, and the
    suppression rule applied (``dq compare`` and ``dq.compare``)."""
    warnings = check_pair(before, after)
    n = suppression_n(before, after, suppress)
    warnings += suppression_warnings(before, after, n)
    return compare(before, after, n), warnings, n


def to_json(df: pl.DataFrame, before: Result, after: Result, before_path: Path,
            after_path: Path, warnings: list[str], n: int | None) -> str:
    """What ``dq compare --format json`` writes."""
    import dq
    from dq.render import compare as render
    from dq.render.envelope import dumps, rows

    return dumps({"dq_version": dq.__version__, "schema_version": 1, "command": "compare",
                  "registry": after.doc.get("registry"),
                  "inputs": [{"role": "before", "path": str(before_path),
                              "manifest": manifest(before)},
                             {"role": "after", "path": str(after_path),
                              "manifest": manifest(after)}],
                  "method": render.method_text("en"), "alpha": ALPHA,
                  "adjustment": "holm (unit rows, within each check)",
                  "suppression": suppression_rule(n), "counts": counts(df),
                  "results": rows(df.drop(INTERNAL)), "warnings": warnings})


make_callable(__name__)  # dq.compare(...) calls dq.api.compare

