"""Where a command's results go: one plan, checked before any computation, written whole.

A command declares what it reads (:class:`Input`: the file and what it is) and where it writes
(:class:`Request`: the option and the path). :func:`plan` resolves every output and refuses, with
a :class:`~dq.errors.ConfigError` (exit 2) naming the clash, before any data is read:

- an output that is a file the command reads (the export, the spec, a reference, a study, the
  unit table, the codebook) — compared by resolved path and by device and inode, so symbolic
  and hard links count;
- two outputs that are the same file, or two outputs that both go to stdout;
- a directory, a block device or a socket;
- a folder that does not exist or where no file can be created (probed by creating and removing a
  private temporary file, so read-only file systems and immutable folders are caught too), and an
  existing file that is not writable.

Where each output goes:

- ``-`` (and ``/dev/stdout``, ``/dev/fd/1``, ``/proc/self/fd/1``): the stdout stream;
  ``/dev/stderr`` (``/dev/fd/2``, ``/proc/self/fd/2``): the stderr stream;
- a character device (``/dev/null``, a terminal) or a pipe: written directly, never replaced;
- a symbolic link: the file it points to is replaced atomically; the link stays a link;
- a regular file (new or existing): a private temporary file (0600, :mod:`dq.tempfiles`, removed
  on exit, SIGINT, SIGTERM and SIGHUP) in the same folder is written, flushed to disk, given the
  ordinary permissions (0666 minus the umask) and renamed over the target;
- an append target (the GitHub step summary): appended to; if the append fails it is cut back
  to its previous length and a warning is returned.

:meth:`OutputPlan.commit` takes every rendered text at once: all temporary files are written
first; then streams and devices; then the renames; then appends. A write error (disk full, I/O
error) raises :class:`OutputWriteError` (exit 3) naming the output: no temporary file is left and
no existing file is touched (a stream or device written before the failure cannot be taken back).
A stream whose reader has closed the pipe (``dq … | head``) raises :class:`StreamClosed`: no
message, exit 141, and no file is written either.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from dq import tempfiles
from dq.errors import EXIT_INPUT, EXIT_PIPE, ConfigError, DQError, os_reason
from dq.messages import Message

#: Exit code of an output that could not be written once writing had started (disk full, I/O
#: error). Problems known before any computation (missing folder, read-only folder, a clash) are
#: ConfigError, exit 2.
EXIT_WRITE = EXIT_INPUT

STDOUT_NAMES = frozenset({"-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"})
STDERR_NAMES = frozenset({"/dev/stderr", "/dev/fd/2", "/proc/self/fd/2"})


class OutputWriteError(DQError):
    """An output could not be written (disk full, I/O error); nothing was replaced."""

    exit_code = EXIT_WRITE


class StreamClosed(DQError):
    """stdout (or stderr) was closed by its reader (``dq … | head``): the reader wants no more,
    so dq stops without a word, as a Unix tool stopped by SIGPIPE does (exit 141)."""

    exit_code = EXIT_PIPE


@dataclass(frozen=True)
class Input:
    """A file the command reads, or that must not be overwritten. ``what`` completes the
    sentence "--output X is …": a dq.messages.Message (:func:`reads`), e.g. "the export this
    command reads"."""

    path: Path | str | None
    what: str
    read: bool = True  # the command reads it (errors while reading name it)


@dataclass(frozen=True)
class Request:
    """An output. ``path`` None or ``-`` means stdout. ``append``: add to the file instead of
    replacing it (the GitHub step summary). ``fatal``: a write error is an error (exit 3);
    otherwise it becomes a warning and the other outputs are kept."""

    option: str
    path: Path | str | None
    append: bool = False
    fatal: bool = True


@dataclass(frozen=True)
class Target:
    """A resolved output. kind: stdout, stderr, device (character device or pipe: written
    directly), file (replaced atomically) or append."""

    request: Request
    kind: str
    path: Path | None = None  # resolved: the file written (a link's target), the device

    @property
    def label(self) -> str:
        given = "-" if self.request.path is None else str(self.request.path)
        return f"{self.request.option} {given}"


# What the running command reads, for error messages that must name a file without quoting the
# data engine (dq.cli._common.handle_errors).
_reading: ContextVar[tuple[str, ...]] = ContextVar("dq_reading", default=())
_columns: ContextVar[frozenset[str]] = ContextVar("dq_columns", default=frozenset())


def reading_files() -> tuple[str, ...]:
    """The files the running command reads (the innermost :func:`reading` first)."""
    return _reading.get()


def known_columns() -> frozenset[str]:
    """Column names of the files read so far: may be printed (they are not row values)."""
    return _columns.get()


def note_columns(columns: Iterable[str]) -> None:
    _columns.set(_columns.get() | frozenset(columns))


