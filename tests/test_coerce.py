"""dq.cli._coerce converts plain command-line values without Pydantic: for every parameter of
every command it must give what Typer's own conversion gives — the same value, or the same
error — and a run that uses only plain values must not import Pydantic."""

from __future__ import annotations

import subprocess
import sys
from enum import Enum

import pytest
import typer.main
from typer._coercion import build_runtime_param

from dq.cli import _coerce, app
from tests.conftest import ROOT

_RAW = ["", "0", "1", "5", "-3", "007", "1.5", "0.25", "-0.5", "1e3", " 7", "7 ", "1_000", "+2",
        "abc", "nan", "inf", "100000", "100001", "2.0", "x.csv", "/nonexistent/dir/x.csv",
        str(ROOT), str(ROOT / "README.md"), "-", "true", "json", "JSON", "table", "nb", "EN",
        # paths as typed, not as Path writes them: errors must name them so
        str(ROOT) + "/", str(ROOT / "tests") + "//", str(ROOT / "README.md") + "/",
        str(ROOT / "tests" / ".." / "README.md"), "./x/", "~/x.toml"]


def _params():
    group = typer.main.get_command(app)
    found = []

    def walk(command, path):
        ctx = typer.main._click.Context(command)
        for param in [*command.params, command.get_help_option(ctx)]:
            if getattr(param, "type_descriptor", None) is not None:
                found.append(pytest.param(param, ctx, id=f"{path}:{param.name}"))
        for name, sub in (getattr(command, "commands", None) or {}).items():
            walk(sub, f"{path} {name}")

    walk(group, "dq")
    for name in group.list_commands(None):
        walk(group.get_command(None, name), name)
    return found


def _outcome(fn):
    try:
        value = fn()
    except Exception as exc:  # noqa: BLE001 - the error is what is compared
        return ("error", type(exc).__name__, str(exc))
    return ("value", type(value).__name__, repr(value))  # repr: nan equals nan


@pytest.mark.parametrize(("param", "ctx"), _params())
def test_plain_values_convert_as_typer_converts_them(param, ctx):
    descriptor = param.type_descriptor
    annotation = descriptor.annotation
    values: list[object] = [None, param.default, *_RAW]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        values += [m for m in annotation] + [m.value for m in annotation] + \
            [str(m.value).upper() for m in annotation]
    if param.multiple or param.nargs == -1:
        values = [None, (), ["a.csv", "b.csv"], ("x.csv",), ["", "x"], "x.csv"]
    fast = _coerce.FastCoercion(descriptor)
    typer_own = build_runtime_param(descriptor)
    for value in values:
        ours = _outcome(lambda: fast.coerce(value, param=param, ctx=ctx))
        theirs = _outcome(lambda: typer_own.coerce(value, param=param, ctx=ctx))
        assert ours == theirs, (param.name, value)


def test_plain_values_take_the_fast_path():
    # not vacuous: the common spellings are converted here, without Typer's adapters
    group = typer.main.get_command(app)
    command = group.get_command(None, "completeness")
    ctx = typer.main._click.Context(command)
    by_name = {p.name: p for p in command.params}
    for name, raw, expected in [("min_n", "3", 3), ("fail_under", "0.9", 0.9),
                                ("fmt", "json", "json"), ("by", "unit,year", "unit,year"),
                                ("data", ["a.csv"], None)]:
        got = _coerce.convert(by_name[name].type_descriptor, raw, by_name[name], ctx)
        assert got is not _coerce._TYPER, name
        if expected is not None:
            assert getattr(got, "value", got) == expected


def test_a_run_with_plain_values_does_not_import_pydantic(tmp_path):
    data = tmp_path / "x.csv"
    data.write_text("a;b\n1;2\n3;\n", encoding="utf-8")
    code = ("import sys, atexit; atexit.register(lambda: print('pydantic' in sys.modules)); "
            "sys.argv = ['dq', 'completeness', sys.argv[1], '--format', 'json', '--min-n', '1', "
            "'--fail-under', '0.5', '--ci', 'wilson', '--top', '3']; "
            "from dq.cli import main; main()")
    out = subprocess.run([sys.executable, "-c", code, str(data)], capture_output=True, text=True,
                         cwd=ROOT)
    assert out.stdout.strip().endswith("False"), out.stdout[-300:] + out.stderr[-300:]
