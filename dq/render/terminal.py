"""Rich terminal output: worst first, coloured by status, numerator and denominator visible.

Fits 80 columns; plain text (no colour, no box characters beyond ASCII) when stdout is not a
terminal.
"""

from __future__ import annotations

import polars as pl
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from dq.render.tabular import fmt_ci, fmt_pct

STATUS_STYLE = {"fail": "bold red", "warn": "yellow", "pass": "green", "info": "dim",
                "not_assessed": "dim"}
STATUS_RANK = {"fail": 0, "warn": 1, "pass": 2, "info": 3, "not_assessed": 4}


def status_text(status: str) -> Text:
    return Text(status.replace("_", " "), style=STATUS_STYLE.get(status, ""))


def _group_label(row: dict[str, object], keys: list[str]) -> str:
    parts = []
    level = row.get("level")
    if level == "national":
        parts.append("National")
    elif level == "rhf":
        parts.append(str(row.get("rhf")))
    elif level == "hf":
        parts.append(str(row.get("hf")))
    elif level == "unit":
        name = row.get("unit_name")
        parts.append(str(name) if name else str(row.get("unit")))
    for key in keys:
        if key not in ("level", "unit", "unit_name", "hf", "rhf"):
            value = row.get(key)
            value = "(missing)" if value is None else value
            parts.append(str(value) if key == "year" else f"{key}={value}")
    return " ".join(parts)


def _count(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def worst_first(df: pl.DataFrame, estimate: str = "completeness") -> pl.DataFrame:
    rank = pl.col("status").replace_strict(STATUS_RANK, default=5, return_dtype=pl.Int8)
    return df.sort([rank, pl.col(estimate)], nulls_last=True)


def completeness(result, console: Console, top: int) -> None:  # noqa: ANN001 - CompletenessResult
    rows = result.rows
    keys = result.keys
    statuses = rows["status"].value_counts()
    counts = dict(zip(statuses["status"], statuses["count"], strict=True))
    title = "Variable completeness (Kompletthet → variabelkompletthet)"
    console.print(Text(title, style="bold"))
    console.print(
        f"{_count(result.n_finished)} finished records of {_count(result.n_records)} read; "
        f"{rows['variable'].n_unique()} variables; CI: {result.ci_method} 95 %"
    )
    shown = worst_first(rows).head(top)
    grouped = bool(keys)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, expand=False)
    table.add_column("Variable", overflow="fold", max_width=22)
    if grouped:
        table.add_column("Group", overflow="fold", max_width=24)
    table.add_column("valid/N", justify="right")
    table.add_column("Compl.", justify="right")
    table.add_column("95 % CI", justify="right")
    table.add_column("unk/inv", justify="right")
    table.add_column("Status")
    for row in shown.iter_rows(named=True):
        cells = [row["variable"]]
        if grouped:
            cells.append(_group_label(row, keys))
        cells += [f"{_count(row['n_valid'])}/{_count(row['n_applicable'])}",
                  fmt_pct(row["completeness"]), fmt_ci(row["ci_low"], row["ci_high"]),
                  f"{_count(row['n_unknown'])}/{_count(row['n_invalid'])}"]
        table.add_row(*cells, status_text(row["status"]))
    console.print(table)
    if rows.height > shown.height:
        console.print(f"Showing the {shown.height} worst of {rows.height} rows; --top N shows more, "
                      "--format csv all.", style="dim")
    rec = result.records
    if not rec.is_empty():
        whole = rec.filter(pl.col("level") == "national") if "level" in rec.columns else rec
        if whole.height == 1:
            r = whole.row(0, named=True)
            console.print(
                f"Record-level completeness (all mandatory variables valid): "
                f"{_count(r['n_complete'])}/{_count(r['n_records'])} = {fmt_pct(r['completeness'])} "
                f"(95 % CI {fmt_ci(r['ci_low'], r['ci_high'])})")
    if result.unmatched_units:
        console.print(Text(f"{len(result.unmatched_units)} unit(s) not in the unit table, rolled up "
                           f"as (unmatched): {', '.join(result.unmatched_units[:10])}",
                           style="yellow"))
    summary = Text("Summary: ")
    for status in ("fail", "warn", "pass", "info", "not_assessed"):
        if counts.get(status):
            summary.append(f"{counts[status]} {status.replace('_', ' ')}  ",
                           style=STATUS_STYLE[status])
    console.print(summary)
    console.print(f"Rows with fewer than {result.min_n} applicable records are shown but not "
                  "graded (info).", style="dim")
