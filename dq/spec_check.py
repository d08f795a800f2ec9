"""``dq spec check``: every problem of a spec at once, without running a check.

``dq.spec.load`` stops at the first error, which suits a run but not someone editing a spec. Here
the same validators (``dq.spec.validate``) keep each problem and go on with that key's default,
so one pass lists every problem, the first being the one ``dq.spec.load`` raises: nothing it
refuses can pass here.

Against the data (``--data``), in one streaming pass: columns the spec names that the export
lacks (with the closest names), types the values do not have (a variable typed integer whose
values are mostly not numbers), categorical codes no record holds, and conditions that cannot be
evaluated or are never true. Only names, declared codes and counts are printed: values that are
not declared codes are counted, never shown.

Codes no record holds. A code list written in dq.toml (by hand, or by ``dq init`` from the
export's own values) describes this export: a code in it that no record holds is a typo or a
code the export writes differently, and is a problem (exit 2). A codebook (``[dataset]
codebook``) lists every code of the registry, across years, forms and units: one export may lack
some, so its codes no record holds are only a warning (a problem with ``--strict``). This is why
``dq init`` writes no code list for a variable the codebook defines.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from dq import spec as spec_mod
from dq.messages import Message
from dq.errors import ConfigError, DQError
from dq.io import Source
from dq.io.sniff import safe_name
from dq.io.values import as_date, as_datetime, as_text, number

#: Below this share of registered values having the declared type, the type is wrong (not the
#: data): the values would all be counted invalid.
TYPE_SHARE = 0.5


@dataclass(frozen=True)
class Problem:
    message: str
    level: str = "error"  # "error" (exit 2) or "warning"


@dataclass
class CheckResult:
    path: Path
    problems: list[Problem] = field(default_factory=list)
    variables: int = 0
    data: list[Path] = field(default_factory=list)
    rows: int | None = None
    database: str | None = None  # the [dataset] table or query whose columns were checked

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]


def _said(exc: DQError) -> str:
    """What an error says: its Message (written in the run's language), else its text."""
    return exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)


def structure(path: Path) -> tuple[spec_mod.Spec | None, list[Problem]]:
    """The spec (None when it does not load) and every problem of its structure."""
    loaded, errors = spec_mod.validate(path)
    problems = [Problem(_said(exc)) for exc in errors]
    return loaded, list({p.message: p for p in problems}.values())


def files(sp: spec_mod.Spec) -> list[Problem]:
    """Files the spec names that are not there."""
    name = sp.path.name if sp.path else Message("spec.the_spec")
    named: list[tuple[str, object]] = [("[dataset] files", p) for p in sp.dataset.files]
    named += [("[units] table", sp.units.path if sp.units else None),
              ("[reliability] study", sp.reliability.study),
              ("[correctness] study", sp.correctness.study)]
    named += [("[coverage] references", p) for p in sp.coverage.references]
    return [Problem(Message("spec.check.file_not_found", file=name, field=key,
                            path=safe_name(p)))
            for key, p in named if isinstance(p, Path) and not p.is_file()]  # a database: not a file


def _codebook_codes(sp: spec_mod.Spec) -> dict[str, set[str]]:
    """variable → the codes the spec's codebook declares (none without a codebook)."""
    if sp.dataset.codebook is None:
        return {}
    book = spec_mod.read_codebook(sp.dataset.codebook, spec_mod.Thresholds(), ())
    return {n: set(v.codes or ()) for n, v in book.items()}


