"""Benchmark: ``dq report`` on the 10M-row export with every dimension the export supports,
against the separate commands doing the same work, in the same run.

    python benchmarks/bench_completeness.py && python benchmarks/bench_coverage.py  # make the data
    python benchmarks/bench_report.py

Targets (issue #5): report ≤ 2 × the sum of the separate commands' times; peak memory ≤ 2 GB.
"""

from __future__ import annotations

import shutil
import sys

from common import DATA, interleaved, load, report, update_results


def main() -> None:
    export, npr = DATA / "export_10000000.parquet", DATA / "npr_counts.csv"
    if not (export.exists() and npr.exists()):
        sys.exit("run bench_completeness.py and bench_coverage.py first (they make the data)")
    dq = shutil.which("dq") or sys.exit("dq is not installed: pip install .")
    variables = "".join(f'[variables.s{i}]\ntype = "categorical"\ncodes = ["1", "2", "3"]\n'
                        f'unknown = ["9", "Ukjent"]\nuses = ["research"]\n\n' for i in range(12))
    spec = DATA / "bench_report.toml"
    spec.write_text(
        f'[dataset]\nfiles = ["{export.name}"]\nunit = "unit"\nevent_date = "event_date"\n'
        'export_date = "2024-06-30"\n\n'
        f'[coverage]\nreferences = ["{npr.name}"]\n\n[completeness]\nwarn_below = 0.95\n\n'
        + variables, encoding="utf-8")
    env = {"CI": "true"}
    rows = interleaved([
        ("dq completeness --by unit,year (12 variables)",
         [dq, "completeness", "--spec", str(spec), "--by", "unit,year", "--format", "json",
          "--output", str(DATA / "c.json")], env, (0, 1)),
        ("dq coverage --by unit",
         [dq, "coverage", "--spec", str(spec), "--format", "json", "--output",
          str(DATA / "v.json")], env, (0, 1)),
        ("dq report --format json (all that the export supports)",
         [dq, "report", str(spec), "--format", "json", "--output", str(DATA / "r.json")], env,
         (0, 1)),
    ], 3)
    comp, cov, rep = rows
    ratio = rep.median / (comp.median + cov.median)
    single = rep.median / comp.median
    notes = [
        "Spec: the 10M-row × 40-column export of bench_completeness.py, 12 categorical variables "
        "with codes and unknown codes, unit and event date, NPR-style counts; the report adds "
        "value verification, funnel plots (completeness, unknown codes, coverage), shift "
        "detection over 5 years × 30 units, codes per year, id presence and relevance. The "
        "completeness pass also takes the registry's counts per unit and year for dekningsgrad, "
        "and the id counts (dq.dimensions.context), and which declared codes each unit and "
        "year holds (one Enum look-up per value, shared with the completeness classes; a "
        "variable holding a value that is no declared code is scanned on its own); "
        "verification counts rows in one more pass.",
        f"- report / (completeness + coverage) = **{ratio:.2f}×** (target ≤ 2×); report peak "
        f"memory **{rep.peak_mb:.0f} MB** (target ≤ 2000 MB).",
        f"- report / completeness alone = **{single:.2f}×** (issue #10 target ≤ 1.3×: "
        f"{'met' if single <= 1.3 else '**missed**'}); report peak memory "
        f"{rep.peak_mb:.0f} MB (issue #10 target ≤ 1000 MB: "
        f"{'met' if rep.peak_mb <= 1000 else '**missed**'}).",
        f"- machine load while measuring: {load()}.",
    ]
    text = report("dq report (issue #5)", rows, notes)
    print(text)
    update_results("dq report (issue #5)", text)


if __name__ == "__main__":
    main()
