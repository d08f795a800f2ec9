"""Benchmark: a wide export — ``dq completeness`` on 10,000 columns × 100,000 rows of CSV, beside
the bare Polars query counting the same empty values, in the same run.

    python benchmarks/bench_wide.py [--columns N] [--rows N] [--repeat K]

Target (issue #9): under 30 s on this machine, and time linear in the number of columns (0.1
looked every column up in a list per variable: 2,000 columns took 11 s, 10,000 took 144 s).
The run is repeated at a fifth of the columns to show the growth. Results go to RESULTS.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import polars as pl

from common import DATA, interleaved, report, update_results


def make_export(path: Path, columns: int, rows: int, seed: int = 3) -> None:
    """Small integer codes with about 10 % empty cells, written in column blocks."""
    if path.exists():
        return
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 10, size=(rows, columns), dtype=np.int8)
    frame = pl.DataFrame({f"v{j}": values[:, j] for j in range(columns)}).with_columns(
        pl.when(pl.col(f"v{j}") == 0).then(None).otherwise(pl.col(f"v{j}")).alias(f"v{j}")
        for j in range(columns))
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_csv(path, separator=";")


BARE = """
import sys, polars as pl
lf = pl.scan_csv(sys.argv[1], separator=";", infer_schema=False)
names = lf.collect_schema().names()
out = lf.select(pl.col(c).is_null().sum().alias(c) for c in names).collect(engine="streaming")
print(out.width)
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--columns", type=int, default=10_000)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    jobs = []
    for cols in (args.columns // 5, args.columns):
        path = DATA / f"wide_{cols}x{args.rows}.csv"
        make_export(path, cols, args.rows)
        jobs.append((f"dq completeness, {cols:,} columns", [sys.executable, "-m", "dq",
                     "completeness", str(path), "--format", "json", "-o", "/dev/null"], None,
                     (0, 1)))
        jobs.append((f"bare Polars null counts, {cols:,} columns",
                     [sys.executable, "-c", BARE, str(path)], None, (0,)))
    rows = interleaved(jobs, args.repeat)
    small, big = rows[0].median, rows[2].median
    notes = [f"{args.rows:,} rows of `;`-separated small integer codes, about 10 % empty. "
             f"dq reads, types and counts every column (missing, unknown, invalid; Wilson CIs) "
             f"and writes JSON with the file's sha256; the bare query counts nulls only.",
             f"Growth from {args.columns // 5:,} to {args.columns:,} columns: "
             f"{big / small:.1f}× the time for 5× the columns (linear: 5×)."]
    text = report(f"Wide export: {args.columns:,} columns × {args.rows:,} rows (issue #9)", rows,
                  notes)
    print(text)
    update_results(f"Wide export: {args.columns:,} columns × {args.rows:,} rows (issue #9)", text)


if __name__ == "__main__":
    main()