def against_data(sp: spec_mod.Spec, source: Source) -> tuple[int, list[Problem]]:
    """(rows, problems) of the spec against an export, in one streaming pass."""
    from dq.conditions import with_conditions

    name = sp.path.name if sp.path else Message("spec.the_spec")
    from_codebook = _codebook_codes(sp)
    columns = source.columns
    present = set(columns)
    problems = missing_columns(sp, columns)
    lf = source.lf
    schema = lf.collect_schema()
    problems += [Problem(m) for m in spec_mod.undated_columns(sp, dict(schema),
                                                              source.date_formats,
                                                              source.numeric_columns)]

    conditions: dict[str, tuple[str, str]] = {}
    if sp.dataset.finished and all(c in present for c in
                                   spec_mod.condition_columns(sp.dataset.finished)):
        conditions["__finished"] = (sp.dataset.finished, "[dataset] finished")
    for i, v in enumerate(sp.variables.values()):
        if v.condition and v.name in present and all(
                c in present for c in spec_mod.condition_columns(v.condition)):
            conditions[f"__cond{i}"] = (v.condition, f"[variables.{v.name}] mandatory")
    if sp.coverage.include and all(c in present for c in
                                   spec_mod.condition_columns(sp.coverage.include)):
        conditions["__include"] = (sp.coverage.include, "[coverage] include")
    for i, cond in enumerate(sp.verification.date_order):
        if all(c in present for c in spec_mod.condition_columns(cond)):
            conditions[f"__order{i}"] = (cond, "[verification] date_order")
    usable: dict[str, tuple[str, str]] = {}
    for key, (cond, where) in conditions.items():
        try:  # each on its own, so every condition that cannot be evaluated is listed
            with_conditions(lf.head(1), sp, source, {key: (cond, where)})
        except ConfigError as exc:
            problems.append(Problem(_said(exc)))
        else:
            usable[key] = (cond, where)
    typed = with_conditions(lf, sp, source, usable) if usable else lf

    aggs: list[pl.Expr] = [pl.len().alias("__rows")]
    aggs += [pl.col(k).sum().alias(k) for k in usable]
    for i, cond in enumerate(sp.verification.date_order):
        key = f"__order{i}"
        if key in usable:
            cols = spec_mod.condition_columns(cond)
            aggs.append(pl.all_horizontal(pl.col(c).is_not_null() for c in cols).sum()
                        .alias(f"{key}_n"))
    checked = []
    for i, v in enumerate(sp.variables.values()):
        if v.name not in present:
            continue
        col, dtype = pl.col(v.name), schema[v.name]
        fmt = source.date_formats.get(v.name) or (sp.dataset.date_format
                                                  if v.type == "date" else None)
        aggs.append(col.is_not_null().sum().alias(f"v{i}_n"))
        if v.type in ("integer", "decimal"):
            aggs.append(number(col, dtype).is_not_null().sum().alias(f"v{i}_ok"))
        elif v.type == "date":
            aggs.append(as_date(col, dtype, fmt).is_not_null().sum().alias(f"v{i}_ok"))
        elif v.type == "datetime":
            aggs.append(as_datetime(col, dtype, fmt).is_not_null().sum().alias(f"v{i}_ok"))
        elif v.type == "categorical" and v.codes:
            text = as_text(col, dtype)
            declared = [*v.codes, *v.unknown,
                        *(str(c) for c in source.info.unknown_codes.get(v.name, []))]
            aggs.append(text.is_in(declared).sum().alias(f"v{i}_ok"))
            # records per declared code: sums stream (unique() would hold the column)
            aggs += [(text == code).sum().alias(f"v{i}_seen{j}")
                     for j, code in enumerate(v.codes)]
        checked.append((i, v))
    # The event date gives every figure its year, read with [dataset] date_format first (as
    # dq.grouping reads it), whatever the column's own type check found.
    event, event_fmt = sp.dataset.event_date, sp.dataset.date_format
    if event and event_fmt and event in schema:
        aggs.append(pl.col(event).is_not_null().sum().alias("__event_n"))
        aggs.append(as_date(pl.col(event), schema[event], event_fmt).is_not_null().sum()
                    .alias("__event_ok"))
    if sp.verification.national_id in present:
        from dq import fnr

        cls, _ = fnr.classify(pl.col(sp.verification.national_id))
        aggs.append(cls.is_in(list(fnr.VALID)).sum().alias("__fnr_ok"))
        aggs.append(pl.col(sp.verification.national_id).is_not_null().sum().alias("__fnr_n"))
    row = typed.select(aggs).collect(engine="streaming").row(0, named=True)
    rows = int(row["__rows"])

    for key, (cond, where) in usable.items():
        if key.startswith("__order"):
            if not row[f"{key}_n"]:
                problems.append(Problem(Message("spec.check.order_never", file=name,
                                                where=where, condition=cond)))
        elif not row[key]:
            problems.append(Problem(Message("spec.check.condition_never", file=name,
                                            where=where, condition=cond, rows=rows)))
    if row.get("__event_n") and int(row["__event_ok"]) / int(row["__event_n"]) < TYPE_SHARE:
        problems.append(Problem(Message(
            "spec.check.event_format", file=name, column=event, fmt=event_fmt,
            share=int(row["__event_ok"]) / int(row["__event_n"]), total=int(row["__event_n"]))))
    for i, v in checked:
        n, ok = int(row[f"v{i}_n"]), row.get(f"v{i}_ok")
        where = f"{name}: [variables.{v.name}]"
        if ok is not None and n and int(ok) / n < TYPE_SHARE:
            share = int(ok) / n
            if v.type == "categorical":
                problems.append(Problem(Message("spec.check.codes_share", where=where,
                                                share=share, total=n)))
            else:
                fix = (Message("spec.check.fix_date_format") if v.type in ("date", "datetime")
                       else Message("spec.check.fix_type"))
                problems.append(Problem(Message("spec.check.type_share", where=where,
                                                type=v.type, share=share, total=n, fix=fix)))
        if v.type == "categorical" and v.codes and n:
            never = [c for j, c in enumerate(v.codes) if not row[f"v{i}_seen{j}"]]
            book = from_codebook.get(v.name, set())
            mine = [c for c in never if c not in book]  # written in dq.toml: an error
            theirs = [c for c in never if c in book]  # the codebook's: allowed, a warning
            if mine:
                problems.append(Problem(Message("spec.check.codes_never_held", where=where,
                                                n=len(mine), codes=_codes(mine))))
            if theirs:
                problems.append(Problem(Message("spec.codebook_codes_never_held",
                                                where=where, n=len(theirs),
                                                shown=_codes(theirs)), "warning"))
    if "__fnr_n" in row and row["__fnr_n"] and row["__fnr_ok"] / row["__fnr_n"] < TYPE_SHARE:
        problems.append(Problem(Message("spec.check.national_id", file=name,
                                        share=row["__fnr_ok"] / row["__fnr_n"],
                                        column=safe_name(sp.verification.national_id))))
    return rows, problems


