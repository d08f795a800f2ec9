"""One exception hierarchy; the CLI turns each into one line on stderr and an exit code.

Exit codes (the CI contract, domain.md "Exit codes"): 0 all checks pass, 1 a check failed,
2 usage or configuration error, 3 input data error, 4 internal error (a bug).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_INTERNAL = 4


class DQError(Exception):
    """An error the user can fix. The message must never contain row values."""

    exit_code = EXIT_INTERNAL


class ConfigError(DQError):
    """The spec, a flag or another piece of configuration is wrong."""

    exit_code = EXIT_USAGE


class InputError(DQError):
    """A data file cannot be read, or lacks what the check needs."""

    exit_code = EXIT_INPUT
