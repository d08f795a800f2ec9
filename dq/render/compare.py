"""Renderers of ``dq compare``: terminal, JSON, Markdown (a project report's results section), HTML."""

from __future__ import annotations

from typing import Any

import polars as pl

from dq.checks.model import DIMENSIONS, NAMES
from dq.render.numbers import num, pct
from dq.render.report import suppression_rule, title_of
from dq.render.text import html_text, md_cell, rich_text

WORDS = {
    "nb": {"title": "Før og etter", "baseline": "Før", "followup": "Etter", "change": "Endring",
           "ci": "95 % KI", "p": "p", "unit": "Enhet", "check": "Kontroll",
           "new_failure": "ny feil", "resolved": "løst", "persisting_failure": "vedvarende feil",
           "unchanged": "uendret", "improved": "bedre", "worsened": "verre", "added": "ny kontroll",
           "removed": "fjernet", "method": ("Forskjeller i andeler med Newcombes hybride "
                                            "score-intervall (1998) og z-test eller Fishers eksakte "
                                            "test; κ, α og AC1 med intervall fra standardfeilene. "
                                            "Enhetsrader er Holm-justert innen hver kontroll."),
           "national": "Nasjonalt", "none": "Ingen endringer.", "hidden": "prikket",
           "suppression": "Prikking", "notes": "Merknader"},
    "en": {"title": "Before and after", "baseline": "Baseline", "followup": "Follow-up",
           "change": "Change", "ci": "95 % CI", "p": "p", "unit": "Unit", "check": "Check",
           "new_failure": "new failure", "resolved": "resolved",
           "persisting_failure": "persisting failure", "unchanged": "unchanged",
           "improved": "improved", "worsened": "worsened", "added": "added", "removed": "removed",
           "method": ("Differences of proportions with Newcombe's hybrid score interval (1998) "
                      "and a z or Fisher's exact test; κ, α and AC1 with an interval from the "
                      "standard errors. Unit rows are Holm-adjusted within each check."),
           "national": "National", "none": "No changes.", "hidden": "suppressed",
           "suppression": "Small cells", "notes": "Notes"},
}
NOTABLE = ("new_failure", "worsened", "resolved", "improved", "persisting_failure", "added",
           "removed")


def _value(v: float | None, row: dict[str, Any], lang: str) -> str:
    if v is None:
        return "–"
    if row["id"].startswith("reliabilitet."):
        return num(v, lang, 3)
    if row["denominator_before"] is not None or row["denominator_after"] is not None:
        return pct(v, lang)
    return num(v, lang, 1)


def _diff(row: dict[str, Any], lang: str) -> str:
    d = row["difference"]
    if d is None:
        return "–"
    if row["id"].startswith("reliabilitet.") or row["denominator_before"] is None:
        text = num(d, lang, 3 if row["id"].startswith("reliabilitet.") else 1)
        ci = ("" if row["ci_low"] is None else
              f" ({num(row['ci_low'], lang, 3)} – {num(row['ci_high'], lang, 3)})")
        return ("+" if d > 0 else "") + text + ci
    text = num(100 * d, lang, 1) + " pp"
    ci = ("" if row["ci_low"] is None else
          f" ({num(100 * row['ci_low'], lang, 1)} – {num(100 * row['ci_high'], lang, 1)})")
    return ("+" if d > 0 else "") + text + ci


def _p(v: float | None, lang: str = "en") -> str:
    if v is None:
        return "–"
    return num(v, lang, 3) if v >= 0.001 else "<" + num(0.001, lang, 3)


def _title(row: dict[str, Any], lang: str) -> str:
    """The check's title in ``lang`` from the message catalogue where the result names its
    definition, else the title the result stored (English; also when a tampered result names
    a definition or parameters this dq does not know)."""
    import json

    try:
        source = json.loads(row.get("source") or "{}")
        if isinstance(source, dict) and source.get("definition"):
            return title_of({**source, **{k: v for k, v in row.items() if k != "source"}},
                            lang)
    except (KeyError, ValueError, TypeError, AttributeError, IndexError):
        pass
    return row["title"]


def _label(row: dict[str, Any], lang: str) -> str:
    """The check and unit, as text from the results: escape it for the format it goes into."""
    title = _title(row, lang)
    return f"{title} — {row['unit']}" if row["unit"] else title


def _change_text(row: dict[str, Any], lang: str) -> str:
    w = WORDS[lang]
    return w[row["change"]] + (f" ({w['hidden']})" if row.get("suppressed") else "")


