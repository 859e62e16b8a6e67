"""Values that cross the boundary between the core and the channels. No channel is known here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Button:
    """A choice the channel may show as a button; sending ``payload`` as text has the same effect."""

    title: str
    payload: str


@dataclass(frozen=True)
class Attachment:
    """A file the channel may send (e.g. the self-check report as HTML)."""

    filename: str
    mime_type: str
    content: bytes


@dataclass(frozen=True)
class Reply:
    """One message to the user. ``text`` is plain text with full-width punctuation; paragraphs are
    separated by blank lines (channels may split there). ``kind`` names a reply a channel may show in its own
    way: ``privacy_notice`` (the web page shows a compact line with a link to the full text)."""

    text: str
    buttons: tuple[Button, ...] = ()
    multi_select: bool = False
    attachment: Attachment | None = None
    kind: str = ""


@dataclass(frozen=True)
class Incoming:
    """A message from a user on some channel. ``user_id`` is the channel's own id for that user. ``keyboard``
    names the keyboard a button press came from (e.g. Telegram's chat and message id): a second press on a
    keyboard already answered is ignored, whichever process handles it. ``key`` is the channel's id of this
    delivery (Telegram's update_id): the same delivery arriving again (a webhook update Telegram resends after a
    crash) is processed once. ``private`` is False for a message in a group chat, where administrators' replies
    (statistics, exports) are never posted."""

    channel: str
    user_id: str
    text: str
    keyboard: str | None = None
    key: str | None = None
    private: bool = True


@dataclass(frozen=True)
class Turn:
    """The core's answer to one incoming message, plus what it understood (for ``ask --json``)."""

    replies: tuple[Reply, ...]
    intent: str | None = None
    confidence: float = 0.0
    fallback: bool = False
    sources: tuple[str, ...] = ()
    engine: str = "builtin"
    extra: dict[str, Any] = field(default_factory=dict)
    parts: tuple[tuple[str, float, str], ...] = ()  # (intent, confidence, text) of each question, when several
    forgotten: bool = False  # the user's data was deleted in this turn (/forget): channels drop their copies

    @property
    def text(self) -> str:
        return "\n\n".join(r.text for r in self.replies)
