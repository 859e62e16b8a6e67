"""Remembered answers of pure methods over a message's text: within a turn the same text is read several times
("我们是分公司，能报吗" — which kinds does it name? — is asked by the can-we answer, the role, the self-check).
The data objects are frozen, so the answer for the same arguments never changes; each object keeps its own
memory (another copy of the data, as ``kb check`` loads, answers from its own words)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from typing import Any, Concatenate, ParamSpec, TypeVar

__all__ = ["per_text", "remember"]

LIMIT = 4096  # entries per method and object; the memory starts over when full
S = TypeVar("S")
P = ParamSpec("P")
R = TypeVar("R")
_UNSEEN = object()  # not yet worked out (None and False are answers)


def remember(owner: object, name: str, key: Hashable, make: Callable[[], R]) -> R:
    """What ``make()`` gives for ``key``, worked out once per ``owner`` (an object with a ``__dict__``, e.g. the
    vocabulary) under ``name``: ``remember(vocab, "clauses", "资产要多少，运营要几年", cut)``."""
    slot = f"_memo_{name}"
    memory: dict[Hashable, Any] | None = owner.__dict__.get(slot)
    if memory is None or len(memory) >= LIMIT:
        memory = owner.__dict__[slot] = {}  # frozen dataclasses too: their __dict__ is written directly
    value = memory.get(key, _UNSEEN)  # no KeyError raised: most texts of a turn are new
    if value is _UNSEEN:
        value = memory[key] = make()
    return value  # type: ignore[no-any-return]


def per_text(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """``method`` remembered per object and arguments (strings, numbers: hashable and immutable); what it returns
    must be immutable too (a tuple, a frozen dataclass, a str), as every caller shares it. ``judge("办事处行不行")``
    is worked out once per object, then looked up."""
    slot = f"_memo_{method.__name__}"

    def remembered(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        memory: dict[Hashable, Any] | None = self.__dict__.get(slot)
        if memory is None or len(memory) >= LIMIT:
            memory = self.__dict__[slot] = {}  # frozen dataclasses too: their __dict__ is written directly
        key = (args, tuple(kwargs.items())) if kwargs else args
        value = memory.get(key, _UNSEEN)
        if value is _UNSEEN:
            value = memory[key] = method(self, *args, **kwargs)
        return value  # type: ignore[no-any-return]

    functools.update_wrapper(remembered, method)
    return remembered
