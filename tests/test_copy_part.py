"""The UTF-8 copy of a cp1252/Latin-1 export (dq.io.copy_part), made in C (dq._utf8copy) or,
without it, by two Python processes: whatever the chunk size, the split and the bytes, it must
equal Python's codec on the whole file, find the same quote and whitespace, refuse the same
first undefined byte, and (in Python) not depend on the second process being right."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings, strategies as st

from dq.io import copy_part, sniff

_PIECES = [b"a", b"1", b";", b'"', b" ", b"\t", b"\r", b"\n", b"\r\n", b"\xe6", b"\xf8", b"\xe5",
           b"\xc5", b"\xc3", b"\xc2", b"\xa0", b"\x80", b"\x96", b"\x93", b"\x83", b"\x8a",
           b"\x9f", b"\xff"]
_UNDEFINED = (0x81, 0x8D, 0x8F, 0x90, 0x9D)


def _two_processes(mp: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Two processes for any file, on any machine (and not the compiled copy)."""
    mp.setattr(copy_part, "compiled", lambda: None)
    mp.setattr(copy_part, "PARALLEL_MIN_BYTES", 0)
    mp.setattr(copy_part, "_cores", lambda: 2)
    return mp


@pytest.fixture
def parallel(monkeypatch):
    return _two_processes(monkeypatch)


