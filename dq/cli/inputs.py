"""Open the spec and the data a command names (shared by every command), and say which files
those are, so that no output can overwrite one of them (dq.outputs)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from dq.errors import ConfigError
from dq.messages import Message
from dq.outputs import Input, note_columns, reading
from dq.outputs import reads as _reads

if TYPE_CHECKING:
    from dq.io.database import DatabaseSource

# The registry database instead of an export file (dq.io.database), shared by every command
# that reads an export: --data-url URL with --table NAME or --query SQL. Help, panel and
# placeholders are keys of the help's catalogue (dq.messages.HELP; dq.cli._help).
DataUrlOption = Annotated[Optional[str], typer.Option(
    "--data-url", metavar="URL", rich_help_panel="panel.database", help="option.data_url")]
TableOption = Annotated[Optional[str], typer.Option(
    "--table", metavar="NAME", rich_help_panel="panel.database", help="option.table")]
QueryOption = Annotated[Optional[str], typer.Option(
    "--query", metavar="SQL", rich_help_panel="panel.database", help="option.query")]


# The study of dq reliability / dq correctness from a database. Not --data-url/--table: --table
# already means "the study is a square contingency table" for dq reliability, so the study's
# database options carry their own prefix (the same on both commands).
StudyUrlOption = Annotated[Optional[str], typer.Option(
    "--study-url", metavar="URL", rich_help_panel="panel.study", help="option.study_url")]
StudyTableOption = Annotated[Optional[str], typer.Option(
    "--study-table", metavar="NAME", rich_help_panel="panel.study", help="option.study_table")]
StudyQueryOption = Annotated[Optional[str], typer.Option(
    "--study-query", metavar="SQL", rich_help_panel="panel.study", help="option.study_query")]


def study_option(url: str | None, table: str | None, query: str | None,
                 study: Path | None) -> DatabaseSource | None:
    """The study --study-url/--study-table/--study-query name, if any (exit 2 when incomplete
    or given beside a study file)."""
    if url is None:
        if table is not None or query is not None:
            raise ConfigError(Message("input.study_url_missing"))
        return None
    if study is not None:
        raise ConfigError(Message("input.study_twice"))
    from dq.io.database import make

    return make(url, table, query, "--study-url")


def database_option(url: str | None, table: str | None, query: str | None,
                    data: Iterable[Path] | None = None) -> DatabaseSource | None:
    """The database source --data-url/--table/--query name, if any (exit 2 when incomplete or
    given beside a data file)."""
    if url is None:
        if table is not None or query is not None:
            raise ConfigError(Message("input.data_url_missing"))
        return None
    if list(data or []):
        raise ConfigError(Message("input.data_twice"))
    from dq.io.database import make

    return make(url, table, query, "--data-url")


def _note(message: str) -> None:
    """A reader's note ("not UTF-8; reading it as cp1252") on stderr in the command's language,
    sanitised like every other line dq writes there."""
    from dq.cli._common import note

    note(message)


def load_spec(path: Path | None):  # noqa: ANN201 - dq.spec.Spec
    from dq import spec as spec_mod

    if path is None:
        return spec_mod.empty()
    with reading(path):
        try:
            return spec_mod.load(path)
        except RecursionError:  # tomllib recurses: thousands of nested arrays or inline tables
            raise ConfigError(Message("input.spec_nested", file=path)) from None


def data_paths(paths: Iterable[Path] | None, spec) -> list[Path]:  # noqa: ANN001
    """The export named on the command line, else the spec's ``[dataset] files``."""
    chosen = list(paths or [])
    return chosen or list(spec.dataset.files)


def protected(spec, *, reads: Collection[str] = (),  # noqa: ANN001
              data: Iterable[Path] | None = None) -> list[Input]:
    """Every file the spec names (the spec, exports, unit table, codebook, references, studies),
    for the output plan: none of them may be overwritten. ``reads`` names the parts this command
    reads (``dataset``, ``units``, ``references``, ``reliability``, ``correctness``): those are
    "the … this command reads" and data errors name them; the rest are "… named in dq.toml".
    ``data``: the exports named on the command line (read, instead of ``[dataset] files``)."""
    items: list[Input] = []
    name = Path(spec.path).name if spec.path is not None else Message("output.the_spec")

    def add(part: str, paths: Iterable[object], thing: str) -> None:
        read = part in reads
        what = _reads(thing) if read else Message(
            "output.named_in", thing=Message(f"output.thing.{thing}"), spec=name)
        # A database source is no file to protect; its description names it in errors.
        items.extend(Input(p if isinstance(p, Path) else str(p), what, read=read)
                     for p in paths if p is not None)

    data_list = list(data or [])
    if data_list:
        add("dataset", data_list, "export")
    if spec.path is not None:
        items.append(Input(Path(spec.path), _reads("spec"), read=False))
    # The spec's exports are protected even when --data/an argument replaces them this time.
    add("dataset" if not data_list else "", list(spec.dataset.files), "export")
    add("dataset" if not data_list else "", [spec.dataset.database], "registry_table")
    add("units", [spec.units.path if spec.units is not None else None], "unit_table")
    codebook = spec.dataset.codebook
    items.append(Input(codebook if isinstance(codebook, Path | None) else str(codebook),
                       _reads("codebook"), read=False))
    add("references", list(spec.coverage.references), "coverage_reference")
    add("reliability", [spec.reliability.study], "reliability_study")
    add("correctness", [spec.correctness.study], "validation_study")
    return [i for i in items if i.path is not None]


def open_data(paths: list[Path], spec, *, fmt: str | None, encoding: str | None,  # noqa: ANN001
              separator: str | None, hashes: bool = True,
              database: DatabaseSource | None = None):  # noqa: ANN201 - dq.io.Source
    """The export named on the command line (a file, or ``database``: --data-url), else the
    spec's ``[dataset] files`` or ``[dataset] url``. ``hashes``: start the files' sha256 at once
    (the output will show it)."""
    from dq.io import concat, scan

    db = database if database is not None else (spec.dataset.database if not paths else None)
    if db is not None:
        from dq.io.database import open_source

        with reading(str(db)):
            src = open_source(db, date_format=spec.dataset.date_format)
        note_columns(src.columns)
        if spec.path is not None:
            spec.check_columns(src.columns, str(db))
            spec.check_dates(src)
        return src
    paths = data_paths(paths, spec)
    if not paths:
        raise ConfigError(Message("input.no_data"))
    ds = spec.dataset
    sources = []
    for p in paths:
        with reading(p):
            src = scan(p, fmt=fmt or ds.format, encoding=encoding or ds.encoding,
                       separator=separator or ds.separator, prefetch_hash=hashes, notify=_note)
        note_columns(src.columns)
        sources.append(src)
    source = concat(sources)
    if spec.path is not None:
        spec.check_columns(source.columns, ", ".join(str(p) for p in paths))
        spec.check_dates(source)
    return source


def scan_input(path: Path | DatabaseSource, **kwargs):  # noqa: ANN003, ANN201 - dq.io.Source
    """dq.io.scan of one more input (a reference, a study); its errors name it, its column names
    may appear in messages."""
    from dq.io import scan

    kwargs.setdefault("notify", _note)
    with reading(str(path)):
        src = scan(path, export=False, **kwargs)
    note_columns(src.columns)
    return src
