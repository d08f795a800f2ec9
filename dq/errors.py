"""One exception hierarchy; the CLI turns each into one line on stderr and an exit code.

Exit codes (the CI contract, domain.md "Exit codes"): 0 all checks pass, 1 a check failed,
2 usage or configuration error, 3 input data error, 4 internal error (a bug).
"""

from __future__ import annotations

import errno

from dq.messages import ERRORS_DATA, Message

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_INTERNAL = 4
#: stdout closed by its reader (``dq … | head``): no message, the status of a Unix tool stopped
#: by SIGPIPE (128 + 13)
EXIT_PIPE = 141


class DQError(Exception):
    """An error the user can fix. The message must never contain row values."""

    exit_code = EXIT_INTERNAL


class ConfigError(DQError):
    """The spec, a flag or another piece of configuration is wrong."""

    exit_code = EXIT_USAGE


class InputError(DQError):
    """A data file cannot be read, or lacks what the check needs."""

    exit_code = EXIT_INPUT



def os_reason(exc: OSError) -> str:
    """Why the operating system refused, as a dq.messages.Message: the common errno values
    (no such file, permission denied, not a directory, disk full …) in the catalogue's words in
    every language; any other is the OS's own text in English and its errno name in Norwegian
    ("systemfeil EOVERFLOW")."""
    name = errno.errorcode.get(exc.errno) if isinstance(exc.errno, int) else None
    if name is not None and f"os.{name}" in ERRORS_DATA:
        return Message(f"os.{name}")
    return OSWords(exc.strerror or type(exc).__name__, name or type(exc).__name__)


class OSWords(Message):
    """An unusual OS error: its English is the OS's own text (all dq knows of it); every other
    language names it by its errno ("systemfeil EOVERFLOW")."""

    def __new__(cls, why: str, code: str) -> OSWords:
        self = str.__new__(cls, why)
        self.key, self.params = "os.other", {"code": code}
        return self

    def text(self, lang: str) -> str:
        return str.__str__(self) if lang == "en" else super().text(lang)

    def __reduce__(self) -> tuple[object, ...]:
        return (OSWords, (str.__str__(self), self.params["code"]))
