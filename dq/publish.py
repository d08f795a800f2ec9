"""The one publish step: small-cell suppression applied to a report before any renderer sees it.

Every format — terminal, JSON, Markdown, HTML, JUnit, GitHub annotations and step summary — is
rendered from the report this module returns, so none can show a cell another hides: not in a
table, not in a figure's tooltip, colour or position, not in a sort order.

The rule (domain.md "Privacy", dq.privacy): a unit row whose counts include a small cell (1 to
N − 1) is hidden, with secondary suppression among the unit rows of one check. A check, the
figures drawn from the same counts and the funnel outlier rows named from them form one family:
a unit hidden anywhere in a family is hidden everywhere in it. A hidden row keeps its status
(pass/warn/fail is published, as in the national coverage service's tables) but loses its
numerator, denominator, estimate, CI, standard error and side figure; a hidden unit's funnel
outlier row, whose status is all it says, is not published.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import polars as pl

from dq.privacy import HIDDEN_MARK, suppress

if TYPE_CHECKING:
    from dq.report import Report

HIDDEN_FIELDS = ("numerator", "denominator", "estimate", "ci_low", "ci_high", "se", "figure",
                 "variant", "previous", "change", "trend")


def _title_only(definition: str, params: str | None) -> str | None:
    """A hidden row keeps the values its title names (the variable, say), nothing else."""
    import json
    import string

    from dq import messages
    from dq.checks import registry

    if not params:
        return params
    template = messages.CHECKS[registry.title_key(definition)]["en"]
    keep = {f for _, f, _, _ in string.Formatter().parse(template) if f}
    return json.dumps({k: v for k, v in json.loads(params).items() if k in keep},
                      ensure_ascii=False, sort_keys=True)


def family(check_id: str) -> str:
    """Checks drawn from the same unit counts share a family."""
    for prefix, family in (("sammenlignbarhet.trakt.kompletthet.", "kompletthet.variabel."),
                           ("sammenlignbarhet.trakt.dekningsgrad", "kompletthet.dekningsgrad"),
                           ("sammenlignbarhet.trakt.ukjent.", "ukjent.")):
        if check_id.startswith(prefix):
            return family + check_id[len(prefix):]
    return check_id


def _figure_family(key: str) -> str | None:
    if key.startswith("funnel_kompletthet."):
        return "kompletthet.variabel." + key.removeprefix("funnel_kompletthet.")
    if key.startswith("funnel_ukjent."):
        return "ukjent." + key.removeprefix("funnel_ukjent.")
    return {"funnel_dekningsgrad": "kompletthet.dekningsgrad", "coverage":
            "kompletthet.dekningsgrad", "delay": "aktualitet.registrering"}.get(key)


def _small(values: pl.Expr, n: int) -> pl.Expr:
    return values.is_between(1, n - 1).fill_null(False)


def _hidden_units(df: pl.DataFrame, counts: list[str], n: int, group: list[str]) -> pl.Series:
    """Primary and secondary suppression over unit rows (siblings: rows of one ``group``)."""
    work = df.select(*group, *(pl.col(c).cast(pl.Int64, strict=False) for c in counts)).with_columns(
        pl.lit("unit").alias("level"))
    marked = suppress(work, counts, n, period=group, has_units=False)
    return marked.select(pl.any_horizontal(pl.col(f"{c}__hidden") for c in counts)
                         .fill_null(False)).to_series()


def _rows_in(frame: pl.DataFrame, positions: set[int]) -> pl.Series:
    """Whether each row of ``frame`` is at one of ``positions`` (0-based)."""
    return frame.select(pl.int_range(pl.len()).is_in(sorted(positions))).to_series()


def publish(report: Report, min_count: int | None) -> Report:
    """The report as every format shows it; ``min_count`` None or 0: nothing is hidden."""
    checks = report.checks.with_columns(pl.lit(False).alias("suppressed"))
    if not min_count:
        return replace(report, checks=checks.drop("cells"), suppressed_below=None)
    n = min_count
    checks = checks.with_columns(
        pl.Series("__family", [family(i) for i in checks["id"].to_list()], dtype=pl.String))
    units = pl.col("unit").is_not_null()
    # Primary and secondary suppression over the rows of each check (and period): its unit rows
    # are siblings whose total is the national row, which is itself hidden when it is small or
    # when a lone hidden unit could be recovered from it (privacy.suppress). A count of units or
    # columns (a full enumeration) is no count of patients: those national rows are not touched.
    # Any other count a row's figure was made from (e.g. the two years of a shift) counts as
    # small with its row.
    from dq.checks.registry import DEFINITIONS

    enumerations = [k for k, d in DEFINITIONS.items() if d.enumeration]
    rows = checks.with_row_index("__check_row").filter(
        units | ~pl.col("definition").is_in(enumerations))
    work = rows.select(
        "__check_row", "id", pl.col("period").cast(pl.String),
        pl.when(units).then(pl.lit("unit")).otherwise(pl.lit("national")).alias("level"),
        *(pl.col(c).cast(pl.Int64, strict=False) for c in ("numerator", "denominator")),
        pl.col("cells").list.eval(_small(pl.element(), n)).list.any().fill_null(False)
        .cast(pl.Int64).alias("__cells"))
    # A registry unit the coverage reference lacks is in no national total (dq.coverage): no
    # sibling in secondary suppression.
    outside = ((pl.col("level") == "unit") & (pl.col("id") == "kompletthet.dekningsgrad")
               & (pl.col("denominator") == 0))
    marked = suppress(work, ["numerator", "denominator", "__cells"], n, period=["id", "period"],
                      has_units=False, standalone=outside, flags=("__cells",))
    hidden_rows = rows.filter(marked["numerator__hidden"])
    small_rows = set(rows.filter(marked["numerator__small"] | marked["denominator__small"]
                                 | marked["__cells__small"])["__check_row"].to_list())
    hidden = {(f, u) for f, u in hidden_rows.filter(units).select("__family", "unit").iter_rows()}
    hidden_national = set(hidden_rows.filter(~units)["__check_row"].to_list())
    # Figures: their own rule over their counts, then joined with their family.
    figures: dict[str, pl.DataFrame] = {}
    for key, fr in report.figures.items():
        fam = _figure_family(key)
        counts: list[str] = [c for c in ("x", "n", "n_valid", "n_applicable", "within")
                             if c in fr.columns]
        if key == "heatmap":
            fr = fr.filter(pl.col("mandatory") != "never").with_columns(
                ("kompletthet.variabel." + pl.col("variable")).alias("__family"))
            own = _hidden_units(fr, counts, n, ["variable"])
        else:
            fr = fr.with_columns(pl.lit(fam).alias("__family"))
            own = _hidden_units(fr, counts, n, []) if counts else pl.Series([False] * fr.height)
        name = pl.col("unit_name") if "unit_name" in fr.columns else pl.col("unit")
        fr = fr.with_columns(own.alias("suppressed"), name.cast(pl.String).alias("__name"))
        hidden |= {(f, u) for f, u in fr.filter("suppressed").select("__family", "__name")
                   .iter_rows()}
        figures[key] = fr

    def is_hidden(frame: pl.DataFrame, family: str, name: str) -> pl.Series:
        keys = frame.select(family, name).iter_rows()
        return pl.Series([(f, u) in hidden for f, u in keys], dtype=pl.Boolean)

    for key, fr in figures.items():
        hide = is_hidden(fr, "__family", "__name")
        # A hidden point keeps its unit name (unit names are public) but no value: renderers
        # draw no mark, colour or tooltip figure for it and sort it last.
        values = [c for c in fr.columns if c not in ("unit", "unit_name", "variable", "mandatory",
                                                      "__family", "__name", "suppressed", "theta")
                  and (fr.schema[c].is_numeric() or fr.schema[c] == pl.Boolean)]
        figures[key] = fr.with_columns(hide.alias("suppressed")).with_columns(
            pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(c)).alias(c)
            for c in values).drop("__family", "__name")
    hide = (is_hidden(checks, "__family", "unit") & checks["unit"].is_not_null()) \
        | _rows_in(checks, hidden_national)
    params = [_title_only(d, p) if h else _breakdown(d, p, n) for d, p, h in
              zip(checks["definition"], checks["params"], hide, strict=True)]
    # the side figure (JSON's English text) again where a breakdown count was hidden
    figure_text = [_refigure(d, v, new) if new != old and not h else f
                   for d, v, new, old, h, f in zip(checks["definition"], checks["variant"], params,
                                                   checks["params"], hide, checks["figure"],
                                                   strict=True)]
    # The national dekningsgrad's side figure over reporting units only is the national total
    # less the units that do not report: with one of those hidden it would give it back.
    side = _reporting_side_hidden(checks, hidden)
    params = [_without(p, "reporting") if s else p for p, s in zip(params, side, strict=True)]
    # Whether a hidden row is itself small ("<n") or hidden to protect another (":"); a unit
    # hidden through its family shows as small where its own counts are, else as ":".
    small = _rows_in(checks, small_rows)
    checks = checks.with_columns(hide.alias("suppressed"), (hide & small).alias("suppressed_small"),
                                 pl.Series("params", params, dtype=pl.String),
                                 pl.Series("figure", figure_text, dtype=pl.String)).with_columns(
        pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(c)).alias(c)
        for c in HIDDEN_FIELDS).drop("__family", "cells")
    checks = checks.with_columns(pl.when(pl.Series(side, dtype=pl.Boolean)).then(None)
                                 .otherwise(pl.col(c)).alias(c) for c in ("variant", "figure"))
    # A funnel outlier row says no more than that its unit lies outside the limits: for a hidden
    # unit that alone tells where its hidden share lies (2 records, above 49 %: at least 1), so
    # the row is not published at all, nor counted in any summary of units.
    checks = checks.filter(~(pl.col("suppressed") & pl.col("unit").is_not_null()
                             & (pl.col("definition") == "sammenlignbarhet.trakt")))
    # A shown national row's trend lists every year's counts: a year of 1 to N − 1 records (a
    # few late registrations, a mistyped year) is hidden there as in a row; so are the finished
    # records per year.
    checks = checks.with_columns(pl.Series("trend", [_trend(t, n) for t in checks["trend"]],
                                           dtype=pl.String))
    registrations = report.registrations
    if registrations is not None:
        registrations = registrations.with_columns(
            pl.when(_small(pl.col("n_finished"), n)).then(None).otherwise(pl.col("n_finished"))
            .alias("n_finished"))
    return replace(report, checks=checks, figures=figures, suppressed_below=n,
                   registrations=registrations)


def _trend(text: str | None, n: int) -> str | None:
    """A trend (JSON text) with each year whose numerator or denominator is from 1 to n − 1
    hidden: its counts and estimate null, ``"suppressed": true``."""
    import json

    if not text:
        return text
    years = json.loads(text)
    for year in years:
        if any(isinstance(year.get(k), int | float) and 1 <= year[k] < n
               for k in ("numerator", "denominator")):
            year.update(numerator=None, denominator=None, estimate=None, suppressed=True)
    return json.dumps(years)


# The counts of records a row's side figure breaks its figure into: each set sums to a count
# the row shows (the invalid ones, the records), so a lone hidden one is protected by a second.
BREAKDOWNS = {"kompletthet.variabel": ("missing", "unknown", "invalid"),
              "korrekthet.fodselsnummer": ("classes",), "korrekthet.duplikater": ("groups",)}


def _breakdown(definition: str, params: str | None, n: int) -> str | None:
    """A shown row's breakdown counts under the rule: 1 to n − 1 as "<n", and when that would
    be the only hidden one of its set, the smallest other non-zero one as ":" (the national
    "ukjent 4" of a variable, "ugyldig format 2" of the national IDs were printed)."""
    import json

    keys = BREAKDOWNS.get(definition)
    if not keys or not params:
        return params
    values = json.loads(params)
    nested = keys == ("classes",)
    counts = values.get("classes") or {} if nested else {k: values.get(k) for k in keys}
    small = [k for k, v in counts.items() if isinstance(v, int) and 0 < v < n]
    if not small:
        return params
    marks = {k: f"<{n}" for k in small}
    others = sorted((v, k) for k, v in counts.items()
                    if isinstance(v, int) and v > 0 and k not in marks)
    if len(marks) == 1 and others and len(counts) > 1:
        marks[others[0][1]] = HIDDEN_MARK
    shown = {k: marks.get(k, v) for k, v in counts.items()}
    if nested:
        values["classes"] = shown
    else:
        values.update(shown)
    return json.dumps(values, ensure_ascii=False, sort_keys=True)


def _refigure(definition: str, variant: str | None, params: str | None) -> str | None:
    import json

    from dq.checks.model import figure

    return figure(definition, variant, json.loads(params or "{}"), "en")


def _reporting_side_hidden(checks: pl.DataFrame, hidden: set[tuple[str, str]]) -> list[bool]:
    """Rows whose "reporting units only" figure must go: the national dekningsgrad when a unit
    that does not report (registry 0, reference > 0) is hidden."""
    coverage = pl.col("definition") == "kompletthet.dekningsgrad"
    quiet = checks.filter(coverage, pl.col("unit").is_not_null(),
                          pl.col("numerator").cast(pl.Float64, strict=False) == 0,
                          pl.col("denominator").cast(pl.Float64, strict=False) > 0)
    if not any(key in hidden for key in quiet.select("__family", "unit").iter_rows()):
        return [False] * checks.height
    return checks.select(coverage & pl.col("unit").is_null()).to_series().to_list()


def _without(params: str | None, key: str) -> str | None:
    import json

    if not params:
        return params
    values = json.loads(params)
    values.pop(key, None)
    return json.dumps(values, ensure_ascii=False, sort_keys=True)



def in_words(report: Report, lang: str) -> Report:
    """The published report as people read it: the unit groups dq makes itself — values of
    the unit column that are not units, units outside the unit table, no unit — in ``lang``
    ("(ikke en enhet)"). JSON, CSV and JUnit keep the contract's English tokens."""
    from dq.units import MISSING, NOT_A_UNIT, UNMATCHED, group_word

    mapping = {v: group_word(v, lang) for v in (NOT_A_UNIT, UNMATCHED, MISSING)}

    def words(frame: pl.DataFrame) -> pl.DataFrame:
        cols = [c for c in ("unit", "unit_name", "hf", "rhf")
                if c in frame.columns and frame.schema[c] == pl.String]
        return frame.with_columns(pl.col(c).replace(mapping) for c in cols) if cols else frame

    return replace(report, checks=words(report.checks),
                   figures={k: words(v) for k, v in report.figures.items()},
                   tilslutning=None if report.tilslutning is None else words(report.tilslutning))
