"""One entry point from a path to a LazyFrame plus what was learned about the file.

CSV and Parquet are scanned lazily (``pl.scan_*``) so large exports stream; Excel, SPSS and Stata
files are read whole (their readers cannot stream) and handed on as LazyFrames.

CSV columns stay text (``Utf8``): the checks parse numbers and dates themselves, so a value that
does not parse is counted as invalid rather than silently turned into a null. Empty and
whitespace-only fields are nulls.

Every problem with a file is an ``InputError`` (exit 3) or ``ConfigError`` (exit 2) with one line
that names the file, a line/row number, a byte offset, a count or a column name (through
``safe_name``) — never a value from the file. The engines' own messages quote rows and cells, so
they are never passed on: each failure is re-worded here.

A CSV that Polars cannot read directly (cp1252/Latin-1, UTF-16/32, lines ending in a bare CR) is
copied to UTF-8 into a file that has no name on disk (``dq.tempfiles.unlinked_file``): the
plaintext copy of patient data disappears with the process, however it ends.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import polars.selectors as cs

from dq.errors import ConfigError, InputError
from dq.io import sniff
from dq.io.sniff import quoted, safe_name
from dq.messages import Message
from dq.outputs import explain_engine_errors
from dq.tempfiles import unlinked_file

if TYPE_CHECKING:
    from dq.io.plain import PlainCSV
    from dq.io.database import DatabaseSource

FORMATS = ("csv", "parquet", "xlsx", "sav", "dta")
_EXTENSIONS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".sav": "sav",
    ".zsav": "sav",
    ".dta": "dta",
}

# Date formats registries write (domain.md): MRS dd.mm.yyyy, OQR ISO, with or without time.
DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d")
DATETIME_FORMATS = (
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S%.f",
)
# The shape a value must have to be read with a format. chrono alone is lenient (``%Y`` takes
# "23" as the year 0023, so "1.2.23" would be a date), so text is matched against these first.
_FORMAT_PATTERNS = {
    "%d.%m.%Y": r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}",
    "%Y-%m-%d": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
    "%d.%m.%Y %H:%M:%S": r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4} [0-9]{1,2}:[0-9]{2}:[0-9]{2}",
    "%d.%m.%Y %H:%M": r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4} [0-9]{1,2}:[0-9]{2}",
    "%Y-%m-%d %H:%M:%S": r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}",
    "%Y-%m-%dT%H:%M:%S": r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}",
    "%Y-%m-%d %H:%M": r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}",
    "%Y-%m-%d %H:%M:%S%.f": r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]+",
}
# strftime directives (chrono's) and the text each must match, for formats a spec declares.
_DIRECTIVES = {
    "Y": "[0-9]{4}", "C": "[0-9]{2}", "y": "[0-9]{2}", "m": "[0-9]{1,2}", "d": "[0-9]{1,2}",
    "e": " ?[0-9]{1,2}", "H": "[0-9]{1,2}", "k": " ?[0-9]{1,2}", "I": "[0-9]{1,2}",
    "l": " ?[0-9]{1,2}", "M": "[0-9]{1,2}", "S": "[0-9]{1,2}", "j": "[0-9]{1,3}",
    "f": "[0-9]+", ".f": "\\.[0-9]+", ".3f": "\\.[0-9]{3}", ".6f": "\\.[0-9]{6}",
    ".9f": "\\.[0-9]{9}", "b": "[A-Za-z]{3}", "h": "[A-Za-z]{3}", "B": "[A-Za-z]+",
    "p": "(?i:am|pm)", "P": "(?i:am|pm)", "F": "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}",
    "D": "[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}", "T": "[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}",
    "R": "[0-9]{1,2}:[0-9]{1,2}", "z": "[+-][0-9]{2}:?[0-9]{2}", ":z": "[+-][0-9]{2}:[0-9]{2}",
    "Z": "[A-Za-z]+", "%": "%",
}
_DIRECTIVE = re.compile(r"%[-_0^#]?(\.[0-9]?f|:z|[A-Za-z%])")


def format_pattern(fmt: str) -> str:
    """The regular expression (anchored) a text value must match to be read with ``fmt``: a
    4-digit year for ``%Y``, digits for numbers, the format's literal characters as they are.
    A directive without a known shape matches any text (chrono alone decides)."""
    if fmt in _FORMAT_PATTERNS:
        return f"^(?:{_FORMAT_PATTERNS[fmt]})$"
    out, pos = [], 0
    for match in _DIRECTIVE.finditer(fmt):
        out.append(re.escape(fmt[pos:match.start()]))
        out.append(_DIRECTIVES.get(match.group(1), ".+"))
        pos = match.end()
    out.append(re.escape(fmt[pos:]))
    return "^(?:" + "".join(out) + ")$"


SAMPLE_ROWS = 10_000
SAMPLE_CELLS = 20_000_000


def sample_rows(width: int) -> int:
    """Rows read to detect dates and numbers: 10,000, fewer for very wide files (at least
    1,000) so that opening 10,000 columns does not parse 10⁸ cells. Nothing else depends on the
    sample: a value the sample missed is counted as unreadable or invalid where it is used."""
    return max(1_000, min(SAMPLE_ROWS, SAMPLE_CELLS // max(width, 1)))

_hash_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dq-sha256")


# sha256 costs about 2–5 CPU-seconds per GB on a CPU without SHA instructions: a quarter of a
# 2-core run over a national extract. The digest of a large file is kept, like git's index, under
# the file's identity and change stamps (device, inode, size, mtime and ctime in ns: any write
# changes ctime, and ctime cannot be set back), so a file checked again is not read again. Only
# the digest and those numbers are stored, never a path or a value. DQ_HASH_CACHE names the
# folder ("off": none).
HASH_CACHE_MIN_BYTES = 64 << 20
_RACY_SECONDS = 2.0  # a file written this recently may change again within the same stamp


def _hash_cache_dir() -> Path | None:
    where = os.environ.get("DQ_HASH_CACHE")
    if where == "off":
        return None
    if where:
        return Path(where)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "dq" / "sha256"


def _stamp(st: os.stat_result) -> str:
    """A file's identity and change times: a cached digest holds while these are the same."""
    return f"{st.st_dev}-{st.st_ino}-{st.st_size}-{st.st_mtime_ns}-{st.st_ctime_ns}"


