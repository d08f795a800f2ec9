"""``dq plan``: how many cases a data-quality study needs (no data read; starts at once)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from dq.cli._common import (Lang, OutputOption, commit, handle_errors, plan_outputs,
                            render_terminal, write_output)
from dq.errors import ConfigError
from dq.messages import Message


class PlanFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


class Method(str, Enum):
    wald = "wald"
    wilson = "wilson"
    clopper_pearson = "clopper-pearson"


app = typer.Typer(help="command.plan", no_args_is_help=True, pretty_exceptions_show_locals=False,
                  rich_markup_mode=None)

# help=: keys of the help's catalogue (dq.messages.HELP), as every help text of dq
FormatOpt = Annotated[PlanFormat, typer.Option("--format", "-f", help="option.format")]
LangOpt = Annotated[Lang, typer.Option(help="plan.lang")]
WidthOpt = Annotated[Optional[float], typer.Option(
    "--width", metavar="X", help="plan.width", min=0.0, max=1.0)]
NOpt = Annotated[Optional[int], typer.Option("--n", help="plan.n", min=2, max=10**9)]
LevelOpt = Annotated[float, typer.Option(
    "--level-of-confidence", help="plan.level", min=0.5, max=0.9999)]
AlphaOpt = Annotated[float, typer.Option(help="plan.alpha", min=1e-6, max=0.5)]
PowerOpt = Annotated[Optional[float], typer.Option(help="plan.power", min=0.05, max=0.9999)]
OneSidedOpt = Annotated[bool, typer.Option("--one-sided", help="plan.one_sided")]
PilotRatersOpt = Annotated[Optional[int], typer.Option(metavar="N", help="plan.raters", min=2,
                                                       max=50)]
# --from-study: the pilot inter-rater study, read as dq reliability reads it
FromStudyOpt = Annotated[Optional[Path], typer.Option(
    "--from-study", help="plan.from_study", dir_okay=False)]
SpecOpt = Annotated[Optional[Path], typer.Option("--spec", "-s", dir_okay=False,
                                                 help="plan.spec")]
CaseOpt = Annotated[Optional[str], typer.Option(help="plan.case_column")]
RaterColOpt = Annotated[Optional[str], typer.Option(help="plan.rater_column")]
RaterColsOpt = Annotated[Optional[str], typer.Option(metavar="COLUMNS", help="plan.rater_columns")]
VariableOpt = Annotated[Optional[str], typer.Option(metavar="NAME", help="plan.variable")]


def _emit(plan: Any, fmt: PlanFormat, lang: Lang, output: Path | None,
          outputs: Any = None) -> None:
    from dq.render import plan as render

    if fmt is PlanFormat.json:
        text = render.to_json(plan)
    elif fmt is PlanFormat.markdown:
        text = render.markdown(plan, lang.value)
    else:
        text = render_terminal(lambda c: render.terminal(plan, c, lang.value), output, None)
    if outputs is not None:  # planned before the pilot was read
        commit(outputs, {"--output": text})
    else:
        write_output(text, output)


def _pilot(measure: str, path: Path, spec: Path | None, case: str | None, rater: str | None,
           rater_columns: str | None, variable: str | None, output: Path | None) -> Any:
    """(the pilot's planning values, the output plan checked against the pilot file)."""
    from dq import plan as P
    from dq import reliability as rel
    from dq.cli.inputs import load_spec, protected, scan_input
    from dq.outputs import Input

    sp = load_spec(spec)
    outputs = plan_outputs([Input(path, "the pilot study this command reads"), *protected(sp)],
                           output)
    source = scan_input(path)
    wide = [c.strip() for c in (rater_columns or "").split(",") if c.strip()]
    studies = rel.ratings(source, sp, case=case, rater=rater, raters=wide or None,
                          variables=[variable] if variable else None,
                          level="nominal" if measure == "kappa" else "interval")
    # the level of measurement of each variable the spec declares (type, or level = "…")
    levels = {name: rel.level_of(name, sp, None) for name in sp.variables}
    return P.pilot(studies, measure=measure, file=path.name, variable=variable,
                   levels=levels), outputs


def _taken(pilot: Any, measure: str, value: float) -> None:
    """The pilot's estimate must lie in (0, 1) for the planning formulas."""
    if not 0 < value < 1:
        raise ConfigError(Message("plan.pilot_out_of_range", file=pilot.file,
                                  statistic=pilot.statistic, value=value,
                                  variable=pilot.variable, measure=measure))


def _shares(text: str | None) -> list[float] | None:
    """--prevalence: one share, or one per category separated by commas or semicolons."""
    if text is None:
        return None
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    try:
        return [float(p) for p in parts]
    except ValueError:
        raise ConfigError(Message("plan.prevalence_text")) from None


@app.command("kappa", help="command.plan.kappa")
@handle_errors
def kappa(
    kappa: Annotated[Optional[float], typer.Option(
        "--kappa", help="plan.kappa.kappa")] = None,
    width: WidthOpt = None,
    n: NOpt = None,
    kappa0: Annotated[Optional[float], typer.Option(
        "--kappa0", help="plan.kappa.kappa0")] = None,
    power: PowerOpt = None,
    alpha: AlphaOpt = 0.05,
    prevalence: Annotated[Optional[str], typer.Option(help="plan.kappa.prevalence")] = None,
    categories: Annotated[Optional[int], typer.Option(
        metavar="N", help="plan.kappa.categories", min=2, max=50)] = None,
    raters: PilotRatersOpt = None,
    level: LevelOpt = 0.95,
    one_sided: OneSidedOpt = False,
    from_study: FromStudyOpt = None,
    spec: SpecOpt = None,
    case_column: CaseOpt = None,
    rater_column: RaterColOpt = None,
    rater_columns: RaterColsOpt = None,
    variable: VariableOpt = None,
    fmt: FormatOpt = PlanFormat.table,
    lang: LangOpt = Lang.nb,
    output: OutputOption = None,
) -> None:
    from dataclasses import replace

    from dq import plan as P

    shares = _shares(prevalence)
    pilot, outputs, taken = None, None, list[str]()
    if from_study is not None:
        pilot, outputs = _pilot("kappa", from_study, spec, case_column, rater_column,
                                rater_columns, variable, output)
        if kappa is None:
            _taken(pilot, "kappa", pilot.value)
            kappa, taken = pilot.value, [*taken, "kappa"]
        if shares is None and categories is None:
            shares, taken = list(pilot.shares), [*taken, "prevalence"]
        if raters is None:
            raters, taken = pilot.raters, [*taken, "raters"]
    if kappa is None:
        raise ConfigError(Message("plan.give_kappa"))
    raters = 2 if raters is None else raters
    if kappa0 is not None:
        if width is not None:
            raise ConfigError(Message("plan.width_or_null", null="--kappa0"))
        result = P.kappa_power(kappa, kappa0, power=power, n=n, alpha=alpha, prevalence=shares,
                               categories=categories, raters=raters, sided=1 if one_sided else 2)
    else:
        if power is not None:
            raise ConfigError(Message("plan.power_needs_kappa0"))
        result = P.kappa_width(kappa, width=width, n=n, prevalence=shares, categories=categories,
                               raters=raters, level=level)
    if pilot is not None:
        result = replace(result, pilot=replace(pilot, taken=tuple(taken)))
    _emit(result, fmt, lang, output, outputs)


@app.command("icc", help="command.plan.icc")
@handle_errors
def icc(
    icc: Annotated[Optional[float], typer.Option(
        "--icc", help="plan.icc.icc")] = None,
    raters: PilotRatersOpt = None,
    width: WidthOpt = None,
    n: NOpt = None,
    icc0: Annotated[Optional[float], typer.Option(
        "--icc0", help="plan.icc.icc0")] = None,
    power: PowerOpt = None,
    alpha: AlphaOpt = 0.05,
    level: LevelOpt = 0.95,
    one_sided: OneSidedOpt = False,
    from_study: FromStudyOpt = None,
    spec: SpecOpt = None,
    case_column: CaseOpt = None,
    rater_column: RaterColOpt = None,
    rater_columns: RaterColsOpt = None,
    variable: VariableOpt = None,
    fmt: FormatOpt = PlanFormat.table,
    lang: LangOpt = Lang.nb,
    output: OutputOption = None,
) -> None:
    from dataclasses import replace

    from dq import plan as P

    pilot, outputs, taken = None, None, list[str]()
    if from_study is not None:
        pilot, outputs = _pilot("icc", from_study, spec, case_column, rater_column,
                                rater_columns, variable, output)
        if icc is None:
            _taken(pilot, "icc", pilot.value)
            icc, taken = pilot.value, [*taken, "icc"]
        if raters is None:
            raters, taken = pilot.raters, [*taken, "raters"]
    if icc is None:
        raise ConfigError(Message("plan.give_icc"))
    raters = 2 if raters is None else raters
    if icc0 is not None:
        if width is not None:
            raise ConfigError(Message("plan.width_or_null", null="--icc0"))
        result = P.icc_power(icc, icc0, raters=raters, power=power, n=n, alpha=alpha,
                             sided=1 if one_sided else 2)
    else:
        if power is not None:
            raise ConfigError(Message("plan.power_needs_icc0"))
        result = P.icc_width(icc, raters=raters, width=width, n=n, level=level)
    if pilot is not None:
        result = replace(result, pilot=replace(pilot, taken=tuple(taken)))
    _emit(result, fmt, lang, output, outputs)


def _diagnostic(which: str, value: float, prevalence: float, width: float | None, n: int | None,
                method: Method, level: float, fmt: PlanFormat, lang: Lang,
                output: Path | None) -> None:
    from dq import plan as P

    result = P.diagnostic(value, prevalence, which=which, width=width, n=n, method=method.value,
                          level=level)
    _emit(result, fmt, lang, output)


DiagPrevOpt = Annotated[float, typer.Option(help="plan.prevalence")]
DiagMethodOpt = Annotated[Method, typer.Option(help="plan.method")]
DiagNOpt = Annotated[Optional[int], typer.Option("--n", help="plan.patients", min=2, max=10**9)]


@app.command("sensitivity", help="command.plan.sensitivity")
@handle_errors
def sensitivity(
    sensitivity: Annotated[float, typer.Option("--sensitivity",
                                               help="plan.sensitivity.sensitivity")],
    prevalence: DiagPrevOpt,
    width: WidthOpt = None,
    n: DiagNOpt = None,
    method: DiagMethodOpt = Method.wald,
    level: LevelOpt = 0.95,
    fmt: FormatOpt = PlanFormat.table,
    lang: LangOpt = Lang.nb,
    output: OutputOption = None,
) -> None:
    _diagnostic("sensitivity", sensitivity, prevalence, width, n, method, level, fmt, lang,
                output)


@app.command("specificity", help="command.plan.specificity")
@handle_errors
def specificity(
    specificity: Annotated[float, typer.Option("--specificity",
                                               help="plan.specificity.specificity")],
    prevalence: DiagPrevOpt,
    width: WidthOpt = None,
    n: DiagNOpt = None,
    method: DiagMethodOpt = Method.wald,
    level: LevelOpt = 0.95,
    fmt: FormatOpt = PlanFormat.table,
    lang: LangOpt = Lang.nb,
    output: OutputOption = None,
) -> None:
    _diagnostic("specificity", specificity, prevalence, width, n, method, level, fmt, lang,
                output)


@app.command("proportion", help="command.plan.proportion")
@handle_errors
def proportion(
    proportion: Annotated[float, typer.Option("--proportion", help="plan.proportion.proportion")],
    width: WidthOpt = None,
    n: NOpt = None,
    method: Annotated[Method, typer.Option(help="plan.proportion.method")] = Method.wilson,
    level: LevelOpt = 0.95,
    fmt: FormatOpt = PlanFormat.table,
    lang: LangOpt = Lang.nb,
    output: OutputOption = None,
) -> None:
    from dq import plan as P

    result = P.proportion(proportion, width=width, n=n, method=method.value, level=level)
    _emit(result, fmt, lang, output)


@app.command("difference", help="command.plan.difference")
@handle_errors
def difference(
    p1: Annotated[float, typer.Option("--p1", help="plan.difference.p1")],
    p2: Annotated[float, typer.Option("--p2", help="plan.difference.p2")],
    power: PowerOpt = None,
    n: Annotated[Optional[int], typer.Option(
        "--n", help="plan.difference.n", min=2, max=10**9)] = None,
    alpha: AlphaOpt = 0.05,
    one_sided: OneSidedOpt = False,
    continuity: Annotated[bool, typer.Option(
        "--continuity/--no-continuity", help="plan.difference.continuity")] = True,
    fmt: FormatOpt = PlanFormat.table,
    lang: LangOpt = Lang.nb,
    output: OutputOption = None,
) -> None:
    from dq import plan as P

    result = P.difference(p1, p2, power=power, n=n, alpha=alpha, sided=1 if one_sided else 2,
                          continuity=continuity)
    _emit(result, fmt, lang, output)
