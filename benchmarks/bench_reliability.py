"""Benchmark: dq's agreement statistics against scikit-learn and the krippendorff package.

    pip install '.[bench]' && python benchmarks/bench_reliability.py

Targets (issue #4): Cohen's κ on 10,000,000 rating pairs ≥ 20 × faster than scikit-learn's
``cohen_kappa_score``; a 2,000-resample percentile bootstrap CI of κ on 5,000 pairs ≤ 0.25 s;
Krippendorff's α on 6 raters × 200,000 units equal to the ``krippendorff`` package to 1e-9 and
≤ 1.5 × its time. Everything runs in one process on the same arrays; best of several runs.
"""

from __future__ import annotations

import time

import numpy as np

from common import report, update_results, Timing


def best(fn, repeat: int = 3) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def main() -> None:
    import krippendorff
    from sklearn.metrics import cohen_kappa_score

    from dq import agreement as A
    from dq.reliability import kappa_bootstrap

    rng = np.random.default_rng(11)
    n, q = 10_000_000, 5
    a = rng.integers(0, q, n)
    b = np.where(rng.random(n) < 0.7, a, rng.integers(0, q, n))
    pairs = np.stack([a, b], axis=1)

    def dq_kappa() -> float:
        table, values = A.cohen_table(a, b)
        return float(A.kappa_from_tables(table[None].astype(float), np.eye(len(values)))[0])

    t_dq, k_dq = best(dq_kappa)
    t_sk, k_sk = best(lambda: cohen_kappa_score(a, b), repeat=2)
    same_kappa = abs(k_dq - k_sk) < 1e-12

    small = pairs[:5000]
    kappa_bootstrap(small, q, 50, 1)  # warm-up (imports, allocator)
    t_boot, boot = best(lambda: kappa_bootstrap(small, q, 2000, 1), repeat=5)

    units, raters = 200_000, 6
    truth = rng.integers(1, 6, units)
    x = np.where(rng.random((units, raters)) < 0.75, truth[:, None],
                 rng.integers(1, 6, (units, raters))).astype(float)
    x[rng.random(x.shape) < 0.1] = np.nan
    codes = np.where(np.isnan(x), -1, x - 1).astype(np.int64)

    def dq_alpha(metric: str) -> float:
        if metric == "interval":
            return float(A.alpha_interval_direct(x)[0])
        counts = A.counts_matrix(codes, 5)
        return float(A.alpha_from_coincidences(A.coincidences(counts), np.arange(1.0, 6.0), metric)[0])

    rows = [Timing("dq Cohen's κ, 10M pairs", [t_dq], 0),
            Timing("scikit-learn cohen_kappa_score, 10M pairs", [t_sk], 0),
            Timing("dq κ 2,000-resample bootstrap CI, 5,000 pairs", [t_boot], 0)]
    notes = [f"- κ: dq {k_dq:.6f}, scikit-learn {k_sk:.6f} (equal: **{same_kappa}**); dq is "
             f"**{t_sk / t_dq:.0f}×** faster (target ≥ 20×).",
             f"- bootstrap: **{t_boot:.3f} s** (target ≤ 0.25 s); 95 % CI {boot.ci_low:.4f}–"
             f"{boot.ci_high:.4f}."]
    for metric in ("nominal", "interval"):
        t_a, a_dq = best(lambda m=metric: dq_alpha(m))
        t_k, a_k = best(lambda m=metric: krippendorff.alpha(reliability_data=x.T,
                                                             level_of_measurement=m))
        rows += [Timing(f"dq Krippendorff's α ({metric}), 6 × 200,000", [t_a], 0),
                 Timing(f"krippendorff.alpha ({metric}), 6 × 200,000", [t_k], 0)]
        notes.append(f"- α {metric}: dq {a_dq:.12f}, krippendorff {a_k:.12f}, |Δ| = "
                     f"{abs(a_dq - a_k):.1e} (target ≤ 1e-9); dq / krippendorff = "
                     f"**{t_a / t_k:.2f}×** (target ≤ 1.5×).")
    notes.insert(0, "Timings are the best of 2–5 runs in one process (wall seconds); peak memory "
                    "is not measured per call here (0 in the table).")
    text = report("dq reliability (issue #4)", rows, notes)
    print(text)
    update_results("dq reliability (issue #4)", text)


if __name__ == "__main__":
    main()