def _sha256(path: Path) -> str:
    st = path.stat()
    folder = _hash_cache_dir() if st.st_size >= HASH_CACHE_MIN_BYTES else None
    key = _stamp(st)
    if folder is not None:
        try:
            hit = (folder / key).read_text(encoding="ascii").strip()
            if re.fullmatch(r"[0-9a-f]{64}", hit):
                return hit
        except (OSError, ValueError):  # unreadable or damaged entry: hash again
            pass
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            digest.update(chunk)  # releases the GIL: the query runs on meanwhile
    hexdigest = digest.hexdigest()
    # unchanged while it was read: the same stamp (not the whole stat, whose access time the
    # read itself may move, so that a file read for the first time was never cached)
    if folder is not None and time.time() - max(st.st_mtime, st.st_ctime) > _RACY_SECONDS \
            and _stamp(path.stat()) == key:
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = folder / f".{key}.{os.getpid()}"
            tmp.write_text(hexdigest, encoding="ascii")
            os.replace(tmp, folder / key)
        except OSError:  # a read-only home: hashing again next time is all it costs
            pass
    return hexdigest


@dataclass
class SourceInfo:
    """What dq learned about one input file. ``rows`` is None until something counted them."""

    path: Path
    format: str
    encoding: str | None = None
    encoding_guessed: bool = False
    separator: str | None = None
    decimal_comma: bool = False
    rows: int | None = None
    columns: list[str] = field(default_factory=list)
    date_formats: dict[str, str] = field(default_factory=dict)
    numeric_columns: set[str] = field(default_factory=set)
    unknown_codes: dict[str, list[object]] = field(default_factory=dict)
    unknown_ranges: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    value_labels: dict[str, dict[object, str]] = field(default_factory=dict)
    # No cell can be whitespace only (a CSV without quoting and without whitespace but its
    # separator): checks then need not look for whitespace-only text, which costs as much as
    # reading a wide file. False when unknown.
    blank_free: bool = False
    # The file read as bytes to count empty cells without the engine (dq.io.plain), when it is
    # plain enough: a blank-free CSV whose separator is one byte. None otherwise.
    plain: PlainCSV | None = None
    _sha: Future[str] | None = None

    @property
    def sha256(self) -> str:
        if self._sha is None:
            self._sha = _hash_pool.submit(_sha256, self.path)
        return self._sha.result()

    def manifest(self) -> dict[str, object]:
        return {"path": str(self.path), "format": self.format, "rows": self.rows, "sha256": self.sha256}


