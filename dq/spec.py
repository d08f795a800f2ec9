"""The registry spec (``dq.toml``): what the data are and what each check expects of them.

The whole spec is validated before any data are read: unknown keys are rejected with the list of
valid ones, types and thresholds are checked, conditions are parsed with Polars' own SQL
expression support. ``Spec.check_columns`` then checks every referenced column against the data.
Errors name the file and the key (``dq.toml: [variables.Alder] min``).
"""

from __future__ import annotations

import hashlib
import math
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, Union

import polars as pl

from dq.errors import ConfigError, InputError
from dq.messages import Message

if TYPE_CHECKING:
    from dq.io.database import DatabaseSource

# Where the spec names a file, it may name a database table or query instead:
# { url = "postgresql://…", table = "…" } or { url = "…", query = "SELECT …" } (dq.io.database).
Location = Union[Path, "DatabaseSource"]

T = TypeVar("T")
D = TypeVar("D")


class Problems:
    """Where the validators report what is wrong. A run (``load``) stops at the first problem;
    ``dq spec check`` (``validate``) keeps each and goes on with that key's default, so one pass
    over the one set of validators lists every problem of the spec."""

    def __init__(self, keep: bool = False) -> None:
        self.keep = keep
        self.errors: list[ConfigError] = []

    def fail(self, message: Message) -> None:
        if not self.keep:
            raise ConfigError(message)
        self.errors.append(ConfigError(message))

    def run(self, check: Callable[[], T], default: D) -> T | D:
        """``check()``, or ``default`` when it raised a ConfigError that is kept."""
        if not self.keep:
            return check()
        try:
            return check()
        except ConfigError as exc:
            self.errors.append(exc)
        except RecursionError:
            self.errors.append(ConfigError(Message("spec.check.nested")))
        return default


RAISE = Problems()  # stops at the first problem: a run's validation

VARIABLE_TYPES = ("categorical", "integer", "decimal", "date", "datetime", "text", "id")
USES = ("quality_indicator", "case_mix", "research", "administration", "other")

_TOP_KEYS = {"dataset", "units", "completeness", "coverage", "reliability", "correctness",
             "verification", "timeliness", "comparability", "checks", "report", "variables"}
_VERIFICATION_KEYS = {"national_id", "duplicate_keys", "date_order", "no_future", "icd10", "ncsp"}
_TIMELINESS_KEYS = {"created", "closed", "limit_days", "warn_below", "fail_below"}
_COMPARABILITY_KEYS = {"variables", "alpha"}
_CHECK_KEYS = {"warn_below", "fail_below", "warn_above", "fail_above", "notes"}
_REPORT_KEYS = {"lang", "suppress", "top_units", "year"}
_DATASET_KEYS = {"name", "files", "url", "table", "query", "format", "encoding", "separator", "person_id", "unit",
                 "event_date", "date_format", "finished", "codebook", "export_date"}
_UNITS_KEYS = {"table", "id", "name", "hf", "rhf"}
_COMPLETENESS_KEYS = {"warn_below", "fail_below", "unknown", "records_warn_below",
                      "records_fail_below", "min_n"}
# The smallest denominator a row is graded on: the results pages' default minimum (domain.md).
DEFAULT_MIN_N = 5
_VARIABLE_KEYS = {"label", "type", "codes", "min", "max", "unknown", "mandatory", "warn_below",
                  "fail_below", "uses", "notes", "level", "tolerance", "kappa_weights"}
LEVELS = ("nominal", "ordinal", "interval", "ratio")

_COVERAGE_KEYS = {"mode", "references", "count", "include", "target", "low", "fail_on", "window",
                  "same_unit", "min_n", "reference"}
_REFERENCE_KEYS = {"unit", "year", "n", "code_group", "code_groups", "person_id", "event_date",
                   "date_format"}
COVERAGE_MODES = ("aggregate", "linkage")
FAIL_ON = ("national", "unit", "any")

# rapwhale's canonical codebook (Rapporteket/rapwhale, data-raw/DATASET.R): variabeltype values.
_CODEBOOK_TYPES = {"kategorisk": "categorical", "numerisk": "integer", "boolsk": "categorical",
                   "dato": "date", "dato_kl": "datetime", "kl": "text", "tekst": "text"}
CODEBOOK_COLUMNS = ("variabel_id", "variabeltype", "min", "maks", "desimalar", "verdi",
                    "verditekst", "obligatorisk")


@dataclass(frozen=True)
class Thresholds:
    warn_below: float | None = None
    fail_below: float | None = None

    def status(self, value: float | None) -> str:
        from dq.grading import status

        return status(value, self.warn_below, self.fail_below)


@dataclass(frozen=True)
class Variable:
    name: str
    type: str = "text"
    label: str | None = None
    codes: dict[str, str] | None = None  # allowed code (as text) → label
    min: float | str | None = None
    max: float | str | None = None
    unknown: tuple[str, ...] = ()
    mandatory: str = "always"  # "always", "never" or a SQL condition over other columns
    thresholds: Thresholds = Thresholds()
    uses: tuple[str, ...] = ()
    notes: str | None = None
    level: str | None = None  # level of measurement for reliability (default from type)
    tolerance: float | None = None  # correctness: numbers (or days) within this are correct
    kappa_weights: tuple[tuple[float, ...], ...] | None = None  # disagreement weights, codes order

    @property
    def condition(self) -> str | None:
        return None if self.mandatory in ("always", "never") else self.mandatory


@dataclass(frozen=True)
class UnitTable:
    path: Location
    id: str = "unit_id"
    name: str = "unit_name"
    hf: str = "hf"
    rhf: str = "rhf"


@dataclass(frozen=True)
class Dataset:
    files: tuple[Path, ...] = ()
    name: str | None = None
    format: str | None = None
    encoding: str | None = None
    separator: str | None = None
    person_id: str | None = None
    unit: str | None = None
    event_date: str | None = None
    date_format: str | None = None
    finished: str | None = None
    export_date: str | None = None
    codebook: Location | None = None
    database: DatabaseSource | None = None  # [dataset] url + table | query, instead of files


@dataclass(frozen=True)
class ReferenceColumns:
    """Column names in the reference (NPR) files; None means: use the command-line default."""

    unit: str | None = None
    year: str | None = None
    n: str | None = None
    code_group: str | None = None
    code_groups: tuple[str, ...] = ()
    person_id: str | None = None
    event_date: str | None = None
    date_format: str | None = None


@dataclass(frozen=True)
class CoverageSpec:
    mode: str | None = None
    references: tuple[Location, ...] = ()
    count: str = "events"  # count registry events, or distinct persons
    include: str | None = None  # inclusion filter on the registry (SQL)
    target: float = 0.80  # national goal (domain.md)
    low: float = 0.60  # "Lav dekningsgrad" on SKDE's results pages
    fail_on: str = "national"
    window: int = 30
    same_unit: bool = False
    min_n: int | None = None
    reference: ReferenceColumns = ReferenceColumns()


