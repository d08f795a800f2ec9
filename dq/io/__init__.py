"""The input layer: every file users hand dq comes in through ``scan``.

``safe_name`` makes a column (or file) name fit to print: control, bidi and zero-width
characters become ``\\xNN``/``\\uNNNN`` escapes. Use it wherever a message names a column.
"""

from dq.io.readers import FORMATS, Source, SourceInfo, concat, scan
from dq.io.sniff import safe_name

__all__ = ["FORMATS", "Source", "SourceInfo", "concat", "scan", "safe_name"]
