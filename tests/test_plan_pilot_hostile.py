"""``dq plan kappa|icc --from-study`` on hostile pilot files (issue 11: it once printed a Python
traceback). The files are made here in code, like tests/hostile.py (no binary fixtures): empty,
header only, one rater, one case, all the same value, text ratings for the ICC, missing
columns, the wrong separator, binary bytes, huge numbers, NaN/inf text … Each must end with exit
2 (the pilot cannot give the planning value: a usage question) or 3 (the file cannot be read as
a pilot study), one ``dq: error:`` line and no traceback — or plan normally where the file is
fine after all."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.conftest import run
from tests.test_stderr_lang import english_in

LONG = ("--case-column", "Kasus", "--rater-column", "Registrar")
WIDE = ("--rater-columns", "a,b")


def long_text(rows: list[tuple[object, object, object]]) -> str:
    return "Kasus;Registrar;V\n" + "".join(f"{c};{r};{v}\n" for c, r, v in rows)


def wide_text(rows: list[tuple[object, object]]) -> str:
    return "a;b\n" + "".join(f"{x};{y}\n" for x, y in rows)


def pairs(values: Callable[[int, str], object], cases: int = 6) -> list[tuple[object, ...]]:
    """Long-form rows: cases K0… rated by A and B, the rating ``values(case, rater)``."""
    return [(f"K{i}", r, values(i, r)) for i in range(cases) for r in "AB"]


class Pilot(NamedTuple):
    name: str
    data: bytes
    form: tuple[str, ...]
    kappa: int  # the exit code of dq plan kappa
    icc: int  # and of dq plan icc
    says: str = ""  # a phrase of the error line (both methods)


PILOTS = [
    Pilot("empty", b"", LONG, 3, 3, "the file is empty"),
    Pilot("header_only", long_text([]).encode(), LONG, 3, 3, "header but no data rows"),
    Pilot("header_only_wide", b"a;b\n", WIDE, 3, 3, "header but no data rows"),
    Pilot("one_rater", long_text([(f"K{i}", "A", i % 2) for i in range(6)]).encode(), LONG,
          2, 2, "only one rater"),
    Pilot("one_row", long_text([("K1", "A", 1)]).encode(), LONG, 2, 2, "only one rater"),
    Pilot("one_rater_column", b"a\n1\n0\n1\n", ("--rater-columns", "a"), 2, 2,
          "only one rater"),
    Pilot("one_case", long_text([("K1", "A", 1), ("K1", "B", 0)]).encode(), LONG, 2, 2,
          "gives no"),
    Pilot("one_case_wide", wide_text([(1, 0)]).encode(), WIDE, 2, 2, "gives no"),
    Pilot("all_the_same", long_text(pairs(lambda i, r: 1)).encode(), LONG, 2, 2, "gives no"),
    Pilot("all_the_same_wide", wide_text([(3, 3)] * 6).encode(), WIDE, 2, 2, "gives no"),
    Pilot("perfect_agreement", wide_text([(1, 1), (0, 0)] * 5).encode(), WIDE, 2, 2,
          "= 1.00 for 'rating': the plan needs a value between 0 and 1"),
    Pilot("perfect_disagreement", wide_text([(1, 0), (0, 1)] * 5).encode(), WIDE, 2, 2,
          "the plan needs a value between 0 and 1"),
    Pilot("text_ratings", long_text(pairs(lambda i, r: "høy" if i % 2 else "lav")).encode(),
          LONG, 2, 2, ""),  # κ = 1 (nominal); text where the ICC needs numbers
    Pilot("all_blank", long_text(pairs(lambda i, r: "  ")).encode(), LONG, 2, 2,
          "all ratings are missing"),
    Pilot("no_case_ids", long_text([("", r, i % 2) for i in range(6) for r in "AB"]).encode(),
          LONG, 2, 2, "all ratings are missing"),
    Pilot("no_rating_column", b"Kasus;Registrar\nK1;A\nK1;B\nK2;A\nK2;B\n", LONG, 2, 2,
          "has 0 variables"),
    Pilot("missing_columns", b"x;y\n1;2\n3;4\n", LONG, 3, 3, "'Kasus', 'Registrar' not found"),
    Pilot("missing_rater_columns", b"x;y\n1;2\n3;4\n", WIDE, 3, 3, "'a', 'b' not found"),
    Pilot("rater_column_twice", wide_text([(1, 0), (0, 1), (1, 1)]).encode(),
          ("--rater-columns", "a,a"), 2, 2, "name 'a' twice"),
    Pilot("duplicate_column_names", b"a;a\n1;0\n0;1\n", WIDE, 3, 3, "duplicate column names"),
    Pilot("case_rater_repeated", long_text([("K1", "A", 1)] * 5 + [("K1", "B", 0)] * 5).encode(),
          LONG, 3, 3, "repeat a case × rater pair"),
    Pilot("case_column_is_rater_column", long_text(pairs(lambda i, r: i % 2)).encode(),
          ("--case-column", "Kasus", "--rater-column", "Kasus"), 3, 3,
          "repeat a case × rater pair"),
    # "|" where ";" was expected: the separator is detected, the ratings agree perfectly
    Pilot("other_separator", long_text(pairs(lambda i, r: i % 3)).replace(";", "|").encode(),
          LONG, 2, 2, "the plan needs a value between 0 and 1"),
    Pilot("one_column_of_everything", long_text(pairs(lambda i, r: i % 2)).replace(";", "\t")
          .encode().replace(b"\t", b"#"), LONG, 3, 3, "not found"),
    Pilot("binary", bytes(range(256)) * 8, LONG, 3, 3, "binary data"),
    Pilot("nul_bytes", b"Kasus;Registrar;V\n\x00\x00;A;\x00\n\xff\xfe;B;1\n", LONG, 3, 3,
          "binary data"),
    Pilot("unclosed_quote", b'Kasus;Registrar;V\n"K1;A;1\nK2;B;0\n', LONG, 3, 3,
          "never closed"),
    Pilot("ragged_rows", b"Kasus;Registrar;V\nK1;A;1;9;9\nK1;B\nK2;A;0\nK2;B;1\n", LONG, 3, 3,
          "fields but the header has 3"),
    Pilot("xlsx_garbage", b"PK\x03\x04garbage" * 10, LONG, 3, 3, "not a readable .xlsx file"),
    # numbers at and beyond the float limit: 1e310 is infinite; 1e300 squares to infinity
    Pilot("overflowing_numbers", long_text(pairs(lambda i, r: f"1e{300 + 5 * i}")).encode(),
          LONG, 2, 2, ""),
    Pilot("huge_finite_numbers", wide_text([(f"{1 + i}e300", f"{1 + i + i % 2}e300")
                                            for i in range(8)]).encode(), WIDE, 0, 2, ""),
    Pilot("forty_digit_integers", long_text(pairs(lambda i, r: 10**40 + i * (r == "A")))
          .encode(), LONG, 2, 2, ""),
    Pilot("hundred_thousand_digits", ("Kasus;Registrar;V\nK1;A;" + "9" * 100_000
                                      + "\nK1;B;1\nK2;A;0\nK2;B;1\n").encode(), LONG, 2, 2, ""),
    Pilot("nan_and_inf", long_text(pairs(lambda i, r: ["NaN", "inf", "-inf", "nan", "Infinity",
                                                       "1"][i])).encode(), LONG, 2, 2, ""),
    Pilot("nan_and_inf_wide", wide_text([("NaN", "inf"), ("1", "-inf"), ("2", "nan"),
                                         ("3", "4"), ("5", "Infinity"), ("6", "7")]).encode(),
          WIDE, 2, 2, ""),
    Pilot("utf16", long_text(pairs(lambda i, r: i % 2 + (r == "B" and i == 2))).encode("utf-16"),
          LONG, 0, 0),
]


def _write(pilot: Pilot, folder: Path) -> Path:
    path = folder / (pilot.name + (".xlsx" if pilot.name.startswith("xlsx") else ".csv"))
    path.write_bytes(pilot.data)
    return path


@pytest.mark.parametrize("method", ["kappa", "icc"])
@pytest.mark.parametrize("pilot", PILOTS, ids=[p.name for p in PILOTS])
def test_hostile_pilot(tmp_path, pilot, method):
    path = _write(pilot, tmp_path)
    result = run("plan", method, "--from-study", path, *pilot.form, "--width", "0.3",
                 "--lang", "en")
    expected = pilot.kappa if method == "kappa" else pilot.icc
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, \
        result.stderr
    assert result.exit_code == expected, (result.exit_code, result.stderr)
    if expected:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("dq: error: "), result.stderr
        assert pilot.says in lines[0], lines[0]
        # the same error in Norwegian (the default language): one line, the same exit code
        nb = run("plan", method, "--from-study", path, *pilot.form, "--width", "0.3")
        assert nb.exit_code == expected and "Traceback" not in nb.stderr, nb.stderr
        assert len(nb.stderr.strip().splitlines()) == 1, nb.stderr
        assert nb.stderr.startswith("dq: feil: "), nb.stderr
        if expected == 2:  # the pilot's own problems (exit 3: reading it, tests/test_error_lang)
            assert english_in(nb.stderr.removeprefix("dq: feil: ")) == [], nb.stderr
    else:
        assert result.stdout.strip()


@pytest.mark.parametrize(("pilot", "line"), [
    ("one_rater", "pilotstudien one_rater.csv, variabelen 'V': bare én registrator"),
    ("all_blank", "pilotstudien all_blank.csv, variabelen 'V': alle vurderingene mangler"),
    ("rater_column_twice", "registratorkolonnene nevner 'a' to ganger; oppgi hver "
                           "registrators kolonne én gang"),
    ("missing_rater_columns", "{path}: fant ikke registratorkolonnene 'a', 'b' (kolonner: x, y)"),
    ("case_rater_repeated", "{path}: 10 rader gjentar et par av kasus og registrator i 'Kasus' × "
                            "'Registrar'; hver registrator vurderer hvert kasus én gang"),
])
def test_pilot_errors_in_norwegian(tmp_path, pilot, line):
    found = next(p for p in PILOTS if p.name == pilot)
    path = _write(found, tmp_path)
    result = run("plan", "kappa", "--from-study", path, *found.form, "--width", "0.3")
    assert result.stderr == "dq: feil: " + line.format(path=path) + "\n"


@pytest.mark.parametrize("method, extra", [("kappa", ("--kappa0", "0.2")),
                                           ("icc", ("--icc0", "0.2"))])
def test_hostile_pilot_power_plans_too(tmp_path, method, extra):
    """The power plans read the pilot the same way: one line, no traceback."""
    for pilot in PILOTS:
        path = _write(pilot, tmp_path)
        result = run("plan", method, "--from-study", path, *pilot.form, *extra)
        assert "Traceback" not in result.stderr, (pilot.name, result.stderr)
        assert result.exit_code in (0, 2, 3), (pilot.name, result.stderr)
        if result.exit_code:
            assert len(result.stderr.strip().splitlines()) == 1, (pilot.name, result.stderr)
