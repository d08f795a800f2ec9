"""``dq completeness``: variable completeness per variable, unit and year."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from dq.cli._common import (renderer, CIMethod, CIOption, Format, FormatOption, LangOption, OutputOption,
                            WidthOption, emit, handle_errors, language, plan_outputs, progress,
                            warn)
from dq.cli.inputs import (DataUrlOption, QueryOption, TableOption, database_option, load_spec,
                           open_data, protected)
from dq.messages import Message
from dq.errors import EXIT_CHECK_FAILED
from dq.outputs import reading

HELP = """Variable completeness: for every variable, the share of applicable records with a valid
value (not missing, not an unknown code, not invalid), with a 95 % CI and pass/warn/fail status.

Without a spec every column is checked and only empty values count as missing.
"""


@handle_errors
def completeness(
    data: Annotated[Optional[list[Path]], typer.Argument(
        help="The registry export(s): CSV, Parquet, XLSX, SAV or DTA. Default: [dataset] files "
             "of the spec.", show_default=False)] = None,
    spec: Annotated[Optional[Path], typer.Option(
        "--spec", "-s", help="Registry spec (dq.toml): variables, codes, conditions, thresholds.",
        dir_okay=False)] = None,
    by: Annotated[Optional[str], typer.Option(
        help="Group by roles unit, year, hf, rhf or any column, comma-separated "
             "(e.g. unit,year). Units roll up to HF, RHF and national with a unit table.")] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    fail_under: Annotated[Optional[float], typer.Option(
        help="Fail every mandatory variable whose completeness is below this fraction "
             "(overrides the spec's fail_below).", min=0.0, max=1.0)] = None,
    min_n: Annotated[Optional[int], typer.Option(
        help="Grade only rows with at least this many applicable records (default: the spec's "
             "min_n, else 5); smaller rows are shown as info.", min=0)] = None,
    ci: CIOption = CIMethod.wilson,
    top: Annotated[int, typer.Option(help="Rows shown in the terminal table, worst first.",
                                     min=1, max=100_000)] = 30,
    encoding: Annotated[Optional[str], typer.Option(
        help="CSV encoding: utf-8, cp1252 or latin-1 (default: detected).")] = None,
    separator: Annotated[Optional[str], typer.Option(
        help="CSV separator (default: detected among ; , tab |).")] = None,
    input_format: Annotated[Optional[str], typer.Option(
        help="Override the format the file extension implies: csv, parquet, xlsx, sav, dta.")] = None,
    suppress: Annotated[Optional[int], typer.Option(
        help="Show counts below N as '<N' with secondary suppression (default 5 for markdown, "
             "off otherwise; 0 turns it off).", min=0, max=10_000)] = None,
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


completeness.__doc__ = HELP
