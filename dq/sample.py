"""Which records a data-quality study pulls: a reproducible, seeded, optionally stratified random
sample of the export (after ``[dataset] finished`` and an optional filter).

Reproducible on every machine and Polars version: a record's place in the draw is a keyed hash of
its key and the seed — BLAKE2b-64(seed ‖ key) (RFC 7693, Python's hashlib), not its row
position and not Polars' ``hash`` (which is not stable across versions) — and within each
stratum the records with the smallest hashes are taken. Because the hash is a pseudo-random
permutation of the keys, every set of n_h keys of a stratum is equally likely (simple random
sampling within strata), and adding records to the export changes the sample only where a new
key's hash falls inside the drawn range.

The sampling unit is the key (``--key``, else ``[verification] duplicate_keys``, else the spec's
``person_id``): a key that occurs on several records is one unit, listed once.

Allocation across strata:

  proportional  n_h = n·N_h/N rounded by largest remainders (Hamilton), never above N_h; any
                excess goes to the other strata in proportion (Cochran 1977, §5.5);
  equal         n_h = min(n, N_h) in every stratum (``--per``);
  neyman        n_h ∝ N_h·S_h, S_h = √(p_h(1 − p_h)) with p_h the share of the stratum's records
                whose ``--neyman`` variable is missing or unknown (Cochran 1977, eq. 5.60);
  simple        one simple random sample of n from all records.

Oversampling (``--oversample-missing VAR``): within each stratum, records with a missing value
of VAR are drawn with ``factor`` times the sampling fraction of the rest (sub-strata). Every
listed record carries its weight N_hs / n_hs (the records of its sub-stratum it stands for), so
weighted estimates from the study stay unbiased for the export.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

import polars as pl

from dq.errors import ConfigError, InputError
from dq.io import Source
from dq.messages import Message
from dq.spec import Spec

ALLOCATIONS = ("proportional", "equal", "neyman", "simple")
KEY_SEP = "\x1f"  # unit separator: cannot occur in a CSV field a registry writes


@dataclass(frozen=True)
class SampleResult:
    """The allocation (safe to print: strata, counts, weights) and the list (keys: file only)."""

    allocation: pl.DataFrame  # stratum (+ unit_name), missing (bool), population, n, weight
    records: pl.DataFrame  # key columns, stratum columns, weight (+ --columns): the list
    seed: int
    method: str
    strata: list[str]
    keys: list[str]
    population: int
    n: int
    min_n: int = 5
    warnings: list[str] = field(default_factory=list)
    #: the stratum that is the spec's unit column, when the allocation carries its names
    unit_column: str | None = None


def draw_order(keys: list[str], seed: int) -> list[int]:
    """BLAKE2b-64 of ``seed`` and each key, as integers: the draw order (smallest first). A
    Python loop over the keys, on purpose: no vectorised hash is stable across Polars versions
    (about 0.5 µs per key)."""
    salt = str(seed).encode() + b"\x00"
    return [int.from_bytes(hashlib.blake2b(salt + k.encode("utf-8", "surrogatepass"),
                                           digest_size=8).digest(), "big") for k in keys]


def largest_remainder(total: int, sizes: list[int], weights: list[float]) -> list[int]:
    """Integers n_h summing to min(total, Σ sizes), proportional to ``weights`` by largest
    remainders (ties to the earlier stratum), with n_h ≤ sizes_h; capped strata hand their
    excess to the rest, in proportion."""
    total = min(total, sum(sizes))
    alloc = [0] * len(sizes)
    free = [i for i, s in enumerate(sizes) if s > 0 and weights[i] > 0]
    left = total
    while left > 0 and free:
        wsum = sum(weights[i] for i in free)
        quota = {i: left * weights[i] / wsum for i in free}
        base = {i: math.floor(quota[i]) for i in free}
        rest = left - sum(base.values())
        order = sorted(free, key=lambda i: (-(quota[i] - base[i]), i))
        for i in order[:rest]:
            base[i] += 1
        capped = [i for i in free if alloc[i] + base[i] >= sizes[i]]
        if not capped:
            for i in free:
                alloc[i] += base[i]
            break
        for i in capped:
            left -= sizes[i] - alloc[i]
            alloc[i] = sizes[i]
        free = [i for i in free if i not in capped]
    if sum(alloc) < total:  # strata with zero weight take what is left, in order
        for i, s in enumerate(sizes):
            add = min(s - alloc[i], total - sum(alloc))
            alloc[i] += max(add, 0)
    return alloc


def _missing_expr(name: str, spec: Spec) -> pl.Expr:
    """A record's value of ``name`` is missing (null/blank) or a declared unknown code."""
    col = pl.col(name).cast(pl.String).str.strip_chars()
    missing = col.is_null() | (col == "")
    var = spec.variables.get(name)
    if var is not None and var.unknown:
        missing = missing | col.is_in([str(u) for u in var.unknown])
    return missing


