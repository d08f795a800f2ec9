"""``dq report --format markdown``: the data-quality chapter of an annual report.

The same structure as the HTML report (``dq.render.report_html``): summary, findings,
figures, by unit, methods, appendix. With ``--figures DIR`` the figures are files there and the
Markdown links them (``figures_dir``: the folder as the Markdown should name it), so the chapter
can go into Word (pandoc) or R Markdown.
"""

from __future__ import annotations

from typing import Any

import dq
from dq.checks.model import NAMES
from dq.messages import METHOD_NAMES, METHOD_SOURCES, METHODS, chapter, ui
from dq.render import figures as figs
from dq.render.chapter import Chapter, build, top_findings
from dq.render.numbers import count
from dq.render.report_text import (TEXT, _missing, _reason, beside_text, ci_of, evidence_of,
                                   family_line, figure_of, figure_text, key_text, paradox_text,
                                   params, period_line, sentence, statistic_name,
                                   suppression_rule, threshold, title_of, units_text)
from dq.render.text import md_cell

SECTIONS = ("summary", "figures", "findings_short", "by_unit", "methods", "appendix")
ANCHORS = {"summary": "oppsummering", "findings_short": "funn", "figures": "figurer",
           "by_unit": "per-enhet", "methods": "metoder", "appendix": "vedlegg",
           "inputs": "datagrunnlag"}


def funnel_rows(chap: Chapter) -> list[dict[str, Any]]:
    """The funnel checks that fail or warn: each gets its funnel plot."""
    return [f.row for d in chap.dimensions for f in d.findings
            if f.row["definition"] == "sammenlignbarhet.trakt" and f.row["unit"] is None]


def report_figures(report, chap: Chapter, lang: str) -> list[figs.Figure]:  # noqa: ANN001
    return figs.all_figures(report, funnel_rows(chap), lang)


def _heading(level: int, text: str, anchor: str) -> str:
    # An explicit anchor (pandoc, R Markdown and most renderers) beside the heading text.
    return f"{'#' * level} {text} {{#{anchor}}}"


