"""Coverage (dekningsgrad) — the Kompletthet dimension, institution and individual level.

Aggregate ("frequency-based") coverage, domain.md "Coverage": per unit and year,

    coverage = n_registry / n_reference

with the reference counted by NPR under the same inclusion criteria. Above 1 the two sources do
not count the same thing: flagged as a definition mismatch, never clipped. Units in the
reference with no registrations have coverage 0 and count against tilslutning (reporting units /
units in the reference).

Linkage (individual-level) coverage, the method of the national service for coverage analyses:
registry and reference events are linked on person id within ±window days (``dq.linkage``);
each event is only in the registry (a), only in the reference (b) or in both (m):

    DG_registry  = (a + m) / (a + b + m)
    DG_reference = (b + m) / (a + b + m)

and capture–recapture (``dq.capture``) estimates the events both sources missed.

Every proportion carries a Wilson 95 % CI (Clopper–Pearson on request). Bands are those of the
annual status report (80–100, 60–79, 40–59, 10–39, <10 %, unknown); the national goal is 80 %;
SKDE's results pages mark units below 60 % as "Lav dekningsgrad".
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace

import polars as pl

from dq._callable import make_callable
from dq import grading

from dq import capture
from dq.conditions import count_finished, with_conditions
from dq.errors import ConfigError, InputError
from dq.io import Source
from dq.io.values import as_date, as_text, number, year as year_of
from dq.linkage import link
from dq.messages import Message
from dq.spec import Spec
from dq.stats import with_ci
from dq.units import (LEVELS, MISSING, NO_UNIT, NOT_A_UNIT, UNMATCHED, Units, group_value,
                      not_units, not_units_message, roll_up)

BANDS = ((0.80, "80–100 %"), (0.60, "60–79 %"), (0.40, "40–59 %"), (0.10, "10–39 %"),
         (0.0, "<10 %"))


@dataclass(frozen=True)
class RegistryColumns:
    person: str
    unit: str
    date: str
    date_format: str | None = None


@dataclass(frozen=True)
class ReferenceColumns:
    person: str
    unit: str
    date: str
    n: str
    year: str
    code_group: str | None = None
    code_groups: tuple[str, ...] = ()
    date_format: str | None = None


@dataclass(frozen=True)
class Options:
    mode: str = "aggregate"
    keys: tuple[str, ...] = ("unit",)  # output grouping: unit, hf, rhf, year
    window: int = 30
    same_unit: bool = False
    target: float = 0.80
    low: float = 0.60
    fail_on: str = "national"
    count: str = "events"
    include: str | None = None
    min_n: int = 5
    ci_method: str = "wilson"


@dataclass(frozen=True)
class CoverageResult:
    mode: str
    rows: pl.DataFrame  # per level × unit × (year): the JSON results
    tilslutning: pl.DataFrame  # reporting units / units in the reference, per RHF and total
    national: pl.DataFrame  # national coverage over all units and over reporting units only
    not_reporting: list[str]
    unmatched_registry: list[dict[str, object]]
    unmatched_reference: list[dict[str, object]]
    keys: list[str]
    options: Options
    method: str
    warnings: list[str] = field(default_factory=list)
    loglinear: capture.LogLinearResult | None = None
    years: tuple[int, ...] = ()  # the years compared (the period of every figure)

    @property
    def count_columns(self) -> list[str]:
        """The counts in ``rows`` (what small-cell suppression looks at)."""
        if self.mode == "aggregate":
            return ["n_registry", "n_reference"]
        return ["only_registry", "only_reference", "both", "n_registry", "n_reference", "n_union"]

    @property
    def failed(self) -> bool:
        levels = {"national": ["national"], "unit": ["unit"], "any": ["unit", "national"]}
        rows = self.rows.filter(pl.col("level").is_in(levels[self.options.fail_on]))
        return bool((rows["status"] == "fail").any())


def band_expr(coverage: str = "coverage") -> pl.Expr:
    c = pl.col(coverage)
    expr = pl.when(c.is_null()).then(pl.lit("unknown")).when(c > 1).then(pl.lit(">100 % (mismatch)"))
    for lower, label in BANDS:
        expr = expr.when(c >= lower).then(pl.lit(label))
    return expr.otherwise(pl.lit("unknown"))


def _closest(name: str, candidates: list[str]) -> list[str]:
    return difflib.get_close_matches(name, candidates, n=3, cutoff=0.4)


class UnitMatcher:
    """Maps unit values from any source to unit ids: by id, else by name (case-insensitive)."""

    def __init__(self, units: Units | None) -> None:
        self.units = units
        self.ids: set[str] = set(units.table["unit"]) if units is not None else set()
        self.by_name: dict[str, str] = ({n.strip().lower(): i for i, n in units.names().items() if n}
                                        if units is not None else {})

    def mapping(self, values: list[str]) -> tuple[dict[str, str], list[str]]:
        """(value → unit id for those that match, values that match nothing)."""
        if self.units is None:
            return {}, []
        found, unmatched = {}, []
        for v in values:
            if v in self.ids:
                continue
            key = v.strip().lower()
            if key in self.by_name:
                found[v] = self.by_name[key]
            else:
                unmatched.append(v)
        return found, unmatched

    def candidates(self) -> list[str]:
        if self.units is None:
            return []
        return [n for n in self.units.table["unit_name"].to_list() if n] + sorted(self.ids)


def _require(source: Source, columns: dict[str, str | None], role: str, how: str) -> None:
    """Refuse a source that lacks a named column. ``columns``: role (person, unit, date, year,
    n, code_group) → column; ``role``: registry or reference; ``how``: the catalogue key
    "coverage.how.<how>" that says where to name them."""
    present = set(source.lf.collect_schema())
    missing = {k: c for k, c in columns.items() if c and c not in present}
    if missing:
        shown = [Message("coverage.column_role", column=c, role=Message(f"coverage.role.{k}"))
                 for k, c in missing.items()]
        found = ", ".join(sorted(present)[:30])
        raise InputError(Message(f"coverage.{role}_lacks", file=source.info.path, n=len(shown),
                                 columns=Message("files.shown", names=shown, more=""),
                                 found=found, how=Message(f"coverage.how.{how}")))


def _registry_events(source: Source, spec: Spec, cols: RegistryColumns,
                     opts: Options) -> pl.LazyFrame:
    """Registry events after the finished-form and inclusion filters: person, date, unit, year."""
    _require(source, {"person": cols.person if (opts.mode == "linkage" or opts.count == "persons")
                      else None, "unit": cols.unit, "date": cols.date}, "registry", "registry")
    conditions = {}
    if spec.dataset.finished:
        conditions["__finished"] = (spec.dataset.finished, "[dataset] finished")
    if opts.include:
        conditions["__include"] = (opts.include, "[coverage] include")
    lf = with_conditions(source.lf, spec, source, conditions)
    if conditions:
        lf = lf.filter(pl.all_horizontal(pl.col(list(conditions))))
    schema = source.lf.collect_schema()
    fmt = cols.date_format or source.date_formats.get(cols.date)
    date = as_date(pl.col(cols.date), schema[cols.date], fmt)
    person = pl.col(cols.person) if cols.person in schema else pl.lit(None, pl.String)
    return lf.select(person.alias("person"), date.alias("date"),
                     pl.col(cols.unit).alias("unit"),
                     pl.col(cols.date).is_not_null().alias("__has_date"))


def _text_units(df: pl.DataFrame, known: set[str] | None = None, *,
                institution: bool = False) -> pl.DataFrame:
    """Unit ids as text, as they may be printed (``dq.units.public``)."""
    from dq.units import public

    text = public(as_text(pl.col("unit"), df.schema["unit"]), known, institution=institution)
    return df.with_columns(text.fill_null(MISSING).alias("unit"))


def _apply(df: pl.DataFrame, mapping: dict[str, str]) -> pl.DataFrame:
    if not mapping:
        return df
    return df.with_columns(pl.col("unit").replace(mapping))


def _status(df: pl.DataFrame, estimate: str, opts: Options, denominator: str) -> pl.DataFrame:
    c = pl.col(estimate)
    return df.with_columns(
        band_expr(estimate).alias("band"),
        (c < opts.low).fill_null(False).alias("low_coverage"),
        (c > 1).fill_null(False).alias("mismatch"),
        # The one grading (dq.grading): warn below the target, fail below the low mark, as in
        # dq report; a figure above 1 (the sources count different things) warns.
        pl.when(c.is_not_null() & (c > 1) & (pl.col(denominator) >= opts.min_n))
        .then(pl.lit("warn"))
        .otherwise(grading.status_expr(c, opts.target, opts.low, True,
                                       pl.col(denominator) < opts.min_n)).alias("status"),
        pl.lit(opts.target).alias("target"),
    )


def _sort(df: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    level = pl.col("level").replace_strict({lvl: i for i, lvl in enumerate(LEVELS)},
                                           return_dtype=pl.Int8)
    return df.sort([level, *[pl.col(k) for k in keys if k != "level"]], nulls_last=True)


def _output_keys(opts: Options, units: Units | None) -> tuple[list[str], str]:
    lowest = next((lvl for lvl in ("unit", "hf", "rhf") if lvl in opts.keys), "national")
    if lowest in ("hf", "rhf") and units is None:
        raise ConfigError(Message("coverage.by_needs_units", level=lowest))
    keys = ["level"]
    if units is None:
        keys += ["unit"] if lowest == "unit" else []
    else:
        keys += {"unit": ["unit", "unit_name", "hf", "rhf"], "hf": ["hf", "rhf"],
                 "rhf": ["rhf"], "national": []}[lowest]
    if "year" in opts.keys:
        keys.append("year")
    return keys, lowest


def _years_overlap(reg: pl.DataFrame, ref: pl.DataFrame, warnings: list[str],
                   ref_name: str) -> list[int]:
    reg_years = set(reg.filter(pl.col("year").is_not_null())["year"].to_list())
    ref_years = set(ref["year"].drop_nulls().to_list())
    both = sorted(reg_years & ref_years)
    if not both:
        raise InputError(Message("coverage.no_common_year", reference=ref_name,
                                 registry_years=_span(reg_years), reference_years=_span(ref_years)))
    _years_left_out(ref_years - reg_years, reg_years - ref_years, both, warnings)
    return both


def _years_left_out(ref_only: set[int], reg_only: set[int], both: list[int],
                    warnings: list[str]) -> None:
    """A warning for the years of only one side (they are left out of the comparison)."""
    for side, extra in (("reference", ref_only), ("registry", reg_only)):
        if extra:
            warnings.append(Message("coverage.years_left_out", n=len(extra), years=_span(extra),
                                    side=Message(f"coverage.side.{side}"),
                                    compared=_span(set(both))))


def _unmatched(side: Message, unit: str, close: list[str]) -> Message:
    """A unit of one source that matches no unit in the unit table (its closest names)."""
    return Message("coverage.unit_unmatched", side=side, unit=group_value(unit),
                   closest=Message("coverage.closest", names=close) if close else "")


def _span(years: set[int]) -> str:
    ys = sorted(years)
    if not ys:
        return Message("coverage.no_years")
    return f"{ys[0]}–{ys[-1]}" if len(ys) > 2 and ys[-1] - ys[0] == len(ys) - 1 else ", ".join(map(str, ys))


def _read_reference_counts(source: Source, cols: ReferenceColumns,
                           known: set[str] | None = None) -> pl.DataFrame:
    _require(source, {"unit": cols.unit, "year": cols.year, "n": cols.n,
                      "code_group": cols.code_group}, "reference", "counts")
    schema = source.lf.collect_schema()
    keys = [cols.unit, cols.year] + ([cols.code_group] if cols.code_group else [])
    df = source.lf.select(
        pl.col(cols.unit).alias("unit"),
        number(pl.col(cols.year), schema[cols.year]).alias("year_f"),
        number(pl.col(cols.n), schema[cols.n]).alias("n_f"),
        pl.col(cols.n).is_not_null().alias("n_given"),
        *( [pl.col(cols.code_group).cast(pl.String).alias("code_group")] if cols.code_group else []),
    ).collect()
    path = source.info.path
    bad_n = df.filter(pl.col("n_given") & (pl.col("n_f").is_null() | (pl.col("n_f") < 0)
                                           | (pl.col("n_f") != pl.col("n_f").round(0))))
    if bad_n.height:
        raise InputError(Message("coverage.counts_not_whole", file=path, n=bad_n.height,
                                 column=cols.n))
    if df["n_f"].null_count():
        raise InputError(Message("coverage.counts_missing", file=path,
                                 n=df["n_f"].null_count(), column=cols.n))
    bad_year = df.filter(pl.col("year_f").is_null() | (pl.col("year_f") != pl.col("year_f").round(0)))
    if bad_year.height:
        raise InputError(Message("coverage.year_invalid", file=path, n=bad_year.height,
                                 column=cols.year))
    df = df.with_columns(pl.col("year_f").cast(pl.Int32).alias("year"),
                         pl.col("n_f").cast(pl.Int64).alias("n"),
                         as_text(pl.col("unit"), df.schema["unit"]).alias("unit"))
    group = ["unit", "year"] + (["code_group"] if cols.code_group else [])
    dups = df.filter(pl.struct(group).is_duplicated())
    if dups.height:
        hint: str | Message = ""
        if not cols.code_group:
            # a column the repeated rows differ in (NPR's code group, say) splits the counts:
            # named in [coverage.reference] code_group, the rows are one per unit, year and group
            others = [c for c in schema if c not in (cols.unit, cols.year, cols.n)]
            if others:
                split = source.lf.select(pl.col(cols.unit), pl.col(cols.year),
                                         *(pl.col(c) for c in others)).collect()
                fits = [c for c in others
                        if not split.select(pl.struct(cols.unit, cols.year, c).is_duplicated()
                                            .any()).item()]
                if fits:
                    hint = Message("coverage.duplicates_code_group", column=fits[0])
        raise InputError(Message("coverage.reference_duplicates", file=path, n=dups.height,
                                 keys=" × ".join(keys), hint=hint))
    df = _text_units(df, known, institution=True)
    if cols.code_groups:
        if not cols.code_group:
            raise ConfigError(Message("coverage.code_groups_column"))
        df = df.filter(pl.col("code_group").is_in(list(cols.code_groups)))
    return df.group_by("unit", "year").agg(pl.col("n").sum())


def reference_names(counts: pl.DataFrame) -> set[str]:
    """Without a unit table, the unit values a registry may print: SKDE's public hospital
    structure and every unit NPR's aggregate counts name (``dq.units.public``)."""
    from dq.units import public_names

    named = set(counts["unit"].drop_nulls().unique().to_list()) - NO_UNIT
    return set(public_names()) | named


