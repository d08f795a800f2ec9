"""Markdown documents of the sub-commands, in the report's style: a heading, the method in words,
then tables with labelled columns — percentages with their 95 % CI, counts with thousands
separators, statuses in words, small cells as ``<n`` — for a chapter of an annual report. Every
word comes from the message catalogue (``dq.messages.SUB``) in the chosen language; the machine
rows are in the JSON and CSV formats."""

from __future__ import annotations

import html
from collections.abc import Sequence

import polars as pl

from dq.messages import counted, label_word, statistic_name, status_word, sub
from dq.privacy import HIDDEN_MARK
from dq.render.numbers import ci, count, estimate, interval, num, pct
from dq.render.terminal import (binary_share, ci_header, correctness_detail, coverage_method, estimate_ci,
                                estimate_text, group_label, loglinear_text, model_headers,
                                model_rows, paradoxes, reliability_method)
from dq.render.text import md_cell
from dq.units import group_word


class Data(str):
    """Text from a file (a variable, unit or group name): escaped as Markdown in a table."""


def _own(text: str) -> str:
    """dq's own text in a table cell (numbers, catalogue words): only ``<>&`` and ``|`` need
    escaping ("<5"); a name from a file goes through md_cell (``Data``)."""
    return html.escape(text, quote=False).replace("|", "\\|")


def table(headers: Sequence[tuple[str, str]], rows: Sequence[Sequence[str]], lang: str) -> str:
    """A Markdown table: ``headers`` are (title, "left"/"right"); cells that came from a file
    (``Data``) are escaped with md_cell, dq's own with ``_own``."""
    if not rows:
        return f"_{sub('no_rows', lang)}_\n"
    head = "| " + " | ".join(_own(t) for t, _ in headers) + " |"
    rule = "|" + "|".join("---:" if j == "right" else "---" for _, j in headers) + "|"
    body = ["| " + " | ".join(md_cell(c) if isinstance(c, Data) else _own(c) for c in row)
            + " |" for row in rows]
    return "\n".join([head, rule, *body]) + "\n"


def _pct_ci(value: float | None, low: float | None, high: float | None, lang: str) -> str:
    """A percentage with its CI in brackets: "45,0 % (30,2–60,8)"."""
    if value is None:
        return "–"
    return pct(value, lang) + ("" if low is None or high is None else f" ({ci(low, high, lang)})")


def completeness(result, lang: str = "en",  # noqa: ANN001 - CompletenessResult
                 suppress_n: int | None = None) -> str:
    rows = result.rows
    keys = result.keys
    headers = [(sub("col.variable", lang), "left")]
    if keys:
        headers.append((sub("col.group", lang), "left"))
    headers += [(sub(f"comp.col.{c}", lang), "right")
                for c in ("applicable", "valid", "missing", "unknown", "invalid", "full")]
    headers += [(sub("col.ci", lang), "right"), (sub("comp.col.nulls_only", lang), "right"),
                (sub("col.status", lang), "left")]
    body = []
    for row in rows.iter_rows(named=True):
        cells: list[str] = [Data(row["variable"])]
        if keys:
            cells.append(Data(group_label(row, keys, lang)))
        cells += [_cell(row, c, suppress_n, lang) for c in ("n_applicable", "n_valid",
                                                             "n_missing", "n_unknown", "n_invalid")]
        if suppress_n and row.get("n_applicable__hidden"):  # shares made from hidden counts
            cells += [HIDDEN_MARK] * 3 + [status_word(row["status"], lang)]
        else:
            cells += [pct(row["completeness"], lang), ci(row["ci_low"], row["ci_high"], lang),
                      pct(row["completeness_nulls_only"], lang), status_word(row["status"], lang)]
        body.append(cells)
    parts = [f"# {sub('comp.title', lang)}\n",
             sub("comp.read", lang, finished=counted(result.n_finished, "finished", lang),
                 read=count(result.n_records, lang),
                 period=sub("comp.period", lang, period=result.period) if result.period else "",
                 variables=counted(rows["variable"].n_unique(), "variable", lang),
                 ci=sub(f"ci_method.{result.ci_method}", lang)) + ".\n",
             sub("comp.method", lang) + " " + sub("comp.min_n", lang, n=result.min_n) + "\n",
             table(headers, body, lang)]
    rec = result.records
    if not rec.is_empty():
        label_keys = [k for k in rec.columns if k in ("year",)] if "level" in rec.columns else []
        rec_headers = ([(sub("col.group", lang), "left")] if "level" in rec.columns else []) + [
            (sub("comp.records.col", lang), "right"), (sub("comp.records.total", lang), "right"),
            (sub("comp.col.full", lang), "right"), (sub("col.ci", lang), "right")]
        rec_rows = []
        for r in rec.iter_rows(named=True):
            cells = [Data(group_label(r, [*keys, *label_keys], lang))] if "level" in rec.columns else []
            if suppress_n and r.get("n_records__hidden"):
                cells += [_cell(r, "n_complete", suppress_n, lang),
                          _cell(r, "n_records", suppress_n, lang), HIDDEN_MARK, HIDDEN_MARK]
            else:
                cells += [count(r["n_complete"], lang), count(r["n_records"], lang),
                          pct(r["completeness"], lang), ci(r["ci_low"], r["ci_high"], lang)]
            rec_rows.append(cells)
        parts += [f"\n## {sub('comp.records.title', lang)}\n", table(rec_headers, rec_rows, lang)]
    if suppress_n:
        from dq.render.report import suppression_rule

        parts.append(f"_{sub('suppression', lang)}: {suppression_rule(suppress_n, lang)}_\n")
    if result.unmatched_units:
        parts.append(md_cell(sub("comp.unmatched", lang,
                                        units=counted(len(result.unmatched_units), "unit", lang),
                                        names=", ".join(result.unmatched_units))) + "\n")
    return "\n".join(parts)