def _codes(codes: list[str], limit: int = 20) -> str:
    """Declared codes (from the spec or its codebook, never a value of the data) for a message."""
    return ", ".join(safe_name(c) for c in codes[:limit]) + (" …" if len(codes) > limit else "")


def missing_columns(sp: spec_mod.Spec, columns: list[str],
                    noun: str | None = None) -> list[Problem]:
    """The columns the spec names that ``columns`` lacks, each with the closest name."""
    name = sp.path.name if sp.path else Message("spec.the_spec")
    noun = Message("spec.check.the_export") if noun is None else noun
    problems = []
    lower = {c.lower(): c for c in columns}
    for column, keys in sorted(sp.referenced_columns().items()):
        if column not in columns:
            close = [lower[m] for m in difflib.get_close_matches(column.lower(), list(lower),
                                                                 n=1, cutoff=0.6)]
            fix = (Message("spec.check.did_you_mean", name=safe_name(close[0])) if close
                   else Message("spec.check.rename", noun=noun))
            problems.append(Problem(Message("spec.check.column_missing", file=name,
                                            keys=sorted(keys), column=safe_name(column),
                                            noun=noun, fix=fix)))
    return problems


def databases(sp: spec_mod.Spec) -> tuple[str | None, list[Problem]]:
    """The spec's database sources checked without reading a row: one login and a ``LIMIT 0``
    query each. A table (or a column a query names) that is not there is a problem; so is a
    column the spec names that the ``[dataset]`` table lacks. Returns the ``[dataset]`` source's
    label (None when it is no database) and the problems. Other failures (login, server) raise
    InputError (exit 3), as when a command reads the source."""
    from dq.io import database as db

    named: list[tuple[str, object]] = [("[dataset]", sp.dataset.database),
                                       ("[units] table", sp.units.path if sp.units else None),
                                       ("[reliability] study", sp.reliability.study),
                                       ("[correctness] study", sp.correctness.study)]
    named += [("[coverage] references", p) for p in sp.coverage.references]
    problems: list[Problem] = []
    label = None
    for key, src in named:
        if not isinstance(src, db.DatabaseSource):
            continue
        try:
            columns = db.column_names(src)
        except db.NotFound as exc:
            problems.append(Problem(_said(exc)))  # it names the spec's key and the source
            continue
        if key == "[dataset]":
            label = db.label(src, db.connection(src))
            problems += missing_columns(sp, columns, src.target)
    return label, problems


def check(path: Path, data: list[Path], open_data: Callable[..., Source]) -> CheckResult:
    """Every problem of the spec at ``path``, and of the spec against ``data`` when given.
    ``open_data(paths, spec)`` opens the export (the CLI's, which names the file in errors)."""
    sp, problems = structure(path)
    result = CheckResult(path, problems)
    if sp is None:
        return result
    result.variables = len(sp.variables)
    result.problems += files(sp)
    if not data:  # the data are read only with --data: a database is looked at, not read
        result.database, found = databases(sp)
        result.problems += found
    if data:
        result.data = list(data)
        try:
            source = open_data(data, sp)
        except DQError:
            raise
        rows, found = against_data(sp, source)
        result.rows = rows
        result.problems += found
    return result