def reference_counts(references: list[Source], ref_cols: ReferenceColumns) -> pl.DataFrame:
    """The aggregate references' counts per unit and year (units as text), read and checked."""
    return pl.concat([_read_reference_counts(r, ref_cols) for r in references])


def aggregate(registry: Source, references: list[Source], spec: Spec, units: Units | None,
              reg_cols: RegistryColumns, ref_cols: ReferenceColumns,
              opts: Options, registry_counts: pl.DataFrame | None = None,
              ref_counts: pl.DataFrame | None = None) -> CoverageResult:
    """``registry_counts``: the registry's events per unit and year (unit, year, n, no_date,
    bad_date; units as text) when another pass already counted them (``dq report``);
    ``ref_counts``: ``reference_counts`` when the caller read them already."""
    warnings: list[str] = []
    # NPR's aggregate counts name units as NPR does: names are public and shown so that an
    # unmatched one can be mapped; only an ID number is never shown (dq.units.public). Without
    # a unit table, a registry unit value that one of them names is a unit too.
    ref = ref_counts if ref_counts is not None else reference_counts(references, ref_cols)
    known = units.known() if units is not None else reference_names(ref)
    if registry_counts is not None:
        reg = registry_counts
    else:
        events = _registry_events(registry, spec, reg_cols, opts)
        n_expr = (pl.col("person").n_unique() if opts.count == "persons" else pl.len()).alias("n")
        reg = events.group_by("unit", year_of(pl.col("date")).alias("year")).agg(
            n_expr, (~pl.col("__has_date")).sum().alias("no_date"),
            (pl.col("__has_date") & pl.col("date").is_null()).sum().alias("bad_date"),
        ).collect(engine="streaming")
        hidden = not_units(reg, reg_cols.unit, known, table=units is not None)
        if hidden is not None:
            warnings.append(hidden)
        reg = _text_units(reg, known)
        if not int(reg["n"].sum()):
            _none_counted(registry, spec, opts)
    _date_warnings(reg, reg_cols.date, warnings)
    ref = ref.group_by("unit", "year").agg(pl.col("n").sum())
    ref_name = ", ".join(str(r.info.path) for r in references)
    years = _years_overlap(reg, ref, warnings, ref_name)
    reg = reg.filter(pl.col("year").is_in(years))
    ref = ref.filter(pl.col("year").is_in(years))

    matcher = UnitMatcher(units)
    reg_map, _ = matcher.mapping(reg["unit"].unique().sort().to_list())
    ref_map, ref_nomatch = matcher.mapping(ref["unit"].unique().sort().to_list())
    reg = _apply(reg, reg_map).group_by("unit", "year").agg(pl.col("n").sum())
    ref = _apply(ref, ref_map).group_by("unit", "year").agg(pl.col("n").sum())
    unmatched_reference: list[dict[str, object]] = []
    for u in ref_nomatch:
        close = [] if u in NO_UNIT else _closest(u, matcher.candidates())
        unmatched_reference.append({"unit": u, "closest": close})
        warnings.append(_unmatched(Message("coverage.side.reference"), u, close))

    cells = reg.rename({"n": "n_registry"}).join(ref.rename({"n": "n_reference"}),
                                                 on=["unit", "year"], how="full", coalesce=True)
    cells = cells.with_columns(pl.col("n_registry", "n_reference").fill_null(0))
    ref_units = set(cells.filter(pl.col("n_reference") > 0)["unit"])
    reg_units = set(cells.filter(pl.col("n_registry") > 0)["unit"])
    names = units.names() if units is not None else {}
    ref_labels = sorted(names.get(u, u) for u in ref_units)
    unmatched_registry: list[dict[str, object]] = []
    for u in sorted(reg_units - ref_units):
        close = [] if u in NO_UNIT else _closest(names.get(u, u), ref_labels)
        unmatched_registry.append({"unit": u, "unit_name": names.get(u), "closest": close})
        warnings.append(Message("coverage.unit_not_in_reference", unit=group_value(names.get(u, u)),
                                closest=Message("coverage.closest_reference", names=close)
                                if close else ""))
    # Events without a unit (or with a value that is no unit) count nationally, but they are
    # no unit that should report: not in tilslutning, not graded as a unit.
    not_reporting = sorted(names.get(u, u) for u in ref_units - reg_units - NO_UNIT)
    unitless = int(cells.filter(pl.col("unit").is_in(list(NO_UNIT)))["n_reference"].sum())
    if unitless:
        warnings.append(Message("coverage.reference_without_unit", n=unitless))
    # Registry units outside the unit table roll up as "(unmatched)" in roll_up.

    keys, lowest = _output_keys(opts, units)
    other = ["year"] if "year" in opts.keys else []
    per_unit = cells.group_by("unit", *other).agg(pl.col("n_registry", "n_reference").sum())
    # HF, RHF and national figures are over the units in the reference, as "all units" is: a
    # registry unit the reference lacks has no coverage and is flagged, never summed into a
    # figure above 100 % (53/45 was graded "pass" with 8 events of such a unit counted).
    in_reference = pl.col("n_reference") > 0
    rows = roll_up(per_unit.filter(in_reference), ["unit", *other], ["n_registry", "n_reference"],
                   units, lowest)
    if lowest == "unit" and not per_unit.filter(~in_reference).is_empty():
        outside = roll_up(per_unit.filter(~in_reference), ["unit", *other],
                          ["n_registry", "n_reference"], units, lowest)
        rows = pl.concat([rows, outside.filter(pl.col("level") == "unit")], how="diagonal_relaxed")
    rows = _ratio(rows, "n_registry", "n_reference", "coverage", opts)
    rows = _status(rows, "coverage", opts, "n_reference")
    rows = rows.with_columns(pl.when((pl.col("level") == "unit") & pl.col("unit").is_in(list(NO_UNIT)))
                             .then(pl.lit("info")).otherwise(pl.col("status")).alias("status"))
    rows = rows.with_columns(
        reporting=pl.when(pl.col("level") == "unit").then(pl.col("n_registry") > 0),
        in_reference=pl.when(pl.col("level") == "unit").then(pl.col("n_reference") > 0))
    rows = _sort(rows, keys).select(*keys, "n_registry", "n_reference", "coverage", "ci_low",
                                    "ci_high", "band", "low_coverage", "mismatch", "reporting",
                                    "in_reference", "target", "status")
    national = _national(per_unit, other, opts)
    tilslutning = _tilslutning(per_unit, units, other, opts)
    method = ("Aggregate coverage: registry " + ("persons" if opts.count == "persons" else "events")
              + " per unit and year / reference counts (" + ref_name + "), years "
              + _span(set(years)) + "; 95 % CI: " + opts.ci_method + ".")
    return CoverageResult(mode="aggregate", rows=rows, tilslutning=tilslutning, national=national,
                          not_reporting=not_reporting, unmatched_registry=unmatched_registry,
                          unmatched_reference=unmatched_reference, keys=keys, options=opts,
                          method=method, warnings=warnings, years=tuple(sorted(years)))


