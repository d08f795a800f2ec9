"""The report's figures as standalone SVG: funnel plots, coverage and timeliness by unit, the
completeness heat map.

Drawn from the published report only (``dq.publish`` has hidden small cells: a hidden unit has
no value, so it gets no mark, colour, position or tooltip figure — only its name and the
suppression sign). Nothing is computed here: funnel limits come with the report
(``Report.limits``), estimates, CIs and statuses with its checks.

Readable without colour: the Okabe–Ito palette (Okabe & Ito 2008), and every status has its own
shape too (circle bestått, triangle advarsel, square ikke bestått); heat-map cells carry a mark
(× / •) beside their shade. Text is 12 units high; HTML keeps a figure at least 5/6 of its
natural width (scrolling in its own box on a narrow screen), so no text is drawn below 10 px.
Each figure has a ``<title>`` and a ``<desc>`` that say what it shows in words.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from dq.messages import chapter, chapter_n, word
from dq.render.chapter import funnel_key, params
from dq.render.numbers import ci, num, pct

FONT = 12  # px in the figure's own units
SANS = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif"
# Okabe & Ito 2008, "Color Universal Design": distinguishable with every common colour deficiency.
BLUE, ORANGE, VERMILLION, SKY, GREY, INK = "#0072B2", "#E69F00", "#D55E00", "#56B4E9", \
    "#8c8c8c", "#1b1f24"
STATUS_COLOUR = {"pass": BLUE, "warn": ORANGE, "fail": VERMILLION, "info": GREY}
# Heat map: ColorBrewer "Blues" (colour-blind safe, readable in greyscale), light = complete.
HEAT = ((0.99, "#f7fbff", INK), (0.95, "#c6dbef", INK), (0.85, "#6baed6", INK),
        (0.70, "#2171b5", "#ffffff"), (-1.0, "#08306b", "#ffffff"))
HIDDEN_FILL = "#d9d9d9"


@dataclass
class Figure:
    key: str  # file stem: funnel-kompletthet-ASA, coverage, timeliness, heatmap
    caption: str
    alt: str  # the text alternative: what the figure shows, in words
    svg: str
    width: int  # natural width (viewBox units)
    table: list[list[str]] = field(default_factory=list)  # the numbers, first row the header


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _svg(width: int, height: int, title: str, alt: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-labelledby="t d">'
            f'<title id="t">{_esc(title)}</title><desc id="d">{_esc(alt)}</desc>'
            f'<rect width="{width}" height="{height}" fill="#ffffff"/>'
            f'<g font-family="{SANS}" font-size="{FONT}" fill="{INK}">' + "".join(body)
            + "</g></svg>")


def nice_ticks(lo: float, hi: float, target: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 × 10^k apart) covering lo … hi."""
    span = hi - lo
    if span <= 0:
        return [lo]
    raw = span / target
    mag = 10 ** math.floor(math.log10(raw))
    step = next(s * mag for s in (1, 2, 2.5, 5, 10) if s * mag >= raw * 0.999)
    first = math.ceil(lo / step - 1e-9) * step
    out = []
    v = first
    while v <= hi + 1e-9 * step:
        out.append(round(v, 10))
        v += step
    return out


def _marker(shape: str, x: float, y: float, colour: str, r: float = 4.5) -> str:
    if shape == "fail":  # square
        return (f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" '
                f'fill="{colour}" stroke="{INK}" stroke-width="0.6"/>')
    if shape in ("warn", "up", "down"):  # triangle (pointing down for a unit below the funnel)
        d = -1 if shape == "down" else 1
        pts = f"{x:.1f},{y - d * r * 1.2:.1f} {x - r * 1.1:.1f},{y + d * r * 0.8:.1f} " \
              f"{x + r * 1.1:.1f},{y + d * r * 0.8:.1f}"
        return f'<polygon points="{pts}" fill="{colour}" stroke="{INK}" stroke-width="0.6"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r * 0.85:.1f}" fill="{colour}"/>'


def _short(name: str, chars: int) -> str:
    return name if len(name) <= chars else name[:chars - 1] + "…"


def _text_width(text: str) -> float:
    return 0.6 * FONT * len(text)


# ------------------------------------------------------------------------------ funnel plot


