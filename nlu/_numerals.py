"""Reading numerals: Chinese and Arabic numbers (cn2an), and the loose forms an applicant uses for a range.

``cn_value`` reads one well-formed numeral. ``pair_bounds`` and ``vague_bounds`` read the colloquial ranges
that are not well-formed numerals and must never be read as one: two neighbouring digits ("五六" is 5–6, not
56; "五六十万" is 50万–60万; "一百二三" is 120–130) and 几 for an unknown digit ("十几" is 11–19).
"""

from __future__ import annotations

import functools
import math
import re

import cn2an

CN_DIGITS = "零〇一二三四五六七八九两壹贰叁肆伍陆柒捌玖"
CN_PLACES = "十百千万亿拾佰仟"
CN_ALL = CN_DIGITS + CN_PLACES
CN_NUM = rf"[{CN_DIGITS}十拾][{CN_ALL}]*(?:点[{CN_DIGITS}]+)?"
ARABIC = r"(?<![\d.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
MULTIPLIERS = {"百万": 1_000_000, "千万": 10_000_000, "万": 10_000, "亿": 100_000_000, "千": 1_000, "w": 10_000}

_CACHED_NUMERAL_CHARS = 24
_DIGIT_VALUES = {ch: i for i, ch in enumerate("〇一二三四五六七八九")} | {"两": 2}
# Two neighbouring digits, after an optional numeral ending in a place ("二十"五六) and before place characters.
_PAIR = re.compile(rf"(?P<pre>(?:[{CN_DIGITS}十拾][{CN_ALL}]*)?[{CN_PLACES}])?(?P<a>[一二三四五六七八两])"
                   rf"(?P<b>[二三四五六七八九两])(?P<suf>[{CN_PLACES}]*)")
# "一百二三" is 120–130 and "一万五六" 15000–16000: after a place without a following place, the next lower one.
_NEXT_PLACE = {"百": "十", "佰": "十", "千": "百", "仟": "百", "万": "千", "亿": "千万"}
_TRAILING_MULTIPLIER = (("亿", 100_000_000), ("万", 10_000))


def clean(value: float, digits: int = 4) -> int | float:
    """``value`` rounded to ``digits`` decimals, as an int when it is whole."""
    rounded = round(value, digits)
    return int(rounded) if rounded == int(rounded) else rounded


def cn_value(text: str) -> float | None:
    """A Chinese or Arabic numeral as a number (cn2an), or None when it is not a well-formed numeral. Short
    numerals (一, 十, 120, 3.5…) recur from message to message and are read once; long ones are not kept."""
    return _cached_numeral(text) if len(text) <= _CACHED_NUMERAL_CHARS else _numeral(text)


def _numeral(text: str) -> float | None:
    try:
        value = cn2an.cn2an(text.replace(",", ""), "smart")
    except (ValueError, KeyError, IndexError):
        return None
    try:
        number = float(value)
    except OverflowError:  # hundreds of digits: not a value anyone means
        return None
    return number if math.isfinite(number) else None


_cached_numeral = functools.lru_cache(maxsize=4096)(_numeral)


def small(text: str | None) -> int | None:
    """A whole number (a month, a day, a tenth), or None."""
    if not text:
        return None
    value = cn_value(text)
    return int(value) if value is not None and value == int(value) else None


def _implied_suffix(pre: str, suf: str) -> str:
    return _NEXT_PLACE.get(pre[-1], "") if pre and not suf else suf


def _bounds(low: str, high: str) -> tuple[float, float] | None:
    lo, hi = cn_value(low), cn_value(high)
    return (lo, hi) if lo is not None and hi is not None and lo < hi else None


@functools.lru_cache(maxsize=1024)
def pair_bounds(raw: str) -> tuple[float, float] | None:
    """(low, high) when ``raw`` names a range by two neighbouring digits: 五六 → 5–6, 一两 → 1–2, 三五 → 3–5,
    二十五六 → 25–26, 三四百 → 300–400, 五六十万 → 500000–600000, 一百二三 → 120–130. None otherwise."""
    match = _PAIR.fullmatch(raw)
    if match is None:
        return None
    a, b = _DIGIT_VALUES[match.group("a")], _DIGIT_VALUES[match.group("b")]
    if b != a + 1 and (a, b) != (3, 5):
        return None
    pre = match.group("pre") or ""
    suf = _implied_suffix(pre, match.group("suf"))
    return _bounds(pre + match.group("a") + suf, pre + match.group("b") + suf)


def vague_bounds(pre: str, suf: str) -> tuple[float, float] | None:
    """(low, high) of a numeral with 几 for its last named digit: 十几 → 11–19, 二十几 → 21–29, 一百几十 →
    110–190, 十几万 → 110000–190000. Without a known leading part (几十, 几百) there is no value: None."""
    if not pre:
        return None
    suf = _implied_suffix(pre, suf)
    return _bounds(pre + "一" + suf, pre + "九" + suf)


def trailing_multiplier(raw: str, mult: str | None) -> int:
    """The multiplier a range's upper figure lends to a bare lower one ("20到30万"): 万/亿 written after it."""
    if mult:
        return MULTIPLIERS[mult]
    return next((value for char, value in _TRAILING_MULTIPLIER if raw.endswith(char)), 1)


def has_multiplier(raw: str, mult: str | None) -> bool:
    return bool(mult) or any(char in raw for char in "万亿")
