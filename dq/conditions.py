"""Evaluate the spec's SQL conditions (finished-form filter, conditional mandatory variables).

Conditions are Polars SQL expressions over column names. CSV columns arrive as text, so the
columns a condition names are first given their type — numbers where the spec (or the data) says
numbers, dates where it says dates — under their own names, the condition is evaluated, and the
raw text is put back. A null comparison counts as "condition not met".
"""

from __future__ import annotations

import polars as pl

from dq.errors import ConfigError, InputError
from dq.io import Source
from dq.io.sniff import safe_name
from dq.io.values import as_date, as_datetime, number
from dq.messages import Message
from dq.spec import Spec, Variable, condition_columns


def _numeric_codes(var: Variable) -> bool:
    if not var.codes:
        return False
    try:
        [float(code) for code in var.codes]
    except ValueError:
        return False
    return True


def typed(name: str, dtype: pl.DataType, spec: Spec, source: Source) -> pl.Expr:
    col = pl.col(name)
    if dtype != pl.String:
        return col
    var = spec.variables.get(name)
    if var is not None:
        if var.type in ("integer", "decimal") or (var.type == "categorical" and _numeric_codes(var)):
            return number(col, dtype)
        if var.type == "date":
            return as_date(col, dtype, source.date_formats.get(name) or spec.dataset.date_format)
        if var.type == "datetime":
            return as_datetime(col, dtype, source.date_formats.get(name))
        return col
    if name in source.date_formats:
        return as_date(col, dtype, source.date_formats[name])
    if name in source.numeric_columns:
        return number(col, dtype)
    return col


UNREADABLE = "__unreadable."


def _type_name(var: Variable | None, name: str, source: Source) -> str:
    if var is not None and var.type in ("date", "datetime"):
        return var.type
    if var is None and name in source.date_formats:
        return "date"
    return "number"


def _missing(spec: Spec, source: Source, where: str, cond: str, name: str,
             columns: list[str]) -> InputError:
    """A condition that names a column the data lack (a misspelt name): the key, the name and
    the nearest column name, never a value."""
    import difflib

    close = difflib.get_close_matches(name, [c for c in columns if not c.startswith("__")], 1)
    hint = Message("condition.did_you_mean", name=close[0]) if close else ""
    files = ", ".join(safe_name(i.path.name) for i in source.infos) or "—"
    return InputError(Message("condition.missing_column", at=_at(spec, where), condition=cond,
                              column=name, file=files, hint=hint,
                              fix=Message("condition.fix_name" if _option(where)
                                          else "condition.fix_name_spec")))


def _kind(dtype: pl.DataType, typed_as: pl.DataType | None) -> str:
    """How a condition sees a column: "date", "number" or "text"."""
    seen = typed_as if typed_as is not None else dtype
    if seen.is_temporal():
        return "date"
    if seen.is_numeric():
        return "number"
    return "text"


def _mismatch(spec: Spec, where: str, cond: str, typed_cols: dict[str, pl.Expr],
              schema: pl.Schema) -> ConfigError:
    """A comparison the columns' types do not allow, with the fix for the kind of column it
    compares: a date with DATE '…', a number with a number, text with text."""
    probe = pl.LazyFrame(schema=schema).select(
        e.alias(n) for n, e in typed_cols.items()).collect_schema()
    kinds = {n: _kind(schema[n], probe.get(n)) for n in typed_cols
             if n in condition_columns(cond)}
    shown = [Message("condition.column_kind", column=n, kind=Message(f"condition.kind.{k}"))
             for n, k in kinds.items()]
    fix = ("date" if "date" in kinds.values() else "number" if "number" in kinds.values()
           else "text")
    of_kind = [n for n, k in kinds.items() if k == fix]
    name = of_kind[0] if len(of_kind) == 1 else "NAME"
    return ConfigError(Message("condition.type", at=_at(spec, where), condition=cond,
                               columns=shown, fix=Message(f"condition.fix.{fix}", name=name)))


