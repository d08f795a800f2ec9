"""Infer a registry spec from an export: what ``dq init`` writes into a first ``dq.toml``.

One streaming pass profiles every column (missing, distinct values, numbers, dates in each format
registries write, fødselsnummer by the check-digit rule of :mod:`dq.fnr`, text shape); a second
streaming pass over a few chosen columns looks at relations (a variable filled in only under a
condition, date orders). Everything the profile holds stays in memory: what leaves this module is
an :class:`Inference` of decisions, each with its evidence as a catalogue key and counts.

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
from dq.io.readers import DATE_FORMATS, DATETIME_FORMATS
from dq.io.values import as_date, as_datetime, as_text, number
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
    """What one pass learned about a column. ``top`` holds values in memory only."""

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


def _shapes(lf: pl.LazyFrame, schema: pl.Schema) -> dict[str, set[str]]:
    """Which costly measures a text column needs, from the first rows: date formats only where
    a value looks like a date, the fødselsnummer rule where one has 11 digits, ICD-10/NCSP where
    one starts like a code. A column without values in the sample gets them all."""
    text = [n for n, t in schema.items() if t == pl.String]
    if not text:
        return {}
    sample = lf.select(text).head(SAMPLE_ROWS).collect()
    shapes: dict[str, set[str]] = {}
    flags = sample.select(
        *(pl.col(n).str.contains(_DATE_LIKE).any().alias(f"d{i}") for i, n in enumerate(text)),
        *(pl.col(n).str.contains(_ELEVEN).any().alias(f"f{i}") for i, n in enumerate(text)),
        *(pl.col(n).str.contains(_CODE_LIKE).any().alias(f"c{i}") for i, n in enumerate(text)),
        *(pl.col(n).is_not_null().any().alias(f"v{i}") for i, n in enumerate(text)),
    ).row(0, named=True)
    for i, n in enumerate(text):
        if not flags[f"v{i}"]:
            shapes[n] = {"date", "fnr", "code"}
        else:
            shapes[n] = {k for k, key in (("date", "d"), ("fnr", "f"), ("code", "c"))
                         if flags[f"{key}{i}"]}
    return shapes


SAMPLE_ROWS = 10_000


def _profile_exprs(name: str, dtype: pl.DataType, shapes: set[str]) -> dict[str, pl.Expr]:
    col = pl.col(name)
    text = as_text(col, dtype)
    num = number(col, dtype)
    sentinel_values = [float(s) for s in UNKNOWN_NUMBERS]
    core = num.filter(~num.is_in(sentinel_values))
    exprs: dict[str, pl.Expr] = {
        "missing": col.is_null().sum(),
        "distinct": text.drop_nulls().n_unique(),
        "top": text.drop_nulls().value_counts(sort=True).head(TOP_VALUES).implode(),
        "numbers": num.is_not_null().sum(),
        "integers": (num == num.round(0)).sum(),
        "num_min": num.min(),
        "num_max": num.max(),
        "core_min": core.min(),
        "core_max": core.max(),
        "max_len": text.str.len_chars().max(),
        "with_space": text.str.contains(r"\s").sum(),
    }
    if "code" in shapes:
        exprs["icd10"] = text.str.to_uppercase().str.contains(ICD10.pattern).sum()
        exprs["ncsp"] = text.str.to_uppercase().str.contains(NCSP.pattern).sum()
    for s in UNKNOWN_NUMBERS:
        exprs[f"sentinel{s}"] = (num == float(s)).sum()
    exprs["na"] = (text.filter(text.str.to_uppercase().is_in(list(NA_TOKENS)))
                   .value_counts().implode())
    if "fnr" in shapes or dtype.is_integer():
        cls, _ = fnr.classify(text)
        exprs["fnr_valid"] = cls.is_in(list(fnr.VALID)).sum()
    if dtype == pl.String and "date" in shapes:
        for fmt in (*DATE_FORMATS, *DATETIME_FORMATS):
            parse = as_date if fmt in DATE_FORMATS else as_datetime
            exprs[f"date|{fmt}"] = parse(col, dtype, fmt).is_not_null().sum()
    elif dtype == pl.Date:
        exprs["date|date"] = col.is_not_null().sum()
    elif isinstance(dtype, pl.Datetime):
        exprs["date|datetime"] = col.is_not_null().sum()
    if dtype.is_temporal() or (dtype == pl.String and "date" in shapes):
        year = as_date(col, dtype).dt.year()
        exprs["year_min"] = year.min()
        exprs["year_max"] = year.max()
    return exprs


def profile(source: Source) -> tuple[int, list[Profile]]:
    """(rows, one profile per column) from one streaming pass over the export (after a look at
    its first rows to leave out measures a column cannot need)."""
    lf = source.lf
    schema = lf.collect_schema()
    shapes = _shapes(lf, schema)
    aggs: list[pl.Expr] = [pl.len().alias("__rows")]
    for i, (name, dtype) in enumerate(schema.items()):
        exprs = _profile_exprs(name, dtype, shapes.get(name, set()))
        aggs += [e.alias(f"{i}|{k}") for k, e in exprs.items()]
    row = lf.select(aggs).collect(engine="streaming").row(0, named=True)
    rows = int(row["__rows"])
    out = []
    for i, (name, dtype) in enumerate(schema.items()):
        def get(key: str, i: int = i) -> Any:
            return row.get(f"{i}|{key}")

        top = tuple((str(d[next(k for k in d if k != "count")]), int(d["count"]))
                    for d in (get("top") or []))
        na = {str(d[next(k for k in d if k != "count")]): int(d["count"])
              for d in (get("na") or [])}
        dates = {k.split("|", 2)[2]: int(v) for k, v in row.items()
                 if k.startswith(f"{i}|date|") and v}

        def fin(v: Any) -> float | None:
            return float(v) if v is not None and math.isfinite(float(v)) else None

        out.append(Profile(
            name=name, dtype=dtype, rows=rows, missing=int(get("missing")),
            distinct=int(get("distinct") or 0), top=top, numbers=int(get("numbers") or 0),
            integers=int(get("integers") or 0), num_min=fin(get("num_min")),
            num_max=fin(get("num_max")),
            sentinels={s: int(get(f"sentinel{s}") or 0) for s in UNKNOWN_NUMBERS},
            core_min=fin(get("core_min")), core_max=fin(get("core_max")), dates=dates,
            year_min=get("year_min"), year_max=get("year_max"),
            fnr_valid=int(get("fnr_valid") or 0), na=na, max_len=int(get("max_len") or 0),
            with_space=int(get("with_space") or 0), icd10=int(get("icd10") or 0),
            ncsp=int(get("ncsp") or 0)))
    return rows, out


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
        g.notes.append(Note("id_number", {"distinct": p.distinct}))
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
        if unknown:
            g.notes.append(Note("unknown_guess", {"codes": unknown,
                                                  "n": sum(p.sentinels[u] for u in unknown)},
                                todo=True))
        return
    # text: an identifier (many distinct values, no spaces) or free text
    if p.distinct >= 0.5 * p.present and p.with_space == 0 and p.max_len <= 40:
        g.type = "id"
        g.notes.append(Note("id_text", {"distinct": p.distinct}))
    else:
        g.type = "text"
        g.notes.append(Note("free_text", {"distinct": p.distinct}))


def _name_score(name: str) -> int:
    n = _norm(name)
    for score, pattern in EVENT_NAMES:
        if pattern.search(n):
            return score
    return 0


def infer(source: Source, *, codebook: dict[str, Variable] | None = None,
          codebook_path: Path | None = None) -> Inference:
    """Every decision of ``dq init`` about one export (and its codebook)."""
    info = source.info
    rows, profiles = profile(source)
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
                                                           "records": p.present},
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
        roles["unit"] = Role(u.name, [Note("unit", {"distinct": u.distinct})])
    else:
        roles["unit"] = Role(None, [Note("no_unit", {}, todo=True)])

    # form status and the value that means finished
    statuses = [p for p in profiles if STATUS.search(_norm(p.name)) and p.present
                and p.distinct <= 6]
    finished = finished_code = None
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

    # finished records only, for the missingness of each variable
    finished_expr = None
    if finished is not None:
        status_col = roles["status"].column
        assert status_col is not None and finished_code is not None
        dtype = source.lf.collect_schema()[status_col]
        finished_expr = (as_text(pl.col(status_col), dtype) == finished_code).fill_null(False)

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
    _relations(source, inference, by_name, date_types, finished_expr, codebook)

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


def _relations(source: Source, inf: Inference, by_name: dict[str, Profile],
               date_types: dict[str, tuple[str | None, str | None]],
               finished: pl.Expr | None, codebook: dict[str, Variable]) -> None:
    """The second pass: missingness over finished records, conditions under which a variable is
    filled in, and date orders that hold."""
    lf = source.lf
    schema = lf.collect_schema()
    guesses = {g.name: g for g in inf.variables}
    conditions = [g for g in guesses.values() if g.type == "categorical" and g.codes
                  and len(g.codes) <= 10 and g.name != inf.roles["status"].column]
    if finished is not None:
        lf = lf.filter(finished)
    dates = [n for n, (t, _) in date_types.items() if t == "date"][:10]
    aggs: list[pl.Expr] = [pl.len().alias("__n")]
    for i, name in enumerate(inf.columns):
        aggs.append(pl.col(name).is_null().sum().alias(f"m{i}"))
    pairs: list[tuple[str, str]] = []
    for a in dates:
        for b in dates:
            if a != b:
                pairs.append((a, b))
    parsed = {n: as_date(pl.col(n), schema[n], date_types[n][1]) for n in dates}
    for k, (a, b) in enumerate(pairs):
        known = parsed[a].is_not_null() & parsed[b].is_not_null()
        aggs.append(known.sum().alias(f"b{k}"))
        aggs.append((known & (parsed[a] <= parsed[b])).sum().alias(f"o{k}"))
    row = lf.select(aggs).collect(engine="streaming").row(0, named=True)
    n_finished = int(row["__n"])
    if not n_finished:
        return

    optional: list[Guess] = []
    for i, name in enumerate(inf.columns):
        g = guesses[name]
        missing = int(row[f"m{i}"])
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
    if optional and conditions:
        # bounded for wide exports: the few-coded candidates first (yes/no questions)
        candidates = sorted(conditions, key=lambda c: len(c.codes or {}))[:MAX_CONDITIONS]
        _conditions(lf, schema, optional[:MAX_OPTIONAL], candidates, n_finished)
    for g in optional:
        if g.mandatory is None and (g.name not in codebook
                                    or codebook[g.name].mandatory == "always"):
            g.mandatory = "never"
            g.notes.append(Note("optional", {}, todo=True))

    shares: dict[tuple[str, str], tuple[float, int]] = {}
    for k, (a, b) in enumerate(pairs):
        both, ok = int(row[f"b{k}"]), int(row[f"o{k}"])
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


def _conditions(lf: pl.LazyFrame, schema: pl.Schema, optional: list[Guess],
                conditions: list[Guess], n: int) -> None:
    """A variable filled in (almost) only where another variable has certain codes is mandatory
    under that condition (e.g. Komplikasjonstype where Komplikasjon = 1)."""
    aggs: list[pl.Expr] = []
    keys: list[tuple[Guess, Guess]] = []
    for v in optional:
        for c in conditions:
            if c.name == v.name:
                continue
            key = f"{len(keys)}"
            keys.append((v, c))
            aggs.append(pl.struct(as_text(pl.col(c.name), schema[c.name]).alias("c"),
                                  pl.col(v.name).is_not_null().alias("p"))
                        .value_counts().implode().alias(key))
    if not aggs:
        return
    row = lf.select(aggs).collect(engine="streaming").row(0, named=True)
    best: dict[str, tuple[float, Guess, list[str], float, float]] = {}
    for k, (v, c) in enumerate(keys):
        cells: dict[str | None, list[int]] = {}
        for d in row[str(k)]:
            key = next(x for x in d if x != "count")
            cell = d[key]
            cells.setdefault(cell["c"], [0, 0])[1 if cell["p"] else 0] += int(d["count"])
        present_total = sum(p for _, p in cells.values())
        if not present_total:
            continue
        codes = c.codes or {}
        inside = [code for code in cells if code is not None and code in codes
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


def infer_units(path: Path, table: Source, inf: Inference, export: Source) -> UnitsGuess:
    """The unit table's columns (id by overlap with the export's unit ids), and which of the
    export's units it lacks."""
    df = table.lf.collect()
    texts = {c: {code_text(v) for v in df.get_column(c).drop_nulls().to_list()}
             for c in df.columns}
    unit_col = inf.roles["unit"].column
    exported = set(_distinct_text(export.lf, unit_col)) if unit_col else set()
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
        shown, hidden = _split_public(unmatched)
        if shown:
            guess.notes.append(Note("units_unmatched", {"ids": shown[:30]}, todo=True))
        if hidden:
            guess.notes.append(Note("units_unmatched_hidden", {"n": hidden}, todo=True))
    return guess


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
            notes.append(Note("coverage_none", {}, todo=True))
            continue
        for k, v in found.items():
            columns.setdefault(k, v)
        if unit:
            unit_values[path] = _distinct_text(src.lf, unit)
    chosen = "aggregate" if "aggregate" in modes.values() else "linkage"
    refs = [p for p, m in modes.items() if m == chosen]
    others = [p for p, m in modes.items() if m is not None and m != chosen]
    guess = CoverageGuess(chosen, refs, others, columns, notes)
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
            shown, hidden = _split_public(unmatched)
            if shown:
                guess.notes.append(Note("units_unmatched", {"ids": shown[:30]}, todo=True))
            if hidden:
                guess.notes.append(Note("units_unmatched_hidden", {"n": hidden}, todo=True))
    return guess