def _none_counted(registry: Source, spec: Spec, opts: Options) -> None:
    """No registry event to count: when it is because ``[dataset] finished`` or ``[coverage]
    include`` matches no record, say so (the error about years that would follow blames the
    year columns)."""
    rows, finished = count_finished(registry, spec)
    if spec.dataset.finished and rows and not finished:
        raise InputError(Message("coverage.none_finished", file=_spec_file(spec),
                                 condition=spec.dataset.finished, rows=rows))
    if opts.include and finished:
        conditions = {"__include": (opts.include, "[coverage] include")}
        if spec.dataset.finished:
            conditions["__finished"] = (spec.dataset.finished, "[dataset] finished")
        lf = with_conditions(registry.lf, spec, registry, conditions)
        if not lf.filter(pl.all_horizontal(pl.col(list(conditions)))).select(pl.len()) \
                .collect(engine="streaming").item():
            raise InputError(Message("coverage.none_included", file=_spec_file(spec),
                                     condition=opts.include, rows=finished))


def _spec_file(spec: Spec) -> str:
    return spec.path.name if spec.path else Message("spec.the_spec")


def _date_warnings(reg: pl.DataFrame, column: str, warnings: list[str]) -> None:
    no_date, bad = int(reg["no_date"].sum()), int(reg["bad_date"].sum())
    if no_date or bad:
        warnings.append(Message("coverage.no_valid_date", n=no_date + bad, column=column,
                                empty=no_date, bad=bad))


