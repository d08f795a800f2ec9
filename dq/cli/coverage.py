"""``dq coverage``: dekningsgrad against NPR-style reference counts or by record linkage."""

from __future__ import annotations

from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from dq.cli._common import (renderer, CIMethod, CIOption, Format, FormatOption, LangOption,
                            OutputOption, SpecOption, SuppressOption, WidthOption, emit,
                            handle_errors, language, plan_outputs, progress, warn)
from dq.cli.inputs import (DataUrlOption, QueryOption, TableOption, database_option, load_spec,
                           open_data, protected, scan_input)
from dq.messages import Message
from dq.errors import EXIT_CHECK_FAILED, ConfigError
from dq.outputs import Input, reading, reads


class Mode(str, Enum):
    aggregate = "aggregate"
    linkage = "linkage"


class FailOn(str, Enum):
    national = "national"
    unit = "unit"
    any = "any"


class Count(str, Enum):
    events = "events"
    persons = "persons"


@handle_errors
def coverage(
    registry: Annotated[Optional[Path], typer.Argument(
        help="coverage.registry", show_default=False)] = None,
    reference: Annotated[Optional[list[Path]], typer.Option(
        "--reference", "-r", help="coverage.reference")] = None,
    spec: SpecOption = None,
    mode: Annotated[Optional[Mode], typer.Option(help="coverage.mode")] = None,
    by: Annotated[str, typer.Option(help="coverage.by")] = "unit",
    window: Annotated[Optional[int], typer.Option(help="coverage.window", min=0,
                                                  max=3650)] = None,
    same_unit: Annotated[Optional[bool], typer.Option(
        "--same-unit/--any-unit", help="coverage.same_unit")] = None,
    target: Annotated[Optional[float], typer.Option(
        help="coverage.target", min=0.0, max=1.0)] = None,
    fail_on: Annotated[Optional[FailOn], typer.Option(help="coverage.fail_on")] = None,
    count_what: Annotated[Optional[Count], typer.Option(
        "--registry-count", help="coverage.registry_count")] = None,
    suppress: SuppressOption = None,
    person: Annotated[Optional[str], typer.Option(help="coverage.person")] = None,
    unit: Annotated[Optional[str], typer.Option(help="coverage.unit")] = None,
    date: Annotated[Optional[str], typer.Option(help="coverage.date")] = None,
    count: Annotated[Optional[str], typer.Option(help="coverage.count")] = None,
    year: Annotated[Optional[str], typer.Option(help="coverage.year")] = None,
    min_n: Annotated[Optional[int], typer.Option(help="coverage.min_n", min=0)] = None,
    ci: CIOption = CIMethod.wilson,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    top: Annotated[int, typer.Option(help="coverage.top", min=1, max=100_000)] = 30,
    width: WidthOption = None,
    lang: LangOption = None,
    data_url: DataUrlOption = None,
    table: TableOption = None,
    query: QueryOption = None,
) -> None:
    from dq import coverage as cov
    from dq import units as units_mod
    from dq.grouping import parse_by
    from dq.render.tabular import to_csv

    sp = load_spec(spec)
    lang_code = language(lang, sp)
    database = database_option(data_url, table, query, [registry] if registry else None)
    cs = sp.coverage
    keys = parse_by(by)
    bad = [k for k in keys if k not in ("unit", "hf", "rhf", "year")]
    if bad:
        raise ConfigError(Message("coverage.by_levels", keys=", ".join(bad)))
    refs = list(reference or cs.references)
    if not refs:
        raise ConfigError(Message("coverage.no_reference"))
    reg_cols, ref_cols, opts = cov.setup(
        sp, mode=mode.value if mode else None, keys=tuple(keys), window=window,
        same_unit=same_unit, target=target, fail_on=fail_on.value if fail_on else None,
        count=count_what.value if count_what else None, min_n=min_n, ci_method=ci.value,
        person=person, unit=unit, date=date, n=count, year=year)
    # Every output is checked against every input before any data is read.
    plan = plan_outputs([*(Input(p, reads("reference")) for p in refs),
                         *protected(sp, reads={"dataset", "units"},
                                    data=[registry] if registry else None)], output)
    with progress(Message("progress.reading")):
        source = open_data([registry] if registry else [], replace(sp, variables={}), fmt=None,
                           encoding=None, separator=None, hashes=fmt is Format.json,
                           database=database)
    references = [scan_input(p, prefetch_hash=fmt is Format.json) for p in refs]
    units = None
    if sp.units is not None:
        with reading(sp.units.path):
            units = units_mod.load(sp.units)
    with progress(Message("progress.coverage")):
        result = cov.compute(source, references, sp, units, reg_cols, ref_cols, opts)

    suppress_n = suppress if suppress is not None else (5 if fmt is Format.markdown else None)
    suppress_n = suppress_n or None
    result, machine_rows = cov.published(result, suppress_n, units is not None)

    names = [p.name for p in refs]

    def to_json() -> str:
        return cov.to_json(result, machine_rows, [source, *references], sp, suppress_n)

    emit(fmt, plan, output, width, json=to_json,
         csv=lambda: to_csv(machine_rows.drop("suppressed", strict=False)),
         markdown=lambda: renderer("markdown").coverage(result, suppress_n, lang_code, names),
         terminal=lambda c: renderer("terminal").coverage(result, c, top, suppress_n, lang_code,
                                                            names))
    for message in result.warnings:  # diagnostics go to stderr, never into the document
        warn(message)
    if result.failed:
        raise typer.Exit(EXIT_CHECK_FAILED)

