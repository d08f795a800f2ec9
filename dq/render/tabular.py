"""CSV and Markdown: the same rows as the JSON ``results``.

Both are opened by people in tools that act on text: a spreadsheet runs a CSV cell that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return as a formula (``=HYPERLINK(...)`` in a
column or unit name), and a Markdown viewer renders HTML and images. So text cells and headers
are neutralised here (OWASP "CSV injection": a leading single quote), and Markdown cells escaped.
Numbers are left alone: a negative number stays a number.
"""

from __future__ import annotations

import re

import polars as pl

from dq.render.text import md_cell, plain

# A cell a spreadsheet would run as a formula (OWASP: = + - @ tab CR).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_RE = r"^[=+\-@\t\r]"
# Text that is a plain number ("-1", "+3,5", "-2.5e3"): a spreadsheet reads it as that number,
# not a formula, and quoting it would turn the number into text.
_NUMBER_RE = r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$"


_UNSAFE_RE = r"[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]"  # what dq.render.text.plain shows as escapes


def neutralise(text: str) -> str:
    """One CSV cell or header: control and bidi characters shown as escapes (``\\x1b``), then
    prefixed with ``'`` when a spreadsheet would run it as a formula."""
    text = plain(text)
    if text.startswith(FORMULA_START) and not re.match(_NUMBER_RE, text):
        return "'" + text
    return text


def _safe_text(df: pl.DataFrame, column: str) -> pl.Expr:
    col = pl.col(column)
    unsafe = df.filter(col.str.contains(_UNSAFE_RE))[column].unique().drop_nulls().to_list()
    if unsafe:
        col = col.replace({v: plain(v) for v in unsafe})
    return (pl.when(col.str.contains(_FORMULA_RE) & ~col.str.contains(_NUMBER_RE))
            .then(pl.lit("'") + col).otherwise(col).alias(column))


def to_csv(df: pl.DataFrame) -> str:
    """``df`` as CSV, safe to open in a spreadsheet: in every text cell and header, control and
    bidi characters are shown as escapes and a formula is prefixed with ``'`` (numbers, and text
    that is a plain number such as ``-1``, are left as they are)."""
    text_cols = [c for c, t in df.schema.items()
                 if t == pl.String or isinstance(t, pl.Categorical | pl.Enum)]
    safe = df.with_columns(pl.col(c).cast(pl.String) for c in text_cols)
    safe = safe.with_columns(_safe_text(safe, c) for c in text_cols)
    return safe.rename({c: neutralise(c) for c in safe.columns}).write_csv()


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
    return md_cell(str(value))


def markdown_table(df: pl.DataFrame) -> str:
    if df.is_empty():
        return "_No rows._\n"
    header = "| " + " | ".join(md_cell(c) for c in df.columns) + " |"
    rule = "|" + "|".join("---:" if df.schema[c].is_numeric() else "---" for c in df.columns) + "|"
    body = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in df.iter_rows()]
    return "\n".join([header, rule, *body]) + "\n"


def results_csv(results: list[dict[str, object]]) -> str:
    """``dq report --format csv``: one line per check and unit, the JSON ``results`` with
    nested values (a check's parameters, the trend) as JSON text, safe for a spreadsheet."""
    import json

    flat = [{k: (json.dumps(v, ensure_ascii=False, sort_keys=True)
                 if isinstance(v, dict | list) else v) for k, v in row.items()}
            for row in results]
    columns = list(dict.fromkeys(k for row in flat for k in row))
    schema = {c: pl.String for c in columns}
    df = pl.DataFrame([{c: (None if row.get(c) is None else str(row.get(c))) for c in columns}
                       for row in flat], schema=schema, orient="row")
    numeric = [c for c in ("numerator", "denominator", "estimate", "ci_low", "ci_high", "se",
                           "warn", "fail", "previous", "change") if c in columns]
    df = df.with_columns(pl.col(c).cast(pl.Float64, strict=False) for c in numeric)
    return to_csv(df)
