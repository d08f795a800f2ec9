"""The input layer: every file users hand dq comes in through ``scan``."""

from dq.io.readers import FORMATS, Source, SourceInfo, concat, scan

__all__ = ["FORMATS", "Source", "SourceInfo", "concat", "scan"]
