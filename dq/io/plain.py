"""Empty cells of a plain CSV counted from its bytes (issue 9: wide exports).

Polars reads a CSV of 10,000 columns at 20–45 MB/s: building ten thousand column buffers costs
far more than finding the fields. A variable whose only question is "is the cell empty?" (no
type, codes, range or condition; the file has no quoting and no whitespace, so a cell is missing
exactly when it is empty) needs no buffer at all: a cell is empty when the byte before the
separator or line end that closes it is itself a separator or a line end. This module counts
that per column (and per group of rows) over the file's bytes, in bounded chunks.

It is an exact alternative to the engine's null count only for files it can prove plain; every
row must have the header's number of fields and lines must end the same way throughout. When a
chunk shows anything else (an empty line, a row with another number of fields, a stray CR),
:func:`empty_counts` returns None and the caller counts with the engine, which then reports the
problem in its own way. The values of the cells are never looked at, only their lengths.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

CHUNK = 4 << 20  # bytes per chunk: large enough to amortise the calls, small enough for the cache
THREADS = 2
LF, CR = 0x0A, 0x0D


@dataclass(frozen=True)
class PlainCSV:
    """A CSV file as Polars reads it: no '"' anywhere, no whitespace but the separator, one
    header line, ``width`` fields per row (header included), lines ending in LF or CRLF."""

    path: str  # the file the engine reads: the export, or dq's private UTF-8 copy of it
    separator: int  # the separator byte
    width: int
    crlf: bool


def empty_counts(plain: PlainCSV, columns: list[int], groups: np.ndarray | None,
                 n_groups: int = 1) -> tuple[np.ndarray, int] | None:
    """Empty cells per group × column: an int64 array (``n_groups``, ``len(columns)``), and
    the number of data rows.

    ``columns``: field positions (0-based, as in the header). ``groups``: one group number per
    data row in file order (-1: not counted, e.g. a form not finished), or None for one group
    of every row. None when the file is not as plain as declared, or its number of rows differs
    from ``len(groups)``. Chunks are read in order and looked at on two threads (NumPy lets go
    of the interpreter lock in its loops)."""
    from concurrent.futures import ThreadPoolExecutor

    counts = np.zeros((n_groups, len(columns)), dtype=np.int64)
    pick = None if columns == list(range(plain.width)) else np.asarray(columns, dtype=np.intp)
    row = 0
    with ThreadPoolExecutor(THREADS) as pool:
        pending: deque = deque()
        for data in _chunks(plain):
            pending.append(pool.submit(_empty_cells, data, plain, pick))
            while len(pending) > THREADS:
                row = _take(pending.popleft().result(), counts, groups, row)
                if row < 0:
                    return None
        while pending:
            row = _take(pending.popleft().result(), counts, groups, row)
            if row < 0:
                return None
    if groups is not None and row != len(groups):
        return None
    return counts, row


def _take(empty: np.ndarray | None, counts: np.ndarray, groups: np.ndarray | None,
          row: int) -> int:
    """Add one chunk's empty cells; the next row, or -1 when the chunk was not plain."""
    if empty is None:
        return -1
    n = empty.shape[0]
    if groups is not None and row + n > len(groups):
        return -1
    _add(counts, empty, None if groups is None else groups[row:row + n])
    return row + n


def _chunks(plain: PlainCSV) -> Iterator[bytes]:
    """The data lines in chunks of whole lines (the header skipped; a last line without its line
    end gets one)."""
    with open(plain.path, "rb") as f:
        f.readline()
        rest = b""
        while True:
            block = f.read(CHUNK)
            if not block:
                if rest:
                    yield rest if rest.endswith(b"\n") else \
                        rest + (b"\r\n" if plain.crlf else b"\n")
                return
            data = rest + block if rest else block
            cut = data.rfind(b"\n") + 1
            if cut == 0:  # one line longer than a chunk: read on
                rest = data
                continue
            rest = data[cut:]
            yield data[:cut] if cut < len(data) else data


def _empty_cells(data: bytes, plain: PlainCSV, pick: np.ndarray | None) -> np.ndarray | None:
    """(rows, columns) booleans, True where a cell is empty (every column, or those in
    ``pick``); None when a line has another number of fields or another line end. ``data``
    holds whole lines only."""
    if not plain.crlf and b"\r" in data:  # a CRLF line in a file whose header ends in LF
        return None
    a = np.frombuffer(data, dtype=np.uint8)
    eol = CR if plain.crlf else LF
    ends = a == plain.separator  # bytes that end a field
    is_eol = a == eol
    rows = int(np.count_nonzero(is_eol))
    ends |= is_eol
    del is_eol
    # a field is empty when the byte before its end closed a field or a line (a row's first
    # field: the LF of the line before, or the start of the chunk)
    before = ends | (a == LF) if plain.crlf else ends
    where = np.flatnonzero(ends)
    if len(where) != rows * plain.width:
        return None
    if rows == 0:
        return np.zeros((0, plain.width if pick is None else len(pick)), dtype=bool)
    last = where[plain.width - 1::plain.width]
    if not (a[last] == eol).all():  # each row's last field ends its line
        return None
    if plain.crlf and (int(np.count_nonzero(a == LF)) != rows or not (a[last + 1] == LF).all()):
        return None
    empty = np.empty(len(where), dtype=bool)
    np.subtract(where[1:], 1, out=where[1:])
    empty[1:] = before[where[1:]]
    empty[0] = where[0] == 0
    cells = empty.reshape(rows, plain.width)
    return cells if pick is None else cells[:, pick]


def _add(counts: np.ndarray, empty: np.ndarray, groups: np.ndarray | None) -> None:
    if groups is None:
        counts[0] += np.count_nonzero(empty, axis=0)
        return
    present, inverse = np.unique(groups, return_inverse=True)
    if len(present) == 1:
        if present[0] >= 0:
            counts[present[0]] += np.count_nonzero(empty, axis=0)
        return
    # rows × groups indicator times rows × columns: one product per chunk (float32 counts are
    # exact below 2**24 rows per chunk; a chunk holds at most CHUNK / 2 rows)
    indicator = (inverse[None, :] == np.arange(len(present))[:, None]).astype(np.float32)
    sums = indicator @ empty.astype(np.float32)
    for j, g in enumerate(present):
        if g >= 0:
            counts[g] += sums[j].astype(np.int64)
