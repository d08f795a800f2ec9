"""The JSON envelope every command shares (documented in the README; keep it stable)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import polars as pl

import dq
from dq.io import SourceInfo
from dq.spec import Spec

SCHEMA_VERSION = 1


def rows(df: pl.DataFrame) -> list[dict[str, Any]]:
    return [{k: _clean(v) for k, v in row.items()} for row in df.iter_rows(named=True)]


def _clean(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def envelope(command: str, inputs: Iterable[SourceInfo], spec: Spec, results: pl.DataFrame,
             **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "dq_version": dq.__version__,
        "schema_version": SCHEMA_VERSION,
        "command": command,
        "inputs": [info.manifest() for info in inputs],
        "spec": spec.manifest(),
        "results": rows(results),
    }
    for key, value in extra.items():
        doc[key] = rows(value) if isinstance(value, pl.DataFrame) else value
    return doc


def dumps(doc: dict[str, Any]) -> str:
    """One top-level key per line and one result row per line: readable in a diff, and written
    by the json module's C encoder (``indent`` would fall back to the slow pure-Python one)."""

    def value(v: Any) -> str:
        if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            return "[\n    " + ",\n    ".join(json.dumps(x, ensure_ascii=False) for x in v) + "\n  ]"
        return json.dumps(v, ensure_ascii=False)

    body = ",\n".join(f"  {json.dumps(k)}: {value(v)}" for k, v in doc.items())
    return "{\n" + body + "\n}\n"
