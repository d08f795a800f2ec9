"""What the six dimensions share: the export, the spec, the report year, and the counts that
several dimensions read (completeness per unit and year, the coverage result, finished records).

``report.run`` builds one ``Context``; each dimension module's ``assess(context)`` returns an
``Assessment``. Everything a dimension needs that another also needs is computed once here (the
coverage result on first use), so a dimension never scans the export for a figure another
dimension already has.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import Any

import polars as pl

from dq import completeness as comp
from dq.checks.model import Check
from dq.conditions import with_conditions
from dq.errors import ConfigError
from dq.grouping import Grouping, resolve
from dq.io import Source
from dq.io.values import as_date, year as year_of
from dq.messages import Message
from dq.spec import Spec, Variable

COUNTS = ["n_applicable", "n_valid", "n_missing", "n_unknown", "n_invalid"]


@dataclass
class Assessment:
    """One dimension's checks, the figures drawn from them, and warnings for the reader."""

    checks: list[Check] = field(default_factory=list)
    figures: dict[str, pl.DataFrame] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # Per funnel figure (same key): its control limits over a grid of denominators.
    limits: dict[str, pl.DataFrame] = field(default_factory=dict)


@dataclass
class Coverage:
    """The coverage result cut to the report year (``dq.coverage.compute``)."""

    result: Any  # dq.coverage.CoverageResult
    rows: pl.DataFrame
    national: pl.DataFrame
    tilslutning: pl.DataFrame
    target: float
    low: float
    warnings: list[str]

    @property
    def numerator(self) -> str:
        return "n_registry"

    @property
    def denominator(self) -> str:
        return "n_union" if self.result.mode == "linkage" else "n_reference"


