"""Rich terminal output of the sub-commands: worst first, coloured by status, numerator and
denominator visible, every word from the message catalogue (``dq.messages.SUB``) in the chosen
language and every number in its typography (``dq.render.numbers``).

Plain text (no colour) when stdout is not a terminal. A table that does not fit the terminal is
written as a list instead — each row's name on its own line, its figures indented below — so
nothing is folded one letter per line at 60 columns.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from dq.grading import RANK
from dq.messages import counted, label_word, statistic_name, status_word, sub
from dq.privacy import HIDDEN_MARK
from dq.render.numbers import SHARE_STATISTICS, ci, count, estimate, interval, num, pct
from dq.render.text import plain
from dq.units import group_word

STATUS_STYLE = {"fail": "bold red", "warn": "yellow", "pass": "green", "info": "dim",
                "not_assessed": "dim"}
STATUS_RANK = RANK  # the one ranking of statuses (dq.grading)



# Rich breaks a line at any whitespace, the no-break spaces included, so "84,1 %" could end one
# line with "84,1" and begin the next with "%" (and "19 610" likewise). Its word splitter (one
# pattern in rich._wrap) is given the no-break spaces as part of a word — here, so that every
# console dq's renderers draw on (the command line's, a test's, an API caller's) wraps alike.
_NO_BREAK = "\u00a0\u202f\u2007"
# (an ordinary space before "%", as English writes "67.3 %", is kept with its number too)
_WORD = rf"[^\S{_NO_BREAK}]*(?:[{_NO_BREAK}]| (?=%)|\S)+[^\S{_NO_BREAK}]*"


def keep_no_break_spaces() -> None:
    import re

    from rich import _wrap

    if isinstance(getattr(_wrap, "re_word", None), re.Pattern):
        _wrap.re_word = re.compile(_WORD)


keep_no_break_spaces()

def _s(value: object) -> Text:
    """A name from the data or the spec as terminal text: never Rich markup, no control
    characters."""
    return Text(plain(value))


def status_text(status: str, lang: str = "en") -> Text:
    return Text(status_word(status, lang), style=STATUS_STYLE.get(status, ""))


def group_label(row: dict[str, object], keys: Sequence[str], lang: str) -> str:
    """A result row's group in words: the unit's name (or HF, RHF, Nasjonalt) and the year or
    other grouping values."""
    parts = []
    level = row.get("level")
    if level == "national":
        parts.append(sub("national", lang))
    elif level == "rhf":
        parts.append(group_word(row.get("rhf"), lang))
    elif level == "hf":
        parts.append(group_word(row.get("hf"), lang))
    elif level == "unit":
        parts.append(group_word(row.get("unit_name") or row.get("unit"), lang))
    for key in keys:
        if key not in ("level", "unit", "unit_name", "hf", "rhf"):
            value = row.get(key)
            value = sub("missing_group", lang) if value is None else value
            parts.append(str(value) if key == "year" else f"{key}={value}")
    return " ".join(parts)


def worst_first(df: pl.DataFrame, estimate: str = "completeness") -> pl.DataFrame:
    rank = pl.col("status").replace_strict(STATUS_RANK, default=5, return_dtype=pl.Int8)
    return df.sort([rank, pl.col(estimate)], nulls_last=True)


def say(console: Console, text: str | Text, style: str = "") -> None:
    """A line of prose, wrapped at the console's width only at ordinary spaces: a number's
    narrow no-break spaces (19 610, 84,1 %) never become a line break (Rich would break there;
    textwrap breaks only at ASCII whitespace)."""
    import textwrap

    plain_text = text.plain if isinstance(text, Text) else text
    style = style or (str(text.style) if isinstance(text, Text) else "")
    # English writes "67.3 %" with an ordinary space: held together while wrapping (a private
    # character stands in for it), written back as it was
    held = plain_text.replace(" %", "\ue000%")
    for line in textwrap.wrap(held, width=max(console.width, 20), break_long_words=False,
                              break_on_hyphens=False) or [""]:
        console.print(Text(line.replace("\ue000", " "), style=style), overflow="fold")


def _ci(low: float | None, high: float | None, lang: str) -> str:
    return ci(low, high, lang)


def _cell_len(cell: str | Text) -> int:
    """A cell's width: its longest line."""
    text = cell if isinstance(cell, Text) else Text(cell)
    return max((line.cell_len for line in text.split("\n", allow_blank=True)), default=0)