def draw(source: Source, spec: Spec, *, n: int, seed: int, keys: list[str],
         strata: list[str], method: str = "proportional", where: str | None = None,
         year: str | None = None,
         oversample: list[str] | None = None, factor: float = 2.0,
         neyman: str | None = None, columns: list[str] | None = None,
         min_n: int = 5) -> SampleResult:
    """The sample: filter, one unit per key, allocate, take the smallest hashes per stratum."""
    from dq.conditions import with_conditions

    if method not in ALLOCATIONS:
        raise ConfigError(Message("sample.unknown_allocation", method=method,
                                  choices=ALLOCATIONS))
    if n < 1:
        raise ConfigError(Message("plan.at_least", option="--n", least=1, value=n))
    if factor < 1:
        raise ConfigError(Message("sample.factor", value=factor))
    if not keys:
        raise ConfigError(Message("sample.no_key_given"))
    if method == "neyman" and not neyman:
        raise ConfigError(Message("sample.neyman_needs_variable"))
    oversample = oversample or []
    columns = columns or []
    named = [*keys, *strata, *oversample, *columns, *([neyman] if neyman else [])]
    absent = sorted({c for c in named if c not in source.columns})
    if absent:
        raise InputError(Message("sample.columns_absent", n=len(absent),
                                 names=[repr(c) for c in absent], found=source.columns[:12],
                                 more=", …" if len(source.columns) > 12 else ""))
    conditions = {}
    if spec.dataset.finished:
        conditions["__finished"] = (spec.dataset.finished, "[dataset] finished")
    if where:
        conditions["__where"] = (where, "--where")
    if year:
        conditions["__year"] = (year, "--year")
    lf = with_conditions(source.lf, spec, source, conditions)
    for key in conditions:
        lf = lf.filter(pl.col(key))
    key_expr = pl.concat_str([pl.col(k).cast(pl.String) for k in keys], separator=KEY_SEP)
    flags = [_missing_expr(v, spec).alias(f"__miss.{v}") for v in oversample]
    if neyman:
        flags.append(_missing_expr(neyman, spec).alias("__neyman"))
    wanted = list(dict.fromkeys([*keys, *strata, *columns]))
    df = lf.select(*[pl.col(c) for c in wanted], key_expr.alias("__key"), *flags).collect()
    warnings: list[str] = []
    no_key = df.get_column("__key").is_null().sum()
    if no_key:
        warnings.append(Message("sample.no_key", n=int(no_key), keys=keys))
        df = df.filter(pl.col("__key").is_not_null())
    dup = df.height - df.get_column("__key").n_unique()
    if dup:
        warnings.append(Message("sample.duplicate_key", n=dup, keys=keys))
        miss_cols = [c for c in df.columns if c.startswith("__miss.") or c == "__neyman"]
        firsts = df.unique("__key", keep="first", maintain_order=True)
        if miss_cols:  # a key is "missing" when any of its records is
            anyof = df.group_by("__key").agg(pl.col(miss_cols).any())
            firsts = firsts.drop(miss_cols).join(anyof, on="__key", how="left")
        df = firsts
    if df.height == 0:
        raise InputError(Message("sample.none_left", filters=[
            label for _, label in conditions.values()] or ["—"]))
    df = df.with_columns(pl.Series("__h", draw_order(df.get_column("__key").to_list(), seed),
                                   dtype=pl.UInt64))
    miss = [c for c in df.columns if c.startswith("__miss.")]
    df = df.with_columns((pl.any_horizontal(miss) if miss else pl.lit(False)).alias("missing"))
    group = [*strata, "missing"] if strata else ["missing"]
    counts = (df.group_by(group).agg(pl.len().alias("population"),
                                     *([pl.col("__neyman").mean().alias("__p")] if neyman else []))
              .sort(group, nulls_last=True))
    # allocation to strata
    by_stratum = (counts.group_by(strata).agg(pl.col("population").sum()).sort(strata,
                                                                             nulls_last=True)
                  if strata else pl.DataFrame({"population": [df.height]}))
    sizes = by_stratum.get_column("population").to_list()
    if method == "equal":
        n_h = [min(n, s) for s in sizes]
    elif method == "neyman":
        p = (df.group_by(strata).agg(pl.col("__neyman").mean().alias("__p"))
             .join(by_stratum, on=strata, how="right", nulls_equal=True)
             .get_column("__p").to_list())
        w = [s * math.sqrt(max(q, 0.0) * (1 - max(q, 0.0))) for s, q in zip(sizes, p, strict=True)]
        if not any(w):
            w = [float(s) for s in sizes]
            warnings.append(Message("sample.neyman_fallback", variable=neyman))
        n_h = largest_remainder(n, sizes, w)
    else:
        n_h = largest_remainder(n, sizes, [float(s) for s in sizes])
    if sum(n_h) < n and method != "equal":
        warnings.append(Message("sample.all_taken", total=sum(sizes), wanted=n))
    # within each stratum: the missing sub-stratum at factor × the others' sampling fraction
    rows = []
    for i, srow in enumerate(by_stratum.iter_rows(named=True)):
        sub = counts.filter(*[pl.col(s).eq_missing(srow[s]) for s in strata]) if strata \
            else counts
        sub_sizes = sub.get_column("population").to_list()
        sub_w = [s * (factor if m else 1.0) for s, m in zip(sub_sizes, sub.get_column("missing"),
                                                           strict=True)]
        alloc = largest_remainder(n_h[i], sub_sizes, sub_w)
        for srow2, a in zip(sub.iter_rows(named=True), alloc, strict=True):
            rows.append({**{s: srow2[s] for s in strata}, "missing": srow2["missing"],
                         "population": srow2["population"], "n": a,
                         "weight": srow2["population"] / a if a else None})
    allocation = pl.DataFrame(rows, schema={**{s: df.schema[s] for s in strata},
                                            "missing": pl.Boolean, "population": pl.Int64,
                                            "n": pl.Int64, "weight": pl.Float64})
    take = df.join(allocation.select(*group, "n", "weight"), on=group, how="left",
                   nulls_equal=True)
    take = (take.sort("__h", "__key")
            .with_columns(pl.int_range(pl.len()).over(group).alias("__rank"))
            .filter(pl.col("__rank") < pl.col("n")))
    out_cols = list(dict.fromkeys([*keys, *strata, *columns]))
    records = (take.sort([*strata, "__h"], nulls_last=True)
               .select(*out_cols, *(["missing"] if oversample else []), "weight"))
    unit_column = _with_unit_names(spec, strata)
    if unit_column:
        allocation = unit_names(allocation, spec, unit_column, strata)
    allocation = small_strata(public_strata(allocation, spec, strata), min_n)
    return SampleResult(allocation=allocation, records=records, seed=seed, method=method,
                        strata=strata, keys=keys, population=df.height, n=records.height,
                        min_n=min_n, warnings=warnings, unit_column=unit_column)


