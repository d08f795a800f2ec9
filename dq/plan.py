"""How many cases a data-quality study needs: sample size and precision planning.

Every function returns a :class:`Plan`: the number of subjects, the method and its reference, the
assumptions and what the study will achieve at that n (the expected confidence interval, its
width, or the power). Given ``n`` instead of a width or power, the same functions say what a
study of that size achieves. Notation follows the sources:

κ (inter-rater agreement, nominal ratings, m raters)
    By confidence interval: Donner & Rotondi 2010 (Int J Biostat 6(1):31,
    doi:10.2202/1557-4679.1275) for a binary rating; Rotondi & Donner 2012 (J Clin Epidemiol
    65:778–784, doi:10.1016/j.jclinepi.2011.10.019) for K ≥ 3 categories. By power: Donner &
    Eliasziw 1992 (Stat Med 11:1511–1519, doi:10.1002/sim.4780111109). All three rest on the
    goodness-of-fit statistic χ² = n Σ_i (P_i(κ_a) − P_i(κ_b))² / P_i(κ_b) over the cells of a
    model of the m ratings of one subject:

    - binary (common correlation model), the number k = 0..m of positive ratings:
      P_k(κ) = (1 − κ) C(m,k) π^k (1 − π)^(m−k) + κ [k = 0](1 − π) + κ [k = m] π;
    - K ≥ 3 categories (Dirichlet–multinomial), "all m raters chose category j" (j = 1..K) and
      "the raters did not all agree": P_j(κ) = Π_{i=0}^{m−1} (π_j (1 − κ) + iκ) / (1 − κ + iκ),
      P_0 = 1 − Σ_j P_j.

    The CI approach finds the smallest n for which the expected statistic for κ0 against each
    limit κ_L, κ_U (cells at the limit) reaches χ²_{1, 1−α}; the power approach n = λ / Q with Q
    the statistic per subject for κ1 against κ0 (cells at κ0) and λ the non-centrality at which a
    χ²_1 test at level α has the power asked for. These are the formulas of the R package
    kappaSize 1.2 (Rotondi; ``CIBinary``, ``CI3Cats``…``CI5Cats``, ``PowerBinary``,
    ``Power3Cats``…, ``FixedNBinary``…): the tests reproduce its results. kappaSize covers 2–6
    raters and 2–5 categories; the formulas here hold for any m ≥ 2 and K ≥ 2.
ICC
    By CI width: Bonett 2002 (Stat Med 21:1331–1335, doi:10.1002/sim.1108), eq. 3,
    n = 8 z² (1 − ρ)² (1 + (k − 1)ρ)² / (k (k − 1) w²) + 1, plus 5ρ when k = 2 and ρ ≥ 0.7 (as
    Bonett recommends; presize ``prec_icc``). By power against ρ0: Walter, Eliasziw & Donner 1998
    (Stat Med 17:101–110, doi:10.1002/(SICI)1097-0258(19980115)17:1<101::AID-SIM727>3.0.CO;2-E),
    n = 1 + 2k (z_α + z_β)² / ((k − 1) (ln C0)²), C0 = (1 + kρ0/(1 − ρ0)) / (1 + kρ1/(1 − ρ1)).
Sensitivity and specificity
    Buderer 1996 (Acad Emerg Med 3:895–900, doi:10.1111/j.1553-2712.1996.tb03538.x): n positives
    (negatives) for the interval of a proportion, n_total = n / prevalence (n / (1 − prevalence)).
A proportion
    Wald n = z² p (1 − p) / (w/2)² (statsmodels ``samplesize_confint_proportion``); Wilson and
    Clopper–Pearson: the smallest n whose expected interval (at x = pn, the convention of R's
    presize ``prec_prop``) is no wider than w.
Two proportions (before/after a data-quality project)
    Fleiss, Tytun & Ury 1980 (Biometrics 36:343–346, doi:10.2307/2529990): per group
    n' = (z_α √(2 p̄ q̄) + z_β √(p1 q1 + p2 q2))² / Δ², with the continuity correction
    n = n'/4 (1 + √(1 + 4/(n'Δ)))² (Fleiss, Levin & Paik 2003, eq. 4.14); n' equals statsmodels'
    ``samplesize_proportions_2indep_onetail``.

From a pilot (``--from-study``)
    :func:`pilot` reads the planning values from a pilot inter-rater study through
    dq.reliability: for κ Fleiss' κ (Fleiss 1971, the estimator of the common-correlation κ the
    models above assume) and the category shares pooled over all ratings (the π_j of the
    model, estimated as in Fleiss 1971, p_j = Σ_i n_ij / (n m)); for the ICC the two-way
    random-effects, single-rater, absolute-agreement ICC(2,1) (Shrout & Fleiss 1979) and the
    pilot's number of raters. A pilot's estimate is itself uncertain: its CI is shown beside it.
    Each measure is planned only for the levels of measurement dq reliability reports it at
    (PILOT_LEVELS): κ for categories (nominal, ordinal), the ICC for measurements (interval,
    ratio), which it assumes — equal distances between values. A variable the spec puts at
    another level is refused with the plan that fits (κ of an age: ``dq plan icc``).

SciPy and statsmodels are imported inside the functions (``dq --help`` must not load them).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dq.errors import ConfigError
from dq.messages import Message

MEASURES = ("kappa", "icc", "sensitivity", "specificity", "proportion", "difference")
CI_METHODS = ("wald", "wilson", "clopper-pearson")

#: The largest study dq plans (cases, patients in all, or records in both groups): a plan that
#: would need more is refused (exit 2) with what to change. No record review or inter-rater study
#: comes near it, and --width 1e-9 would otherwise print a sample size of 10¹⁹.
MAX_N = 10_000_000

#: How near 0 or 1 a share, κ, ICC or width may lie: nearer, the formulas lose their digits (a
#: prevalence of 1e-200 makes every χ² term underflow to zero). The catalogue's "plan.edge"
#: writes the range out.
EDGE = 1e-6

#: method key → reference, as cited in every output: citations only, in no language (the method
#: itself is named from the catalogue, "plan.method.<key>").
REFERENCES: dict[str, str] = {
    "kappa_ci_binary": "Donner & Rotondi 2010, Int J Biostat 6(1):31; R kappaSize CIBinary",
    "kappa_ci_multi": "Rotondi & Donner 2012, J Clin Epidemiol 65:778–784; R kappaSize "
                      "CI3Cats–CI5Cats",
    "kappa_power_binary": "Donner & Eliasziw 1992, Stat Med 11:1511–1519; R kappaSize "
                          "PowerBinary",
    "kappa_power_multi": "Donner & Eliasziw 1992; Rotondi & Donner 2012; R kappaSize "
                         "Power3Cats–Power5Cats",
    "icc_width": "Bonett 2002, Stat Med 21:1331–1335; R presize prec_icc",
    "icc_power": "Walter, Eliasziw & Donner 1998, Stat Med 17:101–110",
    "wald": "Buderer 1996, Acad Emerg Med 3:895–900",
    "wald_proportion": "statsmodels samplesize_confint_proportion",
    "wilson": "Wilson 1927, J Am Stat Assoc 22:209–212; R presize prec_prop",
    "clopper-pearson": "Clopper & Pearson 1934, Biometrika 26:404–413; R presize prec_prop",
    "fleiss_cc": "Fleiss, Tytun & Ury 1980, Biometrics 36:343–346",
    "fleiss": "Fleiss, Tytun & Ury 1980, Biometrics 36:343–346; "
              "statsmodels samplesize_proportions_2indep_onetail",
}


@dataclass(frozen=True)
class Plan:
    """A planned study: ``n`` subjects (per group for ``difference``) and what it achieves.

    ``design`` is ``width`` (n for a CI no wider than ``width``), ``power`` (n for ``power``
    against the null value) or ``n`` (what a study of ``n`` achieves). ``n_exact`` is the
    formula's n before rounding up (None where n comes from a search). ``n_total``: the patients
    to sample at the prevalence (sensitivity, specificity) or both groups (difference).
    ``ci_low``/``ci_high``: the expected interval at n where the method gives one. ``notes``:
    keys of the catalogue's plan notes (small expected cells, a limit outside the range…).
    """

    measure: str
    design: str
    method: str
    n: int
    level: float
    n_exact: float | None = None
    n_total: int | None = None
    width: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    alpha: float | None = None
    power: float | None = None
    sided: int = 2
    inputs: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    pilot: Pilot | None = None  # where the planning values came from (``--from-study``)

    @property
    def reference(self) -> str:
        if self.method == "wald" and self.measure == "proportion":
            return REFERENCES["wald_proportion"]
        return REFERENCES[self.method]

    def as_dict(self) -> dict[str, Any]:
        return {"measure": self.measure, "design": self.design, "method": self.method,
                "reference": self.reference, "n": self.n, "n_exact": self.n_exact,
                "n_total": self.n_total, "level": self.level, "width": self.width,
                "ci_low": self.ci_low, "ci_high": self.ci_high, "alpha": self.alpha,
                "power": self.power, "sided": self.sided, "inputs": dict(self.inputs),
                "notes": list(self.notes),
                "pilot": None if self.pilot is None else self.pilot.as_dict()}


@dataclass(frozen=True)
class Pilot:
    """The planning values a pilot inter-rater study gives (module docstring, "From a pilot").

    ``taken``: which inputs of the plan came from the pilot (``kappa``, ``prevalence``,
    ``raters``, ``icc``); the others were given on the command line."""

    file: str
    variable: str
    statistic: str  # fleiss_kappa or icc_2_1
    value: float
    ci_low: float | None
    ci_high: float | None
    n: int  # cases of the pilot
    raters: int
    shares: tuple[float, ...] | None = None  # category shares (κ), categories with ratings
    taken: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "variable": self.variable, "statistic": self.statistic,
                "value": self.value, "ci_low": self.ci_low, "ci_high": self.ci_high,
                "n": self.n, "raters": self.raters,
                "shares": None if self.shares is None else list(self.shares),
                "taken": list(self.taken)}


# ----------------------------------------------------------------------------- checks


def _z(level: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(1 - (1 - level) / 2))


def _open_unit(name: str, value: float) -> None:
    if not (0 < value < 1) or math.isnan(value):
        raise ConfigError(Message("plan.open_unit", option=name, value=value))
    _inside_edge(name, value)


def _inside_edge(name: str, value: float) -> None:
    if not (EDGE <= value <= 1 - EDGE):
        raise ConfigError(Message("plan.edge", option=name, value=value))


def _one_of(width: float | None, n: int | None, *, what: str = "--width") -> None:
    if (width is None) == (n is None):
        raise ConfigError(Message("plan.one_of", option=what))
    if width is not None and not (0 < width < 1):
        raise ConfigError(Message("plan.width", value=width))
    if width is not None:
        _inside_edge("--width", width)
    if n is not None and n < 2:
        raise ConfigError(Message("plan.at_least", option="--n", least=2, value=n))


def _ceil(x: float) -> int:
    """Round a required n up, ignoring float noise below 1e-9 (8.0000000001 → 8)."""
    return math.ceil(x - 1e-9)


def _smallest(ok: Callable[[int], bool], start: int = 1, most: int = MAX_N) -> int | None:
    """The smallest n ≥ start with ok(n), for ok monotone in n (False … False True … True);
    None when not even ``most`` is enough."""
    hi = max(start, 2)
    while not ok(hi):
        if hi >= most:
            return None
        hi = min(hi * 2, most)
    lo = start - 1  # ok(lo) is False or lo is below the range
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi


def _per(crit: float, q: float) -> float:
    """crit / q, the n at which a statistic of q per subject reaches crit: none (infinite) when
    q is 0 (the two models' cells equal to the last digit)."""
    return crit / q if q > 0 else math.inf


def _too_many(need: float, fixes: Sequence[str]) -> ConfigError:
    """The error for a plan needing more than MAX_N subjects (``need``; infinite when no n up to
    MAX_N will do), saying what to change (``fixes``: catalogue texts, the most direct first)."""
    fix = fixes[0]
    for other in fixes[1:]:
        fix = Message("plan.fix.or", first=fix, second=other)
    if math.isfinite(need):
        return ConfigError(Message("plan.too_many", need=need, cap=MAX_N, fix=fix))
    return ConfigError(Message("plan.too_many_search", cap=MAX_N, fix=fix))


def _round_up(x: float) -> float:
    """x rounded up to two significant digits (0.003412 → 0.0035): a bound to print."""
    step = 10.0 ** (math.floor(math.log10(x)) - 1)
    return math.ceil(x / step - 1e-9) * step


def _round_down_below(x: float) -> float:
    """A number of two significant digits below x (0.1048 → 0.1, 0.1 → 0.099): a bound to print
    that keeps a strict upper limit, with room for the rounding of the check it passes."""
    x *= 1 - 1e-9
    step = 10.0 ** (math.floor(math.log10(x)) - 1)
    return float(f"{math.floor(x / step) * step:.2g}")


def _least_width(total: Callable[[float], float], asked: float, widest: float) -> float | None:
    """The narrowest width, to two significant digits, whose plan needs at most MAX_N subjects
    (``total``: the subjects a width needs, decreasing in it; ``asked`` needs more); None when
    not even ``widest`` will do."""
    if not total(widest) <= MAX_N:
        return None
    lo, hi = asked, widest
    for _ in range(60):  # bisection on the log scale: the widths span orders of magnitude
        mid = math.sqrt(lo * hi)
        if total(mid) <= MAX_N:
            hi = mid
        else:
            lo = mid
    shown = _round_up(hi)
    return shown if shown < widest and total(shown) <= MAX_N else hi


def _power_above_size(power: float, size: float, alpha: float) -> None:
    """The power asked for must exceed the chance the test rejects when there is no difference
    (``size``: α, 2α for κ's one-sided test): at or below it no n exists."""
    if power <= size:
        raise ConfigError(Message("plan.power_alpha", power=power, least=size, alpha=alpha))


def _power_or_n(power: float | None, n: int | None) -> float | None:
    """The power asked for (0.8 when neither it nor n is given); an error when both are."""
    if power is not None and n is not None:
        raise ConfigError(Message("plan.power_or_n"))
    if power is None and n is None:
        return 0.8
    return power


# ----------------------------------------------------------------------------- κ


def _props(prevalence: Sequence[float] | None, categories: int | None) -> tuple[float, ...]:
    """The category proportions: one prevalence (binary), K proportions summing to 1, or K
    categories of equal share."""
    if prevalence is None or len(prevalence) == 0:
        if categories is None:
            raise ConfigError(Message("plan.kappa_shares"))
        if categories < 2:
            raise ConfigError(Message("plan.at_least", option="--categories", least=2,
                                      value=categories))
        return tuple(1 / categories for _ in range(categories))
    props = tuple(float(p) for p in prevalence)
    for p in props:
        _open_unit(Message("plan.every", option="--prevalence"), p)
    if len(props) == 1:
        props = (1 - props[0], props[0])
    elif abs(sum(props) - 1) > 1e-3:
        raise ConfigError(Message("plan.shares_sum", shares=len(props), total=sum(props)))
    if categories is not None and categories != len(props):
        raise ConfigError(Message("plan.categories_shares", categories=categories,
                                  shares=len(props)))
    return props


def kappa_cells(kappa: float, props: Sequence[float], raters: int) -> list[float]:
    """The model's cell probabilities for one subject rated by ``raters`` raters (module
    docstring): binary for two categories, Dirichlet–multinomial for K ≥ 3."""
    m = raters
    if len(props) == 2:
        p = props[1]
        cells = []
        for k in range(m + 1):
            v = (1 - kappa) * math.comb(m, k) * p ** k * (1 - p) ** (m - k)
            if k == 0:
                v += kappa * (1 - p)
            if k == m:
                v += kappa * p
            cells.append(v)
        return cells
    agree = []
    for pj in props:
        v = 1.0
        for i in range(m):
            v *= (pj * (1 - kappa) + i * kappa) / (1 - kappa + i * kappa)
        agree.append(v)
    return [1 - sum(agree), *agree]


def _gof(kappa_obs: float, kappa_model: float, props: Sequence[float], raters: int) -> float:
    """Σ (P_i(κ_obs) − P_i(κ_model))² / P_i(κ_model): the goodness-of-fit χ² per subject."""
    a = kappa_cells(kappa_obs, props, raters)
    b = kappa_cells(kappa_model, props, raters)
    return sum((x - y) ** 2 / y for x, y in zip(a, b, strict=True) if y > 0)


def _check_kappa(name: str, value: float) -> None:
    if not (0 < value < 1):
        raise ConfigError(Message("plan.kappa_range", option=name, value=value))
    _inside_edge(name, value)


def _shares_fix(props: Sequence[float], given: bool) -> list[str]:
    """What to change in the category shares when they make a κ plan too large."""
    if not given:
        return []
    return [Message("plan.fix.prevalence_half" if len(props) == 2 else "plan.fix.shares_equal")]


def _check_raters(raters: int) -> None:
    if not (2 <= raters <= 50):
        raise ConfigError(Message("plan.raters", value=raters))


def _small_cells(kappa: float, props: Sequence[float], raters: int, n: int) -> tuple[str, ...]:
    """kappaSize's warning: an expected cell count below 5 makes the χ² approximation rough."""
    return ("small_cells",) if min(kappa_cells(kappa, props, raters)) * n < 5 else ()


def kappa_width(kappa: float, *, width: float | None = None, n: int | None = None,
                prevalence: Sequence[float] | None = None, categories: int | None = None,
                raters: int = 2, level: float = 0.95) -> Plan:
    """κ by confidence interval (Donner & Rotondi 2010; Rotondi & Donner 2012): the n for which
    the expected 100·level % interval is κ ± width/2, or the expected interval at ``n``."""
    from scipy.optimize import brentq
    from scipy.stats import chi2

    _one_of(width, n)
    _check_kappa("--kappa", kappa)
    _check_raters(raters)
    _open_unit("--level-of-confidence", level)
    props = _props(prevalence, categories)
    crit = float(chi2.ppf(level, 1))
    method = "kappa_ci_binary" if len(props) == 2 else "kappa_ci_multi"
    inputs: dict[str, Any] = {"kappa": kappa, "raters": raters, "categories": len(props),
                              "prevalence": list(props) if len(props) > 2 else props[1]}
    if width is not None:
        low, high = kappa - width / 2, kappa + width / 2
        if low <= 0 or high >= 1:  # named by the bound it would pass, never printed past it
            raise ConfigError(Message("plan.kappa_interval", kappa=kappa, width=width,
                                      bound=1 if high >= 1 else 0,
                                      most=_round_down_below(2 * min(kappa, 1 - kappa))))

        def need(w: float) -> float:
            return max(_per(crit, _gof(kappa, kappa - w / 2, props, raters)),
                       _per(crit, _gof(kappa, kappa + w / 2, props, raters)))

        n_exact = need(width)
        if not n_exact <= MAX_N:
            least = _least_width(need, width, 2 * min(kappa, 1 - kappa) * (1 - 1e-9))
            fixes = _shares_fix(props, bool(prevalence))
            raise _too_many(n_exact, [Message("plan.fix.width", least=least)] if least else
                            fixes or [Message("plan.fix.wider")])
        n_out = _ceil(n_exact)
        return Plan("kappa", "width", method, n_out, level, n_exact=n_exact, width=width,
                    ci_low=low, ci_high=high, inputs=inputs,
                    notes=_small_cells(kappa, props, raters, n_out))
    assert n is not None

    def limit(lo: float, hi: float) -> float | None:
        f = lambda k: n * _gof(kappa, k, props, raters) - crit  # noqa: E731
        if f(lo) < 0:
            return None  # the limit lies beyond the model's range (0, 1)
        return float(brentq(f, lo, hi, xtol=1e-10))

    eps = 1e-9
    ci_low = limit(eps, kappa - eps)
    ci_high = limit(1 - eps, kappa + eps)
    notes = _small_cells(kappa, props, raters, n)
    if ci_low is None or ci_high is None:
        notes = (*notes, "limit_outside")
    got = None if ci_low is None or ci_high is None else ci_high - ci_low
    return Plan("kappa", "n", method, n, level, width=got, ci_low=ci_low, ci_high=ci_high,
                inputs=inputs, notes=notes)


def _chi2_noncentrality(crit: float, power: float) -> float:
    """λ with P(χ²_1(λ) > crit) = power (kappaSize ``.powchi`` finds it by bisection)."""
    from scipy.optimize import brentq
    from scipy.stats import ncx2

    return float(brentq(lambda lam: ncx2.sf(crit, 1, lam) - power, 1e-9, 1e4, xtol=1e-12))


def kappa_power(kappa: float, kappa0: float, *, power: float | None = None, n: int | None = None,
                alpha: float = 0.05, prevalence: Sequence[float] | None = None,
                categories: int | None = None, raters: int = 2, sided: int = 2) -> Plan:
    """κ by power (Donner & Eliasziw 1992): n to reject κ = κ0 when κ = ``kappa`` with the
    given power by the goodness-of-fit χ² test (two-sided at level α as in kappaSize, or
    one-sided), or the power at ``n``."""
    from scipy.stats import chi2, ncx2

    _check_kappa("--kappa", kappa)
    _check_kappa("--kappa0", kappa0)
    if kappa == kappa0:
        raise ConfigError(Message("plan.differ", first="--kappa", second="--kappa0"))
    _check_raters(raters)
    _open_unit("--alpha", alpha)
    power = _power_or_n(power, n)
    props = _props(prevalence, categories)
    crit = float(chi2.ppf(1 - alpha * (2 if sided == 1 else 1), 1))
    q = _gof(kappa, kappa0, props, raters)
    method = "kappa_power_binary" if len(props) == 2 else "kappa_power_multi"
    inputs: dict[str, Any] = {"kappa": kappa, "kappa0": kappa0, "raters": raters,
                              "categories": len(props),
                              "prevalence": list(props) if len(props) > 2 else props[1]}
    if n is None:
        assert power is not None
        _open_unit("--power", power)
        _power_above_size(power, alpha * (2 if sided == 1 else 1), alpha)
        n_exact = _per(_chi2_noncentrality(crit, power), q)
        if not n_exact <= MAX_N:
            raise _too_many(n_exact, [Message("plan.fix.apart", null="--kappa0", value="--kappa"),
                                      *_shares_fix(props, bool(prevalence))])
        n_out = _ceil(n_exact)
        return Plan("kappa", "power", method, n_out, 1 - alpha, n_exact=n_exact, alpha=alpha,
                    power=power, sided=sided, inputs=inputs,
                    notes=_small_cells(kappa0, props, raters, n_out))
    return Plan("kappa", "n", method, n, 1 - alpha, alpha=alpha,
                power=float(ncx2.sf(crit, 1, n * q)), sided=sided, inputs=inputs,
                notes=_small_cells(kappa0, props, raters, n))


# ----------------------------------------------------------------------------- ICC


def icc_width(icc: float, *, raters: int, width: float | None = None, n: int | None = None,
              level: float = 0.95) -> Plan:
    """ICC by CI width (Bonett 2002, eq. 3, with +5ρ for k = 2 and ρ ≥ 0.7), or the expected
    width at ``n`` (the same formula solved for w, with n − 5ρ where Bonett adds 5ρ)."""
    _one_of(width, n)
    _open_unit("--icc", icc)
    _check_raters(raters)
    _open_unit("--level-of-confidence", level)
    k, rho = raters, icc
    z = _z(level)
    extra = 5 * rho if k == 2 and rho >= 0.7 else 0.0
    inputs = {"icc": icc, "raters": raters}
    notes = ("bonett_plus",) if extra else ()
    if width is not None:
        def need(w: float) -> float:
            return 8 * z**2 * (1 - rho) ** 2 * (1 + (k - 1) * rho) ** 2 / (k * (k - 1) * w**2) \
                + 1 + extra

        n_exact = need(width)
        if not n_exact <= MAX_N:
            least = _least_width(need, width, 1 - EDGE)
            raise _too_many(n_exact, [Message("plan.fix.width", least=least) if least else
                                      Message("plan.fix.wider")])
        return Plan("icc", "width", "icc_width", _ceil(n_exact), level, n_exact=n_exact,
                    width=width, inputs=inputs, notes=notes)
    assert n is not None
    n_eff = n - extra
    if n_eff <= 1:
        raise ConfigError(Message("plan.icc_n", value=n, raters=raters, need=1 + extra))
    got = math.sqrt(8) * z * (1 - rho) * (1 + (k - 1) * rho) / math.sqrt(k * (k - 1) * (n_eff - 1))
    return Plan("icc", "n", "icc_width", n, level, width=got, inputs=inputs, notes=notes)


def icc_power(icc: float, icc0: float, *, raters: int, power: float | None = None,
              n: int | None = None, alpha: float = 0.05, sided: int = 2) -> Plan:
    """ICC by power against ρ0 (Walter, Eliasziw & Donner 1998), or the power at ``n``."""
    from scipy.stats import norm

    _open_unit("--icc", icc)
    _open_unit("--icc0", icc0)
    if icc == icc0:
        raise ConfigError(Message("plan.differ", first="--icc", second="--icc0"))
    _check_raters(raters)
    _open_unit("--alpha", alpha)
    power = _power_or_n(power, n)
    k = raters
    c0 = (1 + k * icc0 / (1 - icc0)) / (1 + k * icc / (1 - icc))
    z_a = float(norm.ppf(1 - alpha / sided))
    inputs = {"icc": icc, "icc0": icc0, "raters": raters}
    if n is None:
        assert power is not None
        _open_unit("--power", power)
        _power_above_size(power, alpha, alpha)
        z_b = float(norm.ppf(power))
        n_exact = 1 + _per(2 * k * (z_a + z_b) ** 2, (k - 1) * math.log(c0) ** 2)
        if not n_exact <= MAX_N:
            raise _too_many(n_exact, [Message("plan.fix.apart", null="--icc0", value="--icc")])
        return Plan("icc", "power", "icc_power", _ceil(n_exact), 1 - alpha, n_exact=n_exact,
                    alpha=alpha, power=power, sided=sided, inputs=inputs)
    got = float(norm.cdf(math.sqrt((n - 1) * (k - 1) / (2 * k)) * abs(math.log(c0)) - z_a))
    return Plan("icc", "n", "icc_power", n, 1 - alpha, alpha=alpha, power=got, sided=sided,
                inputs=inputs)


# ----------------------------------------------------------------------------- proportions


def expected_interval(p: float, n: float, method: str, level: float) -> tuple[float, float]:
    """The interval expected from n observations when the proportion is p (x = pn, not rounded,
    as R presize ``prec_prop``): Wald (not clipped), Wilson or Clopper–Pearson."""
    from scipy.stats import beta

    z = _z(level)
    if method == "wald":
        half = z * math.sqrt(p * (1 - p) / n)
        return p - half, p + half
    if method == "wilson":
        centre = (n * p + z * z / 2) / (n + z * z)
        half = z * math.sqrt(n) / (n + z * z) * math.sqrt(p * (1 - p) + z * z / (4 * n))
        return centre - half, centre + half
    if method == "clopper-pearson":
        a = 1 - level
        x = p * n
        low = float(beta.ppf(a / 2, x, n - x + 1)) if x > 0 else 0.0
        high = float(beta.ppf(1 - a / 2, x + 1, n - x)) if x < n else 1.0
        return low, high
    raise ConfigError(Message("plan.unknown_method", method=method))


def _n_for_width(p: float, width: float, method: str, level: float) -> tuple[float, float | None]:
    """(n, n_exact): the Wald formula, or the smallest n whose expected interval is ≤ width
    (infinite when no n up to MAX_N is)."""
    if method == "wald":
        from statsmodels.stats.proportion import samplesize_confint_proportion

        exact = float(samplesize_confint_proportion(p, width / 2, alpha=1 - level))
        return _ceil(exact), exact

    def narrow(n: int) -> bool:
        low, high = expected_interval(p, n, method, level)
        return high - low <= width + 1e-12

    found = _smallest(narrow)
    return (math.inf if found is None else found), None


def _width_plan(p: float, width: float, method: str, level: float, share: float = 1.0,
                which: str | None = None) -> tuple[int, float | None]:
    """(n, n_exact) for a proportion's interval no wider than ``width``, refused when the
    subjects in all (n / ``share``, the prevalence of ``which`` for a sensitivity or
    specificity) exceed MAX_N."""
    n_out, n_exact = _n_for_width(p, width, method, level)
    need = n_exact if n_exact is not None else n_out
    if need / share <= MAX_N:
        return int(n_out), n_exact

    def total(w: float) -> float:
        n_w, exact_w = _n_for_width(p, w, method, level)
        return (exact_w if exact_w is not None else n_w) / share

    least = _least_width(total, width, 1 - EDGE)
    fixes = [Message("plan.fix.width", least=least) if least else Message("plan.fix.wider")]
    if which is not None and need <= MAX_N * (1 - EDGE):  # a prevalence that would do
        bound = _round_up(need / MAX_N)
        fixes.append(Message("plan.fix.prevalence_least", least=bound) if which == "sensitivity"
                     else Message("plan.fix.prevalence_most", most=1 - bound))
    raise _too_many(need / share, fixes)


def proportion(p: float, *, width: float | None = None, n: int | None = None,
               method: str = "wilson", level: float = 0.95,
               measure: str = "proportion") -> Plan:
    """A single proportion (completeness, share correct) to within ``width``, or the expected
    interval at ``n``."""
    return _proportion(p, width, n, method, level, measure)


def _proportion(p: float, width: float | None, n: int | None, method: str, level: float,
                measure: str, share: float = 1.0) -> Plan:
    """:func:`proportion`; ``share``: the prevalence of the positives (negatives) when
    ``measure`` is a sensitivity (specificity), for the cap on the patients in all."""
    _one_of(width, n)
    _open_unit(f"--{measure}", p)
    _open_unit("--level-of-confidence", level)
    if method not in CI_METHODS:
        raise ConfigError(Message("plan.unknown_method", method=method))
    inputs: dict[str, Any] = {measure: p}
    if width is not None:
        which = measure if measure in ("sensitivity", "specificity") else None
        n_out, n_exact = _width_plan(p, width, method, level, share, which)
    else:
        assert n is not None
        n_out, n_exact = n, None
    low, high = expected_interval(p, n_out, method, level)
    notes = ("wald_outside",) if method == "wald" and (low < 0 or high > 1) else ()
    return Plan(measure, "width" if width is not None else "n", method, n_out, level,
                n_exact=n_exact, width=width if width is not None else high - low, ci_low=low,
                ci_high=high, inputs=inputs, notes=notes)


def diagnostic(value: float, prevalence: float, *, which: str = "sensitivity",
               width: float | None = None, n: int | None = None, method: str = "wald",
               level: float = 0.95) -> Plan:
    """Sensitivity or specificity (Buderer 1996): ``n`` positives (negatives) for the interval,
    ``n_total`` patients to sample at the prevalence. With ``n`` given, n is the total sample
    and the positives (negatives) are n·prevalence (n·(1 − prevalence))."""
    if which not in ("sensitivity", "specificity"):
        raise ValueError(which)
    _open_unit("--prevalence", prevalence)
    share = prevalence if which == "sensitivity" else 1 - prevalence
    if width is None and n is not None:
        _one_of(None, n)
        _open_unit(f"--{which}", value)
        part = n * share  # the expected positives (negatives) among n patients
        if part < 1:
            raise ConfigError(Message("plan.too_few_positive" if which == "sensitivity"
                                      else "plan.too_few_negative", value=n,
                                      prevalence=prevalence))
        if method not in CI_METHODS:
            raise ConfigError(Message("plan.unknown_method", method=method))
        low, high = expected_interval(value, part, method, level)
        notes = ("wald_outside",) if method == "wald" and (low < 0 or high > 1) else ()
        return Plan(which, "n", method, math.floor(part), level, n_exact=part, n_total=n,
                    width=high - low, ci_low=low, ci_high=high,
                    inputs={which: value, "prevalence": prevalence}, notes=notes)
    plan = _proportion(value, width, n, method, level, which, share)
    need = plan.n_exact if plan.n_exact is not None else plan.n
    return Plan(which, "width", method, plan.n, level, n_exact=plan.n_exact,
                n_total=_ceil(need / share), width=width, ci_low=plan.ci_low,
                ci_high=plan.ci_high, inputs={which: value, "prevalence": prevalence},
                notes=plan.notes)


def difference(p1: float, p2: float, *, power: float | None = None, n: int | None = None,
               alpha: float = 0.05, sided: int = 2, continuity: bool = True) -> Plan:
    """Two independent proportions, equal groups (Fleiss, Tytun & Ury 1980): n per group to
    detect p1 ≠ p2 with the given power (with the continuity correction by default), or the
    power with ``n`` per group."""
    from scipy.stats import norm

    _open_unit("--p1", p1)
    _open_unit("--p2", p2)
    if p1 == p2:
        raise ConfigError(Message("plan.differ", first="--p1", second="--p2"))
    _open_unit("--alpha", alpha)
    power = _power_or_n(power, n)
    delta = abs(p1 - p2)
    pbar = (p1 + p2) / 2
    s0 = math.sqrt(2 * pbar * (1 - pbar))
    s1 = math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    z_a = float(norm.ppf(1 - alpha / sided))
    method = "fleiss_cc" if continuity else "fleiss"
    inputs = {"p1": p1, "p2": p2}
    if n is None:
        assert power is not None
        _open_unit("--power", power)
        _power_above_size(power, alpha, alpha)
        z_b = float(norm.ppf(power))
        n1 = ((z_a * s0 + z_b * s1) / delta) ** 2
        n_exact = n1 / 4 * (1 + math.sqrt(1 + 4 / (n1 * delta))) ** 2 if continuity else n1
        if not 2 * n_exact <= MAX_N:  # both groups
            raise _too_many(2 * n_exact, [Message("plan.fix.apart", null="--p2", value="--p1")])
        per_group = _ceil(n_exact)
        return Plan("difference", "power", method, per_group, 1 - alpha, n_exact=n_exact,
                    n_total=2 * per_group, alpha=alpha, power=power, sided=sided, inputs=inputs)
    if n < 2:
        raise ConfigError(Message("plan.n_per_group", value=n))
    # The continuity-corrected n inverted: n' = (n − 1/Δ)² / n (n' = n without the correction).
    n1 = (n - 1 / delta) ** 2 / n if continuity else float(n)
    if continuity and n * delta <= 1:
        n1 = 0.0
    got = float(norm.cdf((math.sqrt(n1) * delta - z_a * s0) / s1))
    return Plan("difference", "n", method, n, 1 - alpha, n_total=2 * n, alpha=alpha, power=got,
                sided=sided, inputs=inputs)


# ----------------------------------------------------------------------------- a pilot study


PILOT_STATISTIC = {"kappa": "fleiss_kappa", "icc": "icc_2_1"}


# The levels of measurement each planned statistic is for: the levels at which dq reliability
# reports it (κ for categories, nominal or ordinal; the ICC for measurements).
PILOT_LEVELS = {"kappa": ("nominal", "ordinal"), "icc": ("interval", "ratio")}


def pilot(studies: Sequence[Any], *, measure: str, file: str,
          variable: str | None = None, levels: Mapping[str, str] | None = None) -> Pilot:
    """κ (Fleiss) and the category shares, or ICC(2,1), of one variable of a pilot study read by
    ``dq.reliability.ratings`` (``studies``: one :class:`dq.reliability.Ratings` per variable,
    nominal for κ, interval for the ICC). ``levels``: the level of measurement the spec gives
    each variable it declares; a variable at a level the measure is not for (κ of an interval
    variable, the ICC of an ordinal or nominal one) is refused with the plan that fits."""
    import numpy as np
    import polars as pl

    from dq import reliability as rel

    if measure not in PILOT_STATISTIC:
        raise ValueError(measure)
    names = [r.variable for r in studies]
    if variable is None:
        if len(studies) != 1:
            raise ConfigError(Message("plan.pilot_variables", file=file, count=len(studies),
                                      names=names))
        study = studies[0]
    else:
        found = [r for r in studies if r.variable == variable]
        if not found:
            raise ConfigError(Message("plan.pilot_no_variable", variable=variable, file=file,
                                      names=names))
        study = found[0]
    declared = (levels or {}).get(study.variable)
    if declared is not None and declared not in PILOT_LEVELS[measure]:
        raise ConfigError(Message(f"plan.pilot_level_{measure}", file=file,
                                  variable=study.variable,
                                  level={"word": f"level_{declared}"}))
    if study.problem is not None:
        raise ConfigError(Message("plan.pilot_problem", file=file, variable=study.variable,
                                  problem=study.problem))
    stat = PILOT_STATISTIC[measure]
    result = rel.compute([study], {})
    row = result.rows.filter(pl.col("statistic") == stat)
    value = row["estimate"][0] if row.height else None
    if value is None or not math.isfinite(value):
        raise ConfigError(Message("plan.pilot_no_value", file=file, statistic=stat,
                                  variable=study.variable))
    shares = None
    if measure == "kappa":
        assert study.codes is not None
        codes = study.codes
        freq = np.ones(codes.shape[0]) if study.freq is None else np.asarray(study.freq, float)
        counts = np.array([float(((codes == j) * freq[:, None]).sum())
                           for j in range(len(study.categories))])
        seen = counts[counts > 0]
        if len(seen) < 2:
            raise ConfigError(Message("plan.pilot_one_category", file=file,
                                      variable=study.variable))
        shares = tuple(float(c) for c in seen / seen.sum())
    ci_low, ci_high = row["ci_low"][0], row["ci_high"][0]
    return Pilot(file=file, variable=study.variable, statistic=stat, value=float(value),
                 ci_low=None if ci_low is None else float(ci_low),
                 ci_high=None if ci_high is None else float(ci_high),
                 n=int(row["n_cases"][0]), raters=len(study.raters), shares=shares)
