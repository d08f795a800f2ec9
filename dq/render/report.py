"""Renderers of the ``dq report`` result: JSON, terminal, Markdown, HTML, JUnit XML, GitHub.

Renderers never compute: they format a ``dq.report.Report`` that ``dq.publish.publish`` has
already passed through small-cell suppression, so every format hides the same cells.
"""

from __future__ import annotations

import html
import json
import math
from typing import Any
from xml.etree import ElementTree as ET

import numpy as np
import polars as pl

import dq
from dq.checks.model import DIMENSIONS, NAMES
from dq.checks.model import figure as check_figure
from dq.checks.model import title as check_title
from dq.render.numbers import ci, count, num, pct
from dq.grading import RANK
from dq.messages import ui, word
from dq.render.text import md_cell, plain

TEXT = {
    "nb": {"title": "Datakvalitet", "summary": "Oppsummering", "verdict": "Vurdering",
           "check": "Kontroll", "estimate": "Resultat", "ci": "95 % KI", "unit": "Enhet",
           "status": "Status", "worst": "Svakeste enheter", "not_assessed": "ikke vurdert",
           "partially_assessed": "delvis vurdert", "missing": "Ikke vurdert",
           "more": "… {n} til: --format markdown, html eller json",
           "pass": "bestått", "warn": "advarsel", "fail": "ikke bestått", "info": "info",
           "national": "Nasjonalt", "threshold": "Terskel", "method": "Metode",
           "suppression": "Prikking", "figures": "Figurer", "inputs": "Datagrunnlag",
           "n": "n/N", "what": "Hva som skal til", "generated": "Laget med dq",
           "period_year": "Rapportår {year}", "period_previous": "forrige år {previous}",
           "period_all": "Alle år samlet: {span}",
           "period_years": "registreringer {span}"},
    "en": {"title": "Data quality", "summary": "Summary", "verdict": "Verdict",
           "check": "Check", "estimate": "Result", "ci": "95 % CI", "unit": "Unit",
           "status": "Status", "worst": "Worst units", "not_assessed": "not assessed",
           "partially_assessed": "partially assessed", "missing": "Not assessed",
           "more": "… {n} more: --format markdown, html or json",
           "pass": "pass", "warn": "warning", "fail": "fail", "info": "info",
           "national": "National", "threshold": "Threshold", "method": "Method",
           "suppression": "Small cells", "figures": "Figures", "inputs": "Data",
           "n": "n/N", "what": "What would assess it", "generated": "Made with dq",
           "period_year": "Report year {year}", "period_previous": "previous year {previous}",
           "period_all": "All years pooled: {span}",
           "period_years": "registrations {span}"},
}


def suppression_rule(n: int | None, lang: str) -> str | None:
    if not n:
        return None
    if lang == "nb":
        return (f"Antall under {n} vises som «<{n}» for enheter, med sekundærprikking slik at et "
                "skjult tall ikke kan regnes ut fra totalene; andeler beregnet fra skjulte tall "
                "skjules også.")
    from dq.privacy import rule

    return rule(n)


def _params(row: dict[str, Any]) -> dict[str, Any]:
    """A check's values: JSON text in the report's frame, an object in a stored result."""
    if isinstance(row.get("values"), dict):
        return row["values"]
    return json.loads(row["params"]) if row.get("params") else {}


def title_of(row: dict[str, Any], lang: str, period: str | None = None) -> str:
    """The check's title in the report's language, from the message catalogue; with its period
    when that is not the report's (``period``), e.g. shifts over 2019–2023."""
    text = check_title(row["definition"], _params(row), lang)
    own = row.get("period")
    if own and period and own != period and f"({own})" not in text:
        text += f" ({own})"
    return text


def _missing(dimension: dict[str, Any], lang: str) -> str:
    """What a partially assessed dimension lacks, in the report's language."""
    return "; ".join(word(f"missing_{k}", lang) for k in dimension.get("missing") or [])


def _reason(dimension: dict[str, Any], lang: str) -> str:
    """Why a dimension was not assessed: what would assess it (its core checks)."""
    from dq.report import CORE

    return "; ".join(word(f"missing_{k}", lang) for _, k in CORE[dimension["id"]])


