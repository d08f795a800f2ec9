"""Renderers of ``dq compare`` — terminal, Markdown and HTML — as the results section of a
project report: the registry, both runs' dates and periods, then what improved (with CIs), what
got worse, what stayed the same, and the checks that came or went. Every word from the message
catalogue (``dq.messages.SUB``, keys ``cmp.*`` and ``change.*``); numbers in the language's
typography. ``df`` is compare's published result: hidden rows are already null."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from dq.checks.model import NAMES
from dq.messages import MINUS, SUB, counted, render, sub
from dq.render.numbers import SHARE_STATISTICS, count, num, pct, span
from dq.render.report import suppression_rule, title_of
from dq.render.text import html_text, md_cell, plain
from dq.units import group_word

BETTER = ("resolved", "improved")
WORSE = ("new_failure", "worsened")
NOTABLE = (*WORSE, *BETTER, "persisting_failure", "added", "removed")


def method_text(lang: str) -> str:
    return sub("cmp.method", lang)


def _signed(text: str) -> str:
    return text.replace("-", MINUS)


def _source(row: dict[str, Any]) -> dict[str, Any]:
    try:
        source = json.loads(row.get("source") or "{}")
    except ValueError:
        return {}
    return source if isinstance(source, dict) else {}


def _is_shift(row: dict[str, Any]) -> bool:
    return row["unit"] is not None and row["id"].startswith("sammenlignbarhet.skift.")


def _coefficient(row: dict[str, Any]) -> bool:
    """An agreement coefficient (κ, AC1, ICC …): three decimals; observed agreement, a share
    of cases, is written as a percentage like every other share."""
    return row["id"].startswith("reliabilitet.") and \
        row["id"].rsplit(".", 1)[-1] not in SHARE_STATISTICS


def _side(row: dict[str, Any], side: str, lang: str) -> tuple[str, str]:
    """One run's figure as (one line, two lines): a share with its numerator and denominator
    ("16/29 = 55,2 %"; in the terminal's narrow form the share, then "16/29" below it), a
    coefficient with its n, a shift with its years. ``side``: "before" or "after"."""
    v = row[side]
    if v is None:  # hidden (its counts too), or not in this run
        return "–", "–"
    x, n = row[f"numerator_{side}"], row[f"denominator_{side}"]
    if _is_shift(row):  # a shift between two years: signed percentage points, with its years
        values = _source(row).get("values") or {}
        change = render("{change:pp}", lang, {"change": v})
        if isinstance(values, dict) and {"year0", "year1"} <= set(values):
            years = render(SUB["cmp.shift"][lang], lang,
                           {"change": v, "year0": values["year0"], "year1": values["year1"]})
            return years, change + "\n" + years[len(change):].lstrip()
        return change, change
    if _coefficient(row):
        text = _signed(num(v, lang, 3))
        if n is None:
            return text, text
        return f"{text} (n = {count(n, lang)})", f"{text}\nn = {count(n, lang)}"
    if row["denominator_before"] is not None or row["denominator_after"] is not None or \
            row["id"].startswith("reliabilitet."):
        share = pct(v, lang)
        if x is not None and n is not None and n > 0 and abs(x / n - v) < 1e-9:
            counts = f"{count(x, lang)}/{count(n, lang)}"
            return f"{counts} = {share}", f"{share}\n{counts}"
        if n is not None:  # a weighted share: no ratio of these counts
            return f"{share} (n = {count(n, lang)})", f"{share}\nn = {count(n, lang)}"
        return share, share
    text = _signed(num(v, lang, 1))
    return text, text


def _value(row: dict[str, Any], side: str, lang: str) -> str:
    return _side(row, side, lang)[0]


def _diff_parts(row: dict[str, Any], lang: str) -> tuple[str, str]:
    """The change and, after it, its 95 % CI — or, for a full count, that it is one."""
    d = row["difference"]
    if d is None:
        return "–", ""
    low, high = row["ci_low"], row["ci_high"]
    note = f"({sub('cmp.full_count', lang)})" if row.get("enumeration") else ""
    share = row["id"].startswith("reliabilitet.") and not _coefficient(row)
    if _coefficient(row) or row["denominator_before"] is None and not share:
        digits = 3 if _coefficient(row) else 1
        text = ("+" if d > 0 else "") + _signed(num(d, lang, digits))
        if low is not None and high is not None:
            note = "(" + span(_signed(num(low, lang, digits)),
                              _signed(num(high, lang, digits)), lang) + ")"
        return text, note
    text = render("{d:pp}", lang, {"d": d})
    if low is not None and high is not None:
        note = "(" + span(_signed(num(100 * low, lang, 1)), _signed(num(100 * high, lang, 1)),
                          lang) + ")"
    return text, note


def _diff(row: dict[str, Any], lang: str) -> str:
    return " ".join(p for p in _diff_parts(row, lang) if p)


def _p(v: float | None, lang: str) -> str:
    if v is None:
        return "–"
    return num(v, lang, 3) if v >= 0.001 else "<" + num(0.001, lang, 3)


def _title(row: dict[str, Any], lang: str) -> str:
    """The check's title in ``lang`` from the message catalogue where the result names its
    definition, else the title the result stored (English; also when a tampered result names
    a definition or parameters this dq does not know)."""
    source = _source(row)
    try:
        if source.get("definition"):
            return title_of({**source, **{k: v for k, v in row.items() if k != "source"}},
                            lang)
    except (KeyError, ValueError, TypeError, AttributeError, IndexError):
        pass
    return row["title"]


def _label(row: dict[str, Any], lang: str) -> str:
    """The check and unit, as text from the results: escape it for the format it goes into."""
    title = _title(row, lang)
    return f"{title} — {group_word(row['unit'], lang)}" if row["unit"] else title


def _outcome(row: dict[str, Any], lang: str) -> str:
    return sub(f"change.{row['change']}", lang) + (
        f" ({sub('cmp.hidden', lang)})" if row.get("suppressed") else "")


# ------------------------------------------------------------------------------ structure


@dataclass(frozen=True)
class Run:
    """What the header says of one result: its file, the date it was run, its period."""

    file: str
    run: str
    period: str


def _run(result: Any, name: str, lang: str) -> Run:
    started = str(result.doc.get("manifest", {}).get("run_started") or "")
    try:
        day = render("{d:date}", lang, {"d": date.fromisoformat(started[:10])})
    except ValueError:
        day = "–"
    period = result.doc.get("period")
    return Run(plain(name), day, plain(period) if period else "–")


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    rows: list[dict[str, Any]]
    lines: list[str]  # sentences after the table


def _rank(changes: tuple[str, ...]) -> pl.Expr:
    return pl.col("change").replace_strict({c: i for i, c in enumerate(changes)}, default=99,
                                           return_dtype=pl.Int32)


def sections(df: pl.DataFrame, lang: str) -> list[Section]:
    """Improvements first (resolved, then improved; most significant first), deteriorations,
    what stayed the same (failures in both runs listed, the rest counted), checks added or
    removed."""
    from dq.checks.model import DIMENSIONS

    dim = pl.col("dimension").replace_strict({d: i for i, d in enumerate(DIMENSIONS)},
                                             default=99, return_dtype=pl.Int32)

    def pick(changes: tuple[str, ...]) -> list[dict[str, Any]]:
        part = df.filter(pl.col("change").is_in(changes))
        return part.sort([_rank(changes), dim, "p_adjusted"], nulls_last=True,
                         maintain_order=True).to_dicts()

    unchanged = int((df["change"] == "unchanged").sum())
    same_lines = [sub("cmp.unchanged_line", lang, n=counted(unchanged, "check", lang))]
    return [Section("better", sub("cmp.h.better", lang), pick(BETTER), []),
            Section("worse", sub("cmp.h.worse", lang), pick(WORSE), []),
            Section("same", sub("cmp.h.same", lang), pick(("persisting_failure",)), same_lines),
            Section("changed_set", sub("cmp.h.changed_set", lang), pick(("added", "removed")),
                    [])]


def _counts(df: pl.DataFrame, lang: str) -> str:
    from dq.compare import counts

    got = counts(df)
    order = (*BETTER, *WORSE, "persisting_failure", "unchanged", "added", "removed")
    return ", ".join(f"{sub(f'change.{c}', lang)} {count(got[c], lang)}" for c in order
                     if got.get(c))


def _cells(row: dict[str, Any], lang: str) -> list[str]:
    return [NAMES[lang].get(row["dimension"], row["dimension"]), _label(row, lang),
            _value(row, "before", lang), _value(row, "after", lang), _diff(row, lang),
            _p(row["p_adjusted"], lang), _outcome(row, lang)]


def _narrow_cells(row: dict[str, Any], lang: str, outcome: int) -> list[str]:
    """The terminal's cells when one line each is too wide: every figure over two lines (the
    share above its n/N, the change above its CI), the outcome in lines of at most ``outcome``
    characters, so the check's name keeps the room."""
    import textwrap

    return [_label(row, lang), _side(row, "before", lang)[1], _side(row, "after", lang)[1],
            "\n".join(p for p in _diff_parts(row, lang) if p),
            "\n".join(textwrap.wrap(_outcome(row, lang), outcome, break_long_words=False))]


