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

from dq._callable import make_callable
from dq import completeness as comp
from dq.checks import comparability, relevance, timeliness, verification
from dq.checks.model import DIMENSIONS, Check, frame
from dq.conditions import with_conditions
from dq.errors import ConfigError
from dq.grading import RANK, worst
from dq.grouping import resolve
from dq.io import Source, SourceInfo
from dq.io.values import as_date, as_text
from dq.spec import Spec
from dq.units import public as public_unit

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

    @property
    def period(self) -> str | None:
        return str(self.year) if self.year is not None else _span(self.years)

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
        validation=None, year: int | str | None = None,
        inputs: list[SourceInfo] | None = None) -> Report:
    """Compute every configured check. ``references``, ``study`` and ``validation`` are the
    already-opened sources of [coverage], [reliability] and [correctness].

    ``year``: the report year (an annual report for year Y describes Y). Checks of the
    registry's state — coverage, completeness, verification, timeliness, ids — are graded on Y
    and carry Y−1 and the national figure of every year (the trend); shifts and code changes
    compare consecutive years. None: the latest year with a finished record (or [report] year);
    "all": every year pooled."""
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

    # ---- Kompletthet: variable completeness (once, per unit and year)
    grouping = resolve(keys, spec_present, source, has_units=units is not None)
    result = comp.compute(source, spec_present, grouping, units=units)
    warnings += result.warnings
    all_rows = result.rows
    unit_level = "level" in all_rows.columns
    by_year = "year" in all_rows.columns
    years = _years(result.records) if by_year else []
    if export_date is not None:  # a date after the export is an error, not a report year
        years = [y for y in years if y <= export_date.year]
    report_year = _report_year(year if year is not None else spec.report_year, years, spec)
    in_year = (pl.col("year") == report_year) if report_year is not None else pl.lit(True)
    period = str(report_year) if report_year is not None else _span(years)
    previous = report_year - 1 if report_year is not None and report_year - 1 in years else None
    rows = all_rows.filter(in_year) if by_year else all_rows
    nat_all = all_rows.filter(pl.col("level") == "national") if unit_level else all_rows
    nat_rows = rows.filter(pl.col("level") == "national") if unit_level else rows
    counts = ["n_applicable", "n_valid", "n_missing", "n_unknown", "n_invalid"]
    nat_var = nat_rows.group_by("variable", maintain_order=True).agg(pl.col(counts).sum(),
                                                                     pl.col("mandatory").first())
    trends = _trends(nat_all, "variable", "n_valid", "n_applicable") if by_year else {}
    thresholds = {v.name: v.thresholds for v in present.values()}
    for row in nat_var.iter_rows(named=True):
        t = thresholds.get(row["variable"])
        optional = row["mandatory"] == "never"
        checks.append(Check.proportion(
            f"kompletthet.variabel.{row['variable']}", "kompletthet.variabel", row["n_valid"],
            row["n_applicable"],
            default_warn=t.warn_below if t else None, default_fail=t.fail_below if t else None,
            status="info" if optional else None, variant="counts", period=period,
            trend=trends.get(row["variable"], ()), previous_year=previous,
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
                params={"variable": row["variable"]}, period=period))
        figures["heatmap"] = per_unit.with_columns(
            (pl.col("n_valid") / pl.col("n_applicable")).alias("completeness"),
            pl.col("unit").replace(names).alias("unit_name"))
    records = result.records.filter(in_year) if by_year else result.records
    rec = records.filter(pl.col("level") == "national") if "level" in records.columns \
        else records
    if rec.height and spec_present.variables:
        r = rec.select(pl.col("n_records", "n_complete").sum()).row(0, named=True)
        rt = spec.record_thresholds
        nat_rec = result.records.filter(pl.col("level") == "national") \
            if "level" in result.records.columns else result.records
        rec_trend = _trends(nat_rec.with_columns(pl.lit("all").alias("__k")), "__k",
                            "n_complete", "n_records").get("all", ()) if by_year else ()
        checks.append(Check.proportion(
            "kompletthet.records", "kompletthet.records", r["n_complete"], r["n_records"],
            default_warn=rt.warn_below, default_fail=rt.fail_below, period=period,
            trend=rec_trend, previous_year=previous))

    completeness_checks, checks = checks, []
    # ---- Kompletthet: coverage and tilslutning
    tilslutning_rows = None
    tilslutning = pl.DataFrame()
    if references:
        from dq import coverage as cov

        reg_cols, ref_cols, opts = cov.setup(
            spec, keys=("unit", "year") if report_year is not None else ("unit",))
        res = cov.compute(source, references, spec_present, units, reg_cols, ref_cols, opts)
        warnings += res.warnings
        res_rows, res_national, res_til = res.rows, res.national, res.tilslutning
        if report_year is not None:
            cov_years = res_rows["year"].drop_nulls().unique().to_list()
            if report_year not in cov_years:
                warnings.append(f"the coverage reference has no figures for {report_year}; "
                                "dekningsgrad is not assessed for the report year")
            res_rows = res_rows.filter(in_year)
            res_national = res_national.filter(in_year)
            res_til = res_til.filter(in_year)
        tilslutning_rows = res_til
        tilslutning = res_til.filter(pl.col("rhf") == "National")
    if references and tilslutning.height:
        til = tilslutning.row(0, named=True)
        checks.append(Check.proportion(
            "kompletthet.tilslutning", "kompletthet.tilslutning", til["units_reporting"],
            til["units_in_reference"], default_warn=1.0, default_fail=0.8,
            variant="not_reporting" if res.not_reporting else "all_report",
            params={"units": list(res.not_reporting)}, period=period))
        num, den = ("n_registry", "n_union") if res.mode == "linkage" else ("n_registry", "n_reference")
        nat = res_rows.filter(pl.col("level") == "national").row(0, named=True)
        reporting = res_national.filter(pl.col("scope") == "reporting_units").row(0, named=True)
        mode = {"word": res.mode}
        cov_trend = _trends(res.rows.filter(pl.col("level") == "national").with_columns(
            pl.lit("all").alias("__k")), "__k", num, den).get("all", ()) \
            if report_year is not None else ()
        checks.append(Check(
            "kompletthet.dekningsgrad", "kompletthet.dekningsgrad",
            nat["coverage"], float(nat[num]), float(nat[den]), nat["ci_low"], nat["ci_high"],
            default_warn=opts.target, default_fail=opts.low, variant="national",
            params={"mode": mode, "reporting": reporting["coverage"]}, period=period,
            trend=cov_trend, previous_year=previous))
        unit_rows = res_rows.filter(pl.col("level") == "unit")
        for row in unit_rows.iter_rows(named=True):
            checks.append(Check(
                "kompletthet.dekningsgrad", "kompletthet.dekningsgrad",
                row["coverage"], float(row[num]), float(row[den]), row["ci_low"], row["ci_high"],
                unit=names.get(row["unit"], row["unit"]), default_warn=opts.target,
                default_fail=opts.low, status="warn" if row["mismatch"] else None,
                variant="mismatch" if row["mismatch"] else None, params={"mode": mode},
                period=period))
        figures["coverage"] = unit_rows.with_columns(
            pl.col("unit").replace(names).alias("unit_name"))
        cov_funnel = unit_rows.filter(~pl.col("mismatch")).select(
            "unit", pl.col(num).alias("x"), pl.col(den).alias("n"))
        if cov_funnel.height >= 3:
            fc, fr = comparability.funnel_check(
                "sammenlignbarhet.trakt.dekningsgrad", {"word": "funnel_coverage"},
                cov_funnel, "x", "n", names)
            checks += _in(period, fc)
            figures["funnel_dekningsgrad"] = _named(fr, names)

    checks += completeness_checks
    for info in source.infos:
        if info.rows is None:
            info.rows = result.n_records

    # ---- Korrekthet
    checks += _in(period, verification.value_checks(nat_rows))
    finished = source.lf
    if ds.finished:
        finished = with_conditions(finished, spec, source,
                                   {"__finished": (ds.finished, "[dataset] finished")})
        finished = finished.filter(pl.col("__finished")).drop("__finished")
    schema = source.lf.collect_schema()
    event = None
    if ds.event_date:
        fmt = ds.date_format or source.date_formats.get(ds.event_date)
        event = as_date(pl.col(ds.event_date), schema[ds.event_date], fmt)
    finished_year = (finished.filter(event.dt.year() == report_year)
                     if event is not None and report_year is not None else finished)
    checks += _in(period, verification.export_checks(source, spec, finished_year, export_date))
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
    unit_expr = (public_unit(as_text(pl.col(ds.unit), schema[ds.unit]),
                             units.known() if units is not None else None)
                 if ds.unit else None)
    if event is not None:
        tc, by_unit = timeliness.checks(source, spec, finished, event, unit_expr, names,
                                        export_date, report_year)
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
            checks += _in(period, fc)
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
            checks += _in(period, fc)
            figures[f"funnel_ukjent.{var}"] = _named(fr, names)
        if "year" in rows.columns:
            shift_vars = list(spec.comparability_variables) or mandatory
            every = _span(years)
            checks += _in(every, comparability.shift_checks(all_rows, shift_vars, names,
                                                            spec.comparability_alpha))
            unknown_vars = [v for v in shift_vars if v in present and present[v].unknown]
            checks += _in(every, comparability.shift_checks(all_rows, unknown_vars, names,
                                                            spec.comparability_alpha,
                                                            measure="unknown"))
    categorical = [v.name for v in present.values() if v.type == "categorical"]
    if event is not None and categorical:
        # Distinct codes per year: one hash aggregation per variable, streamed. Common-subplan
        # elimination is off: sharing the scan would cache the whole export in memory (2 GB for
        # 10M rows × 12 variables); separate scans of one column each stay small.
        event_year = event.dt.year().alias("__year")
        parts = [finished.group_by(event_year, pl.col(c).alias("code")).agg(pl.len().alias("n"))
                 .with_columns(pl.lit(c).alias("variable")) for c in categorical]
        codes = pl.concat(parts, how="vertical_relaxed").collect(
            engine="streaming", optimizations=pl.QueryOptFlags(comm_subplan_elim=False))
        codes = codes.with_columns(as_text(pl.col("code"), codes.schema["code"]))
        sets: dict[str, dict[int, set[str]]] = {c: {} for c in categorical}
        for row in codes.filter(pl.col("code").is_not_null()).iter_rows(named=True):
            sets[row["variable"]].setdefault(row["__year"], set()).add(row["code"])
        declared = {c: {*(present[c].codes or {}), *present[c].unknown} for c in categorical}
        checks += _in(_span(years), comparability.code_checks(sets, declared))
    ids = finished_year.select(pl.len().alias("n"), *[
        pl.col(c).is_not_null().sum().alias(role) for role, c in
        (("person", ds.person_id), ("unit", ds.unit)) if c]).collect().row(0, named=True)
    for role in ("person", "unit"):
        if role in ids:
            checks.append(Check.proportion(
                f"sammenlignbarhet.id.{role}", "sammenlignbarhet.id", ids[role], ids["n"],
                default_warn=1.0, default_fail=0.95, params={"role": {"word": role}},
                period=period))

    # ---- Relevans
    if spec.variables:
        checks += relevance.checks(spec, columns)

    table = frame(checks, spec, min_n)
    dims = dimensions(table)
    registrations = None
    if by_year:
        nat_rec = result.records.filter(pl.col("level") == "national") \
            if "level" in result.records.columns else result.records
        registrations = (nat_rec.filter(pl.col("year").is_not_null()).group_by("year")
                         .agg(pl.col("n_records").sum().alias("n_finished")).sort("year"))
    return Report(spec=spec, inputs=[*source.infos, *(inputs or [])], checks=table,
                  dimensions=dims,
                  figures=figures, started=started, seconds=time.perf_counter() - start,
                  registry=ds.name, warnings=warnings, year=report_year, years=years,
                  registrations=registrations,
                  tilslutning=tilslutning_rows.filter(pl.col("rhf") != "National")
                  if tilslutning_rows is not None else None)


