"""Aktualitet: days from the event to registration, and data freshness.

For each finished record with both dates: delay = registration date (``[timeliness] created``,
else ``closed``) − event date, in days. Per year: median, 90th percentile and the share within the
registry's limit (Wilson CI); per unit for the latest year; the change from the year before.
Freshness: days from the last event to the export date.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from dq.checks.model import Check
from dq.io import Source
from dq.io.values import as_date, year as year_of
from dq.messages import Message
from dq.spec import Spec
from dq.stats import wilson


def registration_date(source: Source, spec: Spec, column: str, dtype: pl.DataType) -> pl.Expr:
    """The registration date: in the format detected for the column, else in ``[dataset]
    date_format`` (the registry's own way of writing dates) or any format registries write."""
    detected = source.date_formats.get(column)
    reg = as_date(pl.col(column), dtype, detected)
    declared = spec.dataset.date_format
    if detected is None and declared:
        reg = pl.coalesce(as_date(pl.col(column), dtype, declared), reg)
    return reg


def checks(source: Source, spec: Spec, finished: pl.LazyFrame, event: pl.Expr,
           unit: pl.Expr | None, names: dict[str, str], export_date: date | None,
           year: int | None = None, warnings: list[str] | None = None
           ) -> tuple[list[Check], pl.DataFrame | None]:
    """Registered within the limit: graded on ``year`` (default: the latest year), with the
    year before and every year as the trend; by unit for that year; freshness of the export.
    Finished records whose registration date is written but cannot be read are left out, and
    counted in a warning (added to ``warnings``)."""
    t = spec.timeliness
    column = t.created or t.closed
    out: list[Check] = []
    if column is None:
        return out, None
    schema = source.lf.collect_schema()
    reg = registration_date(source, spec, column, schema[column])
    delay = (reg - event).dt.total_days().alias("delay")
    # Registered before the event is no timely registration but a date error: not within.
    within = pl.col("delay").is_between(0, t.limit_days)
    written = (pl.col(column).is_not_null() if schema[column] != pl.String else
               pl.col(column).str.strip_chars().str.len_bytes() > 0)
    base = finished.select(year_of(event).alias("year"), delay,
                           (written & reg.is_null()).alias("unread"),
                           *( [unit.alias("unit")] if unit is not None else []))
    unread = (base.filter(pl.col("year").is_not_null())
              .select(pl.col("unread").sum()).collect(engine="streaming").item())
    if unread and warnings is not None:
        warnings.append(Message("timeliness.unread_dates", column=column, n=int(unread),
                                key="created" if t.created else "closed"))
    per_year = (base.filter(pl.col("delay").is_not_null()).group_by("year")
                .agg(pl.len().alias("n"), within.sum().alias("within"),
                     pl.col("delay").median().alias("median"),
                     pl.col("delay").quantile(0.9, "nearest").alias("p90"))
                .sort("year").collect(engine="streaming"))
    years = per_year.filter(pl.col("year").is_not_null())
    if years.is_empty():
        return out, None
    if year is not None:
        if years.filter(pl.col("year") == year).is_empty():
            return out, None
        years = years.filter(pl.col("year") <= year)
    last = years.row(-1, named=True)
    prev = years.row(-2, named=True) if years.height > 1 else None
    if prev is not None and prev["year"] != last["year"] - 1:
        prev = None
    trend = tuple((int(r["year"]), float(r["within"]), float(r["n"]))
                  for r in per_year.filter(pl.col("year").is_not_null()).iter_rows(named=True))
    rule = spec.timeliness.thresholds
    definition = "aktualitet.registrering"
    params = {"limit": t.limit_days, "year": last["year"], "median": last["median"],
              "p90": last["p90"]}
    variant = "national"
    out.append(Check.proportion(
        "aktualitet.registrering", definition, last["within"], last["n"],
        default_warn=rule.warn_below, default_fail=rule.fail_below, variant=variant,
        params=params, period=str(last["year"]), trend=trend,
        previous_year=prev["year"] if prev else None))
    for row in years.head(years.height - 1).iter_rows(named=True):  # earlier years: figures only
        out.append(Check.proportion(
            f"aktualitet.registrering.{row['year']}", definition, row["within"], row["n"],
            status="info", variant="national", period=str(row["year"]),
            params={"limit": t.limit_days, "year": row["year"], "median": row["median"],
                    "p90": row["p90"]}))
    by_unit = None
    if unit is not None:
        by_unit = (base.filter(pl.col("year") == last["year"], pl.col("delay").is_not_null())
                   .group_by("unit").agg(pl.len().alias("n"),
                                         within.sum().alias("within"),
                                         pl.col("delay").median().alias("median"),
                                         pl.col("delay").quantile(0.9, "nearest").alias("p90"))
                   .collect(engine="streaming"))
        by_unit = by_unit.with_columns(pl.col("unit").cast(pl.String)).sort("unit", nulls_last=True)
        for row in by_unit.iter_rows(named=True):
            low, high = wilson(row["within"], row["n"])
            out.append(Check("aktualitet.registrering", definition,
                             row["within"] / row["n"], float(row["within"]), float(row["n"]),
                             low, high, unit=names.get(row["unit"], row["unit"]),
                             variant="unit", params={"limit": t.limit_days, "year": last["year"],
                                                     "median": row["median"]},
                             period=str(last["year"]),
                             default_warn=rule.warn_below, default_fail=rule.fail_below))
        by_unit = by_unit.with_columns(pl.col("unit").replace(names).alias("unit_name"))
    if export_date is not None:
        # events dated after the export are date errors (no_future counts them), not fresh data
        latest = finished.select(event.filter(event <= pl.lit(export_date)).max()) \
            .collect().item()
        if latest is not None:
            days = (export_date - latest).days
            out.append(Check("aktualitet.ferskhet", "aktualitet.ferskhet", float(days),
                             default_warn=90, default_fail=365, variant="dates",
                             params={"last": latest.isoformat(),
                                     "export": export_date.isoformat()}))
    return out, by_unit