def _total(n: float | None, low: float | None, high: float | None, lang: str) -> str:
    """An estimated total with its interval in brackets, "337 (291–410)", as _pct_ci writes a
    share; the total alone when it has no interval."""
    if n is None:
        return "–"
    if low is None or high is None:
        return estimate(n, lang)
    return f"{estimate(n, lang)} ({interval(low, high, lang)})"


def _cell(row: dict[str, object], col: str, n: int | None, lang: str) -> str:
    if n and row.get(f"{col}__hidden"):
        return f"<{n}" if row.get(f"{col}__small") else HIDDEN_MARK
    value = row.get(col)
    return "–" if value is None else count(value, lang)  # type: ignore[arg-type]


def coverage(result, suppress_n: int | None, lang: str = "en",  # noqa: ANN001
             references: Sequence[str] = ()) -> str:
    linkage = result.mode == "linkage"
    has_year = "year" in result.national.columns
    year_h = [(sub("col.year", lang), "left")] if has_year else []

    def year(row: dict[str, object]) -> list[str]:
        return [str(row["year"])] if has_year else []

    # national: over all units and over the reporting units only
    if linkage:
        nat_h = [(sub("cov.col.scope", lang), "left"), *year_h,
                 *[(sub(f"cov.col.{c}", lang), "right")
                   for c in ("only_registry", "only_reference", "both")],
                 (sub("cov.figure.dg", lang), "right"), (sub("cov.col.dg_reference", lang), "right"),
                 (sub("cov.col.chapman", lang), "right"), (sub("cov.col.chao", lang), "right"),
                 (sub("cov.col.units", lang), "right")]
    else:
        nat_h = [(sub("cov.col.scope", lang), "left"), *year_h,
                 (sub("cov.col.registry", lang), "right"), (sub("cov.col.reference", lang), "right"),
                 (sub("cov.col.coverage_full", lang), "right"), (sub("cov.col.units", lang), "right")]
    nat_rows = []
    for r in result.national.iter_rows(named=True):
        scope = [sub(f"cov.scope.{r['scope']}", lang), *year(r)]
        if r.get("suppressed"):  # hidden with the small cells it would give back
            nat_rows.append([*scope, *[HIDDEN_MARK] * (len(nat_h) - len(scope) - 1),
                             count(r["units"], lang)])
        elif linkage:
            nat_rows.append([*scope, count(r["only_registry"], lang),
                             count(r["only_reference"], lang), count(r["both"], lang),
                             _pct_ci(r["coverage"], r["ci_low"], r["ci_high"], lang),
                             _pct_ci(r["dg_reference"], r.get("dg_reference_ci_low"),
                                     r.get("dg_reference_ci_high"), lang),
                             _total(r.get("chapman_n"), r.get("chapman_ci_low"),
                                    r.get("chapman_ci_high"), lang),
                             _total(r.get("chao_lower_bound"), r.get("chao_lower_bound_ci_low"),
                                    r.get("chao_lower_bound_ci_high"), lang),
                             count(r["units"], lang)])
        else:
            nat_rows.append([*scope, count(r["n_registry"], lang), count(r["n_reference"], lang),
                             _pct_ci(r["coverage"], r["ci_low"], r["ci_high"], lang),
                             count(r["units"], lang)])
    # tilslutning: a full enumeration of units, so counts and a share without a CI
    t_year = "year" in result.tilslutning.columns
    til_h = [(sub("cov.col.rhf", lang), "left"), *([(sub("col.year", lang), "left")]
                                                   if t_year else []),
             (sub("cov.col.reporting", lang), "right"), (sub("cov.col.in_reference", lang), "right"),
             (sub("cov.col.tilslutning", lang), "right")]
    til_rows = [[sub("national", lang) if r["rhf"] == "National"
                 else Data(group_word(r["rhf"], lang)),
                 *([str(r["year"])] if t_year else []), count(r["units_reporting"], lang),
                 count(r["units_in_reference"], lang), pct(r["tilslutning"], lang)]
                for r in result.tilslutning.iter_rows(named=True)]
    # by unit (and HF, RHF, national): suppressed counts as "<n", figures made from them hidden
    counts = result.count_columns
    keys = [k for k in result.keys if k != "year"]
    unit_h = [(sub("cov.col.unit", lang), "left"),
              *([(sub("col.year", lang), "left")] if "year" in result.keys else [])]
    if linkage:
        unit_h += [(sub(f"cov.col.{c}", lang), "right")
                   for c in ("only_registry", "only_reference", "both")]
        unit_h += [(sub("cov.figure.dg", lang), "right"),
                   (sub("cov.col.dg_reference", lang), "right")]
    else:
        unit_h += [(sub("cov.col.registry", lang), "right"),
                   (sub("cov.col.reference", lang), "right"),
                   (sub("cov.col.coverage_full", lang), "right")]
    unit_h.append((sub("col.status", lang), "left"))
    unit_rows = []
    for r in result.rows.iter_rows(named=True):
        hidden = bool(suppress_n) and any(r.get(f"{c}__hidden") for c in counts)
        cells = [Data(group_label(r, keys, lang)),
                 *([str(r["year"]) if r["year"] is not None else sub("missing_group", lang)]
                   if "year" in result.keys else [])]
        if linkage:
            cells += [_cell(r, c, suppress_n, lang)
                      for c in ("only_registry", "only_reference", "both")]
            cells += ["–" if hidden else _pct_ci(r["dg_registry"], r["dg_registry_ci_low"],
                                                 r["dg_registry_ci_high"], lang),
                      "–" if hidden else _pct_ci(r["dg_reference"], r.get("dg_reference_ci_low"),
                                                 r.get("dg_reference_ci_high"), lang)]
        else:
            mark = ""
            if not hidden and r["mismatch"]:
                mark = " ≠"
            elif not hidden and r["low_coverage"]:
                mark = " " + sub("cov.low", lang)
            cells += [_cell(r, "n_registry", suppress_n, lang),
                      _cell(r, "n_reference", suppress_n, lang),
                      "–" if hidden else _pct_ci(r["coverage"], r["ci_low"], r["ci_high"],
                                                 lang) + mark]
        cells.append(status_word(r["status"], lang))
        unit_rows.append(cells)
    parts = [f"# {sub(f'cov.title.{result.mode}', lang)}\n",
             md_cell(coverage_method(result, lang, references)) + "\n",
             f"## {sub('cov.h.national', lang)}\n", table(nat_h, nat_rows, lang),
             f"\n## {sub('cov.h.tilslutning', lang)}\n", table(til_h, til_rows, lang),
             f"\n## {sub('cov.h.units', lang)}\n", table(unit_h, unit_rows, lang)]
    if result.loglinear is not None:
        ll = result.loglinear
        parts.append(md_cell(loglinear_text(ll, lang)) + "\n")
        if ll.models:
            parts += [f"### {sub('cov.models', lang)}\n",
                      table(model_headers(lang),
                            [[Data(name), *cells] for name, *cells in model_rows(ll, lang)],
                            lang)]
    if result.not_reporting:
        parts.append(md_cell(sub("cov.not_reporting", lang, n=len(result.not_reporting),
                                        names=", ".join(result.not_reporting))) + "\n")
    parts.append(md_cell(sub("cov.legend", lang, low=result.options.low,
                                    target=result.options.target)) + "\n")
    if suppress_n:
        from dq.render.report import suppression_rule

        # dq's own text, as the report writes it
        parts.append(f"_{sub('suppression', lang)}: {suppression_rule(suppress_n, lang)}_\n")
    return "\n".join(parts)


