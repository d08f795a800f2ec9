"""``dq compare`` and ``dq regrade``: before/after evidence, and new thresholds on old results."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from dq.cli._common import (Lang, LangOption, WidthOption, commit, handle_errors, language,
                            plan_outputs, render_terminal, say, speak, warn)
from dq.errors import EXIT_CHECK_FAILED
from dq.messages import Message


class CompareFormat(str, Enum):
    table = "table"
    terminal = "terminal"  # the same as table: every command takes both names
    json = "json"
    markdown = "markdown"
    html = "html"


@handle_errors
def compare(
    before: Annotated[Path, typer.Argument(help="compare.before")],
    after: Annotated[Path, typer.Argument(help="compare.after")],
    fmt: Annotated[CompareFormat, typer.Option("--format", "-f", help="option.format")] =
    CompareFormat.table,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", dir_okay=False,
                                                   help="compare.output")] = None,
    lang: Annotated[Lang, typer.Option(help="compare.lang")] = Lang.nb,
    fail_on_regression: Annotated[bool, typer.Option(
        "--fail-on-regression", help="compare.fail_on_regression")] = False,
    suppress: Annotated[Optional[int], typer.Option(
        help="compare.suppress", min=0, max=10_000)] = None,
    top: Annotated[int, typer.Option(help="compare.top", min=1, max=100_000)] = 25,
    width: WidthOption = None,
) -> None:
    from dq import compare as cmp
    from dq.render import compare as render

    from dq.outputs import Input

    speak(lang.value)

    # --output may not overwrite either result: checked before anything is read
    plan = plan_outputs([Input(before, "the baseline result this command reads"),
                         Input(after, "the follow-up result this command reads")], output)
    top = min(top, 10**9)  # "all of them" (a larger int overflows the table's row index)
    b, a = cmp.load_result(before), cmp.load_result(after)
    df, warnings, n = cmp.run(b, a, suppress)  # the published rows: every format shows the same
    notes: list[str] = []  # diagnostics go to stderr (below), never into the document
    if fmt is CompareFormat.json:
        text = cmp.to_json(df, b, a, Path(before), Path(after), warnings, n)
    elif fmt is CompareFormat.markdown:
        text = render.markdown(df, b, a, notes, lang.value, n)
    elif fmt is CompareFormat.html:
        text = render.to_html(df, b, a, notes, lang.value, n)
    else:
        text = render_terminal(lambda c: render.terminal(df, c, lang.value, top, notes, b, a, n),
                               output, width)
    commit(plan, {"--output": text})
    for message in warnings:  # in the JSON too (warnings), in English there
        warn(message)
    if fail_on_regression and cmp.regressed(df):
        raise typer.Exit(EXIT_CHECK_FAILED)


@handle_errors
def regrade(
    result: Annotated[Path, typer.Argument(help="regrade.result")],
    spec: Annotated[Path, typer.Option("--spec", "-s", dir_okay=False, help="regrade.spec")],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", dir_okay=False,
                                                   help="regrade.output")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="regrade.strict")] = False,
    lang: LangOption = None,
) -> None:
    from dq import compare as cmp
    from dq.cli.inputs import load_spec
    from dq.render.envelope import dumps

    from dq.cli.inputs import protected
    from dq.outputs import Input

    sp = load_spec(spec)
    # --output may not overwrite the result, the spec or any file the spec names
    plan = plan_outputs([Input(result, "the result this command reads"), *protected(sp)], output)
    doc = cmp.regrade(cmp.load_result(result), sp)
    commit(plan, {"--output": dumps(doc)})
    for message in doc.get("warnings", []):
        if isinstance(message, Message):  # this run's, not the stored result's
            warn(message)
    statuses = {r["status"] for r in doc["results"]}
    code = EXIT_CHECK_FAILED if "fail" in statuses or (strict and "warn" in statuses) else 0
    from types import SimpleNamespace

    from dq.render.report import verdict_line

    # the CI log's one-line verdict in the chosen language, as dq report writes it
    say(verdict_line(SimpleNamespace(dimensions=doc["dimensions"]), language(lang, sp), code))
    if code:
        raise typer.Exit(code)

