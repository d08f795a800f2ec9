"""The data-quality chapter: what a published ``dq report`` says, in the order a reader needs it.

A layout step shared by the terminal, Markdown and HTML renderers. It computes no statistic: it
arranges the rows of a report that ``dq.publish`` has already passed through small-cell
suppression —

- per dimension the verdict, one key figure (with its CI and period) and the counts behind one
  plain sentence, where a *check* is one check id (a variable's completeness, a date order …)
  and the units it flags are counted separately, never check × unit rows;
- the findings: each check that fails or warns, nationally or in a unit, with those units;
- the passing checks, one line per family (the checks of one definition);
- for reliability one headline statistic per variable, chosen by its level (``headline``);
- per unit, the checks it fails or warns on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from dq.grading import RANK, worst

Row = dict[str, Any]


def params(row: Row) -> dict[str, Any]:
    """A check's values: JSON text in the report's frame, an object in a stored result."""
    if isinstance(row.get("values"), dict):
        return row["values"]
    return json.loads(row["params"]) if row.get("params") else {}


@dataclass
class Finding:
    """One check (one id; for reliability one variable) that fails or warns somewhere."""

    row: Row  # the national row, or the first unit row when the check has none
    status: str  # the worst of the national row and its units
    units: list[Row] = field(default_factory=list)  # unit rows that fail or warn, worst first
    beside: list[Row] = field(default_factory=list)  # reliability: agreement, AC1 …
    paradox: bool = False  # reliability: κ low while the raters agree


@dataclass
class Family:
    """The passing checks of one definition, said in one line."""

    definition: str
    rows: list[Row]  # their national rows (or first rows)
    info: int = 0  # checks of the family shown for information only (not graded)


@dataclass
class Dimension:
    id: str
    verdict: str
    missing: list[str]
    key: Row | None  # the key figure's row
    checks: int  # checks (reliability: variables) in the dimension
    counts: dict[str, int]  # per status, of checks
    units: int  # distinct units flagged (fail or warn) by any check of the dimension
    findings: list[Finding]
    passing: list[Family]
    reliability: list[Finding] = field(default_factory=list)  # every variable's headline
    raw: dict[str, Any] = field(default_factory=dict)  # the report's dimension entry


@dataclass
class UnitView:
    unit: str
    failing: list[Row]
    warning: list[Row]


@dataclass
class Chapter:
    dimensions: list[Dimension]
    units: list[UnitView]  # units with at least one failing or warning check, worst first
    units_clean: int  # units whose every check passed


# The key figure of a dimension: the first definition here with a graded national row; else the
# worst national row of the dimension (for reliability: the worst headline statistic).
KEY = {
    "kompletthet": ("kompletthet.dekningsgrad", "kompletthet.records"),
    "korrekthet": ("korrekthet.pasienter",),
    "aktualitet": ("aktualitet.registrering", "aktualitet.ferskhet"),
    "relevans": ("relevans.bruk",),
}

# The headline statistic by level when the spec names none for a variable (Landis & Koch for
# κ; weighted κ with quadratic weights for ordinal codes, Fleiss & Cohen 1973; ICC(2,1), the
# two-way random, single-rater agreement form, Koo & Li 2016).
HEADLINE = {
    "nominal": ("cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "gwet_ac1"),
    "ordinal": ("weighted_kappa_spec", "weighted_kappa_quadratic", "weighted_kappa_linear",
                "krippendorff_alpha", "gwet_ac2"),
    "interval": ("icc_2_1", "icc_1_1", "icc_3_1", "krippendorff_alpha"),
}
PARADOX_BESIDE = ("gwet_ac1", "gwet_ac2", "pabak")


def level_of(statistics: list[str]) -> str:
    """A variable's level, from the statistics its level gave it (dq.reliability.STATISTICS)."""
    if any(s.startswith("icc_") for s in statistics):
        return "interval"
    if any(s.startswith("weighted_kappa") or s == "gwet_ac2" for s in statistics):
        return "ordinal"
    return "nominal"


def headline(statistics: list[str], chosen: list[str]) -> str:
    """The statistic a variable is reported by: the first the spec sets thresholds for
    (``chosen``, in the spec's order) that the variable has; else the default of its level."""
    for stat in chosen:
        if stat in statistics and stat != "percent_agreement":
            return stat
    for stat in HEADLINE[level_of(statistics)]:
        if stat in statistics:
            return stat
    return next((s for s in statistics if s != "percent_agreement"), statistics[0])


def _rank(row: Row) -> tuple[int, float]:
    est = row.get("estimate")
    higher = row.get("direction") == "higher_is_better"
    value = 0.0 if est is None else (est if higher else -est)
    return RANK.get(row["status"], 9), value


def _reliability(part: pl.DataFrame, chosen: list[str]) -> list[Finding]:
    out = []
    rows = part.to_dicts()
    by_var: dict[str, list[Row]] = {}
    for row in rows:
        by_var.setdefault(params(row)["variable"], []).append(row)
    for vrows in by_var.values():
        stats = {params(r)["statistic"]: r for r in vrows}
        head = stats[headline(list(stats), chosen)]
        paradox = any(params(r).get("paradox") for r in vrows)
        beside = [stats[s] for s in ("percent_agreement",) if s in stats and s != head]
        if paradox:
            beside += [stats[s] for s in PARADOX_BESIDE if s in stats][:1]
        flagged = [r for r in vrows if r["status"] in ("fail", "warn") and r is not head]
        beside += [r for r in flagged if r not in beside]
        graded = any(r["status"] in ("fail", "warn", "pass") for r in vrows)
        status = worst([r["status"] for r in vrows]) if graded else head["status"]
        out.append(Finding(head, status, beside=beside, paradox=paradox))
    return out


