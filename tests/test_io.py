"""The input layer: every format and encoding registries hand dq, and every bad input."""

from datetime import date

import pandas as pd
import polars as pl
import pyreadstat
import pytest

from dq.errors import ConfigError, InputError
from dq.io import scan
from dq.io.values import as_date, number
from tests.conftest import write_text

MRS = "PasientID;Alder;Vekt;Dato\nP1;81;70,5;01.02.2020\nP2;;  ;15.03.2021\nP3;90;64,0;\n"


def collect(path, **kw):
    source = scan(path, notify=lambda _msg: None, **kw)
    return source, source.lf.collect()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_csv_separator_and_encoding(tmp_path, encoding, sep):
    text = "Navn{s}Bosted{s}Tall\nÆrlig Øvre{s}Tromsø{s}1\nÅse{s}Bærum{s}2\n".format(s=sep)
    path = write_text(tmp_path / "d.csv", text, encoding)
    source, df = collect(path)
    assert source.info.separator == sep
    assert source.info.encoding == ("cp1252" if encoding == "cp1252" else "utf-8")
    assert df.columns == ["Navn", "Bosted", "Tall"]  # the BOM is not part of the first name
    assert df["Bosted"].to_list() == ["Tromsø", "Bærum"]


def test_cp1252_fallback_says_so(tmp_path):
    path = write_text(tmp_path / "d.csv", "a;b\nø;1\n", "cp1252")
    notes: list[str] = []
    source = scan(path, notify=notes.append)
    assert source.info.encoding_guessed
    assert len(notes) == 1 and "cp1252" in notes[0] and str(path) in notes[0]


def test_latin1_bytes_cp1252_cannot_decode(tmp_path):
    path = tmp_path / "d.csv"
    path.write_bytes(b"a;b\n\x81x;1\n")  # 0x81 is undefined in cp1252, defined in Latin-1
    source, df = collect(path)
    assert source.info.encoding == "latin-1"
    assert df["a"][0] == "\x81x"


def test_explicit_utf8_on_latin1_file_is_an_input_error(tmp_path):
    from dq import messages

    path = write_text(tmp_path / "d.csv", "a;b\nø;1\n", "latin-1")
    # the fix names the option of a command that has it, else the spec's key
    token = messages.command_options({"--encoding"})
    try:
        with pytest.raises(InputError, match="--encoding cp1252"):
            scan(path, encoding="utf-8")
    finally:
        messages.reset_options(token)
    with pytest.raises(InputError, match=r'\[dataset\] encoding = "cp1252"'):
        scan(path, encoding="utf-8")


def test_unknown_encoding_is_a_config_error(tmp_path):
    path = write_text(tmp_path / "d.csv", "a;b\n1;2\n")
    with pytest.raises(ConfigError, match="unknown encoding"):
        scan(path, encoding="ebcdic")


def test_blank_and_whitespace_are_missing_and_decimal_comma(tmp_path):
    source, df = collect(write_text(tmp_path / "d.csv", MRS))
    assert source.info.decimal_comma
    assert df["Alder"].to_list() == ["81", None, "90"]
    assert df["Vekt"].to_list() == ["70,5", None, "64,0"]
    parsed = df.select(number(pl.col("Vekt"), pl.String))["Vekt"].to_list()
    assert parsed == [70.5, None, 64.0]


@pytest.mark.parametrize(("blank", "encoding", "sep"), [
    (" ", "utf-8", ";"), ("\t", "utf-8", ";"), ("\x0b", "utf-8", ";"), ("\x0c", "utf-8", ";"),
    ("\u00a0", "utf-8", ";"), ("\u2003", "utf-8", ";"), ("\u3000", "utf-8", ";"),
    ("\u202f", "utf-8", ";"), ("\u00a0", "cp1252", ";"), ("  ", "cp1252", ";"),
    (" ", "utf-8", "\t"), ("\u00a0", "utf-16", ";"), ("\r", "utf-8", ";")])
def test_every_kind_of_whitespace_only_cell_is_missing(tmp_path, blank, encoding, sep):
    """A file is read without looking for whitespace-only cells only when it has no whitespace
    at all (SourceInfo.blank_free); any whitespace Polars strips keeps the check on."""
    text = f"a{sep}b{sep}c\n1{sep}x{sep}k\n2{sep}{blank}{sep}k\n3{sep}{sep}k\n"
    source, df = collect(write_text(tmp_path / "d.csv", text, encoding))
    assert not source.info.blank_free and source.may_have_blanks
    assert df["b"].to_list() == ["x", None, None]
    from dq import completeness as comp
    raw = source.raw.select(comp.missing_flag("b", pl.String, source.may_have_blanks)).collect()
    assert raw.to_series().to_list() == [False, True, True]


