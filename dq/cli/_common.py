"""What every command shares: error handling, output writing, progress, the output formats.

Heavy modules (polars, scipy, statsmodels) are imported inside functions so ``dq --help`` stays
instant.
"""

from __future__ import annotations

import functools
import os
import re
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from io import StringIO
from pathlib import Path
from typing import Annotated, Any, Optional, TypeVar

import typer

from dq.errors import EXIT_INPUT, EXIT_INTERNAL, ConfigError, DQError

F = TypeVar("F", bound=Callable[..., Any])


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class Lang(str, Enum):
    nb = "nb"
    en = "en"


class CIMethod(str, Enum):
    wilson = "wilson"
    clopper_pearson = "clopper-pearson"


# Options every command shares, declared once.
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
OutputOption = Annotated[Optional[Path], typer.Option(
    "--output", "-o", dir_okay=False,
    help="Write to this file (whole, or not at all) instead of stdout.")]
WidthOption = Annotated[Optional[int], typer.Option(help="Terminal width.", min=40)]
CIOption = Annotated[CIMethod, typer.Option(help="Confidence interval method.")]

_DIGITS = re.compile(r"\d{6,}")


def fail(message: str, code: int) -> None:
    """One line on stderr, then the exit code."""
    text = " ".join(message.split())
    typer.echo(f"dq: error: {text}", err=True)
    raise typer.Exit(code)


def handle_errors(func: F) -> F:
    """Turn DQError into one stderr line + its exit code; anything else is a bug (exit 4)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except DQError as exc:
            fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            typer.echo("dq: interrupted", err=True)
            raise typer.Exit(130) from None
        except Exception as exc:
            import polars as pl

            if isinstance(exc, pl.exceptions.ComputeError | pl.exceptions.InvalidOperationError):
                # Raised while streaming a file: the data, not dq. Long digit runs are masked
                # so that no national ID number from a row reaches the terminal.
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                fail(f"the input could not be read to the end ({_DIGITS.sub('…', first)}); "
                     "check the file's format, separator and encoding", EXIT_INPUT)
            typer.echo("dq: internal error — this is a bug in dq; please report it with the "
                       "traceback below", err=True)
            traceback.print_exc(file=sys.stderr)
            raise typer.Exit(EXIT_INTERNAL) from None

    return wrapper  # type: ignore[return-value]


def watching() -> bool:
    """A person is watching: stderr is a terminal and no CI variable is set."""
    return sys.stderr.isatty() and not os.environ.get("CI")


@contextmanager
def progress(message: str) -> Iterator[None]:
    """A spinner on stderr while a person waits; nothing in CI or when piped."""
    if not watching():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(message, spinner="dots"):
        yield


def write_output(text: str, output: Path | None) -> None:
    """stdout, or a file written whole: a temporary file in the same folder, then a rename."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise ConfigError(f"--output {output}: the folder {folder} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a report is an ordinary file
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def render_terminal(draw: Callable[[Any], None], output: Path | None, width: int | None) -> str:
    """Draw with Rich into a string: coloured for a terminal, plain for a file or pipe."""
    from rich.console import Console

    to_terminal = output is None and sys.stdout.isatty()
    buf = StringIO()
    if width is None and not to_terminal:
        columns = os.environ.get("COLUMNS", "")
        width = int(columns) if columns.isdigit() and int(columns) >= 40 else 100
    console = Console(file=buf, force_terminal=to_terminal, no_color=not to_terminal,
                      width=width, highlight=False, soft_wrap=False)
    if to_terminal and width is None:
        console.width = Console().width
    draw(console)
    return buf.getvalue()


def emit(fmt: Format, output: Path | None, width: int | None, *, json: Callable[[], str],
         csv: Callable[[], str], markdown: Callable[[], str],
         terminal: Callable[[Any], None]) -> None:
    """Render the chosen format (only that one) and write it whole."""
    if fmt is Format.json:
        text = json()
    elif fmt is Format.csv:
        text = csv()
    elif fmt is Format.markdown:
        text = markdown()
    else:
        text = render_terminal(terminal, output, width)
    write_output(text, output)
