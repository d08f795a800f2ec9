"""The JSON envelope every command shares (documented in the README; keep it stable)."""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import polars as pl

import dq
from dq.render.text import encodable, plain

if TYPE_CHECKING:  # types only: writing JSON needs neither the readers nor the spec parser
    from dq.io import SourceInfo
    from dq.spec import Spec

SCHEMA_VERSION = 1


def _numpy_scalar(value: object) -> bool:
    """A NumPy scalar (np.float64, np.int64, …); without importing NumPy, which a command that
    never made one has no need to load (start-up time)."""
    np = sys.modules.get("numpy")
    return np is not None and isinstance(value, np.generic)

def rows(df: pl.DataFrame) -> list[dict[str, Any]]:
    """The rows as JSON-ready dicts: NaN and ±Infinity null (in the engine, column by column),
    dates and datetimes ISO text."""
    floats = [c for c, t in df.schema.items() if t.is_float()]
    if floats:
        df = df.with_columns(pl.when(pl.col(c).is_finite()).then(pl.col(c)).alias(c)
                             for c in floats)
    out = df.to_dicts()
    temporal = [c for c, t in df.schema.items()
                if t == pl.Date or isinstance(t, pl.Datetime) or t == pl.Object]
    for row in out if temporal else ():
        for c in temporal:
            row[c] = _clean(row[c])
    return out


def _clean(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def clean(value: Any) -> Any:
    """``value`` made strict JSON, however deep: NaN and ±Infinity become null, dates ISO text,
    NumPy scalars Python numbers, tuples and sets lists (a set sorted, so the order is stable),
    text that is not valid Unicode (lone surrogates) visible escapes."""
    if isinstance(value, dict):
        return {_key(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if isinstance(value, set | frozenset):
        return [clean(v) for v in sorted(value, key=repr)]
    if isinstance(value, str):
        return value if encodable(value) else plain(value)
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if _numpy_scalar(value):
        return clean(value.item())
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _key(key: Any) -> Any:
    if isinstance(key, str):
        return key if encodable(key) else plain(key)
    if isinstance(key, float) and not math.isfinite(key):
        return str(key)
    return key


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
    by the json module's C encoder (``indent`` would fall back to the slow pure-Python one).

    Strict JSON (RFC 8259): never ``NaN``/``Infinity`` — a non-finite number anywhere in the
    document, however deep, is written as null — and valid UTF-8 text only. The fast path
    encodes as given; only a part the encoder refuses is cleaned first."""

    def encode(v: Any) -> str:
        try:
            return json.dumps(v, ensure_ascii=False, allow_nan=False, default=_default)
        except (ValueError, TypeError):
            return json.dumps(clean(v), ensure_ascii=False, allow_nan=False, default=_default)

    def value(v: Any) -> str:
        if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            return "[\n    " + ",\n    ".join(encode(x) for x in v) + "\n  ]"
        return encode(v)

    body = ",\n".join(f"  {encode(str(_key(k)))}: {value(v)}" for k, v in doc.items())
    text = "{\n" + body + "\n}\n"
    if not encodable(text):  # a lone surrogate (a file name from a non-UTF-8 file system, say)
        return dumps(clean(doc))
    # The json module escapes C0 controls only: DEL, C1 controls (CSI U+009B moves a terminal's
    # cursor) and bidirectional/invisible format characters are written as \uXXXX escapes too,
    # so a file shown with cat or less cannot be recoloured or reordered. The same JSON value.
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# Outside strings JSON is ASCII, so these can only occur inside strings, where \uXXXX means them.
_INVISIBLE = re.compile("[\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e"
                        "\u2060-\u2069\ufeff\ufff9-\ufffb]")


def _default(value: Any) -> Any:
    """What the json module cannot encode itself: dates, NumPy scalars, sets."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if _numpy_scalar(value):
        return value.item()
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    raise TypeError(f"{type(value).__name__} is not JSON")
