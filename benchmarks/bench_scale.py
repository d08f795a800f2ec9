"""Benchmark: national scale (issue #16).

1. Linkage: a registry against an NPR-sized reference (default 1,000,000 × 20,000,000 events;
   ``--reference 200000000`` for the national set of the issue: 5M × 200M, 60 units, 5 years),
   ``dq coverage --mode linkage --window 30 --by unit,year`` against the same linkage written in
   DuckDB SQL (same candidate rule, same greedy one-to-one matching in "mutual best" rounds, same
   a/b/m counts per unit and year), interleaved in one run; the a/b/m cells must agree.
2. Completeness by unit × year over the reference itself (200M rows with ``--reference
   200000000``) against bare Polars counting the same nulls.
3. CSV at scale: a 10M-row MRS-style export (``;``, decimal comma, dd.mm.yyyy, 6 columns) in
   UTF-8 and cp1252: ``dq completeness --by unit,year`` against bare Polars doing the same counts
   (blank-as-missing, date parsing) on the UTF-8 file.

    pip install '.[bench]' && python benchmarks/bench_scale.py [--reference 200000000]

Data go to benchmarks/data/ (gitignored). Results go to benchmarks/RESULTS.md with the machine's
load average beside each table: on a shared machine the wall times say as much about the other
work as about the engines, so only the ratios within one interleaved run are compared.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import textwrap
from pathlib import Path

import numpy as np
import polars as pl

from common import DUCKDB, DATA, Timing, interleaved, load, report, update_results

DAYS = 5 * 365
START = np.datetime64("2019-01-01")
CHUNK = 10_000_000


# --- linkage data --------------------------------------------------------------------------------

def make_linkage(reg_path: Path, ref_path: Path, n_reg: int, n_ref: int, units: int,
                 years: int, seed: int = 16) -> None:
    """Registry: ``n_reg`` events of 0.8·n_reg persons (some with several events). Reference:
    95 % of the registry's events a few days off, another 0.3 event per registry event of the
    same persons at random dates (competing candidates), and other people's events to make up
    ``n_ref`` (about 20 per person). Written in chunks, so making 200M rows needs ~2 GB."""
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    days = years * 365
    n_persons = max(1, int(n_reg * 0.8))
    person = rng.integers(0, n_persons, n_reg).astype(np.int64)
    day = rng.integers(0, days, n_reg)
    unit = rng.integers(0, units, n_reg).astype(np.int32)
    pl.DataFrame({"person_id": person, "unit": unit,
                  "event_date": START + day.astype("timedelta64[D]")}).with_columns(
        pl.col("event_date").cast(pl.Date)).write_parquet(reg_path, row_group_size=1_000_000)
    seen = rng.random(n_reg) < 0.95
    n_extra = int(n_reg * 0.3)
    linked = pl.DataFrame({
        "person_id": np.concatenate([person[seen], rng.integers(0, n_persons, n_extra)]),
        "unit": np.concatenate([unit[seen], rng.integers(0, units, n_extra)]).astype(np.int32),
        "day": np.concatenate([np.clip(day[seen] + rng.integers(-3, 4, int(seen.sum())), 0,
                                       days - 1), rng.integers(0, days, n_extra)]),
    }).sample(fraction=1.0, shuffle=True, seed=seed)
    n_other = max(0, n_ref - linked.height)
    others = max(1, n_other // 20)
    chunks = max(1, -(-n_ref // CHUNK))
    writer = None
    try:
        for i in range(chunks):
            part = linked.slice(i * linked.height // chunks,
                                (i + 1) * linked.height // chunks - i * linked.height // chunks)
            m = (i + 1) * n_other // chunks - i * n_other // chunks
            other = pl.DataFrame({
                "person_id": rng.integers(n_persons, n_persons + others, m).astype(np.int64),
                "unit": rng.integers(0, units, m).astype(np.int32),
                "day": rng.integers(0, days, m)})
            df = (pl.concat([part, other]).sample(fraction=1.0, shuffle=True, seed=seed + i)
                  .select("person_id", "unit",
                          (pl.lit(START.astype("datetime64[D]").item()) +
                           pl.duration(days=pl.col("day"))).cast(pl.Date).alias("event_date")))
            table = df.to_arrow()
            if writer is None:
                writer = pq.ParquetWriter(ref_path, table.schema, compression="zstd")
            writer.write_table(table, row_group_size=1_000_000)
    finally:
        if writer is not None:
            writer.close()




def _cells_duck(path: Path) -> dict[tuple[str, int], tuple[int, int, int]]:
    return {(str(u), int(y)): (a, b, m) for u, y, a, b, m in json.loads(path.read_text())}


def _cells_dq(path: Path) -> dict[tuple[str, int], tuple[int, int, int]]:
    res = json.loads(path.read_text())
    return {(str(r["unit"]), int(r["year"])): (r["only_registry"], r["only_reference"], r["both"])
            for r in res["results"] if r["level"] == "unit"}


# --- MRS-style CSV -------------------------------------------------------------------------------

MRS_COLUMNS = ("ForlopsID", "AvdRESH", "HovedDato", "Vekt", "Kjonn", "Diagnose")
DIAGNOSES = np.array(["Hjerneslag", "Hjerteinfarkt", "Kreft i lunge", "Brudd i lårhals",
                      "Øyesykdom", "Ukjent", "", " "], dtype=object)


def make_mrs_csv(path_utf8: Path, path_cp1252: Path, rows: int, units: int,
                 seed: int = 6) -> None:
    """A 6-column MRS export: ``;``, decimal comma, dd.mm.yyyy, æøå in unit-independent text,
    empty and whitespace-only cells; the same rows in UTF-8 and in cp1252."""
    rng = np.random.default_rng(seed)
    chunk = 1_000_000
    with path_utf8.open("wb") as u8, path_cp1252.open("wb") as cp:
        header = ";".join(MRS_COLUMNS) + "\r\n"
        u8.write(header.encode("utf-8"))
        cp.write(header.encode("cp1252"))
        for lo in range(0, rows, chunk):
            n = min(chunk, rows - lo)
            day = rng.integers(0, DAYS, n)
            weight = pl.Series(np.round(rng.normal(78, 14, n), 1)).cast(pl.String)
            df = pl.DataFrame({
                "ForlopsID": pl.Series(np.arange(lo + 1, lo + n + 1)).cast(pl.String),
                "AvdRESH": pl.Series(rng.integers(100_000, 100_000 + units, n)).cast(pl.String),
                "HovedDato": pl.Series(START + day.astype("timedelta64[D]")).cast(pl.Date)
                .dt.strftime("%d.%m.%Y"),
                "Vekt": weight.str.replace(".", ",", literal=True),
                "Kjonn": pl.Series(rng.choice(np.array(["1", "2", "", "9"]), n,
                                              p=[0.49, 0.49, 0.01, 0.01])),
                "Diagnose": pl.Series(DIAGNOSES[rng.integers(0, len(DIAGNOSES), n)].astype(str)),
            }).with_columns(
                pl.when(pl.Series(rng.random(n) < 0.03)).then(pl.lit("")).otherwise(pl.col("Vekt"))
                .alias("Vekt"),
                pl.when(pl.Series(rng.random(n) < 0.01)).then(pl.lit("  "))
                .otherwise(pl.col("HovedDato")).alias("HovedDato"))
            text = df.write_csv(separator=";", include_header=False, line_terminator="\r\n",
                                quote_style="necessary")
            u8.write(text.encode("utf-8"))
            cp.write(text.encode("cp1252"))


BARE_CSV = textwrap.dedent("""
    import sys, polars as pl
    cols = ["ForlopsID", "AvdRESH", "HovedDato", "Vekt", "Kjonn", "Diagnose"]
    lf = pl.scan_csv(sys.argv[1], separator=";", infer_schema=False)
    blank = lf.with_columns(pl.when(pl.col(cols).str.strip_chars() == "").then(None)
                            .otherwise(pl.col(cols)).name.keep())
    date = pl.col("HovedDato").str.to_date("%d.%m.%Y", strict=False)
    out = (blank.group_by(pl.col("AvdRESH"), date.dt.year().alias("year"))
           .agg(pl.len().alias("__rows"),
                *[pl.col(c).is_null().sum().alias(f"{c}__missing") for c in cols],
                pl.col("Vekt").str.replace(",", ".").cast(pl.Float64, strict=False)
                .is_null().sum().alias("Vekt__bad"))
           .collect(engine="streaming"))
    out.write_json(sys.argv[2])