def funnel(report, row: dict[str, Any], lang: str) -> Figure | None:  # noqa: ANN001, C901
    """The funnel plot of a funnel check's national ``row``: every shown unit by its n and
    share, the 95 % and 99.8 % limits, the national share; the units beyond the 99.8 % limit
    labelled by their public unit name."""
    key = funnel_key(row["id"])
    if key is None or key not in report.figures:
        return None
    fr = report.figures[key]
    shown = fr.filter(pl.col("p").is_not_null(), pl.col("n").is_not_null())
    if not shown.height:
        return None
    values = params(row)
    measure = values.get("measure") or {}
    theta = values.get("theta")
    if theta is None and "theta" in fr.columns:
        theta = fr["theta"].drop_nulls().first()
    left_out = (chapter_n("funnel_left_out", values["left_out"], lang)
                if values.get("left_out") else "")
    caption = chapter("fig_funnel", lang, measure=measure, period=row.get("period") or
                      report.period, theta=theta, left_out=left_out)
    w, h, left, right, top, bottom = 460, 360, 56, 14, 14, 92
    n_lo, n_hi = float(shown["n"].min()), float(shown["n"].max())
    limits = report.limits.get(key)
    curve = limits.filter(pl.col("n") >= n_lo, pl.col("n") <= n_hi) if limits is not None \
        else None
    ps = shown["p"].to_list()
    ys = ps + ([theta] if theta is not None else [])
    if curve is not None and curve.height:
        ys += [v for c in ("lo998", "hi998") for v in curve[c].to_list() if v is not None
               and math.isfinite(v)]
    y_lo, y_hi = max(0.0, min(ys)), min(1.0, max(ys))
    pad = max(0.01, (y_hi - y_lo) * 0.06)
    y_lo, y_hi = max(0.0, y_lo - pad), min(1.0, y_hi + pad)
    if y_hi - y_lo < 0.02:
        y_lo, y_hi = max(0.0, y_lo - 0.01), min(1.0, y_hi + 0.01)
    y_ticks = nice_ticks(y_lo, y_hi)
    if len(y_ticks) > 1:  # the axis starts and ends on a tick
        step = y_ticks[1] - y_ticks[0]
        y_lo = max(0.0, math.floor(y_lo / step + 1e-9) * step)
        y_hi = min(1.0, math.ceil(y_hi / step - 1e-9) * step)
    x_hi = n_hi * 1.05
    pw, ph = w - left - right, h - top - bottom

    def x(n: float) -> float:
        return left + pw * n / x_hi

    def y(p: float) -> float:
        return top + ph * (1 - (p - y_lo) / (y_hi - y_lo))

    body = [f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" '
            f'stroke="#d0d7de"/>']
    digits = 0 if y_hi - y_lo >= 0.1 else 1
    for t in nice_ticks(y_lo, y_hi):
        body.append(f'<line x1="{left}" x2="{left + pw}" y1="{y(t):.1f}" y2="{y(t):.1f}" '
                    f'stroke="#eaeef2"/><text x="{left - 5}" y="{y(t) + 4:.1f}" '
                    f'text-anchor="end">{_esc(num(100 * t, lang, digits))}</text>')
    for t in nice_ticks(0, x_hi):
        body.append(f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{top + ph}" y2="{top + ph + 4}" '
                    f'stroke="{INK}"/><text x="{x(t):.1f}" y="{top + ph + 17}" '
                    f'text-anchor="middle">{_esc(num(t, lang, 0))}</text>')
    body.append(f'<text x="{left + pw / 2:.0f}" y="{top + ph + 33}" text-anchor="middle">'
                f'{_esc(chapter("axis_n_coverage" if key == "funnel_dekningsgrad" else "axis_n", lang))}'
                "</text>")
    body.append(f'<text transform="translate(14,{top + ph / 2:.0f}) rotate(-90)" '
                f'text-anchor="middle">{_esc(chapter("axis_share", lang))}</text>')
    if curve is not None and curve.height:
        for col, dash, width in (("lo95", "5 4", 1.2), ("hi95", "5 4", 1.2), ("lo998", "", 1.6),
                                 ("hi998", "", 1.6)):
            pts = " ".join(f"{x(n):.1f},{y(min(max(v, y_lo), y_hi)):.1f}"
                           for n, v in zip(curve["n"].to_list(), curve[col].to_list(),
                                           strict=True) if v is not None and math.isfinite(v))
            body.append(f'<polyline points="{pts}" fill="none" stroke="{INK}" '
                        f'stroke-width="{width}" stroke-dasharray="{dash}"/>')
    if theta is not None:
        body.append(f'<line x1="{left}" x2="{left + pw}" y1="{y(theta):.1f}" '
                    f'y2="{y(theta):.1f}" stroke="{GREY}" stroke-width="1.5"/>')
    labels = []
    for r in shown.sort("n").iter_rows(named=True):
        name = str(r.get("unit_name") or r["unit"])
        if r["outside998"]:
            shape, colour = ("down" if r["p"] < (theta or 0) else "up"), VERMILLION
            labels.append((y(r["p"]), x(r["n"]), name))
        elif r.get("outside95"):
            shape, colour = "fail", ORANGE
        else:
            shape, colour = "pass", SKY
        body.append(f'<g>{_marker(shape, x(r["n"]), y(r["p"]), colour)}<title>{_esc(name)}: '
                    f'{_esc(pct(r["p"], lang))}, n = {_esc(num(r["n"], lang, 0))}</title></g>')
    last = -1e9
    for yy, xx, name in sorted(labels):  # names of the outliers, kept 13 px apart
        yy = max(yy, last + 13)
        last = yy
        anchor, dx = ("end", -8) if xx > left + pw * 0.62 else ("start", 8)
        body.append(f'<text x="{xx + dx:.1f}" y="{yy + 4:.1f}" text-anchor="{anchor}" '
                    f'font-weight="600">{_esc(name)}</text>')
    ly = top + ph + 52
    items = [("pass", SKY, chapter("legend_within", lang)),
             ("fail", ORANGE, chapter("legend_outside95", lang)),
             ("down", VERMILLION, chapter("legend_outside998", lang))]
    lx = float(left)
    for shape, colour, text in items:
        if lx > left and lx + 14 + _text_width(text) > w - 4:  # never past the figure's edge
            lx, ly = float(left), ly + 18
        body.append(_marker(shape, lx + 5, ly - 4, colour) +
                    f'<text x="{lx + 14:.1f}" y="{ly}">{_esc(text)}</text>')
        lx += 22 + _text_width(text)
    body.append(f'<text x="{left}" y="{ly + 20}">{_esc(chapter("legend_limits", lang))}</text>')
    h = max(h, int(ly + 30))
    outside = [(name, r) for r in shown.filter(pl.col("outside998")).iter_rows(named=True)
               for name in [str(r.get("unit_name") or r["unit"])]]
    listed = ", ".join(f"{name} {pct(r['p'], lang)} (n = {num(r['n'], lang, 0)})"
                       for name, r in outside) or chapter("none", lang)
    alt = chapter("alt_funnel", lang, units=fr.height, theta=theta, outside=listed,
                  left_out=left_out)
    table = [[chapter("unit_col", lang), "n", chapter("axis_share", lang)]] + [[name, num(r["n"], lang, 0), pct(r["p"], lang)]
                                               for name, r in outside]
    stem = "funnel-" + key.removeprefix("funnel_").replace(".", "-")
    return Figure(stem, caption, alt, _svg(w, h, caption, alt, body), w, table)


