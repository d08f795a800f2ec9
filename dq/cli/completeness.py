"""``dq completeness``: variable completeness per variable, unit and year."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from dq.cli._common import (renderer, CIMethod, CIOption, EncodingOption, Format, FormatOption,
                            InputFormatOption, LangOption, OutputOption, SeparatorOption,
                            SuppressOption, WidthOption, emit, handle_errors, language,
                            plan_outputs, progress, warn)
from dq.cli.inputs import (DataUrlOption, QueryOption, TableOption, database_option, load_spec,
                           open_data, protected)
from dq.messages import Message
from dq.errors import EXIT_CHECK_FAILED
from dq.outputs import reading


@handle_errors
def completeness(
    data: Annotated[Optional[list[Path]], typer.Argument(
        help="completeness.data", show_default=False)] = None,
    spec: Annotated[Optional[Path], typer.Option(
        "--spec", "-s", help="completeness.spec", dir_okay=False)] = None,
    by: Annotated[Optional[str], typer.Option(help="completeness.by")] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    fail_under: Annotated[Optional[float], typer.Option(
        help="completeness.fail_under", min=0.0, max=1.0)] = None,
    min_n: Annotated[Optional[int], typer.Option(help="completeness.min_n", min=0)] = None,
    ci: CIOption = CIMethod.wilson,
    top: Annotated[int, typer.Option(help="completeness.top", min=1, max=100_000)] = 30,
    encoding: EncodingOption = None,
    separator: SeparatorOption = None,
    input_format: InputFormatOption = None,
    suppress: SuppressOption = None,
    width: WidthOption = None,
    lang: LangOption = None,
    data_url: DataUrlOption = None,
    table: TableOption = None,
    query: QueryOption = None,
) -> None:
    from dq import completeness as comp
    from dq import units as units_mod
    from dq.grouping import parse_by, resolve
    from dq.render.tabular import to_csv

    spec_obj = load_spec(spec)
    lang_code = language(lang, spec_obj)
    database = database_option(data_url, table, query, data)
    keys = parse_by(by)
    # Every output is checked against every input before any data is read.
    plan = plan_outputs(protected(spec_obj, reads={"dataset", "units"}, data=data), output)
    with progress(Message("progress.reading")):
        source = open_data(data or [], spec_obj, fmt=input_format, encoding=encoding,
                           separator=separator, hashes=fmt is Format.json, database=database)
    units = None
    if spec_obj.units is not None:
        with reading(spec_obj.units.path):
            units = units_mod.load(spec_obj.units)
    grouping = resolve(keys, spec_obj, source, has_units=units is not None)
    with progress(Message("progress.completeness")):
        result = comp.compute(source, spec_obj, grouping, units=units, fail_under=fail_under,
                              min_n=min_n, ci_method=ci.value)
    # Small cells are hidden once, before any renderer (as dq coverage does).
    suppress_n = suppress if suppress is not None else (5 if fmt is Format.markdown else None)
    shown = comp.published(result, suppress_n or None, units is not None)
    emit(fmt, plan, output, width,
         json=lambda: comp.to_json(result, source.infos, spec_obj, shown),
         csv=lambda: to_csv(shown.rows.drop("suppressed", strict=False)),
         markdown=lambda: renderer("markdown").completeness(shown.result, lang_code, shown.n),
         terminal=lambda console: renderer("terminal").completeness(shown.result, console, top,
                                                                    lang_code, shown.n))
    for message in result.warnings:
        warn(message)
    if result.failed:
        raise typer.Exit(EXIT_CHECK_FAILED)

