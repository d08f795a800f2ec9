"""Find out what a file is and how a delimited text file is written.

Registry exports come as ``;``-separated CSV with decimal comma in UTF-8 with BOM (MRS, OQR) or
cp1252/Latin-1 (files saved from Excel or Rapporteket); see domain.md "Data that users hand dq".
Excel also writes "Unicode text" (UTF-16 LE with BOM, tab-separated) and, on the Mac, lines that
end with a bare CR. This module tells these apart by their bytes, and refuses — naming what the
file looks like — bytes that are another format (Parquet, xlsx, SPSS, gzip, PDF, binary data).

Nothing here puts a value of the file into a message: messages name the file, a byte offset, a
line number, a count, or a column name passed through ``safe_name``.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import struct
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path

from dq.errors import ConfigError, InputError, os_reason
from dq.messages import Message

# Reading an input other than the export (a reference, a study, the unit table, the codebook):
# the export's options (--encoding, --separator, --input-format) and [dataset] keys do not apply
# to it, so its messages say how to fix the file itself (set by dq.io.readers.scan).
OTHER_INPUT: ContextVar[bool] = ContextVar("dq_other_input", default=False)

SAMPLE_BYTES = 1 << 20
HEADER_MAX_BYTES = 1 << 24  # the header line may be longer than the sample, up to this
SURVEY_CHUNK = 1 << 22
COPY_CHUNK = 1 << 22
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
    # Excel's "Unicode text": the byte order comes from the BOM or the bytes when not given.
    "utf-16": "utf-16",
    "utf16": "utf-16",
    "utf-16le": "utf-16-le",
    "utf-16-le": "utf-16-le",
    "utf-16be": "utf-16-be",
    "utf-16-be": "utf-16-be",
    "utf-32": "utf-32",
    "utf32": "utf-32",
    "utf-32le": "utf-32-le",
    "utf-32-le": "utf-32-le",
    "utf-32be": "utf-32-be",
    "utf-32-be": "utf-32-be",
}
_WIDE = ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
_WIDE_LABEL = {"utf-16-le": "UTF-16 LE", "utf-16-be": "UTF-16 BE",
               "utf-32-le": "UTF-32 LE", "utf-32-be": "UTF-32 BE"}
_BOMS = (  # UTF-32 first: its LE BOM starts with the UTF-16 LE BOM
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")
# UTF-8 for æ ø å Æ Ø Å é: in cp1252 text these byte pairs ("Ã¦", "Ã¸", ...) hardly occur.
_UTF8_LETTERS = re.compile(rb"\xc3[\xa5\xa6\xb8\x85\x86\x98\xa9]")


# --- names in messages --------------------------------------------------------------------------

_UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def _escape_char(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def safe_name(name: object, limit: int = 120) -> str:
    """A column (or file) name fit for a terminal, a log or Markdown: control, format (bidi,
    zero-width), separator and unassigned characters become ``\\xNN``/``\\uNNNN`` escapes, so
    a name cannot move the cursor, colour the terminal, reorder the line or hide text; a name
    longer than ``limit`` characters is cut with "…"."""
    text = str(name)
    cut = len(text) > limit
    if cut:
        text = text[:limit]
    if not text.isprintable() or any(unicodedata.category(c) in _UNSAFE_CATEGORIES for c in text):
        text = "".join(_escape_char(c) if unicodedata.category(c) in _UNSAFE_CATEGORIES else c
                       for c in text)
    return text + "…" if cut else text


def quoted(name: object) -> str:
    """``safe_name`` in single quotes, for naming a column in a sentence."""
    return f"'{safe_name(name)}'"


# --- what the bytes are -------------------------------------------------------------------------

@dataclass(frozen=True)
class Kind:
    """What a file's bytes look like. ``fmt`` is the dq input format that reads it, if any;
    ``label`` and ``fix`` are dq.messages.Message values (written in the run's language)."""

    key: str
    label: str
    fmt: str | None = None
    fix: str = ""


def _kind(key: str, /, fmt: str | None = None, fix: str = "", **params: str) -> Kind:
    """A kind with its label ("sniff.kind.<key>") and fix from the message catalogue."""
    return Kind(key, Message(f"sniff.kind.{key}"), fmt,
                Message(f"sniff.fix.{fix}", **params) if fix else "")


_READABLE = {key: _kind(key, fmt) for key, fmt in (
    ("parquet", "parquet"), ("xlsx", "xlsx"), ("sav", "sav"), ("dta", "dta"), ("text", "csv"))}
_UNREADABLE = {
    "xls": _kind("xls", fix="xls"),
    "ods": _kind("ods", fix="ods"),
    "office": _kind("office", fix="office"),
    "zip": _kind("zip", fix="unpack"),
    "gzip": _kind("gzip", fix="decompress", tool="gunzip"),
    "bzip2": _kind("bzip2", fix="decompress", tool="bunzip2"),
    "xz": _kind("xz", fix="decompress", tool="unxz"),
    "zstd": _kind("zstd", fix="decompress", tool="unzstd"),
    "7z": _kind("7z", fix="unpack"),
    "pdf": _kind("pdf", fix="pdf"),
    "arrow": _kind("arrow", fix="arrow"),
    "sqlite": _kind("sqlite", fix="sqlite"),
    "html": _kind("html", fix="html"),
    "image": _kind("image", fix="image"),
    "binary": _kind("binary", fix="binary"),
}

# C0 control bytes that do not occur in text (tab, LF, VT, FF, CR, SUB and ESC are let through).
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 26, 27)) + b"\x7f"
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL)