# ------------------------------------------------------------------------------ dot and whisker


def _by_unit(key: str, rows: list[dict[str, Any]], caption: str, axis: str,
             lines: list[tuple[float, str, str]], lang: str, hidden: str) -> Figure:
    """One line per unit: the estimate with its 95 % CI, shaped and coloured by status; hidden
    units last with only the suppression sign."""
    shown = sorted((r for r in rows if r["estimate"] is not None),
                   key=lambda r: (r["estimate"], r["unit"]))
    gone = sorted((r for r in rows if r["estimate"] is None), key=lambda r: r["unit"])
    ordered = shown + gone
    names = [str(r["unit"]) for r in ordered]
    chars = min(22, max([len(n) for n in names] + [6]))
    left = int(_text_width("x" * chars)) + 12
    w, row_h, top, bottom = 460, 17, 38, 70
    value_w = 54
    pw = w - left - value_w - 10
    h = top + row_h * len(ordered) + bottom
    v_hi = max([1.0, *(r["ci_high"] or r["estimate"] for r in shown)])
    ticks = nice_ticks(0, v_hi)
    if len(ticks) > 1:
        v_hi = math.ceil(v_hi / (ticks[1] - ticks[0]) - 1e-9) * (ticks[1] - ticks[0])

    def x(v: float) -> float:
        return left + pw * max(0.0, v) / v_hi

    body = []
    for t in nice_ticks(0, v_hi):
        body.append(f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{top - 4}" '
                    f'y2="{top + row_h * len(ordered)}" stroke="#eaeef2"/>'
                    f'<text x="{x(t):.1f}" y="{top + row_h * len(ordered) + 16}" '
                    f'text-anchor="middle">{_esc(num(100 * t, lang, 0))}</text>')
    body.append(f'<text x="{left + pw / 2:.0f}" y="{top + row_h * len(ordered) + 34}" '
                f'text-anchor="middle">{_esc(axis)}</text>')
    for i, (value, dash, label) in enumerate(lines):
        body.append(f'<line x1="{x(value):.1f}" x2="{x(value):.1f}" y1="{top - 4}" '
                    f'y2="{top + row_h * len(ordered)}" stroke="{INK}" stroke-width="1.2" '
                    f'stroke-dasharray="{dash}"/><text x="{x(value):.1f}" y="{12 + 14 * i}" '
                    f'text-anchor="middle">{_esc(label)}</text>')
    for i, r in enumerate(ordered):
        yy = top + i * row_h + row_h / 2
        name = str(r["unit"])
        body.append(f'<text x="{left - 8}" y="{yy + 4:.1f}" text-anchor="end">'
                    f'<title>{_esc(name)}</title>{_esc(_short(name, chars))}</text>')
        if r["estimate"] is None:
            body.append(f'<text x="{left + 4}" y="{yy + 4:.1f}">{_esc(hidden)}</text>')
            continue
        colour = STATUS_COLOUR.get(r["status"], GREY)
        if r["ci_low"] is not None and r["ci_high"] is not None:
            body.append(f'<line x1="{x(r["ci_low"]):.1f}" x2="{x(r["ci_high"]):.1f}" '
                        f'y1="{yy:.1f}" y2="{yy:.1f}" stroke="{INK}" stroke-width="1.2"/>')
        body.append(f'<g>{_marker(r["status"], x(r["estimate"]), yy, colour)}<title>'
                    f'{_esc(name)}: {_esc(pct(r["estimate"], lang))}</title></g>')
        body.append(f'<text x="{w - 6}" y="{yy + 4:.1f}" text-anchor="end">'
                    f'{_esc(pct(r["estimate"], lang))}</text>')
    ly = top + row_h * len(ordered) + 56
    lx = float(left)
    for status in ("pass", "warn", "fail"):
        text = chapter(f"legend_{status}", lang)
        body.append(_marker(status, lx + 5, ly - 4, STATUS_COLOUR[status]) +
                    f'<text x="{lx + 14:.1f}" y="{ly}">{_esc(text)}</text>')
        lx += 24 + _text_width(text)
    if gone:
        body.append(f'<text x="{lx:.1f}" y="{ly}">'
                    f'{_esc(chapter("legend_hidden", lang, hidden=hidden))}</text>')
    statuses = [r["status"] for r in shown]
    parts = ", ".join(f"{statuses.count(s)} {chapter('legend_' + s, lang)}"
                      for s in ("pass", "warn", "fail") if statuses.count(s))
    if gone:
        parts += f", {len(gone)} {chapter('hidden', lang)}"
    flagged = [r for r in shown if r["status"] in ("fail", "warn")]
    listed = chapter("alt_flagged", lang, list="; ".join(
        f"{r['unit']} {pct(r['estimate'], lang)}" for r in flagged)) if flagged else ""
    alt = chapter("alt_bars", lang, units=len(ordered), parts=parts, flagged=listed).strip()
    table = [[chapter("unit_col", lang), axis, chapter("ci_col", lang), "Status"]] + [
        [str(r["unit"]), pct(r["estimate"], lang) if r["estimate"] is not None else hidden,
         ci(r["ci_low"], r["ci_high"], lang),
         chapter(f"legend_{r['status']}", lang) if r["status"] in ("pass", "warn", "fail")
         else r["status"]] for r in ordered]
    return Figure(key, caption, alt, _svg(w, h, caption, alt, body), w, table)


