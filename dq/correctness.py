"""Correctness against a gold standard (the medical record) — the Korrekthet dimension.

domain.md: correct information per variable = correct registrations / all registrations, for
continuous variables also the size of the deviation, and for binary variables sensitivity,
specificity, PPV and NPV with the record as truth; variables below the threshold are "problem
variables"; correct patients = true positives / registered.

Input is Rapporteket's valideringsdatasett (rapwhale ``er_valideringsdatasett_gyldig``): one row
per patient × variable, ``vld_varnamn``, ``vld_vartype`` (free text such as "tal", "dato",
"logisk", "tekst"), and for every type x the pair ``vld_verdi_intern_x`` (the registry) and
``vld_verdi_ekstern_x`` (the record); other columns identify the patient and unit. A wide file
with paired columns is turned into that shape first.

A pair is correct when both values are missing, when they are equal (text, codes), or when they
differ by at most the variable's ``tolerance`` (numbers; days for dates). Every share has a Wilson
95 % CI. Values are compared as the registry wrote them, not as the file typed them: 2, 2.0 and
" 2" agree; 1.0 is "yes" like 1. A value that cannot be read as the variable's kind (text in a
number, an impossible date, "kanskje" in a yes/no variable, an infinite number) makes its pair
disagree and is counted in a warning, never shown. Sensitivity, specificity, PPV and NPV with a
zero denominator are null, and a warning says which and why.

Weighted studies (``weights``: a column with each record's sampling weight, as ``dq sample``
writes it). A study drawn with unequal probabilities (oversampled records with a missing value,
Neyman or equal allocation across units of different size) estimates the export's shares only
when each record counts with its weight w_i = N_h / n_h. Every share (correct, sensitivity,
specificity, PPV, NPV, correct patients) is then the ratio (Hájek) estimator
p̂_w = Σ w_i y_i / Σ w_i — the Horvitz–Thompson estimates of the numerator and of the
denominator (Horvitz & Thompson 1952, JASA 47:663–685, doi:10.1080/01621459.1952.10483446;
Särndal, Swensson & Wretman 1992, Model Assisted Survey Sampling, §5.7). Its interval is the
Wilson (or Clopper–Pearson) interval computed at Kish's effective sample size
n_eff = (Σ w_i)² / Σ w_i² (Kish 1992, J Off Stat 8:183–200: the design effect of unequal
weights, deff = n Σw² / (Σw)²), with x = p̂_w · n_eff — the effective-sample-size approach of
Korn & Graubard 1998 (Survey Methodology 24:193–201), with Kish's design effect in place of an
estimated one. With equal weights n_eff = n and x = the count: the unweighted result exactly.
The weighted numerator and denominator (estimated records of the export) and n_eff are added as
``weighted_correct``, ``weighted_n`` and ``n_effective``; ``n`` and ``n_correct`` stay the
records of the study.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from dq._callable import make_callable
from dq.errors import InputError
from dq.io import Source
from dq.io.sniff import safe_name
from dq.io.values import as_date, as_text, number
from dq.messages import Message
from dq.spec import Spec, Thresholds
from dq.stats import with_ci

_PREFIX_INT, _PREFIX_EXT = "vld_verdi_intern_", "vld_verdi_ekstern_"
_TRUE = {"1", "true", "ja", "yes", "sann", "j", "y"}
_FALSE = {"0", "false", "nei", "no", "usann", "n"}


@dataclass(frozen=True)
class CorrectnessResult:
    rows: pl.DataFrame
    patients: pl.DataFrame | None  # correct patients, when the study says which belong
    keys: list[str]
    warnings: list[str]
    period: str | None = None  # the years the study drew from ([correctness] period)

    @property
    def failed(self) -> bool:
        return bool((self.rows["status"] == "fail").any())


def _kind(vartype: str, values: pl.Series, spec_type: str | None) -> str:
    """numeric, date, binary or text — from the spec, else the vld_vartype, else the values."""
    if spec_type in ("integer", "decimal"):
        return "numeric"
    if spec_type in ("date", "datetime"):
        return "date"
    t = vartype.lower()
    if t.startswith(("tal", "num", "int", "dec", "double", "heiltal", "float")):
        return "numeric"
    if t.startswith("dato") or t.startswith("date"):
        return "date"
    if t.startswith(("logisk", "bool", "binær", "binary")):
        return "binary"
    seen = {_bool_text(str(v)) for v in values.drop_nulls().to_list()}
    if seen and seen <= (_TRUE | _FALSE) and len(seen) <= 2:
        return "binary"
    return "text"


def wide_to_long(source: Source, pairs: list[tuple[str, str]], id_cols: list[str]) -> pl.DataFrame:
    schema = source.lf.collect_schema()
    missing = [c for pair in pairs for c in pair if c not in schema] + \
        [c for c in id_cols if c not in schema]
    if missing:
        raise InputError(Message("correctness.columns_missing", file=source.info.path,
                                 n=len(missing), columns=", ".join(map(repr, missing)),
                                 found=", ".join(list(schema)[:30])))
    df = source.lf.collect()
    # As text the way the registry wrote them: an integer column and a float column of the same
    # codes (2 and 2.0) must agree.
    frames = [df.select(*id_cols, pl.lit(reg).alias("vld_varnamn"), pl.lit("auto").alias("vld_vartype"),
                        as_text(pl.col(reg), df.schema[reg]).alias(_PREFIX_INT + "auto"),
                        as_text(pl.col(rec), df.schema[rec]).alias(_PREFIX_EXT + "auto"))
              for reg, rec in pairs]
    return pl.concat(frames)


# A variable name as a valideringsdatasett writes it, where no codebook declares every variable:
# a letter, then letters, digits and "_" (MRS and OQR write names such as "ASA" or
# "Operasjonsdato"), never a number, a space or a sign.
_NAME_SHAPE = r"^[A-Za-z][A-Za-z0-9_]{0,63}$"


def _known_variables(df: pl.DataFrame, spec: Spec, columns: list[str] | None = None
                     ) -> tuple[pl.DataFrame, tuple[int, int] | None]:
    """The study's rows whose vld_varnamn may be printed as a variable: a variable of the spec
    or a column of the export (``columns``, when known); unless a codebook declares every
    variable, also a name shaped as one. Any other cell of vld_varnamn is row data (a typing
    slip, a name, a number) and is never shown: its rows are left out and (rows, names)
    counted. Rows of a wide file (named by its columns) stay."""
    name = pl.col("vld_varnamn").cast(pl.String)
    wide = pl.col("vld_vartype").cast(pl.String) == "auto"
    shown = name.is_in([*spec.variables, *(columns or [])])
    if spec.dataset.codebook is None:
        shown = shown | name.str.contains(_NAME_SHAPE)
    keep = (wide | shown).fill_null(False)
    dropped = df.filter(~keep)
    if dropped.is_empty():
        return df, None
    return df.filter(keep), (dropped.height, dropped["vld_varnamn"].n_unique())


def read_long(source: Source) -> pl.DataFrame:
    df = source.lf.collect()
    for col in ("vld_varnamn", "vld_vartype"):
        if col not in df.columns:
            raise InputError(Message("correctness.not_long", file=source.info.path, column=col))
    # A type is named only by its columns (vld_verdi_intern_<type>): a vld_vartype cell with no
    # such columns may hold anything, so it is counted and placed by row, never shown.
    have = {c.removeprefix(_PREFIX_INT) for c in df.columns if c.startswith(_PREFIX_INT)} & \
        {c.removeprefix(_PREFIX_EXT) for c in df.columns if c.startswith(_PREFIX_EXT)}
    lacking = df.select(pl.col("vld_vartype").cast(pl.String).is_in(list(have)).not_()
                        .fill_null(False).arg_true()).to_series()
    if len(lacking):
        raise InputError(Message("correctness.type_columns", file=source.info.path,
                                 n=len(lacking), row=int(lacking[0]) + 1,
                                 types=", ".join(sorted(have)) or "—"))
    bad = [c for c in df.columns if c.startswith("vld_") and c not in ("vld_varnamn", "vld_vartype")
           and not re.match(r"vld_verdi_(intern|ekstern)_\w+$", c)]
    if bad:
        raise InputError(Message("correctness.reserved_prefix", file=source.info.path,
                                 n=len(bad), columns=", ".join(bad)))
    return df


def check_weights(df: pl.DataFrame, column: str, file: str | Message = "") -> pl.DataFrame:
    """The study with ``column`` as a Float64 column ``__w``: every weight a finite number
    ≥ 1 (a sampling weight N_h/n_h is never below 1); otherwise an InputError that counts the
    bad values without showing them."""
    if column not in df.columns:
        raise InputError(Message("correctness.no_weight_column", file=file, column=column,
                                 found=", ".join(df.columns)))
    w = number(pl.col(column), df.schema[column])
    bad = df.select((w.is_null() | ~w.is_finite()).sum().alias("unread"),
                    (w.is_finite() & (w < 1)).sum().alias("small")).row(0, named=True)
    if bad["unread"] or bad["small"]:
        raise InputError(Message("correctness.bad_weights", file=file, column=column,
                                 unread=Message("correctness.values", n=bad["unread"]),
                                 small=bad["small"]))
    return df.with_columns(w.cast(pl.Float64).alias("__w"))


def _weighted_ci(rows: pl.DataFrame, w_x: str, w_n: str, w2_n: str, *, estimate: str, low: str,
                 high: str, method: str) -> pl.DataFrame:
    """p̂_w = w_x / w_n with the interval at Kish's n_eff = w_n² / w2_n (module docstring)."""
    n_eff = pl.when(pl.col(w2_n) > 0).then(pl.col(w_n) ** 2 / pl.col(w2_n))
    rows = rows.with_columns(n_eff.alias("__neff")).with_columns(
        (pl.col(w_x) / pl.col(w_n) * pl.col("__neff")).alias("__x"))
    return with_ci(rows, "__x", "__neff", estimate=estimate, low=low, high=high,
                   method=method).drop("__x", "__neff")


