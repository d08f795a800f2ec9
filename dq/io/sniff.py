"""Find out how a delimited text file is written: encoding, separator, decimal mark.

Registry exports come as ``;``-separated CSV with decimal comma in UTF-8 with BOM (MRS, OQR) or
cp1252/Latin-1 (files saved from Excel or Rapporteket); see domain.md "Data that users hand dq".
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from dq.errors import ConfigError, InputError

SAMPLE_BYTES = 1 << 20
CHUNK_BYTES = 1 << 24
SEPARATORS = (";", ",", "\t", "|")

_ENCODING_ALIASES = {
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8",
    "utf8-sig": "utf-8",
    "latin1": "latin-1",
    "latin-1": "latin-1",
    "iso-8859-1": "latin-1",
    "iso8859-1": "latin-1",
    "cp1252": "cp1252",
    "windows-1252": "cp1252",
}

_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")


@dataclass(frozen=True)
class Dialect:
    encoding: str  # "utf-8", "cp1252" or "latin-1"
    separator: str
    decimal_comma: bool
    bom: bool
    encoding_guessed: bool  # True when dq fell back from UTF-8 on its own


def normalise_encoding(name: str) -> str:
    key = name.strip().lower()
    if key not in _ENCODING_ALIASES:
        valid = ", ".join(sorted({*_ENCODING_ALIASES.values()}))
        raise ConfigError(f"unknown encoding {name!r}: use one of {valid}")
    return _ENCODING_ALIASES[key]


def _first_invalid_utf8(path: Path) -> int | None:
    """Byte offset of the first byte that is not UTF-8, or None when the whole file decodes."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return offset + exc.start
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            return offset + exc.start
    return None


def _cp1252_decodes(path: Path) -> bool:
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            try:
                chunk.decode("cp1252")
            except UnicodeDecodeError:
                return False
    return True


def detect_encoding(path: Path, requested: str | None) -> tuple[str, bool]:
    """Return (encoding, guessed). UTF-8 is checked over the whole file, not a sample."""
    if requested is not None:
        encoding = normalise_encoding(requested)
        if encoding == "utf-8":
            bad = _first_invalid_utf8(path)
            if bad is not None:
                raise InputError(
                    f"{path}: byte {bad} is not valid UTF-8; the file is probably cp1252/Latin-1 "
                    "(saved from Excel): pass --encoding cp1252"
                )
        return encoding, False
    if _first_invalid_utf8(path) is None:
        return "utf-8", False
    return ("cp1252" if _cp1252_decodes(path) else "latin-1"), True


def _count_outside_quotes(line: str, sep: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == sep and not quoted:
            count += 1
    return count


def sniff(path: Path, encoding: str | None = None, separator: str | None = None) -> Dialect:
    enc, guessed = detect_encoding(path, encoding)
    with path.open("rb") as fh:
        raw = fh.read(SAMPLE_BYTES)
    bom = raw.startswith(codecs.BOM_UTF8)
    text = raw.decode(enc, errors="replace")
    if bom:
        text = text.lstrip("\ufeff")
    lines = text.splitlines()
    if len(raw) == SAMPLE_BYTES and lines:
        lines = lines[:-1]  # the last line of a sample may be cut
    header = lines[0] if lines else ""
    if separator is None:
        counts = {sep: _count_outside_quotes(header, sep) for sep in SEPARATORS}
        best = max(counts.values())
        separator = next((s for s in SEPARATORS if counts[s] == best), ",") if best else ","
    elif len(separator) != 1:
        raise ConfigError(f"--separator must be one character, got {separator!r}")
    decimal_comma = False
    if separator != ",":
        reader = csv.reader(io.StringIO("\n".join(lines[1:2001])), delimiter=separator)
        decimal_comma = any(_DECIMAL_COMMA.match(field.strip()) for row in reader for field in row)
    return Dialect(enc, separator, decimal_comma, bom, guessed)


def header_fields(path: Path, dialect: Dialect) -> list[str]:
    with path.open("rb") as fh:
        raw = fh.read(SAMPLE_BYTES)
    text = raw.decode(dialect.encoding, errors="replace").lstrip("\ufeff")
    first = next(csv.reader(io.StringIO(text), delimiter=dialect.separator), [])
    return [name.strip() for name in first]


def has_data_rows(path: Path, dialect: Dialect) -> bool:
    with path.open("rb") as fh:
        raw = fh.read(SAMPLE_BYTES)
    text = raw.decode(dialect.encoding, errors="replace").lstrip("\ufeff")
    rows = csv.reader(io.StringIO(text), delimiter=dialect.separator)
    next(rows, None)
    return any(any(field.strip() for field in row) for row in rows)
