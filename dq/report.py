"""``dq report``: every check the spec configures, organised by the six dimensions, in the order
of the annual-report template: Kompletthet (tilslutning → dekningsgrad → variabelkompletthet) →
Korrekthet → Reliabilitet → Aktualitet → Sammenlignbarhet → Relevans.

Each dimension gets a verdict — fail if any of its checks fails, warn if any warns, pass, or not
assessed with what would assess it. The registry export is scanned lazily; completeness is
counted once per unit and year, and funnel plots, shift detection and value verification are
derived from those counts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import polars as pl

from dq._callable import make_callable
from dq import dimensions as dimensions_mod
from dq.checks.model import DIMENSIONS, Check, frame
from dq.dimensions.context import span
from dq.grading import RANK, worst
from dq.io import Source, SourceInfo
from dq.messages import Message
from dq.spec import Spec

SCHEMA_VERSION = 1
STATUS_ORDER = RANK  # the one ranking of statuses (dq.grading)

NOT_ASSESSED = {
    "kompletthet": "set [dataset] files (and [coverage] references for dekningsgrad)",
    "korrekthet": "declare variables with codes or ranges, [verification] rules, or a "
                  "[correctness] study against the medical record",
    "reliabilitet": "add an inter-rater study: [reliability] study, case and rater",
    "aktualitet": "name the registration timestamp: [timeliness] created (or closed), and "
                  "[dataset] event_date",
    "sammenlignbarhet": "set [dataset] unit and event_date, so units and years can be compared",
    "relevans": "declare [variables.*] with uses = [...]",
}


@dataclass
class Report:
    spec: Spec
    inputs: list[SourceInfo]
    checks: pl.DataFrame
    dimensions: list[dict[str, Any]]
    figures: dict[str, pl.DataFrame]
    started: str
    seconds: float
    registry: str | None
    warnings: list[str] = field(default_factory=list)
    # Set by dq.publish: counts below this are hidden in every format (None: nothing hidden).
    suppressed_below: int | None = None
    year: int | None = None  # the report year; None: every year pooled
    years: list[int] = field(default_factory=list)  # years with finished records
    registrations: pl.DataFrame | None = None  # finished records per year (national)
    tilslutning: pl.DataFrame | None = None  # reporting units per RHF in the report year
    # Per funnel figure (same key), its control limits over a grid of denominators, for
    # renderers to draw without computing: columns n, lo95, hi95, lo998, hi998. No unit in it.
    limits: dict[str, pl.DataFrame] = field(default_factory=dict)

    @property
    def period(self) -> str | None:
        return str(self.year) if self.year is not None else span(self.years)

    @property
    def failed(self) -> bool:
        return bool((self.checks["status"] == "fail").any())

    @property
    def warned(self) -> bool:
        return bool((self.checks["status"] == "warn").any())


def _unused_rules(spec: Spec, ids: list[str]) -> list[str]:
    """A [checks."…"] entry that names no check of this run (a misspelt variable in the id,
    a check id that does not exist) sets no threshold: said, with the nearest id, rather than
    ignored. (A variable the export lacks is named by its own warning.)"""
    import difflib

    out: list[str] = []
    for key in spec.checks:
        if any(i == key or i.startswith(key + ".") for i in ids):
            continue
        close = difflib.get_close_matches(key, ids, n=1, cutoff=0.6)
        out.append(Message("report.unused_check_rule", key=key,
                           closest=Message("report.closest_check", id=close[0]) if close else ""))
    return out


def run(spec: Spec, source: Source, units, *, references=None, study=None,  # noqa: ANN001
        validation=None, year: int | str | None = None,
        inputs: list[SourceInfo] | None = None) -> Report:
    """Compute every configured check. ``references``, ``study`` and ``validation`` are the
    already-opened sources of [coverage], [reliability] and [correctness].

    ``year``: the report year (an annual report for year Y describes Y). Checks of the
    registry's state — coverage, completeness, verification, timeliness, ids — are graded on Y
    and carry Y−1 and the national figure of every year (the trend); shifts and code changes
    compare consecutive years. None: the latest year with a finished record (or [report] year);
    "all": every year pooled.

    The work is the dimensions' (``dq.dimensions``): this builds their shared context and
    concatenates what each assesses."""
    start = time.perf_counter()
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    # An export in a database is read once (the columns the spec names), not once per check.
    from dq.io.database import read_once

    source = read_once(source, set(spec.referenced_columns()) if spec.variables else None)
    ctx = dimensions_mod.build(spec, source, units, references=references, study=study,
                               validation=validation, year=year)
    checks: list[Check] = []
    figures: dict[str, pl.DataFrame] = {}
    limits: dict[str, pl.DataFrame] = {}
    warnings: list[str] = []
    for module in dimensions_mod.MODULES.values():
        part = module.assess(ctx)
        checks += part.checks
        figures.update(part.figures)
        limits.update(part.limits)
        warnings += part.warnings
    table = frame(checks, spec, spec.min_n)
    warnings += _unused_rules(spec, table["id"].unique().to_list())
    registrations = None
    if ctx.by_year:
        registrations = (ctx.national_records.filter(pl.col("year").is_not_null())
                         .group_by("year").agg(pl.col("n_records").sum().alias("n_finished"))
                         .sort("year"))
    til = ctx.coverage.tilslutning if ctx.coverage is not None else None
    return Report(spec=spec, inputs=[*source.infos, *(inputs or [])], checks=table,
                  dimensions=dimensions(table), figures=figures, started=started,
                  seconds=time.perf_counter() - start, registry=spec.dataset.name,
                  warnings=warnings, year=ctx.report_year, years=ctx.years,
                  registrations=registrations, limits=limits,
                  tilslutning=til.filter(pl.col("rhf") != "National") if til is not None
                  else None)


def open_studies(spec: Spec, scan: Any = None) -> dict[str, Any]:
    """The sources the spec names beside the export, opened for ``run``: the coverage
    references, the inter-rater study (as computed agreement) and the validation study, plus
    ``inputs``, what was read of each (for the manifest), unit table and codebook included.
    ``scan`` opens one file (default ``dq.io.scan``; the CLI passes its own, which names the
    file in errors)."""
    from dq import reliability as rel
    from dq.io import scan as io_scan
    from dq.outputs import reading

    scan = scan or (lambda path: io_scan(path, export=False))
    inputs: list[SourceInfo] = []
    references = [scan(p) for p in spec.coverage.references] or None
    for r in references or []:
        inputs += r.infos
    study = None
    if spec.reliability.study is not None:
        rs = spec.reliability
        src = scan(rs.study)
        inputs += src.infos
        with reading(str(rs.study)):
            ratings = rel.ratings(src, spec, case=rs.case or "case", rater=rs.rater or "rater")
        study = rel.compute(ratings, rs.thresholds)
    validation = None
    if spec.correctness.study is not None:
        from dq import correctness as corr

        src = scan(spec.correctness.study)
        inputs += src.infos
        validation = corr.read_long(src)
    for path in (spec.units.path if spec.units is not None else None, spec.dataset.codebook):
        if path is not None:
            inputs += scan(path).infos
    return {"references": references, "study": study, "validation": validation,
            "inputs": inputs}


# The core checks of each dimension (domain.md): a dimension passes only when these ran.
CORE: dict[str, tuple[tuple[str, str], ...]] = {
    # dimension: (check id or id prefix, the key of what is missing, in dq.messages WORDS)
    "kompletthet": (("kompletthet.dekningsgrad", "dekningsgrad"),
                    ("kompletthet.variabel.", "variabelkompletthet")),
    "korrekthet": (("korrekthet.verdier.", "verdier"), ("korrekthet.duplikater", "duplikater"),
                   ("korrekthet.validering.", "validering")),
    "reliabilitet": (("reliabilitet.", "interrater"),),
    "aktualitet": (("aktualitet.registrering", "registrering"),),
    "sammenlignbarhet": (("sammenlignbarhet.trakt.", "trakt"),),
    "relevans": (("relevans.bruk", "bruk"),),
}


def dimensions(table: pl.DataFrame) -> list[dict[str, Any]]:
    """Each dimension's verdict: fail or warn when a check does; pass only when every core check
    of the dimension ran (else ``partially_assessed``, naming what is missing); not assessed when
    nothing was graded."""
    out = []
    ids = table["id"].to_list()
    for dim in DIMENSIONS:
        part = table.filter(pl.col("dimension") == dim)
        missing = [what for prefix, what in CORE[dim]
                   if not any(i == prefix or (prefix.endswith(".") and i.startswith(prefix))
                              for i in ids)]
        verdict = worst(part["status"].to_list())
        if verdict == "pass" and missing:
            verdict = "partially_assessed"
        statuses = part["status"].to_list()
        out.append({
            "id": dim, "verdict": verdict,
            "checks": part.height,
            # In the fixed order of STATUS_ORDER: identical runs give identical JSON.
            "counts": {s: statuses.count(s) for s in STATUS_ORDER if s in statuses},
            "not_assessed_reason": NOT_ASSESSED[dim] if verdict == "not_assessed" else None,
            "missing": missing if verdict != "not_assessed" else [],
        })
    return out


make_callable(__name__)  # dq.report(...) calls dq.api.report
