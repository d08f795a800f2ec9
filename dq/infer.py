"""Infer a registry spec from an export: what ``dq init`` writes into a first ``dq.toml``.

The export is read once (:func:`measure`): one streaming Polars query profiles every column
(missing, distinct values, numbers, dates in each format registries write, fødselsnummer by the
check-digit rule of :mod:`dq.fnr`, text shape) and, in the same pass, counts the relations (each
variable's missingness, its filling under each value of a condition candidate, date orders) under
every form-status filter that can turn out to mean "finished". What to count is planned from the
schema, the codebook and the export's first rows (:class:`Plan`); the decisions are taken after
the pass from its counts. Everything the profile holds stays in memory: what leaves this module
is an :class:`Inference` of decisions, each with its evidence as a catalogue key and counts.

Privacy (domain.md "Privacy"): a value of the data enters the inference only as a *code* — a
value that occurs in at least :data:`MIN_CODE_COUNT` records **and** has the shape of a code
(:func:`plausible_code`: a short number, a known registry answer word such as "Ja" or "Ukjent", an
ICD-10/NCSP code) — or as a statistic (min/max of a numeric measure, a share, a count). Every
other value (names, national ID numbers, free text, rare values) is counted, never kept.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from dq import fnr
from dq.io import Source
from dq.io.readers import DATE_FORMATS, DATETIME_FORMATS, sample_rows
from dq.io.values import as_date, as_text, number
from dq.spec import Variable, code_text

#: A value is written into the spec as a code only when this many records hold it (the small-cell
#: rule of domain.md): rarer values are counted.
MIN_CODE_COUNT = 5
#: At most this many distinct values make a column categorical.
MAX_CODES = 20
TOP_VALUES = MAX_CODES + 1
#: Share of the registered values that must fit a type (number, date) for the column to get it.
TYPE_SHARE = 0.95
#: Share of values that are valid fødselsnummer for a national-ID column.
FNR_SHARE = 0.90
#: Missing in at least this share of the (finished) records: not mandatory, unless a condition.
OPTIONAL_SHARE = 0.10
#: Bounds on the pairs (variable, condition column) looked at, for wide exports.
MAX_OPTIONAL = 200
MAX_CONDITIONS = 30
#: A date order that holds in this share of the records is suggested (the rest are the errors
#: the check is for).
DATE_ORDER_SHARE = 0.90

# "Unknown" codes registries use (domain.md "Variable completeness").
UNKNOWN_NUMBERS = ("-1", "9", "99", "999", "9999")
UNKNOWN_WORDS = ("ukjent", "vet ikke", "velg verdi", "ikke besvart", "ikke kjent", "---",
                 "unknown", "not known", "don't know", "missing", "ikke oppgitt", "uoppgitt")
# Written for "no value" by R, SAS, Excel and databases: not a value of the variable. They stand as
# unknown codes in the spec (counted, never invalid), and are left out when typing a column.
NA_TOKENS = ("NA", "N/A", "#N/A", "NULL", "NAN", "NONE", ".", "-")
# Answer words registries (and public data sets) use as values of categorical variables: a value
# that is one of these (case-insensitive) is a code, not free text.
ANSWER_WORDS = frozenset({
    "ja", "nei", "mann", "kvinne", "menn", "kvinner", "gutt", "jente", "høyre", "venstre",
    "begge", "bilateral", "annet", "annen", "ingen", "normal", "unormal", "lav", "middels", "høy",
    "positiv", "negativ", "levende", "død", "døde", "ikke aktuelt", "aktuelt", "hjemme",
    "sykehjem", "ferdigstilt", "kladd", "lagret", "opprettet", "yes", "no", "male", "female",
    "m", "f", "k", "true", "false", "sant", "usant", "left", "right", "both", "none", "other",
    "low", "medium", "high", "positive", "negative", "alive", "dead", "present", "absent",
    "mild", "moderate", "severe", "moderat", "alvorlig", "never", "former", "current", "smoker",
    "non-smoker", "aldri", "tidligere", "daglig", "av og til", "not applicable", "n/a", "na",
    *UNKNOWN_WORDS,
})
ICD10 = re.compile(r"^[A-Z][0-9]{2}(\.?[0-9A-Z]{1,4})?$")
NCSP = re.compile(r"^[A-Z]{3}[0-9]{2}[A-Z]?$")
_SHORT_NUMBER = re.compile(r"^-?[0-9]{1,4}([.,][0-9]{1,2})?$")
_FINISHED_LABEL = re.compile(r"ferdig|fullført|finished|complete|lukket|closed|godkjent|signert",
                             re.IGNORECASE)


def plausible_code(value: str) -> bool:
    """A value that may be written into the spec as a declared code: a short number, a registry
    answer word, or an ICD-10/NCSP code. Names, national ID numbers, dates and free text are
    none of these."""
    text = value.strip()
    return bool(_SHORT_NUMBER.match(text) or text.lower() in ANSWER_WORDS
                or ICD10.match(text) or NCSP.match(text))


def _norm(name: str) -> str:
    return re.sub(r"[^0-9a-zæøå]", "", name.lower())


# Role names, matched on the lower-cased name without separators.
PERSON = re.compile(r"^(pasient|patient|person|pers|pt|subject|individ)(id|nr|nummer|no|key|guid|"
                    r"lopenr|løpenr|pseudonym)$|^(lopenr|løpenr|pseudonym|pid|pseudoid|mrn|id)$")
UNIT = re.compile(r"resh|^(avd|avdeling|enhet|unit|centre|center|sykehus|hospital|site|"
                  r"behandlingssted|institusjon)(id|nr|kode|navn|name)?$")
STATUS = re.compile(r"^(skjema|form|basisreg|reg|registrerings)?status$")
CREATED = re.compile(r"opprettet|created|^tscreated$|registrert|^regdato$|^registreringsdato$|"
                     r"createdate|creationdate|innregistrert")
CLOSED = re.compile(r"lukket|closed|ferdigstilt|signert|godkjent")
BIRTH = re.compile(r"fodsel|fødsel|birth|^fdato$|^dob$|^dod|^død|death")
EVENT_NAMES = (
    (3, re.compile(r"operasjon|prosedyre|procedure|surgery|inngrep|^opdato$|opdate")),
    (2, re.compile(r"hendelse|event|behandling|treatment|diagnose|diagnosis|undersok|undersøk|"
                   r"konsultasjon|besok|besøk|visit|kontakt|inklusjon|inclusion")),
    (1, re.compile(r"innlegg|inndato|admission|innkomst|brudd|skade|injury|dato|date")),
)


@dataclass(frozen=True)
class Profile:
    """What the pass learned about a column. ``top`` and ``values`` hold values in memory only.

    ``distinct`` is exact when ``exact`` (the values were counted, or the first rows are the
    whole export), else an approximate count (HyperLogLog: no column's values are held)."""

    name: str
    dtype: pl.DataType
    rows: int
    missing: int
    distinct: int
    top: tuple[tuple[str, int], ...]
    numbers: int
    integers: int
    num_min: float | None
    num_max: float | None
    sentinels: dict[str, int]
    core_min: float | None  # min/max without the sentinel values (-1, 9, 99, ...)
    core_max: float | None
    dates: dict[str, int]  # format (or "date"/"datetime" for typed columns) → values that parse
    year_min: int | None
    year_max: int | None
    fnr_valid: int
    na: dict[str, int]  # NA tokens as written → records
    max_len: int
    with_space: int
    icd10: int
    ncsp: int
    exact: bool = True
    values: tuple[str, ...] | None = None  # every distinct value, when counted (unit ids)
    # a codebook's categorical column whose values were not counted: (records, about how many
    # distinct values) outside its declared codes
    undeclared: tuple[int, int] | None = None

    @property
    def present(self) -> int:
        """Records with a value (NA tokens are no value)."""
        return self.rows - self.missing - sum(self.na.values())

    def share(self, n: int) -> float:
        return n / self.present if self.present else 0.0

    def best_date_format(self) -> tuple[str | None, int]:
        if not self.dates:
            return None, 0
        fmt = max(self.dates, key=lambda f: self.dates[f])
        return fmt, self.dates[fmt]


_DATE_LIKE = r"^\s*[0-9]{1,4}[.-][0-9]"
_ELEVEN = r"^\s*[0-9]{11}\s*$"
_CODE_LIKE = r"^\s*[A-Za-z]{1,3}[0-9]{2}"
_FORMATS = (*DATE_FORMATS, *DATETIME_FORMATS)  # the order as_date tries them in

# Counting values. Polars' streaming engine has no bounded way to count the values of a column
# inside a select (value_counts and unique run in its in-memory fallback, which holds the whole
# column), so the pass counts values as sums of boolean masks, one per value the first rows
# showed, plus one for "any other value". When the first rows are the whole export they give the
# value counts themselves.
#: Columns whose values are counted (on a longer export): those with at most MAX_CODES distinct
#: values in the first rows (the categorical candidates), form-status columns, the codebook's
#: categorical columns, labelled (SPSS/Stata) columns and unit columns (the number of units is
#: evidence, and their ids are matched with a unit table) — each only with at most this many
#: distinct values in the first rows.
COUNT_DISTINCT = 1_000
#: Bound on the masks summed for value counts (on wide exports, the fewest-valued columns first).
MAX_COUNTED = 20_000
#: Date columns whose pairwise order is counted: the first ones (in column order) that the first
#: rows show as dates.
MAX_ORDER_DATES = 16
#: Bound on the cells (variable × condition value × form-status filter) counted for conditions:
#: on wide exports the variables whose first rows lack values most are searched first.
MAX_CELLS = 30_000


class _Other:
    """The cell of a condition column's values that the first rows did not show."""

    def __repr__(self) -> str:
        return "OTHER"


OTHER: Any = _Other()


def _value_counts(series: pl.Series, limit: int | None = None) -> list[tuple[str, int]]:
    """(value, records), most frequent first (ties by value), nulls left out; the first
    ``limit``."""
    counts = series.rename("value").drop_nulls().value_counts(name="records")
    counts = counts.sort(["records", "value"], descending=[True, False])
    if limit is not None:
        counts = counts.head(limit)
    return [(str(v), int(n)) for v, n in counts.iter_rows()]


def _na_counts(series: pl.Series) -> dict[str, int]:
    """NA tokens as written → records."""
    na = series.filter(series.str.to_uppercase().is_in(list(NA_TOKENS)))
    return dict(_value_counts(na))


@dataclass(frozen=True)
class Plan:
    """What the one pass measures, chosen before it from the schema, the codebook and the first
    rows (the sample every reader takes; no pass over the export):

    - ``shapes``: the costly measures a text column needs (dates where a value reads as one, the
      fødselsnummer rule where one has 11 digits, ICD-10/NCSP where one starts like a code);
    - ``whole``: the first rows are the whole export, so ``sample_distinct``, ``sample_values``
      (each column's most frequent values; all of them for unit columns) and ``sample_na`` are
      exact; else ``count`` (column → the values whose records
      the pass counts, everything else pooled) and ``na`` (column → NA spellings counted);
    - ``statuses``: (column, code) filters for "finished" — every column named like a form status
      with every code that can mean finished (the codebook's "ferdigstilt" label, MRS 2, OQR 1),
      so whichever the data show, its counts are there;
    - ``dates``: date columns whose order is counted; ``conditions``: categorical candidates with
      the values to count (the first rows' values and declared codes; later values are pooled as
      OTHER); ``optional``: variables whose filling is counted under each condition value.

    When the first rows are the whole export each candidate set holds every column the decisions
    after the pass can pick, within the bounds MAX_ORDER_DATES, MAX_CONDITIONS, MAX_OPTIONAL and
    MAX_CELLS; on a longer export a column that behaves differently after the first rows may be
    left out of a relation (never out of its own profile)."""

    shapes: dict[str, set[str]]
    whole: bool
    sample_distinct: dict[str, int]
    sample_values: dict[str, list[tuple[str, int]]]
    sample_na: dict[str, dict[str, int]]
    count: dict[str, tuple[str, ...]]
    na: dict[str, tuple[str, ...]]
    statuses: list[tuple[str, str]]
    dates: list[str]
    conditions: dict[str, tuple[str, ...]]
    optional: list[str]
    units: list[str]
    declared: dict[str, tuple[str, ...]]  # codebook categorical columns not counted: its codes


def _plan(lf: pl.LazyFrame, schema: pl.Schema, info: Any, codebook: dict[str, Variable],
          unit_values: bool) -> Plan:
    names = list(schema)
    limit = sample_rows(len(names))
    sample = lf.head(limit).collect()
    whole = sample.height < limit
    texts = sample.select(as_text(pl.col(n), schema[n]).alias(n) for n in names)
    stats = texts.select(
        *(pl.col(n).drop_nulls().n_unique().alias(f"u{i}") for i, n in enumerate(names)),
        *(pl.col(n).is_null().any().alias(f"z{i}") for i, n in enumerate(names)),
    ).row(0, named=True)
    distinct = {n: int(stats[f"u{i}"]) for i, n in enumerate(names)}
    has_null = {n: bool(stats[f"z{i}"]) for i, n in enumerate(names)}
    labels = {n: _labels(n, codebook, info.value_labels) for n in names}

    shapes: dict[str, set[str]] = {}
    dated: dict[str, int] = {}  # values of the first rows read as a date (DATE_FORMATS)
    text = [n for n, t in schema.items() if t == pl.String]
    if text:
        # dates: a value that reads as a date in one of the formats (not just "12.5")
        flags = texts.select(
            *(pl.col(n).str.contains(_ELEVEN).any().alias(f"f{i}") for i, n in enumerate(text)),
            *(pl.col(n).str.contains(_CODE_LIKE).any().alias(f"c{i}") for i, n in enumerate(text)),
            *(pl.col(n).is_not_null().any().alias(f"v{i}") for i, n in enumerate(text)),
            *(as_date(pl.col(n), pl.String(), f).is_not_null().sum().alias(f"p{i}|{f}")
              for i, n in enumerate(text) if texts.get_column(n).str.contains(_DATE_LIKE).any()
              for f in _FORMATS),
        ).row(0, named=True)
        for i, n in enumerate(text):
            parsed = {f: int(flags.get(f"p{i}|{f}") or 0) for f in _FORMATS}
            flags[f"d{i}"] = any(parsed.values())
            dated[n] = max(parsed[f] for f in DATE_FORMATS)
            if not flags[f"v{i}"]:
                shapes[n] = {"date", "fnr", "code"}
            else:
                shapes[n] = {k for k, key in (("date", "d"), ("fnr", "f"), ("code", "c"))
                             if flags[f"{key}{i}"]}

    statuses: list[tuple[str, str]] = []
    for n in names:
        if STATUS.search(_norm(n)):
            code, why = _finished_code(set(), labels[n])
            labelled = [code] if why == "finished_label" and code is not None else []
            statuses += [(n, c) for c in dict.fromkeys([*labelled, "2", "1"])]
    unit_names = [n for n in names if UNIT.search(_norm(n))]
    units = unit_names if unit_values else []

    sample_values: dict[str, list[tuple[str, int]]] = {}
    sample_na: dict[str, dict[str, int]] = {}
    count: dict[str, tuple[str, ...]] = {}
    na: dict[str, tuple[str, ...]] = {}
    declared: dict[str, tuple[str, ...]] = {}
    if whole:
        sample_values = {n: _value_counts(texts.get_column(n),
                                          None if n in units else TOP_VALUES) for n in names}
        sample_na = {n: _na_counts(texts.get_column(n)) for n in names}
    else:
        wanted = [n for n in names if distinct[n] <= COUNT_DISTINCT and (
            distinct[n] <= MAX_CODES or labels[n] or n in unit_names
            or any(s == n for s, _ in statuses))]
        masks = 0
        for n in sorted(wanted, key=lambda n: distinct[n]):
            values = tuple(dict.fromkeys([*(v for v, _ in _value_counts(texts.get_column(n))),
                                          *labels[n]]))
            masks += len(values) + 1
            if masks > MAX_COUNTED:
                break
            count[n] = values
        count = {n: count[n] for n in names if n in count}
        na = {n: tuple(_na_counts(texts.get_column(n))) for n in names}
        declared = {n: (*cb.codes, *cb.unknown) for n, cb in codebook.items()
                    if n in schema and n not in count and cb.type == "categorical" and cb.codes}

    # date columns for the orders: typed Date, or text the first rows show as dates in at least
    # half their values (or with no values in the first rows)
    present = {n: sample.height - sample.get_column(n).null_count() for n in names}
    dates = [n for n in names if schema[n] == pl.Date or (
        schema[n] == pl.String and "date" in shapes.get(n, set())
        and (not present[n] or dated[n] >= 0.5 * present[n]))][:MAX_ORDER_DATES]

    # condition candidates: few values in the first rows, or declared codes; fewest first
    conditions: dict[str, tuple[str, ...]] = {}
    for n in names:
        if 1 <= distinct[n] <= MAX_CODES or 0 < len(labels[n]) <= 10:
            seen = texts.get_column(n).drop_nulls().unique().sort().to_list()
            conditions[n] = tuple(dict.fromkeys([*seen, *labels[n]]))[:MAX_CODES]
    chosen = sorted(conditions, key=lambda n: len(conditions[n]))[:MAX_CONDITIONS]
    conditions = {n: conditions[n] for n in names if n in chosen}

    # variables whose filling is counted: the ones the first rows show missing first
    optional = [n for n in names if has_null[n]]
    if not whole:
        optional += [n for n in names if not has_null[n]]
    optional = optional[:MAX_OPTIONAL]
    variants = 1 + len(statuses)
    per = {v: sum(len(vals) + 1 for c, vals in conditions.items() if c != v) for v in optional}
    kept, cells = [], 0
    for v in optional:
        if cells + per[v] * variants > MAX_CELLS:
            break
        kept.append(v)
        cells += per[v] * variants
    optional = [n for n in names if n in kept]
    return Plan(shapes, whole, distinct, sample_values, sample_na, count, na, statuses, dates,
                conditions, optional, units, declared)


def _profile_exprs(i: int, name: str, dtype: pl.DataType, plan: Plan) -> dict[str, pl.Expr]:
    """The measures of column ``i`` over the pass's derived columns (``t`` its text, ``n`` its
    number, ``m`` its missing flag, ``d`` its dates in each format, ``y`` its date). Every one
    is a streaming reduction (no in-memory fallback)."""
    shapes = plan.shapes.get(name, set())
    text, num, miss = pl.col(f"t{i}"), pl.col(f"n{i}"), pl.col(f"m{i}")
    sentinel_values = [float(s) for s in UNKNOWN_NUMBERS]
    core = num.filter(~num.is_in(sentinel_values))
    exprs: dict[str, pl.Expr] = {
        "missing": miss.sum(),
        "numbers": num.is_not_null().sum(),
        "integers": (num == num.round(0)).sum(),
        "num_min": num.min(),
        "num_max": num.max(),
        "core_min": core.min(),
        "core_max": core.max(),
        "max_len": text.str.len_chars().max(),
        "with_space": text.str.contains(r"\s").sum(),
    }
    if not plan.whole:
        exprs["distinct"] = text.drop_nulls().approx_n_unique()
        if name in plan.count:
            values = list(plan.count[name])
            exprs |= {f"v|{j}": (text == x).sum() for j, x in enumerate(values)}
            other = text.filter(~text.is_in(values))
            exprs["other"] = other.count()
            exprs["other_distinct"] = other.approx_n_unique()
        elif name in plan.declared:  # a codebook's categorical column with many values
            outside = text.filter(~text.is_in(list(plan.declared[name])))
            exprs["undeclared_n"] = outside.count()
            exprs["undeclared_d"] = outside.approx_n_unique()
        spellings = list(plan.na[name])
        exprs["na_all"] = text.str.to_uppercase().is_in(list(NA_TOKENS)).sum()
        exprs |= {f"na|{j}": (text == x).sum() for j, x in enumerate(spellings)}
    if "code" in shapes:
        exprs["icd10"] = text.str.to_uppercase().str.contains(ICD10.pattern).sum()
        exprs["ncsp"] = text.str.to_uppercase().str.contains(NCSP.pattern).sum()
    for s in UNKNOWN_NUMBERS:
        exprs[f"sentinel{s}"] = (num == float(s)).sum()
    if "fnr" in shapes or dtype.is_integer():
        cls, _ = fnr.classify(text)
        exprs["fnr_valid"] = cls.is_in(list(fnr.VALID)).sum()
    if dtype == pl.String and "date" in shapes:
        for k, fmt in enumerate(_FORMATS):
            exprs[f"date|{fmt}"] = pl.col(f"d{i}_{k}").is_not_null().sum()
    elif dtype == pl.Date:
        exprs["date|date"] = (~miss).sum()
    elif isinstance(dtype, pl.Datetime):
        exprs["date|datetime"] = (~miss).sum()
    if dtype.is_temporal() or (dtype == pl.String and "date" in shapes):
        year = pl.col(f"y{i}").dt.year()
        exprs["year_min"] = year.min()
        exprs["year_max"] = year.max()
    return exprs


@dataclass(frozen=True)
class Counts:
    """Counts over the records one form-status filter keeps (all records, or status = code):
    what the relations (mandatory, conditions, date orders) are decided from."""

    n: int
    missing: dict[str, int]  # column → records without a value
    order: dict[tuple[str, str], tuple[int, int]]  # (a, b) → (records with both, a ≤ b)
    rows: dict[str, dict[Any, int]]  # condition column → value (or OTHER) → records
    filled: dict[tuple[str, str], dict[Any, int]]  # (variable, condition) → value → filled in


@dataclass(frozen=True)
class Measured:
    rows: int
    profiles: list[Profile]
    counts: dict[tuple[str, str] | None, Counts]  # by filter: None is all records
    recounted: list[str]  # columns whose values needed the narrow second query (see measure)


def measure(source: Source, *, codebook: dict[str, Variable] | None = None,
            unit_values: bool = False) -> tuple[Plan, Measured]:
    """Every count dq init decides from, in ONE streaming pass over the export (after a look at
    its first rows, the sample every reader takes, to choose what to measure).

    The one exception: on an export longer than its first rows, a column whose values are
    counted (few of them, see COUNT_DISTINCT) may hold values the first rows did not show — a
    code first used in a later year, an NA token spelled another way. A streaming select cannot
    count values it was not told of without holding the whole column, so those columns alone
    (and only those with few values in all, by the pass's approximate count) are counted again
    in one streaming group-by over just them: exact codes and counts cost that narrow read."""
    lf = source.lf
    schema = lf.collect_schema()
    plan = _plan(lf, schema, source.info, codebook or {}, unit_values)
    names = list(schema)
    index = {n: i for i, n in enumerate(names)}

    # stage 1: each column's text, number and missing flag, computed once per value
    stage1: list[pl.Expr] = []
    for i, (name, dtype) in enumerate(schema.items()):
        col = pl.col(name)
        stage1 += [col.is_null().alias(f"m{i}"), as_text(col, dtype).alias(f"t{i}")]
        if dtype != pl.String:
            stage1.append(number(col, dtype).alias(f"n{i}"))
            if dtype.is_temporal():
                stage1.append(as_date(col, dtype).alias(f"y{i}"))
    # stage 2: numbers and dates parsed from the text, the status filters, condition values
    stage2: list[pl.Expr] = []
    for i, (name, dtype) in enumerate(schema.items()):
        if dtype != pl.String:
            continue
        text = pl.col(f"t{i}")
        stage2.append(number(text, pl.String()).alias(f"n{i}"))
        if "date" in plan.shapes.get(name, set()):
            stage2 += [as_date(text, pl.String(), fmt).alias(f"d{i}_{k}")
                       for k, fmt in enumerate(_FORMATS)]
    for k, (status, code) in enumerate(plan.statuses, 1):
        stage2.append((pl.col(f"t{index[status]}") == code).fill_null(False).alias(f"M{k}"))
    for c, values in plan.conditions.items():
        text = pl.col(f"t{index[c]}")
        stage2 += [(text == x).fill_null(False).alias(f"I{index[c]}_{j}")
                   for j, x in enumerate(values)]
        stage2.append((text.is_not_null() & ~text.is_in(list(values))).fill_null(False)
                      .alias(f"I{index[c]}_o"))
    # stage 3: a date per text column that holds dates (formats tried in as_date's order)
    stage3 = [pl.coalesce([pl.col(f"d{i}_{k}") for k in range(len(_FORMATS))]).alias(f"y{i}")
              for i, (name, dtype) in enumerate(schema.items())
              if dtype == pl.String and "date" in plan.shapes.get(name, set())]
    # stage 4: for each pair of date columns, both known, and in order
    stage4: list[pl.Expr] = []
    for a in plan.dates:
        for b in plan.dates:
            if a != b:
                ya, yb = pl.col(f"y{index[a]}"), pl.col(f"y{index[b]}")
                both = ya.is_not_null() & yb.is_not_null()
                stage4 += [both.alias(f"B{index[a]}_{index[b]}"),
                           (both & (ya <= yb)).fill_null(False)
                           .alias(f"O{index[a]}_{index[b]}")]

    aggs: list[pl.Expr] = [pl.len().alias("rows")]
    for i, (name, dtype) in enumerate(schema.items()):
        aggs += [e.alias(f"{i}|{k}") for k, e in _profile_exprs(i, name, dtype, plan).items()]
    for k in range(len(plan.statuses) + 1):
        def keep(expr: pl.Expr, k: int = k) -> pl.Expr:
            return expr if k == 0 else expr & pl.col(f"M{k}")

        if k:
            aggs.append(pl.col(f"M{k}").sum().alias(f"M{k}"))
            aggs += [keep(pl.col(f"m{i}")).sum().alias(f"M{k}|m{i}") for i in range(len(names))]
        for a in plan.dates:
            for b in plan.dates:
                if a != b:
                    ab = f"{index[a]}_{index[b]}"
                    aggs += [keep(pl.col(f"B{ab}")).sum().alias(f"M{k}|B{ab}"),
                             keep(pl.col(f"O{ab}")).sum().alias(f"M{k}|O{ab}")]
        for c, values in plan.conditions.items():
            columns = [f"I{index[c]}_{j}" for j in [*map(str, range(len(values))), "o"]]
            aggs += [keep(pl.col(x)).sum().alias(f"M{k}|{x}") for x in columns]
            for v in plan.optional:
                if v != c:
                    has = ~pl.col(f"m{index[v]}")
                    aggs += [keep(has & pl.col(x)).sum().alias(f"M{k}|{x}|{index[v]}")
                             for x in columns]

    frame = lf.select(stage1)
    for stage in (stage2, stage3, stage4):
        if stage:
            frame = frame.with_columns(stage)
    row = frame.select(aggs).collect(engine="streaming").row(0, named=True)
    rows = int(row["rows"])

    # values the first rows did not show, in columns with few values: the narrow second query
    recount = [n for n in plan.count if row[f"{index[n]}|other"]
               and len(plan.count[n]) + row[f"{index[n]}|other_distinct"] <= COUNT_DISTINCT]
    spell = [n for n in names if not plan.whole and n not in recount
             and row[f"{index[n]}|na_all"] > sum(row[f"{index[n]}|na|{j}"]
                                                 for j in range(len(plan.na[n])))]
    recounted = _recount(lf, schema, recount, spell) if recount or spell else {}
    profiles = [_profile(row, i, name, dtype, rows, plan, recounted.get(name))
                for i, (name, dtype) in enumerate(schema.items())]

    counts: dict[tuple[str, str] | None, Counts] = {}
    for k, key in enumerate([None, *plan.statuses]):
        n = rows if k == 0 else int(row[f"M{k}"])
        missing = {name: (p.missing if k == 0 else int(row[f"M{k}|m{i}"]))
                   for i, (name, p) in enumerate(zip(names, profiles, strict=True))}
        order = {(a, b): (int(row[f"M{k}|B{index[a]}_{index[b]}"]),
                          int(row[f"M{k}|O{index[a]}_{index[b]}"]))
                 for a in plan.dates for b in plan.dates if a != b}
        rows_by: dict[str, dict[Any, int]] = {}
        filled: dict[tuple[str, str], dict[Any, int]] = {}
        for c, values in plan.conditions.items():
            cells: list[tuple[Any, str]] = [*((x, str(j)) for j, x in enumerate(values)),
                                            (OTHER, "o")]
            ic = index[c]
            rows_by[c] = {x: int(row[f"M{k}|I{ic}_{j}"]) for x, j in cells}
            for v in plan.optional:
                if v != c:
                    filled[(v, c)] = {x: int(row[f"M{k}|I{ic}_{j}|{index[v]}"])
                                      for x, j in cells}
        counts[key] = Counts(n, missing, order, rows_by, filled)
    return plan, Measured(rows, profiles, counts, sorted({*recounted}, key=index.__getitem__))


def _recount(lf: pl.LazyFrame, schema: pl.Schema, values: list[str],
             na: list[str]) -> dict[str, tuple[list[tuple[str, int]], dict[str, int]]]:
    """column → (value counts, NA spellings) for the few columns ``measure`` names, in one
    streaming group-by (for ``na`` columns only their NA tokens are grouped)."""
    columns = list(dict.fromkeys([*values, *na]))
    keys = {n: str(j) for j, n in enumerate(columns)}
    long = (lf.select(as_text(pl.col(n), schema[n]).alias(keys[n]) for n in columns)
            .unpivot(variable_name="column", value_name="value")
            .filter(pl.col("value").is_not_null()))
    only_na = [keys[n] for n in na if n not in values]
    if only_na:
        long = long.filter(~pl.col("column").is_in(only_na)
                           | pl.col("value").str.to_uppercase().is_in(list(NA_TOKENS)))
    counted = long.group_by("column", "value").agg(pl.len()).collect(engine="streaming")
    out: dict[str, tuple[list[tuple[str, int]], dict[str, int]]] = {}
    for n in columns:
        counts = counted.filter(pl.col("column") == keys[n]).select("value", "len")
        pairs = sorted(((str(v), int(c)) for v, c in counts.iter_rows()),
                       key=lambda vn: (-vn[1], vn[0]))
        na_counts = {v: c for v, c in pairs if v.upper() in NA_TOKENS}
        out[n] = (pairs if n in values else [], na_counts)
    return out


def _profile(row: dict[str, Any], i: int, name: str, dtype: pl.DataType, rows: int,
             plan: Plan, recounted: tuple[list[tuple[str, int]], dict[str, int]] | None
             ) -> Profile:
    def get(key: str) -> Any:
        return row.get(f"{i}|{key}")

    def fin(v: Any) -> float | None:
        return float(v) if v is not None and math.isfinite(float(v)) else None

    # the column's value counts, when they are known exactly
    counted: list[tuple[str, int]] | None = None
    distinct: int | None = None
    if plan.whole:
        counted, na = plan.sample_values[name], plan.sample_na[name]
        distinct = plan.sample_distinct[name]
    else:
        if name in plan.count and not get("other"):
            pairs = [(x, int(get(f"v|{j}"))) for j, x in enumerate(plan.count[name])]
            counted = sorted(((x, n) for x, n in pairs if n), key=lambda vn: (-vn[1], vn[0]))
        na = {x: int(get(f"na|{j}")) for j, x in enumerate(plan.na[name]) if get(f"na|{j}")}
        if recounted is not None:
            counted = recounted[0] or counted
            na = recounted[1]
    values: tuple[str, ...] | None = None
    if counted is not None:
        distinct, top = distinct or len(counted), tuple(counted[:TOP_VALUES])
        if name in plan.units:
            values = tuple(v for v, _ in counted)
    else:
        distinct, top = int(get("distinct") or 0), ()
    dates = {k.split("|", 2)[2]: int(v) for k, v in row.items()
             if k.startswith(f"{i}|date|") and v}
    undeclared = None
    if name in plan.declared:
        undeclared = (int(get("undeclared_n") or 0), int(get("undeclared_d") or 0))
    return Profile(
        name=name, dtype=dtype, rows=rows, missing=int(get("missing")), distinct=distinct,
        top=top, numbers=int(get("numbers") or 0), integers=int(get("integers") or 0),
        num_min=fin(get("num_min")), num_max=fin(get("num_max")),
        sentinels={s: int(get(f"sentinel{s}") or 0) for s in UNKNOWN_NUMBERS},
        core_min=fin(get("core_min")), core_max=fin(get("core_max")), dates=dates,
        year_min=get("year_min"), year_max=get("year_max"),
        fnr_valid=int(get("fnr_valid") or 0), na=na,
        max_len=int(get("max_len") or 0), with_space=int(get("with_space") or 0),
        icd10=int(get("icd10") or 0), ncsp=int(get("ncsp") or 0),
        exact=counted is not None, values=values, undeclared=undeclared)


# --- decisions --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Note:
    """One comment of the spec: a catalogue key (dq.messages.INIT) and its parameters. ``todo``:
    the user must decide or confirm."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    todo: bool = False


@dataclass
class Guess:
    """A [variables.NAME] table as inferred. ``codes`` are written codes (code → label);
    ``None`` fields are not written."""

    name: str
    type: str | None = None
    codes: dict[str, str] | None = None
    numeric_codes: bool = False
    unknown: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    mandatory: str | None = None
    label: str | None = None
    uses: tuple[str, ...] = ()
    notes: list[Note] = field(default_factory=list)
    in_codebook: bool = False
    write_type: bool = False  # write type although the codebook gives one


@dataclass
class Role:
    column: str | None
    notes: list[Note] = field(default_factory=list)


@dataclass
class UnitsGuess:
    path: Path
    id: str | None
    name: str | None
    hf: str | None
    rhf: str | None
    notes: list[Note] = field(default_factory=list)


@dataclass
class CoverageGuess:
    mode: str
    references: list[Path]
    others: list[Path]  # references of the other mode (named in a comment)
    columns: dict[str, str]  # [coverage.reference] key → column
    notes: list[Note] = field(default_factory=list)
    unrecognised: list[Path] = field(default_factory=list)  # neither aggregate nor linkage


@dataclass
class Inference:
    path: Path
    format: str
    encoding: str | None
    separator: str | None
    rows: int
    columns: list[str]
    roles: dict[str, Role]
    finished: str | None
    date_format: str | None
    variables: list[Guess]
    duplicate_keys: list[str] = field(default_factory=list)
    date_order: list[tuple[str, Note]] = field(default_factory=list)
    no_future: list[str] = field(default_factory=list)
    icd10: list[str] = field(default_factory=list)
    ncsp: list[str] = field(default_factory=list)
    codebook: Path | None = None
    codebook_missing: list[str] = field(default_factory=list)  # codebook variables not exported
    units: UnitsGuess | None = None
    coverage: CoverageGuess | None = None
    notes: list[Note] = field(default_factory=list)
    # the unit column's distinct values (infer(unit_values=True)): in memory only, for matching
    # the unit table; only plain-number ids may be shown (_split_public)
    unit_values: list[str] = field(default_factory=list)


def _date_type(p: Profile) -> tuple[str | None, str | None]:
    """('date' | 'datetime' | None, the text format) when the column holds dates."""
    fmt, n = p.best_date_format()
    if fmt is None or p.present == 0 or p.share(n) < TYPE_SHARE:
        return None, None
    if fmt == "date":
        return "date", None
    if fmt == "datetime":
        return "datetime", None
    return ("date" if fmt in DATE_FORMATS else "datetime"), fmt


def _codes_of(p: Profile, labels: dict[str, str] | None = None) -> tuple[dict[str, str], int, int]:
    """(codes written, distinct values not written, records holding them). A value is written
    when it is a declared label's code, or plausibly a code held by ≥ MIN_CODE_COUNT records."""
    codes: dict[str, str] = {}
    hidden_values = hidden_records = 0
    for value, n in p.top:
        key = code_text(value)
        if labels and key in labels:
            codes[key] = labels[key]
        elif n >= MIN_CODE_COUNT and plausible_code(value):
            codes[key] = key
        else:
            hidden_values += 1
            hidden_records += n
    return codes, hidden_values, hidden_records


def _is_number(code: str) -> bool:
    try:
        float(code)
    except ValueError:
        return False
    return True


def unknown_candidates(codes: list[str]) -> list[str]:
    """Codes that look like "unknown" (9 beside 1–5, 99, 999, -1 beside codes ≥ 0, "Ukjent",
    "Vet ikke", "Velg verdi" …): to be confirmed by the user."""
    out = []
    numeric = [float(c) for c in codes if _is_number(c)]
    for code in codes:
        if code.strip().lower() in UNKNOWN_WORDS:
            out.append(code)
        elif code in UNKNOWN_NUMBERS and _is_number(code):
            value = float(code)
            others = [x for x in numeric if x != value and code_text(x) not in UNKNOWN_NUMBERS]
            if not others:
                continue
            if value < 0 and min(others) >= 0:
                out.append(code)
            elif value > 0 and max(others) < value - 1:
                out.append(code)
    return out


def _type_guess(p: Profile, g: Guess, value_labels: dict[str, str] | None,
                user_missing: list[str]) -> None:
    """type, codes, unknown codes and range of one column, with the evidence."""
    declared_missing = list(user_missing)
    if p.na:
        user_missing = [*user_missing, *sorted(p.na)]
        g.notes.append(Note("na_tokens", {"codes": sorted(p.na), "n": sum(p.na.values())}))
    g.unknown = tuple(dict.fromkeys(user_missing))
    if p.present == 0:
        g.type = "text"
        g.notes.append(Note("empty", {}, todo=True))
        return
    dtype, _ = _date_type(p)
    if dtype is not None:
        g.type = dtype
        g.notes.append(Note("dates", {"share": p.share(p.best_date_format()[1]),
                                      "first": p.year_min, "last": p.year_max}))
        return
    numeric = p.share(p.numbers) >= TYPE_SHARE
    integer = numeric and p.integers == p.numbers
    # Whole numbers of six digits or more are identifiers (national ID numbers, phone numbers,
    # organisation numbers), not measures or codes: their min/max would be a person's value.
    big = p.num_max is not None and max(abs(p.num_min or 0), abs(p.num_max)) >= 100_000
    if integer and big and not value_labels:
        g.type = "id"
        g.notes.append(Note("id_number", {"distinct": p.distinct, "approx": not p.exact}))
        return
    small = p.distinct <= MAX_CODES and p.distinct <= max(2, p.present // 5)
    codes, hidden, hidden_n = _codes_of(p, value_labels)
    if value_labels or (small and (numeric or set(codes) - set(user_missing))):
        unknown = [c for c in unknown_candidates(list(codes)) if c not in user_missing]
        # a declared label that says "unknown" ("Vet ikke", "Ukjent")
        unknown += [c for c, label in (value_labels or {}).items()
                    if label.strip().lower() in UNKNOWN_WORDS and c not in unknown
                    and c not in user_missing]
        for c in [*unknown, *user_missing]:
            codes.pop(c, None)
        g.type = "categorical"
        g.codes = {c: codes[c] for c in sorted(codes, key=_sort_code)}
        g.numeric_codes = all(_is_number(c) for c in codes) and bool(codes)
        g.unknown = tuple(dict.fromkeys([*user_missing, *unknown]))
        g.notes.append(Note("categorical", {"distinct": p.distinct, "written": len(codes)}))
        if hidden:
            g.notes.append(Note("hidden_values", {"values": hidden, "records": hidden_n},
                                todo=True))
        if unknown:
            g.notes.append(Note("unknown_guess", {"codes": unknown}, todo=True))
        if declared_missing:
            g.notes.append(Note("user_missing", {"codes": declared_missing}))
        return
    if numeric:
        g.type = "integer" if integer else "decimal"
        present = [s for s, n in p.sentinels.items() if n]
        unknown = unknown_candidates([*present, *( [code_text(p.core_min)] if p.core_min is not None
                                                  else []),
                                      *([code_text(p.core_max)] if p.core_max is not None
                                        else [])])
        unknown = [u for u in unknown if u in present and u not in user_missing]
        # A sentinel is "unknown" only far from the measured values: 999 beside ages, not beside
        # operation times of 900 minutes.
        unknown = [u for u in unknown if float(u) < 0 or
                   (p.core_max is not None and float(u) > 1.5 * p.core_max)]
        g.unknown = tuple(dict.fromkeys([*user_missing, *unknown]))
        use_core = any(u in UNKNOWN_NUMBERS for u in g.unknown)
        g.min = p.core_min if use_core else p.num_min
        g.max = p.core_max if use_core else p.num_max
        g.notes.append(Note("range", {"share": p.share(p.numbers)}, todo=True))
        # A measure whose observed bound has six digits or more holds a value that is no
        # measure (a national ID number in a weight field, say): never written into the spec.
        dropped = [b for b in ("min", "max") if getattr(g, b) is not None
                   and abs(float(getattr(g, b))) >= 100_000]
        for bound in dropped:
            setattr(g, bound, None)
        if dropped:
            g.notes.append(Note("range_id_like", {"bounds": "/".join(dropped)}, todo=True))
        if unknown:
            g.notes.append(Note("unknown_guess", {"codes": unknown,
                                                  "n": sum(p.sentinels[u] for u in unknown)},
                                todo=True))
        return
    # text: an identifier (many distinct values, no spaces) or free text
    if p.distinct >= 0.5 * p.present and p.with_space == 0 and p.max_len <= 40:
        g.type = "id"
        g.notes.append(Note("id_text", {"distinct": p.distinct, "approx": not p.exact}))
    else:
        g.type = "text"
        g.notes.append(Note("free_text", {"distinct": p.distinct, "approx": not p.exact}))


def _name_score(name: str) -> int:
    n = _norm(name)
    for score, pattern in EVENT_NAMES:
        if pattern.search(n):
            return score
    return 0


def infer(source: Source, *, codebook: dict[str, Variable] | None = None,
          codebook_path: Path | None = None, unit_values: bool = False) -> Inference:
    """Every decision of ``dq init`` about one export (and its codebook), from one pass over it
    (:func:`measure`). ``unit_values``: keep the unit column's distinct values in memory (for
    :func:`infer_units`), so that matching the unit table needs no second pass."""
    info = source.info
    plan, measured = measure(source, codebook=codebook, unit_values=unit_values)
    rows, profiles = measured.rows, measured.profiles
    by_name = {p.name: p for p in profiles}
    codebook = codebook or {}
    roles: dict[str, Role] = {}
    notes: list[Note] = []

    # national ID: by the check-digit rule over the values
    fnr_cols = sorted((p for p in profiles if p.present and p.share(p.fnr_valid) >= FNR_SHARE),
                      key=lambda p: -p.share(p.fnr_valid))
    nid = Role(fnr_cols[0].name if fnr_cols else None)
    if fnr_cols:
        nid.notes.append(Note("fnr", {"share": fnr_cols[0].share(fnr_cols[0].fnr_valid)}))
    roles["national_id"] = nid

    # person id: by name, else an id-like column with repeats allowed, else the national ID
    person = [p for p in profiles if PERSON.search(_norm(p.name)) and p.name != nid.column]
    if person:
        p = person[0]
        roles["person_id"] = Role(p.name, [Note("person", {"distinct": p.distinct,
                                                           "records": p.present,
                                                           "approx": not p.exact},
                                                todo=_norm(p.name) == "id")])
    elif nid.column:
        roles["person_id"] = Role(nid.column, [Note("person_fnr", {}, todo=True)])
    else:
        roles["person_id"] = Role(None, [Note("no_person", {}, todo=True)])

    # unit: by name, RESH first
    units = [p for p in profiles if UNIT.search(_norm(p.name)) and p.present]
    units.sort(key=lambda p: (0 if "resh" in _norm(p.name) else 1, p.missing))
    if units:
        u = units[0]
        roles["unit"] = Role(u.name, [Note("unit", {"distinct": u.distinct, "approx": not u.exact})])
    else:
        roles["unit"] = Role(None, [Note("no_unit", {}, todo=True)])

    # form status and the value that means finished
    statuses = [p for p in profiles if STATUS.search(_norm(p.name)) and p.present
                and p.distinct <= 6]
    finished = finished_code = None
    status_filter: tuple[str, str] | None = None  # the records the relations are counted over
    if statuses:
        s = statuses[0]
        labels = _labels(s.name, codebook, info.value_labels)
        values = [(code_text(v), n) for v, n in s.top]
        codes = {v for v, _ in values}
        finished_code, why = _finished_code(codes, labels)
        shown = sorted(((v, n) for v, n in values if v in labels or _SHORT_NUMBER.match(v)),
                       key=lambda vn: _sort_code(vn[0]))
        role = Role(s.name, [Note("status", {"values": shown})])
        if finished_code is not None:
            status_filter = (s.name, finished_code)
            value = finished_code if _is_number(finished_code) else _sql_text(finished_code)
            finished = f"{_sql_name(s.name)} = {value}"
            role.notes.append(Note(why, {"code": finished_code}, todo=why != "finished_label"))
        else:
            role.notes.append(Note("no_finished", {}, todo=True))
        roles["status"] = role
    else:
        roles["status"] = Role(None, [Note("no_status", {}, todo=True)])

    # registration timestamps
    date_types = {p.name: _date_type(p) for p in profiles}
    dated = [p for p in profiles if date_types[p.name][0] is not None]
    created = [p for p in dated if CREATED.search(_norm(p.name))]
    closed = [p for p in dated if CLOSED.search(_norm(p.name)) and p not in created]
    roles["created"] = Role(created[0].name if created else None,
                            [Note("created", {})] if created else [Note("no_created", {}, todo=True)])
    roles["closed"] = Role(closed[0].name if closed else None, [Note("closed", {})] if closed else [])

    # event date: a date column that is not a registration timestamp or a birth date
    taken = {r.column for r in roles.values()}
    events = [p for p in dated if p.name not in taken and not BIRTH.search(_norm(p.name))]
    events.sort(key=lambda p: (-_name_score(p.name),
                               0 if date_types[p.name][0] == "date" else 1, p.missing))
    date_format = None
    if events:
        e = events[0]
        tie = len(events) > 1 and _name_score(events[1].name) == _name_score(e.name)
        role = Role(e.name, [Note("event", {"others": [x.name for x in events[1:]]},
                                  todo=tie or _name_score(e.name) < 2)])
        roles["event_date"] = role
        date_format = date_types[e.name][1]
    else:
        roles["event_date"] = Role(None, [Note("no_event", {}, todo=True)])

    guesses: list[Guess] = []
    for p in profiles:
        g = Guess(p.name)
        cb = codebook.get(p.name)
        labels = _labels(p.name, codebook, info.value_labels)
        user_missing = [code_text(v) for v in info.unknown_codes.get(p.name, [])]
        user_missing += [code_text(lo) for lo, hi in info.unknown_ranges.get(p.name, [])
                         if lo == hi and code_text(lo) not in user_missing]
        if cb is not None:
            g.in_codebook = True
            g.type, g.codes = cb.type, cb.codes  # not written: the codebook says them
            g.numeric_codes = bool(cb.codes) and all(_is_number(c) for c in cb.codes or {})
            _codebook_notes(p, cb, g)
        else:
            _type_guess(p, g, labels if p.name in info.value_labels else None, user_missing)
        if p.name in (nid.column, roles["person_id"].column) and cb is None:
            g.type = "id"
            g.codes, g.unknown, g.min, g.max = None, (), None, None
            g.notes = [n for n in g.notes if n.key in ("id_text", "id_number", "free_text")]
        if p.name == nid.column and cb is not None and cb.type == "text":
            g.type, g.write_type = "id", True  # the codebook's "tekst", made precise
        if p.name == roles["unit"].column and cb is None:
            g.type = "id"
            g.codes, g.unknown, g.min, g.max = None, (), None, None
            g.notes = []
        if p.name in (nid.column, roles["person_id"].column, roles["unit"].column,
                      roles["status"].column):
            g.uses = ("administration",)
        guesses.append(g)

    inference = Inference(
        path=info.path, format=info.format, encoding=info.encoding, separator=info.separator,
        rows=rows, columns=[p.name for p in profiles], roles=roles, finished=finished,
        date_format=date_format, variables=guesses, codebook=codebook_path,
        codebook_missing=[n for n in codebook if n not in by_name], notes=notes)
    unit = roles["unit"].column
    if unit_values and unit is not None:
        inference.unit_values = list(by_name[unit].values or ())
    # every filter the decisions can pick was counted (Plan.statuses)
    _relations(inference, measured.counts[status_filter], plan, date_types, codebook)

    # verification
    if roles["person_id"].column and roles["event_date"].column:
        inference.duplicate_keys = [roles["person_id"].column, roles["event_date"].column]
    inference.no_future = [p.name for p in dated if date_types[p.name][0] == "date"]
    for p in profiles:
        if p.present and p.name not in taken and date_types[p.name][0] is None:
            if p.share(p.icd10) >= FNR_SHARE and p.with_space == 0 and p.numbers == 0:
                inference.icd10.append(p.name)
            elif p.share(p.ncsp) >= FNR_SHARE and p.numbers == 0:
                inference.ncsp.append(p.name)
    return inference


def _labels(name: str, codebook: dict[str, Variable],
            value_labels: dict[str, dict[object, str]]) -> dict[str, str]:
    """Declared codes of a column with their labels: the codebook's, else SPSS/Stata labels."""
    cb = codebook.get(name)
    if cb is not None and cb.codes:
        return dict(cb.codes)
    return {code_text(k): str(v) for k, v in (value_labels.get(name) or {}).items()}


def _finished_code(codes: set[str], labels: dict[str, str]) -> tuple[str | None, str]:
    """The status code that means "finished": by its label, else MRS (2) or OQR (1)."""
    for code, label in labels.items():
        if _FINISHED_LABEL.search(label) and not re.search(r"ikke|not|un", label, re.IGNORECASE):
            return code, "finished_label"
    if codes <= {"-1", "0", "1", "2"}:
        if "2" in codes and "-1" not in codes:
            return "2", "finished_mrs"
        if "1" in codes and ("-1" in codes or "0" in codes):
            return "1", "finished_oqr"
    return None, "no_finished"


def _sql_name(name: str) -> str:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        return name
    return '"' + name.replace('"', '""') + '"'


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _codebook_notes(p: Profile, cb: Variable, g: Guess) -> None:
    """The codebook wins; where the data disagree, say so (counts and declared codes only)."""
    g.notes.append(Note("codebook_codes" if cb.codes else "codebook", {
        "type": cb.type, "codes": len(cb.codes or {}), "label": cb.label or "–"}))
    if p.present == 0:
        g.notes.append(Note("empty", {}, todo=True))
        return
    if cb.type == "categorical" and cb.codes:
        declared = set(cb.codes) | set(cb.unknown)
        seen = {code_text(v): n for v, n in p.top}
        never = [c for c in cb.codes if c not in seen]
        if p.distinct <= len(p.top) and never:
            g.notes.append(Note("codebook_unseen", {"codes": never}))
        other = [(v, n) for v, n in seen.items() if v not in declared]
        if other:
            g.notes.append(Note("codebook_undeclared", {"values": len(other),
                                                        "records": sum(n for _, n in other)},
                                todo=True))
        elif p.undeclared is not None and p.undeclared[0]:  # values not counted: the pass's
            g.notes.append(Note("codebook_undeclared", {"values": p.undeclared[1],
                                                        "records": p.undeclared[0],
                                                        "approx": True}, todo=True))
        extra = [c for c in unknown_candidates(list(seen)) if c not in declared]
        if extra:
            g.unknown = tuple(dict.fromkeys([*cb.unknown, *extra]))
            g.notes.append(Note("unknown_guess", {"codes": extra}, todo=True))
    elif cb.type in ("integer", "decimal"):
        if p.share(p.numbers) < TYPE_SHARE:
            g.notes.append(Note("codebook_not_numbers", {"share": p.share(p.numbers)}, todo=True))
        present = [s for s, n in p.sentinels.items() if n and s not in cb.unknown]
        lo = cb.min if isinstance(cb.min, int | float) else None
        extra = [s for s in present if float(s) < 0 and (lo is None or float(s) < lo)]
        if extra:
            g.unknown = tuple(dict.fromkeys([*cb.unknown, *extra]))
            g.notes.append(Note("unknown_guess", {"codes": extra,
                                                  "n": sum(p.sentinels[s] for s in extra)},
                                todo=True))
    elif cb.type in ("date", "datetime"):
        if _date_type(p)[0] is None:
            g.notes.append(Note("codebook_not_dates", {}, todo=True))


def _relations(inf: Inference, counts: Counts, plan: Plan,
               date_types: dict[str, tuple[str | None, str | None]],
               codebook: dict[str, Variable]) -> None:
    """Missingness over finished records, conditions under which a variable is filled in, and
    date orders that hold: decided from the pass's counts over the finished records."""
    guesses = {g.name: g for g in inf.variables}
    conditions = [g for g in guesses.values() if g.type == "categorical" and g.codes
                  and len(g.codes) <= 10 and g.name != inf.roles["status"].column
                  and g.name in plan.conditions]
    dates = [n for n, (t, _) in date_types.items() if t == "date"][:10]
    # a date column the first rows did not show as dates has no counted order (Plan.dates)
    pairs = [(a, b) for a in dates for b in dates if a != b and (a, b) in counts.order]
    n_finished = counts.n
    if not n_finished:
        return

    optional: list[Guess] = []
    for name in inf.columns:
        g = guesses[name]
        missing = counts.missing[name]
        share = missing / n_finished
        cb = codebook.get(name)
        if missing:
            g.notes.append(Note("missing", {"share": share}))
        if missing == n_finished:
            continue
        if share >= OPTIONAL_SHARE and (cb is None or cb.mandatory != "always"):
            optional.append(g)
        elif share >= OPTIONAL_SHARE and cb is not None:
            g.notes.append(Note("codebook_mandatory_missing", {"share": share}, todo=True))
    searched = [g for g in optional if g.name in plan.optional]
    if searched and conditions:
        # bounded for wide exports: the few-coded candidates first (yes/no questions)
        candidates = sorted(conditions, key=lambda c: len(c.codes or {}))[:MAX_CONDITIONS]
        _conditions(counts, searched[:MAX_OPTIONAL], candidates)
    for g in optional:
        if g.mandatory is None and (g.name not in codebook
                                    or codebook[g.name].mandatory == "always"):
            g.mandatory = "never"
            g.notes.append(Note("optional", {}, todo=True))

    shares: dict[tuple[str, str], tuple[float, int]] = {}
    for a, b in pairs:
        both, ok = counts.order[(a, b)]
        if both >= max(MIN_CODE_COUNT, 0.5 * n_finished):
            shares[(a, b)] = (ok / both, both)
    # a ≤ b holds in most records and b ≤ a does not (else they are mostly the same date)
    held = {(a, b) for (a, b), (share, _) in shares.items()
            if share >= DATE_ORDER_SHARE and shares.get((b, a), (0.0, 0))[0] < DATE_ORDER_SHARE}
    # a chain: keep a → b only when no c lies between (a → c and c → b hold)
    for a, b in sorted(held, key=lambda ab: (dates.index(ab[0]), dates.index(ab[1]))):
        order_share, both = shares[(a, b)]
        if any((a, c) in held and (c, b) in held for c in dates if c not in (a, b)):
            continue
        inf.date_order.append((f"{_sql_name(a)} <= {_sql_name(b)}",
                               Note("date_order", {"share": order_share, "n": both}, todo=True)))


def _cells(counts: Counts, v: str, c: str) -> dict[Any, list[int]]:
    """value of ``c`` (None: no value; OTHER: values the first rows did not show) → [records
    without ``v``, records with ``v``], over the values that occur."""
    rows, filled = counts.rows[c], counts.filled[(v, c)]
    cells = {x: [r - filled[x], filled[x]] for x, r in rows.items() if r}
    null_rows = counts.n - sum(rows.values())
    null_filled = counts.n - counts.missing[v] - sum(filled.values())
    if null_rows:
        cells[None] = [null_rows - null_filled, null_filled]
    return cells


def _conditions(counts: Counts, optional: list[Guess], conditions: list[Guess]) -> None:
    """A variable filled in (almost) only where another variable has certain codes is mandatory
    under that condition (e.g. Komplikasjonstype where Komplikasjon = 1)."""
    n = counts.n
    best: dict[str, tuple[float, Guess, list[str], float, float]] = {}
    for v in optional:
        for c in conditions:
            if c.name == v.name:
                continue
            cells = _cells(counts, v.name, c.name)
            present_total = sum(p for _, p in cells.values())
            if not present_total:
                continue
            codes = c.codes or {}
            inside = [code for code in cells if isinstance(code, str) and code in codes
                      and cells[code][1] / sum(cells[code]) >= 0.3]
            if not inside or len(inside) == len([x for x in cells if x is not None]):
                continue
            present_in = sum(cells[x][1] for x in inside)
            rows_in = sum(sum(cells[x]) for x in inside)
            outside = present_total - present_in
            if outside / present_total > 0.02 or rows_in >= 0.9 * n:
                continue
            score = present_in / rows_in
            if v.name not in best or score > best[v.name][0]:
                best[v.name] = (score, c, sorted(inside, key=_sort_code), present_in / rows_in,
                                outside / present_total)
    for v in optional:
        if v.name in best:
            _, c, inside, filled, elsewhere = best[v.name]
            values = [x if c.numeric_codes else _sql_text(x) for x in inside]
            cond = (f"{_sql_name(c.name)} = {values[0]}" if len(values) == 1
                    else f"{_sql_name(c.name)} IN ({', '.join(values)})")
            v.mandatory = cond
            v.notes.append(Note("condition", {"condition": cond, "filled": filled,
                                              "elsewhere": elsewhere}, todo=True))


def _sort_code(code: str) -> tuple[int, float, str]:
    return (0, float(code), "") if _is_number(code) else (1, 0.0, code)


# --- the unit table and the coverage references ---------------------------------------------

_UNIT_ID = re.compile(r"^(unitid|reshid|resh|id|enhetid|enhetsid|orgnr|organisasjonsnummer|"
                      r"unit|enhet|avdresh)$")
_UNIT_NAME = re.compile(r"navn|name|sykehus|behandlingssted|hospital")
_HF = re.compile(r"^hf|helseforetak|^trust")
_RHF = re.compile(r"rhf|region")
_PUBLIC_ID = re.compile(r"^[0-9]{1,10}$")  # a unit id that is not a table's may still be shown
_YEAR = re.compile(r"^(aar|år|ar|year|arstall|årstall|aarstall)$")
_COUNT = re.compile(r"^(antall|n|count|antal|number|frekvens|freq|cases|antalltilfeller)$")
_GROUP = re.compile(r"kodegruppe|codegroup|gruppe|group")


def _distinct_text(lf: pl.LazyFrame, column: str, limit: int = 100_000) -> list[str]:
    dtype = lf.collect_schema()[column]
    return (lf.select(as_text(pl.col(column), dtype).drop_nulls().unique().head(limit))
            .collect(engine="streaming").to_series().to_list())


def _split_public(values: list[str]) -> tuple[list[str], int]:
    """(values that may be printed as unit ids — plain numbers of up to 10 digits, as
    dq.units.public shows them — and how many others there are, counted only)."""
    shown = sorted(v for v in values if _PUBLIC_ID.match(v.strip()))
    return shown, len(values) - len(shown)


def infer_units(path: Path, table: Source, inf: Inference) -> UnitsGuess:
    """The unit table's columns (id by overlap with the export's unit ids, which
    ``infer(unit_values=True)`` kept from its pass), and which of the export's units it lacks."""
    df = table.lf.collect()
    texts = {c: {code_text(v) for v in df.get_column(c).drop_nulls().to_list()}
             for c in df.columns}
    exported = set(inf.unit_values)
    overlap: dict[str, int] = {c: len(exported & vals) for c, vals in texts.items()}
    id_col: str | None
    if exported and any(overlap.values()):
        id_col = max(df.columns, key=lambda c: (overlap[c], bool(_UNIT_ID.match(_norm(c)))))
    else:
        id_col = next((c for c in df.columns if _UNIT_ID.match(_norm(c))), None)
    rest = [c for c in df.columns if c != id_col]
    name = next((c for c in rest if _UNIT_NAME.search(_norm(c))), None)
    rest = [c for c in rest if c != name]
    rhf = next((c for c in rest if _RHF.search(_norm(c))), None)
    rest = [c for c in rest if c != rhf]
    hf = next((c for c in rest if _HF.search(_norm(c))), None)
    guess = UnitsGuess(path, id_col, name, hf, rhf)
    lacking = [k for k, v in (("id", id_col), ("name", name), ("hf", hf), ("rhf", rhf)) if v is None]
    if lacking:
        guess.notes.append(Note("units_columns", {"roles": lacking}, todo=True))
    if exported and id_col is not None:
        known = texts[id_col] | ({v.strip().lower() for v in texts[name]} if name else set())
        unmatched = [v for v in exported if v not in known and v.strip().lower() not in known]
        guess.notes.append(Note("units", {"matched": len(exported) - len(unmatched),
                                          "total": len(exported)}))
        guess.notes += _unmatched_notes(unmatched)
    return guess


def _unmatched_notes(unmatched: list[str]) -> list[Note]:
    """Unit ids the unit table lacks: listed when they cannot be patient data, else counted."""
    shown, hidden = _split_public(unmatched)
    notes = [Note("units_unmatched", {"ids": shown[:30]}, todo=True)] if shown else []
    if hidden:
        notes.append(Note("units_unmatched_hidden", {"n": hidden}, todo=True))
    return notes


def infer_coverage(references: list[tuple[Path, Source]], inf: Inference,
                   units: Source | None, unit_guess: UnitsGuess | None) -> CoverageGuess:
    """The references' columns for [coverage.reference]: aggregate counts (unit, year, count,
    code group) or person-level rows for linkage (person, date, unit)."""
    columns: dict[str, str] = {}
    modes: dict[Path, str | None] = {}
    notes: list[Note] = []
    person = inf.roles["person_id"].column
    unit_values: dict[Path, list[str]] = {}
    for path, src in references:
        cols = src.columns
        norm = {c: _norm(c) for c in cols}
        found: dict[str, str] = {}
        unit = next((c for c in cols if UNIT.search(norm[c]) or norm[c] == "behandlingssted"),
                    None)
        if unit:
            found["unit"] = unit
        year = next((c for c in cols if _YEAR.match(norm[c])), None)
        if year:
            found["year"] = year
        n = next((c for c in cols if _COUNT.match(norm[c])), None)
        if n:
            found["n"] = n
        group = next((c for c in cols if _GROUP.search(norm[c]) and c not in found.values()),
                     None)
        if group:
            found["code_group"] = group
        pid = next((c for c in cols if c == person or PERSON.search(norm[c])), None)
        if pid:
            found["person_id"] = pid
        date = next((c for c in cols if c in src.date_formats and c not in found.values()), None)
        if date:
            found["event_date"] = date
            fmt = src.date_formats[date]
            if fmt != inf.date_format:
                found["date_format"] = fmt
        mode = ("aggregate" if "n" in found and "unit" in found else
                "linkage" if "person_id" in found and "event_date" in found else None)
        modes[path] = mode
        if mode is None:
            notes.append(Note("coverage_none", {"files": [path.name]}, todo=True))
            continue
        for k, v in found.items():
            columns.setdefault(k, v)
        if unit:
            unit_values[path] = _distinct_text(src.lf, unit)
    chosen = "aggregate" if "aggregate" in modes.values() else "linkage"
    refs = [p for p, m in modes.items() if m == chosen]
    others = [p for p, m in modes.items() if m is not None and m != chosen]
    unrecognised = [p for p, m in modes.items() if m is None]
    guess = CoverageGuess(chosen, refs, others, columns, notes, unrecognised)
    if not refs:  # none recognised: the notes say why; dq.init writes [coverage] as a comment
        return guess
    guess.notes.insert(0, Note("coverage", {"mode": chosen, "files": [p.name for p in refs]}))
    if others:
        guess.notes.append(Note("coverage_other", {"mode": "linkage",
                                                   "files": [p.name for p in others]}))
    needed = ("unit", "year", "n") if chosen == "aggregate" else ("person_id", "event_date")
    for key in needed:
        if key not in columns:
            guess.notes.append(Note("coverage_column_todo", {"key": key}, todo=True))
    if units is not None and unit_guess is not None and unit_guess.id is not None:
        table = units.lf.collect()
        known = {code_text(v).strip().lower() for c in (unit_guess.id, unit_guess.name) if c
                 for v in table.get_column(c).drop_nulls().to_list()}
        for path in refs:
            values = unit_values.get(path, [])
            unmatched = [v for v in values if v.strip().lower() not in known]
            guess.notes.append(Note("coverage_units", {"matched": len(values) - len(unmatched),
                                                       "total": len(values)}))
            guess.notes += _unmatched_notes(unmatched)
    return guess
