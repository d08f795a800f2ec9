"""``dq plan`` output: the paragraph a grant application can quote, a terminal table, Markdown
and JSON. Texts come from the catalogue (dq.messages PLAN); nothing is computed here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dq.messages import plan_text, render
from dq.render.numbers import count, num, pct, span

if TYPE_CHECKING:
    from dq.plan import Plan


def _prev(plan: Plan, lang: str) -> str:
    prev = plan.inputs.get("prevalence")
    if isinstance(prev, list):
        shares = ", ".join(pct(p, lang, 0) for p in prev)
        return plan_text("plan.prev.multi", lang, shares=shares)
    return plan_text("plan.prev.binary", lang, share=prev)


def _kind(plan: Plan) -> str:
    return "power" if plan.power is not None and plan.measure in ("kappa", "icc") else "ci"


def sentence(plan: Plan, lang: str) -> str:
    """The main sentence: what n gives, in the language's words and numbers."""
    i = plan.inputs
    share = plan.measure in ("sensitivity", "specificity", "proportion")
    common: dict[str, Any] = {"n": plan.n, "level": plan.level,
                              "ci": _range(plan.ci_low, plan.ci_high, lang, share),
                              "width": plan.width, "power": plan.power,
                              "alpha": plan.alpha, "sided": plan.sided, "n_total": plan.n_total}
    if plan.measure == "kappa":
        return plan_text(f"plan.sentence.kappa.{_kind(plan)}", lang, prev=_prev(plan, lang),
                         kappa=i["kappa"], kappa0=i.get("kappa0"), raters=i["raters"], **common)
    if plan.measure == "icc":
        return plan_text(f"plan.sentence.icc.{_kind(plan)}", lang, icc=i["icc"],
                         icc0=i.get("icc0"), raters=i["raters"], **common)
    if plan.measure in ("sensitivity", "specificity", "proportion"):
        return plan_text(f"plan.sentence.{plan.measure}", lang, value=i[plan.measure],
                         prevalence=i.get("prevalence"), **common)
    return plan_text("plan.sentence.difference", lang, p1=i["p1"], p2=i["p2"], **common)


def method_name(plan: Plan, lang: str) -> str:
    return plan_text(f"plan.method.{plan.method}", lang,
                     categories=plan.inputs.get("categories"))


def pilot_sentence(plan: Plan, lang: str) -> str | None:
    """Which planning values came from the pilot study, and what it showed."""
    p = plan.pilot
    if p is None:
        return None
    words = [plan_text(f"plan.pilot.{key}", lang) for key in p.taken]
    if not words:
        taken = plan_text("plan.pilot.none", lang)
    elif len(words) == 1:
        taken = words[0]
    else:
        taken = ", ".join(words[:-1]) + plan_text("plan.pilot.and", lang) + words[-1]
    return plan_text("plan.sentence.pilot", lang, file=p.file, variable=p.variable, n=p.n,
                     raters=p.raters, statistic=plan_text(f"plan.pilot.{p.statistic}", lang),
                     value=p.value, ci=_range(p.ci_low, p.ci_high, lang, False), taken=taken)


def _range(low: float | None, high: float | None, lang: str, share: bool) -> str:
    """An interval in a sentence, as every interval dq writes (``span``)."""
    def one(v: float | None) -> str:
        return "–" if v is None else pct(v, lang) if share else num(v, lang, 2)

    return span(one(low), one(high), lang)


def paragraph(plan: Plan, lang: str) -> str:
    """The sentence, where the values came from (a pilot), the method with its reference, and
    the notes: one quotable paragraph."""
    parts = [sentence(plan, lang), *([s] if (s := pilot_sentence(plan, lang)) else []),
             plan_text("plan.sentence.method", lang, method=method_name(plan, lang),
                       reference=plan.reference)]
    parts += [plan_text(f"plan.note.{note}", lang) for note in plan.notes]
    return " ".join(parts)


