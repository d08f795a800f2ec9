"""``dq sample``: the records a correctness or inter-rater study pulls, written to a file only."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from dq.cli._common import (Lang, SpecOption, handle_errors, language, plan_outputs, progress,
                            render_terminal, commit, warn)
from dq.cli.inputs import load_spec, open_data, protected
from dq.messages import Message
from dq.errors import ConfigError
from dq.outputs import Request, is_stdout


class SampleFormat(str, Enum):
    table = "table"
    json = "json"


def _names(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").split(",") if p.strip()]


def _year_condition(spec: Any, year: int) -> str:
    column = spec.dataset.event_date
    if not column:
        raise ConfigError(Message("sample.year_needs_date"))
    return f'EXTRACT(YEAR FROM "{column}") = {year}'


@handle_errors
def sample(
    data: Annotated[Optional[list[Path]], typer.Argument(
        help="sample.data", show_default=False)] = None,
    spec: SpecOption = None,
    n: Annotated[int, typer.Option("--n", help="sample.n", min=1, max=10**8)] = 80,
    by: Annotated[Optional[str], typer.Option(help="sample.by")] = None,
    per: Annotated[Optional[str], typer.Option(help="sample.per")] = None,
    allocation: Annotated[Optional[str], typer.Option(help="sample.allocation")] = None,
    neyman: Annotated[Optional[str], typer.Option(help="sample.neyman")] = None,
    seed: Annotated[int, typer.Option(help="sample.seed", min=0, max=2**63 - 1)] = 2024,
    year: Annotated[Optional[int], typer.Option(help="sample.year", min=1800,
                                                max=2200)] = None,
    where: Annotated[Optional[str], typer.Option(help="sample.where")] = None,
    key: Annotated[Optional[str], typer.Option(help="sample.key")] = None,
    columns: Annotated[Optional[str], typer.Option(help="sample.columns")] = None,
    oversample_missing: Annotated[Optional[str], typer.Option(
        help="sample.oversample_missing")] = None,
    oversample_factor: Annotated[float, typer.Option(
        help="sample.oversample_factor", min=1.0, max=100.0)] = 2.0,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="sample.output")] = None,
    manifest: Annotated[Optional[Path], typer.Option(help="sample.manifest")] = None,
    fmt: Annotated[SampleFormat, typer.Option("--format", "-f", help="sample.format")] =
    SampleFormat.table,
    lang: Annotated[Optional[Lang], typer.Option(help="sample.lang")] = None,
    suppress: Annotated[int, typer.Option(help="sample.suppress", min=0, max=10_000)] = 5,
    encoding: Annotated[Optional[str], typer.Option(help="sample.encoding")] = None,
    separator: Annotated[Optional[str], typer.Option(help="sample.separator")] = None,
) -> None:
    from dq import sample as smp
    from dq.render import sample as render

    if output is None or is_stdout(output):
        raise ConfigError(Message("sample.file_only"))
    if by and per:
        raise ConfigError(Message("sample.by_or_per"))
    spec_obj = load_spec(spec)
    lang_code = language(lang, spec_obj)  # also the language of the warnings on stderr
    method = allocation or ("equal" if per else "proportional" if by else "simple")
    if method not in smp.ALLOCATIONS:
        raise ConfigError(Message("sample.unknown_allocation_option", method=method))
    if method in ("proportional", "equal", "neyman") and not (by or per):
        raise ConfigError(Message("sample.needs_strata", method=method))
    strata = [spec_obj.role(s) or s for s in _names(by or per)]
    keys = _names(key) or list(spec_obj.verification.duplicate_keys) or \
        ([spec_obj.dataset.person_id] if spec_obj.dataset.person_id else [])
    manifest = manifest or output.with_name(output.name + ".manifest.json")
    # The allocation on stdout is one of the outputs: if it cannot be written, neither are the
    # list and the manifest. A manifest sent to stdout (--manifest -) is the allocation there.
    shows = None if is_stdout(manifest) else f"--format {fmt.value}"
    plan = plan_outputs(protected(spec_obj, reads={"dataset"}, data=data), output,
                        Request("--manifest", manifest),
                        Request(shows, None) if shows else None)
    if where is not None:
        from dq.spec import parse_condition

        parse_condition(where, "--where")  # the parser's reason, before the data is read
    year_condition = _year_condition(spec_obj, year) if year else None
    with progress(Message("progress.reading")):
        source = open_data(data or [], spec_obj, fmt=None, encoding=encoding,
                           separator=separator, hashes=True)
        result = smp.draw(source, spec_obj, n=n, seed=seed, keys=keys, strata=strata,
                          method=method, where=where, year=year_condition,
                          oversample=_names(oversample_missing), factor=oversample_factor,
                          neyman=neyman, columns=_names(columns), min_n=suppress)
    doc = render.manifest(result, source.infos, spec_obj, output, where=where, year=year)
    # The manifest, on disk or on stdout, is published: the same strata are hidden in both.
    shown = render.dumps(render.public(doc))
    texts = {"--output": render.to_csv(result), "--manifest": shown}
    if shows:
        texts[shows] = shown if fmt is SampleFormat.json else render_terminal(
            lambda c: render.terminal(result, c, lang_code, output, source.infos), None, None)
    commit(plan, texts)
    for message in result.warnings:
        warn(message)