@contextmanager
def reading(*paths: Path | str | None) -> Iterator[None]:
    """While the block runs, errors name these files first."""
    # a name may be a Message (a database source described in the run's language): kept as is
    names = tuple(p if isinstance(p, str) else str(p) for p in paths if p is not None)
    token = _reading.set(names + tuple(n for n in _reading.get() if n not in names))
    try:
        yield
    finally:
        _reading.reset(token)


# How to explain an engine error met while reading a file, registered by the reader that knows
# the file (a CSV with quoting: where a quoted field is never closed, by line number). The CLI
# asks them, in order, when the engine stops on the data; each returns a DQError or None.
_explainers: ContextVar[tuple[Callable[[], DQError | None], ...]] = ContextVar(
    "dq_explainers", default=())


def explain_engine_errors(explain: Callable[[], DQError | None]) -> None:
    _explainers.set((*_explainers.get(), explain))


def explanation() -> DQError | None:
    """The first registered explanation of an engine error that finds one."""
    for explain in _explainers.get():
        found = explain()
        if found is not None:
            return found
    return None


def reset_context() -> None:
    _reading.set(())
    _columns.set(frozenset())
    _explainers.set(())


def reads(thing: str) -> Message:
    """``Input.what`` for a file the command reads: "the export this command reads", where
    ``thing`` names it (``export``, ``codebook``, ``unit_table``, ``reference`` …: the keys
    "output.thing.<thing>" of the message catalogue)."""
    return Message("output.reads", thing=Message(f"output.thing.{thing}"))


# ``Input.what`` given as English text by a caller not yet passing a Message: the same words
# from the catalogue, so a Norwegian run says it in Norwegian.
_WHAT = {"the export this command reads": "export",
         "the codebook this command reads": "codebook",
         "the unit table this command reads": "unit_table",
         "a reference this command reads": "reference",
         "the baseline result this command reads": "baseline",
         "the follow-up result this command reads": "follow_up",
         "the result this command reads": "result",
         "the pilot study this command reads": "pilot",
         "the study this command reads": "study",
         "the validation study this command reads": "validation_study"}


def _what(what: str) -> str:
    if isinstance(what, Message) or what not in _WHAT:
        return what
    return reads(_WHAT[what])


def is_stdout(path: Path | str | None) -> bool:
    return path is None or os.path.normpath(str(path)) in STDOUT_NAMES


def _identity(path: str) -> tuple[str, tuple[int, int] | None]:
    try:
        real = os.path.realpath(path)
    except (OSError, ValueError):  # a NUL byte in a path from a spec
        return path, None
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return real, None
    return real, (st.st_dev, st.st_ino)


def _why(exc: OSError) -> str:
    return os_reason(exc)


def _probe_folder(folder: Path, label: str) -> None:
    """Create and remove a private file in ``folder``: the only test that holds for root,
    read-only mounts and immutable folders alike."""
    try:
        fd, tmp = tempfiles.private_file(folder, ".dq-probe.")
    except OSError as exc:
        raise ConfigError(Message("output.cannot_create", label=label, folder=folder,
                                  why=_why(exc))) from None
    os.close(fd)
    try:
        os.unlink(tmp)
    except OSError:
        pass
    tempfiles.forget(tmp)


def _resolve(request: Request) -> Target:
    given = request.path
    if is_stdout(given) and not request.append:
        return Target(request, "stdout")
    name = str(given)
    label = f"{request.option} {name}"
    if os.path.normpath(name) in STDERR_NAMES and not request.append:
        return Target(request, "stderr")
    if "\0" in name:
        raise ConfigError(Message("output.nul", label=label))
    try:  # follows links, also /dev/fd/N of a pipe (process substitution), which realpath cannot
        st: os.stat_result | None = os.stat(name)
    except FileNotFoundError:
        st = None
    except OSError as exc:  # ELOOP, ENAMETOOLONG, EACCES on a parent, ENOTDIR
        raise ConfigError(Message("output.os", label=label, why=_why(exc))) from None
    if st is not None and (stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode)):
        if not os.access(name, os.W_OK):
            raise ConfigError(Message("output.device_readonly", label=label))
        return Target(request, "append" if request.append else "device", Path(name))
    real = Path(os.path.realpath(name))
    if st is None:  # a new file (or the missing target of a link: it will be created)
        folder = real.parent
        if not folder.is_dir():
            shown = folder if os.path.islink(name) else Path(name).parent
            what = "output.folder_not_folder" if folder.exists() else "output.folder_missing"
            raise ConfigError(Message(what, label=label, folder=shown))
        _probe_folder(folder, label)
        return Target(request, "append" if request.append else "file", real)
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise ConfigError(Message("output.is_directory", label=label))
    if not stat.S_ISREG(mode):
        kind = "block" if stat.S_ISBLK(mode) else "socket" if stat.S_ISSOCK(mode) else "other"
        raise ConfigError(Message("output.special", label=label,
                                  kind=Message(f"output.kind.{kind}")))
    if request.append:
        try:
            os.close(os.open(real, os.O_WRONLY | os.O_APPEND))
        except OSError as exc:
            raise ConfigError(Message("output.cannot_append", label=label,
                                      why=_why(exc))) from None
        return Target(request, "append", real)
    if not os.access(real, os.W_OK):
        raise ConfigError(Message("output.read_only", label=label))
    folder_st = os.stat(real.parent)
    if (folder_st.st_mode & stat.S_ISVTX and st.st_uid != os.geteuid() and os.geteuid() != 0
            and folder_st.st_uid != os.geteuid()):
        raise ConfigError(Message("output.not_owner", label=label))
    _probe_folder(real.parent, label)
    return Target(request, "file", real)


