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
variable (one rater, one category, unequal raters per case where it needs equal numbers, text
where numbers are needed) is left out of that row with the reason; the rest of the run goes on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from dq import agreement as A
from dq.errors import InputError
from dq.io import Source
from dq.io.values import as_text, number
from dq.spec import Spec, Thresholds

LEVELS = ("nominal", "ordinal", "interval", "ratio")
STATISTICS = {
    "nominal": ("percent_agreement", "cohen_kappa", "fleiss_kappa", "gwet_ac1", "pabak",
                "brennan_prediger", "krippendorff_alpha"),
    "ordinal": ("percent_agreement", "weighted_kappa_linear", "weighted_kappa_quadratic",
                "weighted_kappa_spec", "gwet_ac2", "krippendorff_alpha"),
    "interval": (*A.ICC_FORMS, "krippendorff_alpha", "bland_altman_bias", "bland_altman_loa_low",
                 "bland_altman_loa_high"),
}
STATISTICS["ratio"] = STATISTICS["interval"]
KAPPA_LIKE = ("cohen_kappa", "fleiss_kappa")
PARADOX_NOTE = ("κ is low while the raters agree on most cases: prevalence is skewed (the kappa "
                "paradox, Feinstein & Cicchetti 1990); read gwet_ac1 and pabak beside it")


@dataclass(frozen=True)
class Ratings:
    """One variable of a study: cases × raters, as category codes or numbers."""

    variable: str
    level: str
    raters: list[str]
    values: np.ndarray  # float matrix, NaN = missing (interval/ratio)
    codes: np.ndarray | None  # int matrix, −1 = missing (nominal/ordinal)
    categories: list[str]
    problem: str | None = None  # why nothing can be computed
    kappa_weights: np.ndarray | None = None  # the spec's disagreement weights, categories order


@dataclass(frozen=True)
class ReliabilityResult:
    rows: pl.DataFrame
    warnings: list[str] = field(default_factory=list)
    bootstrap: int | None = None
    seed: int | None = None

    @property
    def failed(self) -> bool:
        return bool((self.rows["status"] == "fail").any())


# ------------------------------------------------------------------------------ shaping


def _sort_key(value: str) -> tuple[int, float | str]:
    try:
        return (0, float(value.replace(",", ".")))
    except ValueError:
        return (1, value)


def ratings_from_long(source: Source, case: str, rater: str, variables: list[str],
                      levels: dict[str, str], spec: Spec | None = None) -> list[Ratings]:
    schema = source.lf.collect_schema()
    missing = [c for c in (case, rater, *variables) if c not in schema]
    if missing:
        raise InputError(f"{source.info.path}: column(s) {', '.join(map(repr, missing))} not found "
                         f"(columns: {', '.join(list(schema)[:30])}); name the case and rater "
                         "columns with --case-column/--rater-column")
    df = source.lf.select(pl.col(case).cast(pl.String).alias("__case"),
                          pl.col(rater).cast(pl.String).alias("__rater"),
                          *[pl.col(v) for v in variables]).collect()
    dups = df.select("__case", "__rater").is_duplicated().sum()
    if dups:
        raise InputError(f"{source.info.path}: {dups} rows repeat a case × rater pair in "
                         f"{case!r} × {rater!r}; each rater rates each case once")
    out = []
    for var in variables:
        wide = (df.select("__case", "__rater", var).filter(pl.col("__rater").is_not_null())
                .pivot(on="__rater", index="__case", values=var, sort_columns=True))
        raters = [c for c in wide.columns if c != "__case"]
        out.append(_shape(var, levels[var], wide.select(raters), raters,
                          variable=spec.variables.get(var) if spec else None))
    return out


