"""Classify Norwegian national identity numbers — never print them (domain.md "National ID").

11 digits DDMMYY III K1 K2. Control digits (Skatteetaten):
    K1 = 11 − (Σ d1..d9 · [3 7 6 1 8 9 4 5 2] mod 11),  K2 = 11 − (Σ d1..d10 · [5 4 3 2 7 6 5 4 3 2] mod 11)
with 11 → 0 and 10 → invalid; equivalently Σ d1..d10 · [3 7 6 1 8 9 4 5 2 1] ≡ 0 (mod 11). Numbers
issued from 2032 accept a remainder 0, 1, 2 or 3 for that first sum (K1 = {11, 12, 13, 14} − sum
mod 11); K2 is unchanged. D-number: first digit + 4. H-number: month + 40 (NAV's synthetic test
numbers also use + 40 and cannot be told apart). Synthetic (Skatteetaten's Tenor): month + 80.

Classes (one per value): fodselsnummer, d_nummer, h_nummer, syntetisk, tom (missing),
ugyldig_format (not 11 digits), ugyldig_dato, ugyldig_kontrollsiffer. ``kontroll_2032`` counts the
valid numbers that pass only under the 2032 rule. Computed as Polars expressions over the column.
"""

from __future__ import annotations

import polars as pl

W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1)
W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
CLASSES = ("fodselsnummer", "d_nummer", "h_nummer", "syntetisk", "tom", "ugyldig_format",
           "ugyldig_dato", "ugyldig_kontrollsiffer")
VALID = ("fodselsnummer", "d_nummer", "h_nummer", "syntetisk")


def _digit(text: pl.Expr, i: int) -> pl.Expr:
    return text.str.slice(i, 1).cast(pl.Int32, strict=False)


def classify(expr: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(class, passes-only-under-the-2032-rule) for each value."""
    text = expr.cast(pl.String).str.strip_chars()
    well_formed = text.str.contains(r"^\d{11}$").fill_null(False)
    d = [_digit(text, i) for i in range(11)]
    s1 = pl.sum_horizontal(w * d[i] for i, w in enumerate(W1)) % 11
    s2 = pl.sum_horizontal(w * d[i] for i, w in enumerate(W2)) % 11
    old_ok = (s1 == 0) & (s2 == 0)
    new_ok = (s1 <= 3) & (s2 == 0)
    day = d[0] * 10 + d[1]
    month = d[2] * 10 + d[3]
    kind = (pl.when(month > 80).then(pl.lit("syntetisk"))
            .when(month > 40).then(pl.lit("h_nummer"))
            .when(day > 40).then(pl.lit("d_nummer"))
            .otherwise(pl.lit("fodselsnummer")))
    real_day = pl.when(day > 40).then(day - 40).otherwise(day)
    real_month = (pl.when(month > 80).then(month - 80).when(month > 40).then(month - 40)
                  .otherwise(month))
    # A day that exists in some year: Feb 29 is allowed (a leap year is always possible when the
    # century is unknown, as for numbers issued from 2032).
    month_len = pl.when(real_month == 2).then(29).when(real_month.is_in([4, 6, 9, 11])).then(30) \
        .otherwise(31)
    date_ok = (real_month >= 1) & (real_month <= 12) & (real_day >= 1) & (real_day <= month_len)
    cls = (pl.when(text.is_null() | (text == "")).then(pl.lit("tom"))
           .when(~well_formed).then(pl.lit("ugyldig_format"))
           .when(~date_ok).then(pl.lit("ugyldig_dato"))
           .when(~new_ok).then(pl.lit("ugyldig_kontrollsiffer"))
           .otherwise(kind))
    only_2032 = well_formed & date_ok & new_ok & ~old_ok
    return cls, only_2032.fill_null(False)


def counts(lf: pl.LazyFrame, column: str) -> dict[str, int]:
    """Numbers per class (and ``kontroll_2032``) — counts only, never the numbers."""
    cls, only_2032 = classify(pl.col(column))
    df = lf.select(cls.alias("cls"), only_2032.alias("k2032")).group_by("cls").agg(
        pl.len().alias("n"), pl.col("k2032").sum().alias("k")).collect(engine="streaming")
    out = {c: 0 for c in CLASSES}
    k2032 = 0
    for row in df.iter_rows(named=True):
        out[row["cls"]] = int(row["n"])
        k2032 += int(row["k"])
    out["kontroll_2032"] = k2032
    return out


def make(birth: str, individual: str, *, kind: str = "fodselsnummer", rule_2032: bool = False) -> str:
    """A number with correct control digits, for tests and synthetic examples only.

    ``birth`` is DDMMYY; ``kind`` shifts day (d_nummer), month (h_nummer, syntetisk). When the
    individual number admits no control digits, the next one that does is used."""
    for step in range(100):
        try:
            return _make(birth, f"{(int(individual) + step) % 1000:03d}", kind, rule_2032)
        except ValueError:
            continue
    raise ValueError("no valid number found")


def _make(birth: str, individual: str, kind: str, rule_2032: bool) -> str:
    dd, mm, yy = int(birth[:2]), int(birth[2:4]), birth[4:]
    if kind == "d_nummer":
        dd += 40
    elif kind == "h_nummer":
        mm += 40
    elif kind == "syntetisk":
        mm += 80
    base = f"{dd:02d}{mm:02d}{yy}{individual}"
    digits = [int(c) for c in base]
    r1 = sum(w * x for w, x in zip(W1[:9], digits, strict=True)) % 11
    choices = [(11 - r1) % 11] if not rule_2032 else [(11 + k - r1) % 11 for k in (1, 2, 3)]
    for k1 in choices:
        if k1 == 10:
            continue
        r2 = sum(w * x for w, x in zip(W2[:10], [*digits, k1], strict=True)) % 11
        k2 = (11 - r2) % 11
        if k2 != 10:
            return base + str(k1) + str(k2)
    raise ValueError("no valid control digits for this individual number; try another")