@dataclass
class Source:
    """A table to check and what was learned about each file behind it.

    ``raw`` is the table as read: an empty cell is null, a whitespace-only cell is still text.
    ``lf`` is what checks see: whitespace-only cells null too (domain.md: missing = null, empty
    or whitespace-only). Rewriting every cell costs as much as reading a wide file, so a check
    that classifies each value itself (completeness) reads ``raw`` and asks
    ``blanks_as_null(columns)`` only for the few columns its conditions and groups use.
    """

    raw: pl.LazyFrame
    infos: list[SourceInfo]

    @property
    def lf(self) -> pl.LazyFrame:
        return _blank_to_null(self.raw) if self.may_have_blanks else self.raw

    def blanks_as_null(self, columns: Iterable[str]) -> pl.LazyFrame:
        """``raw`` with whitespace-only cells null in ``columns`` only."""
        return _blank_to_null(self.raw, set(columns)) if self.may_have_blanks else self.raw

    @property
    def may_have_blanks(self) -> bool:
        """Whether a text cell may be whitespace only (``SourceInfo.blank_free``)."""
        return not all(info.blank_free for info in self.infos)

    @property
    def info(self) -> SourceInfo:
        return self.infos[0]

    @property
    def columns(self) -> list[str]:
        return self.infos[0].columns

    @property
    def date_formats(self) -> dict[str, str]:
        merged: dict[str, str] = {}
        for info in self.infos:
            merged.update(info.date_formats)
        return merged

    @property
    def numeric_columns(self) -> set[str]:
        return set().union(*(info.numeric_columns for info in self.infos))


def _note(message: str) -> None:
    """A reader's note on stderr, ``dq: merk: …``, in the running command's language (the
    CLI's own writer, imported when a note is written: dq.io does not need the CLI otherwise)."""
    from dq.cli._common import note

    note(message)


def _where(path: Path) -> str:
    return safe_name(path, limit=400)


def detect_format(path: Path, fmt: str | None) -> str:
    if fmt is not None:
        if fmt not in FORMATS:
            raise ConfigError(Message("read.unknown_format", fmt=safe_name(fmt),
                                      file=_where(path), formats=FORMATS))
        return fmt
    found = _EXTENSIONS.get(path.suffix.lower())
    if found is None:
        kind = sniff.looks_like(path)
        other = sniff.OTHER_INPUT.get()
        hint = (Message("read.no_format.looks_like_other" if other else
                        "read.no_format.looks_like", kind=kind.label, fmt=kind.fmt) if kind.fmt
                else Message("read.no_format.pass_other" if other else "read.no_format.pass",
                             formats=FORMATS))
        raise InputError(Message("read.no_format", file=_where(path),
                                 ext=safe_name(path.suffix), hint=hint))
    return found


def _check_path(path: Path) -> None:
    try:
        if str(path) == "-" and not path.exists():  # the Unix name for standard input
            raise InputError(Message("read.stdin"))
        if not path.exists():
            raise InputError(Message("read.no_such_file", file=_where(path)))
        if path.is_dir():
            raise InputError(Message("read.is_directory", file=_where(path)))
        if not path.is_file():
            raise InputError(Message("read.not_regular", file=_where(path)))
        if path.stat().st_size == 0:
            raise InputError(Message("read.empty_file", file=_where(path)))
        with path.open("rb"):
            pass
    except OSError as exc:
        raise sniff.unreadable(path, exc) from None