def _same(a: tuple[str, tuple[int, int] | None], b: tuple[str, tuple[int, int] | None]) -> bool:
    return a[0] == b[0] or (a[1] is not None and a[1] == b[1])


@dataclass
class OutputPlan:
    """The checked outputs of one command run; :meth:`commit` writes them."""

    targets: list[Target] = field(default_factory=list)

    def target(self, option: str) -> Target | None:
        return next((t for t in self.targets if t.request.option == option), None)

    def to_stdout(self, option: str) -> bool:
        t = self.target(option)
        return t is not None and t.kind == "stdout"

    def commit(self, texts: Mapping[str, str | bytes]) -> list[str]:
        """Write every output (texts by option; all must be rendered already; bytes for a
        binary file such as a PNG figure). Returns warnings (a non-fatal output that could not
        be written). Raises OutputWriteError."""
        missing = [t.request.option for t in self.targets if t.request.option not in texts]
        if missing:
            raise ValueError(f"no text rendered for {', '.join(missing)}")
        data = {t.request.option: _bytes(texts[t.request.option]) for t in self.targets}
        staged: list[tuple[Target, Path]] = []
        try:
            for t in self.targets:
                if t.kind == "file":
                    staged.append((t, _stage(t, data[t.request.option])))
            for t in self.targets:
                if t.kind in ("stdout", "stderr"):
                    text = texts[t.request.option]
                    _write_stream(t, text if isinstance(text, str) else
                                  text.decode("utf-8", "surrogateescape"),
                                  [f.label for f, _ in staged])
                elif t.kind == "device":
                    _write_device(t, data[t.request.option])
            while staged:
                t, tmp = staged[0]
                _rename(t, tmp)
                staged.pop(0)
        finally:
            for _, tmp in staged:
                _discard(tmp)
        warnings: list[str] = []
        for t in self.targets:
            if t.kind == "append":
                try:
                    _append(t, data[t.request.option])
                except OutputWriteError as exc:
                    if t.request.fatal:
                        raise
                    warnings.append(Message("outputs.append_failed", error=exc.args[0]))
        return warnings


def _bytes(text: str | bytes) -> bytes:
    return text if isinstance(text, bytes) else text.encode("utf-8", "surrogateescape")


def plan(inputs: Iterable[Input], requests: Iterable[Request]) -> OutputPlan:
    """Check every output against the inputs and each other; raises ConfigError (exit 2)."""
    ins = [(i, _identity(str(i.path))) for i in inputs if i.path is not None and str(i.path)]
    _reading.set(tuple(dict.fromkeys(str(i.path) for i, _ in ins if i.read)))
    targets: list[Target] = []
    for request in requests:
        target = _resolve(request)
        if target.path is not None and target.kind != "device":
            me = _identity(str(target.path))
            for inp, ident in ins:
                if _same(me, ident):
                    via = "" if os.path.realpath(str(inp.path)) == os.path.realpath(
                        str(request.path)) and not os.path.islink(str(request.path)) else (
                        Message("output.via_link", path=inp.path))
                    raise ConfigError(Message("output.is_input", label=target.label,
                                              what=_what(inp.what), via=via))
            for other in targets:
                if other.path is not None and other.kind != "device" and _same(
                        me, _identity(str(other.path))):
                    raise ConfigError(Message("output.same_file", label=target.label,
                                              other=other.label))
        if target.kind in ("stdout", "stderr"):
            for other in targets:
                if other.kind == target.kind:
                    raise ConfigError(Message("output.same_stream", label=target.label,
                                              stream=target.kind, other=other.label))
        targets.append(target)
    return OutputPlan(targets)