_RELIABILITY_KEYS = {"study", "case", "rater", "variables", "thresholds", "period"}
_CORRECTNESS_KEYS = {"study", "patient", "unit", "warn_below", "fail_below", "belongs", "period"}


@dataclass(frozen=True)
class ReliabilitySpec:
    study: Location | None = None
    case: str | None = None
    rater: str | None = None
    variables: tuple[str, ...] = ()
    thresholds: dict[str, Thresholds] = field(default_factory=dict)
    period: str | None = None  # the registrations the study drew from: "2023", "2022–2023"


@dataclass(frozen=True)
class CorrectnessSpec:
    study: Location | None = None
    patient: str | None = None
    unit: str | None = None
    belongs: str | None = None  # column: does the registered patient truly belong (1/0)?
    thresholds: Thresholds = Thresholds(0.90, 0.80)
    period: str | None = None  # the registrations the study drew from: "2023", "2022–2023"


@dataclass(frozen=True)
class VerificationSpec:
    national_id: str | None = None
    duplicate_keys: tuple[str, ...] = ()
    date_order: tuple[str, ...] = ()  # SQL conditions that must hold, e.g. "Bruddato <= Operasjonsdato"
    no_future: tuple[str, ...] = ()  # date columns that cannot lie after the export date
    icd10: tuple[str, ...] = ()
    ncsp: tuple[str, ...] = ()


@dataclass(frozen=True)
class TimelinessSpec:
    created: str | None = None
    closed: str | None = None
    limit_days: int = 30
    thresholds: Thresholds = Thresholds(0.80, 0.60)


@dataclass(frozen=True)
class CheckRule:
    """Thresholds and notes for the checks whose id is this key or starts with it + '.'."""

    warn_below: float | None = None
    fail_below: float | None = None
    warn_above: float | None = None
    fail_above: float | None = None
    notes: str | None = None


@dataclass(frozen=True)
class Spec:
    path: Path | None
    sha256: str | None
    dataset: Dataset = Dataset()
    units: UnitTable | None = None
    thresholds: Thresholds = Thresholds()
    record_thresholds: Thresholds = Thresholds()
    min_n: int = DEFAULT_MIN_N
    coverage: CoverageSpec = CoverageSpec()
    reliability: ReliabilitySpec = ReliabilitySpec()
    correctness: CorrectnessSpec = CorrectnessSpec()
    verification: VerificationSpec = VerificationSpec()
    timeliness: TimelinessSpec = TimelinessSpec()
    comparability_variables: tuple[str, ...] = ()
    comparability_alpha: float = 0.05
    checks: dict[str, CheckRule] = field(default_factory=dict)
    report_lang: str = "nb"
    report_year: int | str | None = None  # None: the latest year with a finished record
    report_suppress: int = 5
    report_top_units: int = 5
    variables: dict[str, Variable] = field(default_factory=dict)

    def manifest(self) -> dict[str, str] | None:
        if self.path is None:
            return None
        return {"path": str(self.path), "sha256": self.sha256 or ""}

    def role(self, name: str) -> str | None:
        """The column a role (``unit``, ``person_id``, ``event_date``) names, if any."""
        return getattr(self.dataset, name, None)

    def referenced_columns(self) -> dict[str, set[str]]:
        """Every data column the spec names, with the keys that name it."""
        refs: dict[str, set[str]] = {}

        def add(column: str | None, key: str) -> None:
            if column:
                refs.setdefault(column, set()).add(key)

        for role in ("person_id", "unit", "event_date"):
            add(getattr(self.dataset, role), f"[dataset] {role}")
        if self.dataset.finished:
            for col in condition_columns(self.dataset.finished):
                add(col, "[dataset] finished")
        v = self.verification
        add(v.national_id, "[verification] national_id")
        for key in ("duplicate_keys", "no_future", "icd10", "ncsp"):
            for col in getattr(v, key):
                add(col, f"[verification] {key}")
        for cond in v.date_order:
            for col in condition_columns(cond):
                add(col, "[verification] date_order")
        add(self.timeliness.created, "[timeliness] created")
        add(self.timeliness.closed, "[timeliness] closed")
        for col in self.comparability_variables:
            add(col, "[comparability] variables")
        if self.coverage.include:
            for col in condition_columns(self.coverage.include):
                add(col, "[coverage] include")
        for var in self.variables.values():
            add(var.name, f"[variables.{var.name}]")
            if var.condition:
                for col in condition_columns(var.condition):
                    add(col, f"[variables.{var.name}] mandatory")
        return refs

    def check_columns(self, columns: list[str], data_path: Path | str) -> None:
        present = set(columns)
        missing = {c: keys for c, keys in self.referenced_columns().items() if c not in present}
        if missing:
            names = ", ".join(f"{c!r} ({', '.join(sorted(k))})" for c, k in sorted(missing.items()))
            where = self.path.name if self.path else Message("spec.the_spec")
            if len(missing) == len(self.referenced_columns()) and len(missing) > 1:
                # Not one named column is there: the first line is probably a data row (an
                # export without its header), so its fields are values and are not shown.
                raise InputError(Message("spec.header_missing", n=len(missing), where=where,
                                         file=str(data_path), fields=len(columns)))
            raise InputError(Message("spec.columns_missing", n=len(missing), where=where,
                                     file=str(data_path), names=names,
                                     shown=[_shown_name(c) for c in columns[:30]],
                                     more=" …" if len(columns) > 30 else ""))


    def check_dates(self, source: Any) -> None:
        """The first key naming a column of numbers as dates (``undated_columns``) as an error.
        ``source``: a dq.io.Source."""
        found = undated_columns(self, dict(source.raw.collect_schema()), source.date_formats,
                                source.numeric_columns)
        if found:
            raise ConfigError(found[0])


_VALUE_LIKE = re.compile(r"\d{5,}|^\s*[\d\s.,:/+-]+\s*$")


def _shown_name(name: str) -> str | Message:
    """A column name as it may be printed: control characters escaped, and a name that looks
    like a value (a long digit run, a number or a date: a data row where a header should be)
    replaced by a placeholder."""
    if _VALUE_LIKE.search(name):
        return Message("spec.value_like_name")
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in name)


def condition_columns(condition: str) -> list[str]:
    return pl.sql_expr(condition).meta.root_names()


def parse_condition(condition: Any, where: str) -> str:
    if not isinstance(condition, str) or not condition.strip():
        raise ConfigError(Message("spec.condition_not_text", where=where))
    hint = Message("spec.condition_hint")
    if re.search(r"\bselect\b", condition, re.IGNORECASE):
        raise ConfigError(Message("spec.condition_subquery", where=where, condition=condition,
                                  hint=hint))
    try:
        expr = pl.sql_expr(condition)
        roots = expr.meta.root_names()
    except Exception as exc:  # polars raises SQLSyntaxError, SQLInterfaceError, ...
        # The parser sees only the spec's own text, never data: its reason may be shown.
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(Message("spec.condition_invalid", where=where, condition=condition,
                                  reason=_sql_reason(first), hint=hint)) from None
    if any(r.startswith("_POLARS") for r in roots):
        raise ConfigError(Message("spec.condition_not_row", where=where, condition=condition,
                                  hint=hint))
    return condition