def _headers(lang: str) -> list[tuple[str, str]]:
    return [(sub("cmp.dimension", lang), "left"), (sub("cmp.check", lang), "left"),
            (sub("cmp.baseline", lang), "right"), (sub("cmp.followup", lang), "right"),
            (sub("cmp.change", lang), "right"), (sub("cmp.p", lang), "right"),
            (sub("cmp.outcome", lang), "left")]


def _title_line(registry: Any, lang: str) -> str:
    return (sub("cmp.title_registry", lang, registry=plain(registry)) if registry
            else sub("cmp.title", lang))


# ------------------------------------------------------------------------------ Markdown


def markdown(df: pl.DataFrame, before: Any, after: Any, warnings: list[str], lang: str,
             suppress_n: int | None = None) -> str:
    """``before``/``after``: the stored results (dq.compare.Result). Every text that came from
    a file is escaped (``md_cell``)."""
    from dq.render.markdown import Data, table

    b, a = _run(before, before.path.name, lang), _run(after, after.path.name, lang)
    out = [f"# {md_cell(_title_line(after.doc.get('registry'), lang))}", "",
           table([("", "left"), (sub("cmp.baseline", lang), "left"),
                  (sub("cmp.followup", lang), "left")],
                 [[sub("cmp.run", lang), b.run, a.run],
                  [sub("cmp.period", lang), Data(b.period), Data(a.period)],
                  [sub("cmp.file", lang), Data(b.file), Data(a.file)]], lang),
           method_text(lang), "", f"**{sub('cmp.counts', lang)}:** {_counts(df, lang)}", ""]
    for section in sections(df, lang):
        out += [f"## {section.title}", ""]
        if section.rows:
            out.append(table(_headers(lang),
                             [[c if i != 1 else Data(c) for i, c in enumerate(_cells(r, lang))]
                              for r in section.rows], lang))
        elif not section.lines:
            out += [sub("cmp.none", lang), ""]
        out += [*section.lines, ""] if section.lines else []
    if warnings:
        out += [f"**{sub('notes', lang)}**", ""]
        out += [f"- {md_cell(x)}" for x in warnings]
        out.append("")
    rule = suppression_rule(suppress_n, lang)
    if rule:
        out += [f"_{sub('suppression', lang)}: {md_cell(rule)}_", ""]
    return "\n".join(out)


