"""``dq reliability`` and ``dq correctness``: the Reliabilitet and Korrekthet dimensions."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from dq.cli._common import (CIMethod, CIOption, Format, FormatOption, LangOption, OutputOption,
                            WidthOption, emit, handle_errors, language, plan_outputs, progress,
                            warn)
from dq.cli.inputs import (StudyQueryOption, StudyTableOption, StudyUrlOption, load_spec,
                           protected, scan_input, study_option)
from dq.messages import Message
from dq.errors import EXIT_CHECK_FAILED, ConfigError
from dq.outputs import Input

#: The bootstrap's seed when --seed is not given: identical runs give identical output.
DEFAULT_SEED = 0

RELIABILITY_HELP = """Inter-rater reliability of a study where two or more registrars registered the
same cases: percent agreement, Cohen's and weighted κ, Fleiss' κ, Gwet's AC1/AC2, PABAK /
Brennan-Prediger, Krippendorff's α, ICC (all six Shrout & Fleiss forms) and Bland-Altman, each
with SE and 95 % CI, chosen by each variable's level of measurement.

Input shapes: long (--case-column and --rater-column, then one column per variable), wide
(--raters COL,COL: one row per case, one column per rater) or a square contingency table
(--table). Levels come from the spec (type, or level = "ordinal") or --level.
"""

CORRECTNESS_HELP = """Correctness of the registry against a gold standard (the medical record):
share of registrations that agree per variable (and unit), with Wilson CI; mean and largest
deviation for numbers and dates (within the spec's tolerance counts as correct); sensitivity,
specificity, PPV and NPV for binary variables; problem variables below the threshold; correct
patients when the study says which registered patients truly belong.

Input: Rapporteket's valideringsdatasett (vld_varnamn, vld_vartype, vld_verdi_intern_<type>,
vld_verdi_ekstern_<type>, plus patient and unit columns) or a wide file with --pairs
REGCOL:RECORDCOL,...
"""


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
    study: Annotated[Optional[Path], typer.Argument(help="The study file. Default: [reliability] "
                                                         "study of the spec.",
                                                    show_default=False)] = None,
    study_url: StudyUrlOption = None,
    study_table: StudyTableOption = None,
    study_query: StudyQueryOption = None,
    spec: Annotated[Optional[Path], typer.Option("--spec", "-s", dir_okay=False,
                                                 help="Registry spec (dq.toml).")] = None,
    case_column: Annotated[Optional[str], typer.Option(help="Long form: the case column.")] = None,
    rater_column: Annotated[Optional[str], typer.Option(help="Long form: the rater column.")] = None,
    raters: Annotated[Optional[str], typer.Option(help="Wide form: rater columns, comma-separated.")] = None,
    table: Annotated[bool, typer.Option("--table", help="The file is a square contingency table "
                                                        "(rater 1 rows × rater 2 columns).")] = False,
    variables: Annotated[Optional[str], typer.Option(help="Variables to analyse (default: every "
                                                          "other column).")] = None,
    level: Annotated[Optional[Level], typer.Option(help="Level of measurement for every variable "
                                                        "(default: from the spec, else nominal).")] = None,
    categories: Annotated[Optional[str], typer.Option(
        help="The category codes raters could use, comma-separated: they define the number of "
             "categories q (default: the spec's codes, else the codes seen).")] = None,
    bootstrap: Annotated[Optional[int], typer.Option(help="Percentile bootstrap with N resamples "
                                                          "of cases instead of asymptotic SEs.",
                                                     min=100, max=100_000)] = None,
    seed: Annotated[Optional[int], typer.Option(
        help="Seed for the bootstrap (default 0: identical runs give identical output).",
        min=0, max=2**32 - 1)] = None,
    level_of_confidence: Annotated[float, typer.Option(
        help="Confidence level of every interval.", min=0.5, max=0.9999)] = 0.95,
    interval: Annotated[Distribution, typer.Option(
        help="Wald intervals from Student's t with n - 1 df (as irrCAC) or the normal (z).")]
        = Distribution.t,
    population_size: Annotated[Optional[int], typer.Option(
        help="Number of cases the study was sampled from (the registry's size): the variances "
             "get the finite-population factor 1 - n/N (irrCAC's N).", min=1)] = None,
    weights: Annotated[Optional[Weights], typer.Option(
        help="Ordinal level: irrCAC's weights on the code values for AC2 and the weighted "
             "Fleiss, Conger, Brennan-Prediger, percent agreement and Cohen rows.")] = None,
    icc_null: Annotated[float, typer.Option(
        help="The null value rho0 of the ICC F tests (McGraw & Wong 1996).", min=0.0,
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
    validation: Annotated[Optional[Path], typer.Argument(help="The validation study. Default: "
                                                              "[correctness] study of the spec.",
                                                         show_default=False)] = None,
    study_url: StudyUrlOption = None,
    study_table: StudyTableOption = None,
    study_query: StudyQueryOption = None,
    spec: Annotated[Optional[Path], typer.Option("--spec", "-s", dir_okay=False,
                                                 help="Registry spec (dq.toml): tolerances, types.")] = None,
    by: Annotated[Optional[str], typer.Option(help="'unit' to break down by the unit column.")] = None,
    unit: Annotated[Optional[str], typer.Option(help="Unit column of the study.")] = None,
    patient: Annotated[Optional[str], typer.Option(help="Patient column of the study.")] = None,
    belongs: Annotated[Optional[str], typer.Option(help="Column saying whether each registered "
                                                        "patient truly belongs (ja/nei, 1/0).")] = None,
    pairs: Annotated[Optional[str], typer.Option(help="Wide file: REGCOL:RECORDCOL pairs, "
                                                      "comma-separated.")] = None,
    fail_under: Annotated[Optional[float], typer.Option(help="Fail variables whose share correct "
                                                             "is below this.", min=0, max=1)] = None,
    ci: CIOption = CIMethod.wilson,
    sampling_weights: Annotated[Optional[str], typer.Option(
        "--weights", help="Column with each record's sampling weight (as dq sample writes it): "
                          "weighted shares with CIs at Kish's effective sample size.")] = None,
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


reliability.__doc__ = RELIABILITY_HELP
correctness.__doc__ = CORRECTNESS_HELP
