"""Texts of the ``dq report`` renderers: headings, the report's period, and each check's title,
figure, evidence, CI and threshold in the report's language — and the chapter's sentences (a
dimension's key figure and counts, a finding's units, a family of passing checks).

Shared by the terminal, Markdown and HTML renderers; every word comes from ``dq.messages``.
"""

from __future__ import annotations

import json
from typing import Any

from dq.checks.model import figure as check_figure
from dq.checks.model import title as check_title
from dq.messages import FAMILIES as _FAMILIES
from dq.messages import chapter, chapter_n, render, word
from dq.privacy import HIDDEN_MARK
from dq.render.chapter import Dimension, Family, Finding
from dq import messages
from dq.render.numbers import SHARE_STATISTICS, ci, count, num, pct

# The report's fixed words (headings, column names, statuses): the message catalogue's.
TEXT = messages.REPORT


def suppression_rule(n: int | None, lang: str) -> str | None:
    if not n:
        return None
    if lang == "nb":
        return (f"Antall fra 1 til {n - 1} vises som «<{n}»; for at et skjult tall ikke skal "
                "kunne regnes ut fra totalene, skjules også de andre tallene i samme rad og flere "
                f"rader eller totaler (vist som «{HIDDEN_MARK}»); tall beregnet fra skjulte tall "
                "skjules også.")
    from dq.privacy import rule

    return rule(n)


def params(row: dict[str, Any]) -> dict[str, Any]:
    """A check's values: JSON text in the report's frame, an object in a stored result."""
    if isinstance(row.get("values"), dict):
        return row["values"]
    return json.loads(row["params"]) if row.get("params") else {}


def title_of(row: dict[str, Any], lang: str, period: str | None = None) -> str:
    """The check's title in the report's language, from the message catalogue; with its period
    when that is not the report's (``period``), e.g. shifts over 2019–2023."""
    text = check_title(row["definition"], params(row), lang)
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
    parts = [check_figure(row["definition"], row["variant"], params(row), lang) or ""] \
        if row.get("variant") else []
    if row.get("previous") is not None and row.get("period", "").isdigit():
        parts.append(word("previous_change", lang, year=int(row["period"]) - 1,
                          previous=row["previous"], change=row["change"]))
    return "; ".join(p for p in parts if p)


def _share_statistic(row: dict[str, Any]) -> bool:
    """An agreement statistic that is a share of cases (observed agreement)."""
    return row["id"].startswith("reliabilitet.") and params(row).get("statistic") in \
        SHARE_STATISTICS


def _proportion_kind(row: dict[str, Any]) -> bool:
    """The check's definition is a proportion (what a row without its numbers was)."""
    from dq.checks.registry import DEFINITIONS

    d = DEFINITIONS.get(str(row.get("definition")))
    return d is not None and d.kind == "proportion" and not row["id"].startswith(
        "reliabilitet.")


def _is_share(row: dict[str, Any]) -> bool:
    """A proportion: the estimate is numerator / denominator (not a count of units, say)."""
    if row.get("suppressed"):  # its numbers are gone: the definition says what it was
        return _proportion_kind(row)
    num, den, est = row["numerator"], row["denominator"], row["estimate"]
    return (num is not None and den is not None and est is not None and den > 0
            and abs(num / den - est) < 1e-9 and not row["id"].startswith("reliabilitet."))


def _as_share(row: dict[str, Any]) -> bool:
    """Written as a percentage: a proportion, a proportion-kind check without an estimate (not
    assessed: its threshold is still a share) or an agreement statistic that is a share."""
    return _is_share(row) or _share_statistic(row) or (
        row["estimate"] is None and _proportion_kind(row))


def figure_of(row: dict[str, Any], lang: str) -> str:
    if row["estimate"] is None:
        return "–"
    if _share_statistic(row):
        return pct(row["estimate"], lang)
    if row["id"].startswith("reliabilitet."):
        return num(row["estimate"], lang, 3)
    if _is_share(row):
        return pct(row["estimate"], lang)
    if row["definition"] == "sammenlignbarhet.skift" and row.get("variant") == "unit":
        return render("{change:pp}", lang, {"change": row["estimate"]})  # after − before
    return num(row["estimate"], lang, 0 if float(row["estimate"]).is_integer() else 2)


def evidence_of(row: dict[str, Any], lang: str, n: int | None) -> str:
    if row.get("suppressed"):
        # "<n" only for a row hidden as a small count; one hidden to protect another is ":"
        return f"<{n}" if row.get("suppressed_small", True) else HIDDEN_MARK
    if row["numerator"] is None and row["denominator"] is None:
        return ""
    if row["numerator"] is None:
        return f"n = {count(row['denominator'], lang)}"
    return f"{count(row['numerator'], lang)}/{count(row['denominator'], lang)}"


def ci_of(row: dict[str, Any], lang: str) -> str:
    if row.get("suppressed") or row["ci_low"] is None:
        return "–"
    return ci(row["ci_low"], row["ci_high"], lang,
              as_pct=not row["id"].startswith("reliabilitet.") or _share_statistic(row))


