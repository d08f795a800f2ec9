"""Rich terminal output: worst first, coloured by status, numerator and denominator visible.

Fits 80 columns; plain text (no colour, no box characters beyond ASCII) when stdout is not a
terminal.
"""

from __future__ import annotations

import math

import polars as pl
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from dq.render.tabular import fmt_ci, fmt_pct
from dq.grading import RANK
from dq.render.text import plain

STATUS_STYLE = {"fail": "bold red", "warn": "yellow", "pass": "green", "info": "dim",
                "not_assessed": "dim"}
STATUS_RANK = RANK  # the one ranking of statuses (dq.grading)


def _s(value: object) -> Text:
    """A name from the data or the spec as terminal text: never Rich markup, no control
    characters."""
    return Text(plain(value))


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
        cells: list[str | Text] = [_s(row["variable"])]
        if grouped:
            cells.append(_s(_group_label(row, keys)))
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
                           f"as (unmatched): {plain(', '.join(result.unmatched_units[:10]))}",
                           style="yellow"))
    summary = Text("Summary: ")
    for status in ("fail", "warn", "pass", "info", "not_assessed"):
        if counts.get(status):
            summary.append(f"{counts[status]} {status.replace('_', ' ')}  ",
                           style=STATUS_STYLE[status])
    console.print(summary)
    console.print(f"Rows with fewer than {result.min_n} applicable records are shown but not "
                  "graded (info).", style="dim")


def bar(value: float | None, width: int = 10) -> Text:
    """A coverage bar: filled to the value, capped at 100 %; over 100 % ends in '+'."""
    if value is None:
        return Text(" " * width)
    filled = round(min(value, 1.0) * width)
    style = "green" if value >= 0.8 else "yellow" if value >= 0.6 else "red"
    text = Text("█" * filled, style=style)
    text.append("░" * (width - filled), style="dim")
    if value > 1:
        text.append("+", style="bold yellow")
    return text


def _count_cell(row: dict[str, object], col: str, n_suppress: int | None) -> str:
    if n_suppress and row.get(f"{col}__hidden"):
        return f"<{n_suppress}"
    value = row.get(col)
    return "–" if value is None else _count(int(value))  # type: ignore[call-overload]


