"""``dq report``: one run, every configured check, organised by the six dimensions."""

from __future__ import annotations

import os
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from dq.cli._common import (Lang, WidthOption, handle_errors, plan_outputs, progress,
                            render_terminal, say, speak, step_summary_request, warn)
from dq.messages import Message
from dq.errors import EXIT_CHECK_FAILED, ConfigError, os_reason
from dq.cli.inputs import DataUrlOption, QueryOption, TableOption
from dq.outputs import Request, plan, reading


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
        help="report.spec", dir_okay=False, show_default=False)] = None,
    spec_option: Annotated[Optional[Path], typer.Option(
        "--spec", "-s", help="report.spec_option", dir_okay=False)] = None,
    data: Annotated[Optional[list[Path]], typer.Option(
        "--data", "-d", help="report.data", dir_okay=False)] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="option.format")] =
    ReportFormat.terminal,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="report.output")] = None,
    junit: Annotated[Optional[Path], typer.Option(help="report.junit")] = None,
    lang: Annotated[Optional[Lang], typer.Option(help="report.lang")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="report.strict")] = False,
    suppress: Annotated[Optional[int], typer.Option(
        help="report.suppress", min=0, max=10_000)] = None,
    year: Annotated[Optional[str], typer.Option(
        "--year", metavar="YYYY|all", help="report.year")] = None,
    figures: Annotated[Optional[Path], typer.Option(
        "--figures", metavar="DIR", help="report.figures", file_okay=False)] = None,
    top: Annotated[int, typer.Option(help="report.top", min=1, max=100_000)] = 5,
    width: WidthOption = None,
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

