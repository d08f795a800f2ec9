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
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from typing import Any

import polars as pl

from dq import completeness as comp
from dq.checks import comparability, relevance, timeliness, verification
from dq.checks.model import DIMENSIONS, Check, frame
from dq.conditions import with_conditions
from dq.errors import ConfigError
from dq.grouping import resolve
from dq.io import Source, SourceInfo
from dq.io.values import as_date, as_text
from dq.spec import Spec

SCHEMA_VERSION = 1
STATUS_ORDER = {"fail": 0, "warn": 1, "pass": 2, "info": 3, "not_assessed": 4}

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

    @property
    def failed(self) -> bool:
        return bool((self.checks["status"] == "fail").any())

    @property
    def warned(self) -> bool:
        return bool((self.checks["status"] == "warn").any())


def _export_date(spec: Spec) -> date | None:
    if not spec.dataset.export_date:
        return None
    try:
        return date.fromisoformat(spec.dataset.export_date)
    except ValueError:
        raise ConfigError(f"{spec.path}: [dataset] export_date {spec.dataset.export_date!r} is not "
                          "an ISO date (YYYY-MM-DD)") from None


def run(spec: Spec, source: Source, units, *, references=None, study=None,  # noqa: ANN001, C901
        validation=None) -> Report:
    """Compute every configured check. ``references``, ``study`` and ``validation`` are the
    already-opened sources of [coverage], [reliability] and [correctness]."""
    start = time.perf_counter()
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    columns = source.columns
    names = units.names() if units is not None else {}
    checks: list[Check] = []
    figures: dict[str, pl.DataFrame] = {}
    warnings: list[str] = []
    export_date = _export_date(spec)
    min_n = spec.min_n

    present = {k: v for k, v in spec.variables.items() if k in columns}
    spec_present = replace(spec, variables=present) if spec.variables else spec
    ds = spec.dataset
    keys = [k for k, ok in (("unit", ds.unit), ("year", ds.event_date)) if ok]

    # ---- Kompletthet: coverage and tilslutning
    if references:
        from dq import coverage as cov

        cs, rc = spec.coverage, spec.coverage.reference
        reg_cols = cov.RegistryColumns(person=ds.person_id or "person_id", unit=ds.unit or "unit",
                                       date=ds.event_date or "event_date",
                                       date_format=ds.date_format)
        ref_cols = cov.ReferenceColumns(
            person=rc.person_id or ds.person_id or "person_id", unit=rc.unit or ds.unit or "unit",
            date=rc.event_date or ds.event_date or "event_date", n=rc.n or "n",
            year=rc.year or "year", code_group=rc.code_group, code_groups=rc.code_groups,
            date_format=rc.date_format)
        opts = cov.Options(mode=cs.mode or "aggregate", keys=("unit",), window=cs.window,
                           same_unit=cs.same_unit, target=cs.target, low=cs.low,
                           fail_on=cs.fail_on, count=cs.count, include=cs.include,
                           min_n=cs.min_n if cs.min_n is not None else min_n)
        res = cov.compute(source, references, spec_present, units, reg_cols, ref_cols, opts)
        warnings += res.warnings
        til = res.tilslutning.filter(pl.col("rhf") == "National").row(0, named=True)
        checks.append(Check.proportion(
            "kompletthet.tilslutning", "kompletthet.tilslutning", til["units_reporting"],
            til["units_in_reference"], default_warn=1.0, default_fail=0.8,
            variant="not_reporting" if res.not_reporting else "all_report",
            params={"units": list(res.not_reporting)}))
        num, den = ("n_registry", "n_union") if res.mode == "linkage" else ("n_registry", "n_reference")
        nat = res.rows.filter(pl.col("level") == "national").row(0, named=True)
        reporting = res.national.filter(pl.col("scope") == "reporting_units").row(0, named=True)
        mode = {"word": res.mode}
        checks.append(Check(
            "kompletthet.dekningsgrad", "kompletthet.dekningsgrad",
            nat["coverage"], float(nat[num]), float(nat[den]), nat["ci_low"], nat["ci_high"],
            default_warn=opts.target, default_fail=opts.low, variant="national",
            params={"mode": mode, "reporting": reporting["coverage"]}))
        unit_rows = res.rows.filter(pl.col("level") == "unit")
        for row in unit_rows.iter_rows(named=True):
            checks.append(Check(
                "kompletthet.dekningsgrad", "kompletthet.dekningsgrad",
                row["coverage"], float(row[num]), float(row[den]), row["ci_low"], row["ci_high"],
                unit=names.get(row["unit"], row["unit"]), default_warn=opts.target,
                default_fail=opts.low, status="warn" if row["mismatch"] else None,
                variant="mismatch" if row["mismatch"] else None, params={"mode": mode}))
        figures["coverage"] = unit_rows.with_columns(
            pl.col("unit").replace(names).alias("unit_name"))
        cov_funnel = unit_rows.filter(~pl.col("mismatch")).select(
            "unit", pl.col(num).alias("x"), pl.col(den).alias("n"))
        if cov_funnel.height >= 3:
            fc, fr = comparability.funnel_check(
                "sammenlignbarhet.trakt.dekningsgrad", {"word": "funnel_coverage"},
                cov_funnel, "x", "n", names)
            checks += fc
            figures["funnel_dekningsgrad"] = _named(fr, names)

    # ---- Kompletthet: variable completeness (once, per unit and year)
    grouping = resolve(keys, spec_present, source, has_units=units is not None)
    result = comp.compute(source, spec_present, grouping, units=units)
    warnings += result.warnings
    rows = result.rows
    unit_level = "level" in rows.columns
    nat_rows = rows.filter(pl.col("level") == "national") if unit_level else rows
    counts = ["n_applicable", "n_valid", "n_missing", "n_unknown", "n_invalid"]
    nat_var = nat_rows.group_by("variable", maintain_order=True).agg(pl.col(counts).sum(),
                                                                     pl.col("mandatory").first())
    thresholds = {v.name: v.thresholds for v in present.values()}
    for row in nat_var.iter_rows(named=True):
        t = thresholds.get(row["variable"])
        optional = row["mandatory"] == "never"
        checks.append(Check.proportion(
            f"kompletthet.variabel.{row['variable']}", "kompletthet.variabel", row["n_valid"],
            row["n_applicable"],
            default_warn=t.warn_below if t else None, default_fail=t.fail_below if t else None,
            status="info" if optional else None, variant="counts",
            params={"variable": row["variable"], "missing": row["n_missing"],
                    "unknown": row["n_unknown"], "invalid": row["n_invalid"]}))
    per_unit = None
    if unit_level and "unit" in rows.columns:
        per_unit = (rows.filter(pl.col("level") == "unit")
                    .group_by("variable", "unit", maintain_order=True)
                    .agg(pl.col(counts).sum(), pl.col("mandatory").first()))
        for row in per_unit.iter_rows(named=True):
            t = thresholds.get(row["variable"])
            if row["mandatory"] == "never":
                continue
            checks.append(Check.proportion(
                f"kompletthet.variabel.{row['variable']}", "kompletthet.variabel",
                row["n_valid"], row["n_applicable"], unit=names.get(row["unit"], row["unit"]),
                default_warn=t.warn_below if t else None, default_fail=t.fail_below if t else None,
                params={"variable": row["variable"]}))
        figures["heatmap"] = per_unit.with_columns(
            (pl.col("n_valid") / pl.col("n_applicable")).alias("completeness"),
            pl.col("unit").replace(names).alias("unit_name"))
    rec = result.records.filter(pl.col("level") == "national") if "level" in result.records.columns \
        else result.records
    if rec.height and spec_present.variables:
        r = rec.select(pl.col("n_records", "n_complete").sum()).row(0, named=True)
        rt = spec.record_thresholds
        checks.append(Check.proportion(
            "kompletthet.records", "kompletthet.records", r["n_complete"], r["n_records"],
            default_warn=rt.warn_below, default_fail=rt.fail_below))
    for info in source.infos:
        if info.rows is None:
            info.rows = result.n_records

    # ---- Korrekthet
    checks += verification.value_checks(nat_rows)
    finished = source.lf
    if ds.finished:
        finished = with_conditions(finished, spec, source,
                                   {"__finished": (ds.finished, "[dataset] finished")})
        finished = finished.filter(pl.col("__finished")).drop("__finished")
    checks += verification.export_checks(source, spec, finished, export_date)
    if validation is not None:
        from dq import correctness as corr

        corr_spec = spec.correctness
        vres = corr.compute(validation, spec, unit=None, thresholds=corr_spec.thresholds,
                            patient=corr_spec.patient, belongs=corr_spec.belongs)
        warnings += vres.warnings
        for row in vres.rows.iter_rows(named=True):
            variant = ("sensitivity" if row["sensitivity"] is not None else
                       "deviation" if row["max_abs_deviation"] is not None else None)
            checks.append(Check(
                f"korrekthet.validering.{row['variable']}", "korrekthet.validering",
                row["share_correct"],
                float(row["n_correct"]), float(row["n"]), row["ci_low"], row["ci_high"],
                default_warn=corr_spec.thresholds.warn_below,
                default_fail=corr_spec.thresholds.fail_below, variant=variant,
                params={"variable": row["variable"], "sensitivity": row["sensitivity"],
                        "deviation": row["max_abs_deviation"]}))
        if vres.patients is not None:
            p = vres.patients.row(0, named=True)
            checks.append(Check.proportion(
                "korrekthet.pasienter", "korrekthet.pasienter", p["n_true_positive"],
                p["n_registered"],
                default_warn=corr_spec.thresholds.warn_below,
                default_fail=corr_spec.thresholds.fail_below))

    # ---- Reliabilitet
    if study is not None:
        for row in study.rows.iter_rows(named=True):
            if row["estimate"] is None or row["statistic"].startswith("bland_altman"):
                continue
            checks.append(Check(
                f"reliabilitet.{row['variable']}.{row['statistic']}", "reliabilitet",
                row["estimate"], None, float(row["n_cases"]), row["ci_low"], row["ci_high"],
                default_warn=row["warn_below"], default_fail=row["fail_below"],
                variant="label" if row["label"] else None, se=row["se"],
                params={"variable": row["variable"], "statistic": row["statistic"],
                        "label": row["label"]}))
        warnings += study.warnings

    # ---- Aktualitet
    event = None
    schema = source.lf.collect_schema()
    if ds.event_date:
        fmt = ds.date_format or source.date_formats.get(ds.event_date)
        event = as_date(pl.col(ds.event_date), schema[ds.event_date], fmt)
    unit_expr = as_text(pl.col(ds.unit), schema[ds.unit]) if ds.unit else None
    if event is not None:
        tc, by_unit = timeliness.checks(source, spec, finished, event, unit_expr, names,
                                        export_date)
        checks += tc
        if by_unit is not None:
            figures["delay"] = by_unit

    # ---- Sammenlignbarhet
    if per_unit is not None:
        mandatory = [v.name for v in present.values() if v.mandatory != "never"] or \
            per_unit["variable"].unique(maintain_order=True).to_list()
        for var in mandatory:
            df = per_unit.filter(pl.col("variable") == var).select(
                "unit", pl.col("n_valid").alias("x"), pl.col("n_applicable").alias("n"))
            if df.filter(pl.col("n") > 0).height < 3:
                continue
            fc, fr = comparability.funnel_check(
                f"sammenlignbarhet.trakt.kompletthet.{var}",
                {"word": "funnel_completeness", "variable": var}, df, "x", "n", names)
            checks += fc
            figures[f"funnel_kompletthet.{var}"] = _named(fr, names)
        for var in [v.name for v in present.values() if v.unknown]:
            df = per_unit.filter(pl.col("variable") == var).select(
                "unit", pl.col("n_unknown").alias("x"),
                (pl.col("n_applicable") - pl.col("n_missing")).alias("n"))
            if df.filter(pl.col("n") > 0).height < 3:
                continue
            fc, fr = comparability.funnel_check(
                f"sammenlignbarhet.trakt.ukjent.{var}",
                {"word": "funnel_unknown", "variable": var}, df, "x", "n", names,
                bad_side="above")
            checks += fc
            figures[f"funnel_ukjent.{var}"] = _named(fr, names)
        if "year" in rows.columns:
            shift_vars = list(spec.comparability_variables) or mandatory
            checks += comparability.shift_checks(rows, shift_vars, names, spec.comparability_alpha)
            unknown_vars = [v for v in shift_vars if v in present and present[v].unknown]
            checks += comparability.shift_checks(rows, unknown_vars, names,
                                                 spec.comparability_alpha, measure="unknown")
    categorical = [v.name for v in present.values() if v.type == "categorical"]
    if event is not None and categorical:
        # Distinct codes per year: one hash aggregation per variable, streamed. Common-subplan
        # elimination is off: sharing the scan would cache the whole export in memory (2 GB for
        # 10M rows × 12 variables); separate scans of one column each stay small.
        year = event.dt.year().alias("__year")
        parts = [finished.group_by(year, pl.col(c).alias("code")).agg(pl.len().alias("n"))
                 .with_columns(pl.lit(c).alias("variable")) for c in categorical]
        codes = pl.concat(parts, how="vertical_relaxed").collect(
            engine="streaming", optimizations=pl.QueryOptFlags(comm_subplan_elim=False))
        codes = codes.with_columns(as_text(pl.col("code"), codes.schema["code"]))
        sets: dict[str, dict[int, set[str]]] = {c: {} for c in categorical}
        for row in codes.filter(pl.col("code").is_not_null()).iter_rows(named=True):
            sets[row["variable"]].setdefault(row["__year"], set()).add(row["code"])
        declared = {c: {*(present[c].codes or {}), *present[c].unknown} for c in categorical}
        checks += comparability.code_checks(sets, declared)
    ids = finished.select(pl.len().alias("n"), *[
        pl.col(c).is_not_null().sum().alias(role) for role, c in
        (("person", ds.person_id), ("unit", ds.unit)) if c]).collect().row(0, named=True)
    for role in ("person", "unit"):
        if role in ids:
            checks.append(Check.proportion(
                f"sammenlignbarhet.id.{role}", "sammenlignbarhet.id", ids[role], ids["n"],
                default_warn=1.0, default_fail=0.95, params={"role": {"word": role}}))

    # ---- Relevans
    if spec.variables:
        checks += relevance.checks(spec, columns)

    table = frame(checks, spec, min_n)
    dims = dimensions(table)
    return Report(spec=spec, inputs=list(source.infos), checks=table, dimensions=dims,
                  figures=figures, started=started, seconds=time.perf_counter() - start,
                  registry=ds.name, warnings=warnings)


def _named(fr: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    return fr.with_columns(pl.col("unit").cast(pl.String).replace(names).alias("unit_name"))


def dimensions(table: pl.DataFrame) -> list[dict[str, Any]]:
    """Each dimension's verdict: the worst graded status of its checks, else not assessed."""
    out = []
    for dim in DIMENSIONS:
        part = table.filter(pl.col("dimension") == dim)
        graded = part.filter(pl.col("status").is_in(["fail", "warn", "pass"]))
        if graded.is_empty():
            verdict = "not_assessed"
        else:
            verdict = min(graded["status"].to_list(), key=lambda s: STATUS_ORDER[s])
        statuses = part["status"].to_list()
        out.append({
            "id": dim, "verdict": verdict,
            "checks": part.height,
            # In the fixed order of STATUS_ORDER: identical runs give identical JSON.
            "counts": {s: statuses.count(s) for s in STATUS_ORDER if s in statuses},
            "not_assessed_reason": NOT_ASSESSED[dim] if verdict == "not_assessed" else None,
        })
    return out