def period_line(report, lang: str) -> str:  # noqa: ANN001
    """The period every figure of the report covers, said once at the top."""
    t = TEXT[lang]
    span = f"{report.years[0]}–{report.years[-1]}" if len(report.years) > 1 else \
        (str(report.years[0]) if report.years else None)
    if report.year is None:
        return t["period_all"].format(span=span) if span else ""
    parts = [t["period_year"].format(year=report.year)]
    if report.year - 1 in report.years:
        parts.append(t["period_previous"].format(previous=report.year - 1))
    if span:
        parts.append(t["period_years"].format(span=span))
    return "; ".join(parts)


def figure_text(row: dict[str, Any], lang: str) -> str:
    """The check's side figure in the report's language; empty when it has none or it is
    hidden by small-cell suppression."""
    if row.get("suppressed"):
        return ""
    parts = [check_figure(row["definition"], row["variant"], _params(row), lang) or ""] \
        if row.get("variant") else []
    if row.get("previous") is not None and row.get("period", "").isdigit():
        parts.append(word("previous_change", lang, year=int(row["period"]) - 1,
                          previous=row["previous"], change=row["change"]))
    return "; ".join(p for p in parts if p)


def _is_share(row: dict[str, Any]) -> bool:
    """A proportion: the estimate is numerator / denominator (not a count of units, say)."""
    num, den, est = row["numerator"], row["denominator"], row["estimate"]
    return (num is not None and den is not None and est is not None and den > 0
            and abs(num / den - est) < 1e-9 and not row["id"].startswith("reliabilitet."))


def figure_of(row: dict[str, Any], lang: str) -> str:
    if row["estimate"] is None:
        return "–"
    if row["id"].startswith("reliabilitet."):
        return num(row["estimate"], lang, 3)
    if _is_share(row):
        return pct(row["estimate"], lang)
    return num(row["estimate"], lang, 0 if float(row["estimate"]).is_integer() else 2)


def evidence_of(row: dict[str, Any], lang: str, n: int | None) -> str:
    if row.get("suppressed"):
        return f"<{n}"
    if row["numerator"] is None and row["denominator"] is None:
        return ""
    if row["numerator"] is None:
        return f"n = {count(row['denominator'], lang)}"
    return f"{count(row['numerator'], lang)}/{count(row['denominator'], lang)}"


def ci_of(row: dict[str, Any], lang: str) -> str:
    if row.get("suppressed") or row["ci_low"] is None:
        return "–"
    return ci(row["ci_low"], row["ci_high"], lang, as_pct=not row["id"].startswith("reliabilitet."))


# ------------------------------------------------------------------------------ JSON


def to_json(report) -> dict[str, Any]:  # noqa: ANN001
    from dq.render.envelope import rows

    checks = report.checks
    suppress_n = report.suppressed_below
    results = rows(checks)
    for row in results:
        # Structured values beside the English title and figure: what a program reads.
        row["values"] = json.loads(row.pop("params") or "{}")
        row["trend"] = json.loads(row["trend"]) if row.get("trend") else None
    spec = report.spec
    return {
        "dq_version": dq.__version__,
        "schema_version": 1,
        "command": "report",
        "registry": report.registry,
        "manifest": {
            "dq_version": dq.__version__,
            "spec": {"path": str(spec.path), "sha256": spec.sha256},
            "inputs": [i.manifest() for i in report.inputs],
            "run_started": report.started,
            "run_seconds": round(report.seconds, 3),
            "suppression": {"min_count": suppress_n,
                            "rule": suppression_rule(suppress_n, "en")},
        },
        "inputs": [i.manifest() for i in report.inputs],
        "spec": spec.manifest(),
        "year": report.year,
        "period": report.period,
        "registrations": rows(report.registrations) if report.registrations is not None else None,
        "tilslutning": rows(report.tilslutning) if report.tilslutning is not None else None,
        "dimensions": report.dimensions,
        "results": results,
        "warnings": report.warnings,
    }


# ------------------------------------------------------------------------------ terminal


