"""One entry point from a path to a LazyFrame plus what was learned about the file.

CSV and Parquet are scanned lazily (``pl.scan_*``) so large exports stream; Excel, SPSS and Stata
files are read whole (their readers cannot stream) and handed on as LazyFrames.

CSV columns stay text (``Utf8``): the checks parse numbers and dates themselves, so a value that
does not parse is counted as invalid rather than silently turned into a null. Empty and
whitespace-only fields are nulls.
"""

from __future__ import annotations

import atexit
import hashlib
import shutil
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import polars.selectors as cs

from dq.errors import ConfigError, InputError
from dq.io import sniff

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
_FORMAT_PATTERNS = {
    "%d.%m.%Y": r"\d{1,2}\.\d{1,2}\.\d{4}",
    "%Y-%m-%d": r"\d{4}-\d{2}-\d{2}",
    "%d.%m.%Y %H:%M:%S": r"\d{1,2}\.\d{1,2}\.\d{4} \d{1,2}:\d{2}:\d{2}",
    "%d.%m.%Y %H:%M": r"\d{1,2}\.\d{1,2}\.\d{4} \d{1,2}:\d{2}",
    "%Y-%m-%d %H:%M:%S": r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}",
    "%Y-%m-%dT%H:%M:%S": r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}",
    "%Y-%m-%d %H:%M": r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}",
    "%Y-%m-%d %H:%M:%S%.f": r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d+",
}
SAMPLE_ROWS = 10_000

_hash_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dq-sha256")
_tempdirs: list[str] = []


@atexit.register
def _cleanup() -> None:
    for path in _tempdirs:
        shutil.rmtree(path, ignore_errors=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


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
    """A table to check: its LazyFrame and what was learned about each file behind it."""

    lf: pl.LazyFrame
    infos: list[SourceInfo]

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


def detect_format(path: Path, fmt: str | None) -> str:
    if fmt is not None:
        if fmt not in FORMATS:
            raise ConfigError(f"unknown format {fmt!r} for {path}: use one of {', '.join(FORMATS)}")
        return fmt
    found = _EXTENSIONS.get(path.suffix.lower())
    if found is None:
        raise InputError(
            f"{path}: cannot tell the format from the extension {path.suffix!r}; "
            f"pass --input-format ({', '.join(FORMATS)})"
        )
    return found


def _check_path(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: no such file; check the path (relative paths in dq.toml are "
                         "relative to the spec's folder)")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a data file; name the export file itself")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty (0 bytes); export it again")


def _blank_to_null(lf: pl.LazyFrame) -> pl.LazyFrame:
    text = cs.string()
    return lf.with_columns(pl.when(text.str.strip_chars() == "").then(None).otherwise(text).name.keep())


def _check_duplicates(path: Path, names: list[str]) -> None:
    seen: set[str] = set()
    dups = [n for n in names if n in seen or seen.add(n)]  # type: ignore[func-returns-value]
    if dups:
        shown = ", ".join(repr(d) for d in dict.fromkeys(dups))
        raise InputError(f"{path}: duplicate column names {shown}; rename them in the export so "
                         "each column has one name")


def _detect_date_formats(sample: pl.DataFrame) -> dict[str, str]:
    """Columns whose every non-null sampled value matches one date or datetime format."""
    found: dict[str, str] = {}
    for name in sample.columns:
        values = sample.get_column(name).drop_nulls().str.strip_chars()
        if values.is_empty():
            continue
        for fmt in (*DATE_FORMATS, *DATETIME_FORMATS):
            if values.str.contains(f"^{_FORMAT_PATTERNS[fmt]}$").all():
                found[name] = fmt
                break
    return found


def _detect_numeric(sample: pl.DataFrame) -> set[str]:
    """Text columns whose every non-null sampled value is a number (decimal comma or point)."""
    found = set()
    for name in sample.columns:
        values = sample.get_column(name).drop_nulls().str.strip_chars()
        if not values.is_empty() and values.str.contains(r"^-?\d+([.,]\d+)?$").all():
            found.add(name)
    return found


def _scan_csv(path: Path, encoding: str | None, separator: str | None,
              notify: Callable[[str], None]) -> Source:
    dialect = sniff.sniff(path, encoding, separator)
    names = sniff.header_fields(path, dialect)
    if not any(names):
        raise InputError(f"{path}: the first line is empty; the file needs a header row")
    _check_duplicates(path, names)
    if not sniff.has_data_rows(path, dialect):
        raise InputError(f"{path}: the file has a header but no data rows; export it again")
    source_path = path
    if dialect.encoding != "utf-8":
        if dialect.encoding_guessed:
            notify(f"note: {path} is not UTF-8; reading it as {dialect.encoding} "
                   "(pass --encoding to choose)")
        tmp = tempfile.mkdtemp(prefix="dq-")
        _tempdirs.append(tmp)
        source_path = Path(tmp) / "utf8.csv"
        with path.open("r", encoding=dialect.encoding, newline="") as src, \
                source_path.open("w", encoding="utf-8", newline="") as dst:
            shutil.copyfileobj(src, dst, 1 << 22)
    lf = pl.scan_csv(source_path, separator=dialect.separator, infer_schema=False,
                     encoding="utf8", new_columns=names)
    lf = _blank_to_null(lf)
    try:
        sample = lf.head(SAMPLE_ROWS).collect()
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"{path}: cannot be parsed as CSV with separator "
                         f"{dialect.separator!r} ({_first_line(exc)}); check quoting, or pass "
                         "--separator") from None
    info = SourceInfo(path=path, format="csv", encoding=dialect.encoding,
                      encoding_guessed=dialect.encoding_guessed, separator=dialect.separator,
                      decimal_comma=dialect.decimal_comma, columns=names,
                      date_formats=_detect_date_formats(sample),
                      numeric_columns=_detect_numeric(sample))
    return Source(lf, [info])


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _scan_parquet(path: Path) -> Source:
    try:
        schema = pl.read_parquet_schema(path)
        rows = pl.scan_parquet(path).select(pl.len()).collect().item()
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise InputError(f"{path}: not a readable Parquet file ({_first_line(exc)}); "
                         "write it again or check that the copy is complete") from None
    if rows == 0:
        raise InputError(f"{path}: the Parquet file has no rows")
    lf = _blank_to_null(pl.scan_parquet(path))
    return Source(lf, [SourceInfo(path=path, format="parquet", rows=rows, columns=list(schema))])