def coverage(report, lang: str) -> Figure | None:  # noqa: ANN001
    rows = report.checks.filter(pl.col("id") == "kompletthet.dekningsgrad",
                                pl.col("unit").is_not_null()).to_dicts()
    if not rows:
        return None
    target, low = report.spec.coverage.target, report.spec.coverage.low
    caption = chapter("fig_coverage", lang, period=report.period, target=target, low=low)
    hidden = f"<{report.suppressed_below}" if report.suppressed_below else "–"
    return _by_unit("coverage", rows, caption, chapter("axis_coverage", lang),
                    [(target, "6 3", chapter("line_target", lang, v=target)),
                     (low, "2 3", chapter("line_low", lang, v=low))], lang, hidden)


def timeliness(report, lang: str) -> Figure | None:  # noqa: ANN001
    """The graded measure: the share registered within the limit per unit (not the median)."""
    rows = report.checks.filter(pl.col("id") == "aktualitet.registrering",
                                pl.col("unit").is_not_null()).to_dicts()
    if not rows:
        return None
    limit = report.spec.timeliness.limit_days
    warn = next((r["warn"] for r in rows if r["warn"] is not None), None)
    fail = next((r["fail"] for r in rows if r["fail"] is not None), None)
    caption = chapter("fig_timeliness", lang, period=rows[0].get("period") or report.period,
                      limit=limit, warn=warn, fail=fail)
    lines = [(v, dash, chapter(k, lang, v=v)) for v, dash, k in
             ((warn, "6 3", "line_warn"), (fail, "2 3", "line_fail")) if v is not None]
    hidden = f"<{report.suppressed_below}" if report.suppressed_below else "–"
    return _by_unit("timeliness", rows, caption, chapter("axis_timeliness", lang, limit=limit),
                    lines, lang, hidden)


