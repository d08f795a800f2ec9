"""Inter-rater reliability — the Reliabilitet dimension.

Shapes a study into one cases × raters matrix per variable and computes, by level of
measurement (domain.md "Reliability and agreement"):

  nominal   percent_agreement, cohen_kappa (2 raters), fleiss_kappa, gwet_ac1,
            pabak (2 categories) or brennan_prediger, krippendorff_alpha
  ordinal   percent_agreement, weighted_kappa_linear, weighted_kappa_quadratic (2 raters),
            gwet_ac2 (quadratic weights), krippendorff_alpha (ordinal)
  interval  icc_1_1, icc_2_1, icc_3_1, icc_1_k, icc_2_k, icc_3_k, krippendorff_alpha
  / ratio   (interval or ratio metric), bland_altman_bias / _loa_low / _loa_high (2 raters)

The formulas and their sources are in ``dq.agreement``. A statistic that cannot be computed for a
variable (one rater, one case, one category, no variation, text where numbers are needed) is
left out of that row with the reason (status ``not_assessed``); the rest of the run goes on.

Categories. The category set is the variable's declared codes (the spec's ``codes``, a table's
labels, or ``categories=``) — q counts the codes the raters could use, not only those they used
(Randolph's free-marginal κ and AC1 depend on it). Ratings are compared as codes: ``1``, ``1.0``,
`` 1 `` and ``1,0`` are the same code. Codes that are numbers are ordered by value and the
weights of weighted κ and AC2 are on those values (irrCAC ``weights.gen``); other codes keep the
declared order and take their ranks. At the ordinal and interval levels a declared unknown code
(``unknown = [9]``) has no place on the scale and counts as a missing rating, as does, at the
ordinal level, a value outside the declared codes; at the nominal level both are categories (an
unknown code only when it was used, so that unused unknown codes do not change q).
Each such substitution is counted in a warning, never listed (the values may be anything).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import polars as pl

from dq._callable import make_callable
from dq import agreement as A
from dq.errors import ConfigError, InputError
from dq.io import Source
from dq.io.values import as_text, number
from dq.messages import Message
from dq.spec import Spec, Thresholds, Variable

LEVELS = ("nominal", "ordinal", "interval", "ratio")
STATISTICS = {
    "nominal": ("percent_agreement", "cohen_kappa", "fleiss_kappa", "gwet_ac1", "pabak",
                "brennan_prediger", "krippendorff_alpha"),
    "ordinal": ("percent_agreement", "weighted_kappa_linear", "weighted_kappa_quadratic",
                "weighted_kappa_spec", "gwet_ac2", "krippendorff_alpha"),
    "interval": (*A.ICC_FORMS, "krippendorff_alpha", "bland_altman_bias", "bland_altman_loa_low",
                 "bland_altman_loa_high", "bland_altman_proportional_bias"),
}
STATISTICS["ratio"] = STATISTICS["interval"]
KAPPA_LIKE = ("cohen_kappa", "fleiss_kappa")
# Categories of a nominal or ordinal variable at most: the coefficients hold q × q matrices
# (2,000 categories took 600 MB and 6 s; a measurement read as categories, 12,000 of them,
# 5.6 GB and 65 s). Real code lists stay far below; more is a measurement at the wrong level.
MAX_CATEGORIES = 1000
PARADOX_NOTE = ("κ is low while the raters agree on most cases: prevalence is skewed (the kappa "
                "paradox, Feinstein & Cicchetti 1990); read gwet_ac1 and pabak beside it")
MAX_COUNT = 2**53  # counts above this are not exact in float64


@dataclass(frozen=True)
class Ratings:
    """One variable of a study: cases × raters, as category codes or numbers.

    ``freq`` (table input): how many cases each row stands for; None = one case per row."""

    variable: str
    level: str
    raters: list[str]
    values: np.ndarray  # float matrix, NaN = missing (interval/ratio)
    codes: np.ndarray | None  # int matrix, −1 = missing (nominal/ordinal)
    categories: list[str]
    problem: Message | None = None  # why nothing can be computed
    kappa_weights: np.ndarray | None = None  # the spec's disagreement weights, categories order
    freq: np.ndarray | None = None
    category_values: np.ndarray | None = None  # the codes as numbers (None: ranks are used)
    remarks: tuple[Message, ...] = ()  # what was done to the ratings (counted, never listed)
    declared: frozenset[str] = frozenset()  # categories that are declared codes (may be shown)

    @property
    def n_cases(self) -> int:
        rows = self.values.shape[0] if self.codes is None else self.codes.shape[0]
        return rows if self.freq is None else int(self.freq.sum())


@dataclass(frozen=True)
class ReliabilityResult:
    rows: pl.DataFrame
    #: dq.messages.Message values: English as str (JSON), any language with ``localise``.
    warnings: list[str] = field(default_factory=list)
    bootstrap: int | None = None
    seed: int | None = None
    #: Fleiss' κ of each category against the rest (Fleiss 1971), one row per variable ×
    #: category; ``category`` is the code where it is declared, else null (never a data value).
    per_category: pl.DataFrame | None = None
    population: float | None = None  # the population size of the finite-population correction
    period: str | None = None  # the years the study drew from ([reliability] period)

    @property
    def failed(self) -> bool:
        return bool((self.rows["status"] == "fail").any())


# ------------------------------------------------------------------------------ shaping

_INTEGER = re.compile(r"[+-]?\d+")



def _cases(n: int) -> str:
    """``n`` cases in a JSON note (English, as every note): "1 case", "2 cases"."""
    return f"{n} case" if n == 1 else f"{n} cases"

def _canonical(value: str) -> str:
    """One spelling per code: stripped, and a number written as the shortest decimal
    (" 1", "1.0", "1,0" and "01" are "1"; "2.50" is "2.5"); other text in upper case, as irrCAC
    compares ratings (``trim(toupper(ratings))``): "ja", "Ja " and "JA" are one code."""
    text = value.strip()
    if _INTEGER.fullmatch(text):
        # str(int(text)) without int's 4,300-digit limit (a 100,000-digit "rating" is a code)
        digits = text.lstrip("+-").lstrip("0") or "0"
        return ("-" if text.startswith("-") and digits != "0" else "") + digits
    try:
        x = float(text.replace(",", "."))
    except ValueError:
        return text.upper()
    if not math.isfinite(x):
        return text.upper()
    return str(int(x)) if x.is_integer() and abs(x) < MAX_COUNT else repr(x)


def _unknown_as_missing(values: np.ndarray, unknown: Any,
                        freq: np.ndarray | None = None) -> tuple[Message, ...]:
    """Numeric ratings that are a declared unknown code become missing (in place); the remark
    says how many (``freq``: each row's number of cases, for a table)."""
    codes = [u for u in (_as_number(c) for c in unknown) if u is not None]
    mask = np.isin(values, codes) if codes else np.zeros(values.shape, dtype=bool)
    if not mask.any():
        return ()
    values[mask] = np.nan
    n = int((freq[:, None] * mask).sum()) if freq is not None else int(mask.sum())
    return (Message("reliability.unknown_missing", n=n),)


def _as_number(label: str) -> float | None:
    try:
        x = float(label.replace(",", "."))
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def _sort_key(value: str) -> tuple[int, float | str]:
    x = _as_number(value)
    return (0, x) if x is not None else (1, value)


@dataclass(frozen=True)
class _CategorySet:
    categories: list[str]
    index: dict[str, int]  # canonical observed value → category index, −1 = counted as missing
    values: np.ndarray | None
    remarks: tuple[Message, ...]
    declared: frozenset[str] = frozenset()


def _category_set(observed: dict[str, int], level: str, declared: list[str] | None,
                  unknown: tuple[str, ...]) -> _CategorySet:
    """The categories of a nominal/ordinal variable from the ratings seen (canonical value →
    number of ratings) and the declared codes; see the module docstring for the rules."""
    ordinal = level == "ordinal"
    unknown_set = {_canonical(u) for u in unknown}
    decl: list[str] = []
    for code in declared or []:
        c = _canonical(code)
        if c not in decl and not (ordinal and c in unknown_set):
            decl.append(c)
    remarks = []
    n_unknown = sum(k for v, k in observed.items() if ordinal and v in unknown_set)
    if n_unknown:
        remarks.append(Message("reliability.unknown_ordinal", n=n_unknown))
    if decl and not ordinal:  # an unknown code that was used is a category, not an invalid value
        decl += sorted((v for v in observed if v in unknown_set and v not in decl), key=_sort_key)
    extra = sorted((v for v in observed if v not in decl and not (ordinal and v in unknown_set)),
                   key=_sort_key)
    if decl and extra:
        n_extra = sum(observed[v] for v in extra)
        if ordinal:
            remarks.append(Message("reliability.undeclared_missing", n=n_extra))
            extra = []
        else:
            remarks.append(Message("reliability.undeclared_category", n=n_extra))
    cats = decl + extra if decl else extra
    numbers = [x for x in (_as_number(c) for c in cats) if x is not None]
    values = None
    if cats and len(numbers) == len(cats):  # every code a number: ordered by value
        order = sorted(range(len(cats)), key=numbers.__getitem__)
        cats = [cats[i] for i in order]
        values = np.array([numbers[i] for i in order], dtype=float)
    elif ordinal and not decl and len(cats) > 2:
        # Text codes nobody declared have no known order: sorted as text, "høy" < "lav" <
        # "middels". Two codes are ordered either way for every ordinal statistic; more are not.
        remarks.append(Message("reliability.ordinal_as_text", n=len(cats)))
    index = {c: i for i, c in enumerate(cats)}
    full = {v: index.get(v, -1) for v in observed}
    return _CategorySet(cats, full, values, tuple(remarks), frozenset(decl))


def ratings_from_long(source: Source, case: str, rater: str, variables: list[str],
                      levels: dict[str, str], spec: Spec | None = None,
                      categories: list[str] | None = None) -> list[Ratings]:
    """One row per case × rater, one column per variable. Each variable's declared codes (the
    spec's, or ``categories`` for every variable) define its categories."""
    schema = source.lf.collect_schema()
    missing = [c for c in (case, rater, *variables) if c not in schema]
    if missing:
        raise InputError(Message("reliability.columns_not_found", file=str(source.info.path),
                                 n=len(missing), names=[repr(c) for c in missing],
                                 columns=list(schema)[:30]))
    df = source.lf.select(pl.col(case).cast(pl.String).alias("__case"),
                          pl.col(rater).cast(pl.String).alias("__rater"),
                          *[pl.col(v) for v in variables]).collect()
    # A row without a case id or rater belongs to no case: left out and counted (rows without a
    # case id would otherwise all be one case).
    unplaced = int(df.select((pl.col("__case").is_null() | pl.col("__rater").is_null()).sum()).item())
    df = df.filter(pl.col("__case").is_not_null() & pl.col("__rater").is_not_null())
    remarks = (Message("reliability.unplaced", n=unplaced),) if unplaced else ()
    dups = df.select("__case", "__rater").is_duplicated().sum()
    if dups:
        raise InputError(Message("reliability.pairs_repeated", file=str(source.info.path),
                                 n=int(dups), case=case, rater=rater))
    out = []
    for var in variables:
        # Cases in a fixed order (by id), so a seeded bootstrap does not depend on row order.
        wide = (df.select("__case", "__rater", var)
                .pivot(on="__rater", index="__case", values=var, sort_columns=True)
                .sort("__case"))
        raters = [c for c in wide.columns if c != "__case"]
        shaped = _shape(var, levels[var], wide.select(raters), raters, categories=categories,
                        variable=spec.variables.get(var) if spec else None)
        out.append(replace(shaped, remarks=remarks + shaped.remarks))
    return out


def ratings_from_wide(source: Source, raters: list[str], name: str, level: str,
                      spec: Spec | None = None,
                      categories: list[str] | None = None) -> list[Ratings]:
    """One row per case, one column per rater. ``spec`` (the variable ``name``'s codes and
    unknown codes) and ``categories`` (declared codes, overriding the spec's) define q."""
    twice = sorted({c for c in raters if raters.count(c) > 1})
    if twice:  # one rater is one column: a column named twice would be compared with itself
        raise ConfigError(Message("reliability.rater_twice", names=[repr(c) for c in twice]))
    schema = source.lf.collect_schema()
    missing = [c for c in raters if c not in schema]
    if missing:
        raise InputError(Message("reliability.rater_columns_not_found",
                                 file=str(source.info.path), n=len(missing),
                                 names=[repr(c) for c in missing], columns=list(schema)[:30]))
    variable = spec.variables.get(name) if spec else None
    return [_shape(name, level, source.lf.select(raters).collect(), raters, categories=categories,
                   variable=variable)]


def _cell_problem(raw_null: bool, dtype: pl.DataType, x: float | None) -> Message | None:
    if raw_null:
        return Message("reliability.cell.empty")
    if x is None or dtype == pl.Boolean:
        return Message("reliability.cell.not_number")
    if not math.isfinite(x):
        return Message("reliability.cell.not_finite")
    if x < 0:
        return Message("reliability.cell.negative")
    if not float(x).is_integer():
        return Message("reliability.cell.not_whole")
    if x > MAX_COUNT:
        return Message("reliability.cell.too_large")
    return None


def ratings_from_table(source: Source, name: str, level: str, spec: Spec | None = None,
                       categories: list[str] | None = None) -> list[Ratings]:
    """A square contingency table: first column the categories of rater 1, then one count
    column per category of rater 2, named by the category. Rows may come in any order; they
    must name the same categories as the column headers. Counts are whole numbers ≥ 0 (``12.0``
    is 12); the statistics are computed from the counts (cells as weighted cases), never by
    expanding the table to one row per case."""
    path = source.info.path
    df = source.lf.collect()
    if df.width < 2:
        raise InputError(Message("reliability.table_width", file=str(path), n=df.width))
    headers = df.columns[1:]
    labels = [_canonical(h) for h in headers]
    seen: dict[str, str] = {}
    for h, lab in zip(headers, labels):
        if lab in seen:
            raise InputError(Message("reliability.table_same_column", file=str(path),
                                     first=seen[lab], second=h))
        seen[lab] = h
    if df.height == 0:
        raise InputError(Message("reliability.table_no_rows", file=str(path)))
    if df.height != len(headers):
        raise InputError(Message("reliability.table_not_square", file=str(path),
                                 rows=df.height, columns=len(headers)))
    first = df.columns[0]
    row_text = df.select(as_text(pl.col(first), df.schema[first])).to_series().to_list()
    col_of = {lab: j for j, lab in enumerate(labels)}
    row_of: dict[int, int] = {}  # column (category) index → data row index
    for i, text in enumerate(row_text):
        lab = _canonical(text) if text is not None else ""
        if not lab:
            raise InputError(Message("reliability.table_no_label", file=str(path), row=i + 1))
        j = col_of.get(lab)
        if j is None:
            raise InputError(Message("reliability.table_label_unknown", file=str(path),
                                     row=i + 1, columns=headers[:30]))
        if j in row_of:
            raise InputError(Message("reliability.table_same_row", file=str(path),
                                     first=row_of[j] + 1, second=i + 1, category=headers[j]))
        row_of[j] = i
    nums = df.select(number(pl.col(h), df.schema[h]).alias(h) for h in headers)
    raw_null = df.select(pl.col(h).is_null() for h in headers)
    table = np.zeros((len(headers), len(headers)))
    bad = []
    for j_row in range(len(headers)):  # rater 1's category j_row is on data row row_of[j_row]
        i = row_of[j_row]
        for j, h in enumerate(headers):
            x = nums[h][i]
            problem = _cell_problem(bool(raw_null[h][i]), df.schema[h], x)
            if problem:
                bad.append((i, j, j_row, problem))
            else:
                table[j_row, j] = float(x)
    if bad:
        i, j, j_row, problem = min(bad)
        more = Message("reliability.cells_more", n=len(bad)) if len(bad) > 1 else ""
        raise InputError(Message("reliability.table_cell", file=str(path), row=i + 1,
                                 category=headers[j_row], column=headers[j], problem=problem,
                                 more=more))
    total = table.sum()
    if total == 0:
        raise InputError(Message("reliability.table_zero", file=str(path)))
    if total > MAX_COUNT:
        raise InputError(Message("reliability.table_too_large", file=str(path)))
    return [_from_table(name, level, labels, table, spec.variables.get(name) if spec else None,
                        categories)]


def _from_table(name: str, level: str, labels: list[str], table: np.ndarray,
                variable: Variable | None, categories: list[str] | None) -> Ratings:
    raters = ["rater_1", "rater_2"]
    cells = np.argwhere(table > 0)
    freq = table[cells[:, 0], cells[:, 1]]
    unknown = variable.unknown if variable else ()
    if level in ("interval", "ratio"):
        nums = [_as_number(lab) for lab in labels]
        if any(x is None for x in nums):
            return Ratings(name, level, raters, np.empty((0, 2)), None, [],
                           Message("reliability.reason.table_text",
                                   level={"word": f"level_{level}"}), freq=freq)
        x = np.array(nums, dtype=float)
        values = x[cells]
        remarks = _unknown_as_missing(values, unknown, freq)
        return Ratings(name, level, raters, values, None, [], freq=freq, remarks=remarks)
    used = table.sum(1) + table.sum(0)  # ratings per category, both raters
    observed = {lab: int(used[i]) for i, lab in enumerate(labels) if used[i] > 0}
    declared = categories if categories is not None else (
        list(variable.codes) if variable and variable.codes else labels)
    cs = _category_set(observed, level, declared, unknown)
    to_cat = np.array([cs.index.get(lab, -1) for lab in labels])
    codes = to_cat[cells]
    return Ratings(name, level, raters, np.empty(0), codes, cs.categories, freq=freq,
                   category_values=cs.values, remarks=cs.remarks, declared=cs.declared,
                   kappa_weights=_spec_weights(variable, cs) if level == "ordinal" else None)


def _spec_weights(variable: Variable | None, cs: _CategorySet) -> np.ndarray | None:
    """The spec's disagreement weights (written in the order of its codes) in category order;
    None when some category is not a declared code."""
    if variable is None or variable.kappa_weights is None or not variable.codes:
        return None
    codes = [_canonical(c) for c in variable.codes]
    try:
        pos = [codes.index(c) for c in cs.categories]
    except ValueError:
        return None
    w = np.array(variable.kappa_weights, dtype=float)
    return w[np.ix_(pos, pos)]


def _shape(var: str, level: str, wide: pl.DataFrame, raters: list[str],
           categories: list[str] | None = None, variable: Variable | None = None) -> Ratings:
    wide = wide.filter(~pl.all_horizontal(pl.all().is_null()))
    empty = np.empty((wide.height, len(raters)))
    if wide.height == 0:
        return Ratings(var, level, raters, empty, None, [],
                       Message("reliability.reason.all_missing"))
    if len(raters) < 2:
        return Ratings(var, level, raters, empty, None, [], Message("reliability.reason.one_rater"))
    unknown = variable.unknown if variable else ()
    if level in ("interval", "ratio"):
        nums = wide.select(number(pl.col(c), wide.schema[c]).alias(c) for c in raters)
        n_text = sum(int(((nums[c].is_null()) & wide[c].is_not_null()).sum()) for c in raters)
        n_text += sum(int(nums[c].is_infinite().sum()) for c in raters)
        if n_text:
            return Ratings(var, level, raters, empty, None, [],
                           Message("reliability.reason.text_values", n=n_text,
                                   level={"word": f"level_{level}"}))
        values = nums.to_numpy().astype(float)
        remarks = _unknown_as_missing(values, unknown)
        return Ratings(var, level, raters, values, None, [], remarks=remarks)
    text = wide.select(as_text(pl.col(c), wide.schema[c]).alias(c) for c in raters)
    distinct = (pl.concat([text.select(pl.col(c).alias("v")) for c in raters])
                .drop_nulls().group_by("v").len())
    canon: dict[str, str] = {}
    observed: dict[str, int] = {}
    for raw, count in distinct.iter_rows():
        c = _canonical(raw)
        if not c:
            continue  # whitespace only: missing
        canon[raw] = c
        observed[c] = observed.get(c, 0) + int(count)
    declared = categories if categories is not None else (
        list(variable.codes) if variable and variable.codes else None)
    cs = _category_set(observed, level, declared, unknown)
    raw_index = {raw: cs.index[c] for raw, c in canon.items()}
    codes = text.select(pl.col(c).replace_strict(raw_index, default=-1, return_dtype=pl.Int64)
                        for c in raters).to_numpy()
    return Ratings(var, level, raters, np.empty(0), codes, cs.categories,
                   kappa_weights=_spec_weights(variable, cs) if level == "ordinal" else None,
                   category_values=cs.values, remarks=cs.remarks, declared=cs.declared)


# ------------------------------------------------------------------------------ statistics


def _degenerate(value: float, se: float | None, low: float | None, high: float | None) -> bool:
    """A standard error or an interval of (numerically) zero width: rounding noise of a
    formula at a boundary (κ = 1 gave 0.99999999–1), not a measured precision."""
    scale = max(1.0, abs(value))
    return ((se is not None and se <= 1e-9 * scale)
            or (low is not None and high is not None and high - low <= 1e-6 * scale))


@dataclass
class _Row:
    statistic: str
    est: A.Estimate | None
    reason: Message | None = None  # why there is no estimate
    note: str | None = None
    n_cases: int = 0
    extra: dict[str, float] = field(default_factory=dict)  # further columns of the row
    paradox: bool = False  # κ low while the raters agree (set in ``compute``)


FALLBACK_BOOTSTRAP = 1000  # resamples for statistics with no published SE (α; ICC's SE)
FALLBACK_SEED = 0  # the bootstrap's seed when none is given: runs are reproducible by default

ONE_CASE = Message("reliability.reason.one_case")
NO_PAIRS = Message("reliability.reason.no_pairs")


def _no_variation(stat: str, name: str) -> Message:
    return Message("reliability.reason.no_variation", statistic=stat, name=name)


def _same_values(name: str) -> Message:
    return Message("reliability.reason.same_values", name=name)


#: dq.agreement's Undefined texts as catalogue keys (tests check that every one is here).
UNDEFINED = {
    "only one category: κ is undefined": ("reliability.reason.one_category", {"name": "κ"}),
    "fewer than two cases rated by both raters": ("reliability.reason.both_raters", {}),
    "no variation: both raters used one and the same category, so chance agreement is 1 and κ "
    "is undefined": ("reliability.reason.no_variation_pair", {}),
    "κ is undefined for this table": ("reliability.reason.kappa_table", {}),
    "ICC is undefined: the mean squares it divides by are 0 (no variation between the cases or "
    "between the ratings)": ("reliability.reason.icc_mean_squares", {}),
    "fewer than three cases rated by both raters": ("reliability.reason.three_both", {}),
}


def _undefined(exc: A.Undefined) -> Message:
    key, params = UNDEFINED.get(str(exc), ("reliability.reason.undefined_other",
                                           {"text": str(exc)}))
    return Message(key, **params)


def _boot_weights(n: int, b: int, rng: np.random.Generator) -> np.ndarray:
    """Case weights of ``b`` resamples: how often each of the ``n`` cases was drawn."""
    idx = rng.integers(0, n, size=(b, n))
    flat = (np.arange(b)[:, None] * n + idx).ravel()
    return np.bincount(flat, minlength=b * n).reshape(b, n).astype(np.float64)


def _resample_weights(freq: np.ndarray | None, rows: int, b: int,
                      rng: np.random.Generator) -> np.ndarray:
    """Resamples of cases as row weights: one row per case, or a row per distinct case standing
    for ``freq`` cases (a multinomial draw of the same total — resampling cases, without
    expanding them)."""
    if freq is None:
        return _boot_weights(rows, b, rng)
    n = int(freq.sum())
    return rng.multinomial(n, freq / freq.sum(), size=b).astype(np.float64)


def _percentile(est: float, draws: np.ndarray, n_boot: int, seed: int | None,
                level: float = 0.95) -> A.Estimate:
    finite = draws[np.isfinite(draws)]
    if finite.size < 2:
        return A.Estimate(est, None, None, None, None, None)
    a = 100 * (1 - level) / 2
    lo, hi = np.percentile(finite, [a, 100 - a])
    left_out = draws.size - finite.size
    extra = f"; {left_out} resamples where it is undefined left out" if left_out else ""
    name = "percentile bootstrap" if level == 0.95 else f"percentile bootstrap ({100 * level:g} %)"
    return A.Estimate(est, float(finite.std(ddof=1)), float(lo), float(hi),
                      f"bootstrap SD ({n_boot} resamples of cases, seed {seed}{extra})", name)


def kappa_draws(pairs: np.ndarray, q: int, kind: str, weights: np.ndarray,
                disagreement: np.ndarray | None = None,
                values: np.ndarray | None = None) -> np.ndarray:
    """Cohen's (weighted) κ of every resample at once: tables = case weights @ one-hot pairs."""
    n = pairs.shape[0]
    onehot = np.zeros((n, q * q))
    onehot[np.arange(n), pairs[:, 0] * q + pairs[:, 1]] = 1
    tables = (weights @ onehot).reshape(-1, q, q)
    return A.kappa_from_tables(tables, A.ordinal_weights(q, kind, disagreement, values))


def kappa_bootstrap(pairs: np.ndarray, q: int, n_boot: int, seed: int | None = FALLBACK_SEED,
                    kind: str = "identity") -> A.Estimate:
    """Percentile bootstrap CI of Cohen's κ over cases (complete pairs of codes 0..q−1)."""
    seed = FALLBACK_SEED if seed is None else seed
    rng = np.random.default_rng(seed)
    point = float(A.kappa_from_tables(A.pair_table(pairs, q)[None], A.ordinal_weights(q, kind))[0])
    w = _boot_weights(pairs.shape[0], n_boot, rng)
    return _percentile(point, kappa_draws(pairs, q, kind, w), n_boot, seed)


GWET_FAMILY = ("percent_agreement", "gwet_ac1", "gwet_ac2", "brennan_prediger", "pabak",
               "fleiss_kappa")
#: With ``weights``: the weighted form of each coefficient of Gwet's framework (irrCAC's
#: ``weights=`` argument), rows named ``<coefficient>_weighted``.
WEIGHTED = {"percent_agreement_weighted": "percent_agreement",
            "fleiss_kappa_weighted": "fleiss_kappa",
            "brennan_prediger_weighted": "brennan_prediger",
            "conger_kappa_weighted": "conger_kappa", "weighted_kappa": "custom_cohen"}
COHEN_FAMILY = {"cohen_kappa": "identity", "weighted_kappa_linear": "linear",
                "weighted_kappa_quadratic": "quadratic", "weighted_kappa_spec": "custom"}
DISPLAY = {"fleiss_kappa": "Fleiss' κ", "gwet_ac1": "AC1", "gwet_ac2": "AC2",
           "brennan_prediger": "Brennan–Prediger's coefficient", "pabak": "PABAK",
           "cohen_kappa": "κ", "krippendorff_alpha": "α", "conger_kappa": "Conger's κ"}


@dataclass(frozen=True)
class Options:
    """How the statistics are computed beyond the data: resamples, the interval, weights."""

    n_boot: int | None = None
    seed: int | None = FALLBACK_SEED
    interval: A.Interval = A.DEFAULT_INTERVAL
    weights: str | None = None  # irrCAC's weights for every coefficient (ordinal level)
    icc_null: float = 0.0  # ρ₀ of the ICC F tests


def _gwet_stats(r: Ratings, q: int, k: int, opts: Options) -> list[str]:
    stats = [s for s in STATISTICS[r.level]
             if not (s == "pabak" and q != 2)  # PABAK is Brennan–Prediger for two categories
             and not (s == "brennan_prediger" and q == 2 and r.level == "nominal")  # = PABAK
             and not (s == "weighted_kappa_spec" and r.kappa_weights is None)]
    if k >= 3:  # with two raters Conger's κ is Cohen's
        at = stats.index("fleiss_kappa") + 1 if "fleiss_kappa" in stats else len(stats)
        if r.level == "nominal":
            stats.insert(at, "conger_kappa")
    if opts.weights and r.level == "ordinal":
        extra = ["percent_agreement_weighted", "fleiss_kappa_weighted",
                 "brennan_prediger_weighted"]
        extra.append("conger_kappa_weighted" if k >= 3 else "weighted_kappa")
        if k != 2:
            extra = [e for e in extra if e != "weighted_kappa"]
        stats += extra
    return stats


def _categorical(r: Ratings, n_boot: int | None, rng: np.random.Generator | None,
                 seed: int | None, opts: Options = Options(),
                 per_category: list[dict[str, Any]] | None = None) -> list[_Row]:
    assert r.codes is not None
    q = len(r.categories)
    k = len(r.raters)
    rated_any = (r.codes >= 0).any(1)  # irrCAC: every case rated at least once is in n and π_k
    codes = r.codes[rated_any]
    if r.freq is None:
        # Cases with the same ratings are one row standing for their number: every formula is a
        # weighted sum, and resampling cases is a multinomial draw over the rows.
        codes, f = np.unique(codes, axis=0, return_counts=True)
        f = f.astype(float)
    else:
        f = np.asarray(r.freq, float)[rated_any]
    counts = A.counts_matrix(codes, q)
    rated = counts.sum(1)
    n = float(f.sum())
    n2 = float(f @ (rated >= 2))
    iv = opts.interval
    fpc = iv.fpc(n)
    level = iv.level
    stats = _gwet_stats(r, q, k, opts)
    if n2 == 0:
        return [_Row(s, None, NO_PAIRS) for s in stats]
    if n2 < 2:
        return [_Row(s, None, ONE_CASE) for s in stats]
    case_w = f[None, :]
    w_boot = (_resample_weights(f, len(f), n_boot, rng) if n_boot and rng is not None else None)
    values = r.category_values
    scale = "code values" if values is not None else "category ranks"
    n_single = int(round(float(f @ (rated == 1))))
    # A contingency table of two raters with every case rated twice takes irrCAC's ``*.table``
    # variance (over n); raw data, or a table where a rating became missing (an unknown code at
    # the ordinal level), the raw-data variance (over n − 1).
    table_form = r.freq is not None and k == 2 and bool((rated == 2).all())
    fpc_note = (f"finite-population correction 1 − n/N, N = {iv.population:g}"
                if iv.population is not None else None)
    rows: list[_Row] = []

    def weights_for(kind: str) -> np.ndarray:
        return A.ordinal_weights(q, kind, values=values)

    for stat in stats:
        base = WEIGHTED.get(stat, stat)
        weighted = stat in WEIGHTED
        wkind = (opts.weights or "quadratic") if (weighted or stat == "gwet_ac2") else "identity"
        if base in GWET_FAMILY:
            kind = "brennan_prediger" if base == "pabak" else base
            if q < 2 and base != "percent_agreement":
                rows.append(_Row(stat, None, Message("reliability.reason.one_category_chance")))
                continue
            weights = weights_for(wkind)
            t = A.case_terms(counts, weights)
            pa, pi, _, _ = A.shares(t, f)
            pe = float(A.chance(kind, pi[None, :], weights)[0])
            if not pe < 1 - 1e-12:
                rows.append(_Row(stat, None, _no_variation(base, DISPLAY.get(base, base))))
                continue
            point = (pa - pe) / (1 - pe)
            share = 0.0 if base == "percent_agreement" else None  # a share, not a coefficient
            if w_boot is not None:
                est = _percentile(point, A.coefficient(kind, t, w_boot), n_boot or 0, seed, level)
            elif table_form:
                est = A.wald(point, A.gwet_se(kind, t, f, table=True, fpc=fpc),
                             "linearisation (Gwet 2014): irrCAC table formula (n)", n=n,
                             interval=iv, lower=share)
            else:
                est = A.wald(point, A.gwet_se(kind, t, f, fpc=fpc),
                             "linearisation (Gwet 2014): irrCAC raw data formula (n−1)", n=n,
                             interval=iv, lower=share)
            notes = []
            if stat == "gwet_ac2" or weighted:
                notes.append(f"{wkind} weights on the {scale}")
            if base == "fleiss_kappa":
                se0 = A.fleiss_se0(counts, f) if not weighted else None
                est = replace(est, se0=se0)
                m = rated[rated >= 2]
                if m.min() != m.max():
                    notes.append(f"cases have {m.min()} to {m.max()} ratings: Gwet's "
                                 "generalisation of Fleiss' κ (irrCAC fleiss.kappa.raw)")
                if not weighted and per_category is not None:
                    _per_category(r, counts, f, fpc, n, iv, per_category)
            if n_single:
                notes.append(f"{_cases(n_single)} rated once count"
                             f"{'s' if n_single == 1 else ''} in the category shares and in n "
                             "(Gwet 2014; irrCAC)")
            if fpc_note:
                notes.append(fpc_note)
            row = _Row(stat, est, note="; ".join(notes) or None, n_cases=int(round(n)))
            if stat == "pabak" and k == 2:
                complete = (codes >= 0).all(1)
                if f[complete].sum() > 0:
                    row.extra = dict(zip(("prevalence_index", "bias_index"), A.prevalence_bias(
                        A.pair_table(codes[complete], 2, f[complete]))))
            rows.append(row)
        elif base == "conger_kappa":
            weights = weights_for(wkind)
            kappa, se = A.conger(codes, q, weights, f, fpc)
            if not math.isfinite(kappa):
                rows.append(_Row(stat, None, _no_variation("conger_kappa", "Conger's κ")
                                 if (codes >= 0).any(0).all() else
                                 Message("reliability.reason.conger_rater")))
                continue
            if w_boot is not None:
                draws = np.array([A.conger(codes, q, weights, w)[0] for w in w_boot])
                est = _percentile(kappa, draws, n_boot or 0, seed, level)
            else:
                est = A.wald(kappa, se, "linearisation (Gwet 2014): irrCAC conger.kappa.raw",
                             n=n, interval=iv)
            notes = [f"{wkind} weights on the {scale}"] if weighted else []
            if fpc_note:
                notes.append(fpc_note)
            rows.append(_Row(stat, est, note="; ".join(notes) or None, n_cases=int(round(n))))
        elif stat in COHEN_FAMILY or stat == "weighted_kappa":
            if k != 2:
                rows.append(_Row(stat, None, Message("reliability.reason.cohen_two", k=k)))
                continue
            complete = (codes >= 0).all(1)
            n_c = float(f[complete].sum())
            if n_c < 2:
                rows.append(_Row(stat, None, Message("reliability.reason.both_raters")))
                continue
            kind = COHEN_FAMILY.get(stat, "custom")
            table = A.pair_table(codes[complete], q, f[complete])
            custom = r.kappa_weights
            if stat == "weighted_kappa":  # irrCAC kappa2.table with the chosen weights
                custom = 1 - weights_for(wkind)
            try:
                est = A.cohen(table, kind, custom, values)
            except A.Undefined as exc:
                rows.append(_Row(stat, None, _undefined(exc)))
                continue
            if w_boot is not None:
                draws = kappa_draws(codes[complete], q, kind, w_boot[:, complete],
                                    custom, values)
                est = _percentile(est.estimate, draws, n_boot or 0, seed, level)
            elif est.se is not None:
                se0 = est.se0
                fpc_c = iv.fpc(n_c)
                est = replace(A.wald(est.estimate, est.se * math.sqrt(fpc_c), est.se_method or "",
                                     n=n_c, interval=iv), se0=se0)
            dropped = int(round(n - n_c))
            note = f"{_cases(dropped)} without both ratings left out" if dropped else None
            if kind in ("linear", "quadratic") or stat == "weighted_kappa":
                wname = wkind if stat == "weighted_kappa" else kind
                note = f"{wname} weights on the {scale}" + (f"; {note}" if note else "")
            rows.append(_Row(stat, est, note=note, n_cases=int(round(n_c))))
        elif stat == "krippendorff_alpha":
            metric = "ordinal" if r.level == "ordinal" else "nominal"
            if q < 2:
                rows.append(_Row(stat, None, Message("reliability.reason.one_category",
                                                     name="α")))
                continue
            # Codes as values (their order is all nominal and ordinal δ² use); A.alpha needs no
            # q × q matrix per resample (issue 12, bug 2).
            as_values = np.where(codes >= 0, codes, np.nan).astype(float)
            point = float(A.alpha(as_values, metric, case_w)[0])
            if not math.isfinite(point):
                rows.append(_Row(stat, None, _no_variation(stat, "α")))
                continue
            if w_boot is not None:
                est = _percentile(point, A.alpha(as_values, metric, w_boot), n_boot or 0, seed,
                                  level)
            else:
                est = _alpha_analytic(as_values, metric, f, n, iv, q)
            rows.append(_Row(stat, est, note=f"{metric} metric; uses every case with two or more "
                                                 "ratings", n_cases=int(round(n2))))
    return rows


def _alpha_analytic(x: np.ndarray, metric: str, f: np.ndarray, n0: float, iv: A.Interval,
                    q: int | None = None) -> A.Estimate:
    """α with Gwet's SE (irrCAC krippen.alpha.raw): variance over the n pairable units, the
    interval's t with n0 − 1 df (n0: cases with a rating), finite-population factor 1 − n0/N."""
    d2 = A.ordinal_delta2(x, q or 0, f) if metric == "ordinal" else None
    point, se, _ = A.alpha_gwet(x, metric, iv.fpc(n0), d2, f)
    return A.wald(point, se if math.isfinite(se) else None,
                  "linearisation (Gwet 2014): irrCAC krippen.alpha.raw"
                  + ("; ordinal δ² held fixed" if metric == "ordinal" else ""), n=n0, interval=iv)


def _category_label(r: Ratings, j: int) -> str | None:
    """A category's code where it is declared (spec, --categories or a table's headers); None
    for a value seen only in the data, which is never written out."""
    c = r.categories[j]
    return c if c in r.declared else None


def _per_category(r: Ratings, counts: np.ndarray, f: np.ndarray, fpc: float, n: float,
                  iv: A.Interval, out: list[dict[str, Any]]) -> None:
    for j, (kappa, se, se0) in enumerate(A.fleiss_per_category(counts, f, fpc)):
        finite = math.isfinite(kappa)
        est = A.wald(kappa, se if finite and math.isfinite(se) else None,
                     "linearisation (Gwet 2014)", n=n, interval=iv) if finite else None
        out.append({"variable": r.variable, "statistic": "fleiss_kappa",
                    "category_index": j + 1, "category": _category_label(r, j),
                    "estimate": kappa if finite else None,
                    "se": None if est is None else _finite(est.se),
                    "ci_low": None if est is None else _finite(est.ci_low),
                    "ci_high": None if est is None else _finite(est.ci_high),
                    "se_null": se0 if finite else None,
                    "note": None if finite else "the category is used by every rating or by none"})


def _numeric(r: Ratings, n_boot: int | None, rng: np.random.Generator | None,
             seed: int | None, opts: Options = Options(),
             only: tuple[str, ...] | None = None) -> list[_Row]:
    x = r.values
    k = len(r.raters)
    iv = opts.interval
    level = iv.level
    f = np.ones(x.shape[0]) if r.freq is None else np.asarray(r.freq, float)
    complete = ~np.isnan(x).any(1)
    xc, fc = x[complete], f[complete]
    n_c = float(fc.sum())
    dropped = int(round(float(f.sum()) - n_c))
    note = (f"{dropped} incomplete case{'' if dropped == 1 else 's'} left out" if dropped
            else None)
    rows: list[_Row] = []
    boot_ms: list[A.MeanSquares] | None = None
    stats = [s for s in STATISTICS[r.level] if only is None or s in only]
    if n_boot and rng is not None and n_c >= 2 and any(s.startswith("icc_") for s in stats):
        # One set of resamples for all six ICC forms.
        if r.freq is None:
            boot_ms = [A.mean_squares(xc[rng.integers(0, len(xc), len(xc))])
                       for _ in range(n_boot)]
        else:
            boot_ms = [A.mean_squares(xc, w) for w in _resample_weights(fc, len(fc), n_boot, rng)]
    ba: dict[str, A.Estimate] | None = None
    ba_reason: Message | None = None
    for stat in stats:
        if stat.startswith("icc_"):
            if n_c < 2:
                rows.append(_Row(stat, None, Message("reliability.reason.every_rater")))
                continue
            if np.allclose(xc, xc.flat[0]):
                rows.append(_Row(stat, None, _same_values("ICC")))
                continue
            try:
                est = A.icc(xc, stat, alpha=1 - level, freq=None if r.freq is None else fc,
                            rho0=opts.icc_null)
            except A.Undefined as exc:
                rows.append(_Row(stat, None, _undefined(exc)))
                continue
            if boot_ms is not None:
                draws = np.array([A.icc_point(ms, stat) for ms in boot_ms])
                test = est.test
                est = replace(_percentile(est.estimate, draws, n_boot or 0, seed, level),
                              test=test)
            rows.append(_Row(stat, est, note=note, n_cases=int(round(n_c))))
        elif stat == "krippendorff_alpha":
            metric = r.level
            pairable = (~np.isnan(x)).sum(1) >= 2
            xa, fa = x[pairable], f[pairable]
            n_a = float(fa.sum())
            if n_a == 0:
                rows.append(_Row(stat, None, NO_PAIRS))
                continue
            if n_a < 2:
                rows.append(_Row(stat, None, ONE_CASE))
                continue
            n0 = float(f[(~np.isnan(x)).any(1)].sum())
            if n_boot and rng is not None:
                # The resamples' weights are drawn first, so that the estimate and every
                # resample are one call (ratio α's kernel is built once); where α turns out
                # undefined the generator is put back, so later draws are what they were.
                state = rng.bit_generator.state
                w_a = _resample_weights(None if r.freq is None else fa, len(fa), n_boot, rng)
                both = np.vstack([fa[None, :], w_a])
                alphas = (A.alpha_interval_direct(xa, both) if metric == "interval"
                          else A.alpha(xa, "ratio", both))
                point = float(alphas[0])
                if not math.isfinite(point):
                    rng.bit_generator.state = state
                    rows.append(_Row(stat, None, _same_values("α")))
                    continue
                est = _percentile(point, alphas[1:], n_boot, seed, level)
            else:
                # Gwet's analytic SE, matrix-free (issue 12: 2,000 cases × 6 raters of
                # continuous values at any level well under 2 s and 500 MB).
                est = _alpha_analytic(xa, metric, fa, n0, iv)
                if not math.isfinite(est.estimate):
                    rows.append(_Row(stat, None, _same_values("α")))
                    continue
            rows.append(_Row(stat, est, note=f"{metric} metric; uses incomplete cases",
                             n_cases=int(round(n_a))))
        elif stat.startswith("bland_altman"):
            if k != 2:
                rows.append(_Row(stat, None, Message("reliability.reason.ba_two", k=k)))
                continue
            if ba is None and ba_reason is None:
                try:
                    ba = A.bland_altman(xc[:, 0], xc[:, 1], fc, level=level)
                except A.Undefined as exc:
                    ba_reason = _undefined(exc)
            if ba is None or stat not in ba:
                rows.append(_Row(stat, None,
                                 ba_reason or Message("reliability.reason.flat_means")))
                continue
            rows.append(_Row(stat, ba[stat], note=(f"{r.raters[0]} − {r.raters[1]}"
                                                   + (f"; {note}" if note else "")),
                             n_cases=int(round(n_c))))
    return rows


def _label(stat: str, value: float | None) -> str | None:
    if stat.startswith("icc_"):
        return A.koo_li(value)
    if stat.startswith("bland_altman") or stat.startswith("percent_agreement"):
        return None
    return A.landis_koch(value)


def _fill_missing_se(r: Ratings, rows: list[_Row], opts: Options) -> None:
    """ICC has only an F-based interval: its SE comes from a percentile bootstrap of cases
    (1,000 resamples, seed 0), said in se_method."""
    need = [row for row in rows if row.est is not None and row.est.se is None
            and row.statistic.startswith("icc_")]
    if not need or r.codes is not None:
        return
    rng = np.random.default_rng(FALLBACK_SEED)
    boot = _numeric(r, FALLBACK_BOOTSTRAP, rng, FALLBACK_SEED, opts,
                    only=tuple(row.statistic for row in need))
    by_stat = {b.statistic: b for b in boot}
    for row in need:
        b = by_stat.get(row.statistic)
        if b is None or b.est is None or b.est.se is None:
            continue
        e = row.est
        assert e is not None  # ``need`` holds rows with an estimate
        row.est = replace(e, se=b.est.se, se_method=b.est.se_method)


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


PER_CATEGORY_SCHEMA = {"variable": pl.String, "statistic": pl.String,
                       "category_index": pl.Int64, "category": pl.String,
                       "estimate": pl.Float64, "se": pl.Float64, "ci_low": pl.Float64,
                       "ci_high": pl.Float64, "se_null": pl.Float64, "note": pl.String}


def compute(studies: list[Ratings], thresholds: dict[str, Thresholds], *,
            bootstrap: int | None = None, seed: int | None = FALLBACK_SEED,
            level: float = 0.95, distribution: str = "t", population: float | None = None,
            weights: str | None = None, icc_null: float = 0.0) -> ReliabilityResult:
    """Every statistic of every study. The bootstrap is seeded: ``seed`` None means
    ``FALLBACK_SEED`` (0), so identical input gives identical output.

    ``level``: the confidence level; ``distribution``: ``t`` (Student's t with n − 1 df, as
    irrCAC) or ``z`` for the Wald intervals; ``population``: the number of cases the study was
    sampled from (irrCAC's N: the variances get the factor 1 − n/N); ``weights``: irrCAC's
    weights (``A.WEIGHTS``) for the weighted coefficients at the ordinal level (AC2 and the
    ``*_weighted`` rows; default quadratic AC2 only); ``icc_null``: ρ₀ of the ICC F tests."""
    seed = FALLBACK_SEED if seed is None else seed
    if not 0 < level < 1:
        raise ConfigError(Message("reliability.level", value=level))
    if distribution not in ("t", "z"):
        raise ConfigError(Message("reliability.distribution", value=distribution))
    if population is not None and not population > 0:
        raise ConfigError(Message("reliability.population", value=population))
    if weights is not None and weights not in A.WEIGHTS:
        raise ConfigError(Message("reliability.weights", value=weights, choices=A.WEIGHTS))
    if not 0 <= icc_null < 1:
        raise ConfigError(Message("reliability.icc_null", value=icc_null))
    opts = Options(bootstrap, seed, A.Interval(level, distribution, population), weights,
                   icc_null)
    rng = np.random.default_rng(seed) if bootstrap else None
    records = []
    per_category: list[dict[str, Any]] = []
    warnings: list[str] = []
    for r in studies:
        if r.codes is not None and not r.problem and len(r.categories) > MAX_CATEGORIES:
            r = replace(r, problem=Message("reliability.reason.too_many_categories",
                                           n=len(r.categories), most=MAX_CATEGORIES))
        n_cases = r.n_cases
        n_raters = len(r.raters)
        warnings += [Message("reliability.remark", variable=r.variable, remark=remark)
                     for remark in r.remarks]
        if population is not None and n_cases > population:
            raise ConfigError(Message("reliability.more_than_population", variable=r.variable,
                                      cases=n_cases, population=population))
        if r.problem:
            rows = [_Row(s, None, r.problem) for s in STATISTICS[r.level]
                    if s != "weighted_kappa_spec"]
            warnings.append(Message("reliability.problem", variable=r.variable,
                                    problem=r.problem))
        else:
            # Ratings near the float limit (1e300) overflow in the sums of squares: NumPy would
            # print warnings to stderr; the estimates become inf/nan and the guard below says
            # "undefined" instead.
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                rows = (_categorical(r, bootstrap, rng, seed, opts, per_category)
                        if r.level in ("nominal", "ordinal")
                        else _numeric(r, bootstrap, rng, seed, opts))
        for row in rows:  # last guard: an estimate that is not a number is not an estimate
            if row.est is not None and not math.isfinite(row.est.estimate):
                row.est, row.reason = None, Message("reliability.reason.undefined")
        if not bootstrap and not r.problem:
            _fill_missing_se(r, rows, opts)
        by_stat = {row.statistic: row for row in rows}
        pa = by_stat.get("percent_agreement")
        kappas = []
        for name in KAPPA_LIKE:
            kap = by_stat.get(name)
            if (kap and kap.est and pa and pa.est and pa.est.estimate >= 0.8
                    and kap.est.estimate < 0.6):
                kappas.append(Message("reliability.paradox_kappa", statistic=name,
                                      kappa=kap.est.estimate))
                kap.note = (kap.note + "; " if kap.note else "") + "kappa paradox: see gwet_ac1"
                kap.paradox = True
        if kappas and pa is not None and pa.est is not None:  # one warning per variable
            warnings.append(Message("reliability.paradox", variable=r.variable, kappas=kappas,
                                    agreement=pa.est.estimate))
        for row in rows:
            if row.reason and not r.problem:
                warnings.append(Message("reliability.left_out", variable=r.variable,
                                        statistic=row.statistic, reason=row.reason))
            est = row.est
            value = None if est is None else _finite(est.estimate)
            t = thresholds.get(row.statistic, Thresholds())
            status = "not_assessed" if value is None else (
                "info" if row.statistic.startswith("bland_altman") else t.status(value))
            se = None if est is None else _finite(est.se)
            low = None if est is None else _finite(est.ci_low)
            high = None if est is None else _finite(est.ci_high)
            ci_method = None if est is None or low is None else est.ci_method
            if value is not None and _degenerate(value, se, low, high):
                # No variation in the ratings (every difference equal, perfect agreement): the
                # formulas give an interval of width 0 (or an SE of rounding noise, 2e-16),
                # which would claim a certainty 20 cases cannot give. SE 0, no interval, and
                # the row says why.
                se, low, high, ci_method = 0.0 if se is not None else None, None, None, None
                cases = row.n_cases if est is not None else n_cases
                if row.statistic == "percent_agreement" and value in (0.0, 1.0) and cases:
                    # Every case all-agree (or all-disagree): a share of cases, x of n, with
                    # the Wilson interval every other share in dq has (60 of 60: 94,0–100).
                    from scipy.stats import norm

                    from dq.stats import wilson

                    low, high = wilson(round(value * cases), cases,
                                       float(norm.ppf(0.5 + level / 2)))
                    ci_method = f"Wilson score ({100 * level:g} %) of the cases"
                    row.note = (row.note + "; " if row.note else "") + \
                        "no variation between the ratings: Wilson interval of the cases"
                else:
                    row.note = (row.note + "; " if row.note else "") + \
                        "no variation between the ratings: no confidence interval"
            test = None if est is None else est.test
            records.append({
                "variable": r.variable, "level": r.level, "statistic": row.statistic,
                "estimate": value, "se": se, "ci_low": low, "ci_high": high,
                "se_method": None if est is None or se is None else est.se_method,
                "ci_method": ci_method,
                "se_null": None if est is None else _finite(est.se0),
                "n_cases": row.n_cases if est is not None else n_cases, "n_raters": n_raters,
                "label": _label(row.statistic, value), "warn_below": t.warn_below,
                "fail_below": t.fail_below, "status": status,
                "note": (None if row.reason is None else str(row.reason)) if est is None
                else row.note,
                "paradox": row.paradox,
                "test": None if test is None else test.name,
                "test_statistic": None if test is None else _finite(test.statistic),
                "df1": None if test is None else _finite(test.df1),
                "df2": None if test is None else _finite(test.df2),
                "p_value": None if test is None else _finite(test.p_value),
                "null_value": None if test is None else test.null,
                "prevalence_index": row.extra.get("prevalence_index"),
                "bias_index": row.extra.get("bias_index"),
                "confidence_level": level,
            })
    schema = {"variable": pl.String, "level": pl.String, "statistic": pl.String,
              "estimate": pl.Float64, "se": pl.Float64, "ci_low": pl.Float64,
              "ci_high": pl.Float64, "se_method": pl.String, "ci_method": pl.String,
              "se_null": pl.Float64, "n_cases": pl.Int64, "n_raters": pl.Int64,
              "label": pl.String, "warn_below": pl.Float64, "fail_below": pl.Float64,
              "status": pl.String, "note": pl.String, "paradox": pl.Boolean, "test": pl.String,
              "test_statistic": pl.Float64, "df1": pl.Float64, "df2": pl.Float64,
              "p_value": pl.Float64, "null_value": pl.Float64, "prevalence_index": pl.Float64,
              "bias_index": pl.Float64, "confidence_level": pl.Float64}
    return ReliabilityResult(pl.DataFrame(records, schema=schema, orient="row"), warnings,
                             bootstrap, seed if bootstrap else None,
                             pl.DataFrame(per_category, schema=PER_CATEGORY_SCHEMA, orient="row"),
                             population)


def level_of(name: str, spec: Spec, override: str | None) -> str:
    if override:
        return override
    var = spec.variables.get(name)
    if var is None:
        return "nominal"
    if var.level:
        return var.level
    return {"categorical": "nominal", "integer": "interval", "decimal": "interval"}.get(
        var.type, "nominal")


def ratings(source: Source, spec: Spec, *, case: str | None = None, rater: str | None = None,
            raters: list[str] | None = None, table: bool = False,
            variables: list[str] | None = None, level: str | None = None,
            categories: list[str] | None = None) -> list[Ratings]:
    """The study in whichever form it comes: a contingency table (``table``), wide (one column
    per rater, ``raters``) or long (``case`` and ``rater`` columns, default the spec's); one
    place for ``dq reliability``, ``dq.reliability`` and the report."""
    rs = spec.reliability
    if table or raters:
        name = (variables or ["rating"])[0]
        lvl = level_of(name, spec, level)
        if table:
            return ratings_from_table(source, name, lvl, spec=spec, categories=categories)
        return ratings_from_wide(source, list(raters or []), name, lvl, spec=spec,
                                 categories=categories)
    case, rater = case or rs.case, rater or rs.rater
    if not case or not rater:
        raise ConfigError(Message("reliability.form"))
    names = list(variables or []) or list(rs.variables) or [
        c for c in source.columns if c not in (case, rater)]
    return ratings_from_long(source, case, rater, names,
                             {n: level_of(n, spec, level) for n in names}, spec=spec,
                             categories=categories)


def to_json(result: ReliabilityResult, infos: list, spec: Spec,  # noqa: ANN001
            bootstrap: int | None, seed: int | None) -> str:
    """What ``dq reliability --format json`` writes."""
    from dq.render import envelope

    extra: dict[str, Any] = {}
    if result.per_category is not None and result.per_category.height:
        extra["per_category"] = result.per_category
    if result.population is not None:
        extra["population"] = result.population
    return envelope.dumps(envelope.envelope("reliability", infos, spec, result.rows,
                                            period=result.period,
                                            bootstrap=bootstrap, seed=seed,
                                            warnings=result.warnings, **extra))


make_callable(__name__)  # dq.reliability(...) calls dq.api.reliability