def _read_excel(path: Path) -> Source:
    try:
        df = pl.read_excel(path, engine="calamine")
    except Exception as exc:  # fastexcel raises its own exception types
        if "empty" in str(exc).lower():
            raise InputError(f"{path}: the first sheet has no data rows") from None
        raise InputError(f"{path}: not a readable .xlsx file ({_first_line(exc)}); open and "
                         "save it again in Excel, or export CSV") from None
    if df.height == 0:
        raise InputError(f"{path}: the first sheet has a header but no data rows")
    _check_duplicates(path, df.columns)
    lf = _blank_to_null(df.lazy())
    return Source(lf, [SourceInfo(path=path, format="xlsx", rows=df.height, columns=df.columns)])


def _read_stat(path: Path, fmt: str) -> Source:
    import pyreadstat

    reader = pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta
    try:
        df, meta = reader(str(path), user_missing=True, output_format="polars")
    except Exception as exc:  # pyreadstat raises ReadstatError and friends
        kind = "SPSS .sav" if fmt == "sav" else "Stata .dta"
        raise InputError(f"{path}: not a readable {kind} file ({_first_line(exc)})") from None
    if df.height == 0:
        raise InputError(f"{path}: the file has no rows")
    info = SourceInfo(path=path, format=fmt, rows=df.height, columns=df.columns)
    # User-defined missing values are registered answers without information: unknown codes.
    for name, values in (getattr(meta, "missing_user_values", None) or {}).items():
        info.unknown_codes[name] = list(values)
    for name, ranges in (getattr(meta, "missing_ranges", None) or {}).items():
        info.unknown_ranges[name] = [(float(r["lo"]), float(r["hi"])) for r in ranges
                                     if isinstance(r.get("lo"), int | float)]
    info.value_labels = {k: {code: str(label) for code, label in v.items()}
                         for k, v in (meta.variable_value_labels or {}).items()}
    return Source(_blank_to_null(df.lazy()), [info])


def scan(path: Path | str, *, fmt: str | None = None, encoding: str | None = None,
         separator: str | None = None, notify: Callable[[str], None] | None = None,
         prefetch_hash: bool = True) -> Source:
    """Open one data file. Raises InputError (exit 3) with a one-line message on bad input.

    The file's sha256 (for manifests) is computed in a background thread while the checks run
    when ``prefetch_hash``; otherwise only if something asks for it."""
    path = Path(path)
    notify = notify or (lambda msg: print(msg, file=sys.stderr))
    _check_path(path)
    kind = detect_format(path, fmt)
    if kind == "csv":
        source = _scan_csv(path, encoding, separator, notify)
    elif kind == "parquet":
        source = _scan_parquet(path)
    elif kind == "xlsx":
        source = _read_excel(path)
    else:
        source = _read_stat(path, kind)
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
            raise InputError(f"{other.info.path}: columns differ from {first.path} "
                             f"({', '.join(map(repr, missing[:10]))}); files of one dataset must "
                             "have the same columns")
    lf = pl.concat([s.lf for s in sources], how="vertical_relaxed")
    return Source(lf, [info for s in sources for info in s.infos])