def table_width(headers: Sequence[tuple[str, str]], rows: Sequence[Sequence[str | Text]]) -> int:
    """The width ``print_table`` needs to write these rows as a table without wrapping: the
    columns, and two characters between each two (a cell's padding and the box's divider)."""
    return sum(max(_cell_len(c) for c in [title, *(r[j] for r in rows)])
               for j, (title, _) in enumerate(headers)) + 2 * (len(headers) - 1)


def _wrapping(headers: Sequence[tuple[str, str]]) -> list[int]:
    """The columns print_table may wrap: the text ones (left-aligned), not the last."""
    return [j for j, (_, justify) in enumerate(headers[:-1]) if justify == "left"]


def wrapping_fits(width: int, headers: Sequence[tuple[str, str]],
                  rows: Sequence[Sequence[str | Text]]) -> bool:
    """Whether rows too wide for ``width`` still make a table there with their text columns
    (the row's name, its group) wrapped: the numbers must leave each of them room for a word or
    two a line — never a word cut in two — else print_table writes the stacked form."""
    wrap = _wrapping(headers)
    widths = [max(_cell_len(c) for c in [title, *(r[j] for r in rows)])
              for j, (title, _) in enumerate(headers)]
    # two characters between each two columns: the cell's padding and the box's divider
    fixed = sum(widths[j] for j in range(len(headers)) if j not in wrap) + 2 * (len(headers) - 1)
    longest_word = [max(len(word) for c in [headers[j][0], *(r[j] for r in rows)]
                        for word in ((c if isinstance(c, str) else c.plain).split() or [""]))
                    for j in wrap]
    return bool(wrap) and width - fixed >= max(sum(longest_word), 10 * len(wrap))