def _ratio(df: pl.DataFrame, num: str, den: str, name: str, opts: Options) -> pl.DataFrame:
    """num / den with a CI; no CI where num > den (the ratio is not a proportion there)."""
    out = with_ci(df.with_columns(pl.min_horizontal(num, den).alias("__x")), "__x", den,
                  estimate="__p", method=opts.ci_method)
    over = pl.col(num) > pl.col(den)
    return out.with_columns(
        pl.when(pl.col(den) > 0).then(pl.col(num) / pl.col(den)).alias(name),
        pl.when(~over).then(pl.col("ci_low")).alias("ci_low"),
        pl.when(~over).then(pl.col("ci_high")).alias("ci_high"),
    ).drop("__x", "__p")


def _national(per_unit: pl.DataFrame, other: list[str], opts: Options) -> pl.DataFrame:
    """National coverage over all units in the reference and over reporting units only."""
    all_units = per_unit.filter(pl.col("n_reference") > 0)
    frames = []
    for scope, df in (("all_units", all_units),
                      ("reporting_units", all_units.filter(pl.col("n_registry") > 0))):
        agg = [pl.col("n_registry", "n_reference").sum(),
               (~pl.col("unit").is_in(list(NO_UNIT))).sum().alias("units")]
        g = df.group_by(other).agg(agg) if other else df.select(agg)
        frames.append(g.with_columns(scope=pl.lit(scope)))
    out = pl.concat(frames, how="diagonal_relaxed")
    out = _ratio(out, "n_registry", "n_reference", "coverage", opts)
    return out.select("scope", *other, "units", "n_registry", "n_reference", "coverage",
                      "ci_low", "ci_high").sort("scope", *other)


