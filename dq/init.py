"""``dq init``: write an :class:`~dq.infer.Inference` as a commented ``dq.toml``.

The text is TOML that ``dq.spec.load`` accepts as it is: every string and key goes through one
escaper (``toml_str``), comments through ``_comment`` (one line, control and bidi characters
escaped, names through ``safe_name``). Comments come from the catalogue (``dq.messages.INIT``) in
the chosen language; a decision the user must make or confirm is a comment starting ``TODO:``.
Paths are written relative to the spec's folder, as ``dq.spec.load`` reads them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dq.infer import MIN_CODE_COUNT, CoverageGuess, Guess, Inference, Note, UnitsGuess
from dq.io.sniff import safe_name
from dq.messages import init_text
from dq.render.numbers import count

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
            "\r": "\\r"}


def toml_str(text: str) -> str:
    """A TOML basic string: quotes, backslashes and every control or format character escaped."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif not ch.isprintable() or ch in "\u2028\u2029" or 0xD800 <= ord(ch) <= 0xDFFF:
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_key(key: str) -> str:
    return key if _BARE.match(key) else toml_str(key)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return toml_str(str(value))


def _comment(text: str) -> str:
    """One comment line: no line break, no control or bidi character can reach the file raw."""
    flat = " ".join(text.splitlines())
    return safe_name(flat, limit=2000)


def _names(names: list[str]) -> list[str]:
    return [safe_name(n) for n in names]


class _Writer:
    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.lines: list[str] = []

    def text(self, key: str, /, **params: Any) -> str:
        return init_text(key, self.lang, **params)

    def comment(self, text: str, todo: bool = False) -> None:
        self.lines.append("# " + ("TODO: " if todo else "") + _comment(text))

    def note(self, note: Note) -> None:
        params: dict[str, Any] = {k: (_names(v) if isinstance(v, list) and v and isinstance(v[0], str)
                      and k in ("others", "names", "files") else v)
                  for k, v in note.params.items()}
        if note.key == "status":
            params["values"] = ", ".join(f"{c} ({count(n, self.lang)})" for c, n in params["values"])
        if note.key == "dates":
            first, last = params.pop("first"), params.pop("last")
            params["years"] = f"{first}" if first == last else f"{first}–{last}"
        if note.key == "condition":
            params["condition"] = safe_name(params["condition"])
        if params.pop("approx", False):  # an approximate distinct count (dq.infer.Profile)
            for key in ("distinct", "values"):
                if key in params:
                    params[key] = {"word": "init_about", "n": _rounded(params[key])}
        self.comment(self.text(note.key, **params), note.todo)

    def key(self, key: str, value: Any, comment: str | None = None) -> None:
        line = f"{toml_key(key)} = {toml_value(value)}"
        if comment:
            line += "  # " + _comment(comment)
        self.lines.append(line)

    def table(self, name: str) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")
        self.lines.append(f"[{name}]")

    def blank(self) -> None:
        self.lines.append("")


def _rounded(n: int) -> int:
    """An approximate count to one significant digit: Polars' HyperLogLog estimate is off by
    up to about 10 % (19,988 distinct ids estimated as 21,193), so it claims no more."""
    return int(float(f"{n:.1g}")) if n >= 10 else n


def _rel(path: Path, folder: Path) -> str:
    try:
        rel = os.path.relpath(path.resolve(), folder.resolve())
    except ValueError:  # another drive (Windows)
        rel = str(path.resolve())
    return rel.replace(os.sep, "/")


@dataclass(frozen=True)
class DatabaseDraft:
    """Where ``[dataset]`` reads from when the export is a database table or query. ``url`` is
    as the spec holds it: ``${VAR}`` placeholders, never a password (``replaced``: a password
    given on the command line was replaced by ``${var}``). ``label`` names the source (no
    credentials); ``name`` is the registry's first name (the database's)."""

    url: str
    table: str | None
    query: str | None
    label: str
    name: str
    replaced: bool = False
    var: str = "DQ_DB_PASSWORD"