def ratings_from_wide(source: Source, raters: list[str], name: str, level: str) -> list[Ratings]:
    schema = source.lf.collect_schema()
    missing = [c for c in raters if c not in schema]
    if missing:
        raise InputError(f"{source.info.path}: rater column(s) {', '.join(map(repr, missing))} not "
                         f"found (columns: {', '.join(list(schema)[:30])})")
    return [_shape(name, level, source.lf.select(raters).collect(), raters)]


def ratings_from_table(source: Source, name: str, level: str) -> list[Ratings]:
    """A square table: first column the categories of rater 1, then one count column per
    category of rater 2 (same order)."""
    df = source.lf.collect()
    labels = [str(v) for v in df.get_column(df.columns[0]).to_list()]
    counts = df.select(df.columns[1:])
    if counts.width != len(labels):
        raise InputError(f"{source.info.path}: the table has {len(labels)} rows of categories but "
                         f"{counts.width} count columns; a contingency table must be square")
    try:
        table = np.array([[int(float(str(v).replace(",", "."))) for v in row]
                          for row in counts.iter_rows()])
    except (TypeError, ValueError):
        raise InputError(f"{source.info.path}: the table holds values that are not counts") from None
    if (table < 0).any():
        raise InputError(f"{source.info.path}: the table holds negative counts")
    pairs = np.array([(i, j) for i in range(len(labels)) for j in range(len(labels))
                      for _ in range(table[i, j])])
    frame = pl.DataFrame({"rater_1": [labels[i] for i in pairs[:, 0]],
                          "rater_2": [labels[j] for j in pairs[:, 1]]})
    return [_shape(name, level, frame, ["rater_1", "rater_2"], categories=labels)]


def _shape(var: str, level: str, wide: pl.DataFrame, raters: list[str],
           categories: list[str] | None = None, variable=None) -> Ratings:  # noqa: ANN001
    wide = wide.filter(~pl.all_horizontal(pl.all().is_null()))
    empty = np.empty((wide.height, len(raters)))
    if wide.height == 0:
        return Ratings(var, level, raters, empty, None, [], "all ratings are missing")
    if len(raters) < 2:
        return Ratings(var, level, raters, empty, None, [], "only one rater")
    if level in ("interval", "ratio"):
        nums = wide.select(number(pl.col(c), wide.schema[c]).alias(c) for c in raters)
        n_text = sum(int(((nums[c].is_null()) & wide[c].is_not_null()).sum()) for c in raters)
        if n_text:
            return Ratings(var, level, raters, empty, None, [],
                           f"{n_text} rating(s) are text where the level is {level}; set the "
                           "level to nominal or ordinal, or clean the values")
        values = nums.to_numpy().astype(float)
        return Ratings(var, level, raters, values, None, [])
    text = wide.select(as_text(pl.col(c), wide.schema[c]).alias(c) for c in raters)
    seen = sorted({v for c in raters for v in text[c].drop_nulls().to_list()}, key=_sort_key)
    weights = None
    if variable is not None and variable.kappa_weights is not None and variable.codes:
        categories = categories or list(variable.codes)  # the order the weights are written in
        weights = np.array(variable.kappa_weights)
    cats = categories or seen
    index = {c: i for i, c in enumerate(cats)}
    unknown = [v for v in seen if v not in index]
    if unknown:
        cats = cats + unknown
        index = {c: i for i, c in enumerate(cats)}
    codes = text.select(pl.col(c).replace_strict(index, default=-1, return_dtype=pl.Int64)
                        for c in raters).to_numpy()
    if weights is not None and len(cats) != weights.shape[0]:
        weights = None  # values outside the declared codes: the spec's weights do not fit
    return Ratings(var, level, raters, np.empty(0), codes, cats, kappa_weights=weights)


# ------------------------------------------------------------------------------ statistics


@dataclass
class _Row:
    statistic: str
    est: A.Estimate | None
    reason: str | None = None
    note: str | None = None
    n_cases: int = 0