def _national_linkage(per_unit: pl.DataFrame, other: list[str], opts: Options) -> pl.DataFrame:
    """National DG and Chapman over all units and over reporting units only."""
    counts = ["only_registry", "only_reference", "both"]
    frames = []
    for scope, df in (("all_units", per_unit),
                      ("reporting_units", per_unit.filter(pl.col("n_registry") > 0))):
        agg = [pl.col(counts).sum(), (~pl.col("unit").is_in(list(NO_UNIT))).sum().alias("units")]
        g = df.group_by(other).agg(agg) if other else df.select(agg)
        frames.append(g.with_columns(scope=pl.lit(scope)))
    out = _linkage_figures(pl.concat(frames, how="diagonal_relaxed"), opts)
    return out.select(
        "scope", *other, "units", *counts, "n_registry", "n_reference", "n_union", "coverage",
        "ci_low", "ci_high", "dg_reference", "dg_reference_ci_low", "dg_reference_ci_high",
        "chapman_n", "chapman_ci_low", "chapman_ci_high", "chao_lower_bound",
        "chao_lower_bound_ci_low", "chao_lower_bound_ci_high", "registry_completeness",
        "registry_completeness_ci_low", "registry_completeness_ci_high").sort("scope", *other)


def _tilslutning(per_unit: pl.DataFrame, units: Units | None, other: list[str],
                 opts: Options) -> pl.DataFrame:
    """Reporting units / units that should report (in the reference), per RHF and in total."""
    df = per_unit.filter(pl.col("n_reference") > 0, ~pl.col("unit").is_in(list(NO_UNIT))
                         ).with_columns((pl.col("n_registry") > 0).alias("reporting"))
    if units is not None:
        df = df.join(units.table.select("unit", "rhf"), on="unit", how="left").with_columns(
            pl.col("rhf").fill_null(UNMATCHED))
    else:
        df = df.with_columns(rhf=pl.lit(None, pl.String))
    agg = [pl.len().alias("units_in_reference"), pl.col("reporting").sum().alias("units_reporting")]
    per_rhf = df.group_by("rhf", *other).agg(agg) if units is not None else df.clear().select(
        "rhf", *other).with_columns(units_in_reference=pl.lit(0, pl.UInt32),
                                    units_reporting=pl.lit(0, pl.UInt32))
    total = (df.group_by(other).agg(agg) if other else df.select(agg)).with_columns(
        rhf=pl.lit("National"))
    out = pl.concat([per_rhf, total], how="diagonal_relaxed").with_columns(
        pl.col("units_in_reference", "units_reporting").cast(pl.Int64))
    # Units reporting of the units in the reference: a full enumeration, not a sample, so the
    # share has no confidence interval (ci_low and ci_high stay in the table, null).
    out = out.with_columns(
        pl.when(pl.col("units_in_reference") > 0)  # none in the reference: no share, not NaN
        .then(pl.col("units_reporting") / pl.col("units_in_reference")).alias("tilslutning"),
        pl.lit(None, pl.Float64).alias("ci_low"), pl.lit(None, pl.Float64).alias("ci_high"))
    rank = pl.col("rhf") == "National"
    return out.sort([rank, *[pl.col(c) for c in ["rhf", *other]]]).select(
        "rhf", *other, "units_reporting", "units_in_reference", "tilslutning", "ci_low", "ci_high")


def _reference_events(source: Source, cols: ReferenceColumns) -> pl.LazyFrame:
    _require(source, {"person": cols.person, "date": cols.date, "unit": cols.unit}, "reference",
             "persons")
    schema = source.lf.collect_schema()
    fmt = cols.date_format or source.date_formats.get(cols.date)
    return source.lf.select(pl.col(cols.person).alias("person"),
                            as_date(pl.col(cols.date), schema[cols.date], fmt).alias("date"),
                            pl.col(cols.unit).alias("unit"))