def small_strata(allocation: pl.DataFrame, min_n: int) -> pl.DataFrame:
    """Small-cell suppression of the allocation, once for every format (terminal, JSON, the
    manifest): ``suppressed`` for a stratum of 1 to min_n − 1 records and, when that would be
    the only hidden one, for the smallest other stratum too (the total population is printed,
    so a lone hidden stratum would be the total less the others); ``suppressed_small`` for the
    first kind. A hidden stratum loses its population, sample size (equal allocation takes a
    small stratum whole) and weight."""
    from dq import privacy

    if not min_n or allocation.is_empty():
        return allocation.with_columns(suppressed=pl.lit(False), suppressed_small=pl.lit(False))
    frame = pl.concat([
        allocation.select(pl.lit("unit").alias("level"), "population"),
        pl.DataFrame({"level": ["national"], "population": [int(allocation["population"].sum())]}),
    ])
    marked = privacy.suppress(frame, ["population"], min_n, period=[], has_units=False)
    marked = marked.head(allocation.height)
    return allocation.with_columns(marked["population__hidden"].alias("suppressed"),
                                   marked["population__small"].alias("suppressed_small"))


def _with_unit_names(spec: Spec, strata: list[str]) -> str | None:
    """The stratum that is the spec's unit column, when a unit table can name its units."""
    unit = spec.dataset.unit
    return unit if spec.units is not None and unit and unit in strata else None


