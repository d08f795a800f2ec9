"""A corpus of hostile input files, made in code (no binary fixtures in the repository).

Each case is a ``Case`` — a tuple ``(name, write, exit_code, stderr, args)``: ``write(folder)``
writes the file into ``folder`` and returns the path to hand dq; ``exit_code`` is what
``dq completeness`` must end with; ``stderr`` is a regex the one ``dq: error:`` line must match
(None: the file is readable and no error line is expected); ``args`` are extra options.

Every bad row carries the markers ``FNR`` (a fødselsnummer-like number) and ``NAME``, so a test
can assert that nothing of the data reaches stdout or stderr. Other tests can import ``CASES``,
``MARKERS`` or single writers.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import random
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

FNR = "01017012345"
NAME = "Kari Nordmannsen"
MARKERS = (FNR, NAME)
EXIT_DATA = 3
EXIT_USAGE = 2

HEADER = "PasientNavn;Fnr;Alder;Dato"
GOOD = "Ola;12;81;01.02.2020"
BAD = f"{NAME};{FNR};90;15.03.2021"  # the row whose values must never be shown


class Case(NamedTuple):
    name: str
    write: Callable[[Path], Path]
    exit_code: int
    stderr: str | None
    args: tuple[str, ...] = ()


def export_text(rows: int = 3, sep: str = ";", newline: str = "\n") -> str:
    """A small MRS-like export whose last row holds the markers."""
    lines = [HEADER, *([GOOD] * (rows - 1)), BAD]
    return newline.join(line.replace(";", sep) for line in lines) + newline


def _bytes(name: str, data: bytes | Callable[[], bytes]) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data() if callable(data) else data)
        return path
    return write


def _text(name: str, text: str, encoding: str = "utf-8") -> Callable[[Path], Path]:
    return _bytes(name, text.encode(encoding))


def random_binary(size: int = 4096, seed: int = 9) -> bytes:
    rng = random.Random(seed)
    data = bytearray(rng.randbytes(size))
    marker = (BAD + "\n").encode()
    data[size // 2:size // 2 + len(marker)] = marker
    return bytes(data)


def nul_sprinkled() -> bytes:
    """Text with NUL bytes at irregular places (a damaged export, not UTF-16)."""
    text = bytearray(export_text(40).encode())
    rng = random.Random(3)
    for _ in range(len(text) // 20):
        text[rng.randrange(len(text))] = 0
    return bytes(text)


def parquet_bytes() -> bytes:
    import polars as pl

    buf = io.BytesIO()
    pl.DataFrame({"navn": [NAME, "Ola"], "fnr": [FNR, "1"]}).write_parquet(buf)
    return buf.getvalue()


def xlsx_bytes(header: list[object] | None = None, rows: list[list[object]] | None = None) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, header if header is not None else ["navn", "fnr"])
    for i, row in enumerate(rows if rows is not None else [[NAME, FNR], ["Ola", "1"]], 1):
        sheet.write_row(i, 0, row)
    book.close()
    return buf.getvalue()


def _stat_bytes(kind: str) -> Callable[[], bytes]:
    def make() -> bytes:
        import tempfile

        import pandas as pd
        import pyreadstat

        frame = pd.DataFrame({"navn": [NAME, "Ola"], "alder": [90.0, 81.0]})
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, f"x.{kind}")
            (pyreadstat.write_sav if kind == "sav" else pyreadstat.write_dta)(frame, path)
            return Path(path).read_bytes()
    return make


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def late_rows(bad: str, before: int = 12_000) -> str:
    """A problem after the 10,000 rows dq samples, so only a full pass can find it."""
    return HEADER + "\n" + (GOOD + "\n") * before + bad + "\n" + (GOOD + "\n") * 10


def _fifo(folder: Path) -> Path:
    path = folder / "pipe.csv"
    os.mkfifo(path)
    return path


def _dir(folder: Path) -> Path:
    path = folder / "folder.csv"
    path.mkdir()
    return path


def _utf16_lone_surrogate() -> bytes:
    text = export_text().encode("utf-16-le")
    return codecs.BOM_UTF16_LE + text[:40] + b"\x00\xd8" + b"A\x00" + text[40:]


def _xlsx_dup() -> bytes:
    return xlsx_bytes(["navn", "fnr", "navn"], [[NAME, FNR, "x"], ["Ola", "1", "y"]])


def _xlsx_unnamed_with_values() -> bytes:
    return xlsx_bytes(["navn", " ", "alder"], [["Ola", NAME, 1], ["Per", FNR, 2]])


def _xlsx_no_header() -> bytes:
    return xlsx_bytes([NAME, FNR], [["Ola", "1"]])


def _xlsx_control_dup() -> bytes:
    return xlsx_bytes(["a\x1b[31m", "a\x1b[31m "], [[NAME, FNR]])


ERROR = r"^dq: error: "

CASES: list[Case] = [
    # Another format's bytes named .csv: refused, naming what they look like.
    Case("random_binary", _bytes("random.csv", random_binary), EXIT_DATA,
         ERROR + r".*looks like binary data"),
    Case("nul_sprinkled", _bytes("nul.csv", nul_sprinkled), EXIT_DATA,
         ERROR + r".*looks like binary data"),
    Case("parquet_as_csv", _bytes("pq.csv", parquet_bytes), EXIT_DATA,
         ERROR + r".*/pq\.csv: looks like a Parquet file, not CSV; rename it to \.parquet or "
         r"pass --input-format parquet$"),
    Case("xlsx_as_csv", _bytes("xl.csv", lambda: xlsx_bytes()), EXIT_DATA,
         ERROR + r".*looks like an Excel \.xlsx workbook, not CSV; rename it to \.xlsx"),
    Case("sav_as_csv", _bytes("sav.csv", _stat_bytes("sav")), EXIT_DATA,
         ERROR + r".*looks like an SPSS \.sav file, not CSV"),
    Case("dta_as_csv", _bytes("dta.csv", _stat_bytes("dta")), EXIT_DATA,
         ERROR + r".*looks like a Stata \.dta file, not CSV"),
    Case("gzip_as_csv", _bytes("gz.csv", lambda: gzip.compress(export_text().encode())),
         EXIT_DATA, ERROR + r".*gzip-compressed.*decompress it first"),
    Case("pdf_as_csv", _bytes("pdf.csv", b"%PDF-1.7\n" + BAD.encode() + b"\n%%EOF\n"),
         EXIT_DATA, ERROR + r".*looks like a PDF document"),
    Case("xls_as_csv", _bytes("old.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
                              + BAD.encode()), EXIT_DATA,
         ERROR + r".*old Excel \.xls workbook.*save it as \.xlsx or CSV"),
    Case("zip_as_csv", _bytes("zip.csv", lambda: zip_bytes({"export.csv": export_text().encode()})),
         EXIT_DATA, ERROR + r".*looks like a ZIP archive.*unpack it"),
    Case("html_as_csv", _text("page.csv", f"<!DOCTYPE html><html><body>{BAD}</body></html>\n"),
         EXIT_DATA, ERROR + r".*looks like an HTML page"),
    Case("parquet_as_csv_forced", _bytes("pq.dat", parquet_bytes), EXIT_DATA,
         ERROR + r".*looks like a Parquet file, not CSV", ("--input-format", "csv")),
    # The reverse: text or another format behind a binary format's extension.
    Case("csv_as_parquet", _text("text.parquet", export_text()), EXIT_DATA,
         ERROR + r".*not a readable Parquet file: it looks like CSV or other text; rename it "
         r"to \.csv or pass --input-format csv$"),
    Case("csv_as_xlsx", _text("text.xlsx", export_text()), EXIT_DATA,
         ERROR + r".*not a readable \.xlsx file: it looks like CSV"),
    Case("csv_as_sav", _text("text.sav", export_text()), EXIT_DATA,
         ERROR + r".*not a readable SPSS \.sav file: it looks like CSV"),
    Case("csv_as_dta", _text("text.dta", export_text()), EXIT_DATA,
         ERROR + r".*not a readable Stata \.dta file: it looks like CSV"),
    Case("parquet_as_sav", _bytes("pq.sav", parquet_bytes), EXIT_DATA,
         ERROR + r".*it looks like a Parquet file; rename it to \.parquet"),
    Case("xlsx_as_parquet", _bytes("xl.parquet", lambda: xlsx_bytes()), EXIT_DATA,
         ERROR + r".*it looks like an Excel \.xlsx workbook"),
    Case("csv_forced_parquet", _text("data.csv", export_text()), EXIT_DATA,
         ERROR + r".*it looks like CSV or other text; pass --input-format csv$",
         ("--input-format", "parquet")),
    Case("parquet_truncated", _bytes("cut.parquet", lambda: parquet_bytes()[:-20]), EXIT_DATA,
         ERROR + r".*the Parquet file is incomplete"),
    Case("parquet_damaged", _bytes("bad.parquet", lambda: b"PAR1" + random_binary(600) + b"PAR1"),
         EXIT_DATA, ERROR + r".*not a readable Parquet file \(damaged"),
    Case("xlsx_damaged", _bytes("bad.xlsx", lambda: zip_bytes(
        {"[Content_Types].xml": b"<x/>", "xl/workbook.xml": BAD.encode()})), EXIT_DATA,
         ERROR + r".*not a readable \.xlsx file \(damaged"),
    Case("binary_as_xlsx", _bytes("bin.xlsx", random_binary), EXIT_DATA,
         ERROR + r".*not a readable \.xlsx file"),
    Case("sav_damaged", _bytes("bad.sav", lambda: _stat_bytes("sav")()[:300]), EXIT_DATA,
         ERROR + r".*not a readable SPSS \.sav file \(damaged"),
    Case("dta_damaged", _bytes("bad.dta", lambda: _stat_bytes("dta")()[:200]), EXIT_DATA,
         ERROR + r".*not a readable Stata \.dta file \(damaged"),
    # Malformed CSV: re-worded by line number, never quoting the row.
    Case("unclosed_quote", _text("quote.csv", f'{HEADER}\n{GOOD}\n"{BAD}\n{GOOD}\n'), EXIT_DATA,
         ERROR + r".*the quoted field that starts on line 3 is never closed"),
    Case("unclosed_quote_late", _text("quote_late.csv", late_rows(f'"{BAD}')), EXIT_DATA,
         ERROR + r".*the quoted field that starts on line 12002 is never closed"),
    Case("unclosed_quote_last_column", _text("quote_last.csv",
                                            f'{HEADER}\n{GOOD}\n{NAME};{FNR};1;"x\n'),
         EXIT_DATA, ERROR + r".*starts on line 3 is never closed"),
    Case("too_many_fields", _text("ragged.csv", f"{HEADER}\n{GOOD}\n{BAD};{FNR};{NAME}\n"),
         EXIT_DATA, ERROR + r".*line 3 has 6 fields but the header has 4"),
    Case("too_many_fields_late", _text("ragged_late.csv", late_rows(f"{BAD};{FNR};{NAME}")),
         EXIT_DATA, ERROR),  # found while the check streams: one line, nothing of the row
    Case("header_quote_unclosed", _text("hq.csv", f'"{HEADER}\n{GOOD}\n{BAD}\n'), EXIT_DATA,
         ERROR + r".*a quoted column name in the header row is never closed"),
    Case("header_missing", _text("nohead.csv", f"{BAD}\n{GOOD}\n"), EXIT_DATA,
         ERROR + r".*the first row looks like data, not column names \(column 2"),
    Case("duplicate_names", _text("dup.csv", "a;b;a\n" + f"{NAME};{FNR};1\n"), EXIT_DATA,
         ERROR + r".*duplicate column names 'a'"),
    Case("unnamed_column_with_values", _text("unnamed.csv", f"a;;b\n1;{FNR};{NAME}\n"),
         EXIT_DATA, ERROR + r".*column 2 has no name in the header row but holds values in 1 row;"),
    Case("control_bytes_in_names", _text("ctl.csv", "a\x1b[31m\x07;b\r;a\x1b[31m\x07\n"
                                         f"{NAME};{FNR};1\n"), EXIT_DATA,
         ERROR + r".*duplicate column names 'a\\x1b\[31m\\x07'"),
    Case("bidi_in_names", _text("bidi.csv", "a\u202eb;a\u202eb\n" + f"{NAME};{FNR}\n"),
         EXIT_DATA, ERROR + r".*duplicate column names 'a\\u202eb'"),
    Case("empty_first_line", _text("blank.csv", f"\n{HEADER}\n{BAD}\n"), EXIT_DATA,
         ERROR + r".*the first line is empty"),
    Case("bom_only", _bytes("bom.csv", codecs.BOM_UTF8), EXIT_DATA,
         ERROR + r".*the first line is empty"),
    Case("header_only", _text("header.csv", HEADER + "\n"), EXIT_DATA, ERROR + r".*no data rows"),
    Case("empty_file", _bytes("empty.csv", b""), EXIT_DATA, ERROR + r".*the file is empty"),
    Case("missing_file", lambda folder: folder / "missing.csv", EXIT_DATA,
         ERROR + r".*no such file"),
    Case("directory", _dir, EXIT_DATA, ERROR + r".*is a directory"),
    Case("fifo", _fifo, EXIT_DATA, ERROR + r".*is not a regular file"),
    Case("unknown_extension", _text("export.dat", export_text()), EXIT_DATA,
         ERROR + r".*cannot tell the format.*it looks like CSV or other text: pass "
         r"--input-format csv$"),
    # Encodings: decoded when they can be, refused by byte offset when they cannot.
    Case("utf16_odd_length", _bytes("u16cut.csv", lambda: export_text().encode("utf-16")[:-1]),
         EXIT_DATA, ERROR + r".*the file ends in the middle of a character"),
    Case("utf16_lone_surrogate", _bytes("u16sur.csv", _utf16_lone_surrogate), EXIT_DATA,
         ERROR + r".*byte \d+ is not valid UTF-16 LE"),
    Case("utf8_forced_on_utf16", _text("u16.csv", export_text(sep="\t"), "utf-16"), EXIT_DATA,
         ERROR + r".*the file is UTF-16 LE text .*not utf-8", ("--encoding", "utf-8")),
    Case("utf16_forced_on_utf8", _text("u8.csv", export_text()), EXIT_DATA,
         ERROR + r".*does not look like UTF-16", ("--encoding", "utf-16")),
    Case("cp1252_forced_on_latin1", _bytes("l1.csv", (export_text() + "\x81;1;2;3\n").encode(
        "latin-1")), EXIT_DATA, ERROR + r".*byte \d+ is not valid cp1252",
         ("--encoding", "cp1252")),
    Case("utf8_forced_on_cp1252", _text("cp.csv", export_text() + "Tromsø;1;2;3\n", "cp1252"),
         EXIT_DATA, ERROR + r".*byte \d+ is not valid UTF-8", ("--encoding", "utf-8")),
    Case("mixed_utf8_bom_then_cp1252", _bytes("mix.csv", codecs.BOM_UTF8 + export_text().encode()
                                              + "Tromsø;1;2;3\n".encode("cp1252")), EXIT_DATA,
         ERROR + r".*the file mixes encodings: it has UTF-8 text, but byte \d+ is not UTF-8"),
    Case("mixed_cp1252_then_utf8", _bytes("mix2.csv", (export_text() + "Tromsø;1;2;3\n").encode(
        "cp1252") + ("Ærlig Øvre Ås;" + FNR + ";1;2\n").encode()), EXIT_DATA,
         ERROR + r".*the file mixes encodings"),
    Case("unknown_encoding", _text("d.csv", export_text()), EXIT_USAGE,
         ERROR + r"unknown encoding 'ebcdic'", ("--encoding", "ebcdic")),
    Case("long_separator", _text("d.csv", export_text()), EXIT_USAGE,
         ERROR + r"--separator must be one character", ("--separator", ";;")),
    Case("quote_separator", _text("d.csv", export_text()), EXIT_USAGE,
         ERROR + r"--separator cannot be a quote", ("--separator", '"')),
    # Excel workbooks: the header row as written, not as calamine renames it.
    Case("xlsx_duplicate_names", _bytes("dup.xlsx", _xlsx_dup), EXIT_DATA,
         ERROR + r".*duplicate column names 'navn'"),
    Case("xlsx_unnamed_with_values", _bytes("unnamed.xlsx", _xlsx_unnamed_with_values),
         EXIT_DATA, ERROR + r".*column 2 has no name in the header row but holds values in 2 rows"),
    Case("xlsx_header_missing", _bytes("nohead.xlsx", _xlsx_no_header), EXIT_DATA,
         ERROR + r".*the first row looks like data"),
    Case("xlsx_control_duplicates", _bytes("ctl.xlsx", _xlsx_control_dup), EXIT_DATA,
         ERROR + r".*duplicate column names 'a\\x1b\[31m'"),
    # Readable: read correctly (not refused, not garbage).
    Case("cr_only", _text("cr.csv", export_text(newline="\r")), 0, None),
    Case("cr_only_cp1252", _text("crcp.csv", export_text(newline="\r") + "Tromsø;1;2;3\r",
                                 "cp1252"), 0,
         r"^(dq: )?(note|merk): .* (is not UTF-8; reading it as|er ikke UTF-8; leses som) cp1252"),
    Case("field_over_128k", _text("wide.csv", f"{HEADER}\n{GOOD}\n{'x' * 200_000};{FNR};1;2\n"),
         0, None),
    Case("utf16le_bom_tab", _text("u16.txt", export_text(sep="\t", newline="\r\n"), "utf-16"),
         0, None),
    Case("utf16le_no_bom", _text("u16le.csv", export_text(sep="\t"), "utf-16-le"), 0, None),
    Case("utf16be_bom", _bytes("u16be.csv", codecs.BOM_UTF16_BE
                               + export_text(sep="\t").encode("utf-16-be")), 0, None),
    Case("utf16be_no_bom", _text("u16be2.csv", export_text(sep="\t"), "utf-16-be"), 0, None),
    Case("utf32le_bom", _text("u32.csv", export_text(sep="\t"), "utf-32"), 0, None),
    Case("utf32be_no_bom", _text("u32be.csv", export_text(sep="\t"), "utf-32-be"), 0, None),
    Case("trailing_separator", _text("trail.csv", "a;b;\n1;2;\n3;4;\n"), 0, None),
    Case("xlsx_unnamed_empty_column", _bytes("gap.xlsx", lambda: xlsx_bytes(
        ["navn", None, "alder"], [["Ola", None, 1], ["Per", None, 2]])), 0, None),
]


def case(name: str) -> Case:
    return next(c for c in CASES if c.name == name)