def terminal(report, console, lang: str, top: int) -> None:  # noqa: ANN001
    from rich import box
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from dq.render.terminal import STATUS_STYLE

    t = TEXT[lang]
    title = f"{t['title']}: {plain(report.registry or '')}".rstrip(": ")
    console.print(Text(title, style="bold"))
    if period_line(report, lang):
        console.print(Text(period_line(report, lang)))
    summary = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    summary.add_column(t["summary"])
    summary.add_column(t["verdict"])
    summary.add_column(t["check"], justify="right")
    for d in report.dimensions:
        c = d["counts"]
        parts = ", ".join(f"{c[s]} {t[s]}" for s in ("fail", "warn", "pass") if c.get(s))
        summary.add_row(NAMES[lang][d["id"]],
                        Text(t[d["verdict"]], style=STATUS_STYLE.get(d["verdict"], "")),
                        parts or "–")
    console.print(summary)
    checks = report.checks
    for d in report.dimensions:
        part = checks.filter(pl.col("dimension") == d["id"])
        name = NAMES[lang][d["id"]]
        if d["verdict"] == "not_assessed":
            console.print(Panel(Text(f"{t['not_assessed']}: {_reason(d, lang)}"),
                                title=name, title_align="left", box=box.SQUARE))
            continue
        table = Table(box=box.SIMPLE, pad_edge=False, show_edge=False, padding=(0, 1, 0, 0))
        table.add_column(t["check"], overflow="fold", max_width=34)
        table.add_column(t["estimate"], justify="right", no_wrap=True)
        table.add_column(t["n"], justify="right", no_wrap=True)
        table.add_column(t["ci"], justify="right", no_wrap=True)
        table.add_column(t["status"], no_wrap=True)
        national = part.filter(pl.col("unit").is_null())
        rank = pl.col("status").replace_strict(RANK, return_dtype=pl.Int8)
        shown = national.sort(rank, maintain_order=True)
        flagged = shown.filter(pl.col("status").is_in(["fail", "warn"]))
        shown = pl.concat([flagged.head(2 * top),
                           shown.filter(~pl.col("status").is_in(["fail", "warn"])).head(3)])
        for row in shown.iter_rows(named=True):
            table.add_row(Text(plain(title_of(row, lang, report.period))), figure_of(row, lang),
                          evidence_of(row, lang, report.suppressed_below),
                          ci_of(row, lang), Text(t[row["status"]],
                                                 style=STATUS_STYLE.get(row["status"], "")))
        lines: list[Any] = [table]
        if d.get("missing"):
            lines.append(Text(f"{t['missing']}: {_missing(d, lang)}", style="dim"))
        if national.height > shown.height:
            lines.append(Text(t["more"].format(n=national.height - shown.height), style="dim"))
        worst = part.filter(pl.col("unit").is_not_null(), pl.col("status").is_in(["fail", "warn"]))
        if worst.height:
            w = worst.sort(rank, "estimate", "unit").head(top)
            text = Text(f"{t['worst']}: ", style="bold")
            text.append(plain("; ".join(f"{r['unit']} ({title_of(r, lang, report.period).split(': ')[-1]} "
                                        f"{figure_of(r, lang)})" for r in w.iter_rows(named=True))))
            lines.append(text)
        from rich.console import Group

        console.print(Panel(Group(*lines), title=f"{name} — {t[d['verdict']]}",
                            title_align="left", box=box.SQUARE,
                            border_style=STATUS_STYLE.get(d["verdict"], "")))


# ------------------------------------------------------------------------------ Markdown


