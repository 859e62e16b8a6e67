"""``/cancel``: leaves whatever multi-turn flow is active (self-check, a materials confirmation, an e-mail
address question); with none active it says so."""

from __future__ import annotations

from dialogs._context import Context
from dialogs._registry import intent_handler
from dialogs._types import Reply
from knowledge import render

# a flow with a reply of its own for being cancelled; the others get the general one
_CANCELLED_TEMPLATES = {"selfcheck": "selfcheck_dialog/cancelled"}


@intent_handler("cancel")
def cancel(ctx: Context) -> list[Reply]:
    flow = ctx.state.flow
    if flow is None:
        return [Reply(render("system/nothing_to_cancel"))]
    ctx.state.reset_flow()
    return [Reply(render(_CANCELLED_TEMPLATES.get(flow, "system/cancelled")))]
