"""Text normalisation shared by the entity extractor and the classifier.

``normalize(text)`` returns a string of exactly the same length as ``text`` (one character for one
character), so offsets found in the normalised text are offsets into the original: traditional characters
become simplified ones (zhconv), full-width ASCII becomes half-width, ASCII letters are lower-cased.
"""

from __future__ import annotations

import functools

import zhconv

_FULLWIDTH_OFFSET = 0xFEE0
# full-width ASCII (U+FF01–U+FF5E) → ASCII, ideographic space → space; one character for one character
_HALFWIDTH = {code: code - _FULLWIDTH_OFFSET for code in range(0xFF01, 0xFF5F)} | {0x3000: ord(" ")}


@functools.lru_cache(maxsize=4096)
def _to_simplified_char(ch: str) -> str:
    out: str = zhconv.convert(ch, "zh-hans")
    return out if len(out) == 1 else ch


def to_simplified(text: str) -> str:
    """Traditional → simplified, keeping the length: a phrase-level conversion is used when it keeps the
    length (it knows more context), otherwise each character is converted on its own."""
    if text.isascii():
        return text
    whole: str = zhconv.convert(text, "zh-hans")
    if len(whole) == len(text):
        return whole
    return "".join(_to_simplified_char(ch) for ch in text)


@functools.lru_cache(maxsize=1024)
def normalize(text: str) -> str:
    """Same-length normal form: simplified, half-width, lower-case ASCII (once per text: the parse, the dialogue
    acts and the self-check read the same message)."""
    return to_simplified(text.translate(_HALFWIDTH)).lower()
