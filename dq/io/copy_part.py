"""The UTF-8 copy of a cp1252/Latin-1 export: in C when dq was built with its compiled part,
else by two Python processes at once.

The compiled copy (:func:`copy_compiled`, ``dq._utf8copy``) converts a chunk at about 0.3 ns a
byte without the interpreter lock while a second thread writes the chunk before; it is given the
table of what each byte becomes, built from Python's own codec (:func:`utf8_table`), so both
paths give the same bytes.

Without it, Python's codecs hold the interpreter lock, so a copy in one process leaves the
second core idle while it decodes and encodes (most of what a cp1252 export costs over a UTF-8
one). A second Python process copies the file's last part while this one copies the first:

- The copy's length up to any byte is known from the bytes alone: each byte of 0x80–0xFF takes
  one more byte in UTF-8 (two more for cp1252's "€", "–", "“" and the like). The second process
  counts this over the first part (NumPy) and writes its part at that offset of the same
  unlinked file, which it inherits as a descriptor; this process writes the first part from 0.
- Nothing names the file: the export and the copy are passed as open descriptors, the rest as
  JSON on standard input, so neither path nor content shows in a process listing. The second
  process writes nothing but its JSON answer; it ignores SIGINT (this process stops it), Linux
  ends it when this process ends however that happens, and elsewhere it stops at its next
  chunk.
- The answer is checked: if the second process failed, was stopped or started its part at
  another offset than this process ended, this process copies that part itself (or the whole
  file again), so the copy never depends on it being right.

The copy is made in one process when the file is small, only one core is free, or a second
process cannot be started (``sys.executable`` is not Python, no POSIX descriptors).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from dq.io import sniff
from dq.io.sniff import CopiedPart, copy_single_byte

# Below this a second process costs more than it saves (its start-up is about 0.1 s).
PARALLEL_MIN_BYTES = 48 << 20
# The first process copies a little more: the second starts later and counts first.
FIRST_SHARE = 0.6
_BOOT = ("import json, sys; job = json.loads(sys.stdin.buffer.read()); sys.path[:] = job['path']; "
         "from dq.io.copy_part import main; main(job)")


ToUtf8 = Callable[[memoryview, bytearray, bytes], tuple[int, int]]


def compiled() -> ToUtf8 | None:
    """The compiled copy's function, or None when dq was installed without it."""
    try:
        from dq import _utf8copy
    except ImportError:
        return None
    return _utf8copy.to_utf8


def utf8_table(codec: str) -> bytes:
    """For ``dq._utf8copy``: what each byte 0x80–0xFF becomes in UTF-8 under ``codec``, 4 bytes
    each: the length (0 where the codec leaves the byte undefined), then up to 3 bytes."""
    table = bytearray(512)
    for value in range(0x80, 0x100):
        try:
            utf8 = bytes([value]).decode(codec).encode("utf-8")
        except UnicodeDecodeError:
            continue
        at = 4 * (value - 0x80)
        table[at] = len(utf8)
        table[at + 1:at + 1 + len(utf8)] = utf8
    return bytes(table)


def copy(src: int, size: int, codec: str, dst: int) -> CopiedPart:
    """Copy the whole cp1252/Latin-1 file open as ``src`` (``size`` bytes) to UTF-8 into the
    empty file open as ``dst``: compiled when dq has its compiled part, else in Python."""
    to_utf8 = compiled()
    if to_utf8 is not None:
        return copy_compiled(src, size, codec, dst, to_utf8)
    return copy_in_parallel(src, size, codec, dst)


def copy_compiled(src: int, size: int, codec: str, dst: int, to_utf8: ToUtf8,
                  chunk: int | None = None) -> CopiedPart:
    """The copy by ``dq._utf8copy``: this thread reads and converts chunk after chunk while a
    second one writes the chunks before (three buffers in turn). Stops at the first byte the
    codec leaves undefined and says where."""
    chunk = chunk or sniff.COPY_CHUNK
    table = utf8_table(codec)
    buf = bytearray(chunk)
    view = memoryview(buf)
    outs = [bytearray(3 * chunk) for _ in range(3)]
    survey = sniff.CopySurvey()
    offset = written = 0
    bad = None
    with ThreadPoolExecutor(1, thread_name_prefix="dq-copy") as writer:
        pending: deque[Future] = deque()
        turn = 0
        while offset < size:
            n = os.preadv(src, [view[:min(chunk, size - offset)]], offset)
            if not n:
                break
            if len(pending) == len(outs) - 1:  # the buffer of this turn is still being written
                pending.popleft().result()
            out = outs[turn % len(outs)]
            turn += 1
            done, stop = to_utf8(view[:n], out, table)
            survey.see(buf, n, out[:done] if survey.looking else None)
            if done:
                pending.append(writer.submit(sniff.write_all, dst, memoryview(out)[:done],
                                             written))
            written += done
            if stop >= 0:
                bad = offset + stop
                break
            offset += n
        while pending:
            pending.popleft().result()
    if bad is not None:
        return survey.stopped(written, bad)
    return survey.part(written, os.pread(src, 1, size) if survey.looking else b"")