""")


# --- main ----------------------------------------------------------------------------------------

def _table(title: str, rows: list[Timing], notes: list[str], before: str) -> str:
    return report(title, rows, [f"Load average (1, 5, 15 min) before the runs: {before}; after: "
                                f"{load()}. {BUSY}", *notes])


BUSY = ("The machine (2 cores) was shared with other work during these runs, so the wall "
        "times are noisy; compare the ratios within a table (the jobs run interleaved), not the "
        "seconds across tables.")


def linkage_data(args: argparse.Namespace) -> tuple[int, Path, Path]:
    """The registry and reference files for ``args`` (made when missing)."""
    n_reg = args.registry or max(1, args.reference // 40)
    reg = DATA / f"scale_registry_{n_reg}_{args.units}u{args.years}y.parquet"
    ref = DATA / f"scale_reference_{args.reference}_{n_reg}_{args.units}u{args.years}y.parquet"
    if not (reg.exists() and ref.exists()):
        print(f"making the linkage data ({n_reg:,} × {args.reference:,}) …", file=sys.stderr)
        make_linkage(reg, ref, n_reg, args.reference, args.units, args.years)
    return n_reg, reg, ref


def bench_linkage(args: argparse.Namespace, dq: str) -> str:
    n_reg, reg, ref = linkage_data(args)
    duck_py = DATA / "duckdb_scale_linkage.py"
    duck_py.write_text(DUCKDB, encoding="utf-8")
    out_duck, out_dq = DATA / "scale_duck.json", DATA / "scale_dq.json"
    dq_argv = [dq, "coverage", str(reg), "--reference", str(ref), "--mode", "linkage", "--window",
               "30", "--by", "unit,year", "--format", "json", "--output"]
    before = load()
    rows = interleaved([
        ("DuckDB SQL linkage (same rule)", [sys.executable, str(duck_py), str(reg), str(ref), "30",
                                            str(out_duck)], None, (0,)),
        ("dq coverage --mode linkage --by unit,year --format json (sha256 computed)",
         [*dq_argv, str(out_dq)], {"CI": "true", "DQ_HASH_CACHE": "off"}, (0, 1)),
        ("dq, the same (sha256 from the digest cache)",
         [*dq_argv, str(DATA / "scale_dq_cached.json")],
         {"CI": "true", "DQ_HASH_CACHE": str(DATA / "hash_cache")}, (0, 1)),
    ], args.repeat)
    duck, mine = _cells_duck(out_duck), _cells_dq(out_dq)
    same = duck == mine
    totals = [sum(v[i] for v in mine.values()) for i in range(3)]
    d, q, cached = rows
    mb = ref.stat().st_size / 2**20
    notes = [
        f"Linkage data: registry {n_reg:,} events of {int(n_reg * 0.8):,} persons, reference "
        f"{args.reference:,} events (95 % of the registry's events a few days off, 0.3 more "
        f"event per registry event of the same persons, the rest other people's), "
        f"{args.units} units, {args.years} years, integer person ids; reference Parquet "
        f"{mb:,.0f} MiB.",
        f"- dq / DuckDB = **{q.median / d.median:.2f}×** (target ≤ 0.5×); with the digest "
        f"cached (a file checked again) **{cached.median / d.median:.2f}×**; dq peak "
        f"**{q.peak_mb:,.0f} MB** (target ≤ 2,000 MB), DuckDB peak {d.peak_mb:,.0f} MB; same a/b/m "
        f"in every unit × year as DuckDB: **{same}** ({len(mine)} cells; a, b, m = {totals}).",
    ]
    if not same:
        print("the answers differ", file=sys.stderr)
    return _table(f"National scale: linkage {n_reg:,} × {args.reference:,} (issue #16)", rows,
                  notes, before)


def bench_csv(args: argparse.Namespace, dq: str) -> str:
    u8 = DATA / f"mrs_{args.csv_rows}_utf8.csv"
    cp = DATA / f"mrs_{args.csv_rows}_cp1252.csv"
    if not (u8.exists() and cp.exists()):
        print(f"making the MRS CSV ({args.csv_rows:,} rows) …", file=sys.stderr)
        make_mrs_csv(u8, cp, args.csv_rows, args.units)
    bare_py = DATA / "bare_mrs.py"
    bare_py.write_text(BARE_CSV, encoding="utf-8")
    specs = {}
    for name, path in (("utf8", u8), ("cp1252", cp)):
        spec = DATA / f"mrs_{name}.toml"
        spec.write_text(f'[dataset]\nfiles = ["{path.name}"]\nunit = "AvdRESH"\n'
                        'event_date = "HovedDato"\n', encoding="utf-8")
        specs[name] = spec
    before = load()

    def dq_job(name: str, path: Path) -> tuple[str, list[str], dict[str, str], tuple[int, ...]]:
        return (f"dq completeness --by unit,year --format json ({name})",
                [dq, "completeness", "--spec", str(specs[name]), "--by", "unit,year",
                 "--format", "json", "--output", str(DATA / f"mrs_{name}.json")]
                + (["--encoding", "cp1252"] if name == "cp1252" else []), {"CI": "true"}, (0, 1))

    rows = interleaved([
        ("bare Polars counts, UTF-8 file", [sys.executable, str(bare_py), str(u8),
                                            str(DATA / "bare_mrs.json")], None, (0,)),
        dq_job("utf8", u8), dq_job("cp1252", cp),
    ], args.repeat)
    b, u, c = rows
    mb = u8.stat().st_size / 2**20
    notes = [
        f"MRS-style export: {args.csv_rows:,} rows × 6 columns (`;`, decimal comma, dd.mm.yyyy, "
        f"CRLF, Norwegian letters, empty and whitespace-only cells), {mb:,.0f} MiB; the same rows "
        "in UTF-8 and cp1252.",
        f"- UTF-8: dq / bare = **{u.median / b.median:.2f}×** (target ≤ 1.2×); cp1252: dq / bare "
        f"(UTF-8) = **{c.median / b.median:.2f}×** (target ≤ 1.2×); peaks {u.peak_mb:,.0f} / "
        f"{c.peak_mb:,.0f} MB.",
    ]
    return _table(f"National scale: MRS CSV {args.csv_rows:,} rows (issue #16)", rows, notes,
                  before)


def bench_completeness(args: argparse.Namespace, dq: str) -> str:
    """Completeness by unit × year over the national reference itself (``--reference`` rows,
    Parquet: person id, unit, event date), against bare Polars counting the same nulls."""
    from bench_completeness import BARE

    n_reg, reg, ref = linkage_data(args)
    bare_py = DATA / "bare_completeness.py"
    bare_py.write_text(BARE, encoding="utf-8")
    spec = DATA / "scale_completeness.toml"
    spec.write_text(f'[dataset]\nfiles = ["{ref.name}"]\nunit = "unit"\n'
                    'event_date = "event_date"\n', encoding="utf-8")
    before = load()
    rows = interleaved([
        ("bare Polars group-by (nulls per column)",
         [sys.executable, str(bare_py), str(ref), str(DATA / "scale_bare.json")], None, (0,)),
        ("dq completeness --by unit,year --format json",
         [dq, "completeness", "--spec", str(spec), "--by", "unit,year", "--format", "json",
          "--output", str(DATA / "scale_completeness.json")],
         {"CI": "true", "DQ_HASH_CACHE": str(DATA / "hash_cache")}, (0, 1)),
        ("dq, the same (sha256 computed)",
         [dq, "completeness", "--spec", str(spec), "--by", "unit,year", "--format", "json",
          "--output", str(DATA / "scale_completeness_hashed.json")],
         {"CI": "true", "DQ_HASH_CACHE": "off"}, (0, 1)),
    ], args.repeat)
    b, q, hashed = rows
    bare_rows = pl.read_json(DATA / "scale_bare.json")["__rows"].sum()
    doc = json.loads((DATA / "scale_completeness.json").read_text(encoding="utf-8"))
    notes = [
        f"The linkage's reference file itself: {args.reference:,} rows × 3 columns (person id, "
        f"unit, event date), {args.units} units, {args.years} years, Parquet "
        f"{ref.stat().st_size / 2**20:,.0f} MiB. The bare query groups by `dt.year()`, dq by the same year "
        "in integer arithmetic (dq.io.values.year).",
        f"- dq / bare = **{q.median / b.median:.2f}×** (target ≤ 1.15×); with the sha256 "
        f"computed beside the query (a file seen for the first time) "
        f"**{hashed.median / b.median:.2f}×**; peaks dq "
        f"{q.peak_mb:,.0f} MB, bare {b.peak_mb:,.0f} MB (target ≤ 1,000 MB); rows counted: "
        f"bare {bare_rows:,}, dq {doc['n_records']:,}.",
    ]
    return _table(f"National scale: completeness over {args.reference:,} rows (issue #16)", rows,
                  notes, before)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reference", type=int, default=20_000_000, help="reference events")
    ap.add_argument("--registry", type=int, default=0,
                    help="registry events (default: reference / 40)")
    ap.add_argument("--units", type=int, default=60)
    ap.add_argument("--years", type=int, default=5)
    ap.add_argument("--csv-rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", choices=("linkage", "csv", "completeness"), default=None)
    args = ap.parse_args()
    DATA.mkdir(exist_ok=True)
    dq = shutil.which("dq") or sys.exit("dq is not installed: pip install .")
    os.environ.setdefault("PYTHONPATH", str(Path(__file__).resolve().parents[1]))
    for what, run in (("linkage", bench_linkage), ("csv", bench_csv),
                      ("completeness", bench_completeness)):
        if args.only in (None, what):
            text = run(args, dq)
            print(text)
            update_results(text.splitlines()[0][3:], text)


if __name__ == "__main__":
    main()
