"""What every command shares: error handling, output writing, progress, the output formats.

Heavy modules (polars, scipy, statsmodels) are imported inside functions so ``dq --help`` stays
instant.
"""

from __future__ import annotations

import functools
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import Enum
from io import StringIO
from pathlib import Path
from typing import Annotated, Any, Optional, TypeVar

import typer

from dq.cli import _help
from dq.errors import EXIT_INPUT, EXIT_INTERNAL, EXIT_PIPE, DQError, os_reason
from dq.render.text import plain
from dq.outputs import (Input, OutputPlan, Request, StreamClosed, explanation, is_stdout,
                        known_columns, plan, reading_files, reset_context, stream_error)

F = TypeVar("F", bound=Callable[..., Any])


class Format(str, Enum):
    table = "table"
    terminal = "terminal"  # the same as table: every command takes both names
    json = "json"
    csv = "csv"
    markdown = "markdown"


class Lang(str, Enum):
    nb = "nb"
    en = "en"


class CIMethod(str, Enum):
    wilson = "wilson"
    clopper_pearson = "clopper-pearson"


# Options every command shares, declared once. help=: a key of the help's catalogue
# (dq.messages.HELP), written in the run's language when the help is shown (dq.cli._help).
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="option.format")]
OutputOption = Annotated[Optional[Path], typer.Option("--output", "-o", help="option.output")]
WidthOption = Annotated[Optional[int], typer.Option(help="option.width", min=40, max=1000)]
CIOption = Annotated[CIMethod, typer.Option(help="option.ci")]
LangOption = Annotated[Optional[Lang], typer.Option(help="option.lang")]
SpecOption = Annotated[Optional[Path], typer.Option("--spec", "-s", help="option.spec",
                                                    dir_okay=False)]
EncodingOption = Annotated[Optional[str], typer.Option(help="option.encoding")]
SeparatorOption = Annotated[Optional[str], typer.Option(help="option.separator")]
InputFormatOption = Annotated[Optional[str], typer.Option(help="option.input_format")]
SuppressOption = Annotated[Optional[int], typer.Option(help="option.suppress", min=0,
                                                       max=10_000)]


def language(lang: Lang | None, spec: Any) -> str:
    """--lang, else the spec's [report] lang (nb when the spec does not say); from here on it
    is also the language of the command's warnings and notes on stderr (:func:`speak`)."""
    return speak(lang.value if lang is not None else getattr(spec, "report_lang", "nb"))


# The language of the warnings, notes and progress displays dq writes on stderr: set by each
# command as soon as it knows its language (nb until then, dq's default), reset after it.
_stderr_lang: ContextVar[str] = ContextVar("dq_stderr_lang", default="nb")


def speak(lang: str) -> str:
    """Write the warnings and notes of this command in ``lang``; returns ``lang``."""
    _stderr_lang.set(lang)
    return lang


def in_language(message: str) -> str:
    """A warning or note (a dq.messages.Message, or text) in the command's stderr language."""
    from dq.messages import localise

    return localise(message, _stderr_lang.get())


# Readable placeholders in --help (the parser's own are <list[Path]>, <str>, <int range>): by
# the option's name, else by its type. Each is a key of the help's catalogue too (FILE is FIL in
# Norwegian: dq.messages.HELP "placeholder.FILE").
METAVARS = {"by": "KEYS", "raters": "COLUMNS", "variables": "NAMES", "categories": "CODES",
            "pairs": "REG:REC,...", "encoding": "ENCODING", "separator": "CHAR",
            "input_format": "FORMAT", "width": "COLUMNS", "top": "N", "min_n": "N",
            "suppress": "N", "bootstrap": "N", "seed": "N", "window": "DAYS",
            "fail_under": "FRACTION", "target": "FRACTION", "data": "FILE"}


