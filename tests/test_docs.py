"""Every command has help text and appears in the README; the README's commands are true."""

import re

import typer.main

from dq.cli import app
from tests.conftest import ROOT, run

README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands() -> list[str]:
    """Every command and group of subcommands, as ``dq --help`` lists them."""
    return typer.main.get_command(app).list_commands(None)  # type: ignore[attr-defined]


def test_every_command_has_help_and_is_in_the_readme():
    assert commands()
    for name in commands():
        result = run(name, "--help")  # in Norwegian, dq's default; --lang en: English
        assert result.exit_code == 0 and "Bruk:" in result.stdout
        result = run(name, "--help", "--lang", "en")
        assert result.exit_code == 0 and "Usage:" in result.stdout
        assert f"### `dq {name}" in README


def test_readme_opens_with_the_two_setup_commands():
    block = re.search(r"## Set up\n\n```sh\n(.*?)```", README, re.S)
    assert block is not None
    first, second = block.group(1).strip().splitlines()
    assert first.startswith("pip install . && dq ")
    assert second == "pip install -e '.[test]' && pytest"
    # CI installs as the README says: in place, so the compiled copy is built where the tests
    # import dq from
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pip install --quiet -e '.[test]'" in ci


def test_readme_documents_every_exit_code():
    for code in range(5):
        assert f"| {code} |" in README
