"""``dq --help`` and every command's help in Norwegian (dq's default) or English (--lang en).

Every text of the help comes from the message catalogue (dq.messages.HELP): the commands declare
catalogue keys, and the parser's own words (Usage, Options, [default: …], "Show this message and
exit.") are catalogue texts too. Norwegian help holds none of the tell-tale English words below;
the same detector finds them in the English help of every command, so it is not blind.
"""

from __future__ import annotations

import re
import string
import subprocess
import sys

import pytest
import typer.main
from typer.testing import CliRunner

from dq import messages
from dq.cli import _COMMANDS, _build, app
from dq.cli._help import _TYPER_OPTIONS, _bounds, _declared, _lang, help_keys

HELP = messages.HELP


def _paths() -> list[tuple[str, ...]]:
    """dq itself, every command and every subcommand, as dq --help lists them."""
    root = typer.main.get_command(app)
    out: list[tuple[str, ...]] = [()]
    for name in root.list_commands(None):  # type: ignore[attr-defined]
        out.append((name,))
        command = _build(name)
        out += [(name, sub) for sub in getattr(command, "commands", None) or {}]
    return out


PATHS = _paths()
IDS = [" ".join(p) or "dq" for p in PATHS]


def helped(*args: str, columns: int = 80):  # noqa: ANN201 - click Result
    return CliRunner(env={"COLUMNS": str(columns)}).invoke(app, list(args))


def help_of(path: tuple[str, ...], lang: str | None = None, columns: int = 80) -> str:
    result = helped(*path, "--help", *(("--lang", lang) if lang else ()), columns=columns)
    assert result.exit_code == 0, (path, lang, result.output)
    return result.stdout


# ------------------------------------------------------------------ the English-word detector

# Words of English help text that are no Norwegian words (nor dq's option values, which stay as
# typed in both languages: unit, year, national, table, terminal, nominal …): function words,
# the parser's words, the placeholders and the vocabulary of dq's help.
ENGLISH = (
    "the", "and", "of", "or", "with", "without", "this", "that", "which", "whose", "when",
    "each", "every", "from", "into", "instead", "only", "not", "is", "are", "in", "on", "its",
    "than", "as", "usage", "options", "option", "arguments", "argument", "commands", "command",
    "show", "message", "exit", "version", "default", "required", "shell", "completion",
    "current", "file", "files", "folder", "directory", "column", "columns", "row", "rows",
    "record", "records", "registry", "export", "spec", "value", "values", "number", "share",
    "level", "study", "power", "width", "write", "written", "read", "output", "input",
    "language", "warning", "warnings", "check", "checks", "units", "missing", "unknown", "shown",
    "invalid", "confidence", "interval", "method", "weights", "seed", "sample", "draw",
    "reference", "references", "days", "date", "event", "patient", "patients", "cases",
    "raters", "categories", "category", "variable", "variables", "code", "codes", "stdout",
    "dir", "fraction", "text", "keys", "names", "name", "encoding", "char", "yyyy",
    "validation", "before", "after", "result", "args",
)
_ENGLISH = re.compile(r"(?<![\w-])(" + "|".join(ENGLISH) + r")(?![\w-])", re.IGNORECASE)
_COMMAND_NAMES = sorted((" ".join(p) for p in PATHS if p), key=len, reverse=True)
# What is written the same in both languages, and is left out before the words are looked for:
# options, choices (<nb|en>), placeholders of a file format (vld_verdi_intern_<type>), URLs,
# identifiers and file names (dq.toml, person_id), the spec's keys ([dataset] files), quoted
# literals ('dq[png]', «SkjemaStatus = 2»), assignments (level = "ordinal") and dq's commands.
_LITERALS = [
    r"--?[\w-]+", r"<[^>\s]*>", r"\S+://\S*", r"\w+(?:[._]\w+)+",
    r"\[[a-z_]+(?:\.[\w*]+)?\](?: [a-z_]+)?", r"'[^'\n]*'", r"«[^»\n]*»", r'"[^"\n]*"', r"\w+ =",
    r"\bdq (?:%s)\b" % "|".join(map(re.escape, _COMMAND_NAMES)),
    # the commands a group lists, by name
    r"(?m)^  (?:%s)(?= )" % "|".join(sorted({re.escape(p[-1]) for p in PATHS if p})),
]


def english_words(text: str) -> list[str]:
    for literal in _LITERALS:
        text = re.sub(literal, " ", text)
    return sorted({m.group(1).lower() for m in _ENGLISH.finditer(text)})