def markdown(report, lang: str) -> str:  # noqa: ANN001
    t = TEXT[lang]
    checks = report.checks
    suppress_n = report.suppressed_below
    out = [f"# {t['title']}: {md_cell(report.registry or '')}".rstrip(": "), ""]
    if period_line(report, lang):
        out += [period_line(report, lang), ""]
    out += [f"## {t['summary']}", "", f"| {t['summary']} | {t['verdict']} | {t['check']} |",
            "|---|---|---:|"]
    for d in report.dimensions:
        c = d["counts"]
        parts = ", ".join(f"{c[s]} {t[s]}" for s in ("fail", "warn", "pass") if c.get(s))
        out.append(f"| {NAMES[lang][d['id']]} | {t[d['verdict']]} | {parts or '–'} |")
    out.append("")
    for d in report.dimensions:
        out += [f"## {NAMES[lang][d['id']]} — {t[d['verdict']]}", ""]
        if d["verdict"] == "not_assessed":
            out += [f"_{t['not_assessed']}_: {_reason(d, lang)}", ""]
            continue
        if d.get("missing"):
            out += [f"_{t['missing']}_: {_missing(d, lang)}", ""]
        part = checks.filter(pl.col("dimension") == d["id"])
        out += [f"| {t['check']} | {t['estimate']} | {t['n']} | {t['ci']} | {t['threshold']} | "
                f"{t['status']} |", "|---|---:|---:|---:|---:|---|"]
        for row in part.filter(pl.col("unit").is_null()).iter_rows(named=True):
            thr = _threshold(row, lang)
            figure = figure_of(row, lang) + (f" ({md_cell(figure_text(row, lang))})"
                                             if figure_text(row, lang) else "")
            out.append(f"| {md_cell(title_of(row, lang, report.period))} | {figure} | "
                       f"{evidence_of(row, lang, suppress_n)} | {ci_of(row, lang)} | {thr} | "
                       f"{t[row['status']]} |")
        worst = part.filter(pl.col("unit").is_not_null(), pl.col("status").is_in(["fail", "warn"]))
        if worst.height:
            out += ["", f"**{t['worst']}**", "", f"| {t['unit']} | {t['check']} | "
                    f"{t['estimate']} | {t['n']} | {t['status']} |", "|---|---|---:|---:|---|"]
            for row in worst.sort("estimate", "unit").head(
                    report.spec.report_top_units * 3).iter_rows(named=True):
                shown = figure_of(row, lang)
                out.append(f"| {md_cell(row['unit'])} | {md_cell(title_of(row, lang, report.period))} | {shown} | "
                           f"{evidence_of(row, lang, suppress_n)} | {t[row['status']]} |")
        out.append("")
    out += [f"## {t['inputs']}", ""]
    for i in report.inputs:
        out.append(f"- {md_cell(i.path.name)}: {count(i.rows, lang)} {ui('rows', lang)}, sha256 "
                   f"`{i.sha256[:16]}…`")
    if report.spec.path:
        out.append(f"- spec {md_cell(report.spec.path.name)}, sha256 "
                   f"`{(report.spec.sha256 or '')[:16]}…`")
    rule = suppression_rule(suppress_n, lang)
    if rule:
        out += ["", f"_{t['suppression']}: {rule}_"]
    out += ["", f"_{t['generated']} {dq.__version__}._", ""]
    return "\n".join(out)


def _threshold(row: dict[str, Any], lang: str) -> str:
    def fmt(v: float) -> str:
        return pct(v, lang, 0) if _is_share(row) and v <= 1 else num(v, lang, 0 if float(v).is_integer() else 2)

    if row["direction"] == "higher_is_better":
        parts = [f"≥ {fmt(v)}" for v in (row["warn"],) if v is not None]
    else:
        parts = [f"≤ {fmt(v)}" for v in (row["warn"],) if v is not None]
    return parts[0] if parts else "–"


# ------------------------------------------------------------------------------ JUnit, GitHub


def junit(report, strict: bool = False) -> str:  # noqa: ANN001
    """JUnit XML: one testcase per check × unit. ``strict`` (``--strict``): a warning is a
    failure here too, as it is for the exit code."""
    checks = report.checks
    failing = ("fail", "warn") if strict else ("fail",)
    suites = ET.Element("testsuites", name="dq report", tests=str(checks.height),
                        failures=str(int(checks["status"].is_in(failing).sum())))
    for dim in DIMENSIONS:
        part = checks.filter(pl.col("dimension") == dim)
        suite = ET.SubElement(suites, "testsuite", name=dim, tests=str(part.height),
                              failures=str(int(part["status"].is_in(failing).sum())),
                              skipped=str(int(part["status"].is_in(["not_assessed", "info"]).sum())))
        for row in part.iter_rows(named=True):
            # plain(): XML 1.0 cannot carry control characters, and a name may hold them.
            name = plain(row["id"] + (f" [{row['unit']}]" if row["unit"] else ""))
            case = ET.SubElement(suite, "testcase", classname=f"dq.{dim}", name=name)
            message = plain(f"{row['title']}: {figure_of(row, 'en')} "
                            f"({evidence_of(row, 'en', report.suppressed_below)}), threshold "
                            f"{_threshold(row, 'en')}")
            if row["status"] in failing:
                kind = "threshold" if row["status"] == "fail" else "warning (--strict)"
                ET.SubElement(case, "failure", message=message, type=kind).text = message
            elif row["status"] in ("not_assessed", "info"):
                ET.SubElement(case, "skipped", message=row["status"])
            elif row["status"] == "warn":
                ET.SubElement(case, "system-out").text = "warning: " + message
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def verdict_line(report, lang: str, code: int) -> str:  # noqa: ANN001
    """One line for a CI log, always on stderr: each dimension's verdict, then the exit code."""
    t = TEXT[lang]
    parts = [f"{NAMES[lang][d['id']]} {t[d['verdict']]}" for d in report.dimensions]
    return "dq: " + ", ".join(parts) + f" — exit {code}"


