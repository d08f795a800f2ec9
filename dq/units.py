"""Units: hospital (sykehus) → health trust (HF) → regional health authority (RHF) → national.

Every join of units goes through a unit table, and units that match nothing are reported, never
dropped (domain.md "Units"). Unit ids are compared as text, so RESH-ID 4001 in one file matches
"4001" in another.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

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
UNMATCHED = "(unmatched)"
MISSING = "(missing)"
NO_UNIT = frozenset({MISSING, NOT_A_UNIT})  # the groups of values that name no unit
# The groups dq makes itself, in the catalogue's words ("(ikke en enhet)" in nb).
_GROUP_WORDS = {NOT_A_UNIT: "group.not_a_unit", UNMATCHED: "group.unmatched",
                MISSING: "group.missing"}


def group_value(value: str) -> str:
    """A unit value for a message: the groups dq makes itself as a Message, written in the
    message's language; every other value as it is."""
    return Message(_GROUP_WORDS[value]) if value in _GROUP_WORDS else value


def group_word(value: object, lang: str) -> str:
    """A unit, HF or RHF value as printed: the groups dq makes itself — units that are not
    units, units outside the unit table, no unit — in ``lang``, every other value as it is."""
    if isinstance(value, str) and value in _GROUP_WORDS:
        return Message(_GROUP_WORDS[value]).text(lang)
    return "" if value is None else str(value)


@cache
def public_names() -> frozenset[str]:
    """Names of Norway's specialist health-service units, lower-cased: organisation numbers,
    registered names and short names of SKDE's public hospital-structure table (bundled as
    ``dq/data/hospital_structure_2020.csv``; domain.md "Units"). Without a unit table of the
    registry's own, a unit value that is text is shown only when it is one of these."""
    import csv
    from importlib.resources import files

    text = files("dq.data").joinpath("hospital_structure_2020.csv").read_text(encoding="utf-8")
    names: set[str] = set()
    for row in csv.DictReader(text.splitlines(), delimiter=";"):
        for col in ("OrgNr", "OrgNavnEnhetsreg", "Kortnavn"):
            if row.get(col):
                names.add(row[col].strip().lower())
    return frozenset(names)


def public(expr: pl.Expr, known: set[str] | None = None, *, institution: bool = False) -> pl.Expr:
    """Unit ids (text) as they may be printed. Unit ids and names are public, but a registry's
    unit column is a field like any other: a national ID number or a person's name typed into
    it must not be printed (domain.md "Privacy"). A value is shown when it is a plain number of
    up to 10 digits (RESH-IDs and organisation numbers; an 11-digit fødselsnummer never is) or
    a name of the unit table (``known``: its ids and names) — without a unit table, a name of
    SKDE's public hospital structure (``public_names``). Everything else (a name, free text, an
    id the table lacks written with letters) becomes one group, ``(not a unit id)``, counted
    like any other, so that the unit table can be completed.

    ``institution``: the values come from a register that names its own units (NPR's reference
    counts and extracts): any name is shown so that it can be mapped, only ID numbers are not."""
    digits = expr.str.replace_all(r"[\s.-]", "")
    shown = ~digits.str.contains(r"^\d{11}$")
    if not institution:
        names = {k.strip().lower() for k in known} if known else public_names()
        listed = expr.str.strip_chars().str.to_lowercase().is_in(sorted(names))
        shown = shown & (listed | expr.str.strip_chars().str.contains(r"^\d{1,10}$"))
    return (pl.when(expr.is_null()).then(None).when(shown).then(expr)
            .otherwise(pl.lit(NOT_A_UNIT)).alias(expr.meta.output_name(raise_if_undetermined=False)
                                                 or "unit"))


def not_units(df: pl.DataFrame, column: str, known: set[str] | None, *,
              table: bool | None = None) -> Message | None:
    """A warning when ``public`` hides values of the registry's unit column ``df["unit"]``
    (counted once per distinct value), so that the user can complete the unit table."""
    if "unit" not in df.columns:
        return None
    from dq.io.values import as_text

    values = df.select(as_text(pl.col("unit"), df.schema["unit"]).unique().alias("unit"))
    n = values.select((public(pl.col("unit"), known) == NOT_A_UNIT).sum()).item()
    return not_units_message(column, n, bool(known) if table is None else table)


def not_units_message(column: str, n: int, table: bool) -> Message | None:
    """The warning ``not_units`` gives, for ``n`` distinct hidden values (None for none)."""
    if not n:
        return None
    return Message("units.not_units", column=column, n=n,
                   where=Message("units.where_table" if table else "units.where_public"))


def load(spec: UnitTable) -> Units:
    df = scan(spec.path, export=False).lf.collect()
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
        counts = counts.with_columns(pl.col("hf", "rhf").fill_null(UNMATCHED))
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
