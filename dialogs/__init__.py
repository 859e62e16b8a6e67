"""The assistant core: conversation state, self-check, materials, reminders. No channel is known here.

``Assistant(store).handle(Incoming(channel, user_id, text)) -> Turn`` is the contract for channels.
"""

from dialogs._context import Context, Flow, Handler
from dialogs._registry import COMMANDS, FLOWS, INTENT_HANDLERS, intent_handler, register_flow
from dialogs._types import Attachment, Button, Incoming, Reply, Turn
from dialogs.assistant import MAX_MESSAGE_CHARS, Assistant, clean_text, utc_now
from dialogs.state import DialogState
from dialogs.store import Store

__all__ = [
    "COMMANDS",
    "FLOWS",
    "INTENT_HANDLERS",
    "MAX_MESSAGE_CHARS",
    "Assistant",
    "Attachment",
    "Button",
    "Context",
    "DialogState",
    "Flow",
    "Handler",
    "Incoming",
    "Reply",
    "Store",
    "Turn",
    "clean_text",
    "intent_handler",
    "register_flow",
    "utc_now",
]