def test_the_detector_finds_english_and_passes_norwegian():
    assert english_words("Show this message and exit.") == ["and", "exit", "message", "show",
                                                            "this"]
    assert english_words("Usage: dq report [OPTIONS] [SPEC]") == ["options", "spec", "usage"]
    assert english_words("  --top N  Rows shown.  [default: 30; 1<=x<=100000]") == [
        "default", "rows", "shown"]
    assert english_words("Vis denne hjelpeteksten og avslutt.  [standard: 5; påkrevd]") == []
    assert english_words("Bruk: dq report [VALG] [SPESIFIKASJON] --data-url URL "
                         "[dataset] files «SkjemaStatus = 2» dq.toml (se dq spec check)") == []


def test_no_norwegian_help_text_holds_an_english_word():
    found = {key: english_words(messages.help_text(key, "nb", default="5", min=1, max=2))
             for key in HELP}
    assert {k: v for k, v in found.items() if v} == {}


# ------------------------------------------------------------------------------ the catalogue

def test_every_help_text_has_both_languages_with_the_same_fields():
    fields = string.Formatter()
    for key, texts in HELP.items():
        assert set(texts) == set(messages.LANGS), key
        assert all(texts[lang].strip() for lang in messages.LANGS), key
        names = {lang: {f for _, f, _, _ in fields.parse(texts[lang]) if f} for lang in texts}
        assert names["nb"] == names["en"], key
        for lang in messages.LANGS:  # every text renders (a stray brace would not)
            messages.help_text(key, lang, default="x", min=1, max=2)


def _declared_keys() -> set[str]:
    keys: set[str] = set()
    root = typer.main.get_command(app)
    keys |= help_keys(root)
    for name in root.list_commands(None):  # type: ignore[attr-defined]
        command = root.get_command(None, name)  # type: ignore[attr-defined]
        keys |= help_keys(command)
        for sub in (getattr(command, "commands", None) or {}).values():
            keys |= help_keys(sub)
    return keys


def test_every_command_declares_catalogue_keys_and_every_entry_is_shown():
    """No command declares English text (or a key the catalogue lacks), and the catalogue holds
    no text that no command shows."""
    declared = _declared_keys()
    assert declared - set(HELP) == set()
    parser = {k for k in HELP if k.startswith("parser.")}
    assert set(HELP) - declared - parser == set()


def test_every_parameter_of_every_command_has_a_key():
    root = typer.main.get_command(app)
    commands = [root]
    for name in _COMMANDS:
        command = root.get_command(None, name)  # type: ignore[attr-defined]
        commands += [command, *(getattr(command, "commands", None) or {}).values()]
    for command in commands:
        assert _declared(command, "help", remember=False) in HELP, command.name
        for param in command.params:
            key = _TYPER_OPTIONS.get(param.name) or _declared(param, "help", remember=False)
            assert key in HELP, (command.name, param.name, key)


@pytest.mark.parametrize("lang", messages.LANGS)
def test_the_parsers_words_come_from_the_catalogue(lang):
    shown = "\n".join(help_of(p, lang) for p in PATHS)
    flat = re.sub(r"\s+", " ", shown)
    for key in ("parser.usage", "parser.arguments", "parser.options", "parser.commands",
                "parser.options_metavar", "parser.commands_metavar", "parser.required",
                "parser.help"):
        assert HELP[key][lang] in flat, key
    assert re.sub(r"\s+", " ", HELP["parser.default"][lang].format(default="5")) in flat
    token = _lang.set(lang)
    try:
        assert _bounds(0, 10_000) == {"nb": "0–10000", "en": "0<=x<=10000"}[lang]
        assert _bounds(0.5, None) == {"nb": "minst 0.5", "en": "x>=0.5"}[lang]
        assert _bounds(None, 1e-6) == {"nb": "høyst 0.000001", "en": "x<=0.000001"}[lang]
        assert _bounds(None, None) is None
    finally:
        _lang.reset(token)


# --------------------------------------------------------------------------- the help itself

@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_norwegian_help_has_no_english(path):
    default, asked = help_of(path), help_of(path, "nb")
    assert default == asked
    assert default.startswith("Bruk: dq"), default
    assert english_words(default) == [], default


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_english_help_is_english(path):
    """The detector is not blind: it finds English words in the English help of each command."""
    text = help_of(path, "en")
    assert text.startswith("Usage: dq"), text
    assert len(english_words(text)) >= 5, text


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("lang", messages.LANGS)
@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_help_shows_the_catalogue_texts(path, lang):
    """The command's description, every option's and argument's help, the groups of options and
    the placeholders, in the language asked for (line breaks aside)."""
    root = typer.main.get_command(app)
    command = root
    for name in path:
        command = command.get_command(None, name)  # type: ignore[attr-defined]
    shown = _squeezed(help_of(path, lang))
    for key in help_keys(command):
        assert _squeezed(messages.help_text(key, lang)) in shown, (key, lang)


