"""``dq coverage``: dekningsgrad against NPR-style reference counts or by record linkage."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from dq.cli._common import (CIMethod, CIOption, Format, FormatOption, OutputOption, WidthOption,
                            handle_errors, progress, render_terminal, write_output)
from dq.cli.inputs import load_spec, open_data
from dq.errors import EXIT_CHECK_FAILED, ConfigError

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
    from dq.io import scan
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
    source = open_data([registry] if registry else [], _without_variables(sp), fmt=None,
                       encoding=None, separator=None, hashes=fmt is Format.json)
    references = [scan(p, prefetch_hash=fmt is Format.json) for p in refs]
    units = units_mod.load(sp.units) if sp.units is not None else None
    with progress("Computing coverage…"):
        result = cov.compute(source, references, sp, units, reg_cols, ref_cols, opts)

    suppress_n = suppress if suppress is not None else (5 if fmt is Format.markdown else None)
    suppress_n = suppress_n or None
    counts = (["n_registry", "n_reference"] if result.mode == "aggregate"
              else ["only_registry", "only_reference", "both", "n_registry", "n_reference",
                    "n_union"])
    rows = result.rows
    if suppress_n:
        period = ["year"] if "year" in result.keys else []
        rows = privacy.suppress(rows, counts, suppress_n, period=period,
                                has_units=units is not None)
        result = _replace_rows(result, rows)
    if fmt is Format.json:
        for info in [*source.infos, *(i for r in references for i in r.infos)]:
            if info.rows is None:
                info.rows = scan_rows(info)
        out_rows = rows
        if suppress_n:
            derived = [c for c in rows.columns if c not in counts and not c.endswith("__hidden")
                       and c not in result.keys and c not in ("target", "status")]
            out_rows = privacy.apply_to_json(rows, counts, derived)
        text = envelope.dumps(envelope.envelope(
            "coverage", [*source.infos, *(i for r in references for i in r.infos)], sp, out_rows,
            mode=result.mode, method=result.method, national=result.national,
            tilslutning=result.tilslutning, not_reporting=result.not_reporting,
            unmatched_registry_units=result.unmatched_registry,
            unmatched_reference_units=result.unmatched_reference,
            loglinear=None if result.loglinear is None else {
                "model": result.loglinear.model, "sources": list(result.loglinear.sources),
                "n_observed": result.loglinear.n_observed, "n_hat": result.loglinear.n_hat,
                "ci_low": result.loglinear.ci_low, "ci_high": result.loglinear.ci_high},
            target=opts.target, fail_on=opts.fail_on, warnings=result.warnings,
            suppression=privacy.rule(suppress_n) if suppress_n else None))
    elif fmt is Format.csv:
        out = rows
        if suppress_n:
            derived = [c for c in rows.columns if c not in counts and not c.endswith("__hidden")
                       and c not in result.keys and c not in ("target", "status")]
            out = privacy.apply_to_json(rows, counts, derived).drop("suppressed")
        text = to_csv(out)
    elif fmt is Format.markdown:
        text = markdown.coverage(result, suppress_n)
    else:
        text = render_terminal(lambda c: terminal.coverage(result, c, top, suppress_n), output,
                               width)
    write_output(text, output)
    if result.failed:
        raise typer.Exit(EXIT_CHECK_FAILED)


def scan_rows(info):  # noqa: ANN001, ANN201
    from dq.io import scan

    return scan(info.path, fmt=info.format, encoding=info.encoding,
                separator=info.separator).lf.select(__import__("polars").len()).collect().item()


def _without_variables(sp):  # noqa: ANN001, ANN202
    """Coverage reads the export for its events only: variables are not checked here."""
    from dataclasses import replace

    return replace(sp, variables={})


def _replace_rows(result, rows):  # noqa: ANN001, ANN202
    from dataclasses import replace

    return replace(result, rows=rows)


coverage.__doc__ = HELP