# ------------------------------------------------------------------------------ terminal


def terminal(df: pl.DataFrame, console: Any, lang: str, top: int, warnings: list[str],
             before: Any = None, after: Any = None, suppress_n: int | None = None) -> None:
    from rich.text import Text

    from dq.render.terminal import print_table, say, table_width, wrapping_fits

    style = {"new_failure": "bold red", "worsened": "red", "resolved": "green",
             "improved": "green", "persisting_failure": "yellow"}
    registry = after.doc.get("registry") if after is not None else None
    say(console, Text(_title_line(registry, lang), style="bold"))
    if before is not None and after is not None:
        b, a = _run(before, before.path.name, lang), _run(after, after.path.name, lang)
        for label, x, y in ((sub("cmp.run", lang), b.run, a.run),
                            (sub("cmp.period", lang), b.period, a.period)):
            say(console, f"{label}: {sub('cmp.baseline', lang)} {x} · "
                         f"{sub('cmp.followup', lang)} {y}")
    say(console, f"{sub('cmp.counts', lang)}: {_counts(df, lang)}")
    left = top
    hidden = 0
    # the dimension and p columns are left to Markdown, HTML and JSON: the terminal has room for
    # the check, both figures with their n/N, the change with its CI, and the outcome
    headers = [h for i, h in enumerate(_headers(lang)) if i not in (0, 5)]
    narrow = [(t.replace(" (", "\n(", 1), j) for t, j in headers]  # "Change\n(95 % CI)"
    # the outcome over lines no wider than its longest word ("persisting\nfailure")
    outcome = max(len(w) for w in (headers[-1][0], *(
        word for c in df["change"].unique().to_list()
        for word in sub(f"change.{c}", lang).split()), f"({sub('cmp.hidden', lang)})"))
    for section in sections(df, lang):
        if section.key == "changed_set":
            hidden += len(section.rows)
            continue
        console.print()
        say(console, Text(section.title, style="bold"))
        shown, rest = section.rows[:left], section.rows[left:]
        left -= len(shown)
        hidden += len(rest)

        def table_rows(cells_of: Any) -> list[list[str | Text]]:
            rows: list[list[str | Text]] = []
            for r in shown:
                cells = cells_of(r)
                rows.append([Text(plain(cells[0])), *cells[1:4],
                             Text(cells[4], style=style.get(r["change"], ""))])
            return rows

        # one line a row where it fits; else the figures over two lines, so that the check's
        # name keeps the room (80 columns); narrower still, print_table's list of one-line cells
        rows = table_rows(lambda r: [c for i, c in enumerate(_cells(r, lang)) if i not in (0, 5)])
        two = table_rows(lambda r: _narrow_cells(r, lang, outcome))
        if table_width(headers, rows) > console.width and wrapping_fits(console.width, narrow,
                                                                         two):
            print_table(console, narrow, two)
        else:
            print_table(console, headers, rows)
        if not section.rows and not section.lines:
            say(console, sub("cmp.none", lang))
        for line in section.lines:
            say(console, line)
    if hidden:
        say(console, sub("cmp.more", lang, n=hidden), style="dim")
    say(console, method_text(lang), style="dim")
    rule = suppression_rule(suppress_n, lang)
    if rule:
        say(console, f"{sub('suppression', lang)}: {rule}", style="dim")


