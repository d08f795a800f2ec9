"""``dq report``: one run, every configured check, organised by the six dimensions."""

from __future__ import annotations

import os
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from dq.cli._common import (Lang, handle_errors, plan_outputs, progress, render_terminal, say,
                            speak, step_summary_request, warn)
from dq.messages import Message
from dq.errors import EXIT_CHECK_FAILED, ConfigError, os_reason
from dq.cli.inputs import DataUrlOption, QueryOption, TableOption
from dq.outputs import Request, plan, reading

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
    table = "table"  # the same as terminal: every command takes both names
    json = "json"
    csv = "csv"  # the results rows, as in the JSON
    markdown = "markdown"
    html = "html"


@handle_errors
def report(
    spec: Annotated[Optional[Path], typer.Argument(
        help="The registry spec (dq.toml); or --spec, as in the other commands.",
        dir_okay=False, show_default=False)] = None,
    spec_option: Annotated[Optional[Path], typer.Option(
        "--spec", "-s", help="The registry spec (dq.toml), instead of the argument.",
        dir_okay=False)] = None,
    data: Annotated[Optional[list[Path]], typer.Option(
        "--data", "-d", help="Check this export instead of [dataset] files (e.g. this month's "
                             "dump with the same spec); repeat for several files.",
        dir_okay=False)] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] =
    ReportFormat.terminal,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="Write the report to this file (whole, or not at all); - is "
                               "stdout. Never an input, a directory or a block device.")] = None,
    junit: Annotated[Optional[Path], typer.Option(
        help="Also write JUnit XML here: one testcase per check × unit. Written together with "
             "the report: both or neither.")] = None,
    lang: Annotated[Optional[Lang], typer.Option(help="Language of terminal, Markdown and HTML "
                                                      "(default: [report] lang, else nb).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
    suppress: Annotated[Optional[int], typer.Option(
        help="Hide unit counts below N (default: [report] suppress, 5, in Markdown and HTML; off "
             "in terminal and JSON unless given; 0 turns it off).", min=0, max=10_000)] = None,
    year: Annotated[Optional[str], typer.Option(
        "--year", metavar="YYYY|all",
        help="The report year: checks of the registry's state are graded on it, beside the year "
             "before and the trend (default: [report] year, else the latest year with a "
             "finished record); all pools every year.")] = None,
    figures: Annotated[Optional[Path], typer.Option(
        "--figures", metavar="DIR",
        help="Also write the report's figures into this folder (created if missing) as SVG, "
             "and PNG when CairoSVG is installed (pip install 'dq[png]'); the Markdown links "
             "them. Each file is written whole; an input is never overwritten.",
        file_okay=False)] = None,
    top: Annotated[int, typer.Option(
        help="Main findings shown in the terminal: 2 × N, the most important first.", min=1,
        max=100_000)] = 5,
    width: Annotated[Optional[int], typer.Option(help="Terminal width.", min=40, max=1000)] = None,
    data_url: DataUrlOption = None,
    table: TableOption = None,
    query: QueryOption = None,
) -> None:
    from dq import report as rep
    from dq import units as units_mod
    from dq.cli.inputs import database_option, load_spec, open_data, protected, scan_input
    from dq.publish import in_words, publish
    from dq.render import report as render

    if spec is not None and spec_option is not None and spec != spec_option:
        raise ConfigError(Message("input.spec_twice"))
    spec = spec or spec_option
    if spec is None:
        raise ConfigError(Message("input.report_needs_spec"))
    sp = load_spec(spec)
    database = database_option(data_url, table, query, data)
    language = speak(lang.value if lang else sp.report_lang)
    published = fmt in (ReportFormat.markdown, ReportFormat.html)
    suppress_n = suppress if suppress is not None else (sp.report_suppress if published else None)
    suppress_n = suppress_n or None
    # Every output (the report, --junit, the GitHub step summary) is checked against every input
    # and against each other before any data is read.
    summary = step_summary_request()
    protects = protected(sp, reads={"dataset", "units", "references", "reliability",
                                    "correctness"}, data=data)
    plan_ = plan_outputs(
        protects,
        output, Request("--junit", junit) if junit is not None else None, summary)
    figure_folder = _figure_folder(figures) if figures is not None else None
    with progress(Message("progress.reading_studies")):
        source = open_data(list(data or []), replace(sp, variables={}), fmt=None, encoding=None,
                           separator=None,
                           hashes=fmt not in (ReportFormat.terminal, ReportFormat.table),
                           database=database)
        units = None
        if sp.units is not None:
            with reading(sp.units.path):
                units = units_mod.load(sp.units)
        studies = rep.open_studies(sp, scan=scan_input)
    with progress(Message("progress.report")):
        result = rep.run(sp, source, units, year=year, **studies)
    # One publish step, then every format renders the published report; everything is rendered
    # before anything is written. CI outputs (JUnit, annotations, step summary) are published
    # documents: they use the report's rule even when the main format shows every cell; so are
    # the --figures files.
    shown = publish(result, suppress_n)
    ci_n = suppress_n or sp.report_suppress
    for_ci = shown if ci_n == suppress_n else publish(result, ci_n)
    # People's formats name dq's own unit groups in the report's language; JSON, CSV and JUnit
    # keep the contract's tokens.
    read, read_ci = in_words(shown, language), in_words(for_ci, language)
    figure_texts: dict[str, str | bytes] = {}
    if figure_folder is not None:
        from dq.render import figures as figs
        from dq.render.chapter import build
        from dq.render.report_markdown import report_figures

        drawn = report_figures(read_ci, build(read_ci), language)
        figure_texts, rasterised = figs.files(drawn)
        if not rasterised:
            warn(Message("report.figures_svg_only"))
        # The figure files join the outputs planned before reading: every one is checked
        # against the inputs and the other outputs again, all together.
        plan_ = plan(protects, [*(t.request for t in plan_.targets),
                                *(Request(f"--figures {name}", figure_folder / name)
                                  for name in figure_texts)])
    if fmt is ReportFormat.json:
        text = render.json_dumps(render.to_json(shown))
    elif fmt is ReportFormat.csv:
        from dq.render.tabular import results_csv

        text = results_csv(render.to_json(shown)["results"])
    elif fmt is ReportFormat.markdown:
        text = render.markdown(read, language, _link(figure_folder, output))
    elif fmt is ReportFormat.html:
        text = render.to_html(read, language)
    else:
        text = render_terminal(lambda c: render.terminal(read, c, language, top), output, width)
    texts: dict[str, str | bytes] = {"--output": text}
    if junit is not None:
        texts["--junit"] = render.junit(for_ci, strict=strict, lang=language)
    if summary is not None:
        texts[summary.option] = render.markdown(read_ci, language)
    annotations = (render.github_annotations(read_ci, language)
                   if os.environ.get("GITHUB_ACTIONS") == "true" else [])
    texts.update({f"--figures {name}": value for name, value in figure_texts.items()})
    for message in plan_.commit(texts):
        warn(message)
    for line in annotations:  # workflow commands, on stderr like every other message
        say(line)
    # Diagnostics go to stderr, never into the report; the κ paradox is explained in the
    # terminal, Markdown and HTML report itself, so only JSON users get it here too. Warnings
    # that are catalogue messages (dq.messages.Message) are written in the report's language.
    shown_warnings = result.warnings if fmt is ReportFormat.json else [
        w for w in result.warnings if getattr(w, "key", None) != "reliability.paradox"]
    for message in shown_warnings[:10]:
        warn(message)
    if len(shown_warnings) > 10:
        warn(Message("report.more_warnings", n=len(shown_warnings) - 10))
    code = EXIT_CHECK_FAILED if result.failed or (strict and result.warned) else 0
    say(render.verdict_line(result, language, code))  # the CI log's one-line verdict
    if code:
        raise typer.Exit(code)


def _figure_folder(folder: Path) -> Path:
    """The --figures folder, created when missing (its parent must exist); never a file."""
    if folder.exists() and not folder.is_dir():
        raise ConfigError(Message("input.figures_is_file", folder=folder))
    if not folder.exists():
        if not folder.parent.is_dir():
            raise ConfigError(Message("input.figures_no_parent", folder=folder,
                                      parent=folder.parent))
        try:
            folder.mkdir()
        except OSError as exc:
            raise ConfigError(Message("input.figures_create", folder=folder,
                                      why=os_reason(exc))) from None
    return folder


def _link(folder: Path | None, output: Path | None) -> str | None:
    """The figure folder as the Markdown should name it: relative to the Markdown file."""
    if folder is None:
        return None
    if output is None or str(output) == "-":
        return folder.as_posix()
    return Path(os.path.relpath(folder.resolve(), output.resolve().parent)).as_posix()


report.__doc__ = HELP
