"""Review fixes: dq init with a reference it does not recognise, dq plan at absurd inputs, weighted
correctness without a binary variable, stdout write errors, and the reason in Norwegian usage
errors. Each test failed before its fix."""

from __future__ import annotations

import pytest

from dq import messages
from tests.conftest import run, write_text

# ---------------------------------------------------------------- 1. dq init --reference


def _export(tmp_path):
    rows = "\n".join(f"P{i:04d};10{i % 3};2023-0{1 + i % 9}-1{i % 10}" for i in range(40))
    return write_text(tmp_path / "export.csv", "PasientID;AvdRESH;Operasjonsdato\n" + rows + "\n")


@pytest.mark.parametrize(("lang", "note"), [
    ("nb", "# TODO: referansen weird.csv har verken antall (aggregert) eller person og dato "
           "(kobling)"),
    ("en", "# TODO: the reference weird.csv has neither counts (aggregate) nor person and date "
           "(linkage)"),
], ids=["nb", "en"])
def test_init_with_a_reference_it_does_not_recognise(tmp_path, lang, note):
    """Was exit 4 (a note's parameter named "key" collided with the writer's own argument):
    now the note names the file and [coverage] stays a comment the user fills in."""
    export = _export(tmp_path)
    write_text(tmp_path / "weird.csv", "a;b\n1;2\n3;4\n")
    result = run("init", export, "--reference", tmp_path / "weird.csv", "-o",
                 tmp_path / "dq.toml", "--lang", lang)
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "dq.toml").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert note in lines
    assert "# [coverage]" in lines and '# references = ["weird.csv"]' in lines
    assert "[coverage]" not in lines  # no table with an empty reference list


def test_init_with_a_reference_lacking_a_column(tmp_path):
    """Counts per unit without a year: aggregate, with a TODO for the year column (the note
    whose parameter is "key", which crashed every such run)."""
    export = _export(tmp_path)
    write_text(tmp_path / "npr.csv", "Behandlingssted;Antall\n101;20\n102;15\n")
    result = run("init", export, "--reference", tmp_path / "npr.csv", "-o", tmp_path / "dq.toml",
                 "--lang", "en")
    assert result.exit_code == 0, result.stderr
    lines = (tmp_path / "dq.toml").read_text(encoding="utf-8").splitlines()
    assert "# TODO: no column found for year" in lines
    assert 'references = ["npr.csv"]' in lines


def test_catalogue_texts_take_key_and_lang_as_values():
    """The catalogue's own arguments are positional-only: "key" and "lang" are values too."""
    assert messages.init_text("coverage_column_todo", "en", key="year") == \
        "no column found for year"
    assert messages.Message("stderr.error", key="x", lang="y").text("nb") == "feil"
