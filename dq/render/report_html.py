"""``dq report --format html``: the data-quality chapter a registry can publish.

Table of contents with anchors; summary cards (verdict, key figure with CI and period, one
sentence); the findings; the figures right after them; by unit; methods (each check's method,
formula and reference, from the catalogue); the appendix with every check and every agreement
statistic. One self-contained file (no script, no request), readable at 390 px (no sideways
scroll of the page; wide tables and figures scroll in their own box, figure text stays ≥ 10 px)
and printable on A4.
"""

from __future__ import annotations

import html
import math
import re

import dq
from dq.checks.model import NAMES
from dq.messages import METHOD_NAMES, METHOD_SOURCES, METHODS, chapter, ui
from dq.render import figures as figs
from dq.render.chapter import build, top_findings
from dq.render.numbers import count, moment
from dq.render.report_markdown import ANCHORS, SECTIONS, _definitions, report_figures
from dq.render.report_text import (TEXT, _missing, _reason, beside_text, ci_of, evidence_of,
                                   family_line, figure_of, figure_text, key_text, paradox_text,
                                   params, period_line, sentence, statistic_name,
                                   suppression_rule, threshold, title_of, units_text)

CSS = """:root{--ink:#1b1f24;--muted:#57606a;--line:#d0d7de}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;
max-width:1040px;padding:0 1rem;color:var(--ink)}
h1{font-size:1.7rem;line-height:1.25}h2{margin-top:2.2rem;border-bottom:1px solid var(--line);
padding-bottom:.3rem}h3{margin-top:1.6rem}
nav.toc{border:1px solid var(--line);border-radius:8px;padding:.5rem 1rem;margin:1rem 0}
nav.toc ol{margin:.3rem 0;padding-left:1.3rem}nav.toc li{margin:.15rem 0}
table{border-collapse:collapse;margin:.5rem 0;width:100%}
th,td{padding:.3rem .5rem;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:top}
th{font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.scroll{overflow-x:auto;max-width:100%}code{overflow-wrap:anywhere}
.fail{color:#b42318;font-weight:600}.warn{color:#8a5a00;font-weight:600}.pass{color:#1a7f37}
.info,.not_assessed,.partially_assessed{color:var(--muted)}
.fail::before{content:"✕ "}.warn::before{content:"! "}.pass::before{content:"✓ "}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,300px),1fr));gap:.7rem}
.card{border:1px solid var(--line);border-left-width:6px;border-radius:8px;padding:.6rem .8rem}
.card.v-fail{border-left-color:#D55E00}.card.v-warn{border-left-color:#E69F00}
.card.v-pass{border-left-color:#0072B2}.card h3{margin:0;font-size:1.05rem}
.card .key{font-size:1.05rem;font-weight:600;margin:.3rem 0}.card p{margin:.2rem 0}
.small,figcaption{color:var(--muted);font-size:.92rem}
figure{margin:1.4rem 0;break-inside:avoid}
.fig{overflow-x:auto;max-width:100%}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,420px),1fr));
gap:0 1.4rem}.grid figure{margin:.8rem 0;min-width:0}.fig svg{display:block;height:auto}
details{margin:.4rem 0}summary{cursor:pointer;color:var(--muted)}
blockquote{margin:.8rem 0;padding:.4rem .9rem;border-left:4px solid #E69F00;background:#fff8e6}
dl.methods dt{font-weight:600;margin-top:.8rem}dl.methods dd{margin:.2rem 0 0 0}
@media (max-width:560px){table.stack,table.stack tbody,table.stack tr,table.stack td{display:block}
table.stack tr:first-child{display:none}table.stack tr{border:1px solid var(--line);
border-radius:6px;margin:.5rem 0;padding:.2rem .5rem}table.stack td{border:0;
padding:.1rem 0 .1rem 42%;position:relative;text-align:left;white-space:normal;min-height:1.5em}
table.stack td[data-label]::before{content:attr(data-label);position:absolute;left:0;width:40%;
color:var(--muted);font-weight:600;overflow-wrap:anywhere}}
@media print{
@page{size:A4;margin:16mm 14mm}
body{font-size:10pt;max-width:none;margin:0;padding:0}
nav.toc,details summary{display:none}
a{color:inherit;text-decoration:none}
h2{break-after:avoid;page-break-after:avoid}h3{break-after:avoid}
table,figure,.card,tr{break-inside:avoid;page-break-inside:avoid}
.scroll,.fig{overflow:visible}.fig svg{max-width:100%!important;min-width:0!important}
#figurer,#vedlegg,#metoder{break-before:page}
}"""


def _esc(text: object) -> str:
    return html.escape(str(text))


def _status(status: str, lang: str) -> str:
    return f'<span class="{status}">{_esc(TEXT[lang][status])}</span>'