class ParserWords(Message):
    """A parser's reason dq has no words for. Its English is the parser's own text (it quotes
    the spec, never data); every other language says what kind of error it is, the position
    beside it, rather than put the parser's English inside a sentence in its own words."""

    def __new__(cls, text: str, key: str) -> ParserWords:
        self = str.__new__(cls, text)
        self.key, self.params = key, {}
        return self

    def text(self, lang: str) -> str:
        return str.__str__(self) if lang == "en" else super().text(lang)

    def __reduce__(self) -> tuple[object, ...]:
        return (ParserWords, (str.__str__(self), self.key))


# The SQL parser's reasons dq knows (Polars 1.x–2.x), in the run's language; any other is the
# parser's own text in English and "the SQL parser does not accept it" in Norwegian.
_SQL_REASONS = ((re.compile(r"unable to parse (.*) as Expr$"), "spec.sql.parse"),
                (re.compile(r"unsupported function (.*)$"), "spec.sql.function"),
                (re.compile(r"operator (\S+) is not currently supported$"), "spec.sql.operator"),
                (re.compile(r"invalid expression \(found unexpected token (.*)\)$"),
                 "spec.sql.unexpected"),
                (re.compile(r"LIKE/ILIKE pattern must be a string literal; found (.*)$"),
                 "spec.sql.like"),
                (re.compile(r"datatype (.*) is not currently supported$"), "spec.sql.datatype"),
                (re.compile(r"invalid DATE literal (.*)$"), "spec.sql.date"),
                (re.compile(r"expected an expression \(found (.*) clause\)$"),
                 "spec.sql.clause"))
# sqlparser's own errors, with the position in the condition
_SQL_AT = re.compile(r"^sql parser error: (.*?)\.? at Line: (\d+), Column: (\d+)$")
_SQL_PARSER = ((re.compile(r"Unterminated string literal$"), "spec.sql.string"),
               (re.compile(r"Expected close delimiter (.*) before EOF$"), "spec.sql.delimiter"),
               (re.compile(r"Unexpected EOF while in a multi-line comment$"), "spec.sql.comment"))


def _sql_reason(text: str) -> Message:
    for pattern, key in _SQL_REASONS:
        if found := pattern.match(text):
            return Message(key, what=found.group(1))
    if at := _SQL_AT.match(text):
        reason: Message = ParserWords(at.group(1), "spec.sql.other")
        for pattern, key in _SQL_PARSER:
            if found := pattern.match(at.group(1)):
                reason = Message(key, **({"what": found.group(1)} if pattern.groups else {}))
                break
        return Message("spec.sql.at", reason=reason, column=int(at.group(3)))
    return ParserWords(text, "spec.sql.other")


# tomllib's reasons (Python 3.11–3.13), in the run's language; any other is tomllib's own text
# in English and "invalid TOML syntax" with the position in Norwegian (ParserWords).
_TOML_REASONS = {
    "Cannot overwrite a value": "spec.toml.overwrite",
    "Escaped character is not a Unicode scalar value": "spec.toml.escape",
    "Expected '=' after a key in a key/value pair": "spec.toml.equals",
    "Expected ']' at the end of a table declaration": "spec.toml.table_end",
    "Expected ']]' at the end of an array declaration": "spec.toml.array_table_end",
    "Expected newline or end of document after a statement": "spec.toml.newline",
    "Invalid date or datetime": "spec.toml.date",
    "Invalid hex value": "spec.toml.hex",
    "Invalid initial character for a key part": "spec.toml.key_start",
    "Invalid statement": "spec.toml.statement",
    "Invalid value": "spec.toml.value",
    "Unclosed array": "spec.toml.array",
    "Unclosed inline table": "spec.toml.inline_table",
    "Unescaped '\\' in a string": "spec.toml.backslash",
    "Unterminated string": "spec.toml.string",
}
_TOML_NAMED = ((re.compile(r"Cannot declare (.*) twice$"), "spec.toml.twice"),
               (re.compile(r"Cannot mutate immutable namespace (.*)$"), "spec.toml.immutable"),
               (re.compile(r"Cannot redefine namespace (.*)$"), "spec.toml.redefine"),
               (re.compile(r"Duplicate inline table key (.*)$"), "spec.toml.duplicate"),
               (re.compile(r"Expected (.*)$"), "spec.toml.expected"),
               (re.compile(r"Found invalid character (.*)$"), "spec.toml.character"),
               (re.compile(r"Illegal character (.*)$"), "spec.toml.illegal"))
_TOML_AT = re.compile(r"^(.*) \(at (?:line (\d+), column (\d+)|(end of document))\)$", re.S)


def _toml_error(path: Path, exc: Exception) -> Message:
    """A TOML or encoding error of the spec file in dq's words (tomllib's reason, translated;
    the spec's own text, never data)."""
    if isinstance(exc, UnicodeDecodeError):
        return Message("spec.not_utf8", file=str(path), byte=exc.start + 1)
    text = str(exc)
    found = _TOML_AT.match(text)
    if found is None:
        return Message("spec.not_toml", file=str(path), reason=ParserWords(text, "spec.toml.other"))
    reason_text = found.group(1)
    reason: Message | None = None
    if reason_text in _TOML_REASONS:
        reason = Message(_TOML_REASONS[reason_text])
    else:
        for pattern, key in _TOML_NAMED:
            if named := pattern.match(reason_text):
                reason = Message(key, what=_toml_key(named.group(1)))
                break
    if reason is None:
        reason = ParserWords(reason_text, "spec.toml.other")
    at = (Message("spec.toml.at_end") if found.group(4)
          else Message("spec.toml.at", line=int(found.group(2)), column=int(found.group(3))))
    return Message("spec.not_toml", file=str(path), reason=Message("spec.toml.reason_at",
                                                                   reason=reason, at=at))


def _toml_key(what: str) -> str:
    """A key as tomllib names it, ``('variables', 'Alder')``, as the spec writes it:
    ``'variables.Alder'``."""
    if what.startswith("(") and what.endswith(")"):
        import ast

        try:
            parts = ast.literal_eval(what)
        except (ValueError, SyntaxError):
            return what
        if isinstance(parts, tuple) and all(isinstance(p, str) for p in parts):
            return repr(".".join(parts))
    return what


def _reject_unknown(table: dict[str, Any], valid: set[str], where: str) -> None:
    unknown = sorted(set(table) - valid)
    if unknown:
        raise ConfigError(Message("spec.unknown_keys", where=where, n=len(unknown),
                                  keys=[repr(k) for k in unknown], valid=sorted(valid)))


