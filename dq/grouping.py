"""Resolve ``--by`` into group columns: spec roles (unit, year, hf, rhf) or plain column names."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dq.errors import ConfigError
from dq.messages import Message
from dq.io import Source
from dq.io.values import as_date, as_text, year as year_of
from dq.spec import Spec
from dq.units import LEVELS

ROLES = ("unit", "year", "hf", "rhf")


@dataclass(frozen=True)
class Grouping:
    keys: list[str]  # output names, e.g. ["unit", "year", "Kjonn"]
    lowest_level: str | None  # "unit", "hf" or "rhf" when units are involved, else None
    exprs: dict[str, pl.Expr]  # key → expression over the source

    @property
    def group_cols(self) -> list[str]:
        """Columns the data are grouped by (unit level when any unit level is asked for)."""
        cols = ["unit"] if self.lowest_level else []
        return cols + [k for k in self.keys if k not in LEVELS]


def parse_by(text: str | None) -> list[str]:
    if not text:
        return []
    keys = [k.strip() for k in text.split(",") if k.strip()]
    dups = {k for k in keys if keys.count(k) > 1}
    if dups:
        raise ConfigError(Message("grouping.twice", keys=", ".join(sorted(dups))))
    return keys


def resolve(keys: list[str], spec: Spec, source: Source, *, has_units: bool,
            unit_col: str | None = None, date_col: str | None = None,
            date_format: str | None = None) -> Grouping:
    schema = source.lf.collect_schema()
    columns = list(schema)
    unit_col = unit_col or spec.dataset.unit
    date_col = date_col or spec.dataset.event_date
    exprs: dict[str, pl.Expr] = {}
    levels = [k for k in keys if k in ("unit", "hf", "rhf")]
    for key in keys:
        if key in ("unit", "hf", "rhf"):
            if not unit_col:
                raise ConfigError(Message("grouping.needs_unit_or_option" if key == "unit"
                                          else "grouping.needs_unit", name=key))
            if key != "unit" and not has_units:
                raise ConfigError(Message("grouping.needs_units", name=key))
            # Grouped on the raw column; made text on the small aggregate (see ``finish``).
            exprs["unit"] = pl.col(unit_col)
        elif key == "year" and (date_col or "year" not in columns):
            if not date_col:
                raise ConfigError(Message("grouping.needs_date"))
            fmt = date_format or spec.dataset.date_format or source.date_formats.get(date_col)
            exprs["year"] = year_of(as_date(pl.col(date_col), schema[date_col], fmt))
        elif key == "year":  # a column of years: a value that is not a year is no group
            year = pl.col(key).cast(pl.String).str.strip_chars()
            exprs[key] = pl.when(year.str.contains(r"^\d{4}$")).then(year.cast(pl.Int32, strict=False))
        elif key in columns:
            exprs[key] = _declared_values(key, spec, schema[key])
        else:
            shown = ", ".join(columns[:30]) + (" …" if len(columns) > 30 else "")
            raise ConfigError(Message("grouping.unknown", name=key, roles=", ".join(ROLES),
                                      file=source.info.path, columns=shown))
    lowest = next((lvl for lvl in ("unit", "hf", "rhf") if lvl in levels), None)
    return Grouping(keys=keys, lowest_level=lowest, exprs=exprs)


OTHER_VALUE = "(other value)"


def _declared_values(key: str, spec: Spec, dtype: pl.DataType) -> pl.Expr:
    """A plain column as a group key. Group values are printed, so only a categorical variable
    with declared codes may group, and a value that is not a declared code (free text, a name
    or an ID number typed into the field) becomes one "(other value)" group (domain.md
    "Privacy")."""
    var = spec.variables.get(key)
    if var is None or not var.codes:
        raise ConfigError(Message("grouping.not_categorical", name=key, roles=", ".join(ROLES)))
    declared = sorted({*var.codes, *var.unknown})
    text = as_text(pl.col(key), dtype)
    return (pl.when(text.is_null()).then(None)
            .when(text.is_in(declared)).then(text)
            .otherwise(pl.lit(OTHER_VALUE)))


def output_keys(grouping: Grouping, has_units: bool) -> list[str]:
    """Columns that identify a result row, in display order."""
    out: list[str] = []
    lowest = grouping.lowest_level
    if lowest:
        out.append("level")
        if not has_units:
            out.append("unit")
        else:
            out += {"unit": ["unit", "unit_name", "hf", "rhf"], "hf": ["hf", "rhf"],
                    "rhf": ["rhf"]}[lowest]
    return out + [k for k in grouping.keys if k not in LEVELS]


def finish(df: pl.DataFrame, known: set[str] | None = None) -> pl.DataFrame:
    """Unit ids as text once grouped (4001 in one file matches "4001" in another), as they may
    be printed (``dq.units.public``: no ID number or name typed into the unit column)."""
    if "unit" not in df.columns:
        return df
    from dq.units import MISSING, public

    text = public(as_text(pl.col("unit"), df.schema["unit"]), known)
    return df.with_columns(text.fill_null(MISSING).alias("unit"))
