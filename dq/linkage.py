"""Record linkage of events between sources: one-to-one, on person id within a date window.

Rule (documented in the README and ``dq coverage --help``): a registry event and a reference
event are candidates when they have the same person id (and, with ``same_unit``, the same unit)
and their dates are at most ``window`` days apart. Each event is matched at most once; pairs are
taken nearest date first, ties broken by the earlier event in each source — the greedy matching
on that order. It is computed in rounds of "mutual best" pairs (each event's best remaining
candidate is the other's best too), which under a strict order gives exactly the greedy matching.

With k sources the first is linked to the second, the union to the third, and so on; every event
ends with a capture history (one bit per source). The last source is never held in memory:
its unmatched events are counted per unit and year.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

EVENT_COLUMNS = ("person", "date", "unit", "year")


@dataclass(frozen=True)
class Linked:
    """Events per unit, year and capture history (columns h0 … h{k-1}, n)."""

    cells: pl.DataFrame
    sources: tuple[str, ...]


def candidates(left: pl.LazyFrame, right: pl.LazyFrame, window: int,
               same_unit: bool) -> pl.LazyFrame:
    """Pairs (lid, rid) within the window, with |Δdays| and the right event's unit and year."""
    on = ["person", "unit"] if same_unit else ["person"]
    pairs = left.select("lid", "person", "date", "unit").join(
        right.select("rid", "person", "date", "unit", "year"), on=on, how="inner", suffix="_r")
    unit_r = pl.col("unit") if same_unit else pl.col("unit_r")
    dist = (pl.col("date") - pl.col("date_r")).dt.total_days().abs()
    return (pairs.with_columns(dist=dist)
            .filter(pl.col("dist") <= window)
            .select("lid", "rid", "dist", unit_r.alias("r_unit"), pl.col("year").alias("r_year")))


def greedy(pairs: pl.DataFrame) -> pl.DataFrame:
    """One-to-one matching: nearest first, ties by lid then rid (see module docstring)."""
    remaining = pairs.sort("dist", "lid", "rid")
    chosen = []
    while remaining.height:
        best_l = remaining.unique(subset="lid", keep="first", maintain_order=True)
        best_r = remaining.unique(subset="rid", keep="first", maintain_order=True)
        mutual = best_l.join(best_r.select("lid", "rid"), on=["lid", "rid"], how="semi")
        chosen.append(mutual)
        remaining = remaining.filter(~pl.col("lid").is_in(mutual["lid"].implode())
                                     & ~pl.col("rid").is_in(mutual["rid"].implode()))
    return pl.concat(chosen) if chosen else pairs.clear()


def link(sources: list[pl.LazyFrame], names: tuple[str, ...], window: int,
         same_unit: bool) -> Linked:
    """Link the events of every source (each a LazyFrame with EVENT_COLUMNS)."""
    k = len(sources)
    union = (sources[0].select(EVENT_COLUMNS).with_row_index("lid")
             .with_columns(h0=pl.lit(True)).collect(engine="streaming"))
    tail: pl.DataFrame | None = None
    for i in range(1, k):
        src = sources[i].select(EVENT_COLUMNS).with_row_index("rid")
        pairs = candidates(union.lazy(), src, window, same_unit).collect(engine="streaming")
        matched = greedy(pairs)
        union = union.with_columns(pl.col("lid").is_in(matched["lid"].implode()).alias(f"h{i}"))
        unmatched = src.filter(~pl.col("rid").is_in(matched["rid"].implode()))
        if i == k - 1:
            tail = (unmatched.group_by("unit", "year").agg(pl.len().alias("n"))
                    .collect(engine="streaming")
                    .with_columns(pl.lit(i == j).alias(f"h{j}") for j in range(k)))
        else:
            new = unmatched.select(EVENT_COLUMNS).collect(engine="streaming")
            new = new.with_row_index("lid", offset=union.height).with_columns(
                pl.lit(j == i).alias(f"h{j}") for j in range(i + 1))
            union = pl.concat([union, new], how="diagonal")
    bits = [f"h{j}" for j in range(k)]
    cells = union.group_by("unit", "year", *bits).agg(pl.len().alias("n"))
    if tail is not None:
        cells = pl.concat([cells, tail.select(cells.columns)], how="vertical_relaxed")
    cells = cells.with_columns(pl.col("n").cast(pl.Int64))
    return Linked(cells=cells, sources=names)