# ------------------------------------------------------------------------------ heat map


def heatmap(report, lang: str) -> Figure | None:  # noqa: ANN001, C901
    if "heatmap" not in report.figures:
        return None
    hm = report.figures["heatmap"].filter(pl.col("mandatory") != "never")
    if not hm.height:
        return None
    graded = report.checks.filter(pl.col("definition") == "kompletthet.variabel",
                                  pl.col("unit").is_not_null())
    status = {(params(r)["variable"], r["unit"]): r["status"] for r in graded.to_dicts()}
    units = sorted(hm["unit_name"].cast(pl.String).unique().to_list(), key=str)
    variables = hm["variable"].unique(maintain_order=True).to_list()
    lookup = {(r["unit_name"], r["variable"]): r["completeness"] for r in hm.iter_rows(named=True)}
    cell = 15
    chars = min(22, max(len(str(u)) for u in units))
    left = int(_text_width("x" * chars)) + 10
    longest = max(len(v) for v in variables)
    top = int(_text_width("x" * min(longest, 24)) * 0.87) + 14
    legend_h = 70
    # rotated labels lean right by cos 60° of their length
    w = max(left + cell * len(variables) + int(_text_width("x" * min(longest, 24)) * 0.5) + 8,
            380)
    h = top + cell * len(units) + legend_h
    period = report.period
    caption = chapter("fig_heatmap", lang, period=period)
    body = []
    for j, var in enumerate(variables):
        xx = left + j * cell + cell / 2 + 4
        body.append(f'<text transform="translate({xx:.1f},{top - 6}) rotate(-60)">'
                    f'<title>{_esc(var)}</title>{_esc(_short(var, 24))}</text>')
    flagged = []
    for i, unit in enumerate(units):
        yy = top + i * cell
        body.append(f'<text x="{left - 6}" y="{yy + 11.5}" text-anchor="end">'
                    f'<title>{_esc(unit)}</title>{_esc(_short(str(unit), chars))}</text>')
        for j, var in enumerate(variables):
            v = lookup.get((unit, var))
            st = status.get((var, unit))
            cx = left + j * cell
            if v is None or v != v:  # hidden (or nothing applicable: no share)
                body.append(f'<rect x="{cx}" y="{yy}" width="{cell - 1}" height="{cell - 1}" '
                            f'fill="{HIDDEN_FILL}"><title>{_esc(unit)}, {_esc(var)}</title></rect>')
                continue
            fill, ink = next((f, k) for bound, f, k in HEAT if v >= bound)
            body.append(f'<rect x="{cx}" y="{yy}" width="{cell - 1}" height="{cell - 1}" '
                        f'fill="{fill}"><title>{_esc(unit)}, {_esc(var)}: '
                        f'{_esc(pct(v, lang))}</title></rect>')
            if st in ("fail", "warn"):
                flagged.append((st, unit, var, v))
                mark = "×" if st == "fail" else "•"
                body.append(f'<text x="{cx + (cell - 1) / 2:.1f}" y="{yy + 11.5}" '
                            f'text-anchor="middle" fill="{ink}" font-weight="700">{mark}</text>')
    ly = top + cell * len(units) + 22
    lx = float(left)
    body.append(f'<text x="{left}" y="{ly}">{_esc(chapter("heat_legend", lang))}:</text>')
    bounds = ["≥ 99 %", "95–99 %", "85–95 %", "70–85 %", "< 70 %"]
    lx += _text_width(chapter("heat_legend", lang)) + 12
    # An item goes to the next line before it would cross the figure's edge (the last one was
    # clipped), and the legend keeps within the first 370 px, which a phone shows unscrolled.
    edge = min(w - 4, 370)
    for (_, fill, _), label in zip(HEAT, bounds, strict=True):
        if lx + 17 + _text_width(label) > edge:
            lx, ly = float(left), ly + 18
        body.append(f'<rect x="{lx:.1f}" y="{ly - 11}" width="13" height="13" fill="{fill}" '
                    f'stroke="{GREY}" stroke-width="0.5"/><text x="{lx + 17:.1f}" y="{ly}">'
                    f'{_esc(label)}</text>')
        lx += 24 + _text_width(label)
    body.append(f'<text x="{left}" y="{ly + 22}">{_esc(chapter("heat_marks", lang))}</text>')
    h = max(h, int(ly + 32))
    fails = [f for f in flagged if f[0] == "fail"]
    listed = "; ".join(f"{u}: {v_} {pct(x, lang)}" for _, u, v_, x in fails[:12])
    if len(fails) > 12:
        listed += " " + chapter("more_units", lang, n=len(fails) - 12)
    alt = chapter("alt_heatmap", lang, variables=len(variables), units=len(units),
                  cells=len(fails), warned=len(flagged) - len(fails), list=listed)
    table = [[chapter("unit_col", lang), chapter("variable", lang),
              chapter("heat_legend", lang), "Status"]] + [
        [u, v_, pct(x, lang), chapter(f"legend_{st}", lang)] for st, u, v_, x in flagged]
    return Figure("heatmap", caption, alt, _svg(w, h, caption, alt, body), w, table)