class _UnitText:
    """Unit values of each linkage source as printed (``dq.units.public``), mapped through the
    unit table by id or name: applied by ``dq.linkage.link`` to frames it holds in memory, so a
    national register's units are turned into text once per distinct value, not once per row."""

    def __init__(self, matcher: UnitMatcher, dtypes: list[pl.DataType], column: str) -> None:
        self.matcher = matcher
        self.dtypes = dtypes
        self.column = column  # the registry's unit column, named when its values are hidden
        self.hidden: set[object] = set()  # distinct registry unit values that are not units
        self.known = matcher.units.known() if matcher.units is not None else None
        self.mappings: list[dict[str, str]] = [{} for _ in dtypes]
        self.seen: list[set[str]] = [set() for _ in dtypes]
        self.unmatched: list[set[str]] = [set() for _ in dtypes]

    def __call__(self, i: int, df: pl.DataFrame) -> pl.DataFrame:
        from dq.units import public

        # Each distinct value once: the frames held can have millions of rows but few units.
        raw = df["unit"].unique().drop_nulls()
        text = pl.DataFrame({"unit": raw}).select(
            public(as_text(pl.col("unit"), self.dtypes[i]), self.known).alias("unit"))["unit"]
        if i == 0:
            self.hidden.update(raw.filter(text == NOT_A_UNIT).to_list())
        if self.matcher.units is not None:
            new = sorted(set(text.drop_nulls().to_list()) - self.seen[i])
            self.seen[i].update(new)
            mapping, unmatched = self.matcher.mapping(new)
            self.mappings[i].update(mapping)
            self.unmatched[i].update(unmatched)
            if self.mappings[i]:
                text = text.replace(self.mappings[i])
        unit = pl.col("unit").replace_strict(raw, text, default=None, return_dtype=pl.String)
        return df.with_columns(unit.fill_null(MISSING))

    def warnings(self, labels: list[Message]) -> list[str]:
        out: list[str] = []
        hidden = not_units_message(self.column, len(self.hidden), bool(self.known))
        if hidden is not None:
            out.append(hidden)
        for label, values in zip(labels, self.unmatched, strict=True):
            for u in sorted(values):
                close = [] if u in NO_UNIT else _closest(u, self.matcher.candidates())
                out.append(_unmatched(label, u, close))
        return out


def _unify(frames: list[pl.LazyFrame], matcher: UnitMatcher, column: str) -> tuple[list[pl.LazyFrame],
                                                                      _UnitText]:
    """Same person-id type in every source; the units as read, with the hook that maps them."""
    schemas = [f.collect_schema() for f in frames]
    person_types = {s["person"] for s in schemas}
    out = []
    for frame, schema in zip(frames, schemas, strict=True):
        if len(person_types) > 1:
            frame = frame.with_columns(as_text(pl.col("person"), schema["person"]).alias("person"))
        out.append(frame)
    return out, _UnitText(matcher, [s["unit"] for s in schemas], column)


