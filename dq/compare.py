"""Before and after: two ``dq report`` results compared check by check (and unit by unit).

For each check id × unit present in both results:
  * proportions (numerator/denominator): the difference after − before with Newcombe's hybrid
    score interval (Newcombe 1998, Stat Med 17:873–890, method 10; statsmodels
    ``confint_proportions_2indep(method="newcomb")``) and a two-proportion test — pooled z, or
    Fisher's exact test when an expected count is below 5;
  * estimates with a standard error (κ, α, AC1, …): the difference with a Wald interval
    d ± 1.96 √(SE₁² + SE₂²) and its z test (SE taken from the CI, (high − low) / 3.92, when a
    result carries none);
  * other figures (counts, days): the difference, without a test.
Significance: national rows at α = 0.05 each; unit rows with Holm's adjustment across the units
of one check (Holm 1979). ``change`` is new_failure, resolved, persisting_failure (by status),
else improved / worsened (significant, in the check's direction) or unchanged; checks only in
one result are added or removed.

``regrade`` applies a spec's thresholds to a stored result without reading any data.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from dq.checks.comparability import holm, two_proportion_p
from dq.checks.model import status_of, thresholds_for
from dq.errors import InputError
from dq.spec import Spec
from dq.stats import Z_95

CHANGES = ("new_failure", "resolved", "persisting_failure", "unchanged", "improved", "worsened",
           "added", "removed")
ALPHA = 0.05


@dataclass(frozen=True)
class Result:
    path: Path
    doc: dict[str, Any]

    @property
    def rows(self) -> list[dict[str, Any]]:
        return self.doc["results"]


def load_result(path: Path) -> Result:
    if not path.is_file():
        raise InputError(f"{path}: no such file; pass the JSON written by dq report --format json")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InputError(f"{path}: not JSON; pass the file written by dq report --format json") \
            from None
    if not isinstance(doc, dict) or doc.get("command") != "report" or "results" not in doc:
        what = doc.get("command") if isinstance(doc, dict) else None
        raise InputError(f"{path}: not a dq report result"
                         + (f" (it is a dq {what} result)" if what else "")
                         + "; run dq report --format json")
    if doc.get("schema_version") != 1:
        raise InputError(f"{path}: schema_version {doc.get('schema_version')!r} is not one this dq "
                         "reads (1); regenerate it with this version of dq")
    return Result(path, doc)


def check_pair(before: Result, after: Result) -> list[str]:
    """Refuse results of different registries or schemas; warn of other differences."""
    if before.doc["schema_version"] != after.doc["schema_version"]:
        raise InputError(f"{before.path} and {after.path} have different schema versions "
                         f"({before.doc['schema_version']} and {after.doc['schema_version']})")
    if before.doc.get("registry") != after.doc.get("registry"):
        raise InputError(f"{before.path} is for {before.doc.get('registry')!r} but {after.path} is "
                         f"for {after.doc.get('registry')!r}; compare results of one registry")
    warnings = []
    mb, ma = before.doc.get("manifest", {}), after.doc.get("manifest", {})
    if mb.get("dq_version") != ma.get("dq_version"):
        warnings.append(f"the results come from different dq versions ({mb.get('dq_version')} "
                        f"and {ma.get('dq_version')})")
    if (mb.get("spec") or {}).get("sha256") != (ma.get("spec") or {}).get("sha256"):
        warnings.append("the results were made with different specs (spec sha256 differs)")
    thresholds_b = {(r["id"], r["unit"]): (r["warn"], r["fail"]) for r in before.rows}
    changed = sorted({r["id"] for r in after.rows
                      if (r["id"], r["unit"]) in thresholds_b
                      and thresholds_b[(r["id"], r["unit"])] != (r["warn"], r["fail"])})
    if changed:
        warnings.append(f"{len(changed)} check(s) have different thresholds: "
                        + ", ".join(changed[:8]) + (" …" if len(changed) > 8 else ""))
    return warnings


def _is_proportion(row: dict[str, Any]) -> bool:
    num, den, est = row.get("numerator"), row.get("denominator"), row.get("estimate")
    return (num is not None and den is not None and est is not None and den > 0
            and 0 <= num <= den and abs(num / den - est) < 1e-9)


def _se(row: dict[str, Any]) -> float | None:
    if row.get("se") is not None:
        return float(row["se"])
    if row.get("ci_low") is not None and row.get("ci_high") is not None:
        return (row["ci_high"] - row["ci_low"]) / (2 * Z_95)
    return None


def _difference(b: dict[str, Any], a: dict[str, Any]) -> dict[str, Any]:
    from scipy.stats import norm
    from statsmodels.stats.proportion import confint_proportions_2indep

    diff = (a["estimate"] - b["estimate"]
            if a.get("estimate") is not None and b.get("estimate") is not None else None)
    out: dict[str, Any] = {"difference": diff, "ci_low": None, "ci_high": None, "p_value": None,
                           "method": None}
    if diff is None:
        return out
    if _is_proportion(b) and _is_proportion(a):
        x1, n1, x2, n2 = (int(round(v)) for v in (a["numerator"], a["denominator"],
                                                  b["numerator"], b["denominator"]))
        low, high = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff")
        p = float(two_proportion_p(np.array([x2]), np.array([n2]), np.array([x1]),
                                   np.array([n1]))[0])
        out.update(ci_low=float(low), ci_high=float(high), p_value=p,
                   method="Newcombe hybrid score CI; z or Fisher's exact test")
        return out
    se_b, se_a = _se(b), _se(a)
    if se_b is not None and se_a is not None and (se_a > 0 or se_b > 0):
        se = math.sqrt(se_a**2 + se_b**2)
        out.update(ci_low=diff - Z_95 * se, ci_high=diff + Z_95 * se,
                   p_value=float(2 * norm.sf(abs(diff) / se)),
                   method="Wald CI and z test from the two SEs")
    return out


def compare(before: Result, after: Result) -> pl.DataFrame:
    b_rows = {(r["id"], r["unit"]): r for r in before.rows}
    a_rows = {(r["id"], r["unit"]): r for r in after.rows}
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
            "before": b["estimate"] if b else None, "after": a["estimate"] if a else None,
            "numerator_before": b.get("numerator") if b else None,
            "denominator_before": b.get("denominator") if b else None,
            "numerator_after": a.get("numerator") if a else None,
            "denominator_after": a.get("denominator") if a else None,
            "difference": None, "ci_low": None, "ci_high": None, "p_value": None,
            "p_adjusted": None, "method": None,
        }
        if b and a:
            rec.update(_difference(b, a))
        records.append(rec)
    schema = {"id": pl.String, "dimension": pl.String, "title": pl.String, "unit": pl.String,
              "direction": pl.String, "status_before": pl.String, "status_after": pl.String,
              "before": pl.Float64, "after": pl.Float64, "numerator_before": pl.Float64,
              "denominator_before": pl.Float64, "numerator_after": pl.Float64,
              "denominator_after": pl.Float64, "difference": pl.Float64, "ci_low": pl.Float64,
              "ci_high": pl.Float64, "p_value": pl.Float64, "p_adjusted": pl.Float64,
              "method": pl.String}
    df = pl.DataFrame(records, schema=schema, orient="row")
    # Holm across the units of each check; national rows keep their own p.
    adjusted = np.full(df.height, np.nan)
    p = df["p_value"].to_numpy(allow_copy=True).astype(float)
    is_unit = df["unit"].is_not_null().to_numpy()
    ids = df["id"].to_numpy()
    for cid in np.unique(ids[is_unit]):
        idx = np.flatnonzero(is_unit & (ids == cid) & ~np.isnan(p))
        if idx.size:
            adjusted[idx] = holm(p[idx])
    nat = ~is_unit & ~np.isnan(p)
    adjusted[nat] = p[nat]
    df = df.with_columns(pl.Series("p_adjusted", adjusted).fill_nan(None))
    return df.with_columns(_change().alias("change"))


def _change() -> pl.Expr:
    before, after = pl.col("status_before"), pl.col("status_after")
    significant = (pl.col("p_adjusted") <= ALPHA).fill_null(False)
    better = pl.when(pl.col("direction") == "higher_is_better").then(pl.col("difference") > 0) \
        .otherwise(pl.col("difference") < 0)
    return (pl.when(before.is_null()).then(pl.lit("added"))
            .when(after.is_null()).then(pl.lit("removed"))
            .when((after == "fail") & (before == "fail")).then(pl.lit("persisting_failure"))
            .when(after == "fail").then(pl.lit("new_failure"))
            .when(before == "fail").then(pl.lit("resolved"))
            .when(significant & better).then(pl.lit("improved"))
            .when(significant & ~better).then(pl.lit("worsened"))
            .otherwise(pl.lit("unchanged")))


def regressed(df: pl.DataFrame) -> bool:
    return bool(df["change"].is_in(["new_failure", "worsened"]).any())


def regrade(result: Result, spec: Spec) -> dict[str, Any]:
    """The result with the spec's [checks] thresholds applied and statuses recomputed."""
    from dq.report import dimensions

    doc = json.loads(json.dumps(result.doc))
    for row in doc["results"]:
        if not row.get("graded", True):
            continue  # the check set its own status (optional variable, funnel outlier, …)
        higher = row["direction"] == "higher_is_better"
        base = spec_defaults(spec, row["id"])
        d_warn, d_fail = base if base is not None else (row["warn"], row["fail"])
        warn, fail = thresholds_for(spec, row["id"], higher, d_warn, d_fail)
        small = (row["unit"] is not None and row["denominator"] is not None
                 and row["denominator"] < spec.min_n)
        if row.get("suppressed"):
            continue  # the figure is hidden in the stored result: its status stays
        row["warn"], row["fail"] = warn, fail
        if row["status"] in ("pass", "warn", "fail", "info", "not_assessed"):
            row["status"] = status_of(row["estimate"], higher, warn, fail, small)
    table = pl.DataFrame([{k: r[k] for k in ("dimension", "status")} for r in doc["results"]],
                         schema={"dimension": pl.String, "status": pl.String}, orient="row")
    doc["dimensions"] = dimensions(table)
    doc["manifest"]["regraded_with"] = {"path": str(spec.path), "sha256": spec.sha256}
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
