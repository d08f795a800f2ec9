"""Errors on stderr in the run's language (issue 11, "Norwegian everywhere": all text from the
message catalogue, no English in nb output).

Every DQError dq raises carries a dq.messages.Message whose key is in ERRORS, ERRORS_SPEC or
ERRORS_DATA: the source is read (AST) and a raise with English text fails here. The hostile
corpus (tests/hostile.py) is run in nb and en: the nb line starts ``dq: feil:`` and holds none of
the English words of tests/test_stderr_lang.py; the en line starts ``dq: error:``.
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from dq import messages
from tests import hostile
from tests.conftest import ROOT, run
from tests.test_stderr_lang import english_in

ERROR_CLASSES = {"DQError", "ConfigError", "InputError", "OutputWriteError"}
_TABLES = {name: getattr(messages, name) for name in messages.ERROR_TABLES}


def _error_calls(tree: ast.AST) -> list[ast.Call]:
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in ERROR_CLASSES or (name or "").endswith("Error") and name in _subclasses():
                calls.append(node)
    return calls


def _subclasses() -> set[str]:
    from dq.errors import DQError

    seen, todo = set(), [DQError]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            seen.add(sub.__name__)
            todo.append(sub)
    return seen | {"DQError"}


def _is_message(node: ast.AST) -> bool:
    """A Message(...) call, a variable holding one (checked where it is made: a Message is the
    only str dq builds for an error), or a choice between Messages."""
    if isinstance(node, ast.Call):
        func = node.func
        return (isinstance(func, ast.Name) and func.id == "Message"
                or isinstance(func, ast.Attribute) and func.attr == "Message")
    if isinstance(node, ast.Name | ast.Attribute | ast.Subscript):
        return True
    if isinstance(node, ast.IfExp):
        return _is_message(node.body) and _is_message(node.orelse)
    return False


def _sources() -> list[Path]:
    return sorted((ROOT / "dq").rglob("*.py"))


def test_every_error_is_raised_with_a_catalogue_message():
    english = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _error_calls(tree):
            if call.args and not _is_message(call.args[0]):
                english.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert english == [], f"{len(english)} errors raised with text, not a Message: {english}"


def _message_keys() -> set[str]:
    keys = set()
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and _is_message(node) and isinstance(node, ast.Call)
                    and node.args and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                keys.add(node.args[0].value)
    return keys


def test_every_message_key_in_the_source_is_in_the_catalogue():
    known = set(messages.RELIABILITY) | set(messages.WARNINGS)
    for table in _TABLES.values():
        known |= set(table)
    missing = sorted(k for k in _message_keys() if k not in known)
    assert missing == []


def test_error_tables_do_not_share_keys():
    seen: dict[str, str] = {}
    for name, table in _TABLES.items():
        for key in table:
            assert key not in seen, f"{key} in {seen.get(key)} and {name}"
            assert key not in messages.WARNINGS and key not in messages.RELIABILITY, key
            seen[key] = name


_ALL = sorted((name, key) for name, table in _TABLES.items() for key in table)


@pytest.mark.parametrize(("table", "key"), _ALL, ids=[k for _, k in _ALL])
def test_every_error_has_both_languages_and_the_same_fields(table, key):
    texts = _TABLES[table][key]
    assert set(texts) == {"nb", "en"}
    fields = [{f for _, f, _, _ in string.Formatter().parse(texts[lang]) if f}
              for lang in ("nb", "en")]
    assert fields[0] == fields[1], key
    assert english_in(texts["nb"]) == [], texts["nb"]


_FAILING = [c for c in hostile.CASES if c.exit_code in (2, 3)]


@pytest.mark.parametrize("case", _FAILING, ids=[c.name for c in _FAILING])
def test_hostile_errors_in_both_languages(tmp_path, case):
    path = case.write(tmp_path)
    lines = {}
    for lang in ("nb", "en"):
        result = run("completeness", path, "--format", "csv", "--lang", lang, *case.args)
        assert result.exit_code == case.exit_code, result.stderr
        assert len(result.stderr.splitlines()) == 1, result.stderr
        lines[lang] = result.stderr.strip()
    assert lines["nb"].startswith("dq: feil: "), lines["nb"]
    assert lines["en"].startswith("dq: error: "), lines["en"]
    assert english_in(lines["nb"].removeprefix("dq: feil: ")) == [], lines["nb"]


def test_an_error_in_the_spec_follows_lang_before_the_spec_is_read(tmp_path):
    export = tmp_path / "e.csv"
    export.write_text("a;b\n1;2\n", encoding="utf-8")
    spec = tmp_path / "dq.toml"
    spec.write_text("[dataset\n", encoding="utf-8")
    nb = run("completeness", export, "--spec", spec, "--lang", "nb")
    en = run("completeness", export, "--spec", spec, "--lang", "en")
    assert nb.exit_code == en.exit_code == 2
    assert nb.stderr.startswith("dq: feil: ") and en.stderr.startswith("dq: error: ")
    assert english_in(nb.stderr.removeprefix("dq: feil: ")) == [], nb.stderr


@pytest.mark.parametrize(("args", "line"), [
    (("completeness", "x.csv", "--nope"),
     "dq: feil: ukjent valg --nope (mulige valg: "),
    (("completeness", "x.csv", "--format", "pdf"),
     "dq: feil: ugyldig verdi for --format / -f; gyldige verdier: table, terminal, json, csv, "
     "markdown; se «dq completeness --help»"),
    (("reliability", "x.csv", "--level", "foo"),
     "dq: feil: ugyldig verdi for --level; gyldige verdier: nominal, ordinal, interval, ratio; "
     "se «dq reliability --help»"),
    (("completeness", "x.csv", "--width", "5"),
     "dq: feil: ugyldig verdi for --width: må være minst 40 (fikk 5); se «dq completeness "
     "--help»"),
    (("completeness", "--top"),
     "dq: feil: valget --top trenger en verdi; se «dq completeness --help»"),
    (("plan", "kappa", "--nope"), "dq: feil: ukjent valg --nope"),
    (("nosuch",), "dq: feil: ukjent kommando eller feil bruk; se «dq --help»"),
])
def test_usage_errors_are_norwegian_by_default(args, line):
    """The command-line parser's own usage errors: one Norwegian line from the catalogue, exit 2
    (--lang en keeps the parser's English text)."""
    result = run(*args)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(line), result.stderr
    assert english_in(result.stderr.removeprefix("dq: feil: ")) == [], result.stderr


def test_usage_errors_in_english_keep_the_parsers_text():
    result = run("completeness", "x.csv", "--nope", "--lang", "en")
    assert result.exit_code == 2
    assert "No such option: --nope" in result.stderr and "Usage: dq completeness" in result.stderr


def test_help_version_and_success_keep_their_exit_codes(tmp_path):
    bare = run()  # no arguments: the help, in Norwegian (exit 2, as the parser always did)
    assert bare.exit_code == 2 and "Bruk: dq [VALG] KOMMANDO" in bare.stdout + bare.stderr
    assert "dq: feil" not in bare.stdout + bare.stderr
    assert run("--help").exit_code == 0
    assert run("--version").exit_code == 0
    assert run("completeness", "--help").exit_code == 0
    data = tmp_path / "d.csv"
    data.write_text("a;b\n1;2\n", encoding="utf-8")
    assert run("completeness", data, "--format", "csv").exit_code == 0
