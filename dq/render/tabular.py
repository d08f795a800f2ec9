"""CSV and Markdown: the same rows as the JSON ``results``."""

from __future__ import annotations

import polars as pl


def to_csv(df: pl.DataFrame) -> str:
    return df.write_csv()


def fmt_pct(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{100 * value:.{digits}f} %"


def fmt_ci(low: float | None, high: float | None, digits: int = 1) -> str:
    if low is None or high is None:
        return "–"
    return f"{100 * low:.{digits}f}–{100 * high:.{digits}f}"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value).replace("|", "\\|")


def markdown_table(df: pl.DataFrame) -> str:
    if df.is_empty():
        return "_No rows._\n"
    header = "| " + " | ".join(df.columns) + " |"
    rule = "|" + "|".join("---:" if df.schema[c].is_numeric() else "---" for c in df.columns) + "|"
    body = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in df.iter_rows()]
    return "\n".join([header, rule, *body]) + "\n"
