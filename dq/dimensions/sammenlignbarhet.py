"""Sammenlignbarhet (comparability): are units and years comparable?

- funnel plots of units against the national figure: dekningsgrad, completeness of every
  mandatory variable, the share of unknown codes (report year);
- shifts between consecutive years per unit (two-proportion tests, Holm-adjusted) and codes
  that appear or vanish between years (every year of the export);
- presence of the person and unit ids (report year)."""

from __future__ import annotations

import polars as pl

from dq.checks import comparability
from dq.checks.model import Check
from dq.dimensions.context import Assessment, Context, in_period, named
from dq.io.values import as_text, year as year_of


def assess(ctx: Context) -> Assessment:
    out = Assessment()
    _coverage_funnel(ctx, out)
    _completeness_funnels(ctx, out)
    _codes(ctx, out)
    _ids(ctx, out)
    return out


def _coverage_funnel(ctx: Context, out: Assessment) -> None:
    cov = ctx.coverage
    if cov is None or not cov.tilslutning.filter(pl.col("rhf") == "National").height:
        return
    units = cov.rows.filter((pl.col("level") == "unit") & ~pl.col("mismatch")).select(
        "unit", pl.col(cov.numerator).alias("x"), pl.col(cov.denominator).alias("n"))
    if units.height < 3:
        return
    # a unit with more events in the registry than in the reference has no binomial share
    left_out = cov.rows.filter((pl.col("level") == "unit") & pl.col("mismatch")).height
    checks, frame = comparability.funnel_check(
        "sammenlignbarhet.trakt.dekningsgrad", {"word": "funnel_coverage"}, units, "x", "n",
        ctx.names, left_out=left_out)
    out.checks += in_period(ctx.period, checks)
    out.figures["funnel_dekningsgrad"] = named(frame, ctx.names)
    out.limits["funnel_dekningsgrad"] = comparability.funnel_curve(frame)


def _mandatory(ctx: Context, per_unit: pl.DataFrame) -> list[str]:
    return ([v.name for v in ctx.present.values() if v.mandatory != "never"]
            or per_unit["variable"].unique(maintain_order=True).to_list())


def _completeness_funnels(ctx: Context, out: Assessment) -> None:
    per_unit, names, period = ctx.per_unit, ctx.names, ctx.period
    if per_unit is None:
        return
    mandatory = _mandatory(ctx, per_unit)
    for var in mandatory:
        df = per_unit.filter(pl.col("variable") == var).select(
            "unit", pl.col("n_valid").alias("x"), pl.col("n_applicable").alias("n"))
        if df.filter(pl.col("n") > 0).height < 3:
            continue
        checks, frame = comparability.funnel_check(
            f"sammenlignbarhet.trakt.kompletthet.{var}",
            {"word": "funnel_completeness", "variable": var}, df, "x", "n", names)
        out.checks += in_period(period, checks)
        out.figures[f"funnel_kompletthet.{var}"] = named(frame, names)
        out.limits[f"funnel_kompletthet.{var}"] = comparability.funnel_curve(frame)
    for var in [v.name for v in ctx.present.values() if v.unknown]:
        df = per_unit.filter(pl.col("variable") == var).select(
            "unit", pl.col("n_unknown").alias("x"),
            (pl.col("n_applicable") - pl.col("n_missing")).alias("n"))
        if df.filter(pl.col("n") > 0).height < 3:
            continue
        checks, frame = comparability.funnel_check(
            f"sammenlignbarhet.trakt.ukjent.{var}",
            {"word": "funnel_unknown", "variable": var}, df, "x", "n", names,
            bad_side="above")
        out.checks += in_period(period, checks)
        out.figures[f"funnel_ukjent.{var}"] = named(frame, names)
        out.limits[f"funnel_ukjent.{var}"] = comparability.funnel_curve(frame)
    if "year" in ctx.rows.columns:
        shift_vars = list(ctx.spec.comparability_variables) or mandatory
        rows, alpha = ctx.completeness.rows, ctx.spec.comparability_alpha
        out.checks += in_period(ctx.every_year, comparability.shift_checks(
            rows, shift_vars, names, alpha))
        unknown_vars = [v for v in shift_vars if v in ctx.present and ctx.present[v].unknown]
        out.checks += in_period(ctx.every_year, comparability.shift_checks(
            rows, unknown_vars, names, alpha, measure="unknown"))


def _codes(ctx: Context, out: Assessment) -> None:
    """Codes that appear or vanish between years, per categorical variable."""
    categorical = [v.name for v in ctx.present.values() if v.type == "categorical"]
    if ctx.event is None or not categorical:
        return
    sets: dict[str, dict[int, set[str]]] = {c: {} for c in categorical}
    # The completeness pass noted which declared codes each unit and year holds; a variable
    # whose finished records hold no other value needs nothing more.
    held = ctx.completeness.code_presence or {}
    scan = []
    for c in categorical:
        if c not in held or int(held[c][1]["other"].sum()) > 0:
            scan.append(c)
            continue
        codes, frame = held[c]
        per_year = (frame.filter(pl.col("year").is_not_null()).group_by("year")
                    .agg(pl.col("mask").cast(pl.UInt64).bitwise_or()))
        for year, mask in per_year.iter_rows():
            if mask:  # a year without a value of the variable is not compared (as in a scan)
                sets[c][int(year)] = {code for k, code in enumerate(codes) if int(mask) >> k & 1}
    if scan:
        # Distinct values per year: one hash aggregation per variable, streamed. Common-subplan
        # elimination is off: sharing the scan would cache the whole export in memory (2 GB for
        # 10M rows × 12 variables); separate scans of one column each stay small.
        event_year = year_of(ctx.event).alias("__year")
        parts = [ctx.finished.group_by(event_year, pl.col(c).alias("code"))
                 .agg(pl.len().alias("n")).with_columns(pl.lit(c).alias("variable"))
                 for c in scan]
        codes_seen = pl.concat(parts, how="vertical_relaxed").collect(
            engine="streaming", optimizations=pl.QueryOptFlags(comm_subplan_elim=False))
        codes_seen = codes_seen.with_columns(as_text(pl.col("code"), codes_seen.schema["code"]))
        for row in codes_seen.filter(pl.col("code").is_not_null()).iter_rows(named=True):
            sets[row["variable"]].setdefault(row["__year"], set()).add(row["code"])
    declared = {c: {*(ctx.present[c].codes or {}), *ctx.present[c].unknown} for c in categorical}
    out.checks += in_period(ctx.every_year, comparability.code_checks(sets, declared))


def _ids(ctx: Context, out: Assessment) -> None:
    """Finished forms of the report year with a person id and a unit id (counted in the
    completeness pass)."""
    counts = ctx.counted("id")
    if counts is None:
        return
    records = ctx.national_records
    if ctx.report_year is not None:
        counts, records = counts.filter(ctx.in_year), records.filter(ctx.in_year)
    roles = [r for r in ("person", "unit") if f"has_{r}" in counts.columns]
    ids: dict[str, int] = {"n": int(records["n_records"].sum()),
                           **{role: int(counts[f"has_{role}"].sum()) for role in roles}}
    for role in roles:
        out.checks.append(Check.proportion(
            f"sammenlignbarhet.id.{role}", "sammenlignbarhet.id", ids[role], ids["n"],
            default_warn=1.0, default_fail=0.95, params={"role": {"word": role}},
            period=ctx.period))
