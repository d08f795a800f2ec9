"""Markdown documents: a heading, the method, then the same rows as the JSON results."""

from __future__ import annotations

import polars as pl

from dq.render.tabular import markdown_table


def completeness(result) -> str:  # noqa: ANN001 - CompletenessResult
    cols = ["variable", *result.keys, "n_applicable", "n_valid", "n_missing", "n_unknown",
            "n_invalid", "completeness", "ci_low", "ci_high", "completeness_nulls_only", "status"]
    parts = [
        "# Variable completeness\n",
        f"{result.n_finished} finished records of {result.n_records} read. Completeness = "
        "n_valid / n_applicable; `completeness_nulls_only` counts only empty values as missing. "
        f"95 % confidence intervals: {result.ci_method}.\n",
        markdown_table(result.rows.select(cols)),
    ]
    if not result.records.is_empty():
        parts += ["\n## Record-level completeness\n",
                  "Share of finished records with every applicable mandatory variable valid.\n",
                  markdown_table(result.records)]
    return "\n".join(parts)



def _suppressed_table(df: pl.DataFrame, counts: list[str], derived: list[str],
                      n: int | None) -> str:
    """Markdown table with hidden counts as "<n" and figures computed from them blank."""
    if not n:
        return markdown_table(df.drop([c for c in df.columns if c.endswith("__hidden")]))
    hide = pl.any_horizontal(pl.col(f"{c}__hidden") for c in counts)
    shown = df.with_columns(
        *(pl.when(pl.col(f"{c}__hidden")).then(pl.lit(f"<{n}"))
          .otherwise(pl.col(c).cast(pl.String)).alias(c) for c in counts),
        *(pl.when(hide).then(None).otherwise(pl.col(c)).alias(c) for c in derived
          if c in df.columns),
    )
    return markdown_table(shown.drop([c for c in shown.columns if c.endswith("__hidden")]))


def coverage(result, suppress_n: int | None) -> str:  # noqa: ANN001 - CoverageResult
    from dq.privacy import derived_columns, rule

    counts = result.count_columns
    derived = derived_columns(result.rows, counts, result.keys,
                              visible=("target", "status", "band"))
    if result.mode == "aggregate":
        cols = [*result.keys, *counts, "coverage", "ci_low", "ci_high", "band", "status"]
    else:
        cols = [*result.keys, *counts, "dg_registry", "dg_registry_ci_low", "dg_registry_ci_high",
                "dg_reference", "chapman_n", "chapman_ci_low", "chapman_ci_high",
                "chao_lower_bound", "chao_lower_bound_ci_low", "chao_lower_bound_ci_high",
                "status"]
    hidden = [c for c in result.rows.columns if c.endswith("__hidden")]
    parts = ["# Coverage (dekningsgrad)\n", result.method + "\n",
             "## National\n", markdown_table(result.national),
             "\n## Tilslutning (reporting units)\n", markdown_table(result.tilslutning),
             "\n## By unit\n",
             _suppressed_table(result.rows.select(*cols, *hidden), counts, derived, suppress_n)]
    if result.loglinear is not None:
        ll = result.loglinear
        parts.append(f"\nLog-linear estimate of the total, chosen by AIC ({ll.model}): "
                     f"{ll.n_hat:.0f} (95 % CI {ll.ci_low:.0f}–{ll.ci_high:.0f}, Wald on the log "
                     f"scale; profile likelihood {ll.profile_ci_low:.0f}–{ll.profile_ci_high:.0f},"
                     f" Cormack 1992), {ll.n_observed} observed; Chao's lower bound "
                     f"{ll.chao_lower_bound:.0f}.\n")
        if ll.models:
            models = pl.DataFrame([{"model": m.name, "n_hat": m.n_hat, "se": m.se,
                                    "deviance": m.deviance, "df": m.df, "aic": m.aic,
                                    "bic": m.bic} for m in ll.models])
            parts.append("Models (Rcapture's table):\n\n" + markdown_table(models))
    if result.not_reporting:
        parts.append("\n**Not reporting:** " + ", ".join(result.not_reporting) + "\n")
    if result.warnings:
        parts.append("\n**Warnings**\n\n" + "".join(f"- {w}\n" for w in result.warnings))
    if suppress_n:
        parts.append("\n_" + rule(suppress_n) + "_\n")
    return "\n".join(parts)


def reliability(result) -> str:  # noqa: ANN001 - ReliabilityResult
    cols = ["variable", "statistic", "estimate", "se", "ci_low", "ci_high", "n_cases", "n_raters",
            "label", "status", "note"]
    boot = (f"Percentile bootstrap over cases ({result.bootstrap} resamples, seed {result.seed})."
            if result.bootstrap else "Asymptotic standard errors; the method of each is in the "
            "JSON output (`se_method`).")
    parts = ["# Inter-rater reliability\n", boot + " Labels: Landis & Koch (1977) for κ, α and "
             "AC1; Koo & Li (2016) for ICC.\n", markdown_table(result.rows.select(cols))]
    if result.warnings:
        parts.append("\n**Warnings**\n\n" + "".join(f"- {w}\n" for w in result.warnings))
    return "\n".join(parts)


def correctness(result) -> str:  # noqa: ANN001 - CorrectnessResult
    cols = [c for c in ["variable", "type", "level", "unit", "n", "n_correct", "share_correct",
                        "ci_low", "ci_high", "mean_abs_deviation", "max_abs_deviation",
                        "sensitivity", "specificity", "ppv", "npv", "status"]
            if c in result.rows.columns]
    parts = ["# Correctness against the medical record\n",
             "Share of registrations that agree with the record (Wilson 95 % CI); numbers and "
             "dates within the variable's tolerance count as agreeing.\n",
             markdown_table(result.rows.select(cols))]
    if result.patients is not None:
        parts += ["\n## Correct patients\n", markdown_table(result.patients)]
    if result.warnings:
        parts.append("\n**Warnings**\n\n" + "".join(f"- {w}\n" for w in result.warnings))
    return "\n".join(parts)
