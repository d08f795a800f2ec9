"""Aktualitet (timeliness): days from the event to registration, graded as the share
registered within ``[timeliness] limit_days`` in the report year, per unit, with the trend; and
the freshness of the export (``dq.checks.timeliness``)."""

from __future__ import annotations

import polars as pl

from dq.checks import timeliness
from dq.dimensions.context import Assessment, Context
from dq.io.values import as_text
from dq.units import public as public_unit


def assess(ctx: Context) -> Assessment:
    out = Assessment()
    if ctx.event is None:
        return out
    ds = ctx.spec.dataset
    unit = (public_unit(as_text(pl.col(ds.unit), ctx.schema[ds.unit]),
                        ctx.units.known() if ctx.units is not None else None)
            if ds.unit else None)
    checks, by_unit = timeliness.checks(ctx.source, ctx.spec, ctx.finished, ctx.event, unit,
                                        ctx.names, ctx.export_date, ctx.report_year,
                                        warnings=out.warnings)
    out.checks += checks
    if by_unit is not None:
        out.figures["delay"] = by_unit
    return out
