"""Hostile input: every bad file ends with exit 2 or 3 and one line on stderr that quotes nothing
of the data; readable oddities (UTF-16, CR-only lines, huge fields) are read correctly; a
cancelled run leaves no plaintext copy behind (issue 9, "Safe on patient data")."""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dq.errors import InputError
from dq.io import safe_name, scan
from dq.io.values import as_date, as_datetime
from tests import hostile
from tests.conftest import ROOT, run

_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _assert_clean(result, case_name: str = "") -> None:  # noqa: ANN001
    out = result.stdout + result.stderr
    assert "Traceback" not in out, case_name
    for marker in hostile.MARKERS:
        assert marker not in out, f"{case_name}: {marker!r} leaked"
    assert not _CONTROL.search(result.stderr), f"{case_name}: raw control character on stderr"


# What a readable case must be read as (default: the export's header, hostile.HEADER).
_VARIABLES = {"trailing_separator": ["a", "b"], "xlsx_unnamed_empty_column": ["navn", "alder"]}


@pytest.mark.parametrize("case", hostile.CASES, ids=[c.name for c in hostile.CASES])
def test_hostile_file(tmp_path, case):
    # the corpus's patterns are dq's English (--lang en); the Norwegian lines: below and in
    # tests/test_error_lang.py
    path = case.write(tmp_path)
    result = run("completeness", path, "--format", "csv", "--lang", "en", *case.args)
    _assert_clean(result, case.name)
    assert result.exit_code == case.exit_code, result.stderr
    lines = result.stderr.splitlines()
    if case.exit_code in (2, 3):
        assert len(lines) == 1, lines
        assert lines[0].startswith("dq: error: ")
        assert re.search(case.stderr, lines[0]), lines[0]
    else:
        assert not any(line.startswith("dq: error") for line in lines)
        if case.stderr is None:
            assert lines == []
        else:
            assert len(lines) == 1 and re.search(case.stderr, lines[0]), lines
        variables = [row["variable"] for row in csv.DictReader(io.StringIO(result.stdout))]
        assert variables == _VARIABLES.get(case.name, hostile.HEADER.split(";")), variables


# Typical refusals in dq's default language, Norwegian: the whole line after the file name.
_NORWEGIAN = {
    "parquet_as_csv": ": ser ut som en Parquet-fil, ikke CSV; gi den endelsen .parquet eller "
                      "oppgi --input-format parquet",
    "gzip_as_csv": ": ser ut som en gzip-komprimert fil, ikke CSV; pakk den ut først (gunzip)",
    "csv_as_parquet": ": ikke en lesbar Parquet-fil: den ser ut som CSV eller annen tekst; gi "
                      "den endelsen .csv eller oppgi --input-format csv",
    "unclosed_quote": ": kan ikke leses som CSV med skilletegn ';': feltet i anførselstegn som "
                      "begynner på linje 3, blir aldri lukket (en '\"' uten sin make); rett opp "
                      "anførselstegnene i uttrekket, eller oppgi --separator",
    "too_many_fields": ": kan ikke leses som CSV med skilletegn ';': linje 3 har 6 felt, men "
                       "overskriftsraden har 4; rett opp anførselstegnene i uttrekket, eller "
                       "oppgi --separator",
    "unnamed_column_with_values": ": kolonne 2 mangler navn i overskriftsraden, men har en "
                                  "verdi i 1 rad; gi den et navn i uttrekket",
    "missing_file": ": filen finnes ikke; sjekk stien (relative stier i dq.toml regnes fra "
                    "mappen spesifikasjonen ligger i)",
    "fifo": ": er ikke en vanlig fil (et rør eller en enhet); lagre uttrekket i en fil og "
            "oppgi den",
    "utf8_forced_on_cp1252": ": byte 117 er ikke gyldig UTF-8; filen er trolig cp1252/Latin-1 "
                             "(lagret fra Excel): oppgi --encoding cp1252",
    "unknown_encoding": "ukjent tegnkoding 'ebcdic': bruk en av cp1252, latin-1, utf-16, "
                        "utf-16-be, utf-16-le, utf-32, utf-32-be, utf-32-le, utf-8",
}


@pytest.mark.parametrize("name", sorted(_NORWEGIAN))
def test_hostile_file_refused_in_norwegian(tmp_path, name):
    case = next(c for c in hostile.CASES if c.name == name)
    path = case.write(tmp_path)
    result = run("completeness", path, "--format", "csv", *case.args)
    _assert_clean(result, case.name)
    assert result.exit_code == case.exit_code, result.stderr
    line = result.stderr.strip()
    assert line.startswith("dq: feil: ") and line.endswith(_NORWEGIAN[name]), line
    assert len(result.stderr.splitlines()) == 1


