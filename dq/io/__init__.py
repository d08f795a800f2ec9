"""The input layer: every file users hand dq comes in through ``scan``.

``safe_name`` makes a column (or file) name fit to print: control, bidi and zero-width
characters become ``\\xNN``/``\\uNNNN`` escapes. Use it wherever a message names a column.

The names are loaded on first use: ``dq.io.copy_part`` runs in a second process that needs
neither Polars nor the readers.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what the names are, for type checkers; loaded on first use below
    from dq.io.readers import FORMATS, Source, SourceInfo, concat, scan
    from dq.io.sniff import safe_name

__all__ = ["FORMATS", "Source", "SourceInfo", "concat", "scan", "safe_name"]


def __getattr__(name: str):  # noqa: ANN202
    if name == "safe_name":
        from dq.io.sniff import safe_name

        return safe_name
    if name in __all__:
        from dq.io import readers

        return getattr(readers, name)
    raise AttributeError(f"module 'dq.io' has no attribute {name!r}")
