"""Private temporary files that never outlive dq.

dq writes two kinds of temporary files: the UTF-8 copy of a cp1252/Latin-1 export (a plaintext
copy of patient data) and the half-written output file that is renamed into place. Both are made
here: readable by the owner only (0600, in a 0700 folder for copies), registered, and removed on
normal exit, on an exception, and on SIGINT, SIGTERM and SIGHUP — what a cancelled CI job or a
closed terminal sends. After cleaning up, the signal is re-raised with its default action so the
exit status still says which signal ended dq.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import tempfile
import threading
from pathlib import Path
from types import FrameType

_lock = threading.Lock()
_paths: set[str] = set()
_installed = False
_SIGNALS = tuple(s for s in (getattr(signal, n, None) for n in ("SIGINT", "SIGTERM", "SIGHUP"))
                 if s is not None)


def cleanup() -> None:
    """Remove every registered temporary file and folder (safe to call more than once)."""
    with _lock:
        paths = list(_paths)
        _paths.clear()
    for path in paths:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                os.unlink(path)
            except OSError:
                pass


def _on_signal(signum: int, frame: FrameType | None) -> None:
    cleanup()
    if signum == getattr(signal, "SIGINT", None):
        raise KeyboardInterrupt
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    atexit.register(cleanup)
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in _SIGNALS:
        try:
            if signal.getsignal(sig) in (signal.SIG_DFL, signal.default_int_handler):
                signal.signal(sig, _on_signal)
        except (ValueError, OSError):  # not allowed here (embedded interpreter)
            pass


def register(path: str | Path) -> None:
    _install()
    with _lock:
        _paths.add(str(path))


def forget(path: str | Path) -> None:
    """The file was renamed into place or removed by its owner: no longer ours to clean up."""
    with _lock:
        _paths.discard(str(path))


def private_dir(prefix: str = "dq-") -> Path:
    """A new folder only the owner can enter (mkdtemp makes it 0700), removed at exit."""
    path = tempfile.mkdtemp(prefix=prefix)
    register(path)
    return Path(path)


def private_file(folder: Path, prefix: str) -> tuple[int, Path]:
    """An open file descriptor and path of a new 0600 file in ``folder``, removed at exit unless
    ``forget`` is called (after the rename)."""
    fd, path = tempfile.mkstemp(prefix=prefix, dir=folder)
    register(path)
    return fd, Path(path)


_held: list[object] = []


# Where a copy of patient data goes when it fits: memory (tmpfs), never the disk. The copy must
# leave this much free there besides itself.
SHM = "/dev/shm"
_SHM_SPARE = 256 << 20


def _memory_to_spare() -> int | None:
    """Bytes of memory this process may still take: the lesser of the machine's MemAvailable
    and what is left under its cgroup's memory.max (a batch job's limit). None: unknown."""
    found: list[int] = []
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    found.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open("/proc/self/cgroup", encoding="ascii") as fh:
            lines = [ln.strip().split(":", 2) for ln in fh]
    except OSError:
        lines = []
    for _, controllers, group in (ln for ln in lines if len(ln) == 3):
        # cgroup v2 ("0::/path": memory.max, "max" when unlimited) or v1's memory controller
        if controllers == "":
            where, files = os.path.join("/sys/fs/cgroup", group.lstrip("/")), \
                ("memory.max", "memory.current")
        elif "memory" in controllers.split(","):
            where, files = os.path.join("/sys/fs/cgroup/memory", group.lstrip("/")), \
                ("memory.limit_in_bytes", "memory.usage_in_bytes")
        else:
            continue
        try:
            with open(os.path.join(where, files[0]), encoding="ascii") as fh:
                limit = fh.read().strip()
            if limit != "max" and int(limit) < 1 << 60:  # v1 writes "unlimited" as ~2**63
                with open(os.path.join(where, files[1]), encoding="ascii") as fh:
                    found.append(int(limit) - int(fh.read().strip()))
        except (OSError, ValueError):
            pass
    return min(found) if found else None


def _in_memory_dir(size_hint: int | None) -> str | None:
    """/dev/shm when it is a writable folder with room for ``size_hint`` bytes and more (a
    container's is often 64 MB), and the copy would take at most a quarter of the memory the
    process may still use (a tmpfs file holds its memory until it is gone, and counts against
    a job's memory limit); else None. Never when TMPDIR says where temporary files go."""
    if size_hint is None or os.environ.get("TMPDIR") or not os.path.isdir(SHM) \
            or not os.access(SHM, os.W_OK | os.X_OK):
        return None
    try:
        st = os.statvfs(SHM)
    except OSError:
        return None
    spare = _memory_to_spare()
    if spare is None or 4 * size_hint > spare:
        return None
    return SHM if st.f_bavail * st.f_frsize >= size_hint + _SHM_SPARE else None


def unlinked_file(prefix: str = "dq-", size_hint: int | None = None) -> tuple[int, str]:
    """A new 0600 file that has no name on disk, for a copy of patient data another library must
    open by path: on Linux it is unlinked at once and reached as ``/proc/self/fd/N``, so it
    disappears with the process however the process ends (even SIGKILL). Elsewhere it is a
    registered temporary file. With ``size_hint`` (the most the copy can take) it is made in
    memory (/dev/shm) when that has room: a plaintext copy then never reaches a disk, and writing
    it is about 3 times as fast. Returns the open descriptor (kept open for the life of the
    process) and the path to open it by."""
    fd, path = tempfile.mkstemp(prefix=prefix, dir=_in_memory_dir(size_hint))
    if os.path.isdir("/proc/self/fd"):
        os.unlink(path)
        _held.append(fd)
        return fd, f"/proc/self/fd/{fd}"
    register(path)
    return fd, path
