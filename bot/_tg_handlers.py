"""The Telegram channel's handlers: every text goes through the same core as the other channels."""

from __future__ import annotations

import asyncio
import functools
import io
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from telegram import Bot, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot._core import CoreRunner, KeyedLocks
from bot._text import split_message, utf16_len
from bot._tg_keyboard import PayloadBook, keyboard
from dialogs import Attachment, Incoming, Reply
from knowledge import render

__all__ = ["ADMIN_COMMANDS", "BOT_COMMANDS", "CHANNEL", "TelegramChannel", "send_replies"]

log = logging.getLogger(__name__)
T = TypeVar("T")

CHANNEL = "telegram"
TELEGRAM_LIMIT = 4096
BOT_COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "开始使用申报助手"),
    ("help", "使用帮助"),
    ("selfcheck", "申报条件自测"),
    ("materials", "申请材料清单与准备进度"),
    ("deadline", "申报截止时间"),
    ("remind", "订阅截止日期提醒"),
    ("report", "查看自测报告"),
    ("forget", "删除我的全部数据"),
    ("privacy", "个人信息保护说明"),
    ("cancel", "取消当前操作"),
)
ADMIN_COMMANDS: tuple[tuple[str, str], ...] = (
    ("stats", "使用统计（管理员）"),
    ("export", "导出自测结果 CSV（管理员）"),
)
NON_TEXT_KINDS: tuple[tuple[str, str], ...] = (
    ("sticker", "贴纸"), ("photo", "图片"), ("voice", "语音"), ("audio", "音频"), ("video_note", "视频消息"),
    ("video", "视频"), ("animation", "动图"), ("document", "文件"), ("venue", "位置"), ("location", "位置"),
    ("contact", "联系人名片"), ("poll", "投票"), ("dice", "骰子"),
)
RETRY_DELAYS: tuple[float, ...] = (1.0, 2.0, 4.0)  # a send that fails (5xx, network, timeout) is tried 3 times more


async def retrying(call: Callable[[], Awaitable[T]]) -> T:
    """A Bot API call, tried again after a network error, a 5xx or a timeout. 429 is waited out by the rate
    limiter; 400 (BadRequest) is final. A timed-out send may have reached Telegram, so in that rare case the user
    sees a message twice — better than a missing question, which they would answer with their next message."""
    attempt = 0
    while True:
        try:
            return await call()
        except BadRequest:
            raise
        except NetworkError as exc:
            if attempt >= len(RETRY_DELAYS):
                raise
            log.warning("Telegram call failed (%s); trying again in %.0f s", exc, RETRY_DELAYS[attempt])
            await asyncio.sleep(RETRY_DELAYS[attempt])
            attempt += 1


async def send_replies(bot: Bot, chat_id: int | str, replies: Sequence[Reply], book: PayloadBook | None = None
                       ) -> list[Message]:
    """Send the core's replies: long texts split on paragraph boundaries, buttons under the last part,
    attachments as documents. Also used to push reminders."""
    book = book or PayloadBook()
    sent: list[Message] = []
    for reply in replies:
        chunks = split_message(reply.text, TELEGRAM_LIMIT) if reply.text.strip() else []
        if reply.buttons and not chunks:
            chunks = [render("channel/choose")]
        for i, chunk in enumerate(chunks):
            markup = keyboard(reply, book) if i == len(chunks) - 1 else None
            sent.append(await retrying(functools.partial(bot.send_message, chat_id, chunk, reply_markup=markup)))
        if reply.attachment is not None:
            sent.append(await retrying(functools.partial(_send_document, bot, chat_id, reply.attachment)))
    return sent


async def _send_document(bot: Bot, chat_id: int | str, att: Attachment) -> Message:
    return await bot.send_document(chat_id, document=io.BytesIO(att.content), filename=att.filename)