def build(report, chosen: list[str] | None = None) -> Chapter:  # noqa: ANN001
    """The chapter of a published report. ``chosen``: the statistics the spec sets reliability
    thresholds for, in its order (the spec's choice of headline)."""
    if chosen is None:
        chosen = list(report.spec.reliability.thresholds) if report.spec is not None else []
    checks = report.checks
    dims = []
    for d in report.dimensions:
        part = checks.filter(pl.col("dimension") == d["id"])
        findings: list[Finding] = []
        families: dict[str, Family] = {}
        heads: list[Finding] = []
        if d["id"] == "reliabilitet":
            heads = _reliability(part, chosen)
            for f in heads:
                if f.status in ("fail", "warn"):
                    findings.append(f)
                else:
                    fam = families.setdefault("reliabilitet", Family("reliabilitet", []))
                    if f.status == "pass":
                        fam.rows.append(f.row)
                    else:
                        fam.info += 1
            statuses = [f.status for f in heads]
            units = 0
        else:
            statuses = []
            flagged_units: set[str] = set()
            for (_cid,), group in part.group_by("id", maintain_order=True):
                rows = group.to_dicts()
                national = [r for r in rows if r["unit"] is None]
                unit_rows = sorted((r for r in rows if r["unit"] is not None
                                    and r["status"] in ("fail", "warn")),
                                   key=lambda r: (*_rank(r), r["unit"]))
                head = national[0] if national else rows[0]
                status = worst([head["status"], *(r["status"] for r in unit_rows)])
                if status == "not_assessed":
                    status = head["status"]
                statuses.append(status)
                flagged_units |= {r["unit"] for r in unit_rows}
                if status in ("fail", "warn"):
                    findings.append(Finding(head, status, unit_rows))
                else:
                    fam = families.setdefault(head["definition"], Family(head["definition"], []))
                    if status == "pass":
                        fam.rows.append(head)
                    else:
                        fam.info += 1
            units = len(flagged_units)
        findings.sort(key=lambda f: RANK.get(f.status, 9))
        counts = {s: statuses.count(s) for s in RANK if s in statuses}
        dims.append(Dimension(d["id"], d["verdict"], list(d.get("missing") or []),
                              _key(d["id"], part, heads), len(statuses), counts, units,
                              findings, [f for f in families.values() if f.rows or f.info],
                              heads, d))
    return Chapter(dims, *_units(checks))


def _key(dim: str, part: pl.DataFrame, heads: list[Finding]) -> Row | None:
    if dim == "reliabilitet":
        graded = [f.row for f in heads if f.row["status"] in ("fail", "warn", "pass")]
        return min(graded, key=_rank) if graded else None
    national = part.filter(pl.col("unit").is_null(), pl.col("estimate").is_not_null())
    for definition in KEY.get(dim, ()):
        rows = national.filter(pl.col("definition") == definition,
                               pl.col("status").is_in(["fail", "warn", "pass"]))
        if rows.height:
            return rows.row(0, named=True)
    graded = national.filter(pl.col("status").is_in(["fail", "warn", "pass"])).to_dicts()
    return min(graded, key=_rank) if graded else None


def _units(checks: pl.DataFrame) -> tuple[list[UnitView], int]:
    unit_rows = checks.filter(pl.col("unit").is_not_null())
    views = []
    clean = 0
    for (unit,), group in unit_rows.group_by("unit", maintain_order=True):
        rows = group.to_dicts()
        failing = [r for r in rows if r["status"] == "fail"]
        warning = [r for r in rows if r["status"] == "warn"]
        if failing or warning:
            views.append(UnitView(str(unit), failing, warning))
        else:
            clean += 1
    views.sort(key=lambda v: (-len(v.failing), -len(v.warning), v.unit))
    return views, clean


def funnel_key(check_id: str) -> str | None:
    """The figure key (``dq.report`` figures) of a funnel check."""
    prefix = "sammenlignbarhet.trakt."
    return "funnel_" + check_id[len(prefix):] if check_id.startswith(prefix) else None


def top_findings(chap: Chapter, limit: int) -> tuple[list[tuple[str, Finding]], int]:
    """The findings a terminal has room for: first the worst finding of every dimension, then
    failing checks before any warning, the dimensions taken in turn so none uses up the room."""
    queues = {d.id: list(d.findings) for d in chap.dimensions}
    picked: list[tuple[str, Finding]] = []
    for dim, q in queues.items():
        if q and len(picked) < limit:
            picked.append((dim, q.pop(0)))
    for level in ("fail", "warn"):
        while len(picked) < limit and any(q and q[0].status == level for q in queues.values()):
            for dim, q in queues.items():
                if q and q[0].status == level and len(picked) < limit:
                    picked.append((dim, q.pop(0)))
    order = {d.id: i for i, d in enumerate(chap.dimensions)}
    picked.sort(key=lambda p: (order[p[0]], RANK.get(p[1].status, 9)))
    return picked, sum(len(q) for q in queues.values())
