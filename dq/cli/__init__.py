"""The ``dq`` command. Each command lives in its own module; this file only composes them."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from dq import __version__
from dq.cli import _common
from dq.cli import completeness as _completeness
from dq.cli import coverage as _coverage
from dq.cli import reliability as _reliability
from dq.cli import compare as _compare
from dq.cli import report as _report
from dq.cli import plan as _plan
from dq.cli import sample as _sample
from dq.cli import init as _init

app = typer.Typer(
    name="dq",
    help="Data quality of medical quality registries, by the six national dimensions.\n\n"
         "Exit codes: 0 all checks pass (warnings allowed), 1 a check failed, 2 usage or "
         "configuration error, 3 input data error, 4 internal error (a bug).",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=True,  # dq --install-completion: bash, zsh, fish, PowerShell
    rich_markup_mode=None,
    cls=_common.ReadableGroup,  # readable --help placeholders (FILE, N), not <list[Path]>
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dq {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[Optional[bool], typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = None,
) -> None:
    pass


app.command("report", help=_report.HELP)(_report.report)
app.command("completeness", help=_completeness.HELP)(_completeness.completeness)
app.command("coverage", help=_coverage.HELP)(_coverage.coverage)
app.command("reliability", help=_reliability.RELIABILITY_HELP)(_reliability.reliability)
app.command("correctness", help=_reliability.CORRECTNESS_HELP)(_reliability.correctness)
app.command("compare", help=_compare.COMPARE_HELP)(_compare.compare)
app.command("regrade", help=_compare.REGRADE_HELP)(_compare.regrade)
app.add_typer(_plan.app, name="plan", help=_plan.HELP)
app.command("sample", help=_sample.HELP)(_sample.sample)
app.command("init", help=_init.HELP)(_init.init)
app.add_typer(_init.spec_app, name="spec")


def main() -> None:
    app()
