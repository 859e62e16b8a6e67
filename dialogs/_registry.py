"""Where features register their intent handlers, flows and slash commands."""

from __future__ import annotations

from collections.abc import Callable

from dialogs._context import Context, Flow, Handler

INTENT_HANDLERS: dict[str, Handler] = {}
FLOWS: dict[str, Flow] = {}
# Called after a message that no flow was waiting for has been answered (e.g. to remember the facts it gave).
OBSERVERS: list[Callable[[Context], None]] = []
# Slash commands (Telegram, web, terminal) map to intents: "/selfcheck" -> "selfcheck_start".
COMMANDS: dict[str, str] = {
    "/start": "greet",
    "/help": "help",
    "/selfcheck": "selfcheck_start",
    "/report": "selfcheck_result",
    "/materials": "materials_status",
    "/deadline": "deadline",
    "/remind": "remind_subscribe",
    "/forget": "forget_me",
    "/cancel": "cancel",
    "/privacy": "privacy_policy",  # command-only intents (not in intents.yml): privacy_policy, admin_*
    "/stats": "admin_stats",
    "/export": "admin_export",
}


def intent_handler(*intents: str) -> Callable[[Handler], Handler]:
    """Decorator: ``@intent_handler("condition_assets", ...)`` registers a handler for those intents."""

    def wrap(fn: Handler) -> Handler:
        for name in intents:
            INTENT_HANDLERS[name] = fn
        return fn

    return wrap


def observer(fn: Callable[[Context], None]) -> Callable[[Context], None]:
    """Decorator: ``@observer`` registers a function that sees every message answered outside a flow."""
    OBSERVERS.append(fn)
    return fn


def register_flow(flow: Flow) -> Flow:
    FLOWS[flow.name] = flow
    return flow