def readable_metavars(command: Any) -> Any:
    """Give every parameter of a command (and of its subcommands) without a metavar of its own a
    readable one: FILE for paths (FILE... for several), N, FRACTION, COLUMN for column names,
    TEXT; choices keep theirs (<table|json|…>)."""
    for sub in (getattr(command, "commands", None) or {}).values():
        readable_metavars(sub)
    for param in getattr(command, "params", []):
        desc = getattr(param, "type_descriptor", None)
        if param.metavar is not None or desc is None or desc.is_choice:
            continue
        if getattr(param, "is_flag", False) or desc.annotation is bool:
            continue
        name = param.name or ""
        many = param.nargs != 1
        base = desc.annotation
        if param.param_type_name == "argument":
            # the argument's own name (DATA, REGISTRY, STUDY), its help says what it is; the
            # parser's type (<list[Path]>) is not shown beside it
            param.metavar = name.upper()
            param.display_type_rich = lambda ctx: None
            continue
        if name in METAVARS:
            meta = METAVARS[name]
        elif desc.is_path or base is Path or desc.is_list and "Path" in str(base):
            meta = "FILE"
        elif base is float:
            meta = "X"
        elif base is int:
            meta = "N"
        elif name in ("person", "unit", "date", "count", "year", "patient", "belongs",
                      "case_column", "rater_column"):
            meta = "COLUMN"
        else:
            meta = "TEXT"
        param.metavar = meta + ("..." if many else "")
    return command


class ReadableGroup(typer.core.TyperGroup):
    """The dq group: each command's --help shows readable placeholders (readable_metavars) and is
    written in the run's language (dq.cli._help), and the command-line parser's usage errors are
    written in the run's language (usage_error)."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        from dq.cli._coerce import install

        command = super().get_command(ctx, cmd_name)
        if command is None:
            return None
        return _help.localise(install(readable_metavars(command)))

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """As the parser's own standalone mode, except that a usage error in a Norwegian run is
        one ``dq: feil: …`` line from the catalogue (exit 2); in English it is the parser's
        own text, as before. (The parser's arguments are passed on as they came.)"""
        from dq.cli._coerce import install

        install(self)  # only the group's own options (its commands: get_command)
        given = args[0] if args else kwargs.get("args")
        argv = list(sys.argv[1:] if given is None else given)
        token = _help.choose(argv)  # the help's language: --lang on the command line, else nb
        _help.localise(self)
        try:
            if _help.asks_for_help(argv):  # dq --help --lang en: no group has --lang
                if args:
                    args = (_help.without_lang(argv), *args[1:])
                else:
                    kwargs = {**kwargs, "args": _help.without_lang(argv)}
            if not kwargs.get("standalone_mode", True) or len(args) > 3:
                return super().main(*args, **kwargs)
            return self._main(argv, *args, **kwargs)
        finally:
            _help.reset(token)

    def _main(self, argv: list[str], *args: Any, **kwargs: Any) -> Any:
        usage, click_error = _click_errors()
        try:
            rv = super().main(*args, **{**kwargs, "standalone_mode": False})
        except usage as exc:
            if _asked_lang(argv) == "en" or type(exc).__name__ == "NoArgsIsHelpError":
                exc.show()  # no arguments: the help, as the parser shows it (exit 2)
            else:
                say(f"dq: {in_language(_msg('stderr.error'))}: {usage_error(exc, argv)}")
            sys.exit(exc.exit_code)
        except click_error as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except SystemExit as exc:
            # the parser met a closed pipe writing --help or --version: it pacified the streams
            # and exits 1, which in dq means a failed check; dq's status for it is 141
            if exc.code == 1 and type(sys.stdout).__name__ == "PacifyFlushWrapper":
                sys.exit(EXIT_PIPE)
            raise
        except OSError as exc:  # the parser's own output (--help, --version) was not written
            from dq.messages import Message, localise

            error = stream_error("stdout", exc)
            if not isinstance(error, StreamClosed):
                lang = "en" if _asked_lang(argv) == "en" else "nb"
                say(f"dq: {Message('stderr.error').text(lang)}: {localise(error.args[0], lang)}")
            sys.exit(error.exit_code)
        except typer.Abort:
            say(f"dq: {in_language(_msg('stderr.interrupted'))}")
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)


def _msg(key: str, /, **params: Any) -> str:
    from dq.messages import Message

    return Message(key, **params)


def _click_errors() -> tuple[Any, Any]:
    """The parser's UsageError and ClickException classes (typer bundles its own copy of the
    parser; both are bases of typer.BadParameter)."""
    mro = typer.BadParameter.__mro__
    return (next(c for c in mro if c.__name__ == "UsageError"),
            next(c for c in mro if c.__name__ == "ClickException"))


