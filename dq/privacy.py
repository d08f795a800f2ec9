"""Small-cell suppression for published formats (domain.md "Privacy").

Primary suppression hides counts from 1 to N − 1 (shown as "<N"). A row with a hidden count hides
all its counts: a count left beside a hidden one, with the row's status band, could give the hidden
one away. Secondary suppression keeps a hidden row from being recovered from a published total:
within each set of sibling rows whose sum is published one level up (units of one HF, HFs of one
RHF, RHFs of the nation, each per period; units of the nation without a unit table), a set with
exactly one hidden row hides its smallest other row that has a non-zero count in every count in
which the hidden row has one (a sibling whose count is 0 there, such as a unit listed as not
reporting, protects nothing), and when there is none hides the total one level up instead, which
is then protected among its own siblings in turn. A hidden total whose rows are all shown would
be their sum: one of them is hidden too, by the same choice. Cells hidden only to protect another are shown as
":" (Statistics Norway's mark for a figure withheld for confidentiality), never as "<N", which
would be false. Proportions and estimates computed from a hidden count are hidden with it.
"""

from __future__ import annotations

import polars as pl

PARENT = {"unit": "hf", "hf": "rhf", "rhf": None}
HIDDEN_MARK = ":"


def rule(n: int) -> str:
    return (f"Counts from 1 to {n - 1} are shown as \"<{n}\"; so that no hidden count can be "
            "recovered from totals, other counts of the same rows and further rows or totals are "
            f"hidden too (shown as \"{HIDDEN_MARK}\"); figures computed from a hidden count are "
            "hidden.")


def _parent_row(df: pl.DataFrame, level: str, key: dict[str, object], period: list[str],
                has_units: bool) -> int | None:
    """The row holding the published total of a sibling set: the HF of units, the RHF of HFs,
    the nation of RHFs (or of units without a unit table)."""
    parent = PARENT[level] if has_units else None
    want = {"level": parent or "national", **{c: key[c] for c in period}}
    if parent:
        want[parent] = key[parent]
    rows = df.filter(*(pl.col(c).is_null() if v is None else pl.col(c) == v
                       for c, v in want.items()))
    return int(rows["__row"][0]) if rows.height == 1 else None


def suppress(df: pl.DataFrame, counts: list[str], n: int, *, period: list[str],
             has_units: bool, standalone: pl.Expr | None = None,
             flags: tuple[str, ...] = ()) -> pl.DataFrame:
    """Add boolean columns ``<count>__hidden`` (not shown) and ``<count>__small`` (hidden as a
    count of 1 to n − 1: shown as "<n"; other hidden counts show as ``HIDDEN_MARK``).

    ``standalone``: rows that no total includes (a registry unit the coverage reference lacks):
    their small counts are hidden, but they are not siblings of the rows a total sums, so they
    neither need nor give secondary protection. ``flags``: columns of ``counts`` that mark a row
    small (1) rather than count (a breakdown cell's smallness): no sibling needs them to shield
    a row."""
    small = {c: df[c].is_between(1, n - 1).fill_null(False).to_list() for c in counts}
    if "level" not in df.columns:
        return df.with_columns(*(pl.Series(f"{c}__hidden", small[c]) for c in counts),
                               *(pl.Series(f"{c}__small", small[c]) for c in counts))
    out = df.with_row_index("__row")
    summed = out if standalone is None else out.filter(~standalone.fill_null(False))
    hidden = [any(small[c][i] for c in counts) for i in range(out.height)]
    cols = {c: out[c].fill_null(0).abs().to_list() for c in counts}
    values = [sum(cols[c][i] for c in counts) for i in range(out.height)]

    def shield(ids: list[int], of: int) -> int | None:
        """The smallest shown row of ``ids`` that hides something in every count in which row
        ``of`` has something to hide: a row whose count is 0 where ``of``'s is not (a unit that
        does not report, say: its 0 is published elsewhere) protects nothing there."""
        need = [c for c in counts if cols[c][of] > 0 and c not in flags]
        fit = [(values[i], i) for i in ids if not hidden[i] and values[i] > 0
               and all(cols[c][i] > 0 for c in need)]
        return min(fit)[1] if fit else None

    changed = True
    while changed:  # until no set has a lone hidden row: each pass only hides more
        changed = False
        for level, parent in PARENT.items():
            if not has_units and level != "unit":
                continue
            group = ([parent] if has_units and parent else []) + period
            if not set(group) <= set(out.columns):  # e.g. --by rhf: no HF column, no units
                continue
            rows = summed.filter(pl.col("level") == level).select("__row", *group)
            if rows.is_empty():
                continue
            for key, part in (rows.group_by(group) if group else [((), rows)]):
                ids = part["__row"].to_list()
                lone = [i for i in ids if hidden[i]]
                total = _parent_row(out, level, dict(zip(group, key, strict=True)), period,
                                    has_units)
                if not lone and total is not None and hidden[total]:
                    # a hidden total is the sum of its rows: with all of them shown it is
                    # recovered from them (an HF hidden to protect a sibling, its one unit shown)
                    pick = shield(ids, total)
                    if pick is not None:
                        hidden[pick] = True
                        changed = True
                    continue
                if len(lone) != 1:
                    continue
                pick = shield(ids, lone[0])
                if pick is not None:
                    hidden[pick] = True
                    changed = True
                elif total is not None and not hidden[total]:
                    hidden[total] = True
                    changed = True
    return out.with_columns(
        *(pl.Series(f"{c}__hidden", hidden) for c in counts),
        *(pl.Series(f"{c}__small", small[c]) for c in counts)).drop("__row")


def derived_columns(df: pl.DataFrame, counts: list[str], keys: list[str],
                    visible: tuple[str, ...] = ("target", "status")) -> list[str]:
    """Columns computed from the counts (shares, CIs, estimates): hidden with a hidden count.
    Group keys and the ``visible`` columns stay shown."""
    return [c for c in df.columns if c not in counts and c not in keys
            and not c.endswith(("__hidden", "__small")) and c not in visible]


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
    ).drop(*(f"{c}__hidden" for c in counts), *(f"{c}__small" for c in counts))