def open_studies(spec: Spec, scan: Any = None) -> dict[str, Any]:
    """The sources the spec names beside the export, opened for ``run``: the coverage
    references, the inter-rater study (as computed agreement) and the validation study, plus
    ``inputs``, what was read of each (for the manifest), unit table and codebook included.
    ``scan`` opens one file (default ``dq.io.scan``; the CLI passes its own, which names the
    file in errors)."""
    from dq import reliability as rel
    from dq.io import scan as io_scan
    from dq.outputs import reading

    scan = scan or io_scan
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


def _in(period: str | None, checks: list[Check]) -> list[Check]:
    return [replace(c, period=period) for c in checks]


def _years(records: pl.DataFrame) -> list[int]:
    """Years with at least one finished record, from the national record-level counts."""
    nat = records.filter(pl.col("level") == "national") if "level" in records.columns else records
    found = nat.filter(pl.col("year").is_not_null()).group_by("year").agg(pl.col("n_records").sum())
    return sorted(int(y) for y in found.filter(pl.col("n_records") > 0)["year"].to_list())


def _report_year(asked: int | str | None, years: list[int], spec: Spec) -> int | None:
    """The report year: asked for, else the latest year with a finished record. None: pooled
    (``all``, or an export without event dates)."""
    if not years or asked == "all":
        return None
    if asked is None:
        return years[-1]
    if isinstance(asked, str):
        if not asked.isdigit():
            raise ConfigError(f"--year {asked!r}: give a year (e.g. 2023) or all")
        asked = int(asked)
    if asked not in years:
        raise ConfigError(f"--year {asked}: the export has finished records for {_span(years)} "
                          f"only; choose one of those years, or all")
    return asked


def _span(years: list[int]) -> str | None:
    if not years:
        return None
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


def _trends(nat: pl.DataFrame, key: str, x: str, n: str) -> dict[str, tuple]:
    """Per key, the national (year, numerator, denominator) of every year, in year order."""
    per = (nat.filter(pl.col("year").is_not_null()).group_by(key, "year")
           .agg(pl.col(x).sum(), pl.col(n).sum()).sort(key, "year"))
    out: dict[str, list] = {}
    for row in per.iter_rows(named=True):
        out.setdefault(row[key], []).append((int(row["year"]), float(row[x]), float(row[n])))
    return {k: tuple(v) for k, v in out.items()}


def _named(fr: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    return fr.with_columns(pl.col("unit").cast(pl.String).replace(names).alias("unit_name"))


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
