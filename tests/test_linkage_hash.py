"""The manifest's sha256 with the stat-keyed digest cache (dq.io.readers._sha256)."""

import hashlib

from dq.io import readers


def test_sha256_cache_is_exact_and_follows_every_write(tmp_path, monkeypatch):
    monkeypatch.setenv("DQ_HASH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(readers, "HASH_CACHE_MIN_BYTES", 0)
    monkeypatch.setattr(readers, "_RACY_SECONDS", -1.0)
    data = tmp_path / "export.csv"
    data.write_bytes(b"a;b\n1;2\n")
    # Known answer: the digest hashlib gives for the same bytes.
    assert readers._sha256(data) == hashlib.sha256(b"a;b\n1;2\n").hexdigest()
    entries = list((tmp_path / "cache").iterdir())
    assert len(entries) == 1 and entries[0].read_text() == hashlib.sha256(b"a;b\n1;2\n").hexdigest()
    # The entry is what a second look returns (the file is not read again) ...
    entries[0].write_text("0" * 64)
    assert readers._sha256(data) == "0" * 64
    # ... until the file is written: even the same size gets a new stamp and a new digest.
    data.write_bytes(b"a;b\n1;3\n")
    assert readers._sha256(data) == hashlib.sha256(b"a;b\n1;3\n").hexdigest()


def test_sha256_cache_off_and_recent_files_are_not_cached(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "HASH_CACHE_MIN_BYTES", 0)
    data = tmp_path / "export.csv"
    data.write_bytes(b"x\n1\n")
    monkeypatch.setenv("DQ_HASH_CACHE", "off")
    assert readers._sha256(data) == hashlib.sha256(b"x\n1\n").hexdigest()
    # Just written: its stamp could still change within the file system's clock tick.
    monkeypatch.setenv("DQ_HASH_CACHE", str(tmp_path / "cache"))
    assert readers._sha256(data) == hashlib.sha256(b"x\n1\n").hexdigest()
    assert not (tmp_path / "cache").exists()