def render(inf: Inference, *, spec_path: Path, folder: Path, lang: str = "nb",
           database: DatabaseDraft | None = None) -> str:
    """The dq.toml text. ``folder``: where the spec will live (paths are relative to it).
    ``database``: the export was read from this table or query."""
    w = _Writer(lang)
    data = _rel(inf.path, folder) if database is None else ""
    if database is None:
        _dataset(w, inf, folder, data)
    else:
        _dataset_database(w, inf, folder, database)
    if inf.units is not None:
        _units(w, inf.units, folder)
    _completeness(w)
    if inf.coverage is not None:
        _coverage(w, inf.coverage, folder)
    else:
        w.blank()
        w.comment(w.text("coverage_template"))
        w.comment("[coverage]")
        w.comment('references = ["npr.csv"]')
    _verification(w, inf)
    _timeliness(w, inf)
    w.table("report")
    w.key("lang", lang)
    w.key("suppress", MIN_CODE_COUNT)
    w.blank()
    w.comment(w.text("studies_template"))
    for line in ("[reliability]", 'study = "interrater.csv"', 'case = "Kasus"',
                 'rater = "Registrar"', "", "[correctness]", 'study = "validering.csv"',
                 'patient = "PasientID"'):
        w.comment(line) if line else w.lines.append("#")
    w.blank()
    w.comment(w.text("variables"))
    if inf.codebook is not None:
        w.comment(w.text("codebook_file"))
    if inf.codebook_missing:
        w.comment(w.text("codebook_missing", names=_names(inf.codebook_missing)), todo=True)
    for g in inf.variables:
        _variable(w, g)
    body = w.lines
    w.lines = []
    if database is None:
        w.comment(w.text("header", file=safe_name(inf.path.name), rows=inf.rows,
                         columns=len(inf.columns)))
        w.comment(w.text("header_todo", todos=todo_count(body), spec=safe_name(spec_path.name),
                         data=safe_name(data)))
    else:
        w.comment(w.text("header_database", source=safe_name(database.label), rows=inf.rows,
                         columns=len(inf.columns)))
        w.comment(w.text("header_todo_database", todos=todo_count(body),
                         spec=safe_name(spec_path.name)))
    w.comment(w.text("header_paths", min=MIN_CODE_COUNT))
    w.blank()
    return "\n".join(w.lines + body).rstrip("\n") + "\n"


def todo_count(lines: list[str] | str) -> int:
    """The decisions left to the user: comment lines that start with "# TODO:"."""
    if isinstance(lines, str):
        lines = lines.splitlines()
    return sum(1 for line in lines if line.startswith("# TODO:"))


def _dataset(w: _Writer, inf: Inference, folder: Path, data: str) -> None:
    w.table("dataset")
    w.comment(w.text("name_todo"), todo=True)
    w.key("name", inf.path.stem)
    w.key("files", [data])
    detected = [inf.format]
    w.key("format", inf.format)
    if inf.format == "csv":
        if inf.encoding:
            w.key("encoding", inf.encoding)
            detected.append(inf.encoding)
        if inf.separator:
            w.key("separator", inf.separator)
    _roles(w, inf, folder)


def _dataset_database(w: _Writer, inf: Inference, folder: Path, db: DatabaseDraft) -> None:
    """``[dataset]`` with ``url`` (placeholders only) and ``table`` or ``query``."""
    w.table("dataset")
    w.comment(w.text("name_todo"), todo=True)
    w.key("name", db.name)
    if db.replaced:
        w.comment(w.text("password_replaced", var=db.var), todo=True)
    w.key("url", db.url)
    if db.table is not None:
        w.key("table", db.table)
    else:
        w.key("query", db.query)
    _roles(w, inf, folder)


def _roles(w: _Writer, inf: Inference, folder: Path) -> None:
    if inf.codebook is not None:
        w.key("codebook", _rel(inf.codebook, folder))
    for role, key in (("national_id", None), ("person_id", "person_id"), ("unit", "unit"),
                      ("event_date", "event_date")):
        r = inf.roles[role]
        if key is None:
            continue
        for note in r.notes:
            w.note(note)
        if r.column is not None:
            w.key(key, r.column)
        else:
            w.comment(f"{key} = \"\"")
    if inf.date_format:
        w.key("date_format", inf.date_format)
    status = inf.roles["status"]
    for note in status.notes:
        w.note(note)
    if inf.finished is not None:
        w.key("finished", inf.finished)
    w.comment(w.text("export_date_todo"), todo=True)
    w.comment('export_date = "YYYY-MM-DD"')