def parse_date_format(value: str, where: str) -> str:
    """A date format as chrono (Polars) reads it. A format it cannot read gives no error there,
    only null dates, so every date would count as invalid: a date written in the format must
    read back as itself (two dates, so that a format without the day, the month or the year is
    refused)."""
    from dq.io.readers import _DIRECTIVE, _DIRECTIVES  # chrono's, as readers shapes them
    from dq.io.values import as_date

    hint = Message("spec.date_format_hint")
    directives = [m.group(1) for m in _DIRECTIVE.finditer(value)]
    if not directives:
        raise ConfigError(Message("spec.date_format_none", where=where, value=value, hint=hint))
    unknown = [f"%{d}" for d in directives if d not in _DIRECTIVES and d not in _WEEKDAYS]
    if unknown:
        raise ConfigError(Message("spec.date_format_unknown", where=where, value=value,
                                  directives=unknown, n=len(unknown), hint=hint))
    days = [datetime(1987, 11, 23, 13, 45, 30, 123000), datetime(2024, 2, 5, 8, 5, 9, 456000)]
    try:
        written = pl.Series(days).dt.strftime(value)
        read = pl.DataFrame({"d": written}).select(as_date(pl.col("d"), pl.String(), value))
        ok = read.to_series().to_list() == [d.date() for d in days]
    except pl.exceptions.PolarsError:
        ok = False
    if not ok:
        raise ConfigError(Message("spec.date_format_unread", where=where, value=value, hint=hint))
    return value


# chrono's directives that name the weekday or week: they are read but say nothing of the date.
_WEEKDAYS = {"a", "A", "u", "w", "U", "W", "G", "g", "V", "n", "t"}


def date_roles(spec: Spec) -> list[tuple[str, str]]:
    """(key, column) of every key that names a column of dates."""
    roles = [("[dataset] event_date", spec.dataset.event_date),
             *(("[verification] no_future", c) for c in spec.verification.no_future),
             ("[timeliness] created", spec.timeliness.created),
             ("[timeliness] closed", spec.timeliness.closed)]
    return [(key, column) for key, column in roles if column]


def _check_roles(spec: Spec, p: Problems) -> None:
    """Keys that name a variable the spec itself says cannot serve them. All are errors, since
    the run would not say what it got wrong: a number is never after the export date (no_future
    graded pass over every record; a text one stopped the run as unreadable data), an age or a
    code is no registration date (timeliness not assessed), no year comes from a non-date event
    date (every figure by year empty); a misspelt [comparability] variable
    silently drops the comparison asked for (a variable measured is one of [variables] or the
    codebook, when the spec declares any; without them it is a column, checked against the
    data with the others: ``referenced_columns``)."""
    name = spec.path.name if spec.path else Message("spec.the_spec")
    for key, column in date_roles(spec):
        var = spec.variables.get(column)
        if var is None:
            continue
        # no_future compares the values as their type says (dq.conditions.typed): only a date
        # type can be compared; the other keys read the column as dates whatever its type
        # ("text", the default, included), so there only a type saying it holds no dates is.
        if (var.type not in ("date", "datetime") if key == "[verification] no_future"
                else var.type in ("integer", "decimal", "categorical", "id")):
            p.fail(Message("spec.not_a_date", where=f"{name}: {key}", column=column,
                           type=var.type))
    if spec.variables:
        for column in spec.comparability_variables:
            if column not in spec.variables:
                p.fail(Message("spec.not_a_variable", where=f"{name}: [comparability] variables",
                               variable=column, fix=_closest(column, list(spec.variables))))


def _closest(name: str, names: list[str]) -> Message:
    """"Did you mean …?" with the closest of ``names`` (case aside), else how to fix it."""
    import difflib

    lower = {n.lower(): n for n in names}
    close = difflib.get_close_matches(name.lower(), list(lower), n=1, cutoff=0.6)
    if close:
        return Message("spec.check.did_you_mean", name=lower[close[0]])
    return Message("spec.add_variable")


def _digit_dates(fmt: str | None) -> bool:
    """A format whose dates are written in digits alone ("%Y%m%d"): such dates look like numbers."""
    return fmt is not None and datetime(2024, 2, 5).strftime(fmt).isdigit()


def undated_columns(spec: Spec, schema: dict[str, Any], date_formats: dict[str, str],
                    numeric: set[str]) -> list[Message]:
    """Keys naming a column of numbers as dates, for columns [variables] does not type, or types
    "text" (the others are checked on load): every value sampled is a number (``numeric``, or
    a numeric dtype) and none a date, so the date checks on it would measure nothing (see
    ``_check_roles``)."""
    name = spec.path.name if spec.path else Message("spec.the_spec")
    out = []
    for key, column in date_roles(spec):
        var = spec.variables.get(column)
        if (var is not None and var.type != "text") or column not in schema \
                or column in date_formats:
            continue
        dtype = schema[column]
        number = dtype.is_numeric() or (dtype == pl.String and column in numeric)
        if number and not _digit_dates(spec.dataset.date_format):
            out.append(Message("spec.numbers_not_dates", where=f"{name}: {key}", column=column))
    return out


def _reading(key: str, value: str, where: str) -> str:
    """How the export is read ([dataset] format, encoding, separator), refused here as the
    command-line options are when read: a run should not first fail on the data file."""
    from dq.io.readers import FORMATS
    from dq.io.sniff import _ENCODING_ALIASES

    if key == "format" and value not in FORMATS:
        raise ConfigError(Message("spec.dataset_format", where=where, value=value,
                                  formats=FORMATS))
    if key == "encoding" and value.strip().lower().replace("_", "-") not in _ENCODING_ALIASES:
        raise ConfigError(Message("spec.dataset_encoding", where=where, value=value,
                                  valid=sorted(set(_ENCODING_ALIASES.values()))))
    if key == "separator" and (len(value) != 1 or value in ('"', "\n", "\r")):
        raise ConfigError(Message("spec.dataset_separator", where=where, value=value))
    return value


def _export_date(value: str, where: str) -> str:
    """When the export was taken: an ISO date (timeliness and dates after the export use it)."""
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ConfigError(Message("spec.export_date", where=where, value=value)) from None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):  # 3.11 also reads "20240301"
        raise ConfigError(Message("spec.export_date", where=where, value=value))
    return value


