"""Kompletthet (completeness), in the order of the annual-report template: tilslutning →
dekningsgrad → variabelkompletthet (per variable, nationally and per unit) → complete records.

Dekningsgrad and tilslutning are graded on the report year against ``[coverage]`` target and
low; variable completeness against each variable's thresholds; every figure of the registry's
state carries the year before and the national trend."""

from __future__ import annotations

import polars as pl

from dq.checks.model import Check
from dq.dimensions.context import COUNTS, Assessment, Context, national_trend, trends


def assess(ctx: Context) -> Assessment:
    out = Assessment(warnings=list(ctx.completeness.warnings))
    _coverage(ctx, out)
    _variables(ctx, out)
    _records(ctx, out)
    return out


def _coverage(ctx: Context, out: Assessment) -> None:
    cov = ctx.coverage
    if cov is None:
        return
    out.warnings += cov.warnings
    national_til = cov.tilslutning.filter(pl.col("rhf") == "National")
    if not national_til.height:
        return
    res, period, names = cov.result, ctx.period, ctx.names
    til = national_til.row(0, named=True)
    out.checks.append(Check.proportion(
        "kompletthet.tilslutning", "kompletthet.tilslutning", til["units_reporting"],
        til["units_in_reference"], default_warn=1.0, default_fail=0.8,
        variant="not_reporting" if res.not_reporting else "all_report",
        params={"units": list(res.not_reporting)}, period=period))
    num, den = cov.numerator, cov.denominator
    nat_rows = cov.rows.filter(pl.col("level") == "national")
    reporting_rows = cov.national.filter(pl.col("scope") == "reporting_units")
    if not nat_rows.height or not reporting_rows.height:  # e.g. no record names its unit
        return
    nat, reporting = nat_rows.row(0, named=True), reporting_rows.row(0, named=True)
    mode = {"word": res.mode}
    trend = (national_trend(res.rows.filter(pl.col("level") == "national"), num, den)
             if ctx.report_year is not None else ())
    out.checks.append(Check(
        "kompletthet.dekningsgrad", "kompletthet.dekningsgrad",
        nat["coverage"], float(nat[num]), float(nat[den]), nat["ci_low"], nat["ci_high"],
        default_warn=cov.target, default_fail=cov.low, variant="national",
        params={"mode": mode, "reporting": reporting["coverage"]}, period=period,
        trend=trend, previous_year=ctx.previous))
    unit_rows = cov.rows.filter(pl.col("level") == "unit")
    for row in unit_rows.iter_rows(named=True):
        out.checks.append(Check(
            "kompletthet.dekningsgrad", "kompletthet.dekningsgrad",
            row["coverage"], float(row[num]), float(row[den]), row["ci_low"], row["ci_high"],
            unit=names.get(row["unit"], row["unit"]), default_warn=cov.target,
            default_fail=cov.low, status="warn" if row["mismatch"] else None,
            variant="mismatch" if row["mismatch"] else None, params={"mode": mode},
            period=period))
    out.figures["coverage"] = unit_rows.with_columns(
        pl.col("unit").replace(names).alias("unit_name"))


def _variables(ctx: Context, out: Assessment) -> None:
    period, previous, names = ctx.period, ctx.previous, ctx.names
    nat_var = ctx.nat_rows.group_by("variable", maintain_order=True).agg(
        pl.col(COUNTS).sum(), pl.col("mandatory").first())
    trend = trends(ctx.nat_all, "variable", "n_valid", "n_applicable") if ctx.by_year else {}
    thresholds = {v.name: v.thresholds for v in ctx.present.values()}
    for row in nat_var.iter_rows(named=True):
        t = thresholds.get(row["variable"])
        out.checks.append(Check.proportion(
            f"kompletthet.variabel.{row['variable']}", "kompletthet.variabel", row["n_valid"],
            row["n_applicable"],
            default_warn=t.warn_below if t else None, default_fail=t.fail_below if t else None,
            status="info" if row["mandatory"] == "never" else None, variant="counts",
            period=period, trend=trend.get(row["variable"], ()), previous_year=previous,
            params={"variable": row["variable"], "missing": row["n_missing"],
                    "unknown": row["n_unknown"], "invalid": row["n_invalid"]}))
    per_unit = ctx.per_unit
    if per_unit is None:
        return
    for row in per_unit.iter_rows(named=True):
        t = thresholds.get(row["variable"])
        if row["mandatory"] == "never":
            continue
        out.checks.append(Check.proportion(
            f"kompletthet.variabel.{row['variable']}", "kompletthet.variabel",
            row["n_valid"], row["n_applicable"], unit=names.get(row["unit"], row["unit"]),
            default_warn=t.warn_below if t else None, default_fail=t.fail_below if t else None,
            params={"variable": row["variable"]}, period=period))
    out.figures["heatmap"] = per_unit.with_columns(
        (pl.col("n_valid") / pl.col("n_applicable")).alias("completeness"),
        pl.col("unit").replace(names).alias("unit_name"))


def _records(ctx: Context, out: Assessment) -> None:
    records = ctx.completeness.records
    if ctx.by_year:
        records = records.filter(ctx.in_year)
    rec = records.filter(pl.col("level") == "national") if "level" in records.columns \
        else records
    if not (rec.height and ctx.spec_present.variables):
        return
    r = rec.select(pl.col("n_records", "n_complete").sum()).row(0, named=True)
    rt = ctx.spec.record_thresholds
    trend = (national_trend(ctx.national_records, "n_complete", "n_records")
             if ctx.by_year else ())
    out.checks.append(Check.proportion(
        "kompletthet.records", "kompletthet.records", r["n_complete"], r["n_records"],
        default_warn=rt.warn_below, default_fail=rt.fail_below, period=ctx.period,
        trend=trend, previous_year=ctx.previous))
