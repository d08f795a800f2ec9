"""Benchmark: ``dq coverage``.

Linkage: a 1,000,000-event registry against a 20,000,000-event reference, ±30 days, against the
same linkage written directly in DuckDB SQL (same candidate rule, same greedy one-to-one matching
in "mutual best" rounds, same a/b/m counts per unit and year), in the same run.
Aggregate: ``dq coverage --mode aggregate`` on the 10M-row completeness export against a bare
Polars count per unit and year.

    pip install '.[bench]' && python benchmarks/bench_coverage.py

Targets (issue #3): linkage ≤ 2 × DuckDB, peak memory ≤ 6 GB; aggregate ≤ 1.3 × bare Polars.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import textwrap
from pathlib import Path

import numpy as np
import polars as pl

from common import DUCKDB, DATA, Timing, interleaved, report, update_results

UNITS = 30
DAYS = 5 * 365


def make_linkage(reg_path: Path, ref_path: Path, n_reg: int, n_ref: int, seed: int = 3) -> None:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2019-01-01")
    persons = rng.permutation(n_reg * 3)[:n_reg].astype(np.int64)  # one event per person
    day = rng.integers(0, DAYS, n_reg)
    unit = rng.integers(0, UNITS, n_reg)
    pl.DataFrame({"person_id": persons, "unit": unit,
                  "event_date": (start + day.astype("timedelta64[D]"))}).with_columns(
        pl.col("event_date").cast(pl.Date)).write_parquet(reg_path)
    # 95 % of the registry's events are in the reference, a few days off; the rest of the
    # reference is other people's events (several per person).
    seen = rng.random(n_reg) < 0.95
    shift = rng.integers(-3, 4, n_reg)
    n_other = n_ref - int(seen.sum())
    other_persons = rng.integers(n_reg * 3, n_reg * 3 + n_other // 3, n_other)
    ref = pl.DataFrame({
        "person_id": np.concatenate([persons[seen], other_persons]),
        "unit": np.concatenate([unit[seen], rng.integers(0, UNITS, n_other)]),
        "event_date": start + np.concatenate([np.clip(day[seen] + shift[seen], 0, DAYS - 1),
                                              rng.integers(0, DAYS, n_other)]).astype("timedelta64[D]"),
    }).with_columns(pl.col("event_date").cast(pl.Date))
    ref.sample(fraction=1.0, shuffle=True, seed=seed).write_parquet(ref_path,
                                                                    row_group_size=1_000_000)



BARE_AGG = textwrap.dedent("""
    import sys, polars as pl
    reg = (pl.scan_parquet(sys.argv[1])
           .group_by("unit", pl.col("event_date").dt.year().alias("year")).agg(pl.len())
           .collect(engine="streaming"))
    ref = pl.read_csv(sys.argv[2])
    out = reg.join(ref, on=["unit", "year"], how="full", coalesce=True)
    out.with_columns(coverage=pl.col("len") / pl.col("n")).write_json(sys.argv[3])
""")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--registry", type=int, default=1_000_000)
    ap.add_argument("--reference", type=int, default=20_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    DATA.mkdir(exist_ok=True)
    dq = shutil.which("dq") or sys.exit("dq is not installed: pip install .")
    reg = DATA / f"link_registry_{args.registry}.parquet"
    ref = DATA / f"link_reference_{args.reference}.parquet"
    if not (reg.exists() and ref.exists()):
        print("making the linkage data …", file=sys.stderr)
        make_linkage(reg, ref, args.registry, args.reference)
    duck_py = DATA / "duckdb_linkage.py"
    duck_py.write_text(DUCKDB, encoding="utf-8")
    out_duck, out_dq = DATA / "duck.json", DATA / "dq_link.json"
    link_rows = interleaved([
        ("DuckDB SQL linkage (same rule)", [sys.executable, str(duck_py), str(reg), str(ref), "30",
                                            str(out_duck)], None, (0,)),
        ("dq coverage --mode linkage --by unit,year",
         [dq, "coverage", str(reg), "--reference", str(ref), "--mode", "linkage", "--window", "30",
          "--by", "unit,year", "--format", "json", "--output", str(out_dq)], {"CI": "true"},
         (0, 1)),
    ], args.repeat)
    # Same answer: total a, b, m.
    duck = np.array(json.loads(out_duck.read_text()))[:, 2:].sum(axis=0).tolist()
    res = json.loads(out_dq.read_text())
    nat = [r for r in res["results"] if r["level"] == "national"]
    mine = [sum(r[c] for r in nat) for c in ("only_registry", "only_reference", "both")]
    same = duck == mine

    # Aggregate mode on the completeness benchmark's export.
    export = DATA / "export_10000000.parquet"
    agg_rows: list[Timing] = []
    if export.exists():
        counts = (pl.scan_parquet(export).group_by("unit", pl.col("event_date").dt.year()
                                                   .alias("year")).agg(pl.len().alias("n"))
                  .collect().with_columns((pl.col("n") * 1.1).round(0).cast(pl.Int64)))
        npr = DATA / "npr_counts.csv"
        counts.write_csv(npr)
        bare_py = DATA / "bare_aggregate.py"
        bare_py.write_text(BARE_AGG, encoding="utf-8")
        agg_rows = interleaved([
            ("bare Polars count per unit × year + join", [sys.executable, str(bare_py),
                                                         str(export), str(npr),
                                                         str(DATA / "o.json")], None, (0,)),
            ("dq coverage (aggregate) --by unit,year --format json",
             [dq, "coverage", str(export), "--reference", str(npr), "--by", "unit,year",
              "--format", "json", "--output", str(DATA / "o2.json")], {"CI": "true"}, (0, 1)),
            ("dq coverage (aggregate) --by unit,year --format csv (no sha256)",
             [dq, "coverage", str(export), "--reference", str(npr), "--by", "unit,year",
              "--format", "csv", "--output", str(DATA / "o2.csv")], {"CI": "true"}, (0, 1)),
        ], args.repeat)
    d, q = link_rows
    notes = [
        f"Linkage data: registry {args.registry:,} events (one per person), reference "
        f"{args.reference:,} events (95 % of the registry's events a few days off, the rest "
        "other people's), 30 units, 5 years, integer person ids, Parquet.",
        f"- linkage: dq / DuckDB = **{q.median / d.median:.2f}×** (target ≤ 2×); dq peak memory "
        f"**{q.peak_mb:.0f} MB** (target ≤ 6000 MB); same a/b/m totals as DuckDB: **{same}** "
        f"(a, b, m = {mine}).",
    ]
    if agg_rows:
        b, a, c = agg_rows
        verdict = "met" if a.median / b.median <= 1.3 else "**missed**"
        notes.append(f"- aggregate on the 10M-row export: dq (JSON) / bare = "
                     f"**{a.median / b.median:.2f}×** (target ≤ 1.3×): {verdict}; dq (CSV, no "
                     f"hash) / bare = **{c.median / b.median:.2f}×**. The bare query reads 2 of "
                     "the 40 columns (Parquet projection) in about 0.3 s; for the JSON manifest dq "
                     "computes the sha256 of the whole 883 MiB export (≈ 0.7 CPU-seconds), and "
                     "the CLI's own start-up (Typer, the spec, the reference file) adds ≈ 0.2 s "
                     "to a job this short. dq's aggregate query itself takes ≈ 0.25 s (cProfile).")
    text = report("dq coverage (issue #3)", [*link_rows, *agg_rows], notes)
    print(text)
    update_results("dq coverage (issue #3)", text)


if __name__ == "__main__":
    main()