def _table(raw: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(Message("spec.not_a_table", where=where, field=key))
    return value


def _fraction(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ConfigError(Message("spec.fraction", where=where, value=value))
    return float(value)


def _thresholds(table: dict[str, Any], where: str, default: Thresholds,
                p: Problems = RAISE) -> Thresholds:
    warn = p.run(lambda: _fraction(table.get("warn_below"), f"{where} warn_below"),
                 default.warn_below)
    fail = p.run(lambda: _fraction(table.get("fail_below"), f"{where} fail_below"),
                 default.fail_below)
    warn = default.warn_below if warn is None and "warn_below" not in table else warn
    fail = default.fail_below if fail is None and "fail_below" not in table else fail
    if warn is not None and fail is not None and fail > warn:
        p.fail(Message("spec.fail_above_warn", where=where, fail=fail, warn=warn))
    return Thresholds(warn, fail)


def code_text(value: Any) -> str:
    """Codes are compared as text: 9, 9.0 and "9" are the same code."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _string_list(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or any(isinstance(v, bool | dict | list) for v in value):
        raise ConfigError(Message("spec.code_list", where=where))
    return tuple(code_text(v) for v in value)


def _variable(name: str, table: Any, where: str, defaults: Thresholds,
              default_unknown: tuple[str, ...], base: Variable | None = None,
              p: Problems = RAISE) -> Variable:
    if not isinstance(table, dict):
        raise ConfigError(Message("spec.variable_not_table", where=where,
                                  keys=sorted(_VARIABLE_KEYS)))
    p.run(lambda: _reject_unknown(table, _VARIABLE_KEYS, where), None)
    base = base or Variable(name=name, unknown=default_unknown, thresholds=defaults)
    vtype = table.get("type", base.type)
    if vtype not in VARIABLE_TYPES:
        p.fail(Message("spec.variable_type", where=where, type=vtype, types=VARIABLE_TYPES))
        vtype = base.type
    codes = base.codes
    if "codes" in table:
        raw = table["codes"]
        if isinstance(raw, dict):
            codes = {code_text(k): str(v) for k, v in raw.items()}
        elif isinstance(raw, list):
            listed = p.run(lambda: _string_list(raw, f"{where} codes"), None)
            codes = codes if listed is None else {c: c for c in listed}
        else:
            p.fail(Message("spec.codes", where=where))
    bounds: dict[str, float | str | None] = {"min": base.min, "max": base.max}
    for key in ("min", "max"):
        if key in table:
            value = table[key]
            if vtype in ("integer", "decimal") and (isinstance(value, bool)
                                                    or not isinstance(value, int | float)):
                p.fail(Message("spec.bound_number", where=where, field=key, value=value))
                continue
            if vtype in ("date", "datetime"):
                value = str(value)
            bounds[key] = value
    lo, hi = bounds["min"], bounds["max"]
    if lo is not None and hi is not None and type(lo) is type(hi) and lo > hi:  # type: ignore[operator]
        p.fail(Message("spec.min_above_max", where=where, min=lo, max=hi))
    mandatory = table.get("mandatory", base.mandatory)
    if isinstance(mandatory, bool):
        mandatory = "always" if mandatory else "never"
    if mandatory not in ("always", "never"):
        mandatory = p.run(lambda: parse_condition(mandatory, f"{where} mandatory"), base.mandatory)
    uses = base.uses
    if "uses" in table:
        uses = p.run(lambda: _string_list(table["uses"], f"{where} uses"), base.uses)
        bad = [u for u in uses if u not in USES]
        if bad:
            p.fail(Message("spec.uses", where=where, n=len(bad), bad=[repr(u) for u in bad],
                           uses=USES))
            uses = tuple(u for u in uses if u in USES)
    unknown = (p.run(lambda: _string_list(table["unknown"], f"{where} unknown"), base.unknown)
               if "unknown" in table else base.unknown)
    if codes and ("unknown" in table or "codes" in table) and unknown != default_unknown:
        both = sorted(set(codes) & set(unknown))
        if both:
            p.fail(Message("spec.code_both", where=where, n=len(both),
                           codes=[repr(c) for c in both]))
    label = table.get("label", base.label)
    notes = table.get("notes", base.notes)
    level = table.get("level", base.level)
    if level is not None and level not in LEVELS:
        p.fail(Message("spec.level", where=where, level=level, levels=LEVELS))
        level = base.level
    kappa_weights = base.kappa_weights
    if "kappa_weights" in table:
        raw_w = table["kappa_weights"]
        q = len(codes or {})
        ok = (isinstance(raw_w, list) and q >= 2 and len(raw_w) == q
              and all(isinstance(r, list) and len(r) == q for r in raw_w)
              and all(isinstance(x, int | float) and not isinstance(x, bool) and x >= 0
                      for r in raw_w for x in r)
              and all(raw_w[i][i] == 0 for i in range(q)))
        if ok:
            kappa_weights = tuple(tuple(float(x) for x in r) for r in raw_w)
        else:
            p.fail(Message("spec.kappa_weights", where=where, q=q))
    tolerance = table.get("tolerance", base.tolerance)
    if tolerance is not None and (isinstance(tolerance, bool)
                                  or not isinstance(tolerance, int | float) or tolerance < 0):
        p.fail(Message("spec.tolerance", where=where))
        tolerance = base.tolerance
    return Variable(name=name, type=vtype, label=None if label is None else str(label),
                    codes=codes, min=lo, max=hi, unknown=unknown, mandatory=mandatory,
                    thresholds=_thresholds(table, where, base.thresholds, p), uses=uses,
                    notes=None if notes is None else str(notes), level=level,
                    kappa_weights=kappa_weights,
                    tolerance=None if tolerance is None else float(tolerance))


def read_codebook(path: Location, defaults: Thresholds,
                  default_unknown: tuple[str, ...]) -> dict[str, Variable]:
    """Variables from a codebook in rapwhale's canonical columns (CSV or XLSX).

    One row per variable, or one row per allowed value for categorical variables (``verdi``,
    ``verditekst``). Optional columns: ``manglande`` ("ja") marks a value as an unknown code,
    ``variabeletikett`` gives the label.
    """
    from dq.io import scan

    df = scan(path, export=False).lf.collect()
    missing = [c for c in ("variabel_id", "variabeltype") if c not in df.columns]
    if missing:
        raise ConfigError(Message("spec.codebook_columns", file=str(path), n=len(missing),
                                  missing=missing, columns=CODEBOOK_COLUMNS))
    df = df.with_columns(pl.col(c).cast(pl.String).str.strip_chars() for c in df.columns)
    empty = df.with_row_index("__line", offset=2).filter(pl.col("variabel_id").is_null())
    if empty.height:
        raise ConfigError(Message("spec.codebook_empty_id", file=str(path), n=empty.height,
                                  lines=empty["__line"].head(5).to_list()))
    out: dict[str, Variable] = {}
    for name, rows in df.group_by("variabel_id", maintain_order=True):
        var_id = str(name[0])
        first = rows.row(0, named=True)
        ctype = (first.get("variabeltype") or "").strip().lower()
        if ctype not in _CODEBOOK_TYPES:
            raise ConfigError(Message("spec.codebook_type", file=str(path), variable=var_id,
                                      type=ctype, types=list(_CODEBOOK_TYPES)))
        types = sorted({(t or "").lower() for t in rows["variabeltype"].to_list()})
        if len(types) > 1:
            raise ConfigError(Message("spec.codebook_types", file=str(path), variable=var_id,
                                      types=types))
        vtype = _CODEBOOK_TYPES[ctype]
        if ctype == "numerisk" and (first.get("desimalar") or "0").strip() not in ("", "0"):
            vtype = "decimal"
        codes = unknown = None
        if vtype == "categorical":
            coded = rows.filter(pl.col("verdi").is_not_null()) if "verdi" in rows.columns else rows.clear()
            if ctype == "boolsk" and coded.is_empty():
                codes = {"0": "Nei", "1": "Ja", "FALSE": "Nei", "TRUE": "Ja"}
            else:
                flagged = (pl.col("manglande").str.to_lowercase().is_in(["ja", "1", "true"])
                           if "manglande" in coded.columns else pl.lit(False))
                valid = [code_text(v) for v in coded.filter(~flagged).get_column("verdi")]
                unknown = [code_text(v) for v in coded.filter(flagged).get_column("verdi")]
                both = sorted(set(valid) & set(unknown))
                repeated = sorted({c for c in valid if valid.count(c) > 1})
                if both or repeated:
                    what = (Message("spec.codebook_code_both", n=len(both), codes=both)
                            if both else Message("spec.codebook_code_repeated", n=len(repeated),
                                                 codes=repeated))
                    raise ConfigError(Message("spec.codebook_codes", file=str(path),
                                              variable=var_id, what=what))
                codes = {code_text(r["verdi"]): r.get("verditekst") or r["verdi"]
                         for r in coded.filter(~flagged).iter_rows(named=True)}

        def num(key: str) -> float | str | None:
            raw = (first.get(key) or "").strip()
            if not raw:
                return None
            if vtype in ("date", "datetime"):
                return raw
            try:
                return float(raw.replace(",", "."))
            except ValueError:
                raise ConfigError(Message("spec.codebook_number", file=str(path),
                                          variable=var_id, field=key, value=raw)) from None

        mandatory = (first.get("obligatorisk") or "").strip().lower()
        table: dict[str, Any] = {"type": vtype, "label": first.get("variabeletikett") or None,
                                 "mandatory": "always" if mandatory in ("ja", "1", "true") else "never"}
        if codes is not None:
            table["codes"] = codes
        if unknown:
            table["unknown"] = unknown
        for key, ckey in (("min", "min"), ("max", "maks")):
            if ckey in first and (value := num(ckey)) is not None:
                table[key] = value
        out[var_id] = _variable(var_id, table, f"{path}: variabel_id {var_id!r}", defaults,
                                default_unknown)
    return out


def load(path: Path | str) -> Spec:
    """Read and validate a spec. Raises ConfigError (exit 2) naming the file and key."""
    spec = _load(Path(path), RAISE)
    assert spec is not None
    return spec


def validate(path: Path | str) -> tuple[Spec | None, list[ConfigError]]:
    """The spec (None when it has a problem) and every problem of it, in the order ``load``
    meets them (so the first is the one ``load`` raises)."""
    p = Problems(keep=True)
    try:
        spec = _load(Path(path), p)
    except ConfigError as exc:  # the file itself (missing, not TOML): nothing more to read
        p.errors.append(exc)
        spec = None
    return (spec if not p.errors else None), p.errors


def _load(path: Path, p: Problems) -> Spec | None:
    if not path.is_file():
        raise ConfigError(Message("spec.not_found_dir" if path.is_dir() else "spec.not_found",
                                  file=str(path)))
    data = path.read_bytes()
    try:
        raw = tomllib.loads(data.decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        message = _toml_error(path, exc)
        raise ConfigError(message) from None
    except RecursionError:
        raise ConfigError(Message("spec.nested", file=str(path))) from None
    name = path.name
    p.run(lambda: _reject_non_finite(raw, name), None)
    p.run(lambda: _reject_unknown(raw, _TOP_KEYS, name), None)
    base = path.parent

    def table(key: str) -> dict[str, Any]:
        return p.run(lambda: _table(raw, key, name), {})

    ds = table("dataset")
    where = f"{name}: [dataset]"
    p.run(lambda: _reject_unknown(ds, _DATASET_KEYS, where), None)
    ds = {k: v for k, v in ds.items() if k in _DATASET_KEYS}
    files = ds.get("files", [])
    if isinstance(files, str):
        files = [files]
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        p.fail(Message("spec.dataset_files", file=name))
        files = []
    text_keys = _DATASET_KEYS - {"files", "url", "table", "query", "codebook"}
    if isinstance(ds.get("export_date"), date) and not isinstance(ds["export_date"], datetime):
        ds["export_date"] = ds["export_date"].isoformat()  # a TOML date: export_date = 2024-03-01
    for key in sorted(text_keys):
        if key in ds and not isinstance(ds[key], str):
            p.fail(Message("spec.expected_text", where=f"{where} {key}:", value=ds[key]))
            del ds[key]
    if "finished" in ds:
        if p.run(lambda: parse_condition(ds["finished"], f"{where} finished"), None) is None:
            del ds["finished"]
    if "date_format" in ds:
        if p.run(lambda: parse_date_format(ds["date_format"], f"{where} date_format"), None) is None:
            del ds["date_format"]
    if "export_date" in ds:
        if p.run(lambda: _export_date(ds["export_date"], f"{where} export_date"), None) is None:
            del ds["export_date"]
    for key in ("format", "encoding", "separator"):  # as --input-format, --encoding, --separator
        if key in ds and p.run(lambda: _reading(key, ds[key], f"{where} {key}"), None) is None:
            del ds[key]
    database = p.run(lambda: _dataset_database(ds, files, name), None)
    codebook = (p.run(lambda: _location(ds["codebook"], f"{where} codebook", base), None)
                if "codebook" in ds else None)
    dataset = Dataset(files=tuple(base / f for f in files), codebook=codebook, database=database,
                      **{k: ds.get(k) for k in text_keys})

    units = None
    ut = table("units")
    if ut:
        p.run(lambda: _reject_unknown(ut, _UNITS_KEYS, f"{name}: [units]"), None)
        if "table" not in ut:
            p.fail(Message("spec.units_table", file=name))
        else:
            located = p.run(lambda: _location(ut["table"], f"{name}: [units] table", base), None)
            if located is not None:
                units = UnitTable(path=located, **{k: str(ut[k]) for k in ("id", "name", "hf",
                                                                           "rhf") if k in ut})

    comp = table("completeness")
    where = f"{name}: [completeness]"
    p.run(lambda: _reject_unknown(comp, _COMPLETENESS_KEYS, where), None)
    thresholds = _thresholds(comp, where, Thresholds(), p)
    default_unknown = p.run(lambda: _string_list(comp.get("unknown", []), f"{where} unknown"), ())
    min_n = comp.get("min_n", DEFAULT_MIN_N)
    if isinstance(min_n, bool) or not isinstance(min_n, int) or min_n < 0:
        p.fail(Message("spec.min_n", file=name, value=min_n))
        min_n = DEFAULT_MIN_N
    record_thresholds = _thresholds(
        {k.removeprefix("records_"): v for k, v in comp.items() if k.startswith("records_")},
        f"{where} records_", Thresholds(), p)

    coverage = _coverage(table("coverage"), name, base, p)
    reliability = _reliability(table("reliability"), name, base, p)
    correctness = _correctness(table("correctness"), name, base, p)
    extra = _report_sections(raw, name, p)

    variables: dict[str, Variable] = {}
    if codebook is not None:
        if isinstance(codebook, Path) and not codebook.is_file():
            p.fail(Message("spec.codebook_not_found", file=name, codebook=str(codebook)))
        else:
            variables = p.run(lambda: read_codebook(codebook, thresholds, default_unknown), {})
    for vname, vtable in table("variables").items():
        found = p.run(lambda: _variable(vname, vtable, f"{name}: [variables.{vname}]",
                                        thresholds, default_unknown, base=variables.get(vname),
                                        p=p), None)
        if found is not None:
            variables[vname] = found
    spec = Spec(path=path, sha256=hashlib.sha256(data).hexdigest(), dataset=dataset, units=units,
                thresholds=thresholds, record_thresholds=record_thresholds, min_n=min_n,
                coverage=coverage, reliability=reliability, correctness=correctness,
                variables=variables, **extra)
    _check_roles(spec, p)
    return spec


def _reject_non_finite(value: Any, where: str, key: str = "", depth: int = 0) -> None:
    """nan and inf are valid TOML but no threshold, bound or count of dq: refuse them wherever
    they stand, naming the key, rather than grade against them or write them into JSON."""
    if depth > 32:
        raise ConfigError(Message("spec.nested_key", where=where,
                                  field=key or Message("spec.the_spec")))
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(Message("spec.not_finite", where=where, field=key, value=str(value)))
    if isinstance(value, dict):
        for k, v in value.items():
            _reject_non_finite(v, where, f"{key}.{k}" if key else str(k), depth + 1)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _reject_non_finite(v, where, f"{key}[{i}]", depth + 1)


def _count(value: Any, where: str, most: int = 10**9) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
        raise ConfigError(Message("spec.whole_number", where=where, most=most, value=value))
    return value


def _coverage(table: dict[str, Any], name: str, base: Path,
              p: Problems = RAISE) -> CoverageSpec:
    where = f"{name}: [coverage]"
    default = CoverageSpec()
    p.run(lambda: _reject_unknown(table, _COVERAGE_KEYS, where), None)
    mode = table.get("mode")
    if mode is not None and mode not in COVERAGE_MODES:
        p.fail(Message("spec.coverage_mode", where=where, mode=mode))
        mode = None
    refs = table.get("references", [])
    refs = [refs] if isinstance(refs, str | dict) else refs
    if not isinstance(refs, list) or not all(isinstance(r, str | dict) for r in refs):
        p.fail(Message("spec.references", where=where))
        refs = []
    count = table.get("count", "events")
    if count not in ("events", "persons"):
        p.fail(Message("spec.coverage_count", where=where, count=count))
        count = default.count
    fail_on = table.get("fail_on", "national")
    if fail_on not in FAIL_ON:
        p.fail(Message("spec.fail_on", where=where, fail_on=fail_on, choices=FAIL_ON))
        fail_on = default.fail_on
    include = table.get("include")
    if include is not None:
        include = p.run(lambda: parse_condition(include, f"{where} include"), None)
    target = p.run(lambda: _fraction(table.get("target", 0.80), f"{where} target"),
                   default.target)
    low = p.run(lambda: _fraction(table.get("low", 0.60), f"{where} low"), default.low)
    assert target is not None and low is not None
    same_unit = table.get("same_unit", False)
    if not isinstance(same_unit, bool):
        p.fail(Message("spec.same_unit", where=where))
        same_unit = default.same_unit
    ref = table.get("reference", {})
    if not isinstance(ref, dict):
        p.fail(Message("spec.reference_table", where=where))
        ref = {}
    p.run(lambda: _reject_unknown(ref, _REFERENCE_KEYS, f"{where}.reference"), None)
    ref = {k: v for k, v in ref.items() if k in _REFERENCE_KEYS}
    for key, value in list(ref.items()):
        if key != "code_groups" and not isinstance(value, str):
            p.fail(Message("spec.reference_column", where=where, field=key, value=value))
            del ref[key]
    if "date_format" in ref:
        if p.run(lambda: parse_date_format(ref["date_format"],
                                           f"{where}.reference date_format"), None) is None:
            del ref["date_format"]
    columns = ReferenceColumns(
        **{k: v for k, v in ref.items() if k != "code_groups"},
        code_groups=p.run(lambda: _string_list(ref.get("code_groups", []),
                                               f"{where}.reference code_groups"), ()))
    located = [p.run(lambda: _location(r, f"{where} references", base), None) for r in refs]
    return CoverageSpec(
        mode=mode, references=tuple(r for r in located if r is not None),
        count=count, include=include,
        target=target, low=low, fail_on=fail_on,
        window=p.run(lambda: _count(table.get("window", 30), f"{where} window", 3650),
                     default.window),
        same_unit=same_unit,
        min_n=(p.run(lambda: _count(table["min_n"], f"{where} min_n"), None)
               if "min_n" in table else None),
        reference=columns)


def _location(value: Any, where: str, base: Path) -> Location:
    """A file (a path, relative to the spec's folder) or a database source (an inline table
    ``{ url = "…", table = "…" }`` or ``{ url = "…", query = "SELECT …" }``)."""
    if isinstance(value, str) and value.strip():
        return base / value
    if isinstance(value, dict):
        from dq.io.database import from_spec

        if "url" not in value:
            raise ConfigError(Message("spec.database_url", where=where))
        return from_spec(value, where)
    raise ConfigError(Message("spec.location", where=where))


def _study(table: dict[str, Any], where: str, base: Path,
           p: Problems = RAISE) -> Location | None:
    value = table.get("study")
    return (None if value is None or value == ""
            else p.run(lambda: _location(value, f"{where} study", base), None))


def _dataset_database(ds: dict[str, Any], files: list[str], name: str) -> DatabaseSource | None:
    """``[dataset] url`` with ``table`` or ``query``: the export is read from the database."""
    where = f"{name}: [dataset]"
    given = [k for k in ("url", "table", "query") if k in ds]
    if not given:
        return None
    if "url" not in ds:
        raise ConfigError(Message("spec.dataset_url", where=where, field=given[0]))
    if files:
        raise ConfigError(Message("spec.dataset_twice", where=where))
    from dq.io.database import from_spec

    return from_spec({k: ds[k] for k in given}, where)


def _text(table: dict[str, Any], key: str, where: str, p: Problems = RAISE) -> str | None:
    value = table.get(key)
    if value is not None and not isinstance(value, str):
        p.fail(Message("spec.expected_text", where=f"{where} {key}:", value=value))
        return None
    return value


def _period(table: dict[str, Any], where: str, p: Problems = RAISE) -> str | None:
    """A study's period, the years of the registrations it drew from: a year (2023) or a span
    ("2022–2023"), written with an en dash. A study's figures carry it as every other figure
    carries its year (domain.md: say the period of every figure)."""
    import re

    value = table.get("period")
    if value is None:
        return None
    text = str(value).strip() if isinstance(value, int | str) and not isinstance(value, bool) \
        else ""
    m = re.fullmatch(r"(\d{4})(?:\s*[–-]\s*(\d{4}))?", text)
    if m is None or not 1900 <= int(m[1]) <= int(m[2] or m[1]) <= 2100:
        p.fail(Message("spec.period", where=f"{where} period", value=value))
        return None
    return m[1] if m[2] is None or m[2] == m[1] else f"{m[1]}–{m[2]}"


def _reliability(table: dict[str, Any], name: str, base: Path,
                 p: Problems = RAISE) -> ReliabilitySpec:
    where = f"{name}: [reliability]"
    p.run(lambda: _reject_unknown(table, _RELIABILITY_KEYS, where), None)
    study = _study(table, where, base, p)
    variables = table.get("variables", [])
    if not isinstance(variables, list) or not all(isinstance(v, str) for v in variables):
        p.fail(Message("spec.column_list", where=f"{where} variables"))
        variables = []
    thresholds = {}
    raw = table.get("thresholds", {})
    if not isinstance(raw, dict):
        p.fail(Message("spec.reliability_thresholds", where=where))
        raw = {}
    if raw:  # the statistics' names live with their code (numpy, SciPy): loaded only when needed
        from dq.reliability import STATISTICS

        known = sorted({s for stats in STATISTICS.values() for s in stats})
    for stat, t in raw.items():
        if stat not in known:
            p.fail(Message("spec.unknown_statistic", where=where, statistic=stat, known=known))
            continue
        if not isinstance(t, dict):
            p.fail(Message("spec.statistic_table", where=where, statistic=stat))
            continue
        p.run(lambda: _reject_unknown(t, {"warn_below", "fail_below"},
                                      f"{where}.thresholds.{stat}"), None)
        thresholds[stat] = _thresholds(t, f"{where}.thresholds.{stat}", Thresholds(), p)
    return ReliabilitySpec(study=study, case=_text(table, "case", where, p),
                           rater=_text(table, "rater", where, p), variables=tuple(variables),
                           thresholds=thresholds, period=_period(table, where, p))


def _correctness(table: dict[str, Any], name: str, base: Path,
                 p: Problems = RAISE) -> CorrectnessSpec:
    where = f"{name}: [correctness]"
    p.run(lambda: _reject_unknown(table, _CORRECTNESS_KEYS, where), None)
    return CorrectnessSpec(study=_study(table, where, base, p),
                           patient=_text(table, "patient", where, p),
                           unit=_text(table, "unit", where, p),
                           belongs=_text(table, "belongs", where, p),
                           thresholds=_thresholds(table, where, Thresholds(0.90, 0.80), p),
                           period=_period(table, where, p))


def _columns_list(table: dict[str, Any], key: str, where: str,
                  p: Problems = RAISE) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        p.fail(Message("spec.column_list", where=f"{where} {key}"))
        return ()
    return tuple(value)


def _report_sections(raw: dict[str, Any], name: str, p: Problems = RAISE) -> dict[str, Any]:
    def table(key: str) -> dict[str, Any]:
        return p.run(lambda: _table(raw, key, name), {})

    ver = table("verification")
    where = f"{name}: [verification]"
    p.run(lambda: _reject_unknown(ver, _VERIFICATION_KEYS, where), None)
    date_order = tuple(cond for cond in _columns_list(ver, "date_order", where, p)
                       if p.run(lambda: parse_condition(cond, f"{where} date_order"), None))
    verification = VerificationSpec(
        national_id=_text(ver, "national_id", where, p),
        duplicate_keys=_columns_list(ver, "duplicate_keys", where, p),
        date_order=date_order,
        no_future=_columns_list(ver, "no_future", where, p),
        icd10=_columns_list(ver, "icd10", where, p), ncsp=_columns_list(ver, "ncsp", where, p))
    tim = table("timeliness")
    where = f"{name}: [timeliness]"
    default_tim = TimelinessSpec()
    p.run(lambda: _reject_unknown(tim, _TIMELINESS_KEYS, where), None)
    timeliness = TimelinessSpec(
        created=_text(tim, "created", where, p), closed=_text(tim, "closed", where, p),
        limit_days=p.run(lambda: _count(tim.get("limit_days", 30), f"{where} limit_days"),
                         default_tim.limit_days),
        thresholds=_thresholds(tim, where, default_tim.thresholds, p))
    comp = table("comparability")
    where = f"{name}: [comparability]"
    p.run(lambda: _reject_unknown(comp, _COMPARABILITY_KEYS, where), None)
    alpha = p.run(lambda: _fraction(comp.get("alpha", 0.05), f"{where} alpha"), 0.05)
    comparability_variables = _columns_list(comp, "variables", where, p)
    checks = {}
    for key, rule in table("checks").items():
        w = f"{name}: [checks.\"{key}\"]"
        if not isinstance(rule, dict):
            p.fail(Message("spec.check_table", where=w, keys=sorted(_CHECK_KEYS)))
            continue
        p.run(lambda: _reject_unknown(rule, _CHECK_KEYS, w), None)
        values = {}
        for k in ("warn_below", "fail_below", "warn_above", "fail_above"):
            v = rule.get(k)
            if v is not None and (isinstance(v, bool) or not isinstance(v, int | float) or v < 0):
                p.fail(Message("spec.check_value", where=w, field=k, value=v))
                v = None
            elif v is not None and k.endswith("below") and v > 1:
                p.fail(Message("spec.check_fraction", where=w, field=k, value=v))
                v = None
            values[k] = None if v is None else float(v)
        checks[key] = CheckRule(**values, notes=_text(rule, "notes", w, p))
    rep = table("report")
    where = f"{name}: [report]"
    p.run(lambda: _reject_unknown(rep, _REPORT_KEYS, where), None)
    lang = rep.get("lang", "nb")
    if lang not in ("nb", "en"):
        p.fail(Message("spec.lang", where=where, lang=lang))
        lang = "nb"
    return {"verification": verification, "timeliness": timeliness,
            "comparability_variables": comparability_variables,
            "comparability_alpha": alpha if alpha is not None else 0.05, "checks": checks,
            "report_lang": lang,
            "report_year": p.run(lambda: _year(rep.get("year"), f"{where} year"), None),
            "report_suppress": p.run(lambda: _count(rep.get("suppress", 5), f"{where} suppress",
                                                    10_000), 5),
            "report_top_units": p.run(lambda: _count(rep.get("top_units", 5),
                                                     f"{where} top_units", 100_000), 5)}


def _year(value: Any, where: str) -> int | str | None:
    if value is None or value == "all":
        return value
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2100:
        raise ConfigError(Message("spec.year", where=where, value=value))
    return value


def empty() -> Spec:
    return Spec(path=None, sha256=None)


def study_period(path: object, spec_study: object, period: str | None) -> str | None:
    """The spec's period for its own study (``[reliability] period``, ``[correctness]
    period``); none for another file named on the command line."""
    if period is None or spec_study is None:
        return None
    if isinstance(path, str):
        path = Path(path)
    if isinstance(path, Path) and isinstance(spec_study, Path):
        return period if path.resolve() == spec_study.resolve() else None
    return period if path == spec_study else None