def _copy(tmp, data: bytes, codec: str) -> tuple[bytes, sniff.CopiedPart]:
    src_path, dst_path = tmp / "x.csv", tmp / "x.copy"
    src_path.write_bytes(data)
    with open(src_path, "rb") as src:
        fd = os.open(dst_path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            part = copy_part.copy_in_parallel(src.fileno(), len(data), codec, fd)
        finally:
            os.close(fd)
    return dst_path.read_bytes(), part


def _first_undefined(data: bytes, codec: str) -> int | None:
    if codec == "latin-1":
        return None
    return next((i for i, b in enumerate(data) if b in _UNDEFINED), None)


@settings(max_examples=40, deadline=None)
@given(parts=st.lists(st.sampled_from(_PIECES + [b"\x81", b"\x9d"]), max_size=120),
       codec=st.sampled_from(["cp1252", "latin-1"]),
       share=st.floats(0.0, 1.0), chunk=st.sampled_from([1, 2, 5, 64, 1 << 22]))
def test_two_processes_copy_what_the_codec_copies(tmp_path_factory, parts, codec, share, chunk):
    data = b"".join(parts)
    with pytest.MonkeyPatch.context() as mp:
        _two_processes(mp)
        mp.setattr(copy_part, "FIRST_SHARE", share)
        mp.setattr(sniff, "COPY_CHUNK", chunk)
        answers: list[dict | None] = []
        real = copy_part._answer
        mp.setattr(copy_part, "_answer", lambda proc: answers.append(real(proc)) or answers[-1])
        copy, part = _copy(tmp_path_factory.mktemp("copy"), data, codec)
    bad = _first_undefined(data, codec)
    assert part.bad == bad
    if bad is not None and bad < int(len(data) * share):
        return  # refused by the first part: the second was stopped
    # the second process did copy its part, at the offset where the first part ended
    assert answers and answers[0] is not None and answers[0].get("at") is not None, answers
    if bad is not None:
        return
    utf8 = data.decode(codec).encode("utf-8")
    assert copy == utf8
    assert part.written == len(utf8)
    assert part.has_quote == (b'"' in data)
    # once a space other than a tab is found the copy stops looking: its presence must agree,
    # and all of it when there is none (a CRLF split by a chunk or by the two parts is no
    # lone CR)
    whole = sniff.whitespace_in(utf8)
    assert bool(part.whitespace - {"\t"}) == bool(whole - {"\t"})
    if not whole - {"\t"}:
        assert part.whitespace == whole


def test_the_length_of_the_copy_is_counted_exactly(tmp_path):
    for codec in ("cp1252", "latin-1"):
        data = bytes(b for b in range(256) if codec == "latin-1" or b not in _UNDEFINED) * 7
        path = tmp_path / f"{codec}.bin"
        path.write_bytes(data)
        fd = os.open(path, os.O_RDONLY)
        try:
            for end in (0, 1, 130, 131, 1000, len(data)):
                for chunk in (3, 64, 1 << 22):
                    assert copy_part.utf8_length(fd, end, codec, chunk) == \
                        len(data[:end].decode(codec).encode("utf-8")), (codec, end, chunk)
        finally:
            os.close(fd)


_TEXT = ("Avd;Navn;Dato\r\n" + "".join(f"{i};Ærlig Øystein – «{i}» “å” €;01.02.2020\r\n"
                                       for i in range(4000))).encode("cp1252")


@pytest.mark.parametrize("boot", [
    "import sys; sys.exit(3)",  # fails
    "print('not json')",  # answers nonsense
    # copies its part one byte too far on: over the first part's last byte
    "import json, sys; job = json.loads(sys.stdin.buffer.read()); sys.path[:] = job['path']; "
    "import dq.io.copy_part as c; u = c.utf8_length; "
    "c.utf8_length = lambda *a, **k: u(*a, **k) - 1; c.main(job)",
    # fails to write its part (an error of its own)
    "import json, sys; job = json.loads(sys.stdin.buffer.read()); print(json.dumps({'errno': 28}))",
])
def test_the_copy_does_not_depend_on_the_second_process(parallel, tmp_path, boot):
    parallel.setattr(copy_part, "_BOOT", boot)
    copy, part = _copy(tmp_path, _TEXT, "cp1252")
    assert copy == _TEXT.decode("cp1252").encode("utf-8")
    assert part.bad is None and part.has_quote is False


def test_an_undefined_byte_in_the_second_part_is_refused_by_its_offset(parallel, tmp_path):
    data = _TEXT + b"9;\x8f;01.01.2021\r\n"
    parallel.setattr(copy_part, "FIRST_SHARE", 0.5)
    _, part = _copy(tmp_path, data, "cp1252")
    assert part.bad == len(_TEXT) + 2


def test_the_second_process_is_not_left_running(parallel, tmp_path):
    # the first part fails at once: the second process is stopped, not waited for
    parallel.setattr(copy_part, "FIRST_SHARE", 0.5)
    started = []
    real = copy_part._start

    def start(*args):
        started.append(real(*args))
        return started[-1]

    parallel.setattr(copy_part, "_start", start)
    _, part = _copy(tmp_path, b"\x81" + _TEXT, "cp1252")
    assert part.bad == 0
    assert started and started[0].poll() is not None


def test_a_cp1252_export_read_through_two_processes_reads_as_its_utf8_twin(parallel, tmp_path):
    import polars as pl
    from polars.testing import assert_frame_equal

    from dq.io import scan

    rows = "".join(f"{i % 7};Ærlig Øystein – «{i}»;{'' if i % 5 else '  '};{i % 3},5\r\n"
                   for i in range(20000))
    text = "Avd;Navn;Merknad;Vekt\r\n" + rows
    (tmp_path / "cp.csv").write_bytes(text.encode("cp1252"))
    (tmp_path / "u8.csv").write_bytes(text.encode("utf-8"))
    answers: list[dict | None] = []
    real = copy_part._answer
    parallel.setattr(copy_part, "_answer", lambda proc: answers.append(real(proc)) or answers[-1])
    cp = scan(tmp_path / "cp.csv", encoding="cp1252", prefetch_hash=False)
    u8 = scan(tmp_path / "u8.csv", prefetch_hash=False)
    assert answers and answers[0] is not None and answers[0]["at"] > 0
    assert_frame_equal(cp.lf.collect(), u8.lf.collect())
    assert cp.infos[0].blank_free == u8.infos[0].blank_free
    # 16,000 empty cells and 4,000 of two spaces: all missing, only the empty ones null as read
    assert cp.raw.select(pl.col("Merknad").null_count()).collect().item() == 16000
    assert cp.lf.select(pl.col("Merknad").null_count()).collect().item() == 20000


def test_without_reads_and_writes_at_offsets_the_copy_is_made_in_one_pass(tmp_path, monkeypatch):
    # Windows has no os.preadv/os.pwrite: the one-pass copy, with the same bytes
    monkeypatch.delattr(os, "preadv")
    path = tmp_path / "x.csv"
    path.write_bytes(_TEXT)
    dialect = sniff.Dialect("cp1252", ";", False, False, True, "\n", True, None)
    fd = os.open(tmp_path / "x.copy", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        out = sniff.transcode(path, dialect, fd)
    finally:
        os.close(fd)
    assert (tmp_path / "x.copy").read_bytes() == _TEXT.decode("cp1252").encode("utf-8")
    assert out.has_quote is False and out.whitespace == frozenset({" "})


@pytest.mark.parametrize("way", ["python", "compiled"])
def test_with_standard_input_closed_the_copy_is_still_right(tmp_path, way):
    # the copy's descriptor is then 0, where the second process's own standard input goes
    import subprocess
    import sys

    if way == "compiled":
        _require_compiled()

    path = tmp_path / "x.csv"
    path.write_bytes(_TEXT)
    code = (
        "import os, sys; os.close(0)\n"
        "from dq.io import copy_part, sniff\n"
        "from dq.tempfiles import unlinked_file\n"
        "copy_part.PARALLEL_MIN_BYTES = 0; copy_part._cores = lambda: 2\n"
        f"compiled = copy_part.compiled() if {way == 'compiled'} else None\n"
        "copy_part.compiled = lambda: compiled\n"
        "answers = [{'at': 0}] if compiled else []; real = copy_part._answer\n"
        "copy_part._answer = lambda p: answers.append(real(p)) or answers[-1]\n"
        "fd, name = unlinked_file(size_hint=1)\n"
        "assert fd == 0, fd\n"
        "d = sniff.Dialect('cp1252', ';', False, False, True, '\\n', True, None)\n"
        "sniff.transcode(__import__('pathlib').Path(sys.argv[1]), d, fd)\n"
        "os.lseek(fd, 0, 0); data = b''\n"
        "while chunk := os.read(fd, 1 << 20): data += chunk\n"
        "print(data == open(sys.argv[1], 'rb').read().decode('cp1252').encode(), "
        "bool(answers[0] and 'at' in answers[0]))\n")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                         text=True, stdin=subprocess.DEVNULL)
    assert out.stdout.split() == ["True", "True"], out.stdout + out.stderr[-500:]


# --- the compiled copy (dq._utf8copy) -----------------------------------------------------------

def _require_compiled():
    to_utf8 = copy_part.compiled()
    if to_utf8 is None:
        if os.environ.get("DQ_REQUIRE_COMPILED") == "1":
            pytest.fail("dq._utf8copy is not built: pip install -e . builds it (needs a C "
                        "compiler)")
        pytest.skip("dq._utf8copy is not built (no C compiler at install)")
    return to_utf8


def _copy_compiled(tmp, data: bytes, codec: str, chunk: int) -> tuple[bytes, sniff.CopiedPart]:
    to_utf8 = _require_compiled()
    src_path, dst_path = tmp / "x.csv", tmp / "x.copy"
    src_path.write_bytes(data)
    with open(src_path, "rb") as src:
        fd = os.open(dst_path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            part = copy_part.copy_compiled(src.fileno(), len(data), codec, fd, to_utf8, chunk)
        finally:
            os.close(fd)
    return dst_path.read_bytes(), part


def test_the_compiled_copy_is_built_where_ci_runs():
    # .ci/run sets DQ_REQUIRE_COMPILED=1: there the fast path must be the one tested
    _require_compiled()


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(st.sampled_from(_PIECES + [b"\x81", b"\x9d", b"abcdefgh" * 3]),
                      max_size=120),
       codec=st.sampled_from(["cp1252", "latin-1"]),
       chunk=st.sampled_from([1, 2, 5, 7, 8, 9, 16, 64, 1 << 22]))
def test_the_compiled_copy_copies_what_the_codec_copies(tmp_path_factory, parts, codec, chunk):
    data = b"".join(parts)
    copy, part = _copy_compiled(tmp_path_factory.mktemp("c"), data, codec, chunk)
    bad = _first_undefined(data, codec)
    assert part.bad == bad
    if bad is not None:
        # everything before the undefined byte was copied, nothing after it
        assert copy == data[:bad].decode(codec).encode("utf-8")
        assert part.written == len(copy)
        return
    utf8 = data.decode(codec).encode("utf-8")
    assert copy == utf8
    assert part.written == len(utf8)
    assert part.has_quote == (b'"' in data)
    whole = sniff.whitespace_in(utf8)
    assert bool(part.whitespace - {"\t"}) == bool(whole - {"\t"})
    if not whole - {"\t"}:
        assert part.whitespace == whole


def test_every_byte_converts_as_pythons_codec_converts_it():
    to_utf8 = _require_compiled()
    for codec in ("cp1252", "latin-1"):
        table = copy_part.utf8_table(codec)
        for value in range(256):
            # the byte alone, after 7 and after 8 ASCII bytes (the 8-byte step and the tail)
            for before in (b"", b"x" * 7, b"x" * 8, b"x" * 15):
                src = before + bytes([value]) + b"y" * 9
                out = bytearray(3 * len(src))
                written, bad = to_utf8(memoryview(src), out, table)
                try:
                    expected = src.decode(codec).encode("utf-8")
                except UnicodeDecodeError:
                    assert (codec, value, bad) == ("cp1252", value, len(before))
                    assert bytes(out[:written]) == before
                    continue
                assert bad == -1
                assert bytes(out[:written]) == expected, (codec, value, before)


def test_the_compiled_copy_writes_no_byte_past_its_length():
    # a source whose length is a multiple of 8 and all ASCII ends exactly there (a bug once
    # read and wrote one byte past the end of each such chunk)
    to_utf8 = _require_compiled()
    table = copy_part.utf8_table("cp1252")
    for size in (0, 1, 7, 8, 9, 16, 24, 4096):
        src = b"a;b\r\n12;" * size
        src = src[:size]
        out = bytearray(b"\xee" * (3 * size + 8))
        written, bad = to_utf8(memoryview(src), out, table)
        assert (written, bad) == (size, -1)
        assert bytes(out[:size]) == src
        assert out[size:] == b"\xee" * (2 * size + 8)


def test_the_compiled_copy_refuses_a_small_buffer_or_a_wrong_table():
    to_utf8 = _require_compiled()
    table = copy_part.utf8_table("cp1252")
    with pytest.raises(ValueError):
        to_utf8(memoryview(b"abc"), bytearray(8), table)
    with pytest.raises(ValueError):
        to_utf8(memoryview(b"abc"), bytearray(9), table[:-1])
    with pytest.raises(TypeError):
        to_utf8(memoryview(b"abc"), b"read-only", table)


def test_a_cp1252_export_read_through_the_compiled_copy_reads_as_its_utf8_twin(tmp_path):
    import polars as pl
    from polars.testing import assert_frame_equal

    from dq.io import scan

    _require_compiled()
    rows = "".join(f"{i % 7};Ærlig Øystein – «{i}»;{'' if i % 5 else '  '};{i % 3},5\r\n"
                   for i in range(20000))
    text = "Avd;Navn;Merknad;Vekt\r\n" + rows
    (tmp_path / "cp.csv").write_bytes(text.encode("cp1252"))
    (tmp_path / "u8.csv").write_bytes(text.encode("utf-8"))
    cp = scan(tmp_path / "cp.csv", encoding="cp1252", prefetch_hash=False)
    u8 = scan(tmp_path / "u8.csv", prefetch_hash=False)
    assert_frame_equal(cp.lf.collect(), u8.lf.collect())
    assert cp.infos[0].blank_free == u8.infos[0].blank_free
    assert cp.lf.select(pl.col("Merknad").null_count()).collect().item() == 20000


def test_without_the_compiled_part_the_copy_is_made_in_python(tmp_path, monkeypatch):
    calls = []
    real = copy_part.copy_in_parallel
    monkeypatch.setattr(copy_part, "compiled", lambda: None)
    monkeypatch.setattr(copy_part, "copy_in_parallel",
                        lambda *a: calls.append(a) or real(*a))
    path = tmp_path / "x.csv"
    path.write_bytes(_TEXT)
    dialect = sniff.Dialect("cp1252", ";", False, False, True, "\n", True, None)
    fd = os.open(tmp_path / "x.copy", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        sniff.transcode(path, dialect, fd)
    finally:
        os.close(fd)
    assert len(calls) == 1
    assert (tmp_path / "x.copy").read_bytes() == _TEXT.decode("cp1252").encode("utf-8")