class TelegramChannel:
    """Handlers of one PTB Application, bound to the core runner."""

    def __init__(self, runner: CoreRunner) -> None:
        self.runner = runner
        self.book = PayloadBook()
        self._keyboard_locks = KeyedLocks()
        self._closed: dict[str, bool] = {}

    def install(self, app: Application) -> None:  # type: ignore[type-arg]
        commands = [name for name, _ in (*BOT_COMMANDS, *ADMIN_COMMANDS)]
        new = filters.UpdateType.MESSAGE
        app.add_handler(CommandHandler(commands, self.on_command, filters=new))
        app.add_handler(MessageHandler(new & filters.TEXT, self.on_text))
        app.add_handler(MessageHandler(new & ~filters.TEXT, self.on_non_text))
        app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, self.on_edited))
        app.add_handler(MessageHandler(filters.UpdateType.CHANNEL_POSTS, self.on_channel_post))
        app.add_handler(CallbackQueryHandler(self.on_button))
        app.add_error_handler(self.on_error)

    async def answer(self, bot: Bot, message: Message, user_id: int, text: str, update_id: int) -> None:
        turn = await self.runner.handle(Incoming(CHANNEL, str(user_id), text, key=f"u{update_id}",
                                                 private=message.chat.type == ChatType.PRIVATE))
        await self.deliver(bot, message.chat_id, turn.replies)

    async def deliver(self, bot: Bot, chat_id: int, replies: Sequence[Reply]) -> None:
        """Send the replies of a turn the core has processed and stored. When Telegram will not take them even
        after the retries, the loss is logged: the user is not asked to send the message again (it would be
        applied twice, e.g. as the answer to the next question)."""
        try:
            await send_replies(bot, chat_id, replies, self.book)
        except TelegramError as exc:
            log.error("Telegram reply to chat %s not delivered (%s: %s); the message itself was processed and "
                      "stored", chat_id, type(exc).__name__, exc, exc_info=True)

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """One of our commands (in a group PTB matched it only when it is for this bot)."""
        message, user = update.message, update.effective_user
        if message is not None and user is not None and message.text is not None:
            await self.answer(context.bot, message, user.id, message.text, update.update_id)

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.message, update.effective_user
        if message is None or user is None or message.text is None:
            return
        text = message.text
        if message.chat.type != ChatType.PRIVATE:
            addressed = addressed_text(message, context.bot)
            if addressed is None:
                return
            text = addressed
        await self.answer(context.bot, message, user.id, text, update.update_id)

    async def on_non_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None or message.chat.type != ChatType.PRIVATE:
            return
        kind = next((name for attr, name in NON_TEXT_KINDS if getattr(message, attr, None)), None)
        if kind is None:  # service messages (pins, chat changes…) need no answer
            return
        await message.reply_text(render("system/not_text", kind=kind))

    async def on_edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.edited_message
        if message is not None and message.chat.type == ChatType.PRIVATE and message.text:
            await message.reply_text(render("channel/edited"))

    async def on_channel_post(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.debug("ignoring a channel post in chat %s", update.effective_chat.id if update.effective_chat else "?")

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A button press is its payload sent as text. On a multi-select question the core answers with the
        same question (selection updated, ✓ on chosen titles): that answer replaces the question in place."""
        query = update.callback_query
        if query is None:
            return
        try:
            await query.answer()
        except TelegramError as exc:  # only stops the button's spinner; the press is still handled
            log.warning("could not answer a callback query: %s", exc)
        message = query.message
        if not isinstance(message, Message):  # too old: Telegram no longer shows it to the bot
            if message is not None:
                await context.bot.send_message(message.chat.id, render("channel/stale_button"))
            return
        title = button_title(message.reply_markup, query.data or "")
        payload, multi = self.book.read(query.data or "", title)
        key = f"{message.chat_id}:{message.message_id}"
        async with self._keyboard_locks.hold(key):
            if key in self._closed:  # a second tap on a keyboard already answered
                return
            turn = await self.runner.handle(Incoming(CHANNEL, str(query.from_user.id), payload, keyboard=key,
                                                     key=f"u{update.update_id}"))
            if multi and await self._update_in_place(message, turn.replies):
                return
            remember(self._closed, key, True)
            await self._close_keyboard(message, chosen_titles(message.reply_markup) if multi else title)
        await self.deliver(context.bot, message.chat_id, turn.replies)

    async def _update_in_place(self, message: Message, replies: Sequence[Reply]) -> bool:
        if len(replies) != 1 or not replies[0].multi_select or not replies[0].buttons:
            return False
        reply = replies[0]
        if utf16_len(reply.text) > TELEGRAM_LIMIT or not reply.text.strip():
            return False
        try:
            await message.edit_text(reply.text, reply_markup=keyboard(reply, self.book))
        except BadRequest as exc:  # "message is not modified": the same state again
            log.debug("multi-select question not edited: %s", exc)
        except TelegramError as exc:  # the selection is stored; the question shows it at the next change
            log.warning("multi-select question not edited: %s", exc)
        return True

    async def _close_keyboard(self, message: Message, shown: str) -> None:
        """Remove the keyboard and note the choice under the question, so the chat reads well later."""
        note = render("channel/chosen", choice=shown)
        text = f"{message.text}\n\n{note}" if message.text and shown else None
        try:
            if text is not None and utf16_len(text) <= TELEGRAM_LIMIT:
                await message.edit_text(text, reply_markup=None)
            else:
                await message.edit_reply_markup(reply_markup=None)
        except BadRequest as exc:  # e.g. "message is not modified" after a double tap
            log.debug("could not close a keyboard: %s", exc)
        except TelegramError as exc:  # cosmetic: the answer itself is sent next
            log.warning("could not close a keyboard: %s", exc)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("error while handling a Telegram update", exc_info=context.error)
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        if update.effective_chat.type != ChatType.PRIVATE:
            return
        try:
            await context.bot.send_message(update.effective_chat.id, render("channel/error"))
        except TelegramError:
            log.warning("could not tell the user about the error", exc_info=True)


def button_title(markup: InlineKeyboardMarkup | None, data: str) -> str:
    """The title of the button carrying ``data`` (without a ✓), or ``""``."""
    for row in markup.inline_keyboard if markup else ():
        for b in row:
            if b.callback_data == data:
                return b.text.removeprefix("✓").strip()
    return ""


def chosen_titles(markup: InlineKeyboardMarkup | None) -> str:
    """The ticked options of a multi-select keyboard, as the user reads them."""
    ticked = [b.text.removeprefix("✓").strip() for row in (markup.inline_keyboard if markup else ())
              for b in row if b.text.startswith("✓")]
    return "、".join(ticked)


def remember(book: dict[str, T], key: str, value: T, limit: int = 2000) -> None:
    """Store in a small insertion-ordered dict, dropping the oldest entry when full."""
    book.pop(key, None)
    if len(book) >= limit:
        book.pop(next(iter(book)))
    book[key] = value


def addressed_text(message: Message, bot: Bot) -> str | None:
    """In a group: the text without the bot's @mention when the message is addressed to the bot (a mention, or
    a reply to one of its messages), else ``None``."""
    text = message.text or ""
    username = (bot.username or "").lower()
    for entity in message.entities:
        part = message.parse_entity(entity)  # entity offsets count UTF-16 units: let PTB cut
        mentions_bot = (entity.type == MessageEntity.MENTION and part[1:].lower() == username) or (
            entity.type == MessageEntity.TEXT_MENTION and entity.user is not None and entity.user.id == bot.id)
        if mentions_bot:
            return text.replace(part, "", 1).strip()
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
        return text
    return None