def _asked_lang(argv: list[str]) -> str:
    """The --lang on the command line (nb when there is none: the spec is not read yet)."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return "nb"


def usage_error(exc: Any, argv: list[str] | None = None) -> str:
    """A usage error of the command-line parser in Norwegian, from its structured fields (the
    option, the parameter, the choices), with where to look: ``se «dq completeness --help»``."""
    kind = type(exc).__name__
    param = getattr(exc, "param", None)
    name = _param_name(param) if param is not None else None
    if kind == "NoSuchOption":
        possible = list(getattr(exc, "possibilities", None) or [])
        text = _msg("usage.no_such_option", option=exc.option_name,
                    hint=_msg("usage.did_you_mean", options=possible) if possible else "")
    elif kind == "BadOptionUsage":
        text = _msg("usage.option_needs_value", option=exc.option_name)
    elif kind == "MissingParameter" and name is not None:
        text = _msg("usage.missing", name=name)
    elif kind == "BadParameter" and name is not None:
        choices = _choices(param)
        text = _msg("usage.bad_value", name=name, reason=_reason(exc, param) or "",
                    hint=_msg("usage.choices", choices=choices) if choices else "")
    elif kind == "BadArgumentUsage":
        text = _msg("usage.bad_argument")
    else:
        text = _msg("usage.other")
    ctx = getattr(exc, "ctx", None)
    # without the parser's context: the command named first on the command line
    first = (argv or [""])[0] if argv else ""
    path = ctx.command_path if ctx is not None else (
        f"dq {first}" if first and not first.startswith("-") else "dq")
    return in_language(_msg("usage.see_help", error=text, command=path))


# The parser's reasons for a bad value, from its structured fields: the error type, bounds and
# input of the validation error Typer raises from, or the path checks its path type makes.
_NUMBER_REASONS = {"int_parsing": "usage.not_integer", "int_type": "usage.not_integer",
                   "int_from_float": "usage.not_integer", "float_parsing": "usage.not_number",
                   "float_type": "usage.not_number", "finite_number": "usage.not_finite"}
_BOUND_REASONS = {"greater_than_equal": ("ge", "usage.at_least"),
                  "greater_than": ("gt", "usage.above"),
                  "less_than_equal": ("le", "usage.at_most"),
                  "less_than": ("lt", "usage.below")}


def _reason(exc: Any, param: Any) -> str | None:
    """Why the parser refused a value, as a catalogue text (": «abc» er ikke et heltall"), or
    None when it is none of the common reasons."""
    errors = getattr(exc.__cause__, "errors", None)
    if callable(errors):
        try:
            found = errors(include_url=False)
        except TypeError:
            found = []
        for error in found[:1]:
            kind, value = error.get("type"), str(error.get("input", ""))
            if kind in _NUMBER_REASONS:
                return _msg(_NUMBER_REASONS[kind], value=value)
            if kind in _BOUND_REASONS:
                key, text = _BOUND_REASONS[kind]
                bound = (error.get("ctx") or {}).get(key)
                if bound is not None:
                    return _msg(text, bound=_typed(bound), value=value)
        return None
    return _path_reason(getattr(exc, "typed", None), param)


def _typed(bound: Any) -> str:
    """A bound as one would type it: 1, 0.5, 0.000001 (not 1.0 or 1e-06)."""
    if not isinstance(bound, float):
        return str(bound)
    from decimal import Decimal

    text = format(Decimal(repr(bound)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _path_reason(typed: Any, param: Any) -> str | None:
    """The path check that refused ``typed`` (the value as given; dq.cli._coerce keeps it on
    the error), made again as Typer's path type makes it."""
    info = getattr(getattr(param, "type_descriptor", None), "parameter_info", None)
    if info is None or typed is None:
        return None
    for value in (typed if isinstance(typed, list | tuple) else [typed]):
        if not isinstance(value, str | os.PathLike) or str(value) == "-":
            continue
        path = os.fspath(value)
        try:
            st = os.stat(path)
        except (OSError, ValueError):
            if info.exists:
                return _msg("usage.path_missing", path=path)
            continue
        import stat

        if not info.file_okay and stat.S_ISREG(st.st_mode):
            return _msg("usage.path_is_file", path=path)
        if not info.dir_okay and stat.S_ISDIR(st.st_mode):
            return _msg("usage.path_is_dir", path=path)
        if info.readable and not os.access(path, os.R_OK):
            return _msg("usage.path_unreadable", path=path)
        if info.writable and not os.access(path, os.W_OK):
            return _msg("usage.path_unwritable", path=path)
    return None


