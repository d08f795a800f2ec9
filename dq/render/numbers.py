"""Numbers for people, in Norwegian (decimal comma, "12,3 %", thin-space thousands, true minus)
or English.

Norwegian typography (Språkrådet): a narrow no-break space (U+202F) between thousands and before
the per cent sign, so "19 610" and "84,1 %" never break across lines; a true minus (U+2212).
"""

from __future__ import annotations

import math

THIN = "\u202f"  # narrow no-break space: 19 610 never breaks across lines
MINUS = "\u2212"  # true minus sign

# Agreement statistics that are shares of cases, not coefficients: every output writes them as
# percentages ("95,0 %", CI "89,0–100,0"), dq reliability and dq report alike.
SHARE_STATISTICS = ("percent_agreement", "percent_agreement_weighted")


def num(value: float | None, lang: str, digits: int = 1) -> str:
    if value is None:
        return "–"
    if value < 0 and round(value, digits) == 0:
        value = 0.0  # no "−0,00": a value that rounds to nothing has no sign
    if float(value).is_integer() and digits == 0 or (float(value).is_integer() and abs(value) >= 1000):
        text = f"{int(round(value)):,}"
    else:
        text = f"{value:,.{digits}f}"
    if lang == "nb":
        return text.replace(",", THIN).replace(".", ",").replace("-", MINUS)
    return text


def count(value: float | None, lang: str) -> str:
    return "–" if value is None else num(round(value), lang, 0)


def pct(value: float | None, lang: str, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{num(100 * value, lang, digits)}{THIN if lang == 'nb' else ' '}%"


def span(low: str, high: str, lang: str) -> str:
    """Two written bounds as one range, the same in every output: "89,0–90,8", but "−7,34 til
    −4,11" ("to" in English) when a bound carries a sign — a dash between signed numbers reads
    as one more minus."""
    if low[:1] in (MINUS, "+", "-") or high[:1] in (MINUS, "+", "-"):
        return f"{low} {'til' if lang == 'nb' else 'to'} {high}"
    return f"{low}–{high}"


def ci(low: float | None, high: float | None, lang: str, as_pct: bool = True) -> str:
    if low is None or high is None:
        return "–"
    if as_pct:
        return span(num(100 * low, lang), num(100 * high, lang), lang)
    return span(num(low, lang, 2), num(high, lang, 2), lang)


def estimate(value: float | None, lang: str, digits: int = 0) -> str:
    """An estimate that may be missing or infinite (an overflowing upper limit, a model that
    did not fit): "–" then, else a whole number (``digits`` 0) or ``digits`` decimals."""
    if value is None or not math.isfinite(value):
        return "–"
    return count(value, lang) if digits == 0 else num(value, lang, digits)


def interval(low: float | None, high: float | None, lang: str) -> str:
    """An interval of estimated totals as whole numbers: "291–410"; "–" when it is missing."""
    if low is None or high is None or math.isnan(low) or math.isnan(high):
        return "–"
    return span(estimate(low, lang), "∞" if high == math.inf else estimate(high, lang), lang)


def moment(iso: str, lang: str) -> str:
    """A run's time stamp (ISO 8601, as the JSON has it) for people: "27.11.2026 kl. 01.29 UTC"
    or "27 Nov 2026 01:29 UTC" (the offset as written when it is not UTC)."""
    from datetime import datetime, timedelta

    try:
        at = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso
    offset = at.utcoffset()
    zone = "" if offset is None else " UTC" if offset == timedelta(0) else f" {at:%z}"
    if lang == "nb":
        return f"{at:%d.%m.%Y} kl. {at:%H.%M}{zone}"
    return f"{at.day} {at:%b %Y %H:%M}{zone}"