def figure_html(fig: figs.Figure, lang: str) -> str:
    """A figure at its natural width at most 1.3× and never below 5/6 of it, so its 12-unit
    text is drawn at 10 px or more; a narrow screen scrolls it in its own box. The numbers it
    shows follow in a table (closed by default) as a second text alternative."""
    lo, hi = math.ceil(fig.width * 10.2 / figs.FONT), round(fig.width * 1.3)
    svg = fig.svg.replace("<svg ", f'<svg style="width:100%;min-width:{lo}px;max-width:{hi}px" ',
                          1)
    rows = ""
    if len(fig.table) > 1:
        head = "".join(f"<th>{_esc(c)}</th>" for c in fig.table[0])
        body = "".join("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in r) + "</tr>"
                       for r in fig.table[1:])
        rows = (f'<details><summary>{_esc(chapter("figure_data", lang))}</summary>'
                f'<div class="scroll"><table><tr>{head}</tr>{body}</table></div></details>')
    return (f'<figure id="fig-{_esc(fig.key)}"><div class="fig">{svg}</div>'
            f"<figcaption>{_esc(fig.caption)}. {_esc(fig.alt)}</figcaption>{rows}</figure>")


def to_html(report, lang: str) -> str:  # noqa: ANN001, C901
    t = TEXT[lang]
    chap = build(report)
    n_hidden = report.suppressed_below
    esc = _esc
    title = f"{t['title']}: {report.registry or ''}".rstrip(": ")
    body = [f"<header><h1>{esc(title)}</h1><p>{esc(period_line(report, lang))}</p></header>"]
    toc = "".join(f'<li><a href="#{ANCHORS[s]}">{esc(chapter(s, lang))}</a></li>'
                  for s in SECTIONS)
    toc += f'<li><a href="#{ANCHORS["inputs"]}">{esc(t["inputs"])}</a></li>'
    body.append(f'<nav class="toc" aria-label="{esc(chapter("contents", lang))}">'
                f'<b>{esc(chapter("contents", lang))}</b><ol>{toc}</ol></nav>')

    # ---- summary cards
    body.append(f'<section id="{ANCHORS["summary"]}"><h2>{esc(chapter("summary", lang))}</h2>'
                '<div class="cards">')
    for d in chap.dimensions:
        key = f'<p class="key">{esc(key_text(d.key, lang))}</p>' if d.key else ""
        body.append(f'<article class="card v-{d.verdict}"><h3>{esc(NAMES[lang][d.id])}: '
                    f'{_status(d.verdict, lang)}</h3>{key}<p>{esc(sentence(d, lang))}</p>'
                    f'<p class="small"><a href="#dim-{d.id}">{esc(chapter("findings_short", lang))}'
                    "</a></p></article>")
    body.append("</div>")
    picked, left = top_findings(chap, 2 * report.spec.report_top_units)
    if picked:
        body.append(f'<h3>{esc(chapter("top_findings", lang))}</h3><div class="scroll"><table>'
                    f'<tr><th>{esc(chapter("dimension", lang))}</th><th>{esc(t["check"])}</th>'
                    f'<th>{esc(t["estimate"])}</th><th>{esc(chapter("national_col", lang))}</th>'
                    f'<th>{esc(chapter("units_col", lang))}</th></tr>')
        for dim, f in picked:
            own = f.row["status"] if f.row["unit"] is None else f.status
            body.append(f"<tr><td>{esc(NAMES[lang][dim])}</td>"
                        f"<td>{esc(title_of(f.row, lang, report.period))}</td>"
                        f"<td class=n>{esc(figure_of(f.row, lang))}</td>"
                        f"<td>{_status(own, lang)}</td>"
                        f"<td>{esc(units_text(f, lang, 3))}</td></tr>")
        body.append("</table></div>")
        if left:
            body.append(f'<p><a href="#{ANCHORS["findings_short"]}">'
                        f'{esc(chapter("more_in_findings", lang, n=left))}</a></p>')
    body.append("</section>")

    # ---- figures, right after the summary
    body.append(f'<section id="{ANCHORS["figures"]}"><h2>{esc(chapter("figures", lang))}</h2>')
    drawn = report_figures(report, chap, lang)
    for fig in drawn:
        if not fig.key.startswith("funnel-"):
            body.append(figure_html(fig, lang))
    funnels = [fig for fig in drawn if fig.key.startswith("funnel-")]
    if funnels:  # side by side where the page is wide enough
        body.append('<div class="grid">' + "".join(figure_html(fig, lang) for fig in funnels)
                    + "</div>")
    body.append("</section>")

    # ---- findings
    body.append(f'<section id="{ANCHORS["findings_short"]}"><h2>'
                f'{esc(chapter("findings", lang))}</h2>')
    for d in chap.dimensions:
        body.append(f'<h3 id="dim-{d.id}">{esc(NAMES[lang][d.id])} — '
                    f"{_status(d.verdict, lang)}</h3>")
        if d.verdict == "not_assessed":
            body.append(f"<p><i>{esc(t['not_assessed'])}</i>: {esc(_reason(d.raw, lang))}</p>")
            continue
        if d.missing:
            body.append(f"<p><i>{esc(t['missing'])}</i>: {esc(_missing(d.raw, lang))}</p>")
        if d.findings:
            body.append(f'<div class="scroll"><table><tr><th>{esc(t["check"])}</th>'
                        f'<th>{esc(t["estimate"])}</th><th>{esc(t["n"])}</th>'
                        f'<th>{esc(t["ci"])}</th><th>{esc(t["threshold"])}</th>'
                        f'<th>{esc(t["status"])}</th><th>{esc(chapter("units_col", lang))}</th>'
                        "</tr>")
            for f in d.findings:
                row = f.row
                extra = figure_text(row, lang) if row["unit"] is None else ""
                if f.beside:
                    extra = "; ".join(p for p in (extra, beside_text(f, lang)) if p)
                small = f'<div class="small">{esc(extra)}</div>' if extra else ""
                own = row["status"] if row["unit"] is None else f.status
                body.append(
                    f"<tr><td>{esc(title_of(row, lang, report.period))}{small}</td>"
                    f"<td class=n>{esc(figure_of(row, lang))}</td>"
                    f"<td class=n>{esc(evidence_of(row, lang, n_hidden))}</td>"
                    f"<td class=n>{esc(ci_of(row, lang))}</td>"
                    f"<td class=n>{esc(threshold(row, lang))}</td>"
                    f"<td>{_status(own, lang)}</td>"
                    f"<td>{esc(units_text(f, lang, report.spec.report_top_units))}</td></tr>")
            body.append("</table></div>")
        else:
            body.append(f"<p>{esc(chapter('no_findings', lang))}</p>")
        passing = [line for line in (family_line(fam, lang) for fam in d.passing) if line]
        if passing:
            body.append(f'<p><span class="pass">{esc(chapter("passing", lang))}</span>: '
                        + esc("; ".join(passing)) + ".</p>")
        if d.id == "reliabilitet" and d.reliability:
            body.append(f"<p><b>{esc(chapter('reliability_headline', lang))}</b></p>"
                        f'<div class="scroll"><table><tr><th>{esc(chapter("variable", lang))}</th>'
                        f'<th>{esc(chapter("statistic", lang))}</th><th>{esc(t["estimate"])}</th>'
                        f'<th>{esc(t["ci"])}</th><th>{esc(chapter("label", lang))}</th>'
                        f'<th>{esc(chapter("beside", lang))}</th><th>{esc(t["status"])}</th></tr>')
            for f in d.reliability:
                row = f.row
                body.append(f"<tr><td>{esc(params(row)['variable'])}</td>"
                            f"<td>{esc(statistic_name(row, lang))}</td>"
                            f"<td class=n>{esc(figure_of(row, lang))}</td>"
                            f"<td class=n>{esc(ci_of(row, lang))}</td>"
                            f"<td>{esc(figure_text(row, lang))}</td>"
                            f"<td>{esc(beside_text(f, lang))}</td>"
                            f"<td>{_status(f.status, lang)}</td></tr>")
            body.append("</table></div>")
            paradox = paradox_text(d.reliability, lang)
            if paradox:
                body.append(f"<blockquote>{esc(paradox)}</blockquote>")
    body.append("</section>")

    # ---- by unit
    body.append(f'<section id="{ANCHORS["by_unit"]}"><h2>{esc(chapter("by_unit", lang))}</h2>')
    if chap.units:
        body.append(f'<div class="scroll"><table><tr><th>{esc(chapter("unit_col", lang))}</th>'
                    f'<th>{esc(chapter("failing_col", lang))}</th>'
                    f'<th>{esc(chapter("warning_col", lang))}</th><th>{esc(t["check"])}</th></tr>')
        for u in chap.units:
            titles = "; ".join(dict.fromkeys(title_of(r, lang, report.period)
                                             for r in u.failing + u.warning))
            body.append(f"<tr><td>{esc(u.unit)}</td><td class=n>{len(u.failing)}</td>"
                        f"<td class=n>{len(u.warning)}</td><td>{esc(titles)}</td></tr>")
        body.append("</table></div>")
    if chap.units_clean:
        body.append(f"<p>{esc(chapter('units_clean' + ('_one' if chap.units_clean == 1 else ''), lang, n=chap.units_clean))}</p>")
    body.append("</section>")

    # ---- methods
    body.append(f'<section id="{ANCHORS["methods"]}"><h2>{esc(chapter("methods", lang))}</h2>'
                '<dl class="methods">')
    for definition in _definitions(report):
        src = METHOD_SOURCES[definition]
        body.append(f"<dt>{esc(METHOD_NAMES[definition][lang])}</dt><dd>"
                    f"{esc(METHODS[definition][lang])}<br><span class=small>"
                    f"{esc(chapter('formula', lang))}: {esc(src[lang])}. "
                    f"{esc(chapter('reference', lang))}: {esc(src['ref'])}.</span></dd>")
    body.append("</dl>")
    rule = suppression_rule(n_hidden, lang)
    if rule:
        body.append(f'<p class="small">{esc(t["suppression"])}: {esc(rule)}</p>')
    body.append("</section>")

    # ---- appendix
    body.append(f'<section id="{ANCHORS["appendix"]}"><h2>{esc(chapter("appendix", lang))}</h2>')
    checks = report.checks
    for d in chap.dimensions:
        part = [r for r in checks.filter(checks["dimension"] == d.id).to_dicts()
                if r["unit"] is None]
        if not part:
            continue
        heading = chapter("appendix_reliability", lang) if d.id == "reliabilitet" \
            else NAMES[lang][d.id]
        body.append(f'<h3 id="vedlegg-{d.id}">{esc(heading)}</h3><div class="scroll"><table><tr>'
                    f'<th>{esc(t["check"])}</th><th>{esc(t["estimate"])}</th>'
                    f'<th>{esc(t["n"])}</th><th>{esc(t["ci"])}</th>'
                    f'<th>{esc(t["threshold"])}</th><th>{esc(t["status"])}</th></tr>')
        for row in part:
            extra = (f'<div class="small">{esc(figure_text(row, lang))}</div>'
                     if figure_text(row, lang) else "")
            body.append(f"<tr><td>{esc(title_of(row, lang, report.period))}{extra}</td>"
                        f"<td class=n>{esc(figure_of(row, lang))}</td>"
                        f"<td class=n>{esc(evidence_of(row, lang, n_hidden))}</td>"
                        f"<td class=n>{esc(ci_of(row, lang))}</td>"
                        f"<td class=n>{esc(threshold(row, lang))}</td>"
                        f"<td>{_status(row['status'], lang)}</td></tr>")
        body.append("</table></div>")
    body.append("</section>")

    body.append(f'<section id="{ANCHORS["inputs"]}"><h2>{esc(t["inputs"])}</h2><ul>')
    for i in report.inputs:
        rows = "" if i.rows is None else f": {esc(count(i.rows, lang))} {esc(ui('rows', lang))}"
        body.append(f"<li><code>{esc(i.path.name)}</code>{rows}, sha256 "
                    f"<code>{esc(i.sha256)}</code></li>")
    if report.spec.path:
        body.append(f"<li>{esc(t['spec_file'])} <code>{esc(report.spec.path.name)}</code>, "
                    f"sha256 <code>{esc(report.spec.sha256 or '')}</code></li>")
    body.append("</ul>")
    body.append(f'<p class="small">{esc(t["generated"])} {dq.__version__}, '
                f"{esc(moment(report.started, lang))}</p></section>")
    return (f'<!DOCTYPE html><html lang="{"nb" if lang == "nb" else "en"}"><head>'
            '<meta charset="utf-8"><meta name="viewport" content="width=device-width,'
            f'initial-scale=1"><title>{esc(title)}</title><style>{CSS}</style></head><body>'
            + _stacking("\n".join(body)) + "</body></html>\n")


_TABLE = re.compile(r"<table>(.*?)</table>", re.S)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_HEAD = re.compile(r"<th[^>]*>(.*?)</th>", re.S)
_CELL = re.compile(r"<td(?=[ >])")


def _stacking(html_body: str) -> str:
    """Each table's data cells carry their column's heading (``data-label``), so that a phone
    shows a row as a small card of "heading: value" lines (CSS ``table.stack``) instead of a
    table wider than the screen to scroll sideways."""

    def table(m: re.Match[str]) -> str:
        rows = _ROW.findall(m.group(1))
        heads = [re.sub(r"<[^>]+>", "", h) for h in _HEAD.findall(rows[0])] if rows else []
        if not heads or "<td" in rows[0] or len(rows) > 41:  # the appendix's long lists scroll
            return m.group(0)

        def row(r: re.Match[str]) -> str:
            cells = iter(heads)
            return "<tr>" + _CELL.sub(lambda _: f'<td data-label="{next(cells, "")}"',
                                      r.group(1)) + "</tr>"

        return '<table class="stack">' + _ROW.sub(row, m.group(1)) + "</table>"

    return _TABLE.sub(table, html_body)
