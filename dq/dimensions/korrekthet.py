"""Korrekthet (correctness): values within the declared codes and ranges (from the
completeness counts of the report year), rules over the export (date order, no future dates,
ICD-10/NCSP codes, duplicates, national IDs), and a validation study against the medical record
(``[correctness] study``)."""

from __future__ import annotations

from dq.checks import verification
from dq.checks.model import Check
from dq.messages import Message
from dq.dimensions.context import Assessment, Context, in_period


def assess(ctx: Context) -> Assessment:
    out = Assessment()
    out.checks += in_period(ctx.period, verification.value_checks(ctx.nat_rows))
    out.checks += in_period(ctx.period, verification.export_checks(
        ctx.source, ctx.spec, ctx.finished_year, ctx.export_date))
    if ctx.validation is not None:
        _validation(ctx, out)
    return out


def _validation(ctx: Context, out: Assessment) -> None:
    from dq import correctness as corr

    cs = ctx.spec.correctness
    warn, fail = cs.thresholds.warn_below, cs.thresholds.fail_below
    res = corr.compute(ctx.validation, ctx.spec, unit=None, thresholds=cs.thresholds,
                       patient=cs.patient, belongs=cs.belongs, file=cs.study,
                       columns=list(ctx.schema))
    out.warnings += res.warnings
    if cs.period is None:
        out.warnings.append(Message("report.study_no_period", section="correctness"))
    for row in res.rows.iter_rows(named=True):
        variant = ("sensitivity" if row["sensitivity"] is not None else
                   "deviation" if row["max_abs_deviation"] is not None else None)
        out.checks.append(Check(
            f"korrekthet.validering.{row['variable']}", "korrekthet.validering",
            row["share_correct"], float(row["n_correct"]), float(row["n"]),
            row["ci_low"], row["ci_high"], default_warn=warn, default_fail=fail,
            variant=variant,
            params={"variable": row["variable"], "sensitivity": row["sensitivity"],
                    "deviation": row["max_abs_deviation"]}, period=cs.period))
    if res.patients is not None:
        p = res.patients.row(0, named=True)
        out.checks.append(Check.proportion(
            "korrekthet.pasienter", "korrekthet.pasienter", p["n_true_positive"],
            p["n_registered"], default_warn=warn, default_fail=fail, period=cs.period))
