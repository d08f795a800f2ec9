"""``dq report``: one run, every configured check, organised by the six dimensions."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from dq.cli._common import Lang, handle_errors, progress, render_terminal, write_output
from dq.errors import EXIT_CHECK_FAILED

HELP = """Check a registry against all six national data-quality dimensions in one run:
Kompletthet (tilslutning, dekningsgrad, variable completeness), Korrekthet (values, dates,
duplicates, national ID numbers, code formats, validation against the record), Reliabilitet
(inter-rater study), Aktualitet (registration delay, freshness), Sammenlignbarhet (funnel plots,
shifts between years, codes, ids) and Relevans (documented uses, spec against export).

Everything comes from the spec (dq.toml): the export, the references, the studies and the
thresholds. A dimension without data says what would assess it. Exit code 1 when a check fails
(or warns, with --strict).
"""


class ReportFormat(str, Enum):
    terminal = "terminal"
    json = "json"
    markdown = "markdown"
    html = "html"


@handle_errors
def report(
    spec: Annotated[Path, typer.Argument(help="The registry spec (dq.toml).", dir_okay=False)],
    data: Annotated[Optional[list[Path]], typer.Option(
        "--data", "-d", help="Check this export instead of [dataset] files (e.g. this month's "
                             "dump with the same spec); repeat for several files.",
        dir_okay=False)] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] =
    ReportFormat.terminal,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", dir_okay=False,
                                                   help="Write the report to this file.")] = None,
    junit: Annotated[Optional[Path], typer.Option(dir_okay=False,
                                                  help="Also write JUnit XML here: one testcase "
                                                       "per check × unit.")] = None,
    lang: Annotated[Optional[Lang], typer.Option(help="Language of terminal, Markdown and HTML "
                                                      "(default: [report] lang, else nb).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
    suppress: Annotated[Optional[int], typer.Option(
        help="Hide unit counts below N (default: [report] suppress, 5, in Markdown and HTML; off "
             "in terminal and JSON unless given; 0 turns it off).", min=0)] = None,
    top: Annotated[int, typer.Option(help="Worst units shown per dimension.", min=1)] = 5,
    width: Annotated[Optional[int], typer.Option(help="Terminal width.", min=40)] = None,
) -> None:
    from dq import reliability as rel
    from dq import report as rep
    from dq import units as units_mod
    from dq.cli.inputs import load_spec, open_data
    from dq.io import scan
    from dq.render import report as render

    sp = load_spec(spec)
    language = lang.value if lang else sp.report_lang
    published = fmt in (ReportFormat.markdown, ReportFormat.html)
    suppress_n = suppress if suppress is not None else (sp.report_suppress if published else None)
    suppress_n = suppress_n or None
    with progress("Reading the export and the studies…"):
        source = open_data(list(data or []), replace(sp, variables={}), fmt=None, encoding=None,
                           separator=None, hashes=fmt is not ReportFormat.terminal)
        units = units_mod.load(sp.units) if sp.units is not None else None
        references = [scan(p) for p in sp.coverage.references] or None
        study = None
        if sp.reliability.study is not None:
            rs = sp.reliability
            src = scan(rs.study)
            names = list(rs.variables) or [c for c in src.columns if c not in (rs.case, rs.rater)]
            ratings = rel.ratings_from_long(src, rs.case or "case", rs.rater or "rater", names,
                                            {n: rel.level_of(n, sp, None) for n in names}, spec=sp)
            study = rel.compute(ratings, rs.thresholds)
        validation = None
        if sp.correctness.study is not None:
            from dq import correctness as corr

            validation = corr.read_long(scan(sp.correctness.study))
    with progress("Checking all six dimensions…"):
        result = rep.run(sp, source, units, references=references, study=study,
                         validation=validation)
    # Render everything before writing anything: a failure leaves no partial file.
    if fmt is ReportFormat.json:
        text = render.json_dumps(render.to_json(result, suppress_n))
    elif fmt is ReportFormat.markdown:
        text = render.markdown(result, language, suppress_n)
    elif fmt is ReportFormat.html:
        text = render.to_html(result, language, suppress_n)
    else:
        text = render_terminal(lambda c: render.terminal(result, c, language, top), output, width)
    junit_text = render.junit(result) if junit else None
    write_output(text, output)
    if junit is not None and junit_text is not None:
        write_output(junit_text, junit)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for line in render.github_annotations(result):
            print(line, file=sys.stderr)
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            with open(summary, "a", encoding="utf-8") as fh:
                fh.write(render.markdown(result, language, suppress_n or sp.report_suppress))
    if result.failed or (strict and result.warned):
        raise typer.Exit(EXIT_CHECK_FAILED)


report.__doc__ = HELP
