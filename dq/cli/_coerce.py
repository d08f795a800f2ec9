"""Command-line values converted without Pydantic where the conversion is plain.

Typer converts every parameter through a Pydantic TypeAdapter built on first use. Importing
Pydantic and building the adapters cost about 0.1 s of every dq run, as much as some checks. dq's
parameters are plain: text, paths, whole and decimal numbers within bounds, flags and fixed
choices. ``FastCoercion`` converts those values itself, the way the adapters do (paths and choices
through Typer's own functions), and hands every other value — an unusual spelling, a number out of
bounds, anything that is an error — to Typer's conversion, so what is accepted, and every error
message, stays Typer's. ``install`` puts it on a command's parameters through Typer's lazily set
``_runtime_param``; on a Typer without it, it does nothing and Typer converts as before.
"""

from __future__ import annotations

import functools
import re
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

_TYPER = object()  # "not plain: Typer converts it"
_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")


def _leaf(annotation: Any, info: Any, value: Any, param: Any, ctx: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        from typer._param_types import coerce_cli_choice

        try:
            return coerce_cli_choice(value, choices=list(annotation),
                                     case_sensitive=info.case_sensitive, ctx=ctx)
        except ValueError:
            return _TYPER
    if annotation is bool:
        return value if isinstance(value, bool) else _TYPER
    if annotation is int or annotation is float:
        if info.clamp:
            return _TYPER
        if type(value) is annotation:
            number = value
        elif annotation is float and type(value) is int:
            number = float(value)
        elif isinstance(value, str) and (_INT if annotation is int else _DECIMAL).fullmatch(value):
            number = annotation(value)
        else:
            return _TYPER
        if (info.min is not None and number < info.min) or \
                (info.max is not None and number > info.max):
            return _TYPER
        return number
    if annotation is str:
        return value if isinstance(value, str) else _TYPER
    if annotation is Path and info.path_type is None:
        from typer._click.exceptions import BadParameter
        from typer._param_types import coerce_cli_path

        if isinstance(value, str) and value:
            value = Path(value)
        if not isinstance(value, Path):
            return _TYPER
        try:
            return coerce_cli_path(value, info, path_type=Path, param=param, ctx=ctx)
        except BadParameter:  # Typer's message names the path as it was typed
            return _TYPER
    return _TYPER


def convert(descriptor: Any, value: Any, param: Any, ctx: Any) -> Any:
    """``value`` converted as Typer would, or ``_TYPER`` when it is not plain."""
    info = descriptor.parameter_info
    if descriptor.file_annotation is not None or info.parser is not None:
        return _TYPER
    annotation = descriptor.annotation
    if get_origin(annotation) is list:
        if not isinstance(value, (list, tuple)):
            return _TYPER
        (item,) = get_args(annotation)
        items = [_leaf(item, info, v, param, ctx) for v in value]
        return _TYPER if any(i is _TYPER for i in items) else items
    return _leaf(annotation, info, value, param, ctx)


class FastCoercion:
    """A parameter's conversion: plain values here, the rest by Typer's own (built when first
    needed, which is when Pydantic is imported)."""

    def __init__(self, descriptor: Any) -> None:
        self._descriptor = descriptor
        self._typer: Any = None

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        many = param.multiple or param.nargs == -1
        if value is None:
            return () if many else None
        if not (many and isinstance(value, str)):
            converted = convert(self._descriptor, value, param, ctx)
            if converted is not _TYPER:
                return converted
        if self._typer is None:
            from typer._coercion import build_runtime_param

            self._typer = build_runtime_param(self._descriptor)
        from typer._click.exceptions import BadParameter

        try:
            return self._typer.coerce(value, param=param, ctx=ctx)
        except BadParameter as exc:
            # Typer's error, unchanged; the value as given goes with it, so a Norwegian usage
            # error can say which path check refused it (dq.cli._common.usage_error)
            exc.typed = value  # type: ignore[attr-defined]
            raise


def _give(param: Any) -> None:
    if getattr(param, "_runtime_param", False) is None and \
            getattr(param, "type_descriptor", None) is not None:
        param._runtime_param = FastCoercion(param.type_descriptor)


@functools.cache
def _fits() -> bool:
    """Whether this Typer converts as the one FastCoercion was written for: a lazily built
    ``_runtime_param`` whose ``coerce(value, param, ctx)`` the parameter calls."""
    try:
        import inspect

        from typer._coercion import RuntimeParam, build_runtime_param  # noqa: F401
        from typer._param_types import coerce_cli_choice, coerce_cli_path  # noqa: F401
        from typer.core import _TyperParameter
    except ImportError:
        return False
    try:
        return (list(inspect.signature(RuntimeParam.coerce).parameters)
                == ["self", "value", "param", "ctx"]
                and "_runtime_param" in getattr(_TyperParameter, "__annotations__", {}))
    except (TypeError, ValueError):
        return False


def install(command: Any) -> Any:
    """Give each Typer parameter of ``command`` (and of its subcommands) a FastCoercion, the
    --help option too (made when the parser first asks for it). On a Typer that converts
    otherwise, nothing: Typer converts as it does."""
    if not _fits():
        return command
    for param in getattr(command, "params", ()):
        _give(param)
    help_option = getattr(command, "get_help_option", None)
    if help_option is not None and "get_help_option" not in vars(command):
        def get_help_option(ctx: Any) -> Any:
            option = help_option(ctx)
            if option is not None:
                _give(option)
            return option

        command.get_help_option = get_help_option
    for sub in (getattr(command, "commands", None) or {}).values():
        install(sub)
    return command
