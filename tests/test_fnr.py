"""National ID classification on numbers generated here (never real ones)."""

import polars as pl
import pytest

from dq import fnr


def classify(values):
    cls, only_2032 = fnr.classify(pl.col("x"))
    df = pl.DataFrame({"x": values}, schema={"x": pl.String}).select(
        cls.alias("cls"), only_2032.alias("k2032"))
    return df["cls"].to_list(), df["k2032"].to_list()


def with_control_digits(first9: str) -> str:
    """Control digits by hand (Skatteetaten's weights)."""
    d = [int(c) for c in first9]
    k1 = 11 - sum(w * x for w, x in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), d, strict=True)) % 11
    k1 = 0 if k1 == 11 else k1
    assert k1 != 10
    k2 = 11 - sum(w * x for w, x in zip((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), [*d, k1], strict=True)) % 11
    k2 = 0 if k2 == 11 else k2
    assert k2 != 10
    return f"{first9}{k1}{k2}"


def test_hand_computed_control_digits_agree_with_make():
    # 01.01.1990, individual number 100: K1, K2 by hand equal what fnr.make builds.
    number = with_control_digits("010190100")
    assert fnr.make("010190", "100") == number
    assert classify([number])[0] == ["fodselsnummer"]


@pytest.mark.parametrize("kind", ["fodselsnummer", "d_nummer", "h_nummer", "syntetisk"])
def test_valid_kinds(kind):
    numbers = [fnr.make(birth, ind, kind=kind) for birth, ind in
               (("010190", "123"), ("311299", "456"), ("290200", "501"), ("150632", "900"))]
    classes, only_new = classify(numbers)
    assert classes == [kind] * 4 and not any(only_new)


def test_invalid_numbers():
    good = fnr.make("010190", "123")
    bad_control = good[:-1] + str((int(good[-1]) + 1) % 10)
    bad_date = with_control_digits("320190123")  # 32 January
    classes, _ = classify([bad_control, good[:10], good + "1", "0101901234A", None, "   ",
                           bad_date])
    assert classes == ["ugyldig_kontrollsiffer", "ugyldig_format", "ugyldig_format",
                       "ugyldig_format", "tom", "tom", "ugyldig_dato"]


def test_2032_rule_numbers_are_valid_but_counted():
    numbers = [fnr.make("150632", str(i), rule_2032=True) for i in (500, 610, 720)]
    classes, only_new = classify(numbers)
    assert classes == ["fodselsnummer"] * 3 and all(only_new)
    counts = fnr.counts(pl.LazyFrame({"x": numbers + [fnr.make("010190", "123")]}), "x")
    assert counts["fodselsnummer"] == 4 and counts["kontroll_2032"] == 3
