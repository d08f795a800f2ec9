"""``dq sample`` output: the list (a file only), its manifest, and the allocation table.

The list holds record keys — the one dq output that must hold identifiers — and is written only
to the file named by ``-o``. What reaches the terminal or stdout is the allocation: strata (unit
ids), counts and weights, with strata of fewer than ``min_n`` records shown as "<min_n"."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from dq.messages import plan_text
from dq.privacy import HIDDEN_MARK
from dq.render.envelope import SCHEMA_VERSION, clean, dumps, rows
from dq.render.numbers import count, num

if TYPE_CHECKING:
    from dq.io import SourceInfo
    from dq.sample import SampleResult
    from dq.spec import Spec

__all__ = ["dumps", "manifest", "public", "terminal", "to_csv"]


def to_csv(result: SampleResult) -> str:
    """The list: ``;``-separated UTF-8 with a byte-order mark and decimal commas (Norwegian
    Excel opens æøå and the weights right; dq reads both back), one row per sampled record:
    keys, strata, the extra columns, the weight."""
    text = result.records.write_csv(separator=";", float_precision=6, decimal_comma=True)
    return "\ufeff" + text


def manifest(result: SampleResult, infos: list[SourceInfo], spec: Spec, output: Path, *,
             where: str | None, year: int | None) -> dict[str, Any]:
    import dq

    return {"dq_version": dq.__version__, "schema_version": SCHEMA_VERSION, "command": "sample",
            "inputs": [info.manifest() for info in infos], "spec": spec.manifest(),
            "seed": result.seed, "method": "blake2b-64(seed, key), smallest first per stratum",
            "allocation_method": result.method, "strata": result.strata, "keys": result.keys,
            "where": where, "year": year, "population": result.population, "n": result.n,
            "list": str(output), "min_n": result.min_n,
            "results": rows(result.allocation), "warnings": list(result.warnings)}


def public(doc: dict[str, Any]) -> dict[str, Any]:
    """The manifest as written (file and stdout): the strata ``dq.sample.small_strata`` hides
    have population, n and weight null and ``suppressed`` true — the small-cell rule of every
    published dq figure."""
    shown = []
    for row in doc["results"]:
        hide = bool(row.get("suppressed"))
        row = {k: v for k, v in row.items() if k != "suppressed_small"}
        shown.append({**row, **({"population": None, "n": None, "weight": None} if hide else {}),
                      "suppressed": hide})
    return clean({**doc, "results": shown})


def terminal(result: SampleResult, console: Any, lang: str, output: Path,
             infos: list[SourceInfo]) -> None:
    from rich.table import Table

    title = plan_text("sample.title", lang, purpose=plan_text("sample.purpose", lang),
                      n=result.n, population=result.population)
    # the title on its own line: as a table title it wraps to the table's width (43 columns)
    console.print(title, style="italic")
    table = Table()
    named = result.unit_column is not None and "unit_name" in result.allocation.columns
    for s in result.strata:
        table.add_column(s)
        if named and s == result.unit_column:  # the unit table's name beside the id
            table.add_column(plan_text("sample.col.unit_name", lang))
    oversampled = result.allocation.get_column("missing").any()
    if oversampled:
        table.add_column(plan_text("sample.col.oversampled", lang))
    for key in ("population", "n", "weight"):
        table.add_column(plan_text(f"sample.col.{key}", lang), justify="right")
    small = f"<{result.min_n}"
    for row in result.allocation.iter_rows(named=True):
        hide = row["suppressed"]
        cells = []
        for s in result.strata:
            cells.append("–" if row[s] is None else str(row[s]))
            if named and s == result.unit_column:
                cells.append(row["unit_name"] or "–")
        if oversampled:
            cells.append("✓" if row["missing"] else "")
        if hide:  # "<N" where the stratum is small, ":" where it protects one that is
            cells += [small if row["suppressed_small"] else HIDDEN_MARK, HIDDEN_MARK, "–"]
        else:
            cells += [count(row["population"], lang), count(row["n"], lang),
                      "–" if row["weight"] is None else num(row["weight"], lang, 2)]
        table.add_row(*cells)
    if result.strata:  # without strata the one row is the total
        table.add_section()
        total = [plan_text("sample.total", lang)] + [""] * (len(result.strata) - 1 + named)
        table.add_row(*total, *([""] if oversampled else []), count(result.population, lang),
                      count(result.n, lang), "")
    console.print(table)
    sha = ", ".join(info.sha256[:12] + "…" for info in infos)
    console.print(plan_text("sample.summary", lang,
                            allocation=plan_text(f"sample.allocation.{result.method}", lang),
                            seed=result.seed, sha=sha, output=str(output)))
    console.print(plan_text("sample.small", lang, min_n=result.min_n))