def _choices(param: Any) -> list[str]:
    """The values an option takes, when they are a fixed list (an Enum), else none."""
    found = getattr(getattr(param, "type", None), "choices", None)
    if found:
        return [str(c) for c in found]
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [str(e.value) for e in annotation]
    return []


def _param_name(param: Any) -> str:
    opts = getattr(param, "opts", None) or []
    if getattr(param, "param_type_name", "") == "option" and opts:
        return " / ".join(opts)
    return (getattr(param, "name", None) or "").upper()


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every control, format and bidi character (ESC sequences, CR, bell, U+202E,
    zero-width characters, lone surrogates) shown as a visible escape (``\\x1b``, ``\\u202e``):
    dq.render.text.plain, the one sanitiser of text that did not come from dq's source."""
    if keep_newlines:
        return "\n".join(plain(part) for part in text.split("\n"))
    return plain(text)


def one_line(message: str) -> str:
    """A message as one safe line: line breaks become spaces, runs of spaces one space, and every
    other control or bidi character a visible escape."""
    joined = " ".join(part.strip(" ") for part in message.split("\n"))
    return re.sub(" {2,}", " ", visible(joined)).strip()


def say(line: str) -> None:
    """The one place dq writes its own lines to stderr (errors, warnings, notes, annotations)."""
    typer.echo(one_line(line), err=True)


def warn(message: str) -> None:
    """A warning on stderr in the command's language: ``dq: advarsel: …`` / ``dq: warning: …``."""
    from dq.messages import Message

    say(f"dq: {in_language(Message('stderr.warning'))}: {in_language(message)}")


def note(message: str) -> None:
    """A note on stderr in the command's language (a reader's "not UTF-8; reading it as
    cp1252"): ``dq: merk: …`` / ``dq: note: …``."""
    from dq.messages import Message

    say(f"dq: {in_language(Message('stderr.note'))}: {in_language(message)}")


def fail(message: str, code: int) -> None:
    """One line on stderr in the command's language (``dq: feil: …`` / ``dq: error: …``; a
    dq.messages.Message is written in that language), then the exit code."""
    from dq.messages import Message

    say(f"dq: {in_language(Message('stderr.error'))}: {in_language(message)}")
    raise typer.Exit(code)


def _files() -> str:
    from dq.messages import Message

    files = list(reading_files())
    if not files:
        return Message("files.the_input")
    if len(files) == 1:
        return files[0]
    shown = Message("files.shown", names=files[:3], more=", …" if len(files) > 3 else "")
    return Message("files.one_of", shown=shown)


def _engine_column(text: str) -> str | None:
    """The column an engine message names, if it is a column of the files read (a column name
    may be printed; anything else in the message may be a row value and is never shown)."""
    columns = known_columns()
    for match in re.finditer(r"column '([^'\n]{1,200})'|column \"([^\"\n]{1,200})\"", text):
        name = match.group(1) or match.group(2)
        if name in columns:
            return name
    return None


def engine_error(exc: BaseException) -> tuple[str, int] | None:
    """An error raised while reading the data, in dq's words (message, exit code), else None:
    where the file breaks (by line number) when its reader can say so, else the re-wording."""
    reworded = _reworded(exc)
    if reworded is not None and type(exc).__module__.startswith("polars"):
        better = explanation()
        if better is not None:
            return better.args[0], better.exit_code
    return reworded