def test_corpus_covers_every_class():
    names = {c.name for c in hostile.CASES}
    for needed in ("random_binary", "cr_only", "xlsx_as_csv", "field_over_128k", "parquet_as_csv",
                   "utf16le_no_bom", "csv_as_parquet", "xlsx_duplicate_names",
                   "control_bytes_in_names", "unclosed_quote_late"):
        assert needed in names
    assert len(names) == len(hostile.CASES)


# --- readable oddities are read correctly, not merely without error ---------------------------

def _frame(path: Path, **kw) -> pl.DataFrame:
    return scan(path, notify=lambda _m: None, **kw).lf.collect()


_EXPECTED = pl.DataFrame({
    "PasientNavn": ["Ola", "Ola", hostile.NAME], "Fnr": ["12", "12", hostile.FNR],
    "Alder": ["81", "81", "90"], "Dato": ["01.02.2020", "01.02.2020", "15.03.2021"]})


@pytest.mark.parametrize("name", ["cr_only", "utf16le_bom_tab", "utf16le_no_bom", "utf16be_bom",
                                  "utf16be_no_bom", "utf32le_bom", "utf32be_no_bom"])
def test_unusual_encodings_and_line_ends_read_the_same_table(tmp_path, name):
    path = hostile.case(name).write(tmp_path)
    assert _frame(path).equals(_EXPECTED)


def test_utf16_encoding_is_reported_and_can_be_named(tmp_path):
    path = hostile.case("utf16le_no_bom").write(tmp_path)
    assert scan(path).info.encoding == "utf-16-le"
    assert scan(path, encoding="utf-16").lf.collect().equals(_EXPECTED)
    assert scan(path, encoding="UTF_16LE").lf.collect().equals(_EXPECTED)


