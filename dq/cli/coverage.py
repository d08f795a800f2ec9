"""``dq coverage``: dekningsgrad against NPR-style reference counts or by record linkage."""

from __future__ import annotations

from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from dq.cli._common import (CIMethod, CIOption, Format, FormatOption, OutputOption, WidthOption,
                            emit, handle_errors, plan_outputs, progress)
from dq.cli.inputs import load_spec, open_data, protected, scan_input
from dq.errors import EXIT_CHECK_FAILED, ConfigError
from dq.outputs import Input, reading

HELP = """Coverage (dekningsgrad) of the registry against a reference such as NPR.

aggregate mode: the reference holds counts per unit and year; coverage = registry events /
reference count, per unit and year, rolled up to HF, RHF and national, with tilslutning
(reporting units / units in the reference).

linkage mode: the reference holds one row per event; events are linked on person id within
±--window days (0 = same day; --same-unit to require the same unit). Each event is matched at
most once: pairs are taken nearest date first, ties by the earlier event. Reports only-registry,
only-reference and both per unit, DG for each source, and Chapman's capture-recapture estimate
(three or more sources: a log-linear model).

Without a spec, the columns are person_id, unit, event_date, n and year in both files, or as
--person, --unit, --date, --count and --year name them. No person id is ever printed.
"""


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
        help="The registry export. Default: [dataset] files of the spec.",
        show_default=False)] = None,
    reference: Annotated[Optional[list[Path]], typer.Option(
        "--reference", "-r", help="Reference file (NPR counts or extract); repeat for more "
             "sources. Default: [coverage] references of the spec.")] = None,
    spec: Annotated[Optional[Path], typer.Option("--spec", "-s", help="Registry spec (dq.toml).",
                                                 dir_okay=False)] = None,
    mode: Annotated[Optional[Mode], typer.Option(help="aggregate (reference counts) or linkage "
                                                      "(person-level reference).")] = None,
    by: Annotated[str, typer.Option(help="unit, hf, rhf and/or year, comma-separated; units roll "
                                         "up to HF, RHF and national.")] = "unit",
    window: Annotated[Optional[int], typer.Option(help="Linkage window in days (± around the "
                                                       "event date; default 30).", min=0)] = None,
    same_unit: Annotated[Optional[bool], typer.Option(
        "--same-unit/--any-unit", help="Linkage: require the same unit.")] = None,
    target: Annotated[Optional[float], typer.Option(
        help="Coverage target (default 0.80, the national goal).", min=0.0, max=1.0)] = None,
    fail_on: Annotated[Optional[FailOn], typer.Option(
        help="Exit 1 when the national figure, any unit, or either misses the target "
             "(default national).")] = None,
    count_what: Annotated[Optional[Count], typer.Option(
        "--registry-count", help="Count registry events or distinct persons.")] = None,
    suppress: Annotated[Optional[int], typer.Option(
        help="Show counts below N as '<N' with secondary suppression (default 5 for markdown, "
             "off otherwise; 0 turns it off).", min=0)] = None,
    person: Annotated[Optional[str], typer.Option(help="Person id column.")] = None,
    unit: Annotated[Optional[str], typer.Option(help="Unit column.")] = None,
    date: Annotated[Optional[str], typer.Option(help="Event date column.")] = None,
    count: Annotated[Optional[str], typer.Option(help="Reference count column.")] = None,
    year: Annotated[Optional[str], typer.Option(help="Reference year column.")] = None,
    min_n: Annotated[Optional[int], typer.Option(
        help="Grade only rows whose denominator is at least this (default 5).", min=0)] = None,
    ci: CIOption = CIMethod.wilson,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    top: Annotated[int, typer.Option(help="Rows in the terminal table, worst first.", min=1)] = 30,
    width: WidthOption = None,
) -> None:
    from dq import coverage as cov
    from dq import privacy
    from dq import units as units_mod
    from dq.grouping import parse_by
    from dq.render import envelope, markdown, terminal
    from dq.render.tabular import to_csv

    sp = load_spec(spec)
    cs = sp.coverage
    keys = parse_by(by)
    bad = [k for k in keys if k not in ("unit", "hf", "rhf", "year")]
    if bad:
        raise ConfigError(f"--by {', '.join(bad)}: coverage groups by unit, hf, rhf and year")
    refs = list(reference or cs.references)
    if not refs:
        raise ConfigError("no reference: pass --reference FILE or set [coverage] references")
    ds, rc = sp.dataset, cs.reference
    reg_cols = cov.RegistryColumns(person=person or ds.person_id or "person_id",
                                   unit=unit or ds.unit or "unit",
                                   date=date or ds.event_date or "event_date",
                                   date_format=ds.date_format)
    ref_cols = cov.ReferenceColumns(
        person=person or rc.person_id or ds.person_id or "person_id",
        unit=unit or rc.unit or ds.unit or "unit",
        date=date or rc.event_date or ds.event_date or "event_date",
        n=count or rc.n or "n", year=year or rc.year or "year", code_group=rc.code_group,
        code_groups=rc.code_groups, date_format=rc.date_format)
    the_mode = (mode.value if mode else cs.mode) or "aggregate"
    opts = cov.Options(
        mode=the_mode, keys=tuple(keys), window=cs.window if window is None else window,
        same_unit=cs.same_unit if same_unit is None else same_unit,
        target=cs.target if target is None else target, low=cs.low,
        fail_on=fail_on.value if fail_on else cs.fail_on,
        count=count_what.value if count_what else cs.count, include=cs.include,
        min_n=min_n if min_n is not None else (cs.min_n if cs.min_n is not None else sp.min_n),
        ci_method=ci.value)
    # Every output is checked against every input before any data is read.
    plan = plan_outputs([*(Input(p, "a reference this command reads") for p in refs),
                         *protected(sp, reads={"dataset", "units"},
                                    data=[registry] if registry else None)], output)
    source = open_data([registry] if registry else [], replace(sp, variables={}), fmt=None,
                       encoding=None, separator=None, hashes=fmt is Format.json)
    references = [scan_input(p, prefetch_hash=fmt is Format.json) for p in refs]
    units = None
    if sp.units is not None:
        with reading(sp.units.path):
            units = units_mod.load(sp.units)
    with progress("Computing coverage…"):
        result = cov.compute(source, references, sp, units, reg_cols, ref_cols, opts)

    suppress_n = suppress if suppress is not None else (5 if fmt is Format.markdown else None)
    suppress_n = suppress_n or None
    counts = result.count_columns
    rows = result.rows
    if suppress_n:
        period = ["year"] if "year" in result.keys else []
        rows = privacy.suppress(rows, counts, suppress_n, period=period,
                                has_units=units is not None)
        result = replace(result, rows=rows)
    inputs = [*source.infos, *(i for r in references for i in r.infos)]
    machine_rows = rows  # JSON and CSV: hidden counts and their figures become null
    if suppress_n:
        derived = privacy.derived_columns(rows, counts, result.keys)
        machine_rows = privacy.apply_to_json(rows, counts, derived)

    def to_json() -> str:
        for info in inputs:
            if info.rows is None:
                info.rows = scan_rows(info)
        ll = result.loglinear
        return envelope.dumps(envelope.envelope(
            "coverage", inputs, sp, machine_rows, mode=result.mode, method=result.method,
            national=result.national, tilslutning=result.tilslutning,
            not_reporting=result.not_reporting,
            unmatched_registry_units=result.unmatched_registry,
            unmatched_reference_units=result.unmatched_reference,
            loglinear=None if ll is None else {
                "model": ll.model, "sources": list(ll.sources), "n_observed": ll.n_observed,
                "n_hat": ll.n_hat, "ci_low": ll.ci_low, "ci_high": ll.ci_high},
            target=opts.target, fail_on=opts.fail_on, warnings=result.warnings,
            suppression=privacy.rule(suppress_n) if suppress_n else None))

    emit(fmt, plan, output, width, json=to_json,
         csv=lambda: to_csv(machine_rows.drop("suppressed", strict=False)),
         markdown=lambda: markdown.coverage(result, suppress_n),
         terminal=lambda c: terminal.coverage(result, c, top, suppress_n))
    if result.failed:
        raise typer.Exit(EXIT_CHECK_FAILED)


def scan_rows(info):  # noqa: ANN001, ANN201
    from dq.io import scan

    return scan(info.path, fmt=info.format, encoding=info.encoding,
                separator=info.separator).lf.select(__import__("polars").len()).collect().item()


coverage.__doc__ = HELP