def _zip_kind(path: Path) -> Kind:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            mimetype = b""
            if "mimetype" in names:
                with zf.open("mimetype") as fh:
                    mimetype = fh.read(100)
    except Exception:  # noqa: BLE001 - a damaged zip is still "a ZIP archive" here
        return _UNREADABLE["zip"]
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return _READABLE["xlsx"]
    if b"spreadsheet" in mimetype:
        return _UNREADABLE["ods"]
    if any(n.startswith(("word/", "ppt/")) for n in names) or b"opendocument" in mimetype:
        return _UNREADABLE["office"]
    return _UNREADABLE["zip"]


def _is_old_stata(head: bytes) -> bool:
    # Stata 5–13 (.dta format 114–115 and older): version, byte order, filetype 1, padding 0.
    return (len(head) >= 4 and 104 <= head[0] <= 115 and head[1] in (1, 2) and head[2] == 1
            and head[3] == 0)


def wide_encoding(sample: bytes) -> tuple[str, bool] | None:
    """(encoding, has_bom) of a UTF-16/UTF-32 file, from its BOM or, without one, from where the
    NUL bytes of ASCII/Latin-1 text fall; None for anything else."""
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name, True
    n = min(len(sample), 1 << 14) // 4 * 4
    if n < 8:
        return None
    s = sample[:n]
    q = n // 4
    z = [s[i::4].count(0) for i in range(4)]
    if z[2] >= 0.98 * q and z[3] >= 0.98 * q and z[1] >= 0.6 * q and z[0] <= 0.1 * q:
        return "utf-32-le", False
    if z[0] >= 0.98 * q and z[1] >= 0.98 * q and z[2] >= 0.6 * q and z[3] <= 0.1 * q:
        return "utf-32-be", False
    half = n // 2
    even, odd = s[0::2].count(0), s[1::2].count(0)
    if odd >= 0.6 * half and even <= 0.05 * half:
        return "utf-16-le", False
    if even >= 0.6 * half and odd <= 0.05 * half:
        return "utf-16-be", False
    return None


def looks_binary(sample: bytes) -> bool:
    """Not text: NUL bytes (≥1 %), or many control bytes text does not have (≥5 %, at least 8).
    Call after ``wide_encoding`` (UTF-16/32 text is full of NULs)."""
    if not sample:
        return False
    nul = sample.count(0)
    if nul and nul * 100 >= len(sample):
        return True
    controls = len(sample.translate(None, _NOT_CONTROL))
    return controls >= 8 and controls * 20 >= len(sample)


def read_head(path: Path, size: int = SAMPLE_BYTES) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(size)
    except OSError as exc:
        raise unreadable(path, exc) from None


def unreadable(path: Path, exc: OSError) -> InputError:
    return InputError(Message("read.unreadable", file=safe_name(path), reason=os_reason(exc)))