def with_conditions(lf: pl.LazyFrame, spec: Spec, source: Source,
                    conditions: dict[str, tuple[str, str]]) -> pl.LazyFrame:
    """Add one boolean column per condition, named by its key.

    ``conditions`` maps key → (SQL condition, where it was written, e.g. "[dataset] finished").
    Each condition is tried on the first row, so a type mismatch ("a text column compared with a
    number") or a condition that is not true/false is a configuration error naming the spec key,
    not a failure halfway through a file.

    For every text column a condition reads as a number or a date, a boolean column
    ``__unreadable.<column>`` is added that is true where the value is registered but cannot be
    read as that type (anywhere in the file, not only in a sample): such a record does not meet
    the condition, and callers count and report these (``unreadable_counts``) rather than let a
    form move silently to "not finished".
    """
    if not conditions:
        return lf
    schema = lf.collect_schema()
    names = sorted({c for cond, _ in conditions.values() for c in condition_columns(cond)})
    for cond, where in conditions.values():
        for name in condition_columns(cond):
            if name not in schema:
                raise _missing(spec, source, where, cond, name, list(schema))
    raw = {n: f"__raw__{n}" for n in names}
    lf = lf.with_columns(pl.col(n).alias(a) for n, a in raw.items())
    typed_cols = {n: typed(n, schema[n], spec, source) for n in names}
    lf = lf.with_columns(e.alias(n) for n, e in typed_cols.items())
    for cond, where in conditions.values():
        cols = ", ".join(condition_columns(cond))
        try:
            out = lf.head(1).select(pl.sql_expr(cond).alias("__c")).collect()
        except pl.exceptions.PolarsError:
            # The engine's message quotes row values: say what is wrong in dq's own words.
            raise _mismatch(spec, where, cond, typed_cols, schema) from None
        if out.schema["__c"] not in (pl.Boolean, pl.Null):
            raise ConfigError(Message("condition.not_boolean", at=_at(spec, where),
                                      condition=cond,
                                      column=condition_columns(cond)[0] if cols else "Status"))
    lf = lf.with_columns(pl.sql_expr(cond).fill_null(False).alias(key)
                         for key, (cond, _) in conditions.items())
    parsed = [n for n in names if schema[n] == pl.String and not typed_cols[n].meta.is_column()]
    lf = lf.with_columns(
        (pl.col(raw[n]).str.strip_chars().str.len_chars().fill_null(0).gt(0)
         & pl.col(n).is_null()).alias(UNREADABLE + n) for n in parsed)
    return lf.with_columns(pl.col(a).alias(n) for n, a in raw.items()).drop(list(raw.values()))


def unreadable_columns(lf: pl.LazyFrame) -> list[str]:
    """The ``__unreadable.<column>`` flags ``with_conditions`` added."""
    return [c for c in lf.collect_schema() if c.startswith(UNREADABLE)]


def unreadable_warnings(counts: dict[str, int], spec: Spec, source: Source) -> list[str]:
    """One sentence per condition column with values that could not be read as its type."""
    out: list[str] = []
    for key, n in sorted(counts.items()):
        if not n:
            continue
        name = key.removeprefix(UNREADABLE)
        kind = _type_name(spec.variables.get(name), name, source)
        out.append(Message("conditions.unreadable", variable=name, n=n,
                           kind=Message(f"type.{kind}")))
    return out


def none_finished(spec: Spec, rows: int, finished: int) -> Message | None:
    """The warning when ``[dataset] finished`` matches none of the ``rows`` records: every
    figure is then over 0 records (a wrong status code, or an export of drafts)."""
    if not spec.dataset.finished or not rows or finished:
        return None
    return Message("finished.none", file=_spec_name(spec), condition=spec.dataset.finished,
                   rows=rows)


def count_finished(source: Source, spec: Spec) -> tuple[int, int]:
    """(records, finished records) of ``source``, in one streamed pass."""
    if not spec.dataset.finished:
        n = int(source.lf.select(pl.len()).collect(engine="streaming").item())
        return n, n
    lf = with_conditions(source.lf, spec, source,
                         {"__finished": (spec.dataset.finished, "[dataset] finished")})
    rows, finished = lf.select(pl.len(), pl.col("__finished").sum()) \
        .collect(engine="streaming").row(0)
    return int(rows), int(finished or 0)


def _spec_name(spec: Spec) -> str:
    return spec.path.name if spec.path else Message("spec.the_spec")


def _option(where: str) -> bool:
    """Whether a condition came from the command line (--where), not from the spec."""
    return where.startswith("--")


def _at(spec: Spec, where: str) -> str:
    """Where a condition was written: "dq.toml: [dataset] finished", or the option."""
    return where if _option(where) else Message("condition.at", spec=_spec_name(spec),
                                                 where=where)