def _gh_data(text: str) -> str:
    """A workflow command's message, escaped as GitHub's runner expects: a name holding a
    newline must not start a command of its own (``::add-mask::``, ``::stop-commands::``)."""
    return plain(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(report, limit: int = 20) -> list[str]:  # noqa: ANN001
    """GitHub workflow annotations, chosen by severity across dimensions: one per failing check
    (its national row, or the number of failing units) before any warning, taking the
    dimensions in turn so that no dimension can use up the cap; then warnings the same way. What
    the cap left out is said in a closing notice."""
    lines: list[str] = []
    left = {"fail": 0, "warn": 0}
    for level, kind in (("fail", "error"), ("warn", "warning")):
        part = report.checks.filter(pl.col("status") == level)
        per_dim: list[list[str]] = []
        for dim in DIMENSIONS:
            rows = part.filter(pl.col("dimension") == dim)
            notes = []
            for (cid,), group in rows.group_by("id", maintain_order=True):
                national = group.filter(pl.col("unit").is_null())
                row = (national if national.height else group).row(0, named=True)
                units = group.filter(pl.col("unit").is_not_null()).height
                where = f" ({units} unit{'s' if units != 1 else ''})" if units else ""
                title = _gh_property(f"dq {cid}")
                notes.append(f"::{kind} title={title}::" + _gh_data(
                    f"{row['title']}: {figure_of(row, 'en')}{where} "
                    f"(threshold {_threshold(row, 'en')})"))
            per_dim.append(notes)
        while any(per_dim):
            for notes in per_dim:
                if notes:
                    note = notes.pop(0)
                    if len(lines) < limit:
                        lines.append(note)
                    else:
                        left[level] += 1
    if left["fail"] or left["warn"]:
        lines.append(f"::notice title=dq::{left['fail']} more failing and {left['warn']} more "
                     f"warning checks not annotated (at most {limit}); see the report")
    return lines


# ------------------------------------------------------------------------------ HTML


CSS = """body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;
max-width:1100px;padding:0 1rem;color:#1b1f24}h1{font-size:1.6rem}h2{margin-top:2rem;
border-bottom:1px solid #d0d7de;padding-bottom:.3rem}table{border-collapse:collapse;margin:.5rem 0;
width:100%}th,td{padding:.3rem .5rem;border-bottom:1px solid #eaeef2;text-align:left;
vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.scroll{overflow-x:auto}code{overflow-wrap:anywhere}.fail{color:#b42318;
font-weight:600}.warn{color:#9a6700;font-weight:600}.pass{color:#1a7f37}.info,.not_assessed{color:#57606a}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:.6rem}
.card{border:1px solid #d0d7de;border-radius:8px;padding:.6rem .8rem}.card b{display:block}
figure{margin:1rem 0}figcaption{color:#57606a;font-size:.9rem}svg text{font:11px system-ui,sans-serif}
.small{color:#57606a;font-size:.9rem}"""


def _svg_funnel(fr: pl.DataFrame, title: str) -> str:
    w, h, l, b = 640, 300, 50, 30
    fr = fr.filter(pl.col("p").is_not_null(), pl.col("n").is_not_null())  # suppressed: no mark
    ns = fr["n"].to_list()
    if not ns:
        return ""
    n_max = max(ns) * 1.05
    ps = [p for p in fr["p"].to_list() if p is not None]
    los = [v for v in fr["lo998"].to_list() if v is not None and math.isfinite(v)]
    y_lo = max(0.0, min(ps + los) - 0.05)
    y_hi = min(1.0, max(ps) + 0.05) if ps else 1.0
    if y_hi <= y_lo:
        y_hi = y_lo + 0.1

    def x(n: float) -> float:
        return l + (w - l - 10) * n / n_max

    def y(p: float) -> float:
        return h - b - (h - b - 10) * (p - y_lo) / (y_hi - y_lo)

    theta = fr["theta"][0]
    from dq.stats import funnel_limits

    grid = sorted({max(1, round(n_max * i / 80)) for i in range(1, 81)})  # binomial n: whole
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
             f'aria-label="{html.escape(title)}" width="100%">',
             f'<rect x="{l}" y="10" width="{w - l - 10}" height="{h - b - 10}" fill="#fff" '
             'stroke="#d0d7de"/>']
    for prob, colour, dash in ((0.025, "#9a6700", "4 3"), (0.975, "#9a6700", "4 3"),
                               (0.001, "#b42318", ""), (0.999, "#b42318", "")):
        lim = funnel_limits(np.asarray(grid), theta, prob)
        pts = " ".join(f"{x(n):.1f},{y(min(max(v, y_lo), y_hi)):.1f}" for n, v in zip(grid, lim,
                                                                                  strict=True)
                       if math.isfinite(v))
        parts.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" '
                     f'stroke-dasharray="{dash}"/>')
    parts.append(f'<line x1="{l}" x2="{w - 10}" y1="{y(theta):.1f}" y2="{y(theta):.1f}" '
                 'stroke="#57606a"/>')
    for row in fr.iter_rows(named=True):
        if row["p"] is None:
            continue
        colour = "#b42318" if row["outside998"] else "#0969da"
        parts.append(f'<circle cx="{x(row["n"]):.1f}" cy="{y(row["p"]):.1f}" r="4" '
                     f'fill="{colour}"><title>{html.escape(str(row.get("unit_name") or row["unit"]))}'
                     f'</title></circle>')
    for frac in (0, 0.5, 1):
        p = y_lo + frac * (y_hi - y_lo)
        parts.append(f'<text x="{l - 4}" y="{y(p) + 4:.1f}" text-anchor="end">{100 * p:.0f} %</text>')
    for frac in (0.25, 0.5, 0.75, 1.0):
        parts.append(f'<text x="{x(n_max * frac / 1.05):.1f}" y="{h - b + 14}" '
                     f'text-anchor="middle">{round(n_max * frac / 1.05)}</text>')
    parts.append(f'<text x="{w / 2:.0f}" y="{h - 2}" text-anchor="middle">n</text></svg>')
    return "".join(parts)