def compute(df: pl.DataFrame, spec: Spec, *, unit: str | None, thresholds: Thresholds,
            patient: str | None = None, belongs: str | None = None,
            ci_method: str = "wilson", weights: str | None = None,
            file: object = None, columns: list[str] | None = None) -> CorrectnessResult:
    """Per variable (and unit, when ``unit`` names a column): share correct and its companions;
    weighted by the sampling weights in column ``weights`` when given (module docstring).
    ``file``: the study's file (or database source), named in errors; ``columns``: the
    export's columns, names a vld_varnamn may be shown as."""
    warnings: list[str] = []
    study_name: str | Message = (Message("correctness.the_study") if file is None else
                                 safe_name(file.name if isinstance(file, Path) else file))
    if weights:
        df = check_weights(df, weights, study_name)
    keys = ["unit"] if unit else []
    # Unit values as they may be printed: in the unit table (by id or name), or a plain id.
    from dq.units import load, public

    known = load(spec.units).known() if unit and spec.units is not None else None
    df, left_out = _known_variables(df, spec, columns)
    if left_out:
        warnings.append(Message("correctness.unknown_variables", n=left_out[0],
                                names=left_out[1], file=study_name))
    if unit and unit not in df.columns:
        raise InputError(Message("correctness.no_unit_column", file=study_name, column=unit,
                                 found=", ".join(c for c in df.columns if not c.startswith("__"))))
    frames = []
    for (name, vtype), part in df.group_by("vld_varnamn", "vld_vartype", maintain_order=True):
        name, vtype = str(name), str(vtype)
        col_int, col_ext = _PREFIX_INT + vtype, _PREFIX_EXT + vtype
        intern, extern = pl.col(col_int), pl.col(col_ext)
        var = spec.variables.get(name)
        sch = part.schema
        seen = pl.concat([part.select(as_text(intern, sch[col_int]).alias("v")),
                          part.select(as_text(extern, sch[col_ext]).alias("v"))])["v"]
        kind = _kind(vtype, seen, var.type if var else None)
        tol = (var.tolerance if var and var.tolerance is not None else 0.0)
        both_missing = intern.is_null() & extern.is_null()
        one_missing = intern.is_null() ^ extern.is_null()
        dev = None
        if kind == "numeric":
            a, b = _finite(number(intern, sch[col_int])), _finite(number(extern, sch[col_ext]))
            dev = a - b
            equal = dev.abs() <= tol + 1e-9
        elif kind == "date":
            a, b = as_date(intern, sch[col_int]), as_date(extern, sch[col_ext])
            dev = (a - b).dt.total_days().cast(pl.Float64)
            equal = dev.abs() <= tol
        elif kind == "binary":
            a, b = _truth(intern), _truth(extern)
            equal = a == b
        else:
            a, b = as_text(intern, sch[col_int]), as_text(extern, sch[col_ext])
            equal = a == b
        unread = part.select((intern.is_not_null() & a.is_null()).sum().alias("int"),
                             (extern.is_not_null() & b.is_null()).sum().alias("ext")).row(0)
        if any(unread):
            what = kind if kind in ("numeric", "date", "binary") else "text"
            warnings.append(Message("correctness.unreadable", variable=name,
                                    what=Message(f"correctness.what.{what}"),
                                    registry=int(unread[0]), record=int(unread[1])))
        correct = both_missing | (~one_missing & equal.fill_null(False))
        cols = [correct.alias("__correct"), *([pl.col("__w")] if weights else [])]
        if dev is not None:
            cols.append(pl.when(~one_missing).then(dev).alias("__dev"))
        if kind == "binary":
            cols += [a.alias("__reg"), b.alias("__rec")]
        key_cols = [public(pl.col(unit).cast(pl.String).str.strip_chars(), known).alias("unit")
                    ] if unit else []
        evaluated = part.select(*key_cols, *cols)
        agg = [pl.len().alias("n"), pl.col("__correct").sum().alias("n_correct")]
        if dev is not None:
            agg += [pl.col("__dev").mean().alias("mean_deviation"),
                    pl.col("__dev").abs().mean().alias("mean_abs_deviation"),
                    pl.col("__dev").abs().max().alias("max_abs_deviation")]
        if kind == "binary":
            reg, rec = pl.col("__reg"), pl.col("__rec")
            cells = {"tp": reg & rec, "fp": reg & ~rec, "fn": ~reg & rec, "tn": ~reg & ~rec}
            agg += [cell.sum().alias(name) for name, cell in cells.items()]
            if weights:
                w = pl.col("__w")
                agg += [(w * cell).sum().alias(f"w_{name}") for name, cell in cells.items()]
                agg += [(w * w * cell).sum().alias(f"w2_{name}") for name, cell in cells.items()]
        if weights:
            w = pl.col("__w")
            agg += [w.sum().alias("weighted_n"), (w * pl.col("__correct")).sum()
                    .alias("weighted_correct"), (w * w).sum().alias("__w2")]
        levels = [evaluated.group_by("unit").agg(agg).with_columns(level=pl.lit("unit"))] if unit else []
        national = evaluated.select(agg)
        if kind == "binary":
            warnings += _undefined_2x2(name, national.row(0, named=True))
        levels.append(national.with_columns(level=pl.lit("national")))
        out = pl.concat(levels, how="diagonal_relaxed").with_columns(
            variable=pl.lit(name), type=pl.lit(kind), tolerance=pl.lit(tol if kind in ("numeric", "date") else None, pl.Float64))
        frames.append(out)
    if not frames:
        raise InputError(Message("correctness.study_empty", file=study_name))
    rows = pl.concat(frames, how="diagonal_relaxed")
    # A study without a binary (or a numeric) variable has none of their columns: null, as for
    # the rows of the other kinds in a mixed study.
    for col in ("tp", "fp", "fn", "tn"):
        if col not in rows.columns:
            rows = rows.with_columns(pl.lit(None, pl.UInt32).alias(col))
    for col in (f"{w}_{c}" for w in ("w", "w2") for c in ("tp", "fp", "fn", "tn")):
        if weights and col not in rows.columns:
            rows = rows.with_columns(pl.lit(None, pl.Float64).alias(col))
    for col in ("mean_deviation", "mean_abs_deviation", "max_abs_deviation"):
        if col not in rows.columns:
            rows = rows.with_columns(pl.lit(None, pl.Float64).alias(col))
    rows = rows.with_columns(pl.col("n", "n_correct", "tp", "fp", "fn", "tn").cast(pl.Int64))
    figures = (("sensitivity", "tp", "fn"), ("specificity", "tn", "fp"), ("ppv", "tp", "fp"),
               ("npv", "tn", "fn"))
    if weights:
        rows = _weighted_ci(rows, "weighted_correct", "weighted_n", "__w2",
                            estimate="share_correct", low="ci_low", high="ci_high",
                            method=ci_method)
        rows = rows.with_columns((pl.col("weighted_n") ** 2 / pl.col("__w2"))
                                 .alias("n_effective"))
        for name, x, y in figures:
            w_x, w_y = pl.col(f"w_{x}").fill_null(0), pl.col(f"w_{y}").fill_null(0)
            w2 = pl.col(f"w2_{x}").fill_null(0) + pl.col(f"w2_{y}").fill_null(0)
            rows = _weighted_ci(rows.with_columns((w_x + w_y).alias("__den"), w2.alias("__den2"),
                                                  w_x.alias("__num")),
                                "__num", "__den", "__den2", estimate=name, low=f"{name}_ci_low",
                                high=f"{name}_ci_high", method=ci_method
                                ).drop("__den", "__den2", "__num")
    else:
        rows = with_ci(rows, "n_correct", "n", estimate="share_correct", method=ci_method)
        for name, x, y in figures:
            rows = with_ci(rows.with_columns((pl.col(x) + pl.col(y)).alias("__den")), x, "__den",
                           estimate=name, low=f"{name}_ci_low", high=f"{name}_ci_high",
                           method=ci_method).drop("__den")
    rows = rows.with_columns(
        pl.lit(thresholds.warn_below, pl.Float64).alias("warn_below"),
        pl.lit(thresholds.fail_below, pl.Float64).alias("fail_below"))
    share = pl.col("share_correct")
    rows = rows.with_columns(
        pl.when(share.is_null()).then(pl.lit("not_assessed"))
        .when(share < pl.col("fail_below")).then(pl.lit("fail"))
        .when(share < pl.col("warn_below")).then(pl.lit("warn"))
        .otherwise(pl.lit("pass")).alias("status"),
        (share < pl.col("warn_below")).fill_null(False).alias("problem_variable"))
    level_rank = pl.col("level").replace_strict({"unit": 0, "national": 1}, return_dtype=pl.Int8)
    rows = rows.sort(["variable", "type", level_rank, *([pl.col("unit")] if unit else [])],
                     nulls_last=True, maintain_order=True)
    rows = rows.select("variable", "type", "level", *(["unit"] if unit else []), "n", "n_correct",
                       *(["weighted_n", "weighted_correct", "n_effective"] if weights else []),
                       "share_correct", "ci_low", "ci_high", "tolerance", "mean_deviation",
                       "mean_abs_deviation", "max_abs_deviation", "tp", "fp", "fn", "tn",
                       "sensitivity", "sensitivity_ci_low", "sensitivity_ci_high", "specificity",
                       "specificity_ci_low", "specificity_ci_high", "ppv", "ppv_ci_low",
                       "ppv_ci_high", "npv", "npv_ci_low", "npv_ci_high", "warn_below",
                       "fail_below", "problem_variable", "status")
    patients = None
    if belongs:
        if belongs not in df.columns or not patient or patient not in df.columns:
            found = ", ".join(c for c in df.columns if not c.startswith(("vld_", "__")))
            absent = [repr(c) for c in (patient, belongs) if c and c not in df.columns]
            problem = (Message("correctness.patient_unnamed") if not patient else
                       Message("correctness.columns_absent", columns=absent, found=found))
            raise InputError(Message("correctness.patient_columns", file=study_name,
                                     belongs=belongs, problem=problem))
        per = df.group_by(patient, maintain_order=True).agg(
            _truth(pl.col(belongs)).first().alias("belongs"),
            *([pl.col("__w").first()] if weights else []),
            _truth(pl.col(belongs)).drop_nulls().n_unique().alias("__answers"))
        conflicting = int((per["__answers"] > 1).sum())
        if conflicting:
            warnings.append(Message("correctness.conflicting", n=conflicting, column=belongs))
        per = per.drop("__answers")
        unknown = per["belongs"].null_count()
        if unknown:
            warnings.append(Message("correctness.belongs_unknown", n=unknown, column=belongs))
        per = per.drop_nulls("belongs")
        counts = per.select(pl.len().alias("n_registered"),
                            pl.col("belongs").sum().cast(pl.Int64).alias("n_true_positive"))
        if weights:  # a patient's weight: that of its first row (one record, one weight)
            w = pl.col("__w")
            counts = pl.concat([counts, per.select(
                w.sum().alias("weighted_registered"),
                (w * pl.col("belongs")).sum().alias("weighted_true_positive"),
                (w * w).sum().alias("__w2"))], how="horizontal")
            patients = _weighted_ci(counts, "weighted_true_positive", "weighted_registered",
                                    "__w2", estimate="correct_patients", low="ci_low",
                                    high="ci_high", method=ci_method).drop("__w2")
        else:
            patients = with_ci(counts, "n_true_positive", "n_registered",
                               estimate="correct_patients", method=ci_method)
    return CorrectnessResult(rows, patients, ["level", *keys], warnings)


