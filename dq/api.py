"""dq as a library, for notebooks and other tools: the commands as functions.

Each function takes what the command takes — ``data`` as a path, a ``pl.DataFrame`` or a
``pl.LazyFrame`` — and returns a frozen ``Result`` whose ``rows`` are a ``pl.DataFrame`` and whose
``to_json()`` is exactly what the command writes with ``--format json``. Nothing prints, nothing
exits: errors are ``dq.errors.DQError`` (``ConfigError`` for the spec and arguments,
``InputError`` for the data). The command-line interface calls the same builders.

    import dq
    spec = dq.load_spec("examples/hoftebrudd/dq.toml")
    r = dq.report(spec, year=2023)
    r.rows.filter(pl.col("status") == "fail")
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from dq.errors import ConfigError, DQError, InputError
from dq.messages import Message
from dq.spec import Location, Spec, study_period

Data = str | Path | pl.DataFrame | pl.LazyFrame
F = TypeVar("F", bound=Callable[..., Any])


def _in_dq_words(func: F) -> F:
    """An error the data engine raises while reading the data becomes a dq.errors.InputError in
    dq's own words, as on the command line: the engine's text quotes rows (names, national ID
    numbers) and is never passed on; a CSV whose quoting breaks is named by line number."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from dq.outputs import reset_context

        reset_context()
        try:
            return func(*args, **kwargs)
        except DQError:
            raise
        except Exception as exc:
            if not (type(exc).__module__.startswith("polars")
                    or type(exc).__name__ == "PanicException"):
                raise
            from dq.cli._common import engine_error

            reworded = engine_error(exc)
            if reworded is None:
                raise
            raise InputError(reworded[0]) from None
        finally:
            reset_context()

    return wrapper  # type: ignore[return-value]


@dataclass(frozen=True)
class Result:
    """One command's result: ``rows`` (the JSON ``results`` as a frame), ``detail`` (the
    computation's own result object, e.g. ``CompletenessResult`` or the published ``Report``)."""

    command: str
    rows: pl.DataFrame
    detail: Any
    _json: Callable[[], str]

    def to_json(self) -> str:
        """Exactly what ``dq <command> --format json`` writes."""
        return self._json()

    @property
    def failed(self) -> bool:
        return bool(getattr(self.detail, "failed", False))


def load_spec(path: str | Path | None = None) -> Spec:
    """The registry spec (``dq.toml``), validated whole; None gives an empty spec."""
    from dq import spec as spec_mod

    return spec_mod.load(path) if path is not None else spec_mod.empty()


def _spec(spec: Spec | str | Path | None) -> Spec:
    return spec if isinstance(spec, Spec) else load_spec(spec)


def source(data: Data | Location | None, spec: Spec) -> Any:  # -> dq.io.Source
    """A path (or the spec's ``[dataset] files`` when None), or a frame, as dq's input."""
    from dq.cli.inputs import open_data
    from dq.io.readers import Source, SourceInfo, _detect_date_formats, _detect_numeric

    from dq.io.database import DatabaseSource

    if data is None or isinstance(data, str | Path):
        paths = [] if data is None else [Path(data)]
        return open_data(paths, replace(spec, variables={}), fmt=None, encoding=None,
                         separator=None)
    if isinstance(data, DatabaseSource):  # a reference or study the spec names in a database
        return open_data([], replace(spec, variables={}), fmt=None, encoding=None,
                         separator=None, database=data)
    if not isinstance(data, pl.DataFrame | pl.LazyFrame):
        raise ConfigError(Message("api.data_type", type=type(data).__name__))
    df = data.collect() if isinstance(data, pl.LazyFrame) else data
    # A frame has no file: its sha256 is that of its Arrow IPC serialisation.
    digest: Future[str] = Future()
    digest.set_result(hashlib.sha256(df.serialize(format="binary")).hexdigest())
    text = df.select(pl.col(pl.String)).head(10_000)
    info = SourceInfo(path=Path("<data frame>"), format="frame", rows=df.height,
                      columns=df.columns, date_formats=_detect_date_formats(text),
                      numeric_columns=_detect_numeric(text), _sha=digest)
    src = Source(df.lazy(), [info])
    if spec.path is not None:
        spec.check_columns(src.columns, "the data frame")
        spec.check_dates(src)
    return src


def _units(spec: Spec) -> Any:
    from dq import units as units_mod

    return units_mod.load(spec.units) if spec.units is not None else None


@_in_dq_words
def completeness(data: Data | None = None, spec: Spec | str | Path | None = None,
                 by: str | list[str] | None = None, *, fail_under: float | None = None,
                 min_n: int | None = None, ci: str = "wilson") -> Result:
    """Variable completeness per variable (and unit, year, … with ``by``)."""
    from dq import completeness as comp
    from dq.grouping import parse_by, resolve

    sp = _spec(spec)
    src = source(data, sp)
    units = _units(sp)
    keys = parse_by(by) if isinstance(by, str) or by is None else list(by)
    grouping = resolve(keys, sp, src, has_units=units is not None)
    result = comp.compute(src, sp, grouping, units=units, fail_under=fail_under, min_n=min_n,
                          ci_method=ci)
    return Result("completeness", result.rows, result,
                  lambda: comp.to_json(result, src.infos, sp))


