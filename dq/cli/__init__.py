"""The ``dq`` command. Each command lives in its own module; this file only composes them."""

from __future__ import annotations

import functools
from typing import Annotated, Any, Optional

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

# What every command is made from: a function, or a Typer app of subcommands. Its help is the
# catalogue's "command.<name>" (dq.messages.HELP; an app declares its own key), in the run's
# language (dq.cli._help). The command-line parser is built for the one command a run asks for,
# not for all of them: building the 16 commands' parsers took 0.06 s of every run's start-up.
_COMMANDS: dict[str, Any] = {
    "report": _report.report,
    "completeness": _completeness.completeness,
    "coverage": _coverage.coverage,
    "reliability": _reliability.reliability,
    "correctness": _reliability.correctness,
    "compare": _compare.compare,
    "regrade": _compare.regrade,
    "plan": _plan.app,
    "sample": _sample.sample,
    "init": _init.init,
    "spec": _init.spec_app,
}
_SETTINGS: dict[str, Any] = {"pretty_exceptions_show_locals": False, "rich_markup_mode": None}


def _build(name: str) -> Any:
    """The parser of one command, as Typer builds it inside the whole app."""
    target = _COMMANDS[name]
    holder = typer.Typer(add_completion=False, **_SETTINGS)
    holder.callback()(lambda: None)  # a group, so that the command keeps its own name
    if isinstance(target, typer.Typer):
        holder.add_typer(target, name=name)  # the app's own help
    else:
        holder.command(name, help=f"command.{name}")(target)
    command = typer.main.get_command(holder).commands[name]  # type: ignore[attr-defined]
    for each in getattr(command, "commands", {}).values() or [command]:
        _knows_its_options(each)
    return command


def _knows_its_options(command: Any) -> None:
    """While the command runs, dq.messages knows its options: a hint names an option only
    where the command has one (``dq report`` has no --encoding: [dataset] encoding instead)."""
    from dq import messages

    options = {o for p in command.params for o in (*p.opts, *p.secondary_opts)
               if o.startswith("--")}
    callback = command.callback

    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        token = messages.command_options(options)
        try:
            return callback(*args, **kwargs)
        finally:
            messages.reset_options(token)

    command.callback = run


class _Commands(_common.ReadableGroup):
    """The dq group, its commands built when first asked for."""

    def list_commands(self, ctx: Any) -> list[str]:
        # as Typer lists a whole app: the commands, then the groups of subcommands
        return sorted(_COMMANDS, key=lambda name: isinstance(_COMMANDS[name], typer.Typer))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in _COMMANDS and cmd_name not in self.commands:
            self.commands[cmd_name] = _build(cmd_name)
        return super().get_command(ctx, cmd_name)


app = typer.Typer(
    name="dq",
    help="command.dq",  # a key of the catalogue, as every help text of dq (dq.cli._help)
    no_args_is_help=True,
    add_completion=True,  # dq --install-completion: bash, zsh, fish, PowerShell
    cls=_Commands,  # readable --help placeholders (FILE, N), not <list[Path]>; help in nb or en
    **_SETTINGS,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dq {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[Optional[bool], typer.Option(
        "--version", callback=_version, is_eager=True, help="dq.version")] = None,
) -> None:
    pass


def main() -> None:
    app()