def looks_like(path: Path, head: bytes | None = None) -> Kind:
    """What the file's first bytes say it is: a known format, binary data, or text."""
    head = read_head(path, SAMPLE_BYTES) if head is None else head
    start = head[:16]
    if start.startswith(b"PAR1"):
        return _READABLE["parquet"]
    if start.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return _zip_kind(path)
    if start.startswith((b"$FL2", b"$FL3")):
        return _READABLE["sav"]
    if start.startswith(b"<stata_dta>") or _is_old_stata(start):
        return _READABLE["dta"]
    if start.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _UNREADABLE["xls"]
    if start.startswith(b"\x1f\x8b"):
        return _UNREADABLE["gzip"]
    if start.startswith(b"BZh") and len(start) >= 4 and start[3:4].isdigit():
        return _UNREADABLE["bzip2"]
    if start.startswith(b"\xfd7zXZ\x00"):
        return _UNREADABLE["xz"]
    if start.startswith(b"\x28\xb5\x2f\xfd"):
        return _UNREADABLE["zstd"]
    if start.startswith(b"7z\xbc\xaf\x27\x1c"):
        return _UNREADABLE["7z"]
    if start.startswith(b"%PDF-"):
        return _UNREADABLE["pdf"]
    if start.startswith((b"ARROW1", b"FEA1")):
        return _UNREADABLE["arrow"]
    if start.startswith(b"SQLite format 3\x00"):
        return _UNREADABLE["sqlite"]
    if start.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return _UNREADABLE["image"]
    if wide_encoding(head) is not None:
        return _READABLE["text"]
    if looks_binary(head):
        return _UNREADABLE["binary"]
    lowered = head[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return _UNREADABLE["html"]
    return _READABLE["text"]


def wrong_format(path: Path, kind: Kind, expected: str, by_extension: bool) -> InputError:
    """'x.csv: looks like a Parquet file, not CSV; rename it to .parquet or pass --input-format
    parquet' — or, for formats dq does not read, what to do instead."""
    names = {"parquet": "Parquet", "xlsx": ".xlsx", "sav": "SPSS .sav", "dta": "Stata .dta"}
    if expected == "csv":
        head = Message("sniff.looks_like_not_csv", file=safe_name(path), kind=kind.label)
    else:
        head = Message("sniff.looks_like_not", file=safe_name(path),
                       expected=names.get(expected, expected), kind=kind.label)
    fix: str
    if kind.fmt is not None:
        ext = {"text": "csv"}.get(kind.key, kind.key)
        fix = (Message("sniff.rename", ext=ext) if OTHER_INPUT.get() else
               Message("sniff.rename_or_pass", ext=ext, fmt=kind.fmt) if by_extension
               else Message("sniff.pass_format", fmt=kind.fmt))
    else:
        fix = kind.fix
    return InputError(Message("sniff.wrong_format", head=head, fix=fix))


# --- encodings ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Dialect:
    encoding: str  # "utf-8", "cp1252", "latin-1", "utf-16-le", "utf-16-be", "utf-32-le", ...
    separator: str
    decimal_comma: bool
    bom: bool
    encoding_guessed: bool  # True when dq fell back from UTF-8 on its own
    newline: str = "\n"  # "\r" when lines end with a bare CR (Excel for Mac)
    has_quote: bool = True  # a '"' occurs in the file (False: no quoting can be malformed)
    # The whitespace characters that occur in the file, line ends aside (None: not surveyed).
    whitespace: frozenset[str] | None = None

    @property
    def blank_free(self) -> bool:
        """No cell can be whitespace only: no quoting and no whitespace but the separator."""
        return (self.whitespace is not None and not self.has_quote
                and not (self.whitespace - {self.separator}))

    @property
    def codec(self) -> str:
        """Python codec that decodes the whole file, BOM included."""
        if self.bom and self.encoding in _WIDE:
            return self.encoding[:6]  # "utf-16" / "utf-32" read and drop the BOM
        if self.bom and self.encoding == "utf-8":
            return "utf-8-sig"
        return self.encoding

    @property
    def needs_copy(self) -> bool:
        """Polars reads UTF-8 with LF or CRLF line ends only: anything else is copied first."""
        return self.encoding != "utf-8" or self.newline == "\r"


def normalise_encoding(name: str) -> str:
    key = name.strip().lower().replace("_", "-")
    if key not in _ENCODING_ALIASES:
        valid = ", ".join(sorted({*_ENCODING_ALIASES.values()}))
        raise ConfigError(Message("sniff.unknown_encoding", name=safe_name(name), valid=valid))
    return _ENCODING_ALIASES[key]


@dataclass(frozen=True)
class _Survey:
    first_invalid_utf8: int | None
    has_quote: bool
    utf8_letters: int  # UTF-8 encoded æøåÆØÅé (capped): a non-UTF-8 file with these mixes
    whitespace: frozenset[str]  # whitespace characters found, line ends aside
    cp1252_undefined: bool = False  # (not UTF-8) a byte cp1252 leaves undefined occurs


# What Polars' strip_chars() strips (Rust's char::is_whitespace), line ends aside: a cell made
# only of these is missing (domain.md). A file with none of them has no such cell.
_ASCII_SPACE = (" ", "\t", "\x0b", "\x0c")
_ASCII = bytes(range(128))
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
_UTF8_SPACE = re.compile(rb"\xc2[\x85\xa0]|\xe1\x9a\x80|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]"
                         rb"|\xe2\x81\x9f|\xe3\x80\x80")


def whitespace_in(chunk: bytes | bytearray) -> set[str]:
    """The whitespace characters in UTF-8 ``chunk``: ASCII ones by name, any other as
    "unicode", a CR that does not end a line as "\\r". Once a space, vertical tab or form feed
    is found the rest is not looked for (a tab may be the separator): the file has whitespace."""
    found = {c for c in _ASCII_SPACE if c.encode() in chunk}
    if found - {"\t"}:
        return found
    if b"\r" in chunk and chunk.count(b"\r") > chunk.count(b"\r\n"):
        found.add("\r")
    # Multi-byte characters only (UTF-8 keeps each whole when the ASCII bytes are taken out).
    if not chunk.isascii() and _UTF8_SPACE.search(chunk.translate(None, _ASCII)):
        found.add("unicode")
    return found


def _cp1252_undefined(data: bytes | bytearray) -> bool:
    """Whether ``data`` holds a byte cp1252 leaves undefined (the file is then Latin-1)."""
    return any(b in data for b in _CP1252_UNDEFINED)


def _whole_characters(data: bytes | bytearray, end: int) -> int:
    """Where the last character that ``data[:end]`` holds whole ends: a UTF-8 lead byte among
    the last three bytes whose character runs past ``end`` starts the bytes left for the next
    chunk. Anything else is left to the validation."""
    for back in range(1, min(3, end) + 1):
        byte = data[end - back]
        if byte & 0xC0 != 0x80:  # not a continuation byte
            need = 2 if 0xC0 <= byte < 0xE0 else 3 if 0xE0 <= byte < 0xF0 else \
                4 if 0xF0 <= byte < 0xF8 else 1
            return end - back if need > back else end
    return end


def _utf8_valid(chunk: bytes | bytearray | memoryview) -> bool:
    """Whether ``chunk`` is well-formed UTF-8, by Arrow's validation (SIMD; 2 to 3 times as fast
    as Python's decoder, which builds a string it does not need): the whole chunk as the one
    value of a string array, without a copy."""
    import pyarrow as pa

    offsets = pa.py_buffer(struct.pack("<ii", 0, len(chunk)))
    value = pa.Array.from_buffers(pa.string(), 1, [None, offsets, pa.py_buffer(chunk)])
    try:
        value.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _survey_utf8(path: Path) -> _Survey:
    """One pass over the whole file: the first byte that is not UTF-8, whether a quote
    character occurs (no quote: no malformed quoting to look for later), UTF-8 letters, and,
    in a file that is not UTF-8, whether a byte cp1252 leaves undefined occurs. The file is
    read into one reused buffer and validated in place (a fresh 4 MB object per chunk cost as
    much as the validation)."""
    buf = bytearray(max(SURVEY_CHUNK, 8))  # room for a carried character and more
    view = memoryview(buf)
    offset = 0  # file offset of buf[0]
    carry = 0  # bytes of a character split by the chunk's end, moved to the buffer's start
    has_quote, bad, letters, undefined, bad_chunk = False, None, 0, False, 0
    spaces: set[str] = set()
    try:
        with path.open("rb", buffering=0) as fh:
            while True:
                n = fh.readinto(view[carry:])
                final = not n
                end = carry + n
                data = buf if end == len(buf) else bytes(view[:end])
                # a CR at the chunk's end is looked at again with the byte after it (CRLF)
                split_cr = not final and data.endswith(b"\r")
                has_quote = has_quote or data.find(b'"', carry) >= 0
                if not spaces - {"\t"}:  # no whitespace yet but perhaps the separator
                    spaces |= whitespace_in(data[:-1] if split_cr else data)
                used = end
                # ASCII is UTF-8 and holds no letters: nothing more to look for (a wide export
                # of codes is ASCII from end to end)
                if final or carry or not data.isascii():
                    if letters < 3 and data.find(b"\xc3") >= 0:
                        for _ in zip(range(3 - letters), _UTF8_LETTERS.finditer(data)):
                            letters += 1
                    if bad is not None:
                        undefined = undefined or _cp1252_undefined(data)
                    else:
                        try:
                            used = end if final else _whole_characters(data, end)
                            if not _utf8_valid(view[:used] if data is buf else data[:used]):
                                # where: Python's decoder says (it raises here)
                                used = codecs.utf_8_decode(data, "strict", final)[1]
                        except UnicodeDecodeError as exc:
                            bad, bad_chunk = offset + exc.start, offset
                            undefined = _cp1252_undefined(data)
                if final:
                    break
                if split_cr or (bad is not None and data.endswith(b"\xc3")):
                    used = end - 1  # the CR, or a letter's first byte, goes with the next chunk
                carry = end - used
                buf[:carry] = buf[used:end]
                offset += used
            if bad is not None and not undefined and bad_chunk:
                # the part before the first bad byte decoded as UTF-8, but a continuation byte
                # there may still be one cp1252 leaves undefined ("Á" is C3 81)
                fh.seek(0)
                while bad_chunk > 0 and (n := fh.readinto(view[:min(bad_chunk, len(buf))])):
                    data = buf if n == len(buf) else bytes(view[:n])
                    undefined = undefined or _cp1252_undefined(data)
                    bad_chunk -= n
    except OSError as exc:
        raise unreadable(path, exc) from None
    return _Survey(bad, has_quote, letters, frozenset(spaces), undefined)


def _refuse_binary(path: Path, head: bytes) -> None:
    kind = looks_like(path, head)
    if kind.key != "text":
        raise wrong_format(path, kind, "csv", by_extension=True)


def detect_encoding(path: Path, requested: str | None, head: bytes | None = None
                    ) -> tuple[str, bool, bool, bool, frozenset[str] | None]:
    """Return (encoding, guessed, bom, has_quote, whitespace found or None when not surveyed).
    UTF-8 is checked over the whole file, not a sample. UTF-16/32 are found by BOM or NUL
    pattern and decoded; another format's bytes and binary data are refused."""
    head = read_head(path) if head is None else head
    wide = wide_encoding(head)
    if requested is not None:
        encoding = normalise_encoding(requested)
        if encoding in ("utf-16", "utf-32"):
            if wide is None or not wide[0].startswith(encoding):
                raise InputError(Message("sniff.not_wide", file=safe_name(path),
                                         encoding=encoding, upper=encoding.upper()))
            return wide[0], False, wide[1], True, None
        if encoding in _WIDE:
            bom = wide is not None and wide[1] and wide[0] == encoding
            if wide is not None and wide[0] != encoding:
                raise InputError(Message("sniff.other_wide", file=safe_name(path),
                                         encoding=encoding, label=_WIDE_LABEL[wide[0]]))
            return encoding, False, bom, True, None
        if wide is not None:
            raise InputError(Message("sniff.is_wide", file=safe_name(path),
                                     label=_WIDE_LABEL[wide[0]], encoding=encoding))
        _refuse_binary(path, head)
        bom = head.startswith(codecs.BOM_UTF8)
        if encoding == "utf-8":
            survey = _survey_utf8(path)
            if survey.first_invalid_utf8 is not None:
                raise InputError(Message("sniff.not_utf8", file=safe_name(path),
                                         offset=survey.first_invalid_utf8))
            return encoding, False, bom, survey.has_quote, survey.whitespace
        return encoding, False, False, True, None
    if wide is not None:
        return wide[0], False, wide[1], True, None
    _refuse_binary(path, head)
    survey = _survey_utf8(path)
    bad = survey.first_invalid_utf8
    if bad is None:
        return ("utf-8", False, head.startswith(codecs.BOM_UTF8), survey.has_quote,
                survey.whitespace)
    if head.startswith(codecs.BOM_UTF8) or survey.utf8_letters >= 3:
        # Read as cp1252, the UTF-8 part would be mojibake ("Ã¸" for "ø"): refuse, not guess.
        raise InputError(Message("sniff.mixed", file=safe_name(path), offset=bad))
    encoding = "latin-1" if survey.cp1252_undefined else "cp1252"
    return encoding, True, False, survey.has_quote, None


# --- records ------------------------------------------------------------------------------------

@dataclass
class Record:
    fields: list[str]
    line: int  # 1-based line the record starts on
    closed: bool = True  # False: a quoted field runs to the end of the input


def records(lines: Iterable[str], sep: str) -> Iterator[Record]:
    """Split lines (without their line ends) into records the way RFC 4180 and Polars do: a '"'
    at the start of a field quotes it ('""' inside is one '"'; line ends inside are kept); a '"'
    inside an unquoted field is an ordinary character. Never raises, whatever the text."""
    it = iter(lines)
    number = 0
    for line in it:
        number += 1
        start = number
        if '"' not in line:
            yield Record(line.split(sep), start)
            continue
        fields: list[str] = []
        text, i, closed = line, 0, True
        while True:
            if text.startswith('"', i):
                i += 1
                parts: list[str] = []
                while True:
                    j = text.find('"', i)
                    if j < 0:  # the field goes on in the next line
                        parts.append(text[i:])
                        nxt = next(it, None)
                        if nxt is None:
                            closed, text, i = False, "", 0
                            break
                        number += 1
                        parts.append("\n")
                        text, i = nxt, 0
                        continue
                    parts.append(text[i:j])
                    if text.startswith('"', j + 1):
                        parts.append('"')
                        i = j + 2
                        continue
                    i = j + 1
                    break
                k = text.find(sep, i)  # text after the closing quote belongs to the field
                parts.append(text[i:] if k < 0 else text[i:k])
                fields.append("".join(parts))
                if k < 0:
                    break
                i = k + 1
            else:
                k = text.find(sep, i)
                if k < 0:
                    fields.append(text[i:])
                    break
                fields.append(text[i:k])
                i = k + 1
        yield Record(fields, start, closed)


def split_lines(text: str, newline: str) -> list[str]:
    """Lines without their ends. With ``newline="\\r"`` a bare CR ends a line too."""
    if newline == "\r":
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def _detect_newline(text: str) -> str:
    """'\\r' when lines end with a bare CR (classic Mac, Excel for Mac 'CSV (Macintosh)')."""
    bare_cr = text.count("\r") - text.count("\r\n")
    return "\r" if bare_cr > 0 and "\n" not in text else "\n"


@dataclass(frozen=True)
class Sample:
    header: list[str]  # the names, stripped
    header_closed: bool  # False: a quoted name runs to the end of the sample
    has_data: bool  # a record after the header has a non-blank field


def _sample_text(path: Path, codec: str, newline_hint: str | None) -> tuple[str, bool, str]:
    """Decoded start of the file: (text, whole file read, newline). Reads past SAMPLE_BYTES
    (up to HEADER_MAX_BYTES) until the header line is complete."""
    size = SAMPLE_BYTES
    while True:
        raw = read_head(path, size)
        complete = len(raw) < size
        text = codecs.decode(raw, codec, errors="replace")
        text = text.lstrip("\ufeff")
        newline = newline_hint or _detect_newline(text)
        ends = ("\n", "\r") if newline == "\r" else ("\n",)
        if complete or any(e in text for e in ends) or size >= HEADER_MAX_BYTES:
            if not complete and not any(e in text for e in ends):
                raise InputError(Message("sniff.long_line", file=safe_name(path),
                                         mib=HEADER_MAX_BYTES >> 20))
            return text, complete, newline
        size *= 4


def sample(path: Path, dialect: Dialect) -> Sample:
    """The header and whether a data row follows, from the start of the file. Records are
    split lazily: only as far as the first row with a value."""
    text, complete, _ = _sample_text(path, dialect.codec, dialect.newline)
    lines = split_lines(text, dialect.newline)
    cut = ""
    if not complete and lines:
        lines, cut = lines[:-1], lines[-1]  # the last line of a sample may be cut
    recs = records(lines, dialect.separator)
    header = next(recs, None) or Record([""], 1)
    has_data = any((rec.closed or complete) and any(f.strip() for f in rec.fields)
                   for rec in recs)
    if not has_data and len(lines) >= 1 and cut.strip(f'{dialect.separator} \t"\r'):
        has_data = True  # a first data row longer than the sample (a long free-text field)
    return Sample([name.strip() for name in header.fields], header.closed, has_data)


def _count_outside_quotes(line: str, sep: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == sep and not quoted:
            count += 1
    return count


def sniff(path: Path, encoding: str | None = None, separator: str | None = None) -> Dialect:
    head = read_head(path)
    enc, guessed, bom, has_quote, whitespace = detect_encoding(path, encoding, head)
    codec = Dialect(enc, ",", False, bom, guessed).codec
    text, complete, newline = _sample_text(path, codec, None)
    lines = split_lines(text, newline)
    if not complete and lines:
        lines = lines[:-1]
    header = lines[0] if lines else ""
    if separator is None:
        counts = {sep: _count_outside_quotes(header, sep) for sep in SEPARATORS}
        best = max(counts.values())
        separator = next((s for s in SEPARATORS if counts[s] == best), ",") if best else ","
    elif len(separator) != 1:
        raise ConfigError(Message("sniff.separator_length", sep=safe_name(separator)))
    elif separator in ('"', "\n", "\r"):
        raise ConfigError(Message("sniff.separator_quote"))
    decimal_comma = False
    if separator != ",":
        recs = records(lines[1:2001], separator)
        decimal_comma = any(_DECIMAL_COMMA.match(field.strip()) for rec in recs
                            for field in rec.fields)
    return Dialect(enc, separator, decimal_comma, bom, guessed, newline, has_quote, whitespace)


def header_fields(path: Path, dialect: Dialect) -> list[str]:
    return sample(path, dialect).header


def has_data_rows(path: Path, dialect: Dialect) -> bool:
    return sample(path, dialect).has_data


# --- copies and problems ------------------------------------------------------------------------

@dataclass(frozen=True)
class CopiedPart:
    """What ``copy_single_byte`` found in the bytes it copied."""
    written: int  # bytes of UTF-8 written
    has_quote: bool
    whitespace: frozenset[str]
    bad: int | None = None  # file offset of the first byte the codec leaves undefined


def single_byte_to_utf8(chunk: bytes | bytearray | memoryview, codec: str) -> bytes:
    """``chunk`` of a cp1252 or Latin-1 file as UTF-8 (raises UnicodeDecodeError)."""
    # One byte per character: a chunk decodes on its own, and Latin-1's codec is a copy, 15
    # times faster than cp1252's table. The two differ only in 0x80–0x9F, which Latin-1 writes
    # in UTF-8 as C2 80–C2 9F: only a chunk whose copy holds a C2 byte is decoded again with the
    # file's own codec (which also refuses cp1252's undefined bytes).
    data = str(chunk, "latin-1").encode("utf-8")
    if codec != "latin-1" and b"\xc2" in data:
        data = str(chunk, codec).encode("utf-8")
    return data


def write_all(fd: int, data: bytes | memoryview, at: int) -> None:
    view = memoryview(data)
    while view:
        done = os.pwrite(fd, view, at)
        if done <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view, at = view[done:], at + done


class CopySurvey:
    """What a UTF-8 copy holds that reading it depends on, gathered chunk by chunk in file order:
    a '"' anywhere, and the whitespace (as :func:`whitespace_in` names it; a CR that ends a chunk
    counts as a line end when LF comes next). Once a space other than a tab is found the rest is
    not looked for."""

    def __init__(self) -> None:
        self.has_quote = False
        self.spaces: set[str] = set()
        self._cr_before = False  # the last chunk ended with a CR: a line end only if LF follows

    @property
    def looking(self) -> bool:
        return not self.spaces - {"\t"}

    def see(self, source: bytes | bytearray, n: int, copy: bytes | bytearray | None) -> None:
        """The next chunk: its first ``n`` bytes of ``source`` (the export's bytes), and its
        UTF-8 ``copy`` (needed only while :attr:`looking`)."""
        self.has_quote = self.has_quote or source.find(b'"', 0, n) >= 0
        if not self.looking or copy is None:
            return
        if self._cr_before and not copy.startswith(b"\n"):
            self.spaces.add("\r")
        self._cr_before = copy.endswith(b"\r")
        self.spaces |= whitespace_in(copy[:-1] if self._cr_before else copy)

    def part(self, written: int, next_byte: bytes) -> CopiedPart:
        """What the part copied holds; ``next_byte``: the byte after it in the file."""
        if self._cr_before and self.looking and next_byte != b"\n":
            self.spaces.add("\r")
        return CopiedPart(written, self.has_quote, frozenset(self.spaces))

    def stopped(self, written: int, bad: int) -> CopiedPart:
        """The copy stopped at file offset ``bad``, a byte the codec leaves undefined."""
        return CopiedPart(written, self.has_quote, frozenset(self.spaces), bad)


def copy_single_byte(src: int, start: int, end: int, codec: str, dst: int, at: int,
                     chunk: int | None = None,
                     go_on: Callable[[], bool] | None = None) -> CopiedPart:
    """Copy bytes ``start``–``end`` of the cp1252/Latin-1 file open as ``src`` to UTF-8, written
    to ``dst`` from offset ``at`` on (LF and CRLF line ends are kept as they are), with Python's
    codecs. Stops at the first byte the codec leaves undefined and says where. Both descriptors
    stay open; their offsets are not used, so two processes can copy two parts of one file at
    once. ``go_on``, asked before each chunk, may stop the copy."""
    chunk = chunk or COPY_CHUNK
    buf = bytearray(chunk)
    view = memoryview(buf)
    survey = CopySurvey()
    offset, written = start, 0
    while offset < end and (go_on is None or go_on()):
        n = os.preadv(src, [view[:min(chunk, end - offset)]], offset)
        if not n:
            break
        try:
            data = single_byte_to_utf8(view[:n], codec)
        except UnicodeDecodeError as exc:
            return survey.stopped(written, offset + exc.start)
        survey.see(buf, n, data)
        write_all(dst, data, at + written)
        written += len(data)
        offset += n
    return survey.part(written, os.pread(src, 1, end) if survey.looking else b"")


def _undecodable(path: Path, dialect: Dialect, where: int | None) -> InputError:
    label = _WIDE_LABEL.get(dialect.encoding, dialect.encoding)
    ending = Message("sniff.ends_mid_character") if where is None else \
        Message("sniff.invalid_byte", offset=where, label=label)
    return InputError(Message("sniff.undecodable", file=safe_name(path), problem=ending))


def transcode(path: Path, dialect: Dialect, fd: int) -> Dialect:
    """Write the file as UTF-8 with LF/CRLF line ends to the open descriptor ``fd`` (which stays
    open). Returns the dialect of the copy: whether a '"' occurs and the whitespace found. Bytes
    that do not decode are refused by offset."""
    try:
        # (reads and writes at offsets: POSIX; elsewhere the one-pass copy below)
        if dialect.codec in ("cp1252", "latin-1") and dialect.newline != "\r" and \
                hasattr(os, "preadv") and hasattr(os, "pwrite"):
            from dq.io import copy_part

            with path.open("rb", buffering=0) as src:
                part = copy_part.copy(src.fileno(), os.fstat(src.fileno()).st_size,
                                      dialect.codec, fd)
            if part.bad is not None:
                raise _undecodable(path, dialect, part.bad)
            has_quote, spaces = part.has_quote, part.whitespace
        else:
            has_quote, found = _transcode_stream(path, dialect, fd)
            spaces = frozenset(found)
    except OSError as exc:
        raise InputError(Message("sniff.copy_failed", file=safe_name(path),
                                 reason=os_reason(exc))) from None
    return replace(dialect, encoding="utf-8", bom=False, newline="\n", has_quote=has_quote,
                   whitespace=spaces)


def _transcode_stream(path: Path, dialect: Dialect, fd: int) -> tuple[bool, set[str]]:
    """The copy of a UTF-16/32 file or of one whose lines end with a bare CR, in one pass (and
    of any file where the system cannot read and write at offsets)."""
    decoder = codecs.getincrementaldecoder(dialect.codec)(errors="strict")
    single = dialect.codec in ("cp1252", "latin-1")
    buf = bytearray(COPY_CHUNK)
    view = memoryview(buf)
    has_quote = False
    spaces: set[str] = set()
    offset = 0
    pending_cr = False
    with path.open("rb", buffering=0) as src, os.fdopen(os.dup(fd), "wb") as dst:
        while True:
            n = src.readinto(buf)
            chunk = view[:n]
            final = not n
            try:
                text = str(chunk, dialect.codec) if single else decoder.decode(chunk, final=final)
            except UnicodeDecodeError as exc:
                raise _undecodable(path, dialect,
                                   None if final else offset + max(exc.start, 0)) from None
            offset += len(chunk)
            if dialect.newline == "\r":
                if pending_cr:
                    text = "\r" + text
                pending_cr = text.endswith("\r") and not final
                if pending_cr:
                    text = text[:-1]
                text = text.replace("\r\n", "\n").replace("\r", "\n")
            has_quote = has_quote or '"' in text
            data = text.encode("utf-8")
            if not spaces - {"\t"}:
                spaces |= whitespace_in(data)
            dst.write(data)
            if final:
                break
    return has_quote, spaces


def find_problem(text_path: str, separator: str, width: int) -> str | None:
    """Where a UTF-8 CSV file (LF/CRLF line ends) first breaks: an unclosed quoted field or a
    line with more fields than the header. Describes it by line number, never by content."""
    try:
        with open(text_path, encoding="utf-8", errors="replace", newline="\n") as fh:
            lines = (line[:-1] if line.endswith("\n") else line for line in fh)
            lines = (line[:-1] if line.endswith("\r") else line for line in lines)
            for rec in records(lines, separator):
                if not rec.closed:
                    return Message("sniff.problem.unclosed", line=rec.line)
                if len(rec.fields) > width:
                    return Message("sniff.problem.fields", line=rec.line, fields=len(rec.fields),
                                   width=width)
    except OSError:
        return None
    return None