@_in_dq_words
def coverage(data: Data | None = None, reference: Data | list[Data] | None = None,
             spec: Spec | str | Path | None = None, by: str | list[str] = "unit", *,
             mode: str | None = None, suppress: int | None = None, **options: Any) -> Result:
    """Dekningsgrad against one or more references (``dq coverage``): aggregate or linkage,
    ``by`` unit, hf, rhf and/or year; ``options`` as the command's (window, same_unit, target,
    fail_on, count, min_n, ci_method, person, unit, date, n, year)."""
    from dq import coverage as cov
    from dq.grouping import parse_by

    sp = _spec(spec)
    src = source(data, sp)
    refs = reference if isinstance(reference, list) else \
        ([reference] if reference is not None else list(sp.coverage.references))
    if not refs:
        raise ConfigError(Message("api.no_reference"))
    references = [source(r, load_spec()) for r in refs]
    units = _units(sp)
    keys = tuple(parse_by(by) if isinstance(by, str) else by)
    reg, ref, opts = cov.setup(sp, mode=mode, keys=keys, **options)
    result = cov.compute(src, references, sp, units, reg, ref, opts)
    result, machine = cov.published(result, suppress, units is not None)
    return Result("coverage", machine, result,
                  lambda: cov.to_json(result, machine, [src, *references], sp, suppress))


@_in_dq_words
def reliability(ratings: Data, spec: Spec | str | Path | None = None, *,
                case: str | None = None, rater: str | None = None,
                raters: list[str] | None = None, table: bool = False,
                variables: list[str] | None = None, level: str | None = None,
                categories: list[str] | None = None, bootstrap: int | None = None,
                seed: int | None = None, level_of_confidence: float = 0.95,
                interval: str = "t", population_size: int | None = None,
                weights: str | None = None, icc_null: float = 0.0) -> Result:
    """Inter-rater agreement (``dq reliability``): the study long (``case``, ``rater``), wide
    (``raters``) or as a contingency table (``table``); bootstraps are seeded (default 0).
    The options are the command's: ``level_of_confidence`` of every interval, ``interval``
    ``"t"`` (Student's t with n − 1 df, as irrCAC) or ``"z"``, ``population_size`` (the
    finite-population factor 1 − n/N), ``weights`` (irrCAC's: identity, linear, quadratic,
    ordinal, radical, ratio, circular, bipolar), ``icc_null`` (ρ₀ of the ICC F tests).
    Warnings are ``dq.messages.Message`` values: ``dq.messages.localise(w, "nb")``."""
    from dq import reliability as rel

    sp = _spec(spec)
    src = source(ratings, load_spec())
    if bootstrap is not None and not 100 <= bootstrap <= 100_000:
        raise ConfigError(Message("api.bootstrap", value=bootstrap, most=100_000))
    if seed is not None and not 0 <= seed < 2**32:
        raise ConfigError(Message("api.seed", value=seed))
    if bootstrap is not None and seed is None:
        seed = 0
    studies = rel.ratings(src, sp, case=case, rater=rater, raters=raters, table=table,
                          variables=variables, level=level, categories=categories)
    result = rel.compute(studies, sp.reliability.thresholds, bootstrap=bootstrap, seed=seed,
                         level=level_of_confidence, distribution=interval,
                         population=population_size, weights=weights, icc_null=icc_null)
    result = replace(result, period=study_period(ratings, sp.reliability.study,
                                                 sp.reliability.period))
    return Result("reliability", result.rows, result,
                  lambda: rel.to_json(result, src.infos, sp, bootstrap, seed))


@_in_dq_words
def correctness(study: Data, spec: Spec | str | Path | None = None, *,
                by_unit: bool = False, pairs: list[tuple[str, str]] | None = None,
                unit: str | None = None, patient: str | None = None,
                belongs: str | None = None, ci: str = "wilson") -> Result:
    """Agreement with the medical record (``dq correctness``): Rapporteket's
    valideringsdatasett, or a wide file with ``pairs`` of (registry, record) columns."""
    from dq import correctness as corr

    sp = _spec(spec)
    cs = sp.correctness
    src = source(study, load_spec())
    unit_col, patient_col = unit or cs.unit, patient or cs.patient
    ids = [c for c in (patient_col, unit_col, belongs or cs.belongs) if c]
    df = corr.study(src, sp, pairs=pairs, ids=ids)
    result = corr.compute(df, sp, unit=unit_col if by_unit else None,
                          thresholds=cs.thresholds, patient=patient_col,
                          belongs=belongs or cs.belongs, ci_method=ci, file=src.info.path)
    result = replace(result, period=study_period(study, cs.study, cs.period))
    return Result("correctness", result.rows, result, lambda: corr.to_json(result, src.infos, sp))


@_in_dq_words
def report(spec: Spec | str | Path, data: Data | None = None, year: int | str | None = None,
           suppress: int | None = None) -> Result:
    """Every configured check by the six dimensions (``dq report``); ``year``: the report
    year (default the latest with a finished record), ``"all"`` pools the years;
    ``suppress``: hide unit counts below N (as the command does for JSON)."""
    from dq import report as rep
    from dq.publish import publish
    from dq.render import report as render

    sp = _spec(spec)
    src = source(data, sp)
    studies = rep.open_studies(sp)
    result = rep.run(sp, src, _units(sp), year=year, **studies)
    shown = publish(result, suppress)
    return Result("report", shown.checks, shown, lambda: render.json_dumps(render.to_json(shown)))


@_in_dq_words
def compare(before: str | Path, after: str | Path, suppress: int | None = None) -> Result:
    """Two stored ``dq report`` results compared check by check (``dq compare``)."""
    from dq import compare as cmp

    b, a = cmp.load_result(Path(before)), cmp.load_result(Path(after))
    df, warnings, n = cmp.run(b, a, suppress)
    shown = df.drop(cmp.INTERNAL)
    return Result("compare", shown, df,
                  lambda: cmp.to_json(df, b, a, Path(before), Path(after), warnings, n))


__all__ = ["Result", "compare", "completeness", "correctness", "coverage", "load_spec",
           "reliability", "report", "source"]
