"""Linkage against an independent oracle: the documented rule written out as plain Python.

The oracle lists every candidate pair of every registry (union) event with every event of the
next source — no filter on persons, no "alone" shortcut, no rounds — sorts them by (days apart,
union event, source event) and takes each pair whose two events are both still free: the greedy
matching the README and ``dq coverage --help`` document. ``dq.linkage.link`` reads only the
last source's events of persons in the union and counts the rest per unit and year; the tests
check that it gives the oracle's capture histories in every unit and year.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from dq.linkage import greedy, link

DAY0 = date(2019, 12, 1)


def _oracle_greedy(pairs: list[tuple[int, int, int]]) -> set[tuple[int, int]]:
    """(lid, rid) chosen from (lid, rid, dist): nearest first, ties by lid then rid."""
    used_l: set[int] = set()
    used_r: set[int] = set()
    out = set()
    for _dist, lid, rid in sorted((d, lid, rid) for lid, rid, d in pairs):
        if lid not in used_l and rid not in used_r:
            used_l.add(lid)
            used_r.add(rid)
            out.add((lid, rid))
    return out


Event = tuple[int | None, int | None, str]  # person, day (None: no date), unit


def _year(day: int | None) -> int | None:
    return None if day is None else (DAY0 + timedelta(days=day)).year


def _oracle_link(sources: list[list[Event]], window: int,
                 same_unit: bool) -> Counter[tuple[str, int | None, tuple[bool, ...]]]:
    """Events per (unit, year, capture history), by the rule as documented."""
    k = len(sources)
    # union: [person, day, unit, history]
    union = [[p, d, u, [True] + [False] * (k - 1)] for p, d, u in sources[0]]
    for i in range(1, k):
        pairs = []
        for lid, (p, d, u, _) in enumerate(union):
            for rid, (q, e, v) in enumerate(sources[i]):
                if p is None or q is None or d is None or e is None or p != q:
                    continue
                if same_unit and u != v:
                    continue
                if abs(d - e) <= window:
                    pairs.append((lid, rid, abs(d - e)))
        chosen = _oracle_greedy(pairs)
        for lid, _ in chosen:
            union[lid][3][i] = True
        taken = {rid for _, rid in chosen}
        for rid, (q, e, v) in enumerate(sources[i]):
            if rid not in taken:
                union.append([q, e, v, [j == i for j in range(k)]])
    return Counter((u, _year(d), tuple(h)) for _, d, u, h in union)


def _frame(events: list[Event]) -> pl.LazyFrame:
    df = pl.DataFrame(events, schema={"person": pl.Int64, "day": pl.Int64, "unit": pl.String},
                      orient="row")
    when = pl.lit(DAY0) + pl.duration(days=pl.col("day"))
    return df.lazy().select("person", when.alias("date"), "unit")


def _dq_link(sources: list[list[Event]], window: int,
             same_unit: bool) -> Counter[tuple[str, int | None, tuple[bool, ...]]]:
    names = tuple(f"s{i}" for i in range(len(sources)))
    cells = link([_frame(s) for s in sources], names, window, same_unit).cells
    bits = [f"h{j}" for j in range(len(sources))]
    out: Counter[tuple[str, int | None, tuple[bool, ...]]] = Counter()
    for row in cells.iter_rows(named=True):
        out[(row["unit"], row["year"], tuple(row[b] for b in bits))] += row["n"]
    return +out


# Few persons so that candidates compete; some events with no person or no date; dates around
# a new year so that the year of an event matters; persons 7-9 occur in the reference only.
event = st.tuples(st.one_of(st.none(), st.integers(0, 9)),
                  st.one_of(st.none(), st.integers(0, 70)), st.sampled_from(["1", "2", "3"]))


@settings(max_examples=150, deadline=None)
@given(st.lists(event, min_size=1, max_size=30), st.lists(event, min_size=1, max_size=40),
       st.integers(0, 25), st.booleans())
def test_link_equals_the_oracle_per_unit_and_year(reg, ref, window, same_unit):
    assert _dq_link([reg, ref], window, same_unit) == _oracle_link([reg, ref], window, same_unit)


@settings(max_examples=60, deadline=None)
@given(st.lists(event, min_size=1, max_size=15), st.lists(event, min_size=1, max_size=15),
       st.lists(event, min_size=1, max_size=15), st.integers(0, 20))
def test_three_sources_equal_the_oracle(s0, s1, s2, window):
    assert _dq_link([s0, s1, s2], window, False) == _oracle_link([s0, s1, s2], window, False)


def test_link_filtered_equals_unfiltered_on_a_hand_case():
    # Registry: person 1 on day 10 and day 20. Reference: person 1 on day 15 (5 days from both:
    # the earlier registry event wins the tie), person 1 on day 40 (20 days from the second),
    # person 2 (not in the registry) on day 15, and an event with no person.
    reg = [(1, 10, "1"), (1, 20, "1")]
    ref = [(1, 15, "1"), (1, 40, "2"), (2, 15, "1"), (None, 15, "1")]
    got = _dq_link([reg, ref], 30, False)
    assert got == _oracle_link([reg, ref], 30, False)
    y = 2019
    assert got == Counter({("1", y, (True, True)): 2,  # (10, 15) and (20, 40) matched
                           ("1", y, (False, True)): 2})  # person 2 and the one with no person


pair = st.tuples(st.integers(0, 8), st.integers(0, 8), st.integers(0, 6))


@settings(max_examples=300, deadline=None)
@given(st.lists(pair, max_size=40, unique_by=lambda t: (t[0], t[1])),
       st.sampled_from([1, 1_000_003]))
def test_greedy_equals_the_oracle(pairs, spread):
    # spread: event ids that are row numbers (counted by position) or far apart (hashed)
    pairs = [(lid * spread, rid * spread, d) for lid, rid, d in pairs]
    df = pl.DataFrame(pairs, schema={"lid": pl.Int64, "rid": pl.Int64, "dist": pl.Int64},
                      orient="row")
    got = set(greedy(df).select("lid", "rid").iter_rows())
    assert got == _oracle_greedy(pairs)


# Units of every integer width (the totals pack them with the year into one key), text, and
# values beyond Int32 or null (the two-column group-by counts then); years far outside
# 1900-2100 and no date.
_UNITS = {pl.Int32: [0, 1, -7, 2**31 - 1, -(2**31)], pl.Int64: [0, 1, -7, 2**31 - 1, 2**40],
          pl.UInt8: [0, 1, 255], pl.UInt32: [0, 2**31 - 1, 2**32 - 1], pl.String: ["1", "x"]}


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(_UNITS, key=str)), st.data())
def test_totals_per_unit_and_year_equal_a_plain_group_by(dtype, data):
    from dq.linkage import YEAR, _totals

    rows = data.draw(st.lists(st.tuples(
        st.one_of(st.none(), st.sampled_from(_UNITS[dtype])),
        st.one_of(st.none(), st.integers(-2_000_000, 2_000_000), st.integers(-30, 60))),
        max_size=30))
    lf = pl.DataFrame(rows, schema={"unit": dtype, "day": pl.Int32}, orient="row").lazy().select(
        "unit", pl.col("day").cast(pl.Date).alias("date"))
    want = lf.group_by("unit", YEAR).agg(pl.len().alias("n")).collect()
    got = _totals(lf)
    assert got.schema == want.schema
    assert got.sort("unit", "year", nulls_last=True).equals(
        want.sort("unit", "year", nulls_last=True))


_NAMES = {"1": "A", "2": "A", "3": "B"}  # two raw units printed as one


def _named(i: int, df: pl.DataFrame) -> pl.DataFrame:
    unit = pl.col("unit").replace_strict(_NAMES, default=None, return_dtype=pl.String)
    return df.with_columns(unit.fill_null("(missing)"))


@settings(max_examples=100, deadline=None)
@given(st.lists(event, min_size=1, max_size=30), st.lists(event, min_size=1, max_size=40),
       st.integers(0, 25), st.booleans())
def test_units_named_on_the_counts_equal_units_named_first(reg, ref, window, same_unit):
    # With two sources and no same-unit rule, link() names the units on the counts; with the
    # rule, on the events. Either way: the oracle on events whose units were named first.
    names = ("s0", "s1")
    cells = link([_frame(reg), _frame(ref)], names, window, same_unit, _named).cells
    got: Counter[tuple[str, int | None, tuple[bool, ...]]] = Counter()
    for row in cells.iter_rows(named=True):
        got[(row["unit"], row["year"], (row["h0"], row["h1"]))] += row["n"]

    def first(events: list[Event]) -> list[Event]:
        return [(p, d, _NAMES.get(u, "(missing)")) for p, d, u in events]

    # (with the rule, units are compared as printed)
    assert +got == _oracle_link([first(reg), first(ref)], window, same_unit)