def coverage(result, console: Console, top: int, suppress_n: int | None) -> None:  # noqa: ANN001
    opts = result.options
    title = ("Coverage (Kompletthet → dekningsgrad), "
             + ("aggregate against reference counts" if result.mode == "aggregate"
                else "by record linkage"))
    console.print(Text(title, style="bold"))
    console.print(result.method, style="dim")
    linkage = result.mode == "linkage"
    denominator = "n_union" if linkage else "n_reference"
    for row in result.national.iter_rows(named=True):
        scope = "all units" if row["scope"] == "all_units" else "reporting units only"
        period = f" {row['year']}" if "year" in row else ""
        figure = "DG registry" if linkage else "coverage"
        console.print(f"National{period}, {scope}: {figure} {_count(row['n_registry'])}/"
                      f"{_count(row[denominator])} = {fmt_pct(row['coverage'])} "
                      f"(95 % CI {fmt_ci(row['ci_low'], row['ci_high'])}, {row['units']} units)")
        if linkage and row["scope"] == "all_units":
            console.print(
                f"  only registry {_count(row['only_registry'])}, only reference "
                f"{_count(row['only_reference'])}, both {_count(row['both'])}; DG reference "
                f"{fmt_pct(row['dg_reference'])}; Chapman N̂ {_count(round(row['chapman_n']))} "
                f"(95 % CI {_count(round(row['chapman_ci_low']))}–"
                f"{_count(round(row['chapman_ci_high']))}), Chao's lower bound "
                f"{_total(row['chao_lower_bound'], row['chao_lower_bound_ci_low'], row['chao_lower_bound_ci_high'])}"
                "; registry completeness "
                f"{fmt_pct(row['registry_completeness'])} (95 % CI "
                f"{fmt_ci(row['registry_completeness_ci_low'], row['registry_completeness_ci_high'])})")
    total = result.tilslutning.filter(pl.col("rhf") == "National")
    for row in total.iter_rows(named=True):
        period = f" {row['year']}" if "year" in row else ""
        console.print(f"Tilslutning{period}: {row['units_reporting']}/{row['units_in_reference']} "
                      f"units report = {fmt_pct(row['tilslutning'])} "
                      f"(95 % CI {fmt_ci(row['ci_low'], row['ci_high'])})")
    if result.loglinear is not None:
        _loglinear(result.loglinear, console)
    rows = result.rows
    lowest = rows["level"][0] if rows.height else "national"
    units_only = rows.filter(pl.col("level") == lowest) if lowest != "national" else rows.clear()
    shown = worst_first(units_only, "coverage").head(top)
    keys = result.keys
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("Unit", overflow="fold", max_width=24)
    table.add_column("reg/all" if linkage else "reg/ref", justify="right")
    table.add_column("Cover.", justify="right")
    table.add_column("95 % CI", justify="right")
    table.add_column("", no_wrap=True)
    table.add_column("Status")
    for row in shown.iter_rows(named=True):
        hidden = suppress_n and any(row.get(f"{c}__hidden") for c in ("n_registry", denominator))
        value = None if hidden else row["coverage"]
        mark = " lav" if row["low_coverage"] and not hidden else ""
        mark = " ≠" if row["mismatch"] and not hidden else mark
        table.add_row(_s(_group_label(row, keys)),
                      f"{_count_cell(row, 'n_registry', suppress_n)}/"
                      f"{_count_cell(row, denominator, suppress_n)}",
                      fmt_pct(value), "–" if hidden else fmt_ci(row["ci_low"], row["ci_high"]),
                      bar(value), status_text(row["status"]) + Text(mark, style="red"))
    if shown.height:
        console.print(table)
    if units_only.height > shown.height:
        console.print(f"Showing the {shown.height} worst of {units_only.height} {lowest} rows; "
                      "--top N shows more, --format csv all levels.", style="dim")
    if result.not_reporting:
        console.print(Text(f"Not reporting ({len(result.not_reporting)}): "
                           + plain(", ".join(result.not_reporting)), style="yellow"))
    for warning in result.warnings:
        console.print(Text(f"warning: {plain(warning)}", style="yellow"))
    console.print("lav = below the low-coverage mark (" + fmt_pct(result.options.low, 0)
                  + "), ≠ = registry counts more than the reference (definition mismatch); "
                  f"target {fmt_pct(opts.target, 0)}.", style="dim")
    if suppress_n:
        from dq.privacy import rule

        console.print(rule(suppress_n), style="dim")


def _whole(x: float | None) -> str:
    """An estimated total as a whole number; an infinite or missing value is '–'."""
    return "–" if x is None or not math.isfinite(x) else _count(round(x))


def _total(n: float | None, low: float | None, high: float | None) -> str:
    return f"{_whole(n)} (95 % CI {_whole(low)}–{_whole(high)})"


def _fixed(x: float, digits: int) -> str:
    return f"{x:.{digits}f}" if math.isfinite(x) else "–"


def _loglinear(ll, console: Console) -> None:  # noqa: ANN001 - capture.LogLinearResult
    """Three or more sources: the chosen model's total with both intervals, Chao's lower bound
    and Rcapture's model table (the model-uncertainty warning comes with the warnings)."""
    console.print(f"Log-linear estimate ({len(ll.sources)} sources, {_count(ll.n_observed)} "
                  f"observed), chosen by AIC: {plain(ll.model)}, total "
                  f"{_total(ll.n_hat, ll.ci_low, ll.ci_high)} (Wald on the log scale), profile "
                  f"likelihood CI {_whole(ll.profile_ci_low)}–{_whole(ll.profile_ci_high)} "
                  f"(Cormack 1992); Chao's lower bound {_whole(ll.chao_lower_bound)}")
    if not ll.models:
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, padding=(0, 1, 0, 0))
    for name, justify in (("Model", "left"), ("N̂", "right"), ("SE", "right"),
                          ("Deviance", "right"), ("df", "right"), ("AIC", "right"),
                          ("BIC", "right")):
        table.add_column(name, justify=justify, no_wrap=name != "Model")  # type: ignore[arg-type]
    for m in ll.models:
        table.add_row(_s(m.name), _fixed(m.n_hat, 1), _fixed(m.se, 1), _fixed(m.deviance, 2),
                      str(m.df), _fixed(m.aic, 2), _fixed(m.bic, 2))
    console.print(table)


