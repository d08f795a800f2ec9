"""Shared helpers for the benchmarks: run a command in a child process, time it, read peak RSS."""

from __future__ import annotations

import os
import textwrap
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"


def _compile_dq() -> None:
    """Write dq's bytecode as ``pip install .`` does: an editable install run with
    PYTHONDONTWRITEBYTECODE=1 would otherwise compile dq's modules again in every timed run
    (about 0.12 s, which no installed copy pays)."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("dq")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        compileall.compile_dir(folder, quiet=1)


_compile_dq()


@dataclass
class Timing:
    label: str
    seconds: list[float]
    peak_mb: float

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def measure(label: str, argv: list[str], repeat: int = 3, env: dict[str, str] | None = None,
            ok_codes: tuple[int, ...] = (0, 1)) -> Timing:
    """Wall time and peak resident memory (GNU time's %M) of a child process, ``repeat`` times."""
    seconds, peaks = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], capture_output=True, text=True,
                              env={**os.environ, **(env or {})}, check=False)
        seconds.append(time.perf_counter() - start)
        if proc.returncode not in ok_codes:
            sys.exit(f"{label} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
        peaks.append(int(proc.stderr.strip().splitlines()[-1]) / 1024)
    return Timing(label, seconds, max(peaks))


def interleaved(jobs: list[tuple[str, list[str], dict[str, str] | None, tuple[int, ...]]],
                repeat: int) -> list[Timing]:
    """Run the jobs in turn, ``repeat`` rounds, so that drift in the machine hits all alike."""
    results = {label: Timing(label, [], 0.0) for label, *_ in jobs}
    for _ in range(repeat):
        for label, argv, env, ok in jobs:
            one = measure(label, argv, 1, env, ok)
            results[label].seconds += one.seconds
            results[label].peak_mb = max(results[label].peak_mb, one.peak_mb)
    return list(results.values())


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import polars

    return (f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} cores, "
            f"{mem:.0f} GiB RAM, Python {platform.python_version()}, Polars {polars.__version__}")


def load() -> str:
    """The load average (1, 5, 15 minutes), to print beside figures from a shared machine."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def report(title: str, rows: list[Timing], notes: list[str]) -> str:
    lines = [f"## {title}", "", f"{stamp()} — {machine()}", "",
             "| run | median wall (s) | all runs (s) | peak RSS (MB) |", "|---|---:|---|---:|"]
    for t in rows:
        runs = ", ".join(f"{s:.2f}" for s in t.seconds)
        lines.append(f"| {t.label} | {t.median:.2f} | {runs} | {t.peak_mb:.0f} |")
    lines += ["", *notes, ""]
    return "\n".join(lines)


def update_results(section: str, text: str) -> None:
    """Replace the section ``## <section>`` in RESULTS.md (or append it)."""
    path = HERE / "RESULTS.md"
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n\n"
    marker = f"## {section}"
    if marker in old:
        head, rest = old.split(marker, 1)
        nxt = rest.find("\n## ")
        tail = rest[nxt + 1:] if nxt >= 0 else ""
        old = head + text.rstrip() + "\n\n" + tail
    else:
        old = old.rstrip() + "\n\n" + text.rstrip() + "\n"
    path.write_text(old, encoding="utf-8")


# The linkage rule of dq.linkage (±window days, greedy one-to-one by distance, then ids) in
# DuckDB SQL: the anchor of bench_coverage.py and bench_scale.py. Writes [unit, year, a, b, m].
DUCKDB = textwrap.dedent("""
    import json, sys, duckdb
    reg, ref, window, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    con = duckdb.connect()
    con.execute(f"CREATE TEMP TABLE reg AS SELECT file_row_number AS lid, person_id, event_date, unit "
                f"FROM read_parquet('{reg}', file_row_number = true)")
    con.execute(f"CREATE TEMP TABLE ref AS SELECT file_row_number AS rid, person_id, event_date, unit "
                f"FROM read_parquet('{ref}', file_row_number = true)")
    con.execute(f\"\"\"CREATE TEMP TABLE cand AS
        SELECT lid, rid, abs(date_diff('day', reg.event_date, ref.event_date)) AS dist
        FROM reg JOIN ref USING (person_id)
        WHERE abs(date_diff('day', reg.event_date, ref.event_date)) <= {window}\"\"\")
    con.execute("CREATE TEMP TABLE matched (lid BIGINT, rid BIGINT)")
    while con.execute("SELECT count(*) FROM cand").fetchone()[0]:
        con.execute(\"\"\"INSERT INTO matched SELECT lid, rid FROM (
            SELECT lid, rid,
                   row_number() OVER (PARTITION BY lid ORDER BY dist, lid, rid) AS rl,
                   row_number() OVER (PARTITION BY rid ORDER BY dist, lid, rid) AS rr
            FROM cand) WHERE rl = 1 AND rr = 1\"\"\")
        con.execute(\"\"\"DELETE FROM cand WHERE lid IN (SELECT lid FROM matched)
                       OR rid IN (SELECT rid FROM matched)\"\"\")
    rows = con.execute(\"\"\"
        WITH m AS (SELECT reg.unit, year(reg.event_date) AS year, count(*) AS both_
                   FROM matched JOIN reg USING (lid) GROUP BY ALL),
             a AS (SELECT unit, year(event_date) AS year, count(*) AS only_registry
                   FROM reg ANTI JOIN matched USING (lid) GROUP BY ALL),
             b AS (SELECT unit, year(event_date) AS year, count(*) AS only_reference
                   FROM ref ANTI JOIN matched USING (rid) GROUP BY ALL)
        SELECT unit, year, coalesce(only_registry, 0), coalesce(only_reference, 0),
               coalesce(both_, 0)
        FROM a FULL JOIN b USING (unit, year) FULL JOIN m USING (unit, year)
        ORDER BY unit, year\"\"\").fetchall()
    json.dump(rows, open(out, "w"))
""")