@pytest.mark.parametrize(("text", "encoding", "free"), [
    ("a;b\n1;x\n2;\n", "utf-8", True),
    ("a\tb\n1\tx\n2\t\n", "utf-8", True),  # the separator is not in a cell
    ("a;b\r\n1;x\r\n2;\r\n", "utf-8", True),  # CRLF line ends are not in a cell
    ("a;b\n1;Tromsø\n2;\n", "cp1252", True),
    ("a;b\n1;x y\n2;\n", "utf-8", False),  # a space somewhere: look
    ('a;b\n1;"x"\n2;\n', "utf-8", False),  # quoting could hide a line break: look
])
def test_blank_free_files_are_read_without_the_whitespace_check(tmp_path, text, encoding, free):
    source, df = collect(write_text(tmp_path / "d.csv", text, encoding))
    assert source.info.blank_free is free
    assert df["b"].to_list()[1] is None


def test_date_formats_are_detected(tmp_path):
    text = "a;b;c;d\n01.02.2020;2020-02-01;01.02.2020 10:11:12;2020-02-01 10:11:12\n"
    source, df = collect(write_text(tmp_path / "d.csv", text))
    assert source.info.date_formats == {"a": "%d.%m.%Y", "b": "%Y-%m-%d",
                                        "c": "%d.%m.%Y %H:%M:%S", "d": "%Y-%m-%d %H:%M:%S"}
    got = df.select(as_date(pl.col(c), pl.String, source.info.date_formats[c]) for c in "abcd")
    assert got.row(0) == (date(2020, 2, 1),) * 4


def test_parquet_is_scanned_lazily_and_counted(tmp_path):
    path = tmp_path / "d.parquet"
    pl.DataFrame({"a": [1, None, 3], "b": ["x", " ", None]}).write_parquet(path)
    source = scan(path)
    assert isinstance(source.lf, pl.LazyFrame)
    assert source.info.rows == 3
    assert source.lf.collect()["b"].to_list() == ["x", None, None]


def test_xlsx(tmp_path):
    path = tmp_path / "d.xlsx"
    pl.DataFrame({"a": [1, 2], "b": ["Ja", None]}).write_excel(path)
    source, df = collect(path)
    assert source.info.format == "xlsx" and source.info.rows == 2
    assert df["b"].to_list() == ["Ja", None]


def test_sav_user_missing_values_become_unknown_codes(tmp_path):
    path = tmp_path / "d.sav"
    pdf = pd.DataFrame({"ASA": [1.0, 2.0, 9.0, None], "Alder": [80.0, 90.0, -1.0, 70.0]})
    pyreadstat.write_sav(pdf, str(path), missing_ranges={"ASA": [9], "Alder": [{"lo": -9, "hi": -1}]},
                         variable_value_labels={"ASA": {1: "ASA 1", 9: "Ukjent"}})
    source, df = collect(path)
    assert df["ASA"].to_list() == [1.0, 2.0, 9.0, None]  # kept, not turned into nulls
    assert source.info.unknown_ranges == {"ASA": [(9.0, 9.0)], "Alder": [(-9.0, -1.0)]}
    assert source.info.value_labels["ASA"] == {1.0: "ASA 1", 9.0: "Ukjent"}


def test_dta(tmp_path):
    path = tmp_path / "d.dta"
    pyreadstat.write_dta(pd.DataFrame({"x": [1.0, None], "y": ["a", "b"]}), str(path))
    source, df = collect(path)
    assert source.info.format == "dta"
    assert df["x"].to_list() == [1.0, None]


def test_format_override(tmp_path):
    from dq import messages

    path = write_text(tmp_path / "export.dat", "a;b\n1;2\n")
    token = messages.command_options({"--input-format"})
    try:
        with pytest.raises(InputError, match="--input-format"):
            scan(path)
    finally:
        messages.reset_options(token)
    with pytest.raises(InputError, match=r"rename it to \.csv"):
        scan(path)
    assert scan(path, fmt="csv").lf.collect().shape == (1, 2)


@pytest.mark.parametrize("make, message", [
    (lambda p: p / "missing.csv", "no such file"),
    (lambda p: p, "is a directory"),
    (lambda p: write_text(p / "empty.csv", ""), "empty"),
    (lambda p: write_text(p / "header.csv", "a;b;c\n"), "no data rows"),
    (lambda p: write_text(p / "dup.csv", "a;b;a\n1;2;3\n"), "duplicate column names 'a'"),
    (lambda p: write_text(p / "bad.parquet", "not parquet at all"), "not a readable Parquet"),
    (lambda p: write_text(p / "bad.xlsx", "not a zip"), "not a readable .xlsx"),
    (lambda p: write_text(p / "bad.sav", "not spss"), "not a readable SPSS"),
])
def test_bad_input_is_one_clear_input_error(tmp_path, make, message):
    path = make(tmp_path)
    with pytest.raises(InputError, match=message) as info:
        scan(path)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)
