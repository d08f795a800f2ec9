"""Units: hospital (sykehus) → health trust (HF) → regional health authority (RHF) → national.

Every join of units goes through a unit table, and units that match nothing are reported, never
dropped (domain.md "Units"). Unit ids are compared as text, so RESH-ID 4001 in one file matches
"4001" in another.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dq.errors import InputError
from dq.messages import Message
from dq.io import scan
from dq.spec import UnitTable

LEVELS = ("unit", "hf", "rhf", "national")


@dataclass(frozen=True)
class Units:
    """The unit table, normalised to the columns unit, unit_name, hf, rhf (all text)."""

    table: pl.DataFrame

    def known(self) -> set[str]:
        """Every value that names a unit of the table: its ids and its names."""
        return set(self.table["unit"]) | {n for n in self.table["unit_name"] if n}

    def names(self) -> dict[str, str]:
        return dict(zip(self.table["unit"], self.table["unit_name"], strict=True))


NOT_A_UNIT = "(not a unit id)"


def public(expr: pl.Expr, known: set[str] | None = None) -> pl.Expr:
    """Unit ids (text) as they may be printed. Unit ids and names are public, but the unit
    column is a field like any other: a national ID number or a name typed into it must not be
    printed (domain.md "Privacy"). An 11-digit value is never a unit id (RESH-IDs and
    organisation numbers are shorter); with a unit table, a value that is neither in the table
    nor a plain number (an id the table lacks, listed so it can be added) is not shown either.
    Both become one group, ``(not a unit id)``, counted like any other."""
    digits = expr.str.replace_all(r"[\s.-]", "")
    id_number = digits.str.contains(r"^\d{11}$")
    shown = ~id_number
    if known:
        listed = expr.str.strip_chars().str.to_lowercase().is_in(sorted(k.strip().lower()
                                                                         for k in known))
        shown = shown & (listed | expr.str.contains(r"^\d{1,10}$"))
    return (pl.when(expr.is_null()).then(None).when(shown).then(expr)
            .otherwise(pl.lit(NOT_A_UNIT)).alias(expr.meta.output_name(raise_if_undetermined=False)
                                                 or "unit"))


def load(spec: UnitTable) -> Units:
    df = scan(spec.path).lf.collect()
    wanted = {"unit": spec.id, "unit_name": spec.name, "hf": spec.hf, "rhf": spec.rhf}
    missing = [col for col in wanted.values() if col not in df.columns]
    if missing:
        raise InputError(Message("units.lacks", file=spec.path, n=len(missing),
                                 columns=", ".join(map(repr, missing)),
                                 found=", ".join(df.columns)))
    from dq.io.values import as_text

    out = df.select(as_text(pl.col(col), df.schema[col]).alias(role) for role, col in wanted.items())
    blank = out.with_row_index("line", offset=2).filter(
        pl.col("unit").is_null() | (pl.col("unit").str.strip_chars() == ""))["line"]
    if len(blank):
        raise InputError(Message("units.blank_ids", file=spec.path, column=spec.id, n=len(blank),
                                 lines=", ".join(map(str, blank.head(10).to_list()))))
    dups = out.filter(pl.col("unit").is_duplicated()).get_column("unit").unique().sort()
    if len(dups):
        raise InputError(Message("units.duplicate_ids", file=spec.path, n=len(dups),
                                 ids=", ".join(dups.head(10))))
    return Units(out)


def roll_up(counts: pl.DataFrame, keys: list[str], sum_cols: list[str], units: Units | None,
            lowest: str) -> pl.DataFrame:
    """Sum counts made per unit up to HF, RHF and national.

    ``counts`` has a text column ``unit`` plus the other group ``keys``; the result has a
    ``level`` column and ``unit``, ``unit_name``, ``hf``, ``rhf`` (null above their level).
    Levels below ``lowest`` are left out. Units missing from the unit table keep hf/rhf null and
    roll up under "(unmatched)".
    """
    other = [k for k in keys if k not in LEVELS]
    if units is not None:
        counts = counts.join(units.table, on="unit", how="left")
        counts = counts.with_columns(pl.col("hf", "rhf").fill_null("(unmatched)"))
    else:
        counts = counts.with_columns(unit_name=pl.lit(None, pl.String), hf=pl.lit(None, pl.String),
                                     rhf=pl.lit(None, pl.String))
    sums = [pl.col(c).sum() for c in sum_cols]
    frames = []
    start = LEVELS.index(lowest)
    for level in LEVELS[start:]:
        if units is None and level in ("hf", "rhf"):
            continue
        if level == "unit":
            frame = counts
        else:
            by = {"hf": ["hf", "rhf"], "rhf": ["rhf"], "national": []}[level] + other
            frame = (counts.group_by(by, maintain_order=True).agg(sums) if by
                     else counts.select(sums))
        frames.append(frame.with_columns(level=pl.lit(level)))
    out = pl.concat(frames, how="diagonal_relaxed")
    return out.with_columns(pl.lit(None, pl.String).alias(c)
                            for c in ("unit", "unit_name", "hf", "rhf") if c not in out.columns)