def _threshold(row: dict[str, Any], lang: str) -> str:
    def fmt(v: float) -> str:
        return pct(v, lang, 0) if _as_share(row) and v <= 1 else num(v, lang, 0 if float(v).is_integer() else 2)

    if row["direction"] == "higher_is_better":
        parts = [f"≥ {fmt(v)}" for v in (row["warn"],) if v is not None]
    else:
        parts = [f"≤ {fmt(v)}" for v in (row["warn"],) if v is not None]
    return parts[0] if parts else "–"




def threshold(row: dict[str, Any], lang: str) -> str:
    return _threshold(row, lang)


def key_text(row: dict[str, Any] | None, lang: str) -> str:
    """A dimension's key figure: the check's title, its figure, the 95 % CI and the period."""
    if row is None:
        return "–"
    title = title_of(row, lang)
    figure = figure_of(row, lang)
    hidden = bool(row.get("suppressed"))
    if _is_share(row) and not hidden:  # its evidence: n/N = share (CI)
        figure = f"{count(row['numerator'], lang)}/{count(row['denominator'], lang)} = {figure}"
    text = f"{title} {figure}"
    if row.get("ci_low") is not None and not hidden:
        text += f" ({ci_of(row, lang)})"
    if row["id"].startswith("reliabilitet.") and row.get("denominator") and not hidden:
        text += f", n = {count(row['denominator'], lang)}"  # the study's cases
    if row.get("period") and f"({row['period']})" not in title:  # a title may name its year
        text += f", {row['period']}"
    return text


def sentence(d: Dimension, lang: str) -> str:
    """One plain sentence: what was checked and how it went, in checks (units counted apart)."""
    if d.verdict == "not_assessed":
        return f"{TEXT[lang]['not_assessed']}: {_reason(d.raw, lang)}"
    what = chapter_n("variables_n" if d.id == "reliabilitet" else "checks_n", d.checks, lang)
    graded = {s: d.counts.get(s, 0) for s in ("fail", "warn", "pass")}
    if graded["pass"] == d.checks and d.checks:
        text = chapter("sentence_all_pass", lang, what=what)
    else:
        parts = [chapter(f"n_{s}", lang, n=n) for s, n in (*graded.items(),
                 ("info", d.counts.get("info", 0)),
                 ("not_assessed", d.counts.get("not_assessed", 0))) if n]
        joined = ", ".join(parts[:-1]) + f" {chapter('and', lang)} {parts[-1]}" \
            if len(parts) > 1 else "".join(parts)
        text = chapter("sentence_checks", lang, what=what, parts=joined)
    if d.units:
        text += " " + chapter_n("sentence_units", d.units, lang)
    if d.missing:
        text += f" {TEXT[lang]['missing']}: {_missing(d.raw, lang)}."
    return text


def units_text(f: Finding, lang: str, top: int | None = None) -> str:
    """The units a check flags: "ikke bestått i 3 enheter: Hamar 33,3 %, …"."""
    if not f.units:
        return ""
    shown = f.units if top is None else f.units[:top]
    parts = []
    for status in ("fail", "warn"):
        rows = [r for r in f.units if r["status"] == status]
        if rows:
            parts.append(chapter_n("in_units", len(rows), lang, status=TEXT[lang][status]))
    names = ", ".join(f"{r['unit']} {figure_of(r, lang)}" if not r.get("suppressed") else
                      f"{r['unit']}" for r in shown)
    if top is not None and len(f.units) > top:
        names += " " + chapter("more_units", lang, n=len(f.units) - top)
    return f"{'; '.join(parts)}: {names}"


def family_line(fam: Family, lang: str) -> str:
    """Passing checks of one definition in one line (a single check: its title and figure)."""
    if len(fam.rows) == 1 and fam.definition not in ("reliabilitet",):
        row = fam.rows[0]
        text = f"{title_of(row, lang)} {figure_of(row, lang)}"
    elif fam.rows:
        text = chapter_n(fam.definition, len(fam.rows), lang) if fam.definition in _FAMILIES \
            else chapter_n("checks_n", len(fam.rows), lang)
    else:
        text = ""
    if fam.info:
        text += ("; " if text else "") + chapter("info_more", lang, n=fam.info)
    return text


def beside_text(f: Finding, lang: str) -> str:
    """Reliability: the statistics shown beside the headline, e.g. "Observert enighet 95,0 %;
    Gwets AC1 0,944"."""
    return "; ".join(f"{statistic_name(r, lang)} {figure_of(r, lang)}" for r in f.beside)


def statistic_name(row: dict[str, Any], lang: str) -> str:
    from dq.messages import _statistic

    return _statistic(params(row)["statistic"], lang)


def paradox_text(findings: list[Finding], lang: str, short: bool = False) -> str:
    variables = [params(f.row)["variable"] for f in findings if f.paradox]
    if not variables:
        return ""
    return chapter("paradox_short" if short else "paradox", lang, variables=variables)