def linkage(registry: Source, references: list[Source], spec: Spec, units: Units | None,
            reg_cols: RegistryColumns, ref_cols: ReferenceColumns,
            opts: Options) -> CoverageResult:
    warnings: list[str] = []
    events = _registry_events(registry, spec, reg_cols, opts)
    missing = events.select((~pl.col("__has_date")).sum().alias("no_date"),
                            (pl.col("__has_date") & pl.col("date").is_null()).sum().alias("bad_date"),
                            pl.col("person").is_null().sum().alias("no_person"),
                            pl.len().alias("events")).collect()
    if not missing["events"][0]:
        _none_counted(registry, spec, opts)
    _date_warnings(missing, reg_cols.date, warnings)
    if missing["no_person"][0]:
        warnings.append(Message("coverage.no_person", n=int(missing["no_person"][0])))
    events = events.filter(pl.col("date").is_not_null()).drop("__has_date")
    refs = [_reference_events(r, ref_cols) for r in references]
    labels = [Message("coverage.side.registry"), *(
        Message("coverage.side.reference_file", file=r.info.path.name) for r in references)]
    matcher = UnitMatcher(units)
    frames, unit_text = _unify([events, *refs], matcher, reg_cols.unit)
    names = ("registry", *[r.info.path.stem for r in references])
    linked = link(frames, names, opts.window, opts.same_unit, unit_text)
    warnings += unit_text.warnings(labels)
    cells = linked.cells
    for j, src in enumerate(references, start=1):
        # Reference events without a valid date never link and have no year.
        undated = cells.filter(pl.col("year").is_null() & pl.col(f"h{j}"))["n"].sum()
        if undated:
            warnings.append(Message("coverage.reference_undated", n=int(undated),
                                    file=str(src.info.path)))
    ref_bits = [f"h{j}" for j in range(1, len(names))]
    any_ref = pl.any_horizontal(ref_bits)
    per_event = cells.with_columns(
        only_registry=pl.when(pl.col("h0") & ~any_ref).then(pl.col("n")).otherwise(0),
        only_reference=pl.when(~pl.col("h0") & any_ref).then(pl.col("n")).otherwise(0),
        both=pl.when(pl.col("h0") & any_ref).then(pl.col("n")).otherwise(0))
    reg_years = set(per_event.filter(pl.col("h0"))["year"].drop_nulls().to_list())
    ref_years = set(per_event.filter(any_ref)["year"].drop_nulls().to_list())
    years = sorted(reg_years & ref_years)
    if not years:
        raise InputError(Message("coverage.no_common_year_linked",
                                 registry_years=_span(reg_years), reference_years=_span(ref_years)))
    _years_left_out(ref_years - reg_years, reg_years - ref_years, years, warnings)
    per_event = per_event.filter(pl.col("year").is_in(years))
    a, b, m = (int(per_event[c].sum()) for c in ("only_registry", "only_reference", "both"))
    if a and b and not m:
        # Events on both sides and not one person in common: the person ids do not match (a
        # wrong column, or two pseudonymisations), and DG is a / (a + b) of unlinked counts.
        warnings.append(Message("coverage.none_linked", registry=a, reference=b,
                                window=opts.window))

    keys, lowest = _output_keys(opts, units)
    other = ["year"] if "year" in opts.keys else []
    counts = ["only_registry", "only_reference", "both"]
    per_unit = per_event.group_by("unit", *other).agg(pl.col(counts).sum())
    rows = roll_up(per_unit, ["unit", *other], counts, units, lowest)
    rows = _linkage_figures(rows, opts)
    rows = _status(rows, "dg_registry", opts, "n_union")
    rows = _sort(rows, keys).select(
        *keys, "only_registry", "only_reference", "both", "n_registry", "n_reference", "n_union",
        "dg_registry", "dg_registry_ci_low", "dg_registry_ci_high", "dg_reference",
        "dg_reference_ci_low", "dg_reference_ci_high", "coverage", "ci_low", "ci_high",
        "chapman_n", "chapman_var", "chapman_ci_low", "chapman_ci_high", "chao_lower_bound",
        "chao_lower_bound_var", "chao_lower_bound_ci_low", "chao_lower_bound_ci_high",
        "registry_completeness", "registry_completeness_ci_low", "registry_completeness_ci_high",
        "band", "low_coverage",
        "mismatch", "target", "status")
    loglin = None
    if len(names) >= 3:
        bits = [f"h{j}" for j in range(len(names))]
        hist = per_event.group_by(bits).agg(pl.col("n").sum())
        histories = {tuple(int(v) for v in r[:-1]): int(r[-1]) for r in hist.select(*bits, "n").iter_rows()}
        loglin = capture.loglinear(histories, names)
        warnings += list(loglin.warnings)
    per_unit_nat = per_unit.with_columns(
        n_registry=pl.col("only_registry") + pl.col("both"),
        n_reference=pl.col("only_reference") + pl.col("both"))
    national = _national_linkage(per_unit_nat, other, opts)
    tilslutning = _tilslutning(per_unit_nat, units, other, opts)
    names_map = units.names() if units is not None else {}
    not_reporting = sorted(names_map.get(u, u) for u in per_unit_nat.filter(
        (pl.col("n_registry") == 0) & (pl.col("n_reference") > 0))["unit"].unique())
    window = "the same day" if opts.window == 0 else f"±{opts.window} days"
    method = (f"Linkage coverage: events linked on person id within {window}"
              + (" at the same unit" if opts.same_unit else "")
              + ", one-to-one, nearest date first; sources: " + ", ".join(names)
              + f"; years {_span(set(years))}; 95 % CI: {opts.ci_method}; Chapman estimator with "
              "Chao's log-transformed interval; beside it " + capture.CHAO_TWO_SOURCES + ". "
              + capture.INDEPENDENCE_NOTE)
    return CoverageResult(mode="linkage", rows=rows, tilslutning=tilslutning, national=national,
                          not_reporting=not_reporting, unmatched_registry=[],
                          unmatched_reference=[], keys=keys, options=opts, method=method,
                          warnings=warnings, loglinear=loglin, years=tuple(years))


def _linkage_figures(rows: pl.DataFrame, opts: Options) -> pl.DataFrame:
    a, b, m = pl.col("only_registry"), pl.col("only_reference"), pl.col("both")
    rows = rows.with_columns(n_registry=a + m, n_reference=b + m, n_union=a + b + m)
    rows = with_ci(rows, "n_registry", "n_union", estimate="dg_registry",
                   low="dg_registry_ci_low", high="dg_registry_ci_high", method=opts.ci_method)
    rows = with_ci(rows, "n_reference", "n_union", estimate="dg_reference",
                   low="dg_reference_ci_low", high="dg_reference_ci_high", method=opts.ci_method)
    rows = rows.with_columns(**capture.chapman_exprs(a, b, m),
                             **capture.chao_two_source_exprs(a, b, m))
    return rows.with_columns(coverage=pl.col("dg_registry"), ci_low=pl.col("dg_registry_ci_low"),
                             ci_high=pl.col("dg_registry_ci_high"))


def compute(registry: Source, references: list[Source], spec: Spec, units: Units | None,
            reg_cols: RegistryColumns, ref_cols: ReferenceColumns,
            opts: Options, registry_counts: pl.DataFrame | None = None,
            ref_counts: pl.DataFrame | None = None) -> CoverageResult:
    if opts.mode == "linkage":
        return linkage(registry, references, spec, units, reg_cols, ref_cols, opts)
    return aggregate(registry, references, spec, units, reg_cols, ref_cols, opts,
                     registry_counts=registry_counts, ref_counts=ref_counts)


def counted_with_completeness(spec: Spec, reg_cols: RegistryColumns, opts: Options) -> bool:
    """Aggregate coverage can take its registry counts from the completeness pass of ``dq
    report`` (finished forms per unit and event year) when it counts the same thing: events,
    no inclusion filter, the dataset's own unit and event-date columns and date format."""
    ds = spec.dataset
    return (opts.mode == "aggregate" and opts.count == "events" and opts.include is None
            and reg_cols.unit == ds.unit and reg_cols.date == ds.event_date
            and reg_cols.date_format == ds.date_format)


