"""Renderers of the ``dq report`` result: JSON, terminal, Markdown, HTML, JUnit XML, GitHub.

Renderers never compute: they format a ``dq.report.Report`` that ``dq.publish.publish`` has
already passed through small-cell suppression, so every format hides the same cells.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

import polars as pl

import dq
from dq.checks.model import DIMENSIONS, NAMES
from dq.render.report_text import (TEXT, _threshold, ci_of, evidence_of, figure_of,  # noqa: F401
                                   figure_text, period_line, suppression_rule, title_of)
from dq.messages import chapter, counted, render
from dq.render.chapter import build, top_findings
from dq.render.numbers import count
from dq.render.report_text import key_text, paradox_text, sentence
from dq.render.text import plain
from dq.units import group_word

# ------------------------------------------------------------------------------ JSON


def to_json(report) -> dict[str, Any]:  # noqa: ANN001
    from dq.render.envelope import rows

    checks = report.checks.drop("suppressed_small", strict=False)  # for people's formats only
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
    """Summary first, findings next, sized for a terminal of 80 × 50: per dimension the verdict,
    its key figure and one sentence; then the most important findings (``top`` × 2 at most); the
    full chapter is the Markdown and HTML report."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from dq.render.terminal import STATUS_STYLE

    t = TEXT[lang]
    chap = build(report)
    title = f"{t['title']}: {plain(report.registry or '')}".rstrip(": ")
    console.print(Text(title, style="bold"))
    if period_line(report, lang):
        console.print(Text(period_line(report, lang)))
    summary = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, padding=(0, 1, 0, 0))
    summary.add_column(chapter("dimension", lang), no_wrap=True)
    summary.add_column(t["verdict"], no_wrap=True)
    summary.add_column(chapter("key", lang), overflow="fold")
    for d in chap.dimensions:
        cell = Text(plain(key_text(d.key, lang)) if d.key else "")
        cell.append(("\n" if d.key else "") + plain(sentence(d, lang)), style="dim")
        summary.add_row(NAMES[lang][d.id], Text(t[d.verdict], style=STATUS_STYLE.get(d.verdict, "")),
                        cell)
    console.print(summary)
    picked, left = top_findings(chap, max(2, 2 * top))
    if picked:
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, padding=(0, 1, 0, 0),
                      title=chapter("top_findings", lang), title_justify="left",
                      title_style="bold")
        # Status: the national figure's own; the units a check flags are counted beside it,
        # coloured by their worst status.
        table.add_column(t["status"], no_wrap=True, min_width=len(t["fail"]))
        room = console.width - len(t["fail"]) - len(t["estimate"]) - len(chapter("units_col", lang)) - 8
        table.add_column(t["check"], overflow="ellipsis", no_wrap=True, max_width=max(12, room))
        table.add_column(t["estimate"], justify="right", no_wrap=True)
        table.add_column(chapter("units_col", lang), justify="right", no_wrap=True,
                         min_width=len(chapter("units_col", lang)))
        for _, f in picked:
            figure = figure_of(f.row, lang)
            own = f.row["status"] if f.row["unit"] is None else f.status
            unit_status = f.units[0]["status"] if f.units else ""
            table.add_row(Text(t[own], style=STATUS_STYLE.get(own, "")),
                          Text(plain(title_of(f.row, lang, report.period))), figure,
                          Text(count(len(f.units), lang) if f.units else "",
                               style=STATUS_STYLE.get(unit_status, "")))
        console.print(table)
    notes = [paradox_text(chap.dimensions[i].reliability, lang, short=True)
             for i, d in enumerate(chap.dimensions) if d.id == "reliabilitet"]
    for note in notes:
        if note:
            console.print(Text(note, style="dim"))
    if left:
        console.print(Text(chapter("more_findings", lang, n=left), style="dim"))
    else:
        console.print(Text(chapter("full_report", lang), style="dim"))

# ------------------------------------------------------------------------------ JUnit, GitHub


def junit(report, strict: bool = False, lang: str = "en") -> str:  # noqa: ANN001
    """JUnit XML: one testcase per check × unit. ``strict`` (``--strict``): a warning is a
    failure here too, as it is for the exit code. Suite and case names are the checks' ids (a
    CI tool tracks a test by its name across runs); the messages people read are in ``lang``."""
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
            threshold = render(TEXT[lang]["gh_threshold"], lang,
                               {"threshold": _threshold(row, lang)})
            message = plain(f"{title_of(row, lang)}: {figure_of(row, lang)} "
                            f"({evidence_of(row, lang, report.suppressed_below)}), {threshold}")
            if row["status"] in failing:
                kind = "threshold" if row["status"] == "fail" else "warning (--strict)"
                ET.SubElement(case, "failure", message=message, type=kind).text = message
            elif row["status"] in ("not_assessed", "info"):
                ET.SubElement(case, "skipped", message=TEXT[lang][row["status"]])
            elif row["status"] == "warn":
                ET.SubElement(case, "system-out").text = f"{TEXT[lang]['warn']}: {message}"
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def verdict_line(report, lang: str, code: int) -> str:  # noqa: ANN001
    """One line for a CI log, always on stderr: each dimension's verdict, then the exit code."""
    t = TEXT[lang]
    parts = [f"{NAMES[lang][d['id']]} {t[d['verdict']]}" for d in report.dimensions]
    return "dq: " + ", ".join(parts) + " — " + t["exit"].format(code=code)


def _gh_data(text: str) -> str:
    """A workflow command's message, escaped as GitHub's runner expects: a name holding a
    newline must not start a command of its own (``::add-mask::``, ``::stop-commands::``)."""
    return plain(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(report, lang: str = "en", limit: int = 20) -> list[str]:  # noqa: ANN001
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
                title = _gh_property(f"dq {cid}")
                threshold = render(TEXT[lang]["gh_threshold"], lang,
                                   {"threshold": _threshold(row, lang)})
                if national.height:
                    what = figure_of(row, lang) + (f" ({counted(units, 'unit', lang)})"
                                                   if units else "")
                else:  # only units fail: a unit's figure, named, never passed off as national
                    what = render(TEXT[lang]["gh_unit_one" if units == 1 else "gh_unit"], lang, {
                        "units": counted(units, "unit", lang),
                        "unit": group_word(row["unit"], lang), "figure": figure_of(row, lang)})
                notes.append(f"::{kind} title={title}::" + _gh_data(
                    f"{plain(title_of(row, lang))}: {what} ({threshold})"))
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
        lines.append("::notice title=dq::" + _gh_data(render(
            TEXT[lang]["gh_more"], lang, {"fail": left["fail"], "warn": left["warn"],
                                          "limit": limit})))
    return lines


def markdown(report, lang: str, figures_dir: str | None = None) -> str:  # noqa: ANN001
    from dq.render.report_markdown import markdown as render_markdown

    return render_markdown(report, lang, figures_dir)


def to_html(report, lang: str) -> str:  # noqa: ANN001
    from dq.render.report_html import to_html as render_html

    return render_html(report, lang)


def json_dumps(doc: dict[str, Any]) -> str:
    from dq.render.envelope import dumps

    return dumps(doc)