def _written(t: Target, exc: OSError, replaced: str | None = None) -> OutputWriteError:
    return OutputWriteError(Message("output.not_written", label=t.label, why=_why(exc),
                                    replaced=replaced or Message("output.none_replaced")))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _stage(t: Target, data: bytes) -> Path:
    assert t.path is not None
    prefix = f".{t.path.name[:200]}."
    try:
        fd, tmp = tempfiles.private_file(t.path.parent, prefix)
    except OSError as exc:
        raise _written(t, exc) from None
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
            os.fchmod(fd, 0o666 & ~_umask())  # a report is an ordinary file, as before
        finally:
            os.close(fd)
    except OSError as exc:
        _discard(tmp)
        raise _written(t, exc) from None
    except BaseException:
        _discard(tmp)
        raise
    return tmp


def _discard(tmp: Path) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass
    tempfiles.forget(tmp)


def _rename(t: Target, tmp: Path) -> None:
    assert t.path is not None
    try:
        st = os.lstat(t.path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise _written(t, exc) from None
    if st is not None and not stat.S_ISREG(st.st_mode):  # changed since the plan was made
        raise OutputWriteError(Message("output.no_longer_regular", label=t.label))
    try:
        os.replace(tmp, t.path)
    except OSError as exc:  # after a successful write: practically only a vanished folder
        raise _written(t, exc, Message("output.not_replaced", path=t.path)) from None
    tempfiles.forget(tmp)


def _write_stream(t: Target, text: str, unwritten: Iterable[str] = ()) -> None:
    """``unwritten``: the files that will not be written when this fails (written whole with
    the stream, or not at all)."""
    stream = sys.stdout if t.kind == "stdout" else sys.stderr
    try:
        try:
            fd = stream.fileno()
        except (AttributeError, OSError, ValueError):  # not a descriptor (a test's capture)
            fd = None
        if fd is None:
            try:
                stream.write(text)
            except UnicodeEncodeError:  # a stream in a non-UTF-8 locale: the bytes files get
                stream.flush()
                stream.buffer.write(text.encode("utf-8", "surrogateescape"))
            stream.flush()
        else:
            # Written by the descriptor, every byte counted: the buffered stream took a write
            # its reader cut short (dq … | head -c 10) as done, so dq went on and wrote the
            # other outputs (found in review).
            try:
                data = text.encode(stream.encoding or "utf-8")
            except (UnicodeEncodeError, LookupError):  # a non-UTF-8 locale: the files' bytes
                data = text.encode("utf-8", "surrogateescape")
            stream.flush()
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
    except OSError as exc:
        raise stream_error(t.kind, exc, unwritten) from None


def stream_error(kind: str, exc: OSError, unwritten: Iterable[str] = ()) -> DQError:
    """The error for a failed write to ``kind`` (stdout or stderr), its descriptor silenced:
    :class:`StreamClosed` when the reader closed the pipe, else an :class:`OutputWriteError`
    naming the stream, the reason and the files left unwritten."""
    _silence(sys.stdout if kind == "stdout" else sys.stderr)
    if isinstance(exc, BrokenPipeError):
        return StreamClosed()
    files = list(unwritten)
    left = Message("output.not_written_files", labels=files) if files else ""
    return OutputWriteError(Message("output.stream_failed", stream=Message(f"output.{kind}"),
                                    why=_why(exc), unwritten=left))


def _silence(stream: object) -> None:
    """After a failed write to stdout (closed pipe, full disk) the interpreter would try again at
    exit and print a traceback: point the descriptor at /dev/null."""
    try:
        fileno = stream.fileno()  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fileno)
        os.close(devnull)
    except OSError:
        pass


def _write_device(t: Target, data: bytes) -> None:
    assert t.path is not None
    try:
        fd = os.open(t.path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise _written(t, exc) from None
    try:
        _write_all(fd, data)
    except OSError as exc:
        raise _written(t, exc) from None
    finally:
        os.close(fd)


def _append(t: Target, data: bytes) -> None:
    assert t.path is not None
    try:
        fd = os.open(t.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    except OSError as exc:
        raise OutputWriteError(Message("output.append_failed", label=t.label,
                                       why=_why(exc))) from None
    try:
        size = os.fstat(fd).st_size
        try:
            _write_all(fd, data)
        except OSError as exc:
            try:
                os.ftruncate(fd, size)  # take the partial append back
            except OSError:
                pass
            raise OutputWriteError(Message("output.append_failed", label=t.label,
                                           why=_why(exc))) from None
    finally:
        os.close(fd)


def write_one(text: str, option: str, path: Path | str | None,
              inputs: Iterable[Input] = ()) -> None:
    """Plan and write a single output (for callers that have rendered already)."""
    plan(inputs, [Request(option, path)]).commit({option: text})


__all__ = ["EXIT_WRITE", "Input", "OutputPlan", "OutputWriteError", "Request", "StreamClosed",
           "Target", "stream_error",
           "explain_engine_errors", "explanation", "is_stdout", "known_columns",
           "note_columns", "plan", "reading", "reads",
           "reading_files", "reset_context", "write_one"]
