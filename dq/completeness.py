"""Variable completeness (variabelkompletthet) — the Kompletthet dimension.

For each variable, over the records where it is applicable (always, or where its condition holds),
every value falls in exactly one class (domain.md "Variable completeness"):

    n_missing   null, empty or whitespace-only
    n_unknown   a declared unknown code (-1, 9, "Ukjent", SPSS/Stata user-missing values)
    n_invalid   outside the allowed codes or range, or not a number/date where one is expected
    n_valid     = n_applicable − n_missing − n_unknown − n_invalid

    completeness            = n_valid / n_applicable            (rapwhale beregn_kompletthet_med_ukjent)
    completeness_nulls_only = (n_applicable − n_missing) / n_applicable   (beregn_kompletthet)

Record-level completeness is the share of records valid on every mandatory variable that applies
to them; without a spec no variable is declared mandatory, so it is not assessed. Only finished forms (``[dataset] finished``) count. Each class is a named Polars
expression, and all variables are counted in one ``group_by().agg`` pass over a LazyFrame.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import polars as pl

from dq._callable import make_callable
from dq import grading

from dq.conditions import (none_finished, unreadable_columns, unreadable_warnings,
                           with_conditions)
from dq.errors import ConfigError
from dq.messages import Message
from dq.grouping import Grouping, finish, output_keys
from dq.io import Source, SourceInfo
from dq.io.readers import is_blank
from dq.io.values import as_date, as_datetime, as_text, number
from dq.spec import Spec, Thresholds, Variable, condition_columns
from dq.stats import with_ci
from dq.units import Units, not_units, roll_up

if TYPE_CHECKING:
    from dq.io.plain import PlainCSV

COUNTS = ("n_applicable", "n_missing", "n_unknown", "n_invalid")
RECORD = "(all mandatory)"
EXTRA = "__extra."
# The ``extra`` count of finished records with an event date written (when grouped by year).
EVENT_DATED = "event.dated"
FIRST_YEAR, LAST_YEAR = "event.first_year", "event.last_year"
# The fewest variables worth counting from a plain CSV's bytes (dq.io.plain): below this the
# engine's buffers cost little and one pass does everything.
PLAIN_AT_LEAST = 200
# In ``extra`` aggregations: the row is a finished form (true when [dataset] finished is unset).
FINISHED = pl.col("__finished")


def missing_flag(name: str, dtype: pl.DataType, blanks: bool = True) -> pl.Expr:
    """Missing as read: null, or text that is whitespace only (``blanks``: the source may have
    such cells, ``Source.may_have_blanks``)."""
    col = pl.col(name)
    return col.is_null() | is_blank(col) if blanks and dtype == pl.String else col.is_null()


def present(name: str, dtype: pl.DataType, blanks: bool = True) -> pl.Expr:
    """The value is registered: not null and, for text as read, not whitespace only."""
    col = pl.col(name)
    return col.is_not_null() & ~is_blank(col).fill_null(False) if blanks and dtype == pl.String \
        else col.is_not_null()


@dataclass(frozen=True)
class CompletenessResult:
    """Per variable × group counts with completeness and CI; ``records``: record-level rows."""

    rows: pl.DataFrame
    records: pl.DataFrame
    keys: list[str]
    n_records: int  # rows read
    n_finished: int  # rows that count (finished forms)
    ci_method: str
    min_n: int  # rows with a smaller denominator are reported but not graded ("info")
    unmatched_units: list[str]
    warnings: list[str] = field(default_factory=list)
    # The ``extra`` aggregations asked for, per group as counted (unit as text, before roll-up;
    # a unit id merged into "(not a unit id)" may appear on several rows): sum them.
    extra: pl.DataFrame | None = None
    # ``compute(code_presence=True)``: per group as counted (before roll-up) and categorical
    # variable, which declared codes finished records hold (``mask``: bit k = ``codes[k]``) and
    # how many finished records hold a registered value that is no declared code (``other``).
    code_presence: dict[str, tuple[list[str], pl.DataFrame]] | None = None
    # the years of the finished records' event dates, "2019–2023" (None without an event date)
    period: str | None = None

    @property
    def failed(self) -> bool:
        return bool((self.rows["status"] == "fail").any() or (self.records["status"] == "fail").any())


def _bound(value: float | str | None, vtype: str) -> object:
    if value is None or vtype not in ("date", "datetime") or not isinstance(value, str):
        return value
    if value == "today":
        return date.today() if vtype == "date" else datetime.now()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ConfigError(Message("completeness.date_bound", value=value)) from None
    return parsed.date() if vtype == "date" else parsed


def _outside(value: pl.Expr, lo: object, hi: object) -> pl.Expr:
    out = pl.lit(False)
    if lo is not None:
        out = out | (value < pl.lit(lo))
    if hi is not None:
        out = out | (value > pl.lit(hi))
    return out


def classify(var: Variable, dtype: pl.DataType, *, extra_unknown: list[object] = (),  # type: ignore[assignment]
             unknown_ranges: list[tuple[float, float]] = (),  # type: ignore[assignment]
             date_format: str | None = None,
             missing: pl.Expr | None = None,
             code: tuple[pl.Expr, list[str]] | None = None) -> dict[str, pl.Expr | None]:
    """Row-wise boolean expressions: missing, unknown, invalid (None where a class cannot occur).

    ``missing``: the row's missing flag when the caller computed it (``compute`` does, once per
    variable, because text as read may be whitespace only — ``missing_flag``); default: null.
    ``code``: the value's index among ``declared(var, extra_unknown)`` (null: no declared code),
    when the caller computed it (``code_index``): the codes are then looked up once per row."""
    col = pl.col(var.name)
    if missing is None:
        missing = col.is_null()
    codes = [*var.unknown, *(str(c) for c in extra_unknown)]
    unknown: pl.Expr | None = None
    if codes and code is not None:
        unknown = _among(code[0], [code[1].index(c) for c in dict.fromkeys(codes)])
    elif codes:
        unknown = as_text(col, dtype).is_in(codes)
    if unknown_ranges:
        num = number(col, dtype)
        in_range = pl.any_horizontal(num.is_between(lo, hi) for lo, hi in unknown_ranges)
        unknown = in_range if unknown is None else unknown | in_range
    if unknown is not None:
        unknown = ~missing & unknown.fill_null(False)

    bad: pl.Expr | None = None
    if var.type == "categorical" and var.codes and code is not None:
        bad = ~_among(code[0], [code[1].index(c) for c in dict.fromkeys(var.codes)])
    elif var.type == "categorical" and var.codes:
        bad = ~as_text(col, dtype).is_in(list(var.codes))
    elif var.type in ("integer", "decimal"):
        num = number(col, dtype)
        bad = num.is_null() | _outside(num, var.min, var.max)
        if var.type == "integer":
            bad = bad | (num != num.round(0))
    elif var.type in ("date", "datetime"):
        parsed = (as_date(col, dtype, date_format) if var.type == "date"
                  else as_datetime(col, dtype, date_format))
        bad = parsed.is_null() | _outside(parsed, _bound(var.min, var.type), _bound(var.max, var.type))
    invalid = None
    if bad is not None:
        invalid = ~missing & bad.fill_null(True)
        if unknown is not None:
            invalid = invalid & ~unknown
    return {"missing": missing, "unknown": unknown, "invalid": invalid}


MAX_INDEXED_CODES = 64  # a presence mask is one UInt64 per group


def _among(index: pl.Expr, positions: list[int]) -> pl.Expr:
    """The code index is one of ``positions``: two comparisons when they run on without a gap
    (``declared`` puts the valid codes first, then the unknown ones), else a set look-up."""
    lo, hi = min(positions), max(positions)
    if sorted(positions) == list(range(lo, hi + 1)):
        return index.is_between(lo, hi)
    return index.is_in(positions)


def _bit(code: pl.Expr, n: int) -> pl.Expr:
    """2**code for a code index below ``n`` (a presence mask's bit): a few comparisons when the
    codes are few (the usual 2–8; half the time of a power per row), else the power."""
    if n > 8:
        return pl.lit(2, pl.UInt64).pow(code)
    bit: Any = pl.when(code == 0).then(pl.lit(1, pl.UInt64))
    for k in range(1, n - 1):
        bit = bit.when(code == k).then(pl.lit(1 << k, pl.UInt64))
    return bit.otherwise(pl.lit(1 << (n - 1), pl.UInt64)) if n > 1 else bit


def _other_is_invalid(var: Variable, info: SourceInfo) -> bool:
    """Whether a categorical variable's finished records holding a value that is no declared
    code are exactly its invalid ones: so when it has no condition (invalid counts every finished
    record) and no unknown range (which makes some undeclared values unknown)."""
    return not var.condition and not info.unknown_ranges.get(var.name)


def declared(var: Variable, extra_unknown: list[object] = ()) -> list[str]:  # type: ignore[assignment]
    """A categorical variable's declared codes, valid then unknown, each once."""
    return list(dict.fromkeys([*(str(c) for c in var.codes or []), *var.unknown,
                               *(str(c) for c in extra_unknown)]))


def code_index(name: str, dtype: pl.DataType, codes: list[str]) -> pl.Expr:
    """The value's position in ``codes`` (as text, as ``classify`` compares), null when it is
    none of them: one hash look-up per row for every class and the presence mask."""
    return as_text(pl.col(name), dtype).cast(pl.Enum(codes), strict=False).to_physical()


def _variables(spec: Spec, columns: list[str]) -> list[Variable]:
    if spec.variables:
        return list(spec.variables.values())
    return [Variable(name=c) for c in columns]


def _effective(var: Variable, fail_under: float | None) -> Thresholds:
    if fail_under is None:
        return var.thresholds
    warn = var.thresholds.warn_below
    return Thresholds(warn_below=max(warn, fail_under) if warn is not None else None,
                      fail_below=fail_under)


def compute(source: Source, spec: Spec, grouping: Grouping, *, units: Units | None = None,
            fail_under: float | None = None, min_n: int | None = None,
            ci_method: str = "wilson",
            extra: dict[str, pl.Expr] | None = None,
            code_presence: bool = False, unit_names: set[str] | None = None,
            _plain: bool = True) -> CompletenessResult:
    """Counts per variable × group in one streamed pass over ``source.raw``.

    ``extra``: more aggregations (name → expression) evaluated per group in the same pass, so
    that other checks need no scan of their own (``dq.dimensions.context``). They may use
    ``FINISHED``; text columns are as read (``present`` treats a whitespace-only cell as
    missing).

    ``code_presence``: also which declared codes each group's finished records hold, per
    categorical variable (``CompletenessResult.code_presence``), for the codes that appear or
    vanish between years (``dq.dimensions.sammenlignbarhet``).

    ``unit_names``: without a unit table, the unit values that may be printed besides plain
    ids (``dq.coverage.reference_names``); default SKDE's public hospital structure."""
    schema = source.raw.collect_schema()
    variables = _variables(spec, list(schema))
    info = source.info
    date_formats = source.date_formats
    event = spec.dataset.event_date
    if "year" in grouping.exprs and event and event in schema:
        # finished records with an event date written: those in the group without a year are
        # the dates that cannot be read (_event_dates_unread). The grouping's columns are read
        # with whitespace-only cells as null (blanks_as_null below): no second strip per row.
        extra = {**(extra or {}), EVENT_DATED: (FINISHED & pl.col(event).is_not_null()).sum()}
    elif event and event in schema:
        # the period the proportions cover: the first and last year of the events
        from dq.io.values import year as year_of

        fmt = spec.dataset.date_format or date_formats.get(event)
        years = pl.when(FINISHED).then(year_of(as_date(pl.col(event), schema[event], fmt)))
        extra = {**(extra or {}), FIRST_YEAR: years.min(), LAST_YEAR: years.max()}

    conditions = {f"__cond{i}": (v.condition, f"[variables.{v.name}] mandatory")
                  for i, v in enumerate(variables) if v.condition}
    if spec.dataset.finished:
        conditions["__finished"] = (spec.dataset.finished, "[dataset] finished")
    # Whitespace-only cells are null in the columns conditions and groups read; every other
    # variable counts them as missing in ``classify`` (no rewrite of each cell: wide files).
    nulled = ({c for cond, _ in conditions.values() for c in condition_columns(cond)}
              | {c for e in grouping.exprs.values() for c in e.meta.root_names()})
    lf = source.blanks_as_null(nulled)
    lf = with_conditions(lf, spec, source, conditions)
    finished = pl.col("__finished") if spec.dataset.finished else None
    if extra and finished is None:
        lf = lf.with_columns(pl.lit(True).alias("__finished"))
    # One missing flag per variable, computed once per row and read by every class (a
    # whitespace-only cell is missing; the source is not rewritten: wide files).
    text = ({i for i, v in enumerate(variables) if schema[v.name] == pl.String}
            if source.may_have_blanks else set())
    # Computed once per row as a column: evaluated inside each aggregation instead, Polars
    # strips the text again for every class that reads it (10M rows × 12 variables: 4× slower).
    lf = lf.with_columns((pl.col(variables[i].name).is_null() if variables[i].name in nulled
                          else missing_flag(variables[i].name, pl.String())).alias(f"__missing{i}")
                         for i in sorted(text))
    # Categorical variables: the declared code each value is, looked up once per row.
    indexed: dict[int, list[str]] = {}
    for i, v in enumerate(variables):
        if v.type == "categorical" and v.codes:
            codes = declared(v, info.unknown_codes.get(v.name, []))
            if len(codes) <= MAX_INDEXED_CODES and not any(c != c.strip() or not c for c in codes):
                indexed[i] = codes
    lf = lf.with_columns(code_index(variables[i].name, schema[variables[i].name], codes)
                         .alias(f"__code{i}") for i, codes in indexed.items())
    # Variables whose only class is "missing" in a plain CSV: their empty cells are counted from
    # the file's bytes (dq.io.plain), not by the engine (wide exports: issue 9).
    used = ({c for cond, _ in conditions.values() for c in condition_columns(cond)}
            | {c for e in grouping.exprs.values() for c in e.meta.root_names()}
            | {c for e in (extra or {}).values() for c in e.meta.root_names()})
    plain: dict[int, int] = {}  # variable → its field in the file
    if (_plain and len(source.infos) == 1 and info.plain is not None
            and not source.may_have_blanks):
        header = info.plain.width
        position = {n: j for j, n in enumerate(info.columns)} if len(info.columns) == header \
            else {}
        for i, var in enumerate(variables):
            if (var.name in position and var.name not in used and not var.condition
                    and i not in indexed and schema[var.name] == pl.String
                    and not (var.mandatory != "never" and spec.variables)):
                cls = classify(var, schema[var.name],
                               extra_unknown=info.unknown_codes.get(var.name, []),
                               unknown_ranges=info.unknown_ranges.get(var.name, []))
                if cls["unknown"] is None and cls["invalid"] is None:
                    plain[i] = position[var.name]
        if len(plain) < PLAIN_AT_LEAST:
            plain = {}
    aggs: list[pl.Expr] = [pl.len().alias("__rows")]
    unreadable = unreadable_columns(lf)
    aggs += [pl.col(c).sum() for c in unreadable]
    aggs.append(finished.sum().alias("__finished") if finished is not None
                else pl.len().alias("__finished"))
    complete_terms: list[pl.Expr] = []
    for i, var in enumerate(variables):
        if i in plain:
            continue
        applicable = pl.col(f"__cond{i}") if var.condition else None
        if finished is not None:
            applicable = finished if applicable is None else finished & applicable
        cls = classify(var, schema[var.name], extra_unknown=info.unknown_codes.get(var.name, []),
                       unknown_ranges=info.unknown_ranges.get(var.name, []),
                       date_format=date_formats.get(var.name) or (
                           spec.dataset.date_format if var.type == "date" else None),
                       missing=pl.col(f"__missing{i}") if i in text else None,
                       code=(pl.col(f"__code{i}"), indexed[i]) if i in indexed else None)

        aggs.append(applicable.sum().alias(f"{i}|n_applicable") if applicable is not None
                    else pl.len().alias(f"{i}|n_applicable"))
        for kind in ("missing", "unknown", "invalid"):
            expr = cls[kind]
            if expr is not None:  # a class that cannot occur is filled with 0 afterwards
                hit = expr if applicable is None else expr & applicable
                aggs.append(hit.sum().alias(f"{i}|n_{kind}"))
        if var.mandatory != "never" and spec.variables:
            not_valid = pl.any_horizontal(e for e in cls.values() if e is not None)
            cond = pl.col(f"__cond{i}") if var.condition else None
            complete_terms.append(not_valid if cond is None else cond & not_valid)
    if complete_terms:
        incomplete = pl.any_horizontal(complete_terms)
        complete = ~incomplete if finished is None else finished & ~incomplete
        aggs.append(complete.sum().alias("__complete"))
    else:
        aggs.append(pl.lit(0).alias("__complete"))

    aggs += [e.alias(f"{EXTRA}{k}") for k, e in (extra or {}).items()]
    presence = indexed if code_presence else {}
    for i in presence:
        code = pl.col(f"__code{i}")
        held = code.is_not_null() if finished is None else finished & code.is_not_null()
        aggs.append(pl.when(held).then(_bit(code, len(presence[i]))).bitwise_or()
                    .alias(f"__mask{i}"))
        if _other_is_invalid(variables[i], info):
            continue  # a registered value that is no declared code is what n_invalid counts
        registered = ~(pl.col(f"__missing{i}") if i in text else pl.col(variables[i].name)
                       .is_null())
        other = registered & code.is_null()
        aggs.append((other if finished is None else finished & other).sum().alias(f"__other{i}"))
    cols = grouping.group_cols
    keyed = lf.with_columns(**grouping.exprs) if grouping.exprs else lf
    query = keyed.group_by(cols).agg(aggs) if cols else keyed.select(aggs)
    counted = query.collect(engine="streaming")
    if plain and info.plain is not None:
        with_plain = _with_plain_counts(counted, keyed, cols, finished, info.plain, plain)
        if with_plain is None:  # not as plain as it looked: the engine counts every variable
            return compute(source, spec, grouping, units=units, fail_under=fail_under,
                           min_n=min_n, ci_method=ci_method, extra=extra,
                           code_presence=code_presence, unit_names=unit_names, _plain=False)
        counted = with_plain
    known = units.known() if units is not None else unit_names
    hidden_units = not_units(counted, spec.dataset.unit or "unit", known,
                             table=units is not None) \
        if "unit" in counted.columns else None
    wide = finish(counted, known)
    extra_frame = (wide.select(*cols, *(pl.col(f"{EXTRA}{k}").alias(k) for k in extra))
                   if extra else None)
    held_codes = {variables[i].name: (codes, wide.select(
        *cols, pl.col(f"__mask{i}").fill_null(0).alias("mask"),
        pl.col(f"{i}|n_invalid" if _other_is_invalid(variables[i], info) else f"__other{i}")
        .alias("other"))) for i, codes in presence.items()} \
        if code_presence else None
    wide = wide.drop([c for c in wide.columns if c.startswith(("__mask", "__other"))])
    if grouping.lowest_level and "unit" in cols:
        # Units merged into "(not a unit id)" are summed into one group.
        sums = [c for c, t in wide.schema.items() if c not in cols and t.is_numeric()]
        wide = wide.group_by(cols, maintain_order=True).agg(pl.col(sums).sum())
    n_rows = int(wide["__rows"].sum())
    n_finished = int(wide["__finished"].sum())
    warnings = unreadable_warnings({c: int(wide[c].sum()) for c in unreadable}, spec, source)
    if (none := none_finished(spec, n_rows, n_finished)) is not None:
        warnings.append(none)
    if hidden_units is not None:
        warnings.append(hidden_units)
    if len(source.infos) == 1 and source.info.rows is None:
        source.info.rows = n_rows

    # Long form: one row per group × variable, with zero for classes that cannot occur. One
    # unpivot and one pivot over all variables: time linear in the number of columns.
    count_cols = [c for c in wide.columns if c not in cols and c.split("|", 1)[0].isdigit()]
    long = (wide.select(*cols, *count_cols)
            .unpivot(index=cols, on=count_cols, variable_name="__key", value_name="__v")
            .with_columns(pl.col("__key").str.split_exact("|", 1)
                          .struct.rename_fields(["__i", "__count"]))
            .unnest("__key")
            .pivot(on="__count", index=[*cols, "__i"], values="__v"))
    long = long.select(
        *cols,
        pl.col("__i").cast(pl.Int64).replace_strict(
            dict(enumerate(v.name for v in variables)), return_dtype=pl.String).alias("variable"),
        *(pl.col(c).fill_null(0).cast(pl.Int64).alias(c) if c in long.columns
          else pl.lit(0, pl.Int64).alias(c) for c in COUNTS),
    )
    records = wide.select(*cols, pl.col("__finished").cast(pl.Int64).alias("n_records"),
                          pl.col("__complete").cast(pl.Int64).alias("n_complete"))

    unmatched: list[str] = []
    if grouping.lowest_level:
        long = roll_up(long, ["variable", *grouping.keys], list(COUNTS), units,
                       grouping.lowest_level)
        records = roll_up(records, grouping.keys, ["n_records", "n_complete"], units,
                          grouping.lowest_level)
        if units is not None:
            known = set(units.table["unit"])
            unmatched = sorted({u for u in wide["unit"] if u not in known})
    keys = output_keys(grouping, units is not None)
    order = {v.name: i for i, v in enumerate(variables)}

    long = long.with_columns(
        n_valid=pl.col("n_applicable") - pl.col("n_missing") - pl.col("n_unknown") - pl.col("n_invalid"),
        n_registered=pl.col("n_applicable") - pl.col("n_missing"),
    )
    long = with_ci(long, "n_valid", "n_applicable", estimate="completeness", method=ci_method)
    long = with_ci(long, "n_registered", "n_applicable", estimate="completeness_nulls_only",
                   low="nulls_only_ci_low", high="nulls_only_ci_high", method=ci_method)
    thresholds = {v.name: _effective(v, fail_under) for v in variables}
    by_var = pl.col("variable")
    long = long.with_columns(
        by_var.replace_strict({v.name: v.label for v in variables}, return_dtype=pl.String).alias("label"),
        by_var.replace_strict({v.name: v.mandatory for v in variables},
                              return_dtype=pl.String).alias("mandatory"),
        by_var.replace_strict({k: t.warn_below for k, t in thresholds.items()},
                              return_dtype=pl.Float64).alias("warn_below"),
        by_var.replace_strict({k: t.fail_below for k, t in thresholds.items()},
                              return_dtype=pl.Float64).alias("fail_below"),
    )
    min_n = spec.min_n if min_n is None else min_n
    small = pl.col("n_applicable") < min_n
    long = long.with_columns(
        status_expr("completeness", optional=(pl.col("mandatory") == "never") | small))
    level_rank = pl.col("level").replace_strict({"unit": 0, "hf": 1, "rhf": 2, "national": 3},
                                                return_dtype=pl.Int8) if "level" in keys else None
    sort_cols = [pl.col("variable").replace_strict(order, return_dtype=pl.Int32)]
    if level_rank is not None:
        sort_cols.append(level_rank)
    sort_cols += [pl.col(k) for k in keys if k != "level"]
    long = long.sort(sort_cols, nulls_last=True).select(
        "variable", "label", *keys, "n_applicable", "n_valid", "n_missing", "n_unknown",
        "n_invalid", "completeness", "ci_low", "ci_high", "completeness_nulls_only",
        "nulls_only_ci_low", "nulls_only_ci_high", "mandatory", "warn_below", "fail_below", "status")

    record_t = _record_thresholds(spec, fail_under)
    records = with_ci(records, "n_complete", "n_records", estimate="completeness", method=ci_method)
    records = records.with_columns(warn_below=pl.lit(record_t.warn_below, pl.Float64),
                                   fail_below=pl.lit(record_t.fail_below, pl.Float64))
    records = records.with_columns(
        status_expr("completeness", optional=pl.col("n_records") < min_n)
        if complete_terms else pl.lit("not_assessed").alias("status"))
    rsort = ([level_rank] if level_rank is not None else []) + [pl.col(k) for k in keys if k != "level"]
    if rsort:
        records = records.sort(rsort, nulls_last=True)
    records = records.select(*keys, "n_records", "n_complete", "completeness", "ci_low", "ci_high",
                             "warn_below", "fail_below", "status")
    warnings += _event_dates_unread(spec, source, extra_frame)
    period = _period(extra_frame)
    return CompletenessResult(rows=long, records=records, keys=keys, n_records=n_rows,
                              n_finished=n_finished, ci_method=ci_method, min_n=min_n,
                              unmatched_units=unmatched, warnings=warnings, extra=extra_frame,
                              code_presence=held_codes, period=period)


def _event_dates_unread(spec: Spec, source: Source, extra: pl.DataFrame | None) -> list[str]:
    """Finished records whose event date is written but gives no date: none read at all is a
    date format that does not fit the export (an error: every yearly figure would be empty);
    some is a warning, as they have no year."""
    if extra is None or EVENT_DATED not in extra.columns or "year" not in extra.columns:
        return []
    dated = int(extra[EVENT_DATED].sum())
    unread = int(extra.filter(pl.col("year").is_null())[EVENT_DATED].sum())
    if not unread:
        return []
    ds = spec.dataset
    detected = source.date_formats.get(ds.event_date or "")
    if unread == dated:
        hint = (Message("completeness.event_format_detected", detected=detected)
                if detected and detected != ds.date_format else "")
        raise ConfigError(Message(
            "completeness.event_dates_none", file=spec.path.name if spec.path else "dq.toml",
            column=ds.event_date, n=dated, fmt=ds.date_format or "—", hint=hint))
    return [Message("completeness.event_dates_some", column=ds.event_date, n=unread)]


def _period(extra: pl.DataFrame | None) -> str | None:
    """"2019–2023": the years of the finished records, from the year groups or the first and
    last event year counted beside the counts."""
    if extra is None:
        return None
    if EVENT_DATED in extra.columns and "year" in extra.columns:
        years = extra.filter(pl.col("year").is_not_null(), pl.col(EVENT_DATED) > 0)["year"]
        first, last = (years.min(), years.max()) if len(years) else (None, None)
    elif FIRST_YEAR in extra.columns:
        first, last = extra[FIRST_YEAR].min(), extra[LAST_YEAR].max()
    else:
        return None
    if first is None or last is None:
        return None
    first, last = int(first), int(last)  # type: ignore[arg-type]
    return str(first) if first == last else f"{first}–{last}"


def _with_plain_counts(counted: pl.DataFrame, keyed: pl.LazyFrame, cols: list[str],
                       finished: pl.Expr | None, plain_csv: PlainCSV,
                       plain: dict[int, int]) -> pl.DataFrame | None:
    """``counted`` with ``{i}|n_applicable`` and ``{i}|n_missing`` of the plain variables, from
    the file's bytes; None when the file turns out not to be plain (or its rows are not the
    rows the engine read)."""
    import numpy as np

    from dq.io.plain import empty_counts

    fields = list(plain.values())
    if not cols and finished is None:
        found = empty_counts(plain_csv, fields, None)
        if found is None or found[1] != int(counted["__rows"][0]):
            return None
        missing = pl.DataFrame({f"{i}|n_missing": found[0][0, j:j + 1]
                                for j, i in enumerate(plain)})
        return pl.concat([counted, missing], how="horizontal").with_columns(
            pl.col("__finished").alias(f"{i}|n_applicable") for i in plain)
    ok = finished if finished is not None else pl.lit(True)
    rows = keyed.select(*cols, ok.fill_null(False).alias("__ok")).collect()
    group = (rows.select(pl.struct(cols).rank("dense").cast(pl.Int64) - 1).to_series()
             if cols else pl.zeros(rows.height, pl.Int64, eager=True))
    n_groups = int(group.max() or 0) + 1 if len(group) else 1  # type: ignore[arg-type]
    ids = np.where(rows["__ok"].to_numpy(), group.to_numpy(), -1)
    found = empty_counts(plain_csv, fields, ids, n_groups)
    if found is None:
        return None
    counts = found[0]
    keys = (rows.select(cols).with_columns(__g=group).unique("__g")
            if cols else pl.DataFrame({"__g": [0]}))
    missing = pl.DataFrame({"__g": np.arange(n_groups),
                            **{f"{i}|n_missing": counts[:, j] for j, i in enumerate(plain)}})
    missing = keys.join(missing, on="__g").drop("__g")
    joined = (counted.join(missing, on=cols, how="left", nulls_equal=True) if cols
              else pl.concat([counted, missing], how="horizontal"))
    return joined.with_columns(
        *(pl.col(f"{i}|n_missing").fill_null(0) for i in plain),
        *(pl.col("__finished").alias(f"{i}|n_applicable") for i in plain))


def status_expr(estimate: str, optional: pl.Expr) -> pl.Expr:
    """pass / warn / fail against the row's warn_below and fail_below (dq.grading); info for
    rows not graded (optional variables, denominators below min_n)."""
    return grading.status_expr(pl.col(estimate), pl.col("warn_below"), pl.col("fail_below"),
                               True, optional).alias("status")


def _record_thresholds(spec: Spec, fail_under: float | None) -> Thresholds:
    """Record-level completeness is graded only when the spec asks for it."""
    t = spec.record_thresholds
    if fail_under is not None and t.fail_below is not None:
        return Thresholds(t.warn_below, fail_under)
    return t


ROW_COUNTS = ["n_applicable", "n_valid", "n_missing", "n_unknown", "n_invalid"]
RECORD_COUNTS = ["n_records", "n_complete"]


@dataclass(frozen=True)
class Published:
    """A completeness result under small-cell suppression: ``result`` with ``<count>__hidden``
    and ``<count>__small`` flags for the human formats, the machine rows (JSON, CSV) with hidden
    counts and the figures made from them null and a ``suppressed`` list."""

    result: CompletenessResult
    rows: pl.DataFrame
    records: pl.DataFrame
    n: int | None


def published(result: CompletenessResult, n: int | None, has_units: bool) -> Published:
    """Small-cell suppression, once, before any renderer (``dq.privacy``): per variable (and
    year or other group), unit rows are siblings whose totals are the HF, RHF and national
    rows; a row with a hidden count hides all its counts."""
    from dq import privacy

    if not n:
        return Published(result, result.rows, result.records, None)
    other = [k for k in result.keys if k not in ("level", "unit", "unit_name", "hf", "rhf")]
    rows = privacy.suppress(result.rows, ROW_COUNTS, n, period=["variable", *other],
                            has_units=has_units)
    records = privacy.suppress(result.records, RECORD_COUNTS, n,
                               period=[k for k in other if k in result.records.columns],
                               has_units=has_units)
    machine = privacy.apply_to_json(
        rows, ROW_COUNTS, privacy.derived_columns(rows, ROW_COUNTS, [*result.keys, "variable"],
                                                  visible=("status", "mandatory", "warn_below",
                                                           "fail_below", "label")))
    machine_records = privacy.apply_to_json(
        records, RECORD_COUNTS, privacy.derived_columns(records, RECORD_COUNTS, result.keys,
                                                        visible=("status", "warn_below",
                                                                 "fail_below")))
    return Published(replace(result, rows=rows, records=records), machine, machine_records, n)


def to_json(result: CompletenessResult, infos: list, spec: Spec,  # noqa: ANN001
            shown: Published | None = None) -> str:
    """What ``dq completeness --format json`` writes (the CLI and ``dq.completeness`` call
    this); ``shown``: the result under small-cell suppression."""
    from dq import privacy
    from dq.render import envelope

    rows, records = (result.rows, result.records) if shown is None else (shown.rows,
                                                                         shown.records)
    suppression = privacy.rule(shown.n) if shown is not None and shown.n else None
    return envelope.dumps(envelope.envelope(
        "completeness", infos, spec, rows, records=records,
        ci_method=result.ci_method, n_records=result.n_records, n_finished=result.n_finished,
        period=result.period,
        min_n=result.min_n, unmatched_units=result.unmatched_units, warnings=result.warnings,
        **({"suppression": suppression} if suppression else {})))


make_callable(__name__)  # dq.completeness(...) calls dq.api.completeness