def unit_names(allocation: pl.DataFrame, spec: Spec, unit_column: str,
               strata: list[str]) -> pl.DataFrame:
    """The allocation with ``unit_name`` beside the unit stratum: the name the unit table
    (``[units] table``) gives the id, compared as text; null for an id the table lacks — a
    name never comes from the export."""
    from dq.units import load

    assert spec.units is not None
    names = {k.strip(): v for k, v in load(spec.units).names().items() if v and v.strip()}
    ids = pl.col(unit_column).cast(pl.String).str.strip_chars()
    named = allocation.with_columns(
        ids.replace_strict(names, default=None, return_dtype=pl.String).alias("unit_name"))
    at = strata.index(unit_column) + 1
    order = [*strata[:at], "unit_name", *strata[at:]]
    return named.select(*order, *[c for c in allocation.columns if c not in strata])


def public_strata(allocation: pl.DataFrame, spec: Spec, strata: list[str]) -> pl.DataFrame:
    """The allocation as it may be printed (terminal, JSON, manifest): a stratum value is shown
    only when it cannot be patient data (domain.md "Privacy") — the unit column through
    ``dq.units.public`` (never an 11-digit number; with a unit table only listed or plain ids);
    any other column's value only when it is a declared code or, for a variable without codes,
    a whole number of at most four digits (a year), else ``(other value)``. The list written to ``-o`` keeps the
    real values: the hospitals need them."""
    from dq.grouping import OTHER_VALUE
    from dq.io.values import as_text
    from dq.units import load, public

    exprs = []
    for name in strata:
        text = as_text(pl.col(name), allocation.schema[name])
        if name == spec.dataset.unit:
            known = set(load(spec.units).names()) if spec.units is not None else None
            exprs.append(public(text, known).alias(name))
            continue
        var = spec.variables.get(name)
        declared = sorted({*(var.codes or {}), *var.unknown}) if var is not None else []
        shown = text.is_in(declared)
        if not (var is not None and var.codes):  # a coded variable shows its codes only
            shown = shown | text.str.contains(r"^-?\d{1,4}$")
        exprs.append(pl.when(text.is_null()).then(None).when(shown).then(text)
                     .otherwise(pl.lit(OTHER_VALUE)).alias(name))
    if not exprs:
        return allocation
    # Strata whose values are not shown are one group, as elsewhere: their sizes add up (a
    # stratum of 6 is not shown beside the others), and the group comes last (in the order of
    # the values it hides it would tell where they sort).
    from dq.units import NOT_A_UNIT

    shown_as = allocation.with_columns(exprs)
    labels = [c for c in shown_as.columns if c not in ("population", "n", "weight")]
    merged = (shown_as.group_by(labels, maintain_order=True)
              .agg(pl.col("population").sum(), pl.col("n").sum())
              .with_columns(pl.when(pl.col("n") > 0).then(pl.col("population") / pl.col("n"))
                            .alias("weight")))
    hidden = pl.any_horizontal(pl.col(s).cast(pl.String).is_in([NOT_A_UNIT, OTHER_VALUE])
                               .fill_null(False) for s in strata)
    return (merged.with_columns(hidden.alias("__hidden")).sort("__hidden", maintain_order=True)
            .drop("__hidden").select(allocation.columns))