@dataclass
class Context:
    spec: Spec
    source: Source
    units: Any  # dq.units.Units | None
    references: list[Source] | None
    reference_counts: pl.DataFrame | None  # the aggregate references, read once (or None)
    study: Any  # dq.reliability.ReliabilityResult | None
    validation: Any  # the validation study's long table, or None
    export_date: date | None
    present: dict[str, Variable]  # declared variables that are columns of the export
    spec_present: Spec  # the spec with only those variables
    names: dict[str, str]  # unit id → unit name
    completeness: comp.CompletenessResult  # per variable × unit × year, and records
    years: list[int]  # years with a finished record
    report_year: int | None
    schema: pl.Schema

    # ---------------------------------------------------------------- the report year
    @property
    def period(self) -> str | None:
        return str(self.report_year) if self.report_year is not None else span(self.years)

    @property
    def every_year(self) -> str | None:
        return span(self.years)

    @property
    def previous(self) -> int | None:
        y = self.report_year
        return y - 1 if y is not None and y - 1 in self.years else None

    @property
    def in_year(self) -> pl.Expr:
        y = self.report_year
        return (pl.col("year") == y) if y is not None else pl.lit(True)

    @property
    def by_year(self) -> bool:
        return "year" in self.completeness.rows.columns

    @property
    def unit_level(self) -> bool:
        return "level" in self.completeness.rows.columns

    # ---------------------------------------------------------------- completeness counts
    @cached_property
    def rows(self) -> pl.DataFrame:
        """Completeness per variable × unit (× level) in the report year."""
        rows = self.completeness.rows
        return rows.filter(self.in_year) if self.by_year else rows

    @cached_property
    def nat_all(self) -> pl.DataFrame:
        rows = self.completeness.rows
        return rows.filter(pl.col("level") == "national") if self.unit_level else rows

    @cached_property
    def nat_rows(self) -> pl.DataFrame:
        return self.rows.filter(pl.col("level") == "national") if self.unit_level else self.rows

    @cached_property
    def per_unit(self) -> pl.DataFrame | None:
        """Counts per variable × unit in the report year (None without units)."""
        if not (self.unit_level and "unit" in self.rows.columns):
            return None
        return (self.rows.filter(pl.col("level") == "unit")
                .group_by("variable", "unit", maintain_order=True)
                .agg(pl.col(COUNTS).sum(), pl.col("mandatory").first()))

    @cached_property
    def national_records(self) -> pl.DataFrame:
        rec = self.completeness.records
        return rec.filter(pl.col("level") == "national") if "level" in rec.columns else rec

    # ---------------------------------------------------------------- finished records
    @cached_property
    def finished(self) -> pl.LazyFrame:
        """The export's finished forms (every year)."""
        ds, source = self.spec.dataset, self.source
        lf = source.lf
        if ds.finished:
            lf = with_conditions(lf, self.spec, source,
                                 {"__finished": (ds.finished, "[dataset] finished")})
            lf = lf.filter(pl.col("__finished")).drop("__finished")
        return lf

    @cached_property
    def event(self) -> pl.Expr | None:
        """The event date as a date (None without ``[dataset] event_date``)."""
        ds = self.spec.dataset
        if not ds.event_date:
            return None
        fmt = ds.date_format or self.source.date_formats.get(ds.event_date)
        return as_date(pl.col(ds.event_date), self.schema[ds.event_date], fmt)

    @cached_property
    def finished_year(self) -> pl.LazyFrame:
        """Finished forms of the report year."""
        if self.event is None or self.report_year is None:
            return self.finished
        return self.finished.filter(year_of(self.event) == self.report_year)

    # ---------------------------------------------------------------- shared counts
    def counted(self, prefix: str) -> pl.DataFrame | None:
        """The completeness pass's ``extra`` counts named ``prefix.*`` (prefix dropped), per
        unit and year as counted; None when that pass did not count them."""
        extra = self.completeness.extra
        if extra is None:
            return None
        names = [c for c in extra.columns if c.startswith(prefix + ".")]
        if not names:
            return None
        keys = [c for c in ("unit", "year") if c in extra.columns]
        return extra.select(*keys, *(pl.col(c).alias(c.removeprefix(prefix + "."))
                                     for c in names))

    def _registry_counts(self) -> pl.DataFrame | None:
        counts = self.counted("cov")
        if counts is None:
            return None
        counts = counts.with_columns(
            no_date=pl.col("n") - pl.col("dated"),
            bad_date=pl.when(pl.col("year").is_null()).then(pl.col("dated")).otherwise(0))
        return (counts.group_by("unit", "year")
                .agg(pl.col("n", "no_date", "bad_date").sum().cast(pl.UInt32))
                .with_columns(pl.col("year").cast(pl.Int32)))

    # ---------------------------------------------------------------- coverage
    @cached_property
    def coverage(self) -> Coverage | None:
        """Dekningsgrad against the spec's references, cut to the report year (None without
        references). Kompletthet grades it; Sammenlignbarhet draws its funnel."""
        if not self.references:
            return None
        from dq import coverage as cov

        year = self.report_year
        reg_cols, ref_cols, opts = cov.setup(
            self.spec, keys=("unit", "year") if year is not None else ("unit",))
        res = cov.compute(self.source, self.references, self.spec_present, self.units,
                          reg_cols, ref_cols, opts, registry_counts=self._registry_counts(),
                          ref_counts=self.reference_counts)
        warnings = list(res.warnings)
        rows, national, til = res.rows, res.national, res.tilslutning
        if year is not None:
            if year not in rows["year"].drop_nulls().unique().to_list():
                warnings.append(Message("coverage.no_report_year", year=year))
            rows, national, til = (f.filter(self.in_year) for f in (rows, national, til))
        return Coverage(result=res, rows=rows, national=national, tilslutning=til,
                        target=opts.target, low=opts.low, warnings=warnings)


def _reference_counts(spec: Spec, references: list[Source] | None) -> pl.DataFrame | None:
    """The aggregate references' counts, read once: without a unit table the units they name
    may be printed when the registry names them too (``dq.coverage.reference_names``), and
    coverage compares with them."""
    if not references:
        return None
    from dq import coverage as cov

    _, ref_cols, opts = cov.setup(spec)
    return cov.reference_counts(references, ref_cols) if opts.mode == "aggregate" else None


def build(spec: Spec, source: Source, units: Any, *, references: list[Source] | None,
          study: Any, validation: Any, year: int | str | None) -> Context:
    """Count completeness once per unit and year, and settle the report year."""
    export_date = _export_date(spec)
    present = {k: v for k, v in spec.variables.items() if k in source.columns}
    spec_present = replace(spec, variables=present) if spec.variables else spec
    ds = spec.dataset
    keys = [k for k, ok in (("unit", ds.unit), ("year", ds.event_date)) if ok]
    grouping = resolve(keys, spec_present, source, has_units=units is not None)
    extra = _shared_counts(spec, source, grouping, references)
    ref_counts = _reference_counts(spec, references)
    unit_names = None
    if units is None and ref_counts is not None:
        from dq.coverage import reference_names

        unit_names = reference_names(ref_counts)
    result = comp.compute(source, spec_present, grouping, units=units, extra=extra,
                          code_presence="year" in grouping.exprs, unit_names=unit_names)
    years = _years(result.records) if "year" in result.rows.columns else []
    if export_date is not None:  # a date after the export is an error, not a report year
        years = [y for y in years if y <= export_date.year]
    report_year = _report_year(year if year is not None else spec.report_year, years)
    for info in source.infos:
        if info.rows is None:
            info.rows = result.n_records
    return Context(spec=spec, source=source, units=units, references=references,
                   reference_counts=ref_counts, study=study,
                   validation=validation, export_date=export_date, present=present,
                   spec_present=spec_present,
                   names=units.names() if units is not None else {}, completeness=result,
                   years=years, report_year=report_year, schema=source.lf.collect_schema())


