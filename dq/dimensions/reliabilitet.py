"""Reliabilitet (reliability): the inter-rater study of ``[reliability]`` — κ, weighted κ, AC1,
α, ICC per variable with CIs (``dq.reliability``). Bland–Altman limits are shown by ``dq
reliability``; they have no threshold to grade here."""

from __future__ import annotations

from dq.checks.model import Check
from dq.messages import Message
from dq.dimensions.context import Assessment, Context


def assess(ctx: Context) -> Assessment:
    out = Assessment()
    study = ctx.study
    if study is None:
        return out
    for row in study.rows.iter_rows(named=True):
        if row["estimate"] is None or row["statistic"].startswith("bland_altman"):
            continue
        out.checks.append(Check(
            f"reliabilitet.{row['variable']}.{row['statistic']}", "reliabilitet",
            row["estimate"], None, float(row["n_cases"]), row["ci_low"], row["ci_high"],
            default_warn=row["warn_below"], default_fail=row["fail_below"],
            variant="label" if row["label"] else None, se=row["se"],
            params={"variable": row["variable"], "statistic": row["statistic"],
                    "label": row["label"],
                    # κ low while the raters agree (dq.reliability's ``paradox`` column):
                    # the report explains the paradox and shows AC1 beside κ
                    **({"paradox": True} if row["paradox"] else {})},
            period=ctx.spec.reliability.period))
    out.warnings += study.warnings
    if ctx.spec.reliability.period is None:
        out.warnings.append(Message("report.study_no_period", section="reliability"))
    return out
