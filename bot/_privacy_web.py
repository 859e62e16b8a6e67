"""Privacy in ``shenbao serve``: the retention purge as a background task, and the full privacy text at
``GET /privacy`` (the first-contact notice points to it)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiohttp import web
from telegram import Bot

from dialogs import Store, utc_now
from dialogs.privacy import privacy_text, purge_inactive, retention_days

__all__ = ["PURGE_INTERVAL_SECONDS", "privacy_page", "purge_task"]

log = logging.getLogger(__name__)
PURGE_INTERVAL_SECONDS = 6 * 3600.0


async def purge_task(store: Store, _bot: Bot | None, stop: asyncio.Event,
                     interval: float = PURGE_INTERVAL_SECONDS) -> None:
    """Delete users inactive beyond the retention period at start and then every ``interval`` seconds; a
    database outage only delays it to the next round."""
    days = retention_days()
    while not stop.is_set():
        try:
            removed = await asyncio.to_thread(purge_inactive, store, now=utc_now(), days=days)
            if removed:
                log.info("retention: deleted %d users inactive for more than %d days", removed, days)
        except Exception:
            log.exception("retention purge failed; retrying at the next round")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)


async def privacy_page(_request: web.Request) -> web.Response:
    return web.Response(text=privacy_text(), content_type="text/plain", charset="utf-8")