def _bool_text(value: str) -> str:
    """Lower-case text of a yes/no value; 1.0 and 0,0 (a float column) are 1 and 0."""
    text = value.strip().lower()
    return re.sub(r"^([01])[.,]0+$", r"\1", text)


def _truth(expr: pl.Expr) -> pl.Expr:
    text = (expr.cast(pl.String).str.strip_chars().str.to_lowercase()
            .str.replace(r"^([01])[.,]0+$", "${1}"))
    return (pl.when(text.is_in(list(_TRUE))).then(True)
            .when(text.is_in(list(_FALSE))).then(False).otherwise(None))


def _finite(expr: pl.Expr) -> pl.Expr:
    """Null where the number is NaN or infinite ("inf", 1e400): not a measurement."""
    return pl.when(expr.is_finite()).then(expr)


_DENOMINATORS = (("sensitivity", ("tp", "fn")), ("specificity", ("tn", "fp")),
                 ("ppv", ("tp", "fp")), ("npv", ("tn", "fn")))


def _undefined_2x2(name: str, counts: dict[str, int | None]) -> list[str]:
    """Warnings for the 2 × 2 figures of a binary variable whose denominator is 0."""
    out: list[str] = []
    for figure, (x, y) in _DENOMINATORS:  # why: no positive/negative in the record/registry
        if not (counts.get(x) or 0) + (counts.get(y) or 0):
            out.append(Message("correctness.undefined", variable=name,
                               figure=Message(f"correctness.figure.{figure}"),
                               why=Message(f"correctness.why.{figure}")))
    return out


def study(source: Source, spec: Spec, *, pairs: list[tuple[str, str]] | None = None,
          ids: list[str] | None = None) -> pl.DataFrame:
    """The validation study in long form: Rapporteket's valideringsdatasett as it is, or a wide
    file with ``pairs`` of (registry column, record column), keeping the ``ids`` columns."""
    if pairs:
        return wide_to_long(source, pairs, list(ids or []))
    return read_long(source)


def to_json(result: CorrectnessResult, infos: list, spec: Spec) -> str:  # noqa: ANN001
    """What ``dq correctness --format json`` writes."""
    from dq.render import envelope

    return envelope.dumps(envelope.envelope("correctness", infos, spec, result.rows,
                                            period=result.period,
                                            correct_patients=result.patients,
                                            warnings=result.warnings))


make_callable(__name__)  # dq.correctness(...) calls dq.api.correctness