def _boot_weights(n: int, b: int, rng: np.random.Generator) -> np.ndarray:
    """Case weights of ``b`` resamples: how often each of the ``n`` cases was drawn."""
    idx = rng.integers(0, n, size=(b, n))
    flat = (np.arange(b)[:, None] * n + idx).ravel()
    return np.bincount(flat, minlength=b * n).reshape(b, n).astype(np.float64)


def _percentile(est: float, draws: np.ndarray, n_boot: int, seed: int | None) -> A.Estimate:
    draws = draws[np.isfinite(draws)]
    if draws.size < 2:
        return A.Estimate(est, None, None, None, None, None)
    lo, hi = np.percentile(draws, [2.5, 97.5])
    return A.Estimate(est, float(draws.std(ddof=1)), float(lo), float(hi),
                      f"bootstrap SD ({n_boot} resamples of cases, seed {seed})",
                      "percentile bootstrap")


def kappa_draws(pairs: np.ndarray, q: int, kind: str, weights: np.ndarray,
                disagreement: np.ndarray | None = None) -> np.ndarray:
    """Cohen's (weighted) κ of every resample at once: tables = case weights @ one-hot pairs."""
    n = pairs.shape[0]
    onehot = np.zeros((n, q * q))
    onehot[np.arange(n), pairs[:, 0] * q + pairs[:, 1]] = 1
    tables = (weights @ onehot).reshape(-1, q, q)
    return A.kappa_from_tables(tables, A.ordinal_weights(q, kind, disagreement))


def kappa_bootstrap(pairs: np.ndarray, q: int, n_boot: int, seed: int | None,
                    kind: str = "identity") -> A.Estimate:
    """Percentile bootstrap CI of Cohen's κ over cases (complete pairs of codes 0..q−1)."""
    rng = np.random.default_rng(seed)
    point = float(A.kappa_from_tables(A.pair_table(pairs, q)[None], A.ordinal_weights(q, kind))[0])
    w = _boot_weights(pairs.shape[0], n_boot, rng)
    return _percentile(point, kappa_draws(pairs, q, kind, w), n_boot, seed)