def reliability(result, lang: str = "en") -> str:  # noqa: ANN001 - ReliabilityResult
    headers = [(sub("col.variable", lang), "left"), (sub("rel.col.stat", lang), "left"),
               (sub("rel.col.estimate", lang), "right"), (ci_header(result.rows, lang), "right"),
               (sub("rel.col.n", lang), "right"), (sub("rel.col.raters", lang), "right"),
               (sub("rel.col.label", lang), "left"), (sub("col.status", lang), "left")]
    body = []
    for r in result.rows.iter_rows(named=True):
        level = sub(f"rel.level.{r['level']}", lang)
        body.append([Data(f"{r['variable']} ({level})"), statistic_name(r["statistic"], lang),
                     estimate_text(r["estimate"], r["statistic"], lang)
                     if r["estimate"] is not None else sub("rel.not_computed", lang),
                     estimate_ci(r, lang), count(r["n_cases"], lang), count(r["n_raters"], lang),
                     label_word(r["label"], lang), status_word(r["status"], lang)])
    period = sub("study.period", lang, period=result.period) if result.period else ""
    parts = [f"# {sub('rel.title', lang)}{period}\n", reliability_method(result, lang) + "\n",
             table(headers, body, lang)]
    notes = paradoxes(result, lang)
    if notes:
        parts.append(f"**{sub('notes', lang)}**\n\n" + "".join(f"- {md_cell(n)}\n"
                                                              for n in notes))
    return "\n".join(parts)