def utf8_length(src: int, end: int, codec: str, chunk: int = 1 << 22,
                go_on: Callable[[], bool] | None = None) -> int:
    """Bytes that bytes 0–``end`` of the cp1252/Latin-1 file open as ``src`` take in UTF-8.
    (A byte cp1252 leaves undefined counts as two; the copy stops there anyway.)"""
    import numpy as np

    extra = np.zeros(256, dtype=np.int64)  # bytes beyond the second, by byte value
    if codec == "cp1252":
        for value in range(0x80, 0xA0):
            try:
                extra[value] = len(bytes([value]).decode("cp1252").encode("utf-8")) - 2
            except UnicodeDecodeError:
                pass
    buf = bytearray(chunk)
    view = memoryview(buf)
    mask = np.empty(chunk, dtype=bool)
    total, offset = 0, 0
    while offset < end and (go_on is None or go_on()):
        n = os.preadv(src, [view[:min(chunk, end - offset)]], offset)
        if not n:
            break
        # as signed bytes, 0x80–0xFF are the negative ones and 0x80–0x9F those below -96
        data = np.frombuffer(buf, dtype=np.int8, count=n)
        total += n + int(np.count_nonzero(np.less(data, 0, out=mask[:n])))
        if codec == "cp1252" and np.count_nonzero(np.less(data, -96, out=mask[:n])):
            total += int(extra[data[mask[:n]].view(np.uint8)].sum())
        offset += n
    return total


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _high(fd: int) -> int:
    """A duplicate of ``fd`` numbered 3 or above: a run with standard input or output closed
    has its files at 0–2, where the second process's own pipes go."""
    import fcntl

    return fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3)


def _start(src: int, dst: int, split: int, size: int, codec: str) -> subprocess.Popen | None:
    if os.name != "posix" or not sys.executable or getattr(sys, "frozen", False):
        return None
    fds: list[int] = []
    try:
        fds = [_high(src), _high(dst)]
        proc = subprocess.Popen(
            [sys.executable, "-I", "-c", _BOOT], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, pass_fds=fds, close_fds=True)
    except (OSError, ValueError):
        return None
    finally:
        for fd in fds:
            os.close(fd)
    # the parent's import path: dq and NumPy where this process found them (-I ignores
    # PYTHONPATH)
    job = {"src": fds[0], "dst": fds[1], "start": split, "end": size, "codec": codec,
           "parent": os.getpid(), "path": [p for p in sys.path if isinstance(p, str)]}
    try:
        assert proc.stdin is not None
        proc.stdin.write(json.dumps(job).encode("utf-8"))
        proc.stdin.close()
    except OSError:
        _stop(proc)
        return None
    return proc


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


def _answer(proc: subprocess.Popen) -> dict | None:
    assert proc.stdout is not None
    out = proc.stdout.read()
    if proc.wait() != 0:
        return None
    try:
        answer = json.loads(out)
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None


def copy_in_parallel(src: int, size: int, codec: str, dst: int) -> CopiedPart:
    """The copy in Python (as :func:`copy`): by two processes when that pays."""
    split = int(size * FIRST_SHARE)
    proc = None
    if size >= PARALLEL_MIN_BYTES and _cores() >= 2:
        proc = _start(src, dst, split, size, codec)
    if proc is None:
        return copy_single_byte(src, 0, size, codec, dst, 0)
    try:
        first = copy_single_byte(src, 0, split, codec, dst, 0)
        if first.bad is not None:
            return first
        answer = _answer(proc)
    finally:
        _stop(proc)
    if answer is None or answer.get("at") != first.written:
        # Not copied (failed, stopped, or an error of its own: a real one comes back here), or
        # (a bug) at another offset, where it may have written over the first part: copy
        # everything here.
        os.ftruncate(dst, 0)
        return copy_single_byte(src, 0, size, codec, dst, 0)
    second = CopiedPart(int(answer["written"]), bool(answer["has_quote"]),
                        frozenset(answer["whitespace"]), answer["bad"])
    os.ftruncate(dst, first.written + second.written)
    return CopiedPart(first.written + second.written, first.has_quote or second.has_quote,
                      first.whitespace | second.whitespace, second.bad)


def _die_with_parent(parent: int) -> bool:
    """Ask Linux to end this process when dq ends (however dq ends); whether dq is still
    there."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    return os.getppid() == parent


def main(job: dict) -> None:
    """The second process: the job from standard input, the answer on standard output."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not _die_with_parent(job["parent"]):
        return
    src, dst, start, end = job["src"], job["dst"], job["start"], job["end"]

    def go_on() -> bool:
        return os.getppid() == job["parent"]

    try:
        at = utf8_length(src, start, job["codec"], go_on=go_on)
        part = copy_single_byte(src, start, end, job["codec"], dst, at, go_on=go_on)
    except OSError as exc:
        print(json.dumps({"errno": exc.errno}))
        return
    if not go_on():
        return
    print(json.dumps({"at": at, "written": part.written, "has_quote": part.has_quote,
                      "whitespace": sorted(part.whitespace), "bad": part.bad}))