def _reworded(exc: BaseException) -> tuple[str, int] | None:
    """A message of dq's own words for an error raised while reading the data, else None. The
    engine's text is never passed on: it quotes row values (names, national ID numbers)."""
    import csv

    import polars as pl

    from dq.messages import Message

    where = _files()
    if isinstance(exc, pl.exceptions.ComputeError | pl.exceptions.InvalidOperationError
                  | pl.exceptions.SchemaError):
        column = _engine_column(str(exc))
        col = Message("engine.type_column", column=column) if column else ""
        return Message("engine.type", where=where, col=col), EXIT_INPUT
    if isinstance(exc, pl.exceptions.NoDataError):
        return Message("engine.no_data", where=where), EXIT_INPUT
    if isinstance(exc, csv.Error):
        return Message("engine.csv", where=where), EXIT_INPUT
    if isinstance(exc, UnicodeError):
        return Message("engine.unicode", where=where), EXIT_INPUT
    if isinstance(exc, OSError):
        name = exc.filename if isinstance(exc.filename, str | Path) else None
        if name is None or str(name).startswith(("/proc/self/fd/", "/dev/fd/")):
            name = where
        return Message("engine.os", name=name, why=os_reason(exc)), EXIT_INPUT
    if isinstance(exc, RecursionError):
        return Message("engine.nested", where=where), EXIT_INPUT
    if isinstance(exc, MemoryError):
        return Message("engine.memory", where=where), EXIT_INPUT
    if type(exc).__name__ == "PanicException":  # pyo3: the engine stopped on the file's content
        return Message("engine.panic", where=where), EXIT_INPUT
    return None


def _print_bug(exc: BaseException) -> None:
    """Exit 4: the traceback (code locations) on stderr. Exception messages may quote row values,
    so they are withheld unless DQ_DEBUG=1 (for a developer on their own data)."""
    debug = os.environ.get("DQ_DEBUG") == "1"
    from dq.messages import Message

    say(f"dq: {in_language(Message('stderr.internal'))}"
        + ("" if debug else in_language(Message("stderr.internal_withheld"))))
    chain: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        chain.append(current)
        seen.add(id(current))
        current = current.__cause__ or (None if current.__suppress_context__
                                        else current.__context__)
    lines: list[str] = []
    for i, e in enumerate(reversed(chain)):
        if i:
            lines.append("\nDuring handling of the above exception, another exception occurred:\n")
        lines.append("Traceback (most recent call last):")
        lines += [ln.rstrip("\n") for ln in traceback.format_tb(e.__traceback__)]
        kind = f"{type(e).__module__}.{type(e).__qualname__}"
        lines.append(f"{kind}: {e}" if debug else f"{kind} (message withheld)")
    for block in lines:
        for line in block.split("\n"):
            typer.echo(visible(line), err=True)


