"""``dq init`` (a first dq.toml from an export) and ``dq spec check`` (every problem of a spec)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated, Optional

import typer

from dq.cli._common import (Lang, commit, handle_errors, in_language, plan_outputs, progress,
                            say, speak, warn, write_output)
from dq.cli.inputs import DataUrlOption, QueryOption, TableOption
from dq.messages import Message
from dq.errors import EXIT_USAGE, ConfigError

HELP = """Draft a registry spec (dq.toml) from an export, so dq report runs at once.

Reads the export (a file, or a database table or query with --data-url and --table or --query)
once and writes [dataset] with the detected format, encoding, separator (for a database: the url,
with ${VARIABLE} placeholders and never a password, and the table or query) and
date format and the roles it can infer (person id, unit, event date, form status and the value
that means finished, registration timestamp, national ID by the check-digit rule), a
[variables.NAME] table for every column (type, codes, likely unknown codes, mandatory), and
[units] and [coverage] when a unit table and references are given. Every decision carries its
evidence as a comment; "TODO:" marks what to confirm. No value of the export is written except
codes held by at least 5 records. An existing file is never replaced without --force.

The export is read in one streaming pass, planned from its first 10,000 rows (a second, over
just those columns, only when a column with few values holds values its first rows did not
show). Distinct counts of identifier and free-text columns of a longer export are estimates,
written "about N". Codes come from the codebook when one is given, and are then not repeated in
dq.toml (see dq spec check).
"""

CHECK_HELP = """Validate a spec without running checks: every problem at once (unknown keys, bad
values, conditions that do not parse, files not found) and, with --data, against the export
(missing columns, types the values do not have, codes no record holds, conditions that are never
true or never checked). Exit 0 with a one-line summary when clean, 2 when there are problems.

