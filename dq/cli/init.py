"""``dq init`` (a first dq.toml from an export) and ``dq spec check`` (every problem of a spec)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated, Optional

import typer

from dq.cli._common import (EncodingOption, InputFormatOption, Lang, SeparatorOption, commit,
                            handle_errors, in_language, plan_outputs, progress, say, speak, warn,
                            write_output)
from dq.cli.inputs import DataUrlOption, QueryOption, TableOption
from dq.messages import Message
from dq.errors import EXIT_USAGE, ConfigError

spec_app = typer.Typer(name="spec", help="command.spec",
                       no_args_is_help=True, pretty_exceptions_show_locals=False,
                       rich_markup_mode=None)


@handle_errors
def init(
    export: Annotated[Optional[Path], typer.Argument(
        help="init.export", show_default=False)] = None,
    codebook: Annotated[Optional[Path], typer.Option(help="init.codebook")] = None,
    reference: Annotated[Optional[list[Path]], typer.Option(help="init.reference")] = None,
    units: Annotated[Optional[Path], typer.Option(help="init.units")] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="init.output")] = Path("dq.toml"),
    force: Annotated[bool, typer.Option("--force", help="init.force")] = False,
    lang: Annotated[Lang, typer.Option(help="init.lang")] = Lang.nb,
    encoding: EncodingOption = None,
    separator: SeparatorOption = None,
    input_format: InputFormatOption = None,
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


@spec_app.command("check", help="command.spec.check")
@handle_errors
def check(
    spec: Annotated[Path, typer.Argument(help="spec.check.spec", dir_okay=False,
                                         show_default=False)],
    data: Annotated[Optional[list[Path]], typer.Option(
        "--data", "-d", help="spec.check.data", dir_okay=False)] = None,
    strict: Annotated[bool, typer.Option("--strict", help="spec.check.strict")] = False,
    lang: Annotated[Lang, typer.Option(help="spec.check.lang")] = Lang.nb,
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

