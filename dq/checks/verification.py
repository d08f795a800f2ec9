"""Korrekthet inside the export (verification against internal knowledge, Kahn et al. 2016):
values outside codes or ranges, impossible date orders, dates after the export, duplicates,
national ID numbers by class, ICD-10 and NCSP code formats. Counts only — never values."""

from __future__ import annotations

from datetime import date

import polars as pl

from dq import fnr
from dq.checks.model import Check
from dq.conditions import typed, with_conditions
from dq.io import Source
from dq.spec import Spec

ICD10 = r"^[A-Z][0-9]{2}(\.?[0-9A-Z]{1,4})?$"  # e.g. S72.0, S720, S72.01
NCSP = r"^[A-Z]{3}[0-9]{2}[A-Z]?$"  # e.g. NFB49, NFJ92


def value_checks(completeness_rows: pl.DataFrame) -> list[Check]:
    """Registered values that are not allowed codes or lie outside min/max, per variable."""
    out = []
    nat = completeness_rows.filter(pl.col("level") == "national") if "level" in \
        completeness_rows.columns else completeness_rows
    sums = nat.group_by("variable", maintain_order=True).agg(pl.col("n_invalid", "n_valid").sum())
    for row in sums.iter_rows(named=True):
        registered = row["n_invalid"] + row["n_valid"]
        if registered == 0:
            continue
        out.append(Check.proportion(
            f"korrekthet.verdier.{row['variable']}", "korrekthet.verdier", row["n_invalid"],
            registered, default_warn=0.01, default_fail=0.05,
            params={"variable": row["variable"]}))
    return out


def export_checks(source: Source, spec: Spec, finished: pl.LazyFrame,
                  export_date: date | None) -> list[Check]:
    v = spec.verification
    checks: list[Check] = []
    schema = source.lf.collect_schema()
    exprs: dict[str, pl.Expr] = {"__n": pl.len()}
    conds = {f"__order{i}": (c, "[verification] date_order") for i, c in enumerate(v.date_order)}
    lf = with_conditions(finished, spec, source, conds) if conds else finished
    for i, cond in enumerate(v.date_order):
        cols = pl.sql_expr(cond).meta.root_names()
        known = pl.all_horizontal(pl.col(c).is_not_null() for c in cols)
        exprs[f"o{i}_bad"] = (known & ~pl.col(f"__order{i}")).sum()
        exprs[f"o{i}_n"] = known.sum()
    if export_date is not None:
        for col in v.no_future:
            when = typed(col, schema[col], spec, source)
            exprs[f"f_{col}_bad"] = (when > pl.lit(export_date)).sum()
            exprs[f"f_{col}_n"] = when.is_not_null().sum()
    for kind, codes, pattern in (("icd10", v.icd10, ICD10), ("ncsp", v.ncsp, NCSP)):
        for col in codes:
            text = pl.col(col).cast(pl.String).str.strip_chars().str.to_uppercase()
            exprs[f"c_{kind}_{col}_bad"] = (~text.str.contains(pattern)).fill_null(False).sum()
            exprs[f"c_{kind}_{col}_n"] = text.is_not_null().sum()
    if v.duplicate_keys:
        keys = list(v.duplicate_keys)
        exprs["dup_n"] = pl.len()
        dups = (lf.group_by(keys).agg(pl.len().alias("k")).filter(pl.col("k") > 1)
                .select((pl.col("k") - 1).sum().alias("extra"), pl.len().alias("groups")))
    counts = lf.select(**exprs).collect(engine="streaming").row(0, named=True)
    for i, cond in enumerate(v.date_order):
        checks.append(Check.proportion(
            f"korrekthet.datoer.{i + 1}", "korrekthet.datoer",
            counts[f"o{i}_bad"], counts[f"o{i}_n"], default_warn=0.0, default_fail=0.01,
            params={"condition": cond}))
    if export_date is not None:
        for col in v.no_future:
            checks.append(Check.proportion(
                f"korrekthet.framtid.{col}", "korrekthet.framtid",
                counts[f"f_{col}_bad"], counts[f"f_{col}_n"],
                default_warn=0.0, default_fail=0.01, params={"variable": col}))
    for kind, codes in (("icd10", v.icd10), ("ncsp", v.ncsp)):
        for col in codes:
            checks.append(Check.proportion(
                f"korrekthet.kodeformat.{col}", "korrekthet.kodeformat",
                counts[f"c_{kind}_{col}_bad"], counts[f"c_{kind}_{col}_n"], default_warn=0.0,
                default_fail=0.01, params={"variable": col, "system": kind.upper()}))
    if v.duplicate_keys:
        dup = dups.collect(engine="streaming").row(0, named=True)
        extra = int(dup["extra"] or 0)
        checks.append(Check.proportion(
            "korrekthet.duplikater", "korrekthet.duplikater", extra, counts["dup_n"],
            default_warn=0.0, default_fail=0.01, variant="groups",
            params={"keys": list(v.duplicate_keys), "extra": extra,
                    "groups": int(dup["groups"] or 0)}))
    if v.national_id:
        classes = fnr.counts(finished, v.national_id)
        present = sum(n for c, n in classes.items() if c not in ("tom", "kontroll_2032"))
        invalid = classes["ugyldig_format"] + classes["ugyldig_dato"] + \
            classes["ugyldig_kontrollsiffer"]
        checks.append(Check.proportion(
            "korrekthet.fodselsnummer", "korrekthet.fodselsnummer", invalid, present,
            default_warn=0.0, default_fail=0.01, variant="classes",
            params={"variable": v.national_id, "classes": classes}))
    return checks