def _shared_counts(spec: Spec, source: Source, grouping: Grouping,
                   references: list[Source] | None) -> dict[str, pl.Expr]:
    """Counts other dimensions need, taken in the completeness pass instead of a scan each:
    finished forms with a person and a unit id (Sammenlignbarhet), and the registry's events
    per unit and year with no or no readable date (dekningsgrad, when it counts the same
    events: ``coverage.counted_with_completeness``)."""
    ds = spec.dataset
    schema = source.raw.collect_schema()
    extra: dict[str, pl.Expr] = {}
    blanks = source.may_have_blanks
    for role, column in (("person", ds.person_id), ("unit", ds.unit)):
        if column and column in schema:
            extra[f"id.has_{role}"] = (comp.FINISHED
                                       & comp.present(column, schema[column], blanks)).sum()
    if references and "unit" in grouping.exprs and "year" in grouping.exprs:
        from dq import coverage as cov

        reg_cols, _, opts = cov.setup(spec, keys=("unit", "year"))
        if cov.counted_with_completeness(spec, reg_cols, opts):
            # a registered date that gives no year is in the group whose year is null: the
            # dated records there are the unreadable dates (no second look at the year per row)
            has_date = comp.present(reg_cols.date, schema[reg_cols.date], blanks)
            extra["cov.n"] = comp.FINISHED.sum()
            extra["cov.dated"] = (comp.FINISHED & has_date).sum()
    return extra


def _export_date(spec: Spec) -> date | None:
    if not spec.dataset.export_date:
        return None
    try:
        return date.fromisoformat(spec.dataset.export_date)
    except ValueError:
        raise ConfigError(Message("context.export_date", file=str(spec.path),
                                  value=spec.dataset.export_date)) from None


def _years(records: pl.DataFrame) -> list[int]:
    """Years with at least one finished record, from the national record-level counts."""
    nat = records.filter(pl.col("level") == "national") if "level" in records.columns else records
    found = nat.filter(pl.col("year").is_not_null()).group_by("year").agg(pl.col("n_records").sum())
    return sorted(int(y) for y in found.filter(pl.col("n_records") > 0)["year"].to_list())


def _report_year(asked: int | str | None, years: list[int]) -> int | None:
    """The report year: asked for, else the latest year with a finished record. None: pooled
    (``all``, or an export without event dates)."""
    if not years or asked == "all":
        return None
    if asked is None:
        return years[-1]
    if isinstance(asked, str):
        if not asked.isdigit():
            raise ConfigError(Message("context.year_text", value=asked))
        asked = int(asked)
    if asked not in years:
        raise ConfigError(Message("context.year_absent", value=asked, years=span(years)))
    return asked


def span(years: list[int]) -> str | None:
    if not years:
        return None
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


def in_period(period: str | None, checks: list[Check]) -> list[Check]:
    return [replace(c, period=period) for c in checks]


def trends(nat: pl.DataFrame, key: str, x: str, n: str) -> dict[str, tuple]:
    """Per key, the national (year, numerator, denominator) of every year, in year order."""
    per = (nat.filter(pl.col("year").is_not_null()).group_by(key, "year")
           .agg(pl.col(x).sum(), pl.col(n).sum()).sort(key, "year"))
    out: dict[str, list] = {}
    for row in per.iter_rows(named=True):
        out.setdefault(row[key], []).append((int(row["year"]), float(row[x]), float(row[n])))
    return {k: tuple(v) for k, v in out.items()}


def national_trend(nat: pl.DataFrame, x: str, n: str) -> tuple:
    """The national (year, numerator, denominator) of every year for one figure."""
    return trends(nat.with_columns(pl.lit("all").alias("__k")), "__k", x, n).get("all", ())


def named(fr: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    return fr.with_columns(pl.col("unit").cast(pl.String).replace(names).alias("unit_name"))
