"""Small-cell suppression for published formats (domain.md "Privacy").

Primary suppression hides counts from 1 to N − 1 (shown as "<N"; zeros are shown). Secondary
suppression keeps a hidden cell from being recovered from a published total: within each set of
sibling rows whose sum is published one level up (units of one HF, HFs of one RHF, RHFs of the
nation, each per period), a set with exactly one hidden cell hides its smallest other non-zero
cell too. Proportions and estimates computed from a hidden count are hidden with it.
"""

from __future__ import annotations

import polars as pl

PARENT = {"unit": "hf", "hf": "rhf", "rhf": None}


def rule(n: int) -> str:
    return (f"Counts below {n} are shown as \"<{n}\" (zeros are shown), with secondary suppression "
            "so that a hidden count cannot be recovered from totals; figures computed from a "
            "hidden count are hidden too.")


def suppress(df: pl.DataFrame, counts: list[str], n: int, *, period: list[str],
             has_units: bool) -> pl.DataFrame:
    """Add a boolean column ``<count>__hidden`` for each count column."""
    if "level" not in df.columns:
        return df.with_columns((pl.col(c).is_between(1, n - 1)).fill_null(False)
                               .alias(f"{c}__hidden") for c in counts)
    out = df.with_row_index("__row")
    for count in counts:
        hidden = out[count].is_between(1, n - 1).fill_null(False).to_list()
        for level, parent in PARENT.items():
            if not has_units and level != "unit":
                continue
            group = ([parent] if has_units and parent else []) + period
            rows = out.filter(pl.col("level") == level).select("__row", count, *group)
            if rows.is_empty():
                continue
            for _, part in (rows.group_by(group) if group else [((), rows)]):
                ids = part["__row"].to_list()
                values = part[count].to_list()
                if len(ids) < 2 or sum(hidden[i] for i in ids) != 1:
                    continue
                visible = [(v, i) for v, i in zip(values, ids, strict=True)
                           if not hidden[i] and v and v > 0]
                if visible:
                    hidden[min(visible)[1]] = True
        out = out.with_columns(pl.Series(f"{count}__hidden", hidden))
    return out.drop("__row")


def derived_columns(df: pl.DataFrame, counts: list[str], keys: list[str],
                    visible: tuple[str, ...] = ("target", "status")) -> list[str]:
    """Columns computed from the counts (shares, CIs, estimates): hidden with a hidden count.
    Group keys and the ``visible`` columns stay shown."""
    return [c for c in df.columns if c not in counts and c not in keys
            and not c.endswith("__hidden") and c not in visible]


def any_hidden(counts: list[str]) -> pl.Expr:
    return pl.any_horizontal(pl.col(f"{c}__hidden") for c in counts)


def apply_to_json(df: pl.DataFrame, counts: list[str], derived: list[str]) -> pl.DataFrame:
    """For machine formats: hidden counts and the figures computed from them become null, and a
    ``suppressed`` column lists which counts were hidden."""
    hide = any_hidden(counts)
    return df.with_columns(
        *(pl.when(~pl.col(f"{c}__hidden")).then(pl.col(c)).alias(c) for c in counts),
        *(pl.when(~hide).then(pl.col(c)).alias(c) for c in derived if c in df.columns),
        pl.concat_list(pl.when(pl.col(f"{c}__hidden")).then(pl.lit(c)) for c in counts)
        .list.drop_nulls().alias("suppressed"),
    ).drop(f"{c}__hidden" for c in counts)
