"""Where dq's private copy of an export goes: memory (/dev/shm) when it has room, unless TMPDIR
says otherwise; the temporary folder otherwise. Never a name on disk (Linux)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dq import tempfiles

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc (Linux)")


def _where(fd: int) -> str:
    return os.readlink(f"/proc/self/fd/{fd}")


@pytest.fixture
def shm(tmp_path, monkeypatch):
    folder = tmp_path / "shm"
    folder.mkdir()
    monkeypatch.setattr(tempfiles, "SHM", str(folder))
    monkeypatch.delenv("TMPDIR", raising=False)
    return folder


def test_a_copy_that_fits_goes_to_memory(shm):
    fd, path = tempfiles.unlinked_file(size_hint=1000)
    assert _where(fd).startswith(str(shm)) and _where(fd).endswith("(deleted)")
    assert path == f"/proc/self/fd/{fd}"
    assert list(shm.iterdir()) == []


def test_a_copy_that_does_not_fit_goes_to_the_temporary_folder(shm, tmp_path, monkeypatch):
    st = os.statvfs(shm)
    fd, _ = tempfiles.unlinked_file(size_hint=st.f_bavail * st.f_frsize)  # no room for spare
    assert not _where(fd).startswith(str(shm))
    # room in the folder, but more than a quarter of the memory the process may still take
    monkeypatch.setattr(tempfiles, "_memory_to_spare", lambda: 3999)
    fd, _ = tempfiles.unlinked_file(size_hint=1000)
    assert not _where(fd).startswith(str(shm))
    monkeypatch.setattr(tempfiles, "_memory_to_spare", lambda: None)
    fd, _ = tempfiles.unlinked_file(size_hint=1000)
    assert not _where(fd).startswith(str(shm))
    monkeypatch.setattr(tempfiles, "_memory_to_spare", lambda: 4000)
    fd, _ = tempfiles.unlinked_file(size_hint=1000)
    assert _where(fd).startswith(str(shm))


def test_memory_to_spare_is_at_most_what_the_machine_has():
    spare = tempfiles._memory_to_spare()
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert spare is not None and 0 < spare <= total


def test_tmpdir_wins_and_no_hint_means_the_temporary_folder(shm, tmp_path, monkeypatch):
    fd, _ = tempfiles.unlinked_file()
    assert not _where(fd).startswith(str(shm))
    mine = tmp_path / "mine"
    mine.mkdir()
    monkeypatch.setenv("TMPDIR", str(mine))
    monkeypatch.setattr(tempfiles.tempfile, "tempdir", None)  # tempfile caches TMPDIR
    fd, _ = tempfiles.unlinked_file(size_hint=1000)
    assert _where(fd).startswith(str(mine))