def setup(spec: Spec, *, mode: str | None = None, keys: tuple[str, ...] = ("unit",),
          window: int | None = None, same_unit: bool | None = None, target: float | None = None,
          fail_on: str | None = None, count: str | None = None, min_n: int | None = None,
          ci_method: str = "wilson", person: str | None = None, unit: str | None = None,
          date: str | None = None, n: str | None = None,
          year: str | None = None) -> tuple[RegistryColumns, ReferenceColumns, Options]:
    """Columns and options from the spec's [dataset] and [coverage], with the command line's
    (or the caller's) choices on top: one place for ``dq coverage``, ``dq report`` and
    ``dq.coverage``."""
    ds, cs = spec.dataset, spec.coverage
    rc = cs.reference
    reg = RegistryColumns(person=person or ds.person_id or "person_id",
                          unit=unit or ds.unit or "unit",
                          date=date or ds.event_date or "event_date", date_format=ds.date_format)
    ref = ReferenceColumns(
        person=person or rc.person_id or ds.person_id or "person_id",
        unit=unit or rc.unit or ds.unit or "unit",
        date=date or rc.event_date or ds.event_date or "event_date",
        n=n or rc.n or "n", year=year or rc.year or "year", code_group=rc.code_group,
        code_groups=rc.code_groups, date_format=rc.date_format)
    opts = Options(
        mode=mode or cs.mode or "aggregate", keys=tuple(keys),
        window=cs.window if window is None else window,
        same_unit=cs.same_unit if same_unit is None else same_unit,
        target=cs.target if target is None else target, low=cs.low,
        fail_on=fail_on or cs.fail_on, count=count or cs.count, include=cs.include,
        min_n=min_n if min_n is not None else (cs.min_n if cs.min_n is not None else spec.min_n),
        ci_method=ci_method)
    return reg, ref, opts


def published(result: CoverageResult, n: int | None, has_units: bool) -> tuple[CoverageResult,
                                                                              pl.DataFrame]:
    """Small-cell suppression, once: the result with ``<count>__hidden`` flags (for the human
    formats) and the machine rows (JSON, CSV) with hidden counts and their figures null."""
    from dq import privacy

    if not n:
        return result, result.rows
    counts = result.count_columns
    period = ["year"] if "year" in result.keys else []
    # A registry unit the reference lacks is in no total (aggregate mode: HF, RHF and national
    # sum the units in the reference), so it is no sibling in secondary suppression.
    standalone = ((pl.col("level") == "unit") & (pl.col("n_reference") == 0)
                  if result.mode == "aggregate" else None)
    rows = privacy.suppress(result.rows, counts, n, period=period, has_units=has_units,
                            standalone=standalone)
    derived = privacy.derived_columns(rows, counts, result.keys)
    national = _national_published(result.national, rows, counts, period)
    return (replace(result, rows=rows, national=national),
            privacy.apply_to_json(rows, counts, derived))


def _national_published(national: pl.DataFrame, rows: pl.DataFrame, counts: list[str],
                        period: list[str]) -> pl.DataFrame:
    """The national lines under the rows' suppression. "All units" is the national row's
    total; "reporting units only" is that total less the units that do not report, so it is
    hidden with the national row or with any hidden unit that does not report (it would give
    that unit's reference count back). A hidden line keeps its scope, period and unit count
    (a full enumeration) and lists its hidden values in ``suppressed``."""
    from dq import privacy

    flagged = rows.with_columns(privacy.any_hidden(counts).alias("__h")).filter("__h")

    def periods(frame: pl.DataFrame) -> list[tuple[object, ...]]:
        return [tuple(r) for r in frame.select(period).rows()] if period else [()] * frame.height

    nat = set(periods(flagged.filter(pl.col("level") == "national")))
    quiet = set(periods(flagged.filter(pl.col("level") == "unit", pl.col("n_registry") == 0)))
    keys = periods(national)
    hide = [tuple(k) in nat or (scope == "reporting_units" and tuple(k) in quiet)
            for k, scope in zip(keys, national["scope"], strict=True)]
    values = [c for c in national.columns if c not in ("scope", "units", *period)]
    mask = pl.Series("__hide", hide, dtype=pl.Boolean)
    return national.with_columns(mask).with_columns(
        *(pl.when(~pl.col("__hide")).then(pl.col(c)).alias(c) for c in values),
        pl.when(pl.col("__hide")).then(pl.lit(values, pl.List(pl.String)))
        .otherwise(pl.lit([], pl.List(pl.String))).alias("suppressed")).drop("__hide")


#: Linkage mode's two-source estimators in the JSON: each column's formula and source.
CAPTURE_RECAPTURE = {
    "chapman_n": "Chapman (1951) nearly unbiased Lincoln–Petersen estimator "
                 "(n1 + 1)(n2 + 1)/(m + 1) − 1, variance Seber (1970), log-transformed 95 % CI "
                 "(Chao 1987); assumes independent sources",
    "chao_lower_bound": capture.CHAO_TWO_SOURCES,
}


def to_json(result: CoverageResult, machine_rows: pl.DataFrame, sources: list[Source],
            spec: Spec, n: int | None) -> str:
    """What ``dq coverage --format json`` writes; counts the rows of inputs not yet counted."""
    from dq import privacy
    from dq.render import envelope

    for src in sources:
        if len(src.infos) == 1 and src.info.rows is None:
            src.info.rows = src.lf.select(pl.len()).collect(engine="streaming").item()
    inputs = [info for src in sources for info in src.infos]

    ll = result.loglinear
    return envelope.dumps(envelope.envelope(
        "coverage", inputs, spec, machine_rows, mode=result.mode, method=result.method,
        national=result.national, tilslutning=result.tilslutning,
        not_reporting=result.not_reporting, unmatched_registry_units=result.unmatched_registry,
        unmatched_reference_units=result.unmatched_reference,
        loglinear=None if ll is None else ll.as_json(),
        capture_recapture=CAPTURE_RECAPTURE if result.mode == "linkage" else None,
        target=result.options.target, fail_on=result.options.fail_on, warnings=result.warnings,
        suppression=privacy.rule(n) if n else None))


make_callable(__name__)  # dq.coverage(...) calls dq.api.coverage