def _check_kind(path: Path, expected: str, fmt_given: bool) -> None:
    """Refuse a file whose bytes are another format than the one it is read as."""
    if expected == "csv":
        return  # sniff decides for text, with the encodings it has to tell apart first
    kind = sniff.looks_like(path)
    if kind.key in (expected, "binary"):
        return  # the reader itself says whether unrecognised binary data is readable
    if expected == "xlsx" and kind.key == "zip":
        return  # a damaged workbook: the reader's (re-worded) complaint is more useful
    raise sniff.wrong_format(path, kind, expected, by_extension=not fmt_given)


def is_blank(value: pl.Expr) -> pl.Expr:
    """A text value that is whitespace only (an empty cell is already null)."""
    return value.str.strip_chars() == ""


def _blank_to_null(lf: pl.LazyFrame, columns: set[str] | None = None) -> pl.LazyFrame:
    if columns is not None and not columns:
        return lf
    text = cs.string() if columns is None else cs.by_name(*columns, require_all=False) & cs.string()
    return lf.with_columns(pl.when(is_blank(text)).then(None).otherwise(text).name.keep())


def _check_duplicates(path: Path, names: list[str]) -> None:
    seen: set[str] = set()
    dups = [n for n in names if n in seen or seen.add(n)]  # type: ignore[func-returns-value]
    if dups:
        shown = ", ".join(quoted(d) for d in dict.fromkeys(dups))
        raise InputError(Message("read.duplicate_columns", file=_where(path), names=shown))


_DATA_LIKE = re.compile("|".join(["[0-9]{6,}", *_FORMAT_PATTERNS.values()]))


def _check_header(path: Path, names: list[str]) -> None:
    """The header row names the columns: refuse a first row that is data (a long number such as
    a national ID, or a date) — its 'names' would be printed as column names later."""
    for i, name in enumerate(names, 1):
        if _DATA_LIKE.fullmatch(name):
            raise InputError(Message("read.header_is_data", file=_where(path), column=i))


def _placeholder(i: int) -> str:
    return f"\x00dq-unnamed-{i}"


def _drop_unnamed(path: Path, lf: pl.LazyFrame, unnamed: dict[int, str],
                  counts: dict[str, int]) -> pl.LazyFrame:
    """A column without a name (a separator at the end of every line, an empty header cell) is
    dropped when it holds no values; with values it is refused — they belong to no variable."""
    for i, key in unnamed.items():
        if counts.get(key, 0):
            raise InputError(Message("read.unnamed_with_values", file=_where(path), column=i + 1,
                                     n=counts[key]))
    return lf.drop(list(unnamed.values())) if unnamed else lf


