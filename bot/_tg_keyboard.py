"""Inline keyboards for the core's buttons: callback_data is the button's payload; multi-select keyboards
toggle a ✓ in front of the title and end with a 完成 button."""

from __future__ import annotations

import hashlib

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from dialogs import Reply

__all__ = ["CHECK", "DONE_DATA", "DONE_TITLE", "PayloadBook", "chosen", "is_multi_select", "keyboard", "toggle"]

CHECK = "✓ "
DONE_TITLE = "完成"
DONE_DATA = "\x1fdone"
HASH_PREFIX = "\x1f#"
MAX_CALLBACK_BYTES = 64


class PayloadBook:
    """Payloads too long for Telegram's 64-byte callback_data travel as a hash looked up here (in memory; after
    a restart an unknown hash falls back to the button's title, which the core also understands)."""

    def __init__(self, limit: int = 5000) -> None:
        self._book: dict[str, str] = {}
        self._limit = limit

    def data_for(self, payload: str) -> str:
        if len(payload.encode("utf-8")) <= MAX_CALLBACK_BYTES and not payload.startswith("\x1f"):
            return payload
        key = HASH_PREFIX + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]
        if len(self._book) >= self._limit:
            self._book.pop(next(iter(self._book)))
        self._book[key] = payload
        return key

    def payload_for(self, data: str, title: str) -> str:
        if data.startswith(HASH_PREFIX):
            return self._book.get(data, title)
        return data


def keyboard(reply: Reply, book: PayloadBook) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    buttons = [InlineKeyboardButton(b.title, callback_data=book.data_for(b.payload)) for b in reply.buttons]
    if reply.multi_select:
        return InlineKeyboardMarkup([[b] for b in buttons] + [[InlineKeyboardButton(DONE_TITLE,
                                                                                     callback_data=DONE_DATA)]])
    short = all(len(b.title) <= 8 for b in reply.buttons)
    width = 2 if short else 1
    return InlineKeyboardMarkup([buttons[i:i + width] for i in range(0, len(buttons), width)])


def is_multi_select(markup: InlineKeyboardMarkup | None) -> bool:
    return markup is not None and any(b.callback_data == DONE_DATA for row in markup.inline_keyboard for b in row)


def toggle(markup: InlineKeyboardMarkup, data: str) -> InlineKeyboardMarkup:
    """The same keyboard with the ✓ of the button carrying ``data`` switched."""
    rows = []
    for row in markup.inline_keyboard:
        new_row = []
        for b in row:
            text = b.text
            if b.callback_data == data:
                text = text[len(CHECK):] if text.startswith(CHECK) else CHECK + text
            new_row.append(InlineKeyboardButton(text, callback_data=b.callback_data))
        rows.append(new_row)
    return InlineKeyboardMarkup(rows)


def chosen(markup: InlineKeyboardMarkup, book: PayloadBook) -> tuple[list[str], list[str]]:
    """(payloads, titles) of the ticked buttons, in keyboard order."""
    payloads: list[str] = []
    titles: list[str] = []
    for row in markup.inline_keyboard:
        for b in row:
            if b.text.startswith(CHECK) and isinstance(b.callback_data, str):
                title = b.text[len(CHECK):]
                payloads.append(book.payload_for(b.callback_data, title))
                titles.append(title)
    return payloads, titles