def test_cr_only_cp1252_with_a_quoted_line_break(tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes('a;b\rØse;"to\rlinjer"\r"x";2\r'.encode("cp1252"))
    df = _frame(path)
    assert df.rows() == [("Øse", "to\nlinjer"), ("x", "2")]


def test_field_over_128k_is_read_whole(tmp_path):
    df = _frame(hostile.case("field_over_128k").write(tmp_path))
    assert len(df["PasientNavn"][1]) == 200_000


def test_trailing_separator_column_is_dropped_when_empty(tmp_path):
    source = scan(hostile.case("trailing_separator").write(tmp_path))
    assert source.columns == ["a", "b"]
    assert source.lf.collect().rows() == [("1", "2"), ("3", "4")]


def test_xlsx_empty_unnamed_column_is_dropped_and_named_empty_column_kept(tmp_path):
    source = scan(hostile.case("xlsx_unnamed_empty_column").write(tmp_path))
    assert source.columns == ["navn", "alder"]
    path = tmp_path / "blank_var.xlsx"
    path.write_bytes(hostile.xlsx_bytes(["navn", "tom", "alder"], [["Ola", None, 1]]))
    assert scan(path).columns == ["navn", "tom", "alder"]  # a variable never filled in stays


def test_xlsx_empty_columns_print_nothing_on_stderr(tmp_path):
    path = tmp_path / "blank.xlsx"
    path.write_bytes(hostile.xlsx_bytes(["navn", "tom", None], [["Ola", None, None]]))
    proc = subprocess.run([sys.executable, "-m", "dq", "completeness", str(path)],
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""


def test_xlsx_names_are_the_header_row_stripped(tmp_path):
    path = tmp_path / "names.xlsx"
    path.write_bytes(hostile.xlsx_bytes([" navn ", 2020], [["Ola", 1]]))
    assert scan(path).columns == ["navn", "2020"]


def test_late_unclosed_quote_is_explained_when_the_engine_stops(tmp_path):
    """Beyond the sample, a quoted field never closed stops the engine in the pass that reads
    the file; the reader registered how to say where (the CLI asks when the engine stops)."""
    from dq.outputs import explanation, reset_context

    reset_context()
    path = hostile.case("unclosed_quote_late").write(tmp_path)
    source = scan(path)
    with pytest.raises(pl.exceptions.ComputeError):
        source.lf.collect()
    found = explanation()
    assert isinstance(found, InputError)
    assert "line 12002" in str(found) and hostile.NAME not in str(found)
    reset_context()
    assert explanation() is None


def test_unclosed_quote_in_cp1252_copy_gives_the_original_line(tmp_path):
    path = tmp_path / "cp.csv"
    path.write_bytes(f'a;b\r\nØ;1\r\n"{hostile.NAME};2\r\n'.encode("cp1252"))
    with pytest.raises(InputError, match="starts on line 3") as info:
        scan(path, notify=lambda _m: None)
    assert hostile.NAME not in str(info.value)


# --- names in messages -----------------------------------------------------------------------

@pytest.mark.parametrize("raw, shown", [
    ("Alder", "Alder"),
    ("Bosted æøå", "Bosted æøå"),
    ("a\x1b[31m", "a\\x1b[31m"),
    ("a\rb\nc\x07", "a\\x0db\\x0ac\\x07"),
    ("x\u202ey", "x\\u202ey"),
    ("zero\u200bwidth\ufeff", "zero\\u200bwidth\\ufeff"),
    ("\x85\x9b", "\\x85\\x9b"),
])
def test_safe_name(raw, shown):
    assert safe_name(raw) == shown


def test_safe_name_cuts_long_names():
    assert safe_name("x" * 500) == "x" * 120 + "…"


def test_concat_names_columns_safely(tmp_path):
    from dq.io import concat

    a = scan(hostile._text("a.csv", "x;y\x1b\n1;2\n")(tmp_path))
    b = scan(hostile._text("b.csv", "x;z\n1;2\n")(tmp_path))
    with pytest.raises(InputError) as info:
        concat([a, b])
    assert "'y\\x1b'" in str(info.value) and "\x1b" not in str(info.value)


# --- dates must have their format's shape ------------------------------------------------------

@pytest.mark.parametrize("text, fmt, expected", [
    ("1.2.23", "%d.%m.%Y", None),
    ("1.2.23", None, None),
    ("01.02.0023", "%d.%m.%Y", date(23, 2, 1)),  # four digits: a (wrong) year, for ranges
    ("1.2.2023", "%d.%m.%Y", date(2023, 2, 1)),
    ("01.02.20233", "%d.%m.%Y", None),
    ("23-2-1", "%Y-%m-%d", None),
    ("2023-2-1", "%Y-%m-%d", None),
    ("2023-02-01", None, date(2023, 2, 1)),
    ("2023-02-01 10:11:12", None, date(2023, 2, 1)),
    ("31.02.2023", "%d.%m.%Y", None),
    ("1.2.23", "%d.%m.%y", date(2023, 2, 1)),  # a declared 2-digit-year format still works
    ("01/02/2023", "%d/%m/%Y", date(2023, 2, 1)),
    ("01/02/23", "%d/%m/%Y", None),
    ("١.٢.٢٠٢٣", "%d.%m.%Y", None),
])
def test_as_date_needs_the_format_shape(text, fmt, expected):
    got = pl.DataFrame({"x": [text]}).select(as_date(pl.col("x"), pl.String, fmt))["x"][0]
    assert got == expected


@pytest.mark.parametrize("text, fmt, ok", [
    ("1.2.23 10:11", "%d.%m.%Y %H:%M", False),
    ("1.2.2023 10:11", "%d.%m.%Y %H:%M", True),
    ("1.2.23", None, False),
    ("23-02-01 10:11:12", None, False),
    ("2023-02-01T10:11:12", None, True),
    ("2023-02-01 10:11:12.5", None, True),
])
def test_as_datetime_needs_the_format_shape(text, fmt, ok):
    got = pl.DataFrame({"x": [text]}).select(as_datetime(pl.col("x"), pl.String, fmt))["x"][0]
    assert (got is not None) == ok


def test_short_year_counts_as_invalid_in_completeness(tmp_path):
    spec = tmp_path / "dq.toml"
    spec.write_text('[dataset]\nname = "t"\n\n[variables.Dato]\ntype = "date"\n'
                    'mandatory = true\n', encoding="utf-8")
    data = hostile._text("d.csv", "Dato\n01.02.2023\n1.2.23\n02.02.2023\n03.02.2023\n"
                                  "04.02.2023\n")(tmp_path)
    result = run("completeness", data, "--spec", spec, "--format", "csv")
    assert result.exit_code in (0, 1), result.stderr
    row = next(csv.DictReader(io.StringIO(result.stdout)))
    assert row["variable"] == "Dato" and row["n_invalid"] == "1", row


def test_as_text_gives_null_not_an_engine_error_for_types_without_text():
    from datetime import timedelta

    from dq.io.values import as_text

    df = pl.DataFrame({
        "list": [[1, 2], [3]], "duration": [timedelta(1), timedelta(2)],
        "binary": [b"\xff\xfe" + hostile.NAME.encode(), b"ok"],
        "array": pl.Series([[1, 2], [3, 4]], dtype=pl.Array(pl.Int64, 2)),
        "float": [9.0, float("inf")], "big": [1e300, 2.5]})
    got = df.select(as_text(pl.col(c), df.schema[c]) for c in df.columns)
    assert got.row(0) == (None, None, None, None, "9", "1e+300")
    assert got.row(1) == (None, None, "ok", None, "inf", "2.5")


# --- SIGTERM while decoding a cp1252 export leaves no copy -------------------------------------

def _copy_in_progress(pid: int, folder: Path) -> tuple[str, int] | None:
    fd_dir = Path(f"/proc/{pid}/fd")
    try:
        fds = list(fd_dir.iterdir())
    except OSError:
        return None
    for fd in fds:
        try:
            target = os.readlink(fd)
            size = os.stat(fd).st_size
        except OSError:
            continue
        if target.startswith(str(folder)) and size > 0:
            return target, size
    return None


# dq run with the copy made in Python, or in C slowed to 20 ms a chunk so that the signal comes
# while it is being made (the compiled copy of these 60 MB takes about 0.05 s)
_COPY_WAYS = {
    "python": "import dq.io.copy_part as c; c.compiled = lambda: None\n",
    "compiled": (
        "import time, dq.io.copy_part as c; f = c.compiled()\n"
        "assert f is not None, 'dq._utf8copy is not built'\n"
        "c.compiled = lambda: lambda *a: (time.sleep(0.02), f(*a))[1]\n"),
}


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc (Linux)")
@pytest.mark.parametrize("way", sorted(_COPY_WAYS))
def test_sigterm_while_decoding_leaves_no_plaintext_copy(tmp_path, way):
    from dq.io import copy_part

    if way == "compiled" and copy_part.compiled() is None:
        pytest.skip("dq._utf8copy is not built")
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    data = tmp_path / "export.csv"
    row = f"{hostile.NAME};{hostile.FNR};Tromsø;1\r\n".encode("cp1252")
    rows = 1_200_000
    with data.open("wb") as fh:
        fh.write(b"Navn;Fnr;Bosted;N\r\n")
        fh.write(row * rows)
    copy_size = data.stat().st_size + rows  # 'ø' is two bytes in UTF-8
    env = {**os.environ, "TMPDIR": str(tmpdir), "PYTHONPATH": str(ROOT)}
    code = _COPY_WAYS[way] + "import sys; from dq.cli import main; sys.argv[0] = 'dq'; main()"
    proc = subprocess.Popen([sys.executable, "-c", code, "completeness", str(data)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        seen = None
        deadline = time.monotonic() + 120
        while seen is None and proc.poll() is None and time.monotonic() < deadline:
            seen = _copy_in_progress(proc.pid, tmpdir)
            if seen is None:
                time.sleep(0.001)
        assert seen is not None, "dq never started the UTF-8 copy"
        visible = [p for p in tmpdir.rglob("*") if p.is_file()]
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    target, size = seen
    assert target.endswith("(deleted)"), target  # the copy has no name on disk while dq runs
    assert size < copy_size, "the copy was already complete: the signal came too late"
    assert visible == []
    assert proc.returncode == -signal.SIGTERM
    marker = hostile.FNR.encode()
    for path in tmpdir.rglob("*"):
        assert not path.is_file() or marker not in path.read_bytes(), path
    assert list(tmpdir.iterdir()) == []


def test_no_copy_is_written_where_it_can_be_seen(tmp_path, monkeypatch):
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmpdir))
    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    for name, data in [("cp.csv", "a;b\nØse;1\n".encode("cp1252")),
                       ("u16.csv", "a\tb\nØse\t1\n".encode("utf-16")),
                       ("cr.csv", "a;b\rØse;1\r".encode())]:
        path = hostile._bytes(name, data)(tmp_path)
        source = scan(path, notify=lambda _m: None)
        assert source.lf.collect()["a"].to_list() == ["Øse"], name
        assert list(tmpdir.iterdir()) == [], name


# --- properties: nothing a file can hold makes dq crash ---------------------------------------

_SETTINGS = settings(max_examples=80, deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.too_slow])


def _run_bytes(data: bytes, name: str = "x.csv"):  # noqa: ANN202
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        return run("completeness", path)


def _assert_contract(result) -> None:  # noqa: ANN001
    assert result.exit_code in (0, 1, 2, 3), result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    if result.exit_code in (2, 3):
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("dq: feil: "), lines  # nb: the default


@_SETTINGS
@given(st.binary(max_size=3000))
def test_random_bytes_never_crash(data):
    _assert_contract(_run_bytes(data))


_ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-16-le", "utf-16-be",
              "utf-32"]
