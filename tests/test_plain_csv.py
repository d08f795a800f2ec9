"""Empty cells counted from a plain CSV's bytes (dq.io.plain, issue 9: wide exports) give exactly
the engine's counts: a differential test over random plain files (LF and CRLF, with and without
the last line end, groups by unit and year, a finished condition, chunks cut anywhere), and files
that only look plain (an empty line, a row with another number of fields, a stray CR) fall back
to the engine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dq import completeness, spec
from dq.grouping import resolve
from dq.io import plain, scan

SPEC = """
[dataset]
unit = "unit"
event_date = "dato"
date_format = "%d.%m.%Y"
{finished}
"""


def _write(folder: Path, header: list[str], rows: list[list[str]], *, crlf: bool = False,
           last_newline: bool = True, name: str = "e.csv") -> Path:
    end = "\r\n" if crlf else "\n"
    text = end.join(";".join(r) for r in [header, *rows]) + (end if last_newline else "")
    path = folder / name
    path.write_bytes(text.encode("utf-8"))
    return path


def _spec(folder: Path, finished: bool) -> spec.Spec:
    path = folder / "dq.toml"
    path.write_text(SPEC.format(finished='finished = "status == 2"' if finished else ""),
                    encoding="utf-8")
    return spec.load(path)


def _both(path: Path, sp: spec.Spec, by: list[str], monkeypatch) -> tuple:
    """(plain path result, engine result, whether the bytes were counted)."""
    used = []
    real = plain.empty_counts

    def spy(*args, **kw):
        found = real(*args, **kw)
        used.append(found is not None)
        return found

    monkeypatch.setattr(plain, "empty_counts", spy)
    monkeypatch.setattr(completeness, "PLAIN_AT_LEAST", 1)
    source = scan(path, notify=lambda _m: None)
    grouping = resolve(by, sp, source, has_units=False)
    fast = completeness.compute(source, sp, grouping, min_n=0)
    source = scan(path, notify=lambda _m: None)
    slow = completeness.compute(source, sp, grouping, min_n=0, _plain=False)
    return fast, slow, used


def _same(fast, slow) -> None:
    assert fast.rows.equals(slow.rows)
    assert fast.records.equals(slow.records)
    assert fast.n_records == slow.n_records and fast.n_finished == slow.n_finished


def test_hand_counted(tmp_path, monkeypatch):
    header = ["unit", "dato", "status", "a", "b", "c"]
    rows = [["101", "01.02.2020", "2", "", "1", ""],
            ["101", "01.02.2021", "2", "x", "", ""],
            ["102", "01.02.2020", "1", "", "", "7"],
            ["102", "03.03.2020", "2", "", "5", "7"]]
    path = _write(tmp_path, header, rows)
    fast, slow, used = _both(path, _spec(tmp_path, finished=True), ["unit"], monkeypatch)
    assert used == [True]
    _same(fast, slow)
    a = fast.rows.filter(pl.col("variable") == "a", pl.col("unit") == "102")
    # unit 102: two rows, one finished (status 2) whose a is empty
    assert a.select("n_applicable", "n_missing").row(0) == (1, 1)
    c = fast.rows.filter(pl.col("variable") == "c", pl.col("unit") == "101")
    assert c.select("n_applicable", "n_missing").row(0) == (2, 2)


_CELL = st.sampled_from(["", "", "1", "22", "x", "Ø"])


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), crlf=st.booleans(), last_newline=st.booleans(),
       finished=st.booleans(), by=st.sampled_from([[], ["unit"], ["unit", "year"]]),
       chunk=st.sampled_from([1, 9, 64, 1 << 20]))
def test_plain_counts_equal_the_engine(tmp_path_factory, monkeypatch, data, crlf, last_newline,
                                       finished, by, chunk):
    folder = tmp_path_factory.mktemp("plain")
    width = data.draw(st.integers(1, 6))
    n = data.draw(st.integers(1, 30))
    rows = [[*(data.draw(_CELL) for _ in range(width)),
             data.draw(st.sampled_from(["101", "102", "103"])),
             f"0{data.draw(st.integers(1, 9))}.01.20{data.draw(st.integers(19, 21))}",
             data.draw(st.sampled_from(["1", "2"])),
             *(data.draw(_CELL) for _ in range(width))] for _ in range(n)]
    # plain variables first and last: a row's first and last fields are counted too
    header = [*(f"w{j}" for j in range(width)), "unit", "dato", "status",
              *(f"v{j}" for j in range(width))]
    path = _write(folder, header, rows, crlf=crlf, last_newline=last_newline)
    monkeypatch.setattr(plain, "CHUNK", chunk)
    fast, slow, used = _both(path, _spec(folder, finished), by, monkeypatch)
    assert used == [True]
    _same(fast, slow)


def test_every_column_plain_without_spec(tmp_path, monkeypatch):
    """No spec: every column is a plain variable, the engine only counts rows."""
    path = _write(tmp_path, ["a", "b", "c"], [["", "1", ""], ["2", "", ""], ["", "", "3"]],
                  crlf=True)
    fast, slow, used = _both(path, spec.empty(), [], monkeypatch)
    assert used == [True]
    _same(fast, slow)
    assert fast.rows.select("variable", "n_missing").rows() == [("a", 2), ("b", 2), ("c", 2)]


@pytest.mark.parametrize("body", [
    b"1;2\n\n3;4\n",       # an empty line
    b"1;2\n3;4;5\n",       # a row with a field too many
    b"1;2\n3\n4;5;6\n",    # fields split across lines
    b"1;2\r\n3;4\n",       # CRLF, then a bare LF
    b"1;2\n3\r;4\n",       # a stray CR in a CRLF-free file
    b"1;\r\n;2\r\n",        # CRLF rows under an LF header (csv.writer's default line end)
])
def test_files_that_only_look_plain_are_not_counted(tmp_path, body):
    path = tmp_path / "x.csv"
    crlf = body.startswith(b"1;2\r\n")
    path.write_bytes((b"a;b\r\n" if crlf else b"a;b\n") + body)
    csv = plain.PlainCSV(path=str(path), separator=ord(";"), width=2, crlf=crlf)
    found = plain.empty_counts(csv, [0, 1], None)
    assert found is None


def test_groups_must_cover_every_row(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"a;b\n;1\n2;\n;\n")
    csv = plain.PlainCSV(path=str(path), separator=ord(";"), width=2, crlf=False)
    counts, rows = plain.empty_counts(csv, [0, 1], np.array([0, 1, -1]), 2)
    assert rows == 3
    assert counts.tolist() == [[1, 0], [0, 1]]  # the third row is not counted (group -1)
    assert plain.empty_counts(csv, [0, 1], np.array([0, 1]), 2) is None  # rows ≠ groups
    counts, _ = plain.empty_counts(csv, [1], None)
    assert counts.tolist() == [[2]]


def test_a_file_that_only_looks_plain_falls_back_to_the_engine(tmp_path, monkeypatch):
    path = tmp_path / "e.csv"
    path.write_bytes(b"unit;dato;status;a;b\n101;01.01.2020;2;;1\n\n102;01.01.2021;2;1;\n")
    fast, slow, used = _both(path, _spec(tmp_path, finished=False), ["unit"], monkeypatch)
    assert used == [False]
    _same(fast, slow)


def test_crlf_rows_under_an_lf_header_are_counted_by_the_engine(tmp_path, monkeypatch):
    """A header written with LF and rows with CRLF (found in review): the empty last field
    before a CRLF is empty for the engine; the byte count falls back rather than read the CR as
    a value."""
    path = tmp_path / "e.csv"
    path.write_bytes(b"unit;dato;a;b\n101;01.01.2020;1;\r\n101;01.01.2020;;2\r\n")
    fast, slow, used = _both(path, _spec(tmp_path, finished=False), ["unit"], monkeypatch)
    assert used == [False]
    _same(fast, slow)
    b = fast.rows.filter(pl.col("variable") == "b", pl.col("unit") == "101")
    assert b.select("n_applicable", "n_missing").row(0) == (2, 1)