def markdown(report, lang: str, figures_dir: str | None = None) -> str:  # noqa: ANN001, C901
    t = TEXT[lang]
    chap = build(report)
    n_hidden = report.suppressed_below
    out = [f"# {t['title']}: {md_cell(report.registry or '')}".rstrip(": "), ""]
    if period_line(report, lang):
        out += [period_line(report, lang), ""]
    out += [f"**{chapter('contents', lang)}:** " + " · ".join(
        [f"[{chapter(s, lang)}](#{ANCHORS[s]})" for s in SECTIONS]
        + [f"[{t['inputs']}](#{ANCHORS['inputs']})"]), ""]

    # ---- summary
    out += [_heading(2, chapter("summary", lang), ANCHORS["summary"]), "",
            f"| {chapter('dimension', lang)} | {t['verdict']} | {chapter('key', lang)} | "
            f"{t['summary']} |", "|---|---|---|---|"]
    for d in chap.dimensions:
        out.append(f"| {NAMES[lang][d.id]} | **{t[d.verdict]}** | "
                   f"{md_cell(key_text(d.key, lang))} | {md_cell(sentence(d, lang))} |")
    out.append("")
    picked, left = top_findings(chap, 2 * report.spec.report_top_units)
    if picked:
        out += [f"**{chapter('top_findings', lang)}**", "",
                f"| {chapter('dimension', lang)} | {t['check']} | {t['estimate']} | "
                f"{chapter('national_col', lang)} | {chapter('units_col', lang)} |",
                "|---|---|---:|---|---|"]
        for dim, f in picked:
            own = f.row["status"] if f.row["unit"] is None else f.status
            out.append(f"| {NAMES[lang][dim]} | {md_cell(title_of(f.row, lang, report.period))} | "
                       f"{figure_of(f.row, lang)} | {t[own]} | {md_cell(units_text(f, lang, 3))} |")
        out.append("")
        if left:
            out += [f"[{chapter('more_in_findings', lang, n=left)}](#{ANCHORS['findings_short']})",
                    ""]

    # ---- figures
    out += [_heading(2, chapter("figures", lang), ANCHORS["figures"]), ""]
    for fig in report_figures(report, chap, lang):
        if figures_dir is not None:
            out += [f"![{md_cell(fig.alt)}]({figures_dir.rstrip('/')}/{fig.key}.svg)", ""]
        out += [f"_{md_cell(fig.caption)}_", "", md_cell(fig.alt), ""]
    if figures_dir is not None:
        out += [chapter("figures_files", lang, folder=figures_dir), ""]

    # ---- findings
    out += [_heading(2, chapter("findings", lang), ANCHORS["findings_short"]), ""]
    for d in chap.dimensions:
        out += [f"### {NAMES[lang][d.id]} — {t[d.verdict]}", ""]
        if d.verdict == "not_assessed":
            out += [f"_{t['not_assessed']}_: {_reason(d.raw, lang)}", ""]
            continue
        if d.missing:
            out += [f"_{t['missing']}_: {_missing(d.raw, lang)}", ""]
        if d.findings:
            out += [f"| {t['check']} | {t['estimate']} | {t['n']} | {t['ci']} | "
                    f"{t['threshold']} | {t['status']} | {chapter('units_col', lang)} |",
                    "|---|---:|---:|---:|---:|---|---|"]
            for f in d.findings:
                row = f.row
                extra = figure_text(row, lang) if row["unit"] is None else ""
                if f.beside:
                    extra = "; ".join(p for p in (extra, beside_text(f, lang)) if p)
                shown = figure_of(row, lang) + (f" ({md_cell(extra)})" if extra else "")
                own = row["status"] if row["unit"] is None else f.status
                out.append(f"| {md_cell(title_of(row, lang, report.period))} | {shown} | "
                           f"{evidence_of(row, lang, n_hidden)} | {ci_of(row, lang)} | "
                           f"{threshold(row, lang)} | {t[own]} | "
                           f"{md_cell(units_text(f, lang, report.spec.report_top_units))} |")
            out.append("")
        else:
            out += [chapter("no_findings", lang), ""]
        passing = [line for line in (family_line(fam, lang) for fam in d.passing) if line]
        if passing:
            out += [f"**{chapter('passing', lang)}:** " + md_cell("; ".join(passing)) + ".", ""]
        if d.id == "reliabilitet" and d.reliability:
            out += [f"**{chapter('reliability_headline', lang)}**", "",
                    f"| {chapter('variable', lang)} | {chapter('statistic', lang)} | "
                    f"{t['estimate']} | {t['ci']} | {chapter('label', lang)} | "
                    f"{chapter('beside', lang)} | {t['status']} |",
                    "|---|---|---:|---:|---|---|---|"]
            for f in d.reliability:
                row = f.row
                out.append(f"| {md_cell(params(row)['variable'])} | {statistic_name(row, lang)} | "
                           f"{figure_of(row, lang)} | {ci_of(row, lang)} | "
                           f"{md_cell(figure_text(row, lang))} | {md_cell(beside_text(f, lang))} | "
                           f"{t[f.status]} |")
            out.append("")
            paradox = paradox_text(d.reliability, lang)
            if paradox:
                out += [f"> {paradox}", ""]

    # ---- by unit
    out += [_heading(2, chapter("by_unit", lang), ANCHORS["by_unit"]), ""]
    if chap.units:
        out += [f"| {chapter('unit_col', lang)} | {chapter('failing_col', lang)} | "
                f"{chapter('warning_col', lang)} | {t['check']} |", "|---|---:|---:|---|"]
        for u in chap.units:
            titles = "; ".join(dict.fromkeys(title_of(r, lang, report.period)
                                             for r in u.failing + u.warning))
            out.append(f"| {md_cell(u.unit)} | {len(u.failing)} | {len(u.warning)} | "
                       f"{md_cell(titles)} |")
        out.append("")
    if chap.units_clean:
        out += [chapter("units_clean" + ("_one" if chap.units_clean == 1 else ""), lang,
                        n=chap.units_clean), ""]

    # ---- methods
    out += [_heading(2, chapter("methods", lang), ANCHORS["methods"]), ""]
    for definition in _definitions(report):
        src = METHOD_SOURCES[definition]
        out += [f"- **{md_cell(METHOD_NAMES[definition][lang])}** — "
                f"{METHODS[definition][lang]} {chapter('formula', lang)}: {src[lang]}. "
                f"{chapter('reference', lang)}: {src['ref']}."]
    rule = suppression_rule(n_hidden, lang)
    if rule:
        out += ["", f"_{t['suppression']}: {rule}_"]
    out.append("")

    # ---- appendix: every national check, and every agreement statistic
    out += [_heading(2, chapter("appendix", lang), ANCHORS["appendix"]), ""]
    for d in chap.dimensions:
        part = [r for r in report.checks.filter(report.checks["dimension"] == d.id).to_dicts()
                if r["unit"] is None]
        if not part:
            continue
        heading = chapter("appendix_reliability", lang) if d.id == "reliabilitet" \
            else NAMES[lang][d.id]
        out += [f"### {heading}", "", f"| {t['check']} | {t['estimate']} | {t['n']} | "
                f"{t['ci']} | {t['threshold']} | {t['status']} |", "|---|---:|---:|---:|---:|---|"]
        for row in part:
            figure = figure_of(row, lang) + (f" ({md_cell(figure_text(row, lang))})"
                                             if figure_text(row, lang) else "")
            out.append(f"| {md_cell(title_of(row, lang, report.period))} | {figure} | "
                       f"{evidence_of(row, lang, n_hidden)} | {ci_of(row, lang)} | "
                       f"{threshold(row, lang)} | {t[row['status']]} |")
        out.append("")

    out += [_heading(2, t["inputs"], ANCHORS["inputs"]), ""]
    for i in report.inputs:
        rows = "" if i.rows is None else f": {count(i.rows, lang)} {ui('rows', lang)}"
        out.append(f"- {md_cell(i.path.name)}{rows}, sha256 `{i.sha256[:16]}…`")
    if report.spec.path:
        out.append(f"- {t['spec_file']} {md_cell(report.spec.path.name)}, sha256 "
                   f"`{(report.spec.sha256 or '')[:16]}…`")
    out += ["", f"_{t['generated']} {dq.__version__}._", ""]
    return "\n".join(out)


def _definitions(report) -> list[str]:  # noqa: ANN001
    """The check definitions the report holds, in the order of the dimensions."""
    seen = dict.fromkeys(report.checks["definition"].to_list())
    return [d for d in seen if d in METHODS]