def _text_columns(sample: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """The sample's text columns, and those with at least one value."""
    text = sample.select(pl.col(pl.String))
    nulls = text.null_count().row(0, named=True) if text.width else {}
    return text, [c for c in text.columns if nulls[c] < text.height]


def _all_match(text: pl.DataFrame, columns: list[str], pattern: str) -> list[str]:
    """Columns whose every non-null value matches ``pattern`` (anchored; surrounding blanks
    allowed): one select for all columns, so wide files stay fast."""
    if not columns:
        return []
    padded = r"^\s*" + pattern.removeprefix("^").removesuffix("$") + r"\s*$"
    hits = text.select(pl.col(columns).str.contains(padded).all()).row(0, named=True)
    return [c for c in columns if hits[c]]


def _detect_date_formats(sample: pl.DataFrame) -> dict[str, str]:
    """Columns whose every non-null sampled value matches one date or datetime format."""
    text, candidates = _text_columns(sample)
    candidates = _all_match(text, candidates, r"^[0-9]{1,4}[.-][0-9].*$")
    found: dict[str, str] = {}
    for fmt in (*DATE_FORMATS, *DATETIME_FORMATS):
        for name in _all_match(text, candidates, format_pattern(fmt)):
            found[name] = fmt
        candidates = [c for c in candidates if c not in found]
    return {c: found[c] for c in sample.columns if c in found}


def _detect_numeric(sample: pl.DataFrame) -> set[str]:
    """Text columns whose every non-null sampled value is a number (decimal comma or point)."""
    text, candidates = _text_columns(sample)
    return set(_all_match(text, candidates, r"^-?[0-9]+([.,][0-9]+)?$"))


def _quoting_problem(path: Path, source_path: str, dialect: sniff.Dialect,
                     width: int) -> InputError | None:
    """Where the file breaks as CSV (an unclosed quoted field, a line with too many fields), if
    it does: the explanation of an engine error met while the file was read."""
    if sniff.find_problem(source_path, dialect.separator, width) is None:
        return None
    return _csv_unreadable(path, source_path, dialect, width)


def _csv_unreadable(path: Path, source_path: str, dialect: sniff.Dialect, width: int) -> InputError:
    """The re-worded CSV parse error: where the file breaks (by line number), never the row."""
    sep = Message("read.sep_tab") if dialect.separator == "\t" else repr(dialect.separator)
    problem = sniff.find_problem(source_path, dialect.separator, width)
    if problem is not None:
        return InputError(Message("read.csv_problem_other" if sniff.OTHER_INPUT.get()
                                  else "read.csv_problem", file=_where(path), sep=sep,
                                  problem=problem))
    return InputError(Message("read.csv_unreadable_other" if sniff.OTHER_INPUT.get()
                              else "read.csv_unreadable", file=_where(path), sep=sep))


def _scan_csv(path: Path, encoding: str | None, separator: str | None,
              notify: Callable[[str], None]) -> Source:
    dialect = sniff.sniff(path, encoding, separator)
    head = sniff.sample(path, dialect)
    names = head.header
    if not any(names):
        raise InputError(Message("read.first_line_empty", file=_where(path)))
    if not head.header_closed:
        raise InputError(Message("read.header_unclosed", file=_where(path)))
    _check_header(path, names)
    _check_duplicates(path, [n for n in names if n])
    if not head.has_data:
        raise InputError(Message("read.header_only", file=_where(path)))
    read_as = dialect
    if dialect.needs_copy:
        # the UTF-8 copy takes at most 3 bytes per byte (cp1252's "€" is E2 82 AC in UTF-8)
        fd, source_path = unlinked_file(prefix="dq-", size_hint=3 * path.stat().st_size)
        read_as = sniff.transcode(path, dialect, fd)
    else:
        source_path = str(path)
    has_quote = read_as.has_quote
    unnamed = {i: _placeholder(i) for i, n in enumerate(names) if not n}
    scan_names = [unnamed.get(i, n) for i, n in enumerate(names)]
    raw = pl.scan_csv(source_path, separator=dialect.separator, infer_schema=False,
                      encoding="utf8", new_columns=scan_names)
    checks: list[pl.Expr] = [
        (pl.col(key).str.strip_chars() != "").sum().alias(key) for key in unnamed.values()]
    if has_quote:
        # A quoted field that is never closed stops the engine in the pass that reads the file
        # (it tokenises every line whatever the columns); the CLI then says where, by line
        # number, never by content (no pass of its own: a tenth of a narrow file's time).
        explain_engine_errors(lambda: _quoting_problem(path, source_path, dialect, len(names)))
    try:
        lf = raw.drop(list(unnamed.values())) if unnamed else raw
        sample = _blank_to_null(lf.head(sample_rows(len(names)))).collect()
        counts = raw.select(checks).collect().row(0, named=True) if checks else {}
    except pl.exceptions.PolarsError:
        raise _csv_unreadable(path, source_path, dialect, len(names)) from None
    _drop_unnamed(path, raw, unnamed, counts)
    if dialect.encoding_guessed:  # only now: a file that is refused gets one line, the error
        notify(Message("read.not_utf8_other" if sniff.OTHER_INPUT.get() else "read.not_utf8",
                       file=_where(path), encoding=dialect.encoding))
    columns = [n for n in names if n]
    info = SourceInfo(path=path, format="csv", encoding=dialect.encoding,
                      encoding_guessed=dialect.encoding_guessed, separator=dialect.separator,
                      decimal_comma=dialect.decimal_comma, columns=columns,
                      date_formats=_detect_date_formats(sample),
                      numeric_columns=_detect_numeric(sample), blank_free=read_as.blank_free,
                      plain=_plain(source_path, read_as, len(names)))
    return Source(lf, [info])


def _plain(path: str, dialect: sniff.Dialect, width: int) -> PlainCSV | None:
    """The file as dq.io.plain can count it: blank free (no quoting, no whitespace), a one-byte
    separator, lines ending in LF or CRLF (as the header's line ends)."""
    sep = dialect.separator.encode("utf-8")
    if not dialect.blank_free or len(sep) != 1 or dialect.newline != "\n":
        return None
    from dq.io.plain import PlainCSV

    with open(path, "rb") as f:
        header = f.readline()
    return PlainCSV(path=path, separator=sep[0], width=width, crlf=header.endswith(b"\r\n"))


def _scan_parquet(path: Path) -> Source:
    head = sniff.read_head(path, 4)
    with path.open("rb") as fh:
        fh.seek(-4, os.SEEK_END)
        tail = fh.read(4)
    if head == b"PAR1" and tail != b"PAR1":
        raise InputError(Message("read.parquet_incomplete", file=_where(path)))
    try:
        schema = pl.read_parquet_schema(path)
        rows = pl.scan_parquet(path).select(pl.len()).collect().item()
    except Exception:  # noqa: BLE001 - the engine's message may quote values
        raise InputError(Message("read.parquet_unreadable", file=_where(path))) from None
    names = list(schema)
    if any(not n.strip() for n in names):
        i = next(i for i, n in enumerate(names, 1) if not n.strip())
        raise InputError(Message("read.parquet_unnamed", file=_where(path), column=i))
    _check_duplicates(path, [n.strip() for n in names])
    if rows == 0:
        raise InputError(Message("read.parquet_no_rows", file=_where(path)))
    lf = pl.scan_parquet(path)
    return Source(lf, [SourceInfo(path=path, format="parquet", rows=rows, columns=names)])


def _excel_header(path: Path) -> list[str] | None:
    """The first row of the first sheet as written (calamine renames duplicates 'a_1' and
    empty cells '__UNNAMED__2'), or None when the sheet is empty."""
    import fastexcel

    reader = fastexcel.read_excel(str(path))
    first = reader.load_sheet(0, header_row=None, n_rows=1, dtypes="string").to_polars()
    if first.height == 0:
        return None
    return [("" if v is None else str(v)).strip() for v in first.row(0)]


def _read_excel(path: Path) -> Source:
    # fastexcel logs "Could not determine dtype for column 3" (an empty column) as a warning:
    # a second stderr line, and nothing the user can act on.
    logging.getLogger("fastexcel").setLevel(logging.ERROR)
    bad = InputError(Message("read.xlsx_unreadable", file=_where(path)))
    try:
        header = _excel_header(path)
    except Exception:  # noqa: BLE001 - fastexcel raises its own types; messages may quote cells
        raise bad from None
    if header is None or not any(header):
        raise InputError(Message("read.xlsx_empty", file=_where(path)))
    _check_header(path, [n for n in header if n])
    _check_duplicates(path, [n for n in header if n])
    try:
        df = pl.read_excel(path, engine="calamine", drop_empty_cols=False)
    except Exception as exc:  # noqa: BLE001
        if "empty" in str(exc).lower():
            raise InputError(Message("read.xlsx_no_data", file=_where(path))) from None
        raise bad from None
    if df.width != len(header):
        raise bad
    unnamed = {i: _placeholder(i) for i, n in enumerate(header) if not n}
    df = df.rename(dict(zip(df.columns, [unnamed.get(i, n) for i, n in enumerate(header)],
                            strict=True)))
    counts = {key: df.height - df.get_column(key).null_count() for key in unnamed.values()}
    for key in unnamed.values():
        column = df.get_column(key)
        if column.dtype == pl.String:
            counts[key] = int((column.str.strip_chars() != "").sum())
    df = _drop_unnamed(path, df.lazy(), unnamed, counts).collect()
    if df.height == 0:
        raise InputError(Message("read.xlsx_header_only", file=_where(path)))
    lf = df.lazy()
    return Source(lf, [SourceInfo(path=path, format="xlsx", rows=df.height, columns=df.columns)])


def _read_stat(path: Path, fmt: str) -> Source:
    import pyreadstat

    reader = pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta
    kind = "SPSS .sav" if fmt == "sav" else "Stata .dta"
    try:
        df, meta = reader(str(path), user_missing=True, output_format="polars")
    except Exception:  # noqa: BLE001 - pyreadstat raises ReadstatError and friends
        raise InputError(Message("read.stat_unreadable", file=_where(path), kind=kind)) from None
    if df.height == 0:
        raise InputError(Message("read.no_rows", file=_where(path)))
    _check_duplicates(path, df.columns)
    info = SourceInfo(path=path, format=fmt, rows=df.height, columns=df.columns)
    # User-defined missing values are registered answers without information: unknown codes.
    for name, values in (getattr(meta, "missing_user_values", None) or {}).items():
        info.unknown_codes[name] = list(values)
    for name, ranges in (getattr(meta, "missing_ranges", None) or {}).items():
        info.unknown_ranges[name] = [(float(r["lo"]), float(r["hi"])) for r in ranges
                                     if isinstance(r.get("lo"), int | float)]
    info.value_labels = {k: {code: str(label) for code, label in v.items()}
                         for k, v in (meta.variable_value_labels or {}).items()}
    return Source(df.lazy(), [info])


def scan(path: Path | str | DatabaseSource, *, fmt: str | None = None, encoding: str | None = None,
         separator: str | None = None, notify: Callable[[str], None] | None = None,
         prefetch_hash: bool = True, export: bool = True) -> Source:
    """Open one data file. Raises InputError (exit 3) with a one-line message on bad input.

    The file's sha256 (for manifests) is computed in a background thread while the checks run
    when ``prefetch_hash``; otherwise only if something asks for it. A database source
    (``dq.io.database.DatabaseSource``: the spec's ``{ url, table | query }``, --data-url) is
    read from its server.

    ``export``: False for any other input (a reference, a study, a unit table, a codebook):
    its messages then say how to fix the file, not which option or [dataset] key to set."""
    token = sniff.OTHER_INPUT.set(not export)
    try:
        return _scan(path, fmt, encoding, separator, notify, prefetch_hash)
    finally:
        sniff.OTHER_INPUT.reset(token)


def _scan(path: Path | str | DatabaseSource, fmt: str | None, encoding: str | None,
          separator: str | None, notify: Callable[[str], None] | None,
          prefetch_hash: bool) -> Source:
    from dq.io.database import DatabaseSource, open_source

    if isinstance(path, DatabaseSource):
        return open_source(path)
    path = Path(path)
    notify = notify or _note
    _check_path(path)
    kind = detect_format(path, fmt)
    try:
        _check_kind(path, kind, fmt is not None)
        if kind == "csv":
            source = _scan_csv(path, encoding, separator, notify)
        elif kind == "parquet":
            source = _scan_parquet(path)
        elif kind == "xlsx":
            source = _read_excel(path)
        else:
            source = _read_stat(path, kind)
    except OSError as exc:
        raise sniff.unreadable(path, exc) from None
    if prefetch_hash:
        source.info._sha = _hash_pool.submit(_sha256, path)
    return source


def concat(sources: list[Source]) -> Source:
    """Several files of one export (one file per year, say) read as one table."""
    if len(sources) == 1:
        return sources[0]
    first = sources[0].info
    for other in sources[1:]:
        if other.info.columns != first.columns:
            missing = sorted(set(first.columns) ^ set(other.info.columns))
            shown = ", ".join(quoted(n) for n in missing[:10]) or Message("read.other_order")
            raise InputError(Message("read.columns_differ", file=_where(other.info.path),
                                     first=_where(first.path), names=shown))
    lf = pl.concat([s.raw for s in sources], how="vertical_relaxed")
    return Source(lf, [info for s in sources for info in s.infos])
