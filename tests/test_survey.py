"""The whole-file survey (dq.io.sniff._survey_utf8) and the cp1252/Latin-1 copy
(dq.io.sniff.transcode) read in chunks through one reused buffer: whatever the chunk size, they
must say what a look at the whole file at once says."""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import given, settings, strategies as st

from dq.errors import InputError
from dq.io import sniff

_FRAGMENTS = [b"a", b"1", b";", b'"', b" ", b"\t", b"\r", b"\n", b"\r\n", "æ".encode(),
              "ø".encode(), "Å".encode(), "€".encode(), "𝄞".encode(), "\u00a0".encode(),
              "\u2009".encode(), b"\xe6", b"\xf8", b"\x81", b"\x9d", b"\xc3", b"\xc3\x81",
              b"\x80", b"\x96",
              # not well-formed: a surrogate, overlong forms, beyond U+10FFFF, never a byte
              b"\xed\xa0\x80", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xf4\x90\x80\x80", b"\xf5",
              b"\xf0\x9d\x84", b"\xe2\x82"]


def _whole(data: bytes) -> tuple[int | None, bool, int, set[str], bool]:
    """What the survey must find, computed on the whole file at once."""
    try:
        data.decode("utf-8")
        bad = None
    except UnicodeDecodeError as exc:
        bad = exc.start
    letters = min(3, len(sniff._UTF8_LETTERS.findall(data)))
    undefined = any(b in data for b in (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"))
    return bad, b'"' in data, letters, sniff.whitespace_in(data), undefined


@settings(max_examples=400)
@given(parts=st.lists(st.sampled_from(_FRAGMENTS), max_size=60),
       chunk=st.sampled_from([4, 5, 6, 7, 8, 13, 64, 1 << 22]))
def test_survey_in_chunks_equals_the_whole_file(tmp_path_factory, parts, chunk):
    data = b"".join(parts)
    path = tmp_path_factory.mktemp("survey") / "x.csv"
    path.write_bytes(data)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sniff, "SURVEY_CHUNK", chunk)
        got = sniff._survey_utf8(path)
    bad, quote, letters, spaces, undefined = _whole(data)
    assert got.first_invalid_utf8 == bad
    assert got.has_quote == quote
    assert got.utf8_letters == letters
    if bad is None:
        # whitespace decides how a UTF-8 file is read: once a space other than a tab is
        # found the survey stops looking, so only its presence must agree, and all of it
        # when there is none
        assert bool(got.whitespace - {"\t"}) == bool(spaces - {"\t"})
        if not spaces - {"\t"}:
            assert got.whitespace == spaces
    else:
        assert got.cp1252_undefined == undefined


def test_a_crlf_split_by_the_chunk_is_no_lone_cr(tmp_path, monkeypatch):
    path = tmp_path / "x.csv"
    path.write_bytes(b"a;b\r\n1;2\r\n3;4\r\n")
    for chunk in range(4, 17):
        monkeypatch.setattr(sniff, "SURVEY_CHUNK", chunk)
        assert sniff._survey_utf8(path).whitespace == frozenset(), chunk


def test_an_undefined_cp1252_byte_before_the_first_bad_byte_means_latin1(tmp_path, monkeypatch):
    # "Á" in UTF-8 is C3 81, and 81 is undefined in cp1252: a file with it in a valid UTF-8
    # part and a Latin-1 "æ" (E6) later is not cp1252
    path = tmp_path / "x.csv"
    path.write_bytes(b"a;b\n" + "Á".encode() + b";1\n" + b"x" * 100 + b"\n\xe6;2\n")
    monkeypatch.setattr(sniff, "SURVEY_CHUNK", 16)
    assert sniff.detect_encoding(path, None)[0] == "latin-1"
    path.write_bytes(b"a;b\n" + "Ø".encode() + b";1\n" + b"x" * 100 + b"\n\xe6;2\n")
    assert sniff.detect_encoding(path, None)[0] == "cp1252"


@settings(max_examples=300)
@given(text=st.text(alphabet=st.sampled_from(
    list("ab;1\n\" ") + list("æøåÆØÅé€–—“”‘’…•™°§½ ") + ["\u0081"]), max_size=80),
    chunk=st.sampled_from([1, 2, 3, 7, 64, 1 << 22]), codec=st.sampled_from(["cp1252", "latin-1"]))
def test_single_byte_copy_equals_python_codec(tmp_path_factory, text, chunk, codec):
    try:
        raw = text.encode(codec)
    except UnicodeEncodeError:
        return  # not in this code page
    path = tmp_path_factory.mktemp("copy") / "x.csv"
    path.write_bytes(raw)
    dialect = sniff.Dialect(codec, ";", False, False, True, "\n", True, None)
    fd = os.open(path.with_suffix(".copy"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(sniff, "COPY_CHUNK", chunk)
            out = sniff.transcode(path, dialect, fd)
        os.lseek(fd, 0, 0)
        with os.fdopen(os.dup(fd), "rb") as fh:
            copy = fh.read()
    finally:
        os.close(fd)
    assert copy == raw.decode(codec).encode("utf-8")
    assert out.has_quote == ('"' in text)


def test_an_undefined_cp1252_byte_is_refused_by_offset(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"a;b\n" + b"x" * 50 + b"\x81;1\n")
    dialect = sniff.Dialect("cp1252", ";", False, False, True, "\n", False, None)
    fd = os.open(tmp_path / "x.copy", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        with pytest.raises(InputError) as err:
            sniff.transcode(path, dialect, fd)
    finally:
        os.close(fd)
    assert re.search(r"\b54\b", str(err.value)), str(err.value)


@settings(max_examples=2000)
@given(st.one_of(st.binary(max_size=40),
                 st.lists(st.sampled_from(_FRAGMENTS), max_size=20).map(b"".join)))
def test_arrow_validation_agrees_with_python_decoder(data):
    try:
        data.decode("utf-8")
        valid = True
    except UnicodeDecodeError:
        valid = False
    assert sniff._utf8_valid(data) == valid
    assert sniff._utf8_valid(memoryview(bytearray(data))) == valid
