"""``dq --help`` and every command's help in Norwegian (nb, dq's default) or English (en).

Every word of the help comes from the message catalogue (dq.messages.HELP). The commands are
declared with catalogue keys where a parser takes text: ``help="report.figures"`` for an option,
``"command.report"`` for a command, ``rich_help_panel="panel.database"`` for a group of options;
the placeholders (FILE, N, the arguments' names) and the parser's own words (Usage, Options,
[default: …], --help's "Show this message and exit.") have keys there too.

The language is the --lang on the command line, before or after --help (``dq report --help
--lang en``, ``dq --lang=en --help``), else nb: help reads no spec. The dq group chooses it
before the parser reads anything (:func:`choose`, from dq.cli._common.ReadableGroup.main) and
hands every command out through :func:`localise`, which writes the command's texts in that
language and gives it dq's usage line and option list (the parser's layout, the catalogue's
words). dq's parser shows plain help (rich_markup_mode=None: no Rich import, fast start-up), so
Typer's Rich constants (typer.rich_utils) play no part; the plain layout stays, its words change.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from contextvars import ContextVar, Token
from enum import Enum
from typing import Any

from dq.messages import HELP, help_text

_lang: ContextVar[str] = ContextVar("dq_help_lang", default="nb")

# Typer's own options, declared without a key: their catalogue keys
_TYPER_OPTIONS = {"install_completion": "dq.install_completion",
                  "show_completion": "dq.show_completion"}


def choose(argv: Sequence[str]) -> Token[str]:
    """Write the help of this run in the language --lang asks for (nb unless it is en)."""
    from dq.cli._common import _asked_lang

    return _lang.set("en" if _asked_lang(list(argv)) == "en" else "nb")


def reset(token: Token[str]) -> None:
    _lang.reset(token)


def asks_for_help(argv: Sequence[str]) -> bool:
    """Whether the command line asks for help (--help before any ``--``)."""
    return "--help" in list(argv)[:_end(argv)]


def without_lang(argv: Sequence[str]) -> list[str]:
    """The command line without its --lang: help asked for with ``dq --help --lang en`` or
    ``dq plan --help --lang en`` is shown in that language, although a group has no --lang (a
    command's --lang says nothing to its help either: help does not run the command)."""
    args, out, skip = list(argv), [], False
    end = _end(args)
    for i, arg in enumerate(args):
        if skip:
            skip = False
        elif i < end and arg == "--lang":
            skip = i + 1 < end and not args[i + 1].startswith("-")
        elif not (i < end and arg.startswith("--lang=")):
            out.append(arg)
    return out


def _end(argv: Sequence[str]) -> int:
    args = list(argv)
    return args.index("--") if "--" in args else len(args)


def text(key: str, /, **params: Any) -> str:
    """A catalogue text of the help, in the help's language."""
    return help_text(key, _lang.get(), **params)


def placeholder(token: str) -> str:
    """The word standing for a value (FILE → FIL), ``...`` (several) kept; a token the catalogue
    lacks as it is (tests/test_help_lang.py finds it)."""
    if f"placeholder.{token}" in HELP:
        return text(f"placeholder.{token}")
    if token.endswith("...") and f"placeholder.{token[:-3]}" in HELP:
        return text(f"placeholder.{token[:-3]}") + "..."
    return token


def _text_of(key: Any) -> Any:
    """The catalogue text of a declared key; what is no key, as it is (help never fails on it:
    tests/test_help_lang.py finds every declaration that is no key)."""
    return text(key) if isinstance(key, str) and key in HELP else key


def _declared(obj: Any, attr: str, *, remember: bool = True) -> Any:
    """What ``obj`` was declared with (a catalogue key), however often it has been localised;
    the first call remembers it (``remember``), before the text replaces it."""
    store = f"_dq_declared_{attr}"
    if store in vars(obj):
        return vars(obj)[store]
    value = getattr(obj, attr, None)
    if remember:
        setattr(obj, store, value)
    return value


def localise(command: Any) -> Any:
    """The command (and each of its subcommands) with every help text in the help's language,
    and dq's usage line and option list; returns the command. The declared keys are kept, so a
    command is localised as often as it is handed out. Give it its placeholders first
    (dq.cli._common.readable_metavars)."""
    command.help = _text_of(_declared(command, "help"))
    if _declared(command, "options_metavar") is not None:
        command.options_metavar = text("parser.options_metavar")
    if getattr(command, "subcommand_metavar", None) is not None:
        command.subcommand_metavar = text("parser.commands_metavar")
    for param in command.params:
        param.help = _text_of(_TYPER_OPTIONS.get(param.name) or _declared(param, "help"))
        token = _declared(param, "metavar")
        if token is not None:
            param.metavar = placeholder(token)
        param.rich_help_panel = _text_of(_declared(param, "rich_help_panel"))
    if "format_options" not in vars(command):
        command.format_usage = functools.partial(_format_usage, command)
        command.format_options = functools.partial(_format_options, command)
    for sub in (getattr(command, "commands", None) or {}).values():
        localise(sub)
    return command


def _format_usage(command: Any, ctx: Any, formatter: Any) -> None:
    """``Bruk: dq report [VALG] [SPESIFIKASJON]``: the parser's usage line, dq's words."""
    pieces = command.collect_usage_pieces(ctx)
    formatter.write_usage(ctx.command_path, " ".join(pieces), f"{text('parser.usage')} ")


def _format_options(command: Any, ctx: Any, formatter: Any) -> None:
    """The arguments, the options, each group of options (panel) and the subcommands, laid out
    as the parser lays them out, with the catalogue's headings, defaults and bounds."""
    sections: dict[str, list[tuple[str, str]]] = {text("parser.arguments"): [],
                                                  text("parser.options"): []}
    help_option = command.get_help_option(ctx)
    if help_option is not None:
        help_option.help = text("parser.help")
    for param in command.get_params(ctx):
        row = _row(param, ctx)
        if row is None:
            continue
        if param.param_type_name == "argument":
            heading = text("parser.arguments")
        else:
            heading = getattr(param, "rich_help_panel", None) or text("parser.options")
        sections.setdefault(heading, []).append(row)
    for heading, rows in sections.items():
        if rows:
            with formatter.section(heading):
                formatter.write_dl(rows)
    if getattr(command, "commands", None) is not None:
        _format_commands(command, ctx, formatter)


def _format_commands(group: Any, ctx: Any, formatter: Any) -> None:
    """The subcommands, each with the first sentence of its description."""
    commands = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is not None and not command.hidden:
            commands.append((name, command))
    if not commands:
        return
    limit = formatter.width - 6 - max(len(name) for name, _ in commands)
    with formatter.section(text("parser.commands")):
        formatter.write_dl([(name, command.get_short_help_str(limit))
                            for name, command in commands])


def _row(param: Any, ctx: Any) -> tuple[str, str] | None:
    """One line of the option list: the parser's left column (the options and the placeholder),
    the help text, then [default; bounds; required] in the catalogue's words."""
    record = param.get_help_record(ctx)
    if record is None:
        return None
    extra = [text("parser.default", default=shown) for shown in [_default(param, ctx)] if shown]
    bounds = _bounds(getattr(param, "min", None), getattr(param, "max", None))
    if bounds:
        extra.append(bounds)
    if param.required:
        extra.append(text("parser.required"))
    help_ = param.help or ""
    if extra:
        joined = f"[{'; '.join(extra)}]"
        help_ = f"{help_}  {joined}" if help_ else joined
    return record[0], help_


def _default(param: Any, ctx: Any) -> str:
    """The default as the option list shows it, the way Typer shows it but each number as it is
    typed on the command line (0.95, not 0.95 or 0,95 by language): the value one would type."""
    if isinstance(param.show_default, str):
        return f"({param.show_default})"
    resilient = ctx.resilient_parsing
    ctx.resilient_parsing = True  # the default as declared, not converted
    try:
        value = param.get_default(ctx, call=False)
    finally:
        ctx.resilient_parsing = resilient
    if value is None or not (param.show_default or ctx.show_default):
        return ""
    values = value if isinstance(value, list | tuple) else [value]
    return ", ".join(shown for shown in (_one(param, v) for v in values) if shown)


def _one(param: Any, value: Any) -> str:
    from dq.cli._common import _typed

    if isinstance(value, Enum):
        return str(value.value)
    if getattr(param, "is_bool_flag", False):
        if param.secondary_opts:  # --continuity/--no-continuity: the flag that is the default
            return (param.opts if param.default else param.secondary_opts)[0].lstrip("-")
        return str(value) if value else ""
    return _typed(value)


def _bounds(low: Any, high: Any) -> str | None:
    """The values an option takes, as typed: ``[0–10000]`` / ``[0<=x<=10000]``."""
    from dq.cli._common import _typed

    if low is None and high is None:
        return None
    if low is None:
        return text("parser.at_most", max=_typed(high))
    if high is None:
        return text("parser.at_least", min=_typed(low))
    return text("parser.between", min=_typed(low), max=_typed(high))


def help_keys(command: Any) -> set[str]:
    """The catalogue keys ``command`` declares (not its subcommands): its description, its
    options' and arguments' help, their groups and placeholders. The parser's words are not
    among them. For the tests: every key has both languages, every key is shown somewhere."""
    keys = set()
    for obj, attrs in ((command, ("help",)),
                       *((p, ("help", "rich_help_panel", "metavar")) for p in command.params)):
        for attr in attrs:
            key = _declared(obj, attr, remember=False)
            if attr == "help" and obj is not command:
                key = _TYPER_OPTIONS.get(obj.name) or key
            if key is None:
                continue
            if attr == "metavar":
                key = f"placeholder.{key}"
                if key not in HELP and key.endswith("..."):
                    key = key[:-3]
            keys.add(key)
    return keys