def print_table(console: Console, headers: Sequence[tuple[str, str]],
                rows: Sequence[Sequence[str | Text]]) -> None:
    """A table whose first column names the row; ``headers`` are (title, justify); a cell may
    hold several lines (its longest is its width). When it does not fit the console, its text
    columns wrap where they keep room for their words (``wrapping_fits``); else each row is
    written as its name, then ``title value`` pairs indented below, wrapped at word boundaries
    (numbers never break: they hold no-break spaces)."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, padding=(0, 1, 0, 0))
    for title, justify in headers:
        table.add_column(title, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(*row)
    if not rows:
        return
    natural = Measurement.get(console, console.options.update_width(100_000), table).maximum
    if natural <= console.width:
        console.print(table)
        return
    if wrapping_fits(console.width, headers, rows):
        for j in _wrapping(headers):
            table.columns[j].no_wrap = False
            table.columns[j].overflow = "fold"
        console.print(table)
        return
    for row in rows:
        name = row[0].copy() if isinstance(row[0], Text) else Text(row[0])
        name.stylize("bold")
        console.print(name, overflow="fold")
        chunks = []
        for (title, _), cell in zip(headers[1:], row[1:], strict=True):
            cell = cell if isinstance(cell, Text) else Text(cell)
            if "\n" in cell.plain:  # a cell of several lines: one line here
                cell = Text(" ").join(cell.split("\n"))
            if cell.plain.strip():
                chunk = Text(" ".join(title.split("\n")) + " ", style="dim") if title else Text()
                chunks.append(chunk + cell)
        pad = " " * (len(name.plain) - len(name.plain.lstrip(" ")) + 2)
        line = Text(pad)
        for chunk in chunks:  # each "title value" stays whole; lines break between them
            if len(line) > len(pad) and len(line) + 3 + len(chunk) > console.width:
                console.print(line, overflow="fold")
                line = Text(pad)
            if len(line) > len(pad):
                line.append(" · ", style="dim")
            line.append_text(chunk)
        if len(line) > len(pad):
            console.print(line, overflow="fold")


def _summary(console: Console, rows: pl.DataFrame, lang: str) -> None:
    statuses = rows["status"].value_counts()
    counts = dict(zip(statuses["status"], statuses["count"], strict=True))
    summary = Text(sub("summary", lang) + ":")
    for status in ("fail", "warn", "pass", "info", "not_assessed"):
        if counts.get(status):
            # a count and its word are one unit: a line never breaks between them ("3" at the
            # end of one line, "ikke vurdert" on the next)
            words = status_word(status, lang).replace(" ", "\u00a0")
            summary.append("  ")
            summary.append(f"{count(counts[status], lang)}\u00a0{words}",
                           style=STATUS_STYLE[status])
    console.print(summary)


def _hidden_count(row: dict[str, object], col: str, n: int | None, lang: str) -> str:
    """A count under small-cell suppression: "<n", the mark, or the count."""
    if n and row.get(f"{col}__hidden"):
        return f"<{n}" if row.get(f"{col}__small") else HIDDEN_MARK
    value = row.get(col)
    return count(value, lang) if value is not None else "–"  # type: ignore[arg-type]


def completeness(result, console: Console, top: int, lang: str = "en",  # noqa: ANN001
                 suppress_n: int | None = None) -> None:
    rows = result.rows
    keys = result.keys
    say(console, Text(sub("comp.title", lang), style="bold"))
    say(console, sub("comp.read", lang, finished=counted(result.n_finished, "finished", lang),
                      read=count(result.n_records, lang),
                      period=sub("comp.period", lang, period=result.period) if result.period
                      else "",
                      variables=counted(rows["variable"].n_unique(), "variable", lang),
                      ci=sub(f"ci_method.{result.ci_method}", lang)))
    shown = worst_first(rows).head(top)
    headers = [(sub("col.variable", lang), "left")]
    if keys:
        headers.append((sub("col.group", lang), "left"))
    headers += [(sub("comp.col.valid_n", lang), "right"),
                (sub("comp.col.completeness", lang), "right"), (sub("col.ci", lang), "right"),
                (sub("comp.col.unk_inv", lang), "right"), (sub("col.status", lang), "left")]
    table_rows: list[list[str | Text]] = []
    for row in shown.iter_rows(named=True):
        cells: list[str | Text] = [_s(row["variable"])]
        if keys:
            cells.append(_s(group_label(row, keys, lang)))
        hidden = bool(suppress_n) and bool(row.get("n_applicable__hidden"))
        cells += [f"{_hidden_count(row, 'n_valid', suppress_n, lang)}/"
                  f"{_hidden_count(row, 'n_applicable', suppress_n, lang)}",
                  HIDDEN_MARK if hidden else pct(row["completeness"], lang),
                  HIDDEN_MARK if hidden else _ci(row["ci_low"], row["ci_high"], lang),
                  f"{_hidden_count(row, 'n_unknown', suppress_n, lang)}/"
                  f"{_hidden_count(row, 'n_invalid', suppress_n, lang)}",
                  status_text(row["status"], lang)]
        table_rows.append(cells)
    print_table(console, headers, table_rows)
    if rows.height > shown.height:
        say(console, sub("more_rows", lang, shown=shown.height, total=rows.height), style="dim")
    rec = result.records
    if not rec.is_empty():
        whole = rec.filter(pl.col("level") == "national") if "level" in rec.columns else rec
        if whole.height == 1 and not (suppress_n and whole.row(0, named=True).get(
                "n_records__hidden")):
            r = whole.row(0, named=True)
            say(console, sub("comp.records", lang, n=r["n_complete"], total=r["n_records"],
                              share=r["completeness"], ci=_ci(r["ci_low"], r["ci_high"], lang)))
    if result.unmatched_units:
        say(console, Text(sub("comp.unmatched", lang,
                               units=counted(len(result.unmatched_units), "unit", lang),
                               names=plain(", ".join(group_word(u, lang)
                                                     for u in result.unmatched_units[:10]))),
                           style="yellow"))
    _summary(console, rows, lang)
    say(console, sub("comp.min_n", lang, n=result.min_n), style="dim")
    if suppress_n:
        from dq.render.report import suppression_rule

        say(console, f"{sub('suppression', lang)}: {suppression_rule(suppress_n, lang)}",
            style="dim")


def bar(value: float | None, width: int = 10, target: float = 0.8, low: float = 0.6) -> Text:
    """A coverage bar: filled to the value, capped at 100 %; over 100 % ends in '+'."""
    if value is None:
        return Text(" " * width)
    filled = round(min(value, 1.0) * width)
    style = "green" if value >= target else "yellow" if value >= low else "red"
    text = Text("█" * filled, style=style)
    text.append("░" * (width - filled), style="dim")
    if value > 1:
        text.append("+", style="bold yellow")
    return text


def count_cell(row: dict[str, object], col: str, n_suppress: int | None, lang: str) -> str:
    """A count, or ``<n`` where small-cell suppression hid it."""
    if n_suppress and row.get(f"{col}__hidden"):
        return f"<{n_suppress}" if row.get(f"{col}__small") else HIDDEN_MARK
    value = row.get(col)
    return "–" if value is None else count(value, lang)  # type: ignore[arg-type]


def coverage_method(result, lang: str, references: Sequence[str] = ()) -> str:  # noqa: ANN001
    """How the coverage figures were made, in words (the method must be stated: domain.md)."""
    opts = result.options
    span = (f"{result.years[0]}–{result.years[-1]}" if len(result.years) > 1
            else str(result.years[0]) if result.years else "")
    years = sub("cov.years", lang, span=span) if span else ""
    ref = ", ".join(plain(r) for r in references) or "–"
    ci_name = sub(f"ci_method.{opts.ci_method}", lang)
    if result.mode == "aggregate":
        return sub("cov.method.aggregate", lang, what=sub(f"cov.what.{opts.count}", lang),
                   ref=ref, years=years, ci=ci_name)
    window = (sub("cov.same_day", lang) if opts.window == 0
              else sub("cov.window", lang, days=opts.window))
    return sub("cov.method.linkage", lang, window=window,
               same_unit=sub("cov.same_unit", lang) if opts.same_unit else "", ref=ref,
               years=years, ci=ci_name)


def total_ci(n: float | None, low: float | None, high: float | None, lang: str) -> str:
    """An estimated total with its 95 % CI, "337 (95 % KI 291–410)"; the total alone when it
    has no interval (Chao's bound with nobody in both sources)."""
    if n is None:
        return "–"
    if low is None or high is None:
        return estimate(n, lang)
    return sub("cov.total_ci", lang, n=estimate(n, lang), ci=interval(low, high, lang))


def model_name(name: str, lang: str) -> str:
    """A capture–recapture model's name in ``lang``: "independence + registry×A" with dq's own
    words (independence, the registry, which dq.coverage names "registry") from the catalogue
    and the references by their file names; Rcapture's heterogeneity models (Mh Chao (LB),
    Mth Darroch) keep Rcapture's names."""
    terms = name.split(" + ")
    if terms[0] != "independence":
        return name
    own = {"independence": sub("cov.model.independence", lang),
           "registry": sub("cov.model.registry", lang)}
    return " + ".join("×".join(own.get(s, s) for s in term.split("×")) for term in terms)


def loglinear_text(ll, lang: str) -> str:  # noqa: ANN001 - capture.LogLinearResult
    """Three or more sources: the model chosen by AIC, its total with the Wald interval on the
    log scale and the profile-likelihood interval (Cormack 1992), and Chao's lower bound."""
    return sub("cov.loglinear", lang, sources=count(len(ll.sources), lang),
               observed=ll.n_observed, model=plain(model_name(ll.model, lang)),
               n=estimate(ll.n_hat, lang), ci=interval(ll.ci_low, ll.ci_high, lang),
               profile=interval(ll.profile_ci_low, ll.profile_ci_high, lang),
               chao=estimate(ll.chao_lower_bound, lang))


def model_headers(lang: str) -> list[tuple[str, str]]:
    return [(sub(f"cov.model.col.{c}", lang), "left" if c == "model" else "right")
            for c in ("model", "n_hat", "se", "deviance", "df", "aic", "bic")]


def model_rows(ll, lang: str) -> list[list[str]]:  # noqa: ANN001 - capture.LogLinearResult
    """Rcapture's model table (Baillargeon & Rivest 2007): name, N̂, SE, deviance, df, AIC, BIC;
    the name comes first and is a model's name, not a number."""
    return [[model_name(m.name, lang), estimate(m.n_hat, lang, 1), estimate(m.se, lang, 1),
             estimate(m.deviance, lang, 2), count(m.df, lang), estimate(m.aic, lang, 2),
             estimate(m.bic, lang, 2)] for m in ll.models]


def _period(row: dict[str, object]) -> str:
    return f" {row['year']}" if row.get("year") is not None else ""


def coverage(result, console: Console, top: int, suppress_n: int | None,  # noqa: ANN001
             lang: str = "en", references: Sequence[str] = ()) -> None:
    opts = result.options
    say(console, Text(sub(f"cov.title.{result.mode}", lang), style="bold"))
    say(console, coverage_method(result, lang, references), style="dim")
    linkage = result.mode == "linkage"
    denominator = "n_union" if linkage else "n_reference"
    for row in result.national.iter_rows(named=True):
        if row.get("suppressed"):  # hidden with the small cells it would give back
            say(console, sub("cov.national_hidden", lang, period=_period(row),
                             scope=sub(f"cov.scope.{row['scope']}", lang),
                             units=counted(row["units"], "unit", lang)))
            continue
        say(console, sub(
            "cov.national", lang, period=_period(row), scope=sub(f"cov.scope.{row['scope']}", lang),
            figure=sub("cov.figure.dg" if linkage else "cov.figure.coverage", lang),
            n=count(row["n_registry"], lang), d=count(row[denominator], lang), p=row["coverage"],
            ci=_ci(row["ci_low"], row["ci_high"], lang),
            units=counted(row["units"], "unit", lang)))
        if linkage and row["scope"] == "all_units":
            say(console, sub(
                "cov.linkage", lang, a=row["only_registry"], b=row["only_reference"],
                m=row["both"], dg=row["dg_reference"], dg_n=count(row["n_reference"], lang),
                dg_d=count(row[denominator], lang),
                dg_ci=_ci(row["dg_reference_ci_low"], row["dg_reference_ci_high"], lang),
                chapman=total_ci(row["chapman_n"], row["chapman_ci_low"],
                                 row["chapman_ci_high"], lang),
                rc=row["registry_completeness"],
                rc_ci=_ci(row["registry_completeness_ci_low"],
                          row["registry_completeness_ci_high"], lang),
                chao=total_ci(row["chao_lower_bound"], row["chao_lower_bound_ci_low"],
                              row["chao_lower_bound_ci_high"], lang)))
    total = result.tilslutning.filter(pl.col("rhf") == "National")
    for row in total.iter_rows(named=True):
        if row["tilslutning"] is None:  # no unit in the reference (its events name none)
            say(console, sub("cov.tilslutning_none", lang, period=_period(row)))
            continue
        # a full enumeration of units: a count, no confidence interval
        say(console, sub("cov.tilslutning", lang, period=_period(row),
                          n=row["units_reporting"],
                          d=counted(row["units_in_reference"], "unit", lang),
                          p=row["tilslutning"]))
    if result.loglinear is not None:
        ll = result.loglinear
        say(console, loglinear_text(ll, lang))
        if ll.models:
            say(console, sub("cov.models", lang))
            print_table(console, model_headers(lang),
                        [[_s(name), *cells] for name, *cells in model_rows(ll, lang)])
    rows = result.rows
    lowest = rows["level"][0] if rows.height else "national"
    units_only = rows.filter(pl.col("level") == lowest) if lowest != "national" else rows.clear()
    shown = worst_first(units_only, "coverage").head(top)
    headers = [(sub("cov.col.unit", lang), "left"),
               (sub("cov.col.reg_all" if linkage else "cov.col.reg_ref", lang), "right"),
               (sub("cov.col.coverage", lang), "right"), (sub("col.ci", lang), "right"),
               ("", "left"), (sub("col.status", lang), "left")]
    table_rows: list[list[str | Text]] = []
    for row in shown.iter_rows(named=True):
        hidden = suppress_n and any(row.get(f"{c}__hidden") for c in ("n_registry", denominator))
        value = None if hidden else row["coverage"]
        mark = " " + sub("cov.low", lang) if row["low_coverage"] and not hidden else ""
        mark = " ≠" if row["mismatch"] and not hidden else mark
        table_rows.append([
            _s(group_label(row, result.keys, lang)),
            f"{count_cell(row, 'n_registry', suppress_n, lang)}/"
            f"{count_cell(row, denominator, suppress_n, lang)}",
            pct(value, lang), "–" if hidden else _ci(row["ci_low"], row["ci_high"], lang),
            bar(value, target=opts.target, low=opts.low),
            status_text(row["status"], lang) + Text(mark, style="red")])
    print_table(console, headers, table_rows)
    if units_only.height > shown.height:
        say(console, sub("cov.more", lang, shown=shown.height, total=units_only.height),
                      style="dim")
    if result.not_reporting:
        say(console, Text(sub("cov.not_reporting", lang, n=len(result.not_reporting),
                               names=plain(", ".join(result.not_reporting))), style="yellow"))
    say(console, sub("cov.legend", lang, low=opts.low, target=opts.target), style="dim")
    if suppress_n:
        from dq.render.report import suppression_rule

        say(console, f"{sub('suppression', lang)}: {suppression_rule(suppress_n, lang)}",
                      style="dim")


def estimate_text(value: float | None, statistic: str, lang: str) -> str:
    """A reliability estimate: three decimals; percent agreement (weighted too) as a
    percentage, as dq report writes it."""
    if value is None:
        return "–"
    if statistic in SHARE_STATISTICS:
        return pct(value, lang)
    return num(value, lang, 3)


def estimate_ci(row: dict[str, object], lang: str) -> str:
    low, high = row["ci_low"], row["ci_high"]
    if low is None or high is None:
        return "–"
    if row["statistic"] in SHARE_STATISTICS:
        return ci(low, high, lang)  # type: ignore[arg-type]
    return ci(low, high, lang, as_pct=False)  # type: ignore[arg-type]


def paradoxes(result, lang: str) -> list[str]:  # noqa: ANN001 - ReliabilityResult
    """The κ paradox where it applies: κ below 0.60 while the raters agree on 80 % of cases or
    more (the rule of dq.reliability.compute; Feinstein & Cicchetti 1990)."""
    from dq.reliability import KAPPA_LIKE

    out = []
    rows = result.rows
    for variable in rows["variable"].unique(maintain_order=True).to_list():
        own = {r["statistic"]: r for r in rows.filter(pl.col("variable") == variable)
               .iter_rows(named=True)}
        agreement = (own.get("percent_agreement") or {}).get("estimate")
        kappas = []
        for name in KAPPA_LIKE:
            kappa = (own.get(name) or {}).get("estimate")
            if agreement is not None and kappa is not None and agreement >= 0.8 and kappa < 0.6:
                kappas.append(sub("rel.paradox_kappa", lang,
                                  statistic=statistic_name(name, lang), kappa=kappa))
        if kappas:  # one note per variable, naming each κ it concerns
            out.append(sub("rel.paradox", lang, variable=plain(variable), kappas=kappas,
                           agreement=agreement))
    return out


def reliability_method(result, lang: str) -> str:  # noqa: ANN001
    level = ci_header(result.rows, lang)  # "95 % KI", "90 % CI"
    boot = (sub("rel.bootstrap", lang, n=result.bootstrap, seed=result.seed, ci=level)
            if result.bootstrap else sub("rel.asymptotic", lang, ci=level))
    return f"{boot} {sub('rel.labels', lang)}"


def ci_header(rows: pl.DataFrame, lang: str) -> str:
    """The CI column's heading at the level the intervals were computed at ("90 % KI"); the
    95 % heading when the rows do not say or hold several levels."""
    levels = (rows["confidence_level"].drop_nulls().unique().to_list()
              if "confidence_level" in rows.columns else [])
    if len(levels) != 1:
        return sub("col.ci", lang)
    return sub("col.ci_level", lang, level=round(100 * levels[0], 6))


def _study_years(console: Console, result, lang: str) -> None:  # noqa: ANN001 - a result
    """"Registrations from 2019–2023" under a study's title, when the spec says."""
    if getattr(result, "period", None):
        say(console, sub("study.period_line", lang, period=result.period))


def reliability(result, console: Console, lang: str = "en") -> None:  # noqa: ANN001
    say(console, Text(sub("rel.title", lang), style="bold"))
    _study_years(console, result, lang)
    say(console, reliability_method(result, lang), style="dim")
    headers = [(sub("rel.col.statistic", lang), "left"), (sub("rel.col.estimate", lang), "right"),
               (ci_header(result.rows, lang), "right"), (sub("rel.col.n", lang), "right"),
               (sub("rel.col.label", lang), "left"), (sub("col.status", lang), "left")]
    table_rows: list[list[str | Text]] = []
    last = None
    for row in result.rows.iter_rows(named=True):
        if row["variable"] != last:
            last = row["variable"]
            level = sub(f"rel.level.{row['level']}", lang)
            table_rows.append([Text(plain(f"{row['variable']} ({level})"), style="bold"),
                               "", "", "", "", ""])
        table_rows.append(["  " + statistic_name(row["statistic"], lang, short=True),
                           estimate_text(row["estimate"], row["statistic"], lang),
                           estimate_ci(row, lang), count(row["n_cases"], lang),
                           label_word(row["label"], lang), status_text(row["status"], lang)])
    print_table(console, headers, table_rows)
    if result.rows["statistic"].str.starts_with("bland_altman").any():
        say(console, sub("rel.ba_note", lang), style="dim")
    for note in paradoxes(result, lang):
        say(console, Text(note, style="yellow"))


def correctness_detail(row: dict[str, object], lang: str) -> str:
    if row["type"] == "binary" and row["sensitivity"] is not None:
        sens, spec = row["sensitivity"], row["specificity"]
        return (sub("corr.sens", lang, v=pct(sens, lang, 0)) + " "  # type: ignore[arg-type]
                + sub("corr.spec", lang, v=pct(spec, lang, 0)))  # type: ignore[arg-type]
    if row["max_abs_deviation"] is not None:
        return sub("corr.dev", lang, mean=float(f"{row['mean_abs_deviation']:.2g}"),
                   max=float(f"{row['max_abs_deviation']:.3g}"))
    return ""


# sensitivity = tp/(tp + fn), specificity = tn/(tn + fp), PPV = tp/(tp + fp), NPV = tn/(tn + fn)
BINARY_SHARES = {"sensitivity": ("tp", "fn"), "specificity": ("tn", "fp"), "ppv": ("tp", "fp"),
                 "npv": ("tn", "fn")}


def binary_share(row: dict[str, object], name: str, lang: str, *, with_n: bool = True) -> str:
    """One of a binary variable's four shares with its evidence: "5/11 = 45,5 % (21,3–72,0)";
    without its n/N when the shares are weighted (they are then no ratio of these counts)."""
    value = row[name]
    if value is None:
        return "–"
    text = f"{pct(value, lang)} ({_ci(row[f'{name}_ci_low'], row[f'{name}_ci_high'], lang)})"  # type: ignore[arg-type]
    hit, miss = BINARY_SHARES[name]
    if with_n and "weighted_n" not in row and row.get(hit) is not None:
        x, n = int(row[hit]), int(row[hit]) + int(row[miss])  # type: ignore[call-overload]
        text = f"{count(x, lang)}/{count(n, lang)} = {text}"
    return text


def correctness(result, console: Console, lang: str = "en") -> None:  # noqa: ANN001
    say(console, Text(sub("corr.title", lang), style="bold"))
    _study_years(console, result, lang)
    by_unit = "unit" in result.keys
    headers = [(sub("col.variable", lang), "left")]
    if by_unit:
        headers.append((sub("col.unit", lang), "left"))
    headers += [(sub("corr.col.correct_n", lang), "right"), (sub("corr.col.share", lang), "right"),
                (sub("col.ci", lang), "right"), (sub("corr.col.detail", lang), "left"),
                (sub("col.status", lang), "left")]
    table_rows: list[list[str | Text]] = []
    for row in worst_first(result.rows, "share_correct").iter_rows(named=True):
        cells: list[str | Text] = [_s(row["variable"])]
        if by_unit:
            cells.append(_s(group_word(row["unit"], lang) if row.get("unit")
                            else sub("national", lang)))
        cells += [f"{count(row['n_correct'], lang)}/{count(row['n'], lang)}",
                  pct(row["share_correct"], lang), _ci(row["ci_low"], row["ci_high"], lang),
                  correctness_detail(row, lang), status_text(row["status"], lang)]
        table_rows.append(cells)
    print_table(console, headers, table_rows)
    binary = result.rows.filter(pl.col("type") == "binary",
                                pl.col("sensitivity").is_not_null()) \
        if "sensitivity" in result.rows.columns else result.rows.clear()
    for row in binary.iter_rows(named=True):  # the four shares in full: n/N and the CI
        where = f" ({group_word(row['unit'], lang)})" if by_unit and row.get("unit") else ""
        say(console, sub("corr.binary", lang, variable=plain(row["variable"]) + where,
                         **{k: binary_share(row, k, lang) for k in BINARY_SHARES}))
    if result.patients is not None:
        p = result.patients.row(0, named=True)
        say(console, sub("corr.patients", lang, n=p["n_true_positive"], d=p["n_registered"],
                          p=p["correct_patients"], ci=_ci(p["ci_low"], p["ci_high"], lang)))
    problems = result.rows.filter(pl.col("problem_variable") & (pl.col("level") == "national"))
    if problems.height:
        say(console, Text(sub("corr.problems", lang,
                               names=plain(", ".join(problems["variable"].to_list()))),
                           style="yellow"))
