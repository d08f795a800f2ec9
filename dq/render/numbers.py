"""Numbers for people, in Norwegian (decimal comma, "12,3 %", thin-space thousands) or English."""

from __future__ import annotations

THIN = "\u202f"  # narrow no-break space: 19 610 never breaks across lines


def num(value: float | None, lang: str, digits: int = 1) -> str:
    if value is None:
        return "–"
    if float(value).is_integer() and digits == 0 or (float(value).is_integer() and abs(value) >= 1000):
        text = f"{int(round(value)):,}"
    else:
        text = f"{value:,.{digits}f}"
    if lang == "nb":
        return text.replace(",", THIN).replace(".", ",")
    return text


def count(value: float | None, lang: str) -> str:
    return "–" if value is None else num(round(value), lang, 0)


def pct(value: float | None, lang: str, digits: int = 1) -> str:
    return "–" if value is None else f"{num(100 * value, lang, digits)} %"


def ci(low: float | None, high: float | None, lang: str, as_pct: bool = True) -> str:
    if low is None or high is None:
        return "–"
    if as_pct:
        return f"{num(100 * low, lang)}–{num(100 * high, lang)}"
    return f"{num(low, lang, 2)}–{num(high, lang, 2)}"