def _num(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def reliability(result, console: Console) -> None:  # noqa: ANN001 - ReliabilityResult
    console.print(Text("Inter-rater reliability (Reliabilitet)", style="bold"))
    boot = (f"percentile bootstrap, {result.bootstrap} resamples of cases, seed {result.seed}"
            if result.bootstrap else "asymptotic SEs (see se_method in JSON)")
    console.print(f"95 % CIs: {boot}. Labels: Landis & Koch 1977 (κ, α, AC1), Koo & Li 2016 (ICC).",
                  style="dim")
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, padding=(0, 1, 0, 0))
    table.add_column("Variable / statistic", no_wrap=True)
    table.add_column("Est.", justify="right", no_wrap=True)
    table.add_column("95 % CI", justify="right", no_wrap=True)
    table.add_column("n", justify="right")
    table.add_column("Label", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    last = None
    for row in result.rows.iter_rows(named=True):
        if row["variable"] != last:
            last = row["variable"]
            table.add_row(Text(plain(f"{row['variable']} ({row['level']})"), style="bold"), "", "", "",
                          "", "")
        ci = ("–" if row["ci_low"] is None else f"{row['ci_low']:.2f}–{row['ci_high']:.2f}")
        label = {"almost perfect": "almost perf."}.get(row["label"] or "", row["label"] or "")
        table.add_row("  " + row["statistic"], _num(row["estimate"]), ci, str(row["n_cases"]),
                      label, status_text(row["status"]))
    console.print(table)
    for warning in result.warnings:
        console.print(Text(f"warning: {plain(warning)}", style="yellow"))


def correctness(result, console: Console) -> None:  # noqa: ANN001 - CorrectnessResult
    console.print(Text("Correctness against the medical record (Korrekthet)", style="bold"))
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("Variable", overflow="fold", max_width=18)
    if "unit" in result.keys:
        table.add_column("Unit", overflow="fold", max_width=14)
    table.add_column("correct/n", justify="right")
    table.add_column("Share", justify="right")
    table.add_column("95 % CI", justify="right")
    table.add_column("Detail", no_wrap=True)
    table.add_column("Status")
    for row in worst_first(result.rows, "share_correct").iter_rows(named=True):
        if row["type"] == "binary" and row["sensitivity"] is not None:
            sens, spec = row["sensitivity"], row["specificity"]
            detail = (f"sens {100 * sens:.0f}%" if sens is not None else "sens –") + (
                f" spec {100 * spec:.0f}%" if spec is not None else " spec –")
        elif row["max_abs_deviation"] is not None:
            detail = f"|Δ| mean {row['mean_abs_deviation']:.2g} max {row['max_abs_deviation']:.3g}"
        else:
            detail = ""
        cells: list[str | Text] = [_s(row["variable"])]
        if "unit" in result.keys:
            cells.append(_s(row.get("unit") or "National"))
        cells += [f"{_count(row['n_correct'])}/{_count(row['n'])}", fmt_pct(row["share_correct"]),
                  fmt_ci(row["ci_low"], row["ci_high"]), detail]
        table.add_row(*cells, status_text(row["status"]))
    console.print(table)
    if result.patients is not None:
        p = result.patients.row(0, named=True)
        console.print(f"Correct patients: {p['n_true_positive']}/{p['n_registered']} = "
                      f"{fmt_pct(p['correct_patients'])} (95 % CI {fmt_ci(p['ci_low'], p['ci_high'])})")
    problems = result.rows.filter(pl.col("problem_variable") & (pl.col("level") == "national"))
    if problems.height:
        console.print(Text("Problem variables (below the threshold): "
                           + plain(", ".join(problems["variable"].to_list())), style="yellow"))
    for warning in result.warnings:
        console.print(Text(f"warning: {plain(warning)}", style="yellow"))