def all_figures(report, findings_funnels: list[dict[str, Any]], lang: str) -> list[Figure]:  # noqa: ANN001
    """Every figure of the report, in reading order: coverage, timeliness and the heat map,
    then the funnel plot of every funnel check that fails or warns."""
    out = [fig for make in (coverage, timeliness, heatmap) for fig in [make(report, lang)]
           if fig is not None]
    return out + [f for row in findings_funnels for f in [funnel(report, row, lang)]
                  if f is not None]


def measure_text(row: dict[str, Any], lang: str) -> str:
    measure = params(row).get("measure") or {}
    return word(measure["word"], lang, **{k: v for k, v in measure.items() if k != "word"}) \
        if "word" in measure else ""


def png(svg: str) -> bytes | None:
    """The figure as PNG at twice its size, by CairoSVG (no browser); None when CairoSVG or
    the cairo library it needs is not installed (``pip install 'dq[png]'``)."""
    try:
        import cairosvg  # type: ignore[import-untyped]
    except (ImportError, OSError):
        return None
    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=2)


def files(figures: list[Figure]) -> tuple[dict[str, str | bytes], bool]:
    """Every figure as ``<key>.svg`` and, when it can be rasterised, ``<key>.png``; the second
    value says whether PNG files are among them."""
    out: dict[str, str | bytes] = {}
    rasterised = True
    for fig in figures:
        out[f"{fig.key}.svg"] = '<?xml version="1.0" encoding="UTF-8"?>\n' + fig.svg + "\n"
        image = png(fig.svg) if rasterised else None
        if image is None:
            rasterised = False
        else:
            out[f"{fig.key}.png"] = image
    if not rasterised:
        out = {k: v for k, v in out.items() if k.endswith(".svg")}
    return out, rasterised