def _svg_bars(labels: list[str], values: list[float | None], lines: list[tuple[float, str]],
              fmt, title: str, vmax: float | None = None,  # noqa: ANN001
              hidden: str = "–") -> str:
    """Horizontal bars; a None value (suppressed) gets no bar, only ``hidden`` as its label."""
    row_h, l, w = 18, 150, 640
    h = row_h * len(labels) + 30
    shown = [v for v in values if v is not None]
    vmax = vmax or max([*shown, *(v for v, _ in lines), 1e-9]) * 1.05
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
             f'aria-label="{html.escape(title)}" width="100%">']
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        yy = 10 + i * row_h
        parts.append(f'<text x="{l - 6}" y="{yy + 12}" text-anchor="end">{html.escape(label)}</text>')
        if value is None:
            parts.append(f'<text x="{l + 4}" y="{yy + 12}">{html.escape(hidden)}</text>')
            continue
        bw = (w - l - 60) * max(0.0, min(value, vmax)) / vmax
        parts.append(f'<rect x="{l}" y="{yy + 2}" width="{bw:.1f}" height="{row_h - 5}" '
                     f'fill="#0969da"/><text x="{l + bw + 4:.1f}" y="{yy + 12}">{fmt(value)}</text>')
    for value, colour in lines:
        xx = l + (w - l - 60) * value / vmax
        parts.append(f'<line x1="{xx:.1f}" x2="{xx:.1f}" y1="6" y2="{h - 16}" stroke="{colour}" '
                     'stroke-dasharray="4 3"/>')
    parts.append("</svg>")
    return "".join(parts)


