"""The context a handler sees for one turn."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.orm import Session

from dialogs._types import Incoming, Reply
from dialogs.state import DialogState
from dialogs.store._turns import TurnStore
from dialogs.store.models import User
from nlu import DialogueContext, ParseResult, Understanding, understand

if TYPE_CHECKING:
    from dialogs.assistant import Assistant


@dataclass
class Context:
    """One turn: the message, what the NLU understood, the user's stored state, the database, the time.
    Handlers mutate ``state`` and may add ``sources`` (clause references cited by the reply). ``session`` (an
    ORM session in the turn's transaction) and ``user`` (the user's row) are made when a handler first asks."""

    assistant: Assistant
    incoming: Incoming
    parsed: ParseResult
    db: TurnStore
    state: DialogState
    now: datetime
    sources: list[str] = field(default_factory=list)
    fallback: bool = False
    parts: tuple[tuple[str, float, str], ...] = ()  # (intent, confidence, text) of each question, when several
    asked: str = ""  # the clause of the question being answered, when the message asks several

    @property
    def text(self) -> str:
        return self.incoming.text

    @functools.cached_property
    def understanding(self) -> Understanding:
        """The message as dialogue acts, read against the moment: the active flow's pending item and the last
        topic. Made when a handler first asks (a button press never needs it)."""
        from dialogs._registry import FLOWS

        flow = FLOWS.get(self.state.flow or "")
        asking, value_type, topic = flow.asking(self) if flow is not None else (None, None, None)
        context = DialogueContext(asking=asking, value_type=value_type, topic=topic or self.state.memory.get("topic"))
        return understand(self.text, context, self.parsed, self.assistant.parser)

    @property
    def session(self) -> Session:
        return self.db.session

    @property
    def user(self) -> User:
        return self.db.user

    @property
    def user_id(self) -> int:
        """``user.id`` without making the ORM object."""
        return self.db.user_id


Handler = Callable[[Context], list[Reply]]


class Flow(Protocol):
    """A multi-turn flow (self-check, materials confirmation…). ``handle`` returns the replies when it
    consumed the message, or ``None`` to let the normal intent routing answer it (a side question);
    ``resume`` re-asks the pending question after a side question was answered; ``asking`` names the pending
    item, its value type and the question intent about it (the topic of "这个怎么算"), for the NLU's reading of
    the next message."""

    name: str

    def asking(self, ctx: Context) -> tuple[str | None, str | None, str | None]: ...

    def handle(self, ctx: Context) -> list[Reply] | None: ...

    def resume(self, ctx: Context) -> list[Reply]: ...