def handle_errors(func: F) -> F:
    """The one way out of a command: DQError → one stderr line and its exit code; errors the data
    raises while being read (engine errors, undecodable bytes, OS errors, nesting, memory) → one
    line in dq's own words, exit 3; anything else is a bug (exit 4, traceback)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        reset_context()
        # --lang speaks from the start: an error in the spec is written in the language asked
        # for, before the spec could say which (language() sets it again once it is known)
        asked = kwargs.get("lang")
        token = _stderr_lang.set(asked.value if isinstance(asked, Enum) else "nb")
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, typer.exceptions.TyperException):
            raise
        except StreamClosed:  # the reader of stdout wants no more (dq … | head): no word
            raise typer.Exit(EXIT_PIPE) from None
        except DQError as exc:
            fail(exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc),
                 exc.exit_code)
        except KeyboardInterrupt:
            from dq.messages import Message

            say(f"dq: {in_language(Message('stderr.interrupted'))}")
            raise typer.Exit(130) from None
        except (SystemExit, GeneratorExit):
            raise
        except BaseException as exc:  # noqa: B036 - pyo3's PanicException is a BaseException
            reworded = engine_error(exc)
            if reworded is not None:
                fail(*reworded)
            _print_bug(exc)
            raise typer.Exit(EXIT_INTERNAL) from None
        finally:
            reset_context()
            _stderr_lang.reset(token)

    return wrapper  # type: ignore[return-value]


def renderer(name: str) -> Any:
    """``dq.render.<name>``, imported when that format is asked for (JSON needs neither the
    terminal nor the Markdown renderer: start-up time)."""
    import importlib

    return importlib.import_module(f"dq.render.{name}")


def watching() -> bool:
    """A person is watching: stderr is a terminal and no CI variable is set."""
    return sys.stderr.isatty() and not os.environ.get("CI")


@contextmanager
def progress(message: str) -> Iterator[None]:
    """A spinner on stderr while a person waits (``message``: a dq.messages.Message, written in
    the command's language); nothing in CI or when piped."""
    if not watching():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(in_language(message), spinner="dots"):
        yield


def plan_outputs(inputs: Iterable[Input], output: Path | None,
                 *more: Request | None) -> OutputPlan:
    """The outputs of a command, checked before any data is read (exit 2 naming a clash or an
    unusable location): ``output`` (None or ``-``: stdout) as ``--output``, then each of ``more``
    that is not None (``Request("--junit", path)``, :func:`step_summary_request`). Render every
    text, then write them all with :func:`commit`."""
    return plan(inputs, [Request("--output", output), *(r for r in more if r is not None)])


def step_summary_request() -> Request | None:
    """The GitHub step summary as an append target (its write errors become a warning)."""
    from dq.outputs import Request

    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if os.environ.get("GITHUB_ACTIONS") != "true" or not path:
        return None
    return Request("GITHUB_STEP_SUMMARY", path, append=True, fatal=False)


def commit(plan: OutputPlan, texts: dict[str, str]) -> None:
    """Write every rendered output of the plan; warnings (the step summary) go to stderr."""
    for warning in plan.commit(texts):
        warn(warning)


def write_output(text: str, output: Path | None, inputs: Iterable[Input] = ()) -> None:
    """stdout, or a file written whole — the single-output shortcut. Prefer :func:`plan_outputs`
    before reading any data, then :func:`commit`: it refuses to overwrite an input before any
    work is done."""
    commit(plan_outputs(inputs, output), {"--output": text})


class _Visible:
    """A Rich renderable whose text has control and bidi characters shown as escapes (a column
    or unit name must not drive the terminal); Rich's own control segments pass."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __rich_console__(self, console: Any, options: Any) -> Iterator[Any]:
        from rich.segment import Segment

        for seg in console.render(self.inner, options):
            if seg.control or seg.text.isprintable() or seg.text == "\n":
                yield seg
            else:
                yield Segment(visible(seg.text, keep_newlines=True), seg.style)


def _visible_hook() -> Any:
    from rich.console import RenderHook

    class Hook(RenderHook):
        def process_renderables(self, renderables: list[Any]) -> list[Any]:
            return [_Visible(r) for r in renderables]

    return Hook()


def render_terminal(draw: Callable[[Any], None], output: Path | None, width: int | None) -> str:
    """Draw with Rich into a string: coloured for a terminal, plain for a file or pipe."""
    from rich.console import Console

    from dq.render.terminal import keep_no_break_spaces

    keep_no_break_spaces()

    to_terminal = is_stdout(output) and sys.stdout.isatty()
    buf = StringIO()
    if width is None and not to_terminal:
        columns = os.environ.get("COLUMNS", "")
        width = int(columns) if columns.isdigit() and int(columns) >= 40 else 100
    console = Console(file=buf, force_terminal=to_terminal, no_color=not to_terminal,
                      width=width, highlight=False, soft_wrap=False)
    if to_terminal and width is None:
        console.width = Console().width
    console.push_render_hook(_visible_hook())
    draw(console)
    return buf.getvalue()


def render(fmt: Format, output: Path | None, width: int | None, *, json: Callable[[], str],
           csv: Callable[[], str], markdown: Callable[[], str],
           terminal: Callable[[Any], None]) -> str:
    """Render the chosen format (only that one)."""
    if fmt is Format.json:
        return json()
    if fmt is Format.csv:
        return csv()
    if fmt is Format.markdown:
        return markdown()
    return render_terminal(terminal, output, width)


def emit(fmt: Format, plan: OutputPlan, output: Path | None, width: int | None, *,
         json: Callable[[], str], csv: Callable[[], str], markdown: Callable[[], str],
         terminal: Callable[[Any], None]) -> None:
    """Render the chosen format, then write it through the plan made before the data was read."""
    text = render(fmt, output, width, json=json, csv=csv, markdown=markdown, terminal=terminal)
    commit(plan, {"--output": text})