def _svg_heatmap(hm: pl.DataFrame, title: str, hidden: str = "–") -> str:
    units = hm["unit_name"].unique(maintain_order=True).to_list()
    variables = hm["variable"].unique(maintain_order=True).to_list()
    cell, l, top = 14, 150, 110
    w = l + cell * len(variables) + 10
    h = top + cell * len(units) + 10
    lookup = {(r["unit_name"], r["variable"]): r["completeness"] for r in hm.iter_rows(named=True)}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
             f'aria-label="{html.escape(title)}" width="100%">']
    for j, var in enumerate(variables):
        xx = l + j * cell + cell / 2
        parts.append(f'<text transform="translate({xx:.1f},{top - 4}) rotate(-60)">'
                     f'{html.escape(var)}</text>')
    for i, unit in enumerate(units):
        yy = top + i * cell
        parts.append(f'<text x="{l - 4}" y="{yy + 11}" text-anchor="end">{html.escape(str(unit))}</text>')
        for j, var in enumerate(variables):
            v = lookup.get((unit, var))
            if v is None:
                colour = "#eaeef2"
            else:
                # white (100 %) → red (≤ 70 %)
                f = max(0.0, min(1.0, (1 - v) / 0.3))
                colour = f"rgb({255},{int(255 - 200 * f)},{int(255 - 200 * f)})"
            label = hidden if v is None else f"{100 * v:.1f} %"
            parts.append(f'<rect x="{l + j * cell}" y="{yy}" width="{cell - 1}" height="{cell - 1}" '
                         f'fill="{colour}"><title>{html.escape(str(unit))}, {html.escape(var)}: '
                         f'{label}</title></rect>')
    parts.append("</svg>")
    return "".join(parts)