# ------------------------------------------------------------------------------ HTML


NBSP = "\u00a0"
# The tables fit their box at 1280 px (the figure cells wrap between words); at 390 px they
# scroll inside .scroll, never the page.
CSS = """*{box-sizing:border-box}body{font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,
sans-serif;margin:0 auto;max-width:1100px;padding:1rem;color:#1b1f24}h1{font-size:1.5rem;
overflow-wrap:anywhere}h2{margin-top:1.8rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
.scroll{overflow-x:auto;max-width:100%}table{border-collapse:collapse;margin:.5rem 0}
th,td{padding:.3rem .5rem;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.d{white-space:normal;min-width:6.5rem}td.c{min-width:12rem;overflow-wrap:anywhere}.new_failure,.worsened{color:#b42318;font-weight:600}
.resolved,.improved{color:#1a7f37;font-weight:600}.persisting_failure{color:#9a6700}
.small{color:#57606a;font-size:.9rem}code{overflow-wrap:anywhere}
@media (max-width:600px){body{font-size:15px;padding:.6rem}td.c{min-width:9rem}}
@media print{body{max-width:none}.scroll{overflow:visible}}"""


def to_html(df: pl.DataFrame, before: Any, after: Any, warnings: list[str], lang: str,
            suppress_n: int | None = None) -> str:
    """A self-contained page (no script, no external file), every text escaped, tables that
    scroll inside their own box so the page never scrolls sideways at 390 px."""
    esc = html_text
    b, a = _run(before, before.path.name, lang), _run(after, after.path.name, lang)
    title = _title_line(after.doc.get("registry"), lang)
    head = "".join(f"<th>{esc(t)}</th>" for t, _ in _headers(lang))
    body = [f"<h1>{esc(title)}</h1>",
            '<div class="scroll"><table><tr><th></th>'
            f"<th>{esc(sub('cmp.baseline', lang))}</th><th>{esc(sub('cmp.followup', lang))}</th>"
            "</tr>"
            + "".join(f"<tr><th>{esc(label)}</th><td>{esc(x)}</td><td>{esc(y)}</td></tr>"
                      for label, x, y in ((sub("cmp.run", lang), b.run, a.run),
                                          (sub("cmp.period", lang), b.period, a.period),
                                          (sub("cmp.file", lang), b.file, a.file)))
            + "</table></div>",
            f'<p class="small">{esc(method_text(lang))}</p>',
            f"<p><b>{esc(sub('cmp.counts', lang))}:</b> {esc(_counts(df, lang))}</p>"]
    for section in sections(df, lang):
        body.append(f'<h2 id="{section.key}">{esc(section.title)}</h2>')
        if section.rows:
            rows = []
            for r in section.rows:
                c = _cells(r, lang)
                rows.append(f"<tr><td>{esc(c[0])}</td><td class=c>{esc(c[1])}</td>"
                            # figures may wrap between words (a shift's "−20,7 prosentpoeng
                            # (2022→2023)"), never inside "65.0 %"
                            + "".join(f"<td class={cls}>{esc(x).replace(' %', NBSP + '%')}</td>"
                                      for cls, x in zip(('"n d"', '"n d"', '"n d"', "n"),
                                                        c[2:6], strict=True))
                            + f'<td class="{esc(r["change"])}">{esc(c[6])}</td></tr>')
            body.append(f'<div class="scroll"><table><tr>{head}</tr>{"".join(rows)}</table>'
                        "</div>")
        elif not section.lines:
            body.append(f"<p>{esc(sub('cmp.none', lang))}</p>")
        body += [f"<p>{esc(line)}</p>" for line in section.lines]
    if warnings:
        body.append(f"<h2>{esc(sub('notes', lang))}</h2><ul>"
                    + "".join(f"<li>{esc(x)}</li>" for x in warnings) + "</ul>")
    rule = suppression_rule(suppress_n, lang)
    if rule:
        body.append(f'<p class="small">{esc(sub("suppression", lang))}: {esc(rule)}</p>')
    return (f'<!DOCTYPE html><html lang="{esc(lang)}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
            + "\n".join(body) + "</body></html>\n")