def correctness(result, lang: str = "en", ci_method: str = "wilson") -> str:  # noqa: ANN001
    rows = result.rows
    by_unit = "unit" in rows.columns
    headers = [(sub("col.variable", lang), "left")]
    if by_unit:
        headers.append((sub("col.unit", lang), "left"))
    headers += [(sub("corr.col.correct", lang), "right"), (sub("corr.col.n", lang), "right"),
                (sub("corr.col.share_full", lang), "right")]
    binary = bool((rows["type"] == "binary").any()) if "sensitivity" in rows.columns else False
    numeric = ("max_abs_deviation" in rows.columns
               and bool(rows["max_abs_deviation"].is_not_null().any()))
    if binary:
        headers += [(sub(f"corr.col.{c}", lang), "right")
                    for c in ("sensitivity", "specificity", "ppv", "npv")]
    if numeric:
        headers.append((sub("corr.col.deviation", lang), "right"))
    headers.append((sub("col.status", lang), "left"))
    body = []
    for r in rows.iter_rows(named=True):
        cells: list[str] = [Data(r["variable"])]
        if by_unit:
            cells.append(Data(group_word(r["unit"], lang)) if r.get("unit")
                         else sub("national", lang))
        cells += [count(r["n_correct"], lang), count(r["n"], lang),
                  _pct_ci(r["share_correct"], r["ci_low"], r["ci_high"], lang)]
        if binary:
            cells += [binary_share(r, c, lang) if r["type"] == "binary" else ""
                      for c in ("sensitivity", "specificity", "ppv", "npv")]
        if numeric:
            cells.append("" if r["max_abs_deviation"] is None else
                         f"{num(r['mean_abs_deviation'], lang, 2)} / "
                         f"{num(r['max_abs_deviation'], lang, 2)}")
        cells.append(status_word(r["status"], lang))
        body.append(cells)
    period = sub("study.period", lang, period=result.period) if result.period else ""
    parts = [f"# {sub('corr.title', lang)}{period}\n",
             sub("corr.method", lang, ci=sub(f"ci_method.{ci_method}", lang)) + "\n",
             table(headers, body, lang)]
    if result.patients is not None:
        p = result.patients.row(0, named=True)
        parts.append(sub("corr.patients", lang, n=p["n_true_positive"],
                                d=p["n_registered"], p=p["correct_patients"],
                                ci=ci(p["ci_low"], p["ci_high"], lang)) + "\n")
    problems = rows.filter(pl.col("problem_variable") & (pl.col("level") == "national"))
    if problems.height:
        parts.append(md_cell(sub("corr.problems", lang,
                                        names=", ".join(problems["variable"].to_list()))) + "\n")
    return "\n".join(parts)


__all__ = ["completeness", "correctness", "coverage", "correctness_detail", "reliability",
           "table"]