def _value(key: str, value: Any, lang: str) -> str:
    if key in ("prevalence", "sensitivity", "specificity", "proportion", "p1", "p2"):
        if isinstance(value, list):
            return ", ".join(pct(v, lang, 0) for v in value)
        return pct(value, lang)
    if key in ("raters", "categories"):
        return count(value, lang)
    return num(value, lang, 2)


def rows(plan: Plan, lang: str) -> list[tuple[str, str]]:
    """(label, value) for the terminal and Markdown tables."""
    out = [(plan_text(f"plan.label.n.{plan.measure}", lang), count(plan.n, lang))]
    if plan.n_total is not None:
        out.append((plan_text(f"plan.label.n_total.{plan.measure}", lang),
                    count(plan.n_total, lang)))
    if plan.n_exact is not None and plan.design != "n":
        out.append((plan_text("plan.label.n_exact", lang), num(plan.n_exact, lang, 2)))
    if plan.ci_low is not None or plan.ci_high is not None:
        as_pct = plan.measure in ("sensitivity", "specificity", "proportion")
        show = (lambda v: pct(v, lang)) if as_pct else (lambda v: num(v, lang, 3))
        low = "–" if plan.ci_low is None else show(plan.ci_low)
        high = "–" if plan.ci_high is None else show(plan.ci_high)
        out.append((plan_text("plan.label.ci", lang, level=plan.level), span(low, high, lang)))
    if plan.width is not None:
        as_pct = plan.measure in ("sensitivity", "specificity", "proportion")
        out.append((plan_text("plan.label.width", lang),
                    pct(plan.width, lang) if as_pct else num(plan.width, lang, 3)))
    if plan.power is not None:
        out.append((plan_text("plan.label.power", lang), pct(plan.power, lang)))
    if plan.alpha is not None:
        out.append((plan_text("plan.label.alpha", lang, sided=plan.sided),
                    render("{a:g}", lang, {"a": plan.alpha})))
    for key, value in plan.inputs.items():
        if key in ("categories",) and plan.measure == "kappa" and value == 2:
            continue
        out.append((plan_text(f"plan.label.{key}", lang), _value(key, value, lang)))
    if plan.pilot is not None:
        p = plan.pilot
        out.append((plan_text("plan.label.pilot", lang),
                    plan_text("plan.pilot.row", lang, file=p.file, variable=p.variable, n=p.n,
                              statistic=plan_text(f"plan.pilot.{p.statistic}", lang),
                              value=p.value)))
    out.append((plan_text("plan.label.method", lang), method_name(plan, lang)))
    out.append((plan_text("plan.label.reference", lang), plan.reference))
    return out


def title(plan: Plan, lang: str) -> str:
    return plan_text("plan.title", lang, measure=plan_text(f"plan.measure.{plan.measure}", lang))


def terminal(plan: Plan, console: Any, lang: str) -> None:
    from rich.table import Table
    from rich.text import Text

    console.print(title(plan, lang), style="italic")  # not wrapped to the table's width
    table = Table(show_header=False)
    table.add_column(style="bold")
    table.add_column()
    for label, value in rows(plan, lang):
        table.add_row(label, value)
    console.print(table)
    console.print(Text(paragraph(plan, lang)))


def markdown(plan: Plan, lang: str) -> str:
    from dq.render.text import md_cell

    lines = [f"## {title(plan, lang)}", "", paragraph(plan, lang), "", "| | |", "|---|---|"]
    lines += [f"| {md_cell(label)} | {md_cell(value)} |" for label, value in rows(plan, lang)]
    return "\n".join(lines) + "\n"


def to_json(plan: Plan) -> str:
    import dq
    from dq.render.envelope import SCHEMA_VERSION, dumps

    doc = {"dq_version": dq.__version__, "schema_version": SCHEMA_VERSION, "command": "plan",
           "inputs": [], "spec": None, "results": [plan.as_dict()]}
    return dumps(doc)
