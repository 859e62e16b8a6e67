"""Inline keyboards for the core's buttons. callback_data is the button's payload; buttons of a multi-select
question carry a marker so that a press can update that question in place (the core keeps the selection and
marks chosen titles with ✓; its 完成 button settles the list)."""

from __future__ import annotations

import hashlib

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from dialogs import Reply

__all__ = ["MULTI_MARK", "PayloadBook", "keyboard"]

MULTI_MARK = "\x1fm"
HASH_MARK = "\x1f#"
MAX_CALLBACK_BYTES = 64


class PayloadBook:
    """Payloads too long for Telegram's 64-byte callback_data travel as a hash looked up here (in memory; after
    a restart an unknown hash falls back to the button's title, which the core also understands)."""

    def __init__(self, limit: int = 5000) -> None:
        self._book: dict[str, str] = {}
        self._limit = limit

    def data_for(self, payload: str, *, multi: bool = False) -> str:
        data = (MULTI_MARK if multi else "") + payload
        if len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES and (multi or not payload.startswith("\x1f")):
            return data
        key = (MULTI_MARK if multi else "") + HASH_MARK + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]
        if len(self._book) >= self._limit:
            self._book.pop(next(iter(self._book)))
        self._book[key] = payload
        return key

    def read(self, data: str, title: str) -> tuple[str, bool]:
        """(payload, pressed on a multi-select question) of a button's callback_data."""
        multi = data.startswith(MULTI_MARK)
        rest = data[len(MULTI_MARK):] if multi else data
        if rest.startswith(HASH_MARK):
            return self._book.get(data, title.removeprefix("✓").strip()), multi
        return rest, multi


def keyboard(reply: Reply, book: PayloadBook) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    buttons = [InlineKeyboardButton(b.title, callback_data=book.data_for(b.payload, multi=reply.multi_select))
               for b in reply.buttons]
    short = all(len(b.title) <= 8 for b in reply.buttons)
    width = 1 if reply.multi_select and not short else (3 if short and len(buttons) > 4 else 2 if short else 1)
    return InlineKeyboardMarkup([buttons[i:i + width] for i in range(0, len(buttons), width)])