def to_html(report, lang: str) -> str:  # noqa: ANN001, C901
    t = TEXT[lang]
    checks = report.checks
    suppress_n = report.suppressed_below
    esc = html.escape
    title = f"{t['title']}: {report.registry or ''}".rstrip(": ")
    body = [f"<h1>{esc(title)}</h1>", f"<p>{esc(period_line(report, lang))}</p>",
            '<div class="cards">']
    for d in report.dimensions:
        body.append(f'<div class="card"><b>{esc(NAMES[lang][d["id"]])}</b>'
                    f'<span class="{d["verdict"]}">{esc(t[d["verdict"]])}</span></div>')
    body.append("</div>")
    for d in report.dimensions:
        body.append(f'<h2>{esc(NAMES[lang][d["id"]])} — <span class="{d["verdict"]}">'
                    f'{esc(t[d["verdict"]])}</span></h2>')
        if d["verdict"] == "not_assessed":
            body.append(f"<p><i>{esc(t['not_assessed'])}</i>: {esc(_reason(d, lang))}</p>")
            continue
        if d.get("missing"):
            body.append(f"<p><i>{esc(t['missing'])}</i>: {esc(_missing(d, lang))}</p>")
        part = checks.filter(pl.col("dimension") == d["id"])
        body.append(f"<div class=scroll><table><tr><th>{t['check']}</th><th>{t['estimate']}</th><th>{t['n']}</th>"
                    f"<th>{t['ci']}</th><th>{t['threshold']}</th><th>{t['status']}</th></tr>")
        for row in part.filter(pl.col("unit").is_null()).iter_rows(named=True):
            extra = (f'<div class="small">{esc(figure_text(row, lang))}</div>'
                     if figure_text(row, lang) else "")
            body.append(f"<tr><td>{esc(title_of(row, lang, report.period))}{extra}</td><td class=n>"
                        f"{esc(figure_of(row, lang))}</td><td class=n>"
                        f"{esc(evidence_of(row, lang, suppress_n))}</td><td class=n>"
                        f"{esc(ci_of(row, lang))}</td><td class=n>{esc(_threshold(row, lang))}</td>"
                        f'<td class="{row["status"]}">{esc(t[row["status"]])}</td></tr>')
        body.append("</table></div>")
        worst = part.filter(pl.col("unit").is_not_null(), pl.col("status").is_in(["fail", "warn"]))
        if worst.height:
            body.append(f"<p><b>{t['worst']}</b></p><div class=scroll><table><tr><th>{t['unit']}</th>"
                        f"<th>{t['check']}</th><th>{t['estimate']}</th><th>{t['n']}</th>"
                        f"<th>{t['status']}</th></tr>")
            for row in worst.sort("estimate", "unit").head(
                    report.spec.report_top_units * 3).iter_rows(named=True):
                shown = figure_of(row, lang)
                body.append(f"<tr><td>{esc(row['unit'])}</td><td>{esc(title_of(row, lang, report.period))}</td>"
                            f"<td class=n>{esc(shown)}</td><td class=n>"
                            f"{esc(evidence_of(row, lang, suppress_n))}</td>"
                            f'<td class="{row["status"]}">{esc(t[row["status"]])}</td></tr>')
            body.append("</table></div>")
    body.append(f"<h2>{t['figures']}</h2>")
    figs = report.figures
    funnels = [k for k in figs if k.startswith("funnel_")]
    if funnels:
        key = max(funnels, key=lambda k: (int(figs[k]["outside998"].sum()), k))
        fr = figs[key]
        name = key.removeprefix("funnel_")
        kind, _, variable = name.partition(".")
        measure = {"word": {"kompletthet": "funnel_completeness", "ukjent": "funnel_unknown"}
                   .get(kind, "funnel_coverage"), "variable": variable}
        caption = ui("fig_funnel", lang, measure=measure, period=report.period)
        body.append(f"<figure>{_svg_funnel(fr, caption)}<figcaption>{esc(caption)}"
                    "</figcaption></figure>")
    small = f"<{suppress_n}" if suppress_n else "–"
    if "heatmap" in figs:
        hm = figs["heatmap"].filter(pl.col("mandatory") != "never")
        caption = ui("fig_heatmap", lang, period=report.period)
        body.append(f"<figure>{_svg_heatmap(hm, caption, small)}<figcaption>{esc(caption)}"
                    "</figcaption></figure>")
    if "coverage" in figs:
        cov = figs["coverage"].sort("coverage", nulls_last=True)
        labels = [str(u) for u in cov["unit_name"].to_list()]
        values = cov["coverage"].to_list()
        top_value = max([1.2, *(v for v in values if v is not None)])
        target, low = report.spec.coverage.target, report.spec.coverage.low
        caption = ui("fig_coverage", lang, period=report.period, target=target, low=low)
        body.append("<figure>" + _svg_bars(labels, values, [(target, "#1a7f37"), (low, "#b42318")],
                                           lambda v: pct(v, lang), caption, vmax=top_value,
                                           hidden=small)
                    + f"<figcaption>{esc(caption)}</figcaption></figure>")
    if "delay" in figs:
        dl = figs["delay"].sort("median", descending=True, nulls_last=True)
        limit = report.spec.timeliness.limit_days
        caption = ui("fig_delay", lang, period=report.period, limit=limit)
        body.append("<figure>" + _svg_bars([str(u) for u in dl["unit_name"].to_list()],
                                           [None if v is None else float(v)
                                            for v in dl["median"].to_list()],
                                           [(float(limit), "#b42318")],
                                           lambda v: f"{v:.0f} d", caption, hidden=small)
                    + f"<figcaption>{esc(caption)}</figcaption></figure>")
    body.append(f"<h2>{t['inputs']}</h2><ul>")
    for i in report.inputs:
        body.append(f"<li><code>{esc(i.path.name)}</code>: {esc(count(i.rows, lang))} "
                    f"{ui('rows', lang)}, "
                    f"sha256 <code>{esc(i.sha256)}</code></li>")
    body.append("</ul>")
    rule = suppression_rule(suppress_n, lang)
    if rule:
        body.append(f'<p class="small">{esc(t["suppression"])}: {esc(rule)}</p>')
    body.append(f'<p class="small">{esc(t["generated"])} {dq.__version__}, {esc(report.started)}</p>')
    return (f'<!DOCTYPE html><html lang="{"nb" if lang == "nb" else "en"}"><head>'
            f'<meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
            + "\n".join(body) + "</body></html>\n")


def json_dumps(doc: dict[str, Any]) -> str:
    from dq.render.envelope import dumps

    return dumps(doc)
