"""Text from a data file, a spec or a stored result, made safe for the place it is printed.

Unit names, variable names, titles and the registry name come from files a user (or an attacker)
wrote. Before they reach a terminal, a log or a published document:

* ``plain(text)``: control characters (ESC, CR, newline, NUL, …), Unicode line separators, format
  characters (bidirectional overrides, zero-width characters) and lone surrogates are replaced
  by visible escapes (``\\x1b``, ``\\n``, ``\\u202e``), so a name cannot move the cursor, recolour
  the terminal, hide text or break a line of a log or a one-line error message.
* ``md_cell(text)``: ``plain`` plus Markdown and HTML escaping, for a Markdown table cell or a
  line of Markdown text: ``<>&`` become entities (no ``<script>``, no ``<img onerror=…>``), the
  Markdown characters that open inline markup (backslash, backtick, ``*``, ``_``, ``[``, ``]``,
  ``|``, ``~``, ``$``, ``#``) are backslash-escaped, and a leading list or heading marker is
  escaped.
* ``rich_text(text)``: a ``rich.text.Text`` (never parsed as Rich markup) of ``plain(text)``.

Use these for every value that did not come from dq's own source code.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any

_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_MARKDOWN = re.compile(r"([\\`*_\[\]|~$#])")
_LEADING_BLOCK = re.compile(r"^(\s*)([-+>=]|\d+[.)])")


def _escape(ch: str) -> str:
    code = ord(ch)
    if ch == "\n":
        return "\\n"
    if ch == "\r":
        return "\\r"
    if ch == "\t":
        return "\\t"
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def plain(text: Any) -> str:
    """``text`` with every control, format or separator character shown as a visible escape."""
    s = "" if text is None else str(text)
    if s.isprintable() and s.isascii():
        return s
    return "".join(_escape(ch) if unicodedata.category(ch) in _UNSAFE_CATEGORIES else ch
                   for ch in s)


def md_cell(text: Any) -> str:
    """``text`` safe inside a Markdown table cell or a line of Markdown: no markup, no HTML, no
    line break, no column break."""
    s = _MARKDOWN.sub(r"\\\1", plain(text))
    s = _LEADING_BLOCK.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], s)
    return html.escape(s, quote=False)


def html_text(text: Any) -> str:
    """``text`` safe as HTML element content or a quoted attribute value."""
    return html.escape(plain(text), quote=True)


def rich_text(text: Any, style: str = "") -> Any:
    """A Rich ``Text`` of ``plain(text)``: square brackets are never read as Rich markup."""
    from rich.text import Text

    return Text(plain(text), style=style)


def encodable(text: str) -> bool:
    """``text`` can be written as UTF-8 (no lone surrogate escapes)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True