Codes no record holds: a code list written in dq.toml (by hand, or by dq init from the export)
describes the export, so a code in it that no record holds is a problem (exit 2; the message
names the variable, how many codes, and those declared codes). A codebook ([dataset] codebook)
lists every code of the registry across years and units, so its codes one export lacks are only
a warning (a problem with --strict). dq init writes no code list for a variable the codebook
defines, so the spec it drafts passes.
"""

spec_app = typer.Typer(name="spec", help="Work with the registry spec (dq.toml).",
                       no_args_is_help=True, pretty_exceptions_show_locals=False,
                       rich_markup_mode=None)


@handle_errors
def init(
    export: Annotated[Optional[Path], typer.Argument(
        help="The registry export: CSV, Parquet, XLSX, SAV or DTA (or --data-url).",
        show_default=False)] = None,
    codebook: Annotated[Optional[Path], typer.Option(
        help="Codebook in rapwhale's columns (variabel_id, variabeltype, verdi, verditekst, "
             "obligatorisk, …): types, codes and labels come from it.")] = None,
    reference: Annotated[Optional[list[Path]], typer.Option(
        help="A coverage reference (NPR counts per unit and year, or a person-level extract); "
             "repeat for several.")] = None,
    units: Annotated[Optional[Path], typer.Option(
        help="The unit table (unit id, name, HF, RHF).")] = None,
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="Where to write the spec; - is stdout.")] = Path("dq.toml"),
    force: Annotated[bool, typer.Option("--force", help="Replace an existing spec.")] = False,
    lang: Annotated[Lang, typer.Option(
        help="Language of the comments, and the drafted spec's [report] lang: the language "
             "every command then speaks by default.")] = Lang.nb,
    encoding: Annotated[Optional[str], typer.Option(
        help="CSV encoding: utf-8, cp1252 or latin-1 (default: detected).")] = None,
    separator: Annotated[Optional[str], typer.Option(
        help="CSV separator (default: detected among ; , tab |).")] = None,
    input_format: Annotated[Optional[str], typer.Option(
        help="Override the format the file extension implies: csv, parquet, xlsx, sav, dta.")] = None,
    data_url: DataUrlOption = None,
    table: TableOption = None,
    query: QueryOption = None,
) -> None:
    import os

    from dq import init as render_init
    from dq import infer
    from dq.cli.inputs import _note, database_option, scan_input
    from dq.io.sniff import safe_name
    from dq.messages import init_text
    from dq.outputs import Input, is_stdout, note_columns, reading
    from dq.spec import Thresholds, read_codebook

    speak(lang.value)  # the notes and warnings on stderr too
    db = database_option(data_url, table, query, [export] if export is not None else None)
    if db is None and export is None:
        raise ConfigError(Message("init.no_export"))
    if db is not None and (input_format or encoding or separator):
        raise ConfigError(Message("init.file_options"))
    to_stdout = is_stdout(output)
    if not to_stdout and (os.path.isfile(output) or os.path.islink(output)) and not force:
        raise ConfigError(Message("init.exists", file=str(output)))
    inputs = [Input(export if export is not None else str(db), "the export this command reads"),
              *(Input(p, "the codebook this command reads") for p in [codebook] if p),
              *(Input(p, "the unit table this command reads") for p in [units] if p),
              *(Input(p, "a reference this command reads") for p in reference or [])]
    plan = plan_outputs(inputs, output)
    folder = Path.cwd() if to_stdout else Path(os.path.realpath(output)).parent

    cb = None
    if codebook is not None:
        with reading(codebook):
            cb = read_codebook(codebook, Thresholds(), ())
    with progress(Message("progress.reading")):
        if db is not None:
            from dq.io.database import open_source

            with reading(str(db)):
                source = open_source(db)
        else:
            assert export is not None
            with reading(export):
                source = infer_source(export, input_format, encoding, separator, _note)
        note_columns(source.columns)
        inference = infer.infer(source, codebook=cb, codebook_path=codebook,
                                unit_values=units is not None)
    units_src = None
    if units is not None:
        units_src = scan_input(units)
        inference.units = infer.infer_units(units, units_src, inference)
    if reference:
        refs = [(p, scan_input(p)) for p in reference]
        inference.coverage = infer.infer_coverage(refs, inference, units_src, inference.units)
    spec_path = Path("dq.toml") if to_stdout else output
    draft = _database_draft(db) if db is not None else None
    text = render_init.render(inference, spec_path=spec_path, folder=folder, lang=lang.value,
                              database=draft)
    _validate(text, folder, (draft.var,) if draft is not None and draft.replaced else ())
    commit(plan, {"--output": text})
    if draft is not None and draft.replaced:
        say(init_text("password_replaced_stderr", lang.value, var=draft.var,
                      spec=str(output) if not to_stdout else "dq.toml"))
    roles = ", ".join(f"{k} {safe_name(v.column)}" for k, v in inference.roles.items()
                      if v.column) or "–"
    say(init_text("written_stdout" if to_stdout else "written", lang.value,
                  spec="dq.toml" if to_stdout else str(output),
                  variables=len(inference.variables), roles=roles,
                  todos=render_init.todo_count(text)))


def infer_source(export: Path, fmt: str | None, encoding: str | None, separator: str | None,
                 notify):  # noqa: ANN001, ANN201 - dq.io.Source
    from dq.io import scan

    return scan(export, fmt=fmt, encoding=encoding, separator=separator, notify=notify,
                prefetch_hash=False)


def _database_draft(db):  # noqa: ANN001, ANN202 - DatabaseSource → dq.init.DatabaseDraft
    """[dataset] url/table/query as the spec will hold them: the URL with its ${VAR}
    placeholders, a password written out on the command line replaced by a placeholder."""
    from dq.init import DatabaseDraft
    from dq.io.database import PASSWORD_PLACEHOLDER, connection, label, spec_url

    conn = connection(db)
    url, replaced = spec_url(db.url)
    return DatabaseDraft(url=url, table=db.table, query=db.query, label=label(db, conn),
                         name=conn.database, replaced=replaced,
                         var=PASSWORD_PLACEHOLDER[2:-1])


def _validate(text: str, folder: Path, placeholders: tuple[str, ...] = ()) -> None:
    """The drafted spec must load as it is: checked in a private file beside the target (so its
    relative paths resolve) before anything is written. A failure is a bug in dq init.
    ``placeholders``: environment variables the spec names that the user sets later (the
    password dq init took out of the URL); the check gives the unset ones a dummy value."""
    import os

    from dq import spec as spec_mod
    from dq import tempfiles

    unset = [v for v in placeholders if v not in os.environ]
    fd, tmp = tempfiles.private_file(folder, ".dq-init-check.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.environ.update({v: "unset" for v in unset})
        spec_mod.load(Path(str(tmp)))
    except ConfigError as exc:
        raise RuntimeError(f"dq init drafted a spec that does not load: {exc}") from None
    finally:
        for v in unset:
            os.environ.pop(v, None)
        try:
            os.unlink(tmp)
        except OSError:
            pass
        tempfiles.forget(tmp)


@spec_app.command("check", help=CHECK_HELP)
@handle_errors
def check(
    spec: Annotated[Path, typer.Argument(help="The registry spec (dq.toml).", dir_okay=False,
                                         show_default=False)],
    data: Annotated[Optional[list[Path]], typer.Option(
        "--data", "-d", help="Check the spec against this export too; repeat for several "
                             "files.", dir_okay=False)] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings (codes of the codebook no "
                                                          "record holds) count as problems "
                                                          "too.")] = False,
    lang: Annotated[Lang, typer.Option(help="Language of the summary line.")] = Lang.nb,
) -> None:
    from dq import spec_check
    from dq.cli.inputs import open_data
    from dq.messages import init_text
    from dq.outputs import reading

    speak(lang.value)  # the warnings on stderr too
    if not spec.is_file():
        raise ConfigError(Message("spec.not_found_dir" if spec.is_dir() else "spec.not_found",
                                  file=str(spec)))

    def opener(paths, sp):  # noqa: ANN001, ANN202
        # open without the column check: missing columns are listed as problems
        return open_data(list(paths), replace(sp, path=None), fmt=None, encoding=None,
                         separator=None, hashes=False)

    with reading(spec), progress(Message("progress.spec")):
        result = spec_check.check(spec, list(data or []), opener)
    error = in_language(Message("stderr.error"))
    for p in result.problems:
        (warn if p.level == "warning" else lambda m: say(f"dq: {error}: {in_language(m)}"))(
            p.message)
    bad = result.errors or (strict and result.warnings)
    if bad:
        say(init_text("check_problems", lang.value, spec=str(spec),
                      n=len(result.errors) + (len(result.warnings) if strict else 0)))
        raise typer.Exit(EXIT_USAGE)
    detail = ""
    if result.database is not None:
        detail = init_text("check_database", lang.value, source=result.database)
    if result.data:
        detail = init_text("check_data", lang.value,
                           file=", ".join(str(p) for p in result.data), rows=result.rows)
    write_output(init_text("check_clean", lang.value, spec=str(spec), variables=result.variables,
                           data=detail) + "\n", None)


init.__doc__ = HELP