def markdown(df: pl.DataFrame, before: str, after: str, warnings: list[str], lang: str,
             suppress_n: int | None = None) -> str:
    """``df`` is compare's published result: hidden rows are already null (never recomputed
    here). Every text that came from a file is escaped (``md_cell``)."""
    w = WORDS[lang]
    out = [f"# {w['title']}", "",
           f"{w['baseline']}: {md_cell(before)} · {w['followup']}: {md_cell(after)}", "",
           w["method"], ""]
    counts = {r["change"]: r["count"] for r in df["change"].value_counts().iter_rows(named=True)}
    out.append(", ".join(f"{w[c]}: {counts[c]}" for c in CHANGE_ORDER if counts.get(c)))
    out.append("")
    rank = pl.col("change").replace_strict({c: i for i, c in enumerate(CHANGE_ORDER)},
                                           return_dtype=pl.Int32)
    for dim in DIMENSIONS:
        part = df.filter(pl.col("dimension") == dim, pl.col("change").is_in(NOTABLE)).sort(
            rank, maintain_order=True)
        out += [f"## {NAMES[lang][dim]}", ""]
        if part.is_empty():
            out += [w["none"], ""]
            continue
        out += [f"| {w['check']} | {w['baseline']} | {w['followup']} | {w['change']} ({w['ci']}) "
                f"| p | |", "|---|---:|---:|---:|---:|---|"]
        for row in part.iter_rows(named=True):
            out.append(f"| {md_cell(_label(row, lang))} | {_value(row['before'], row, lang)} | "
                       f"{_value(row['after'], row, lang)} | {_diff(row, lang)} | "
                       f"{_p(row['p_adjusted'], lang)} | {_change_text(row, lang)} |")
        out.append("")
    if warnings:
        out += [f"**{w['notes']}**", ""]
        out += [f"- {md_cell(x)}" for x in warnings]
        out.append("")
    rule = suppression_rule(suppress_n, lang)
    if rule:
        out += [f"_{w['suppression']}: {md_cell(rule)}_", ""]
    return "\n".join(out)


def terminal(df: pl.DataFrame, console, lang: str, top: int, warnings: list[str]) -> None:  # noqa: ANN001
    from rich import box
    from rich.table import Table
    from rich.text import Text

    w = WORDS[lang]
    console.print(Text(w["title"], style="bold"))
    counts = {r["change"]: r["count"] for r in df["change"].value_counts().iter_rows(named=True)}
    console.print("  ".join(f"{w[c]}: {counts[c]}" for c in CHANGE_ORDER if counts.get(c)))
    style = {"new_failure": "bold red", "worsened": "red", "resolved": "green",
             "improved": "green", "persisting_failure": "yellow"}
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column(w["check"], overflow="fold", max_width=40)
    table.add_column(w["baseline"], justify="right", no_wrap=True)
    table.add_column(w["followup"], justify="right", no_wrap=True)
    table.add_column(w["change"], justify="right")
    table.add_column("", no_wrap=True)
    rank = pl.col("change").replace_strict({c: i for i, c in enumerate(NOTABLE)}, default=99,
                                           return_dtype=pl.Int32)
    notable = df.filter(pl.col("change").is_in(NOTABLE[:5])).sort(rank, "p_adjusted",
                                                                  nulls_last=True)
    for row in notable.head(top).iter_rows(named=True):
        table.add_row(rich_text(_label(row, lang)), _value(row["before"], row, lang),
                      _value(row["after"], row, lang), _diff(row, lang),
                      Text(_change_text(row, lang), style=style.get(row["change"], "")))
    console.print(table)
    if notable.height > top:
        console.print(f"… {notable.height - top} more; --format markdown or json", style="dim")
    console.print(w["method"], style="dim")
    for x in warnings:
        console.print(rich_text(f"warning: {x}", style="yellow"))


CHANGE_ORDER = ("new_failure", "worsened", "persisting_failure", "resolved", "improved",
                "unchanged", "added", "removed")


def to_html(df: pl.DataFrame, before: str, after: str, warnings: list[str], lang: str,
            suppress_n: int | None = None) -> str:
    w = WORDS[lang]
    esc = html_text
    rows = []
    for row in df.filter(pl.col("change").is_in(NOTABLE)).iter_rows(named=True):
        rows.append(f"<tr><td>{esc(NAMES[lang][row['dimension']])}</td><td>{esc(_label(row, lang))}"
                    f"</td><td>{esc(_value(row['before'], row, lang))}</td><td>"
                    f"{esc(_value(row['after'], row, lang))}</td><td>{esc(_diff(row, lang))}</td>"
                    f"<td>{esc(_p(row['p_adjusted'], lang))}</td>"
                    f"<td>{esc(_change_text(row, lang))}</td></tr>")
    notes = "".join(f"<li>{esc(x)}</li>" for x in warnings)
    rule = suppression_rule(suppress_n, lang)
    rule_html = f"<p>{esc(w['suppression'])}: {esc(rule)}</p>" if rule else ""
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{w["title"]}'
            "</title><style>body{font:15px/1.4 system-ui,sans-serif;max-width:1100px;margin:2rem auto;"
            "padding:0 1rem}table{border-collapse:collapse;width:100%}td,th{padding:.3rem .5rem;"
            "border-bottom:1px solid #eaeef2;text-align:left}</style></head><body>"
            f"<h1>{w['title']}</h1><p>{esc(w['baseline'])}: <code>{esc(before)}</code> · "
            f"{esc(w['followup'])}: <code>{esc(after)}</code></p><p>{esc(w['method'])}</p>"
            f"<table><tr><th></th><th>{w['check']}</th><th>{w['baseline']}</th><th>{w['followup']}"
            f"</th><th>{w['change']} ({w['ci']})</th><th>p</th><th></th></tr>{''.join(rows)}</table>"
            f"<ul>{notes}</ul>{rule_html}</body></html>\n")
