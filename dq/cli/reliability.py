"""``dq reliability`` and ``dq correctness``: the Reliabilitet and Korrekthet dimensions."""

from __future__ import annotations

from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from dq.cli._common import (CIMethod, CIOption, Format, FormatOption, LangOption, OutputOption,
                            SpecOption, WidthOption, emit, handle_errors, language, plan_outputs,
                            progress, warn)
from dq.cli.inputs import (StudyQueryOption, StudyTableOption, StudyUrlOption, load_spec,
                           protected, scan_input, study_option)
from dq.messages import Message
from dq.errors import EXIT_CHECK_FAILED, ConfigError
from dq.outputs import Input

#: The bootstrap's seed when --seed is not given: identical runs give identical output.
DEFAULT_SEED = 0


class Distribution(str, Enum):
    t = "t"
    z = "z"


class Weights(str, Enum):
    identity = "identity"
    linear = "linear"
    quadratic = "quadratic"
    ordinal = "ordinal"
    radical = "radical"
    ratio = "ratio"
    circular = "circular"
    bipolar = "bipolar"


class Level(str, Enum):
    nominal = "nominal"
    ordinal = "ordinal"
    interval = "interval"
    ratio = "ratio"


def _split(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").split(",") if p.strip()]


@handle_errors
def reliability(
    study: Annotated[Optional[Path], typer.Argument(help="reliability.study",
                                                    show_default=False)] = None,
    study_url: StudyUrlOption = None,
    study_table: StudyTableOption = None,
    study_query: StudyQueryOption = None,
    spec: SpecOption = None,
    case_column: Annotated[Optional[str], typer.Option(help="reliability.case_column")] = None,
    rater_column: Annotated[Optional[str], typer.Option(help="reliability.rater_column")] = None,
    raters: Annotated[Optional[str], typer.Option(help="reliability.raters")] = None,
    table: Annotated[bool, typer.Option("--table", help="reliability.table")] = False,
    variables: Annotated[Optional[str], typer.Option(help="reliability.variables")] = None,
    level: Annotated[Optional[Level], typer.Option(help="reliability.level")] = None,
    categories: Annotated[Optional[str], typer.Option(help="reliability.categories")] = None,
    bootstrap: Annotated[Optional[int], typer.Option(help="reliability.bootstrap", min=100,
                                                     max=100_000)] = None,
    seed: Annotated[Optional[int], typer.Option(help="reliability.seed", min=0,
                                                max=2**32 - 1)] = None,
    level_of_confidence: Annotated[float, typer.Option(
        help="reliability.level_of_confidence", min=0.5, max=0.9999)] = 0.95,
    interval: Annotated[Distribution, typer.Option(help="reliability.interval")] = Distribution.t,
    population_size: Annotated[Optional[int], typer.Option(
        help="reliability.population_size", min=1)] = None,
    weights: Annotated[Optional[Weights], typer.Option(help="reliability.weights")] = None,
    icc_null: Annotated[float, typer.Option(help="reliability.icc_null", min=0.0,
                                            max=0.99)] = 0.0,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    width: WidthOption = None,
    lang: LangOption = None,
) -> None:
    from dq import reliability as rel
    from dq.render import markdown, terminal
    from dq.render.tabular import to_csv

    sp = load_spec(spec)
    lang_code = language(lang, sp)  # also the language of the warnings on stderr
    rs = sp.reliability
    path = study_option(study_url, study_table, study_query, study) or study or rs.study
    if path is None:
        raise ConfigError(Message("reliability.no_study"))
    if bootstrap is not None and seed is None:
        seed = DEFAULT_SEED  # every bootstrap is seeded, and the seed is written into the output
    # Every output is checked against every input before any data is read.
    plan = plan_outputs([Input(path if isinstance(path, Path) else str(path),
                               "the study this command reads"), *protected(sp)], output)
    source = scan_input(path)
    studies = rel.ratings(source, sp, case=case_column, rater=rater_column,
                          raters=_split(raters) or None, table=table,
                          variables=_split(variables) or None,
                          level=level.value if level else None,
                          categories=_split(categories) or None)
    with progress(Message("progress.agreement")):
        result = rel.compute(studies, rs.thresholds, bootstrap=bootstrap, seed=seed,
                             level=level_of_confidence, distribution=interval.value,
                             population=population_size,
                             weights=weights.value if weights else None, icc_null=icc_null)
    from dq.spec import study_period

    result = replace(result, period=study_period(path, rs.study, rs.period))
    emit(fmt, plan, output, width,
         json=lambda: rel.to_json(result, source.infos, sp, bootstrap, seed),
         csv=lambda: to_csv(result.rows), markdown=lambda: markdown.reliability(result, lang_code),
         terminal=lambda c: terminal.reliability(result, c, lang_code))
    for message in result.warnings:  # diagnostics on stderr, never in the document, in the
        # chosen language (dq.messages.Message); the κ paradox is explained in the table and
        # Markdown themselves, so only JSON and CSV users get it here too
        if getattr(message, "key", None) == "reliability.paradox" and fmt in (
                Format.table, Format.terminal, Format.markdown):
            continue
        warn(message)
    if result.failed:
        raise typer.Exit(EXIT_CHECK_FAILED)


@handle_errors
def correctness(
    validation: Annotated[Optional[Path], typer.Argument(help="correctness.validation",
                                                         show_default=False)] = None,
    study_url: StudyUrlOption = None,
    study_table: StudyTableOption = None,
    study_query: StudyQueryOption = None,
    spec: Annotated[Optional[Path], typer.Option("--spec", "-s", dir_okay=False,
                                                 help="correctness.spec")] = None,
    by: Annotated[Optional[str], typer.Option(help="correctness.by")] = None,
    unit: Annotated[Optional[str], typer.Option(help="correctness.unit")] = None,
    patient: Annotated[Optional[str], typer.Option(help="correctness.patient")] = None,
    belongs: Annotated[Optional[str], typer.Option(help="correctness.belongs")] = None,
    pairs: Annotated[Optional[str], typer.Option(help="correctness.pairs")] = None,
    fail_under: Annotated[Optional[float], typer.Option(help="correctness.fail_under", min=0,
                                                        max=1)] = None,
    ci: CIOption = CIMethod.wilson,
    sampling_weights: Annotated[Optional[str], typer.Option(
        "--weights", help="correctness.weights")] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    width: WidthOption = None,
    lang: LangOption = None,
) -> None:
    from dq import correctness as corr
    from dq.render import markdown, terminal
    from dq.render.tabular import to_csv
    from dq.spec import Thresholds

    sp = load_spec(spec)
    lang_code = language(lang, sp)  # also the language of the warnings on stderr
    cs = sp.correctness
    path = study_option(study_url, study_table, study_query, validation) or validation or cs.study
    if path is None:
        raise ConfigError(Message("reliability.no_validation_study"))
    # Every output is checked against every input before any data is read.
    plan = plan_outputs([Input(path if isinstance(path, Path) else str(path),
                               "the validation study this command reads"), *protected(sp)],
                        output)
    source = scan_input(path)
    unit_col = unit or cs.unit
    if by and by != "unit":
        raise ConfigError(Message("reliability.correctness_by"))
    patient_col = patient or cs.patient
    pair_list: list[tuple[str, str]] = []
    if pairs:
        for item in _split(pairs):
            if ":" not in item:
                raise ConfigError(Message("reliability.pairs_form", item=item))
            reg, rec = item.split(":", 1)
            pair_list.append((reg.strip(), rec.strip()))
    ids = [c for c in (patient_col, unit_col, belongs or cs.belongs, sampling_weights) if c]
    df = corr.study(source, sp, pairs=pair_list or None, ids=ids)
    thresholds = cs.thresholds
    if fail_under is not None:
        thresholds = Thresholds(max(thresholds.warn_below or 0, fail_under), fail_under)
    result = corr.compute(df, sp, unit=unit_col if by == "unit" else None, thresholds=thresholds,
                          patient=patient_col, belongs=belongs or cs.belongs, ci_method=ci.value,
                          weights=sampling_weights, file=source.info.path)
    from dq.spec import study_period

    result = replace(result, period=study_period(path, cs.study, cs.period))
    emit(fmt, plan, output, width,
         json=lambda: corr.to_json(result, source.infos, sp),
         csv=lambda: to_csv(result.rows), markdown=lambda: markdown.correctness(result, lang_code, ci.value),
         terminal=lambda c: terminal.correctness(result, c, lang_code))
    for message in result.warnings:  # diagnostics on stderr, never in the document
        warn(message)
    if sampling_weights:
        from dq.messages import plan_text

        warn(plan_text("corr.weighted", lang_code, column=sampling_weights))
    if result.failed:
        raise typer.Exit(EXIT_CHECK_FAILED)