_CELL = st.text(alphabet=st.sampled_from(list("abcXYZ019 ,.;|\t\"'\r\næøåÆØÅ-")), max_size=8)


@st.composite
def _csv_files(draw) -> bytes:  # noqa: ANN001
    sep = draw(st.sampled_from([";", ",", "\t", "|"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    encoding = draw(st.sampled_from(_ENCODINGS))
    width = draw(st.integers(1, 4))
    rows = draw(st.lists(st.lists(_CELL, min_size=width, max_size=width + 1), max_size=6))
    header = draw(st.lists(st.text(alphabet="abcæ ;\"", max_size=4), min_size=width,
                           max_size=width))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONE]))
    buf = io.StringIO()
    if quoting == csv.QUOTE_NONE:
        buf.write(newline.join(sep.join(r) for r in [header, *rows]) + newline)
    else:
        writer = csv.writer(buf, delimiter=sep, lineterminator=newline, quoting=quoting)
        writer.writerows([header, *rows])
    text = buf.getvalue()
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(text)))
        text = text[:cut]
    return text.encode(encoding, errors="replace")


@_SETTINGS
@given(_csv_files())
def test_random_csv_never_crashes(data):
    _assert_contract(_run_bytes(data))


@st.composite
def _well_formed(draw) -> tuple[bytes, str, list[list[str]]]:  # noqa: ANN001
    sep = draw(st.sampled_from([";", ",", "\t", "|"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    encoding = draw(st.sampled_from(_ENCODINGS))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    # Unquoted, a value ending in CR before LF is a CRLF line end to every reader: line breaks
    # in values only where the writer quotes them, and never with CR-only line ends.
    breaks = "\r\n" if newline != "\r" and quoting == csv.QUOTE_ALL else ""
    cell = st.text(alphabet="abcXYZ019 ,.;|\t\"'-æøåÆØÅ" + breaks, max_size=8)
    rows = draw(st.lists(st.lists(cell, min_size=3, max_size=3), min_size=1, max_size=6))
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator=newline, quoting=quoting).writerows(
        [["Navn", "Fnr", "Tall"], *rows])
    data = buf.getvalue().encode(encoding)
    return data, sep, rows


@settings(max_examples=60, deadline=None, derandomize=True)
@given(_well_formed())
def test_well_formed_csv_reads_back_the_same_table(case):
    data, sep, rows = case
    blank = [[None if not v.strip() else v for v in row] for row in rows]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.csv"
        path.write_bytes(data)
        if all(v is None for row in blank for v in row):
            with pytest.raises(InputError, match="no data rows"):
                scan(path, separator=sep, notify=lambda _m: None)
            return
        df = scan(path, separator=sep, notify=lambda _m: None).lf.collect()
    assert df.columns == ["Navn", "Fnr", "Tall"]
    assert [list(r) for r in df.rows()] == blank


def test_bom_detection_prefers_utf32_over_utf16(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(codecs.BOM_UTF32_LE + "a\tb\n1\t2\n".encode("utf-32-le"))
    source = scan(path)
    assert source.info.encoding == "utf-32-le"
    assert source.lf.collect().rows() == [("1", "2")]


def test_a_first_data_row_longer_than_the_sample_is_data(tmp_path):
    """A free-text field of 5 MB in the first data row (found in review): the row is data, not
    a missing one ("a header but no data rows")."""
    path = tmp_path / "long.csv"
    path.write_text("unit;dato;notat\nA;01.01.2020;" + "x" * 5_000_000 + "\nB;02.01.2020;kort\n",
                    encoding="utf-8")
    assert _frame(path).height == 2
    header_only = tmp_path / "header.csv"
    header_only.write_text("unit;dato;notat\n" + ";" * 3 + "\n", encoding="utf-8")
    with pytest.raises(InputError):
        scan(header_only, notify=lambda _m: None)