def _categorical(r: Ratings, n_boot: int | None, rng: np.random.Generator | None,
                 seed: int | None) -> list[_Row]:
    assert r.codes is not None
    q = len(r.categories)
    k = len(r.raters)
    counts = A.counts_matrix(r.codes, q)
    rated = counts.sum(1)
    informative = rated >= 2
    n_inf = int(informative.sum())
    rows: list[_Row] = []
    stats = STATISTICS[r.level]
    if n_inf == 0:
        return [_Row(s, None, "no case has two or more ratings") for s in stats]
    counts = counts[informative]
    codes = r.codes[informative]
    dropped_single = int((~informative & (rated > 0)).sum())
    n = counts.shape[0]
    w_boot = _boot_weights(n, n_boot, rng) if n_boot and rng is not None else None
    weights_ord = A.ordinal_weights(q, "quadratic")
    single_note = (f"{dropped_single} case(s) with a single rating left out"
                   if dropped_single else None)

    for stat in stats:
        if stat in ("percent_agreement", "gwet_ac1", "gwet_ac2", "brennan_prediger", "pabak",
                    "fleiss_kappa"):
            if stat == "pabak" and q != 2:
                continue  # PABAK is Brennan–Prediger for two categories: shown as that
            if stat == "brennan_prediger" and q == 2 and r.level == "nominal":
                continue  # the same number as PABAK, which is shown
            if q < 2 and stat != "percent_agreement":
                rows.append(_Row(stat, None, "only one category was used: chance-corrected "
                                             "agreement is undefined"))
                continue
            note = single_note
            terms_w = weights_ord if stat == "gwet_ac2" else np.eye(q)
            use = counts
            if stat == "fleiss_kappa":
                m = counts.sum(1)
                if len(np.unique(m)) > 1:
                    rows.append(_Row(stat, None, f"cases have {m.min()} to {m.max()} ratings; "
                                                 "Fleiss' κ needs the same number per case — "
                                                 "gwet_ac1 and krippendorff_alpha allow it"))
                    continue
            t = A.case_terms(use, terms_w)
            kind = "brennan_prediger" if stat == "pabak" else stat
            point = float(A.coefficient(kind, t)[0])
            if w_boot is not None:
                est = _percentile(point, A.coefficient(kind, t, w_boot), n_boot or 0, seed)
            else:
                est = A.wald(point, A.gwet_se(kind, t),
                             "linearisation (Gwet 2014; irrCAC)")
            if stat == "fleiss_kappa":
                se0 = A.fleiss_se0(use)
                est = A.Estimate(est.estimate, est.se, est.ci_low, est.ci_high, est.se_method,
                                 est.ci_method, se0)
            if stat == "gwet_ac2":
                note = "quadratic weights" + (f"; {note}" if note else "")
            rows.append(_Row(stat, est, note=note, n_cases=n))
        elif stat in ("cohen_kappa", "weighted_kappa_linear", "weighted_kappa_quadratic",
                      "weighted_kappa_spec"):
            if stat == "weighted_kappa_spec" and r.kappa_weights is None:
                continue  # only where the spec gives kappa_weights (that fit the codes seen)
            if k != 2:
                rows.append(_Row(stat, None, f"Cohen's κ is for two raters ({k} here); see "
                                             "fleiss_kappa and gwet_ac1"))
                continue
            complete = (codes >= 0).all(1)
            n_c = int(complete.sum())
            if n_c < 2:
                rows.append(_Row(stat, None, "fewer than two cases rated by both raters"))
                continue
            if q < 2:
                rows.append(_Row(stat, None, "only one category was used: κ is undefined"))
                continue
            kind = {"cohen_kappa": "identity", "weighted_kappa_linear": "linear",
                    "weighted_kappa_quadratic": "quadratic", "weighted_kappa_spec": "custom"}[stat]
            table = A.pair_table(codes, q)
            try:
                est = A.cohen(table, kind, r.kappa_weights)
            except (ZeroDivisionError, FloatingPointError, ValueError):
                rows.append(_Row(stat, None, "κ is undefined for this table (chance agreement 1)"))
                continue
            if w_boot is not None:
                draws = kappa_draws(codes[complete], q, kind, w_boot[:, complete], r.kappa_weights)
                est = _percentile(est.estimate, draws, n_boot or 0, seed)
            dropped = n - n_c + dropped_single
            note = f"{dropped} case(s) without both ratings left out" if dropped else None
            rows.append(_Row(stat, est, note=note, n_cases=n_c))
        elif stat == "krippendorff_alpha":
            values = np.array([float(i) for i in range(q)])
            metric = "ordinal" if r.level == "ordinal" else "nominal"
            if q < 2:
                rows.append(_Row(stat, None, "only one category was used: α is undefined"))
                continue
            point = float(A.alpha_from_coincidences(A.coincidences(counts), values, metric)[0])
            if w_boot is not None:
                est = _percentile(point, A.alpha_from_coincidences(
                    A.coincidences(counts, w_boot), values, metric), n_boot or 0, seed)
            else:
                est = A.Estimate(point, None, None, None, None, None)
            rows.append(_Row(stat, est, note=f"{metric} metric; uses every case with two or more "
                                                 "ratings", n_cases=n))
    return rows