def test_english_help_keeps_its_english_texts():
    report = help_of(("report",), "en")
    assert "Check a registry against all six national data-quality dimensions" in report
    assert "Show this message and exit." in report
    assert "[default: terminal]" in report and "[0<=x<=10000]" in report
    check = help_of(("spec", "check"), "en")
    assert "SPEC  The registry spec (dq.toml).  [required]" in check
    assert "Usage: dq spec check [OPTIONS] {SPEC}" in check
    kappa = help_of(("plan", "kappa"), "en")
    assert _squeezed("[default: 0.05; 0.000001<=x<=0.5]") in _squeezed(kappa)


def test_norwegian_help_in_norwegian_words_and_typography():
    report = help_of(("report",))
    assert "Bruk: dq report [VALG] [SPESIFIKASJON]" in report
    assert "Argumenter:" in report and "Valg:" in report
    assert "Les fra en database i stedet for en fil:" in report
    assert "--year ÅÅÅÅ|all" in report and "--figures MAPPE" in report
    assert "[standard: terminal]" in report and "[0–10000]" in report
    assert "Vis denne hjelpeteksten og avslutt." in report
    # "95 % KI" with a narrow no-break space; 10 000 likewise; values typed stay as typed
    assert "95\u202f% KI" in help_of(("completeness",))
    assert "10\u202f000" in help_of(("init",))
    assert _squeezed("[standard: 0.95; 0.5–0.9999]") in _squeezed(help_of(("plan", "kappa")))
    check = help_of(("spec", "check"))
    assert "SPESIFIKASJON  Registerspesifikasjonen (dq.toml).  [påkrevd]" in check
    root = help_of(())
    assert "Kommandoer:" in root and "Vis versjonen og avslutt." in root


# ------------------------------------------------------------- where --lang stands, and more

@pytest.mark.parametrize("path", [(), ("report",), ("plan",), ("plan", "kappa"), ("spec",),
                                  ("spec", "check"), ("compare",)], ids=" ".join)
def test_lang_before_or_after_help(path):
    en = [helped(*path, "--help", "--lang", "en"), helped(*path, "--lang", "en", "--help"),
          helped(*path, "--help", "--lang=en"), helped("--lang", "en", *path, "--help")]
    nb = [helped(*path, "--help"), helped(*path, "--help", "--lang", "nb"),
          helped(*path, "--lang=nb", "--help")]
    for results, first in ((en, "Usage: dq"), (nb, "Bruk: dq")):
        assert {r.exit_code for r in results} == {0}
        assert len({r.stdout for r in results}) == 1
        assert results[0].stdout.startswith(first)
        assert results[0].stderr == ""


def test_the_language_of_one_run_does_not_stay_for_the_next():
    for lang, first in (("nb", "Bruk:"), ("en", "Usage:"), (None, "Bruk:"), ("en", "Usage:")):
        assert help_of(("plan", "kappa"), lang).startswith(first)
        assert help_of((), lang).startswith(first)


def test_no_arguments_show_the_help_in_norwegian():
    for path, usage in (((), "Bruk: dq [VALG] KOMMANDO [ARGUMENTER]..."),
                        (("plan",), "Bruk: dq plan [VALG] KOMMANDO [ARGUMENTER]..."),
                        (("spec",), "Bruk: dq spec [VALG] KOMMANDO [ARGUMENTER]...")):
        result = helped(*path)
        assert result.exit_code == 2
        assert result.output.startswith(usage), result.output
        assert english_words(result.output) == []


def test_a_usage_error_beside_help_is_still_an_error():
    """--lang is taken off the command line only for help; a wrong option is still exit 2, in
    the language asked for."""
    nb = helped("report", "--nope", "--help")
    assert nb.exit_code == 2
    assert nb.stderr.startswith("dq: feil: ukjent valg --nope"), nb.stderr
    en = helped("report", "--nope", "--help", "--lang", "en")
    assert en.exit_code == 2 and "No such option: --nope" in en.stderr
    assert "Usage: dq report [OPTIONS] [SPEC]" in en.stderr
    assert helped("--lang", "en").exit_code == 2  # a group has no --lang: only for help


@pytest.mark.parametrize("lang", messages.LANGS)
@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_help_fits_80_columns(path, lang):
    text = help_of(path, lang, columns=80)
    assert max(len(line) for line in text.splitlines()) <= 80, text


def test_english_help_imports_no_statistics():
    code = ("import sys; from dq.cli import app; from typer.testing import CliRunner; "
            "CliRunner().invoke(app, ['--help', '--lang', 'en']); "
            "CliRunner().invoke(app, ['report', '--help', '--lang', 'en']); "
            "CliRunner().invoke(app, ['plan', 'kappa', '--lang', 'en', '--help']); "
            "print(sorted(m for m in ('scipy', 'statsmodels', 'polars') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"
