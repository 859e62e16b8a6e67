"""The terminal channel: a conversation with the same ``Assistant`` as Telegram and the web, one local user.

Buttons are printed as numbered choices; typing the number sends the button's payload (several numbers,
e.g. ``1 3``, for a multi-select question send the chosen payloads joined by “、”). ``/help`` and ``/quit``
work at any time; readline gives line editing and history when the terminal is interactive.
"""

from __future__ import annotations

import contextlib
import logging
import re
import sys
from collections.abc import Callable
from typing import TextIO

from dialogs import Assistant, Button, Incoming, Reply, Turn
from knowledge.errors import ShenbaoError

__all__ = ["CHANNEL", "LOCAL_USER", "TerminalChat"]

CHANNEL = "cli"
LOCAL_USER = "cli"
QUIT = frozenset({"/quit", "/exit", "/q", "退出"})
WELCOME = "申报助手（终端）。请输入您的问题后回车；输入 /help 查看功能，/quit 退出。"
HINT = "在终端中：输入选项前的编号即可选择，输入 /quit 退出。"
GOODBYE = "再见，祝您申报顺利！"
_NUMBERS = re.compile(r"^\d+(?:[\s,，、]+\d+)*$")

log = logging.getLogger(__name__)


class TerminalChat:
    """Reads lines, sends them to the assistant as the local user, prints the replies."""

    def __init__(self, assistant: Assistant, *, read: Callable[[str], str] = input, out: TextIO = sys.stdout,
                 interactive: bool = True, user_id: str = LOCAL_USER) -> None:
        self.assistant = assistant
        self.read = read
        self.out = out
        self.interactive = interactive
        self.user_id = user_id
        self.choices: tuple[Button, ...] = ()
        self.multi = False

    def run(self) -> int:
        self.say(WELCOME)
        while True:
            try:
                line = self.read("您：" if self.interactive else "")
            except EOFError:
                break
            except KeyboardInterrupt:
                self.say("")
                break
            text = line.strip()
            if not self.interactive:
                self.say(f"您：{text}")
            if text.lower() in QUIT:
                break
            self.turn(self.resolve(text))
            if text.lower() == "/help":
                self.say(HINT)
        self.say(GOODBYE)
        return 0

    def resolve(self, text: str) -> str:
        """A number (or several, for a multi-select question) picks the offered choices."""
        if not self.choices or not _NUMBERS.match(text):
            return text
        picks = [int(n) for n in re.findall(r"\d+", text)]
        if not all(1 <= n <= len(self.choices) for n in picks) or (len(picks) > 1 and not self.multi):
            return text
        return "、".join(self.choices[n - 1].payload for n in picks)

    def turn(self, text: str) -> None:
        try:
            turn = self.assistant.handle(Incoming(CHANNEL, self.user_id, text))
        except ShenbaoError as exc:
            self.say(f"助手：抱歉，{exc}")
            return
        except Exception as exc:  # the channel's central handler: the conversation goes on
            log.error("terminal turn failed: %s: %s", type(exc).__name__, exc)
            self.say("助手：抱歉，系统处理您的消息时出错了，请再试一次。")
            return
        self.show(turn)

    def show(self, turn: Turn) -> None:
        offered = [r for r in turn.replies if r.buttons]
        self.choices = offered[-1].buttons if offered else ()
        self.multi = bool(offered and offered[-1].multi_select)
        for reply in turn.replies:
            self.say(self.format(reply))

    def format(self, reply: Reply) -> str:
        lines = [f"助手：{reply.text}"]
        if reply.buttons:
            lines += [f"  {i}. {b.title}" for i, b in enumerate(reply.buttons, 1)]
            if reply.multi_select:
                lines.append("  （可多选：输入多个编号，用空格分隔）")
        if reply.attachment is not None:
            lines.append(f"  〔附件：{reply.attachment.filename}，终端中不显示〕")
        return "\n".join(lines) + "\n"

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)


def enable_line_editing() -> None:
    """readline editing and history for ``input`` (absent on some platforms: then plain input)."""
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (importing it is what enables editing for input())