def _numeric(r: Ratings, n_boot: int | None, rng: np.random.Generator | None,
             seed: int | None) -> list[_Row]:
    x = r.values
    k = len(r.raters)
    complete = ~np.isnan(x).any(1)
    xc = x[complete]
    n_c = xc.shape[0]
    dropped = x.shape[0] - n_c
    note = f"{dropped} incomplete case(s) left out" if dropped else None
    rows: list[_Row] = []
    boot_ms: list[A.MeanSquares] | None = None
    if n_boot and rng is not None and n_c >= 2:
        # One set of resamples for all six ICC forms.
        boot_ms = [A.mean_squares(xc[rng.integers(0, n_c, n_c)]) for _ in range(n_boot)]
    for stat in STATISTICS[r.level]:
        if stat.startswith("icc_"):
            if n_c < 2:
                rows.append(_Row(stat, None, "fewer than two cases rated by every rater"))
                continue
            if np.allclose(xc, xc.flat[0]):
                rows.append(_Row(stat, None, "every rating is the same: ICC is undefined"))
                continue
            est = A.icc(xc, stat)
            if boot_ms is not None:
                with np.errstate(invalid="ignore", divide="ignore"):
                    draws = np.array([A.icc_point(ms, stat) for ms in boot_ms])
                est = _percentile(est.estimate, draws, n_boot or 0, seed)
            rows.append(_Row(stat, est, note=note, n_cases=n_c))
        elif stat == "krippendorff_alpha":
            metric = r.level
            pairable = (~np.isnan(x)).sum(1) >= 2
            xa = x[pairable]
            if xa.shape[0] == 0:
                rows.append(_Row(stat, None, "no case has two or more ratings"))
                continue
            if metric == "interval":
                point = float(A.alpha_interval_direct(xa)[0])
                if n_boot and rng is not None:
                    w_boot = _boot_weights(xa.shape[0], n_boot, rng)
                    est = _percentile(point, A.alpha_interval_direct(xa, w_boot), n_boot, seed)
                else:
                    est = A.Estimate(point, None, None, None, None, None)
            else:
                vals = np.unique(xa[~np.isnan(xa)])
                codes = np.where(np.isnan(xa), -1, np.searchsorted(vals, np.nan_to_num(xa)))
                counts = A.counts_matrix(codes.astype(np.int64), len(vals))
                point = float(A.alpha_from_coincidences(A.coincidences(counts), vals, "ratio")[0])
                est = A.Estimate(point, None, None, None, None, None)
                if n_boot and rng is not None:
                    w = _boot_weights(counts.shape[0], n_boot, rng)
                    est = _percentile(point, A.alpha_from_coincidences(
                        A.coincidences(counts, w), vals, "ratio"), n_boot, seed)
            rows.append(_Row(stat, est, note=f"{metric} metric; uses incomplete cases",
                             n_cases=int(xa.shape[0])))
        elif stat.startswith("bland_altman"):
            if k != 2:
                rows.append(_Row(stat, None, f"Bland–Altman compares two raters ({k} here)"))
                continue
            if n_c < 3:
                rows.append(_Row(stat, None, "fewer than three cases rated by both raters"))
                continue
            est = A.bland_altman(xc[:, 0], xc[:, 1])[stat]
            rows.append(_Row(stat, est, note=(f"{r.raters[0]} − {r.raters[1]}"
                                              + (f"; {note}" if note else "")), n_cases=n_c))
    return rows


def _label(stat: str, value: float | None) -> str | None:
    if stat.startswith("icc_"):
        return A.koo_li(value)
    if stat.startswith("bland_altman") or stat == "percent_agreement":
        return None
    return A.landis_koch(value)


FALLBACK_BOOTSTRAP = 1000  # resamples for statistics with no published SE (α; ICC's SE)
FALLBACK_SEED = 0