def _units(w: _Writer, u: UnitsGuess, folder: Path) -> None:
    complete = all((u.id, u.name, u.hf, u.rhf))
    if complete:
        w.table("units")
    else:  # [units] needs all four columns to load: written as a comment for the user
        w.blank()
    for note in u.notes:
        w.note(note)
    prefix = "" if complete else "# "
    if not complete:
        w.lines.append("# [units]")
    w.lines.append(prefix + f"table = {toml_str(_rel(u.path, folder))}")
    for key, col in (("id", u.id), ("name", u.name), ("hf", u.hf), ("rhf", u.rhf)):
        if col is not None:
            w.lines.append(prefix + f"{key} = {toml_str(col)}")


def _completeness(w: _Writer) -> None:
    w.table("completeness")
    w.comment(w.text("thresholds_todo"), todo=True)
    w.key("warn_below", 0.95)
    w.key("fail_below", 0.85)
    w.key("records_warn_below", 0.80)
    w.key("records_fail_below", 0.60)


def _coverage(w: _Writer, c: CoverageGuess, folder: Path) -> None:
    if not c.references:  # no reference dq recognises: [coverage] stays a comment to fill in
        w.blank()
        for note in c.notes:
            w.note(note)
        w.comment("[coverage]")
        w.comment(f"references = {toml_value([_rel(p, folder) for p in c.unrecognised])}")
        return
    w.table("coverage")
    for note in c.notes:
        w.note(note)
    w.key("mode", c.mode)
    w.key("references", [_rel(p, folder) for p in c.references])
    w.key("target", 0.80)
    w.key("low", 0.60)
    if c.mode == "linkage" or c.others:
        w.key("window", 30)
    if c.columns:
        w.table("coverage.reference")
        for key, col in c.columns.items():
            w.key(key, col)


def _verification(w: _Writer, inf: Inference) -> None:
    w.table("verification")
    nid = inf.roles["national_id"]
    if nid.column is not None:
        for note in nid.notes:
            w.note(note)
        w.key("national_id", nid.column)
    if inf.duplicate_keys:
        w.comment(w.text("duplicate_keys"), todo=True)
        w.key("duplicate_keys", inf.duplicate_keys)
    if inf.date_order:
        for cond, note in inf.date_order:
            w.comment(f"{safe_name(cond)}: " + w.text(note.key, **note.params), note.todo)
        w.key("date_order", [cond for cond, _ in inf.date_order])
    if inf.no_future:
        w.comment(w.text("no_future"))
        w.key("no_future", inf.no_future)
    if inf.icd10:
        w.comment(w.text("icd10"))
        w.key("icd10", inf.icd10)
    if inf.ncsp:
        w.comment(w.text("ncsp"))
        w.key("ncsp", inf.ncsp)


def _timeliness(w: _Writer, inf: Inference) -> None:
    created, closed = inf.roles["created"], inf.roles["closed"]
    w.table("timeliness")
    for note in created.notes:
        w.note(note)
    if created.column is not None:
        w.key("created", created.column)
    else:
        w.comment('created = ""')
    if closed.column is not None:
        for note in closed.notes:
            w.note(note)
        w.key("closed", closed.column)
    w.comment(w.text("limit_todo"), todo=True)
    w.key("limit_days", 30)
    w.key("warn_below", 0.80)
    w.key("fail_below", 0.60)


def _variable(w: _Writer, g: Guess) -> None:
    w.table(f"variables.{toml_key(g.name)}")
    for note in g.notes:
        w.note(note)
    if (not g.in_codebook or g.write_type) and g.type is not None:
        w.key("type", g.type)
    if g.label is not None:
        w.key("label", g.label)
    if g.codes is not None and not g.in_codebook:
        if all(label == code for code, label in g.codes.items()):
            w.key("codes", [_code_value(c, g.numeric_codes) for c in g.codes])
        else:
            w.key("codes", dict(g.codes))
    if g.unknown:
        w.key("unknown", [_code_value(c, g.numeric_codes or _is_int(c)) for c in g.unknown])
    if g.min is not None and not g.in_codebook:
        w.key("min", _bound(g.min, g.type))
    if g.max is not None and not g.in_codebook:
        w.key("max", _bound(g.max, g.type))
    if g.mandatory is not None:
        w.key("mandatory", g.mandatory)
    if g.uses:
        w.key("uses", list(g.uses))


def _is_int(code: str) -> bool:
    return bool(re.fullmatch(r"-?[0-9]+", code))


def _code_value(code: str, numeric: bool) -> Any:
    if numeric and _is_int(code):
        return int(code)
    return code


def _bound(value: float, vtype: str | None) -> int | float:
    if vtype == "integer" and float(value).is_integer():
        return int(value)
    return float(value)
