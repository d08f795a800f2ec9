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


def test_a_file_read_for_the_first_time_is_cached_though_the_read_moves_its_access_time(
        tmp_path, monkeypatch):
    """The entry was written only when the whole stat was unchanged after the read, access
    time included: a file read for the first time (relatime moves its atime) was never cached
    (a failure seen in CI when the read fell in a later clock tick than the write)."""
    from types import SimpleNamespace

    monkeypatch.setenv("DQ_HASH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(readers, "HASH_CACHE_MIN_BYTES", 0)
    monkeypatch.setattr(readers, "_RACY_SECONDS", -1.0)
    data = tmp_path / "export.csv"
    data.write_bytes(b"a;b\n1;2\n")
    real_stat = readers.Path.stat
    calls = []

    def stat(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        st = real_stat(self, *args, **kwargs)
        calls.append(1)
        if self == data and len(calls) > 1:  # after the read: a later access time
            fields = {k: getattr(st, k) for k in dir(st) if k.startswith("st_")}
            return SimpleNamespace(**{**fields, "st_atime": st.st_atime + 5,
                                      "st_atime_ns": st.st_atime_ns + 5_000_000_000})
        return st

    monkeypatch.setattr(readers.Path, "stat", stat)
    assert readers._sha256(data) == hashlib.sha256(b"a;b\n1;2\n").hexdigest()
    assert len(list((tmp_path / "cache").iterdir())) == 1