def _fill_missing_se(r: Ratings, rows: list[_Row]) -> None:
    """α has no published analytic SE and ICC only an F-based interval: their SE (and α's CI)
    come from a percentile bootstrap of cases (1,000 resamples, seed 0), said in se_method."""
    need = [row for row in rows if row.est is not None and row.est.se is None
            and (row.statistic == "krippendorff_alpha" or row.statistic.startswith("icc_"))]
    if not need:
        return
    rng = np.random.default_rng(FALLBACK_SEED)
    boot = (_categorical(r, FALLBACK_BOOTSTRAP, rng, FALLBACK_SEED) if r.codes is not None
            else _numeric(r, FALLBACK_BOOTSTRAP, rng, FALLBACK_SEED))
    by_stat = {b.statistic: b for b in boot}
    for row in need:
        b = by_stat.get(row.statistic)
        if b is None or b.est is None or b.est.se is None:
            continue
        e = row.est
        assert e is not None  # ``need`` holds rows with an estimate
        if row.statistic.startswith("icc_"):
            row.est = A.Estimate(e.estimate, b.est.se, e.ci_low, e.ci_high, b.est.se_method,
                                 e.ci_method)
        else:
            row.est = b.est


def compute(studies: list[Ratings], thresholds: dict[str, Thresholds], *,
            bootstrap: int | None = None, seed: int | None = None) -> ReliabilityResult:
    rng = np.random.default_rng(seed) if bootstrap else None
    records = []
    warnings: list[str] = []
    for r in studies:
        n_cases = r.values.shape[0] if r.codes is None else r.codes.shape[0]
        n_raters = len(r.raters)
        if r.problem:
            rows = [_Row(s, None, r.problem) for s in STATISTICS[r.level]]
            warnings.append(f"{r.variable}: {r.problem}; no statistic computed")
        elif r.level in ("nominal", "ordinal"):
            rows = _categorical(r, bootstrap, rng, seed)
        else:
            rows = _numeric(r, bootstrap, rng, seed)
        if not bootstrap and not r.problem:
            _fill_missing_se(r, rows)
        by_stat = {row.statistic: row for row in rows}
        pa = by_stat.get("percent_agreement")
        for name in KAPPA_LIKE:
            kap = by_stat.get(name)
            if (kap and kap.est and pa and pa.est and pa.est.estimate >= 0.8
                    and kap.est.estimate < 0.6):
                warnings.append(f"{r.variable}: {name} = {kap.est.estimate:.2f} while agreement is "
                                f"{100 * pa.est.estimate:.0f} %: {PARADOX_NOTE}")
                kap.note = (kap.note + "; " if kap.note else "") + "kappa paradox: see gwet_ac1"
        for row in rows:
            if row.reason and not r.problem:
                warnings.append(f"{r.variable}: {row.statistic} left out: {row.reason}")
            est = row.est
            value = None if est is None or not math.isfinite(est.estimate) else est.estimate
            t = thresholds.get(row.statistic, Thresholds())
            status = "not_assessed" if value is None else (
                "info" if row.statistic.startswith("bland_altman") else t.status(value))
            records.append({
                "variable": r.variable, "level": r.level, "statistic": row.statistic,
                "estimate": value, "se": None if est is None else est.se,
                "ci_low": None if est is None else est.ci_low,
                "ci_high": None if est is None else est.ci_high,
                "se_method": None if est is None else est.se_method,
                "ci_method": None if est is None else est.ci_method,
                "se_null": None if est is None else est.se0,
                "n_cases": row.n_cases if est is not None else n_cases, "n_raters": n_raters,
                "label": _label(row.statistic, value), "warn_below": t.warn_below,
                "fail_below": t.fail_below, "status": status,
                "note": row.reason if est is None else row.note,
            })
    schema = {"variable": pl.String, "level": pl.String, "statistic": pl.String,
              "estimate": pl.Float64, "se": pl.Float64, "ci_low": pl.Float64,
              "ci_high": pl.Float64, "se_method": pl.String, "ci_method": pl.String,
              "se_null": pl.Float64, "n_cases": pl.Int64, "n_raters": pl.Int64,
              "label": pl.String, "warn_below": pl.Float64, "fail_below": pl.Float64,
              "status": pl.String, "note": pl.String}
    return ReliabilityResult(pl.DataFrame(records, schema=schema, orient="row"), warnings,
                             bootstrap, seed)


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
