"""Relevans (relevance): what each declared variable is used for (``uses = [...]``) and the
columns of the export that no variable declares (``dq.checks.relevance``)."""

from __future__ import annotations

from dq.checks import relevance
from dq.dimensions.context import Assessment, Context


def assess(ctx: Context) -> Assessment:
    if not ctx.spec.variables:
        return Assessment()
    return Assessment(checks=relevance.checks(ctx.spec, ctx.source.columns))
