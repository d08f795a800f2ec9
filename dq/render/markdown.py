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


def drop_empty(df: pl.DataFrame) -> pl.DataFrame:
    return df.select(c for c in df.columns if df[c].null_count() < df.height)
