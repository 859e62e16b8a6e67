"""``shenbao serve``: one process, one asyncio loop — the aiohttp site (web page, REST, parse, health, Telegram
webhook), Telegram polling when only a token is set, and background tasks; graceful shutdown on SIGTERM/SIGINT.

Features add background jobs by appending a factory to ``BACKGROUND_TASKS``: an async function taking
``(store, telegram_bot_or_None, stop_event)`` that returns when ``stop_event`` is set. HTTP endpoints are added
to ``EXTRA_ROUTES`` (see ``bot.http.create_app``).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web
from telegram import Bot

from bot._core import CoreRunner
from bot._cors import NO_CROSS_SITE, CorsPolicy
from bot._privacy_web import privacy_page, purge_task
from bot._reminders import outbox_route, reminder_dispatch_task
from bot.http import create_app
from bot.telegram import TelegramService, TelegramSettings
from dialogs import Assistant, Store
from knowledge._templates import compile_templates
from knowledge.errors import ConfigError
from nlu import ParseResult, get_engine

__all__ = ["BACKGROUND_TASKS", "EXTRA_ROUTES", "BackgroundTask", "ServeOptions", "run_server", "serve"]

log = logging.getLogger(__name__)

BackgroundTask = Callable[[Store, Bot | None, asyncio.Event], Awaitable[None]]
BACKGROUND_TASKS: list[BackgroundTask] = [reminder_dispatch_task]  # due reminders: Telegram, web outbox, e-mail
EXTRA_ROUTES: list[web.AbstractRouteDef] = [outbox_route]  # GET /outbox?sender=ID, polled by the web page
BACKGROUND_TASKS.append(purge_task)  # retention (SHENBAO_RETENTION_DAYS)
EXTRA_ROUTES.append(web.get("/privacy", privacy_page))  # the full text the first-contact notice points to


@dataclass
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8080
    database_url: str | None = None  # None: SHENBAO_DATABASE_URL, else SQLite in the user's data directory
    telegram: TelegramSettings | None = None
    shutdown_timeout: float = 15.0
    parser: Callable[[str], ParseResult] | None = None  # tests inject one
    background_tasks: list[BackgroundTask] = field(default_factory=lambda: list(BACKGROUND_TASKS))
    cors: CorsPolicy = NO_CROSS_SITE  # origins of other sites allowed to call the API (none by default)


@dataclass
class _Running:
    store: Store
    runner: CoreRunner
    web_runner: web.AppRunner
    telegram: TelegramService | None
    url: str


async def run_server(options: ServeOptions, stop: asyncio.Event,
                     on_ready: Callable[[str], None] | None = None) -> None:
    """Serve until ``stop`` is set, then shut down in order: stop taking new work, finish what is in flight,
    save and close."""
    running = await _start(options)
    tasks: list[asyncio.Task[None]] = []
    try:
        bot = running.telegram.bot if running.telegram else None
        tasks = [asyncio.create_task(_guard(f(running.store, bot, stop))) for f in options.background_tasks]
        if on_ready:
            on_ready(running.url)
        await stop.wait()
        log.info("stopping: finishing requests in flight")
    finally:
        stop.set()
        await _shutdown(running, tasks, options.shutdown_timeout)


async def _guard(job: Awaitable[None]) -> None:
    try:
        await job
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("a background task failed")


async def _start(options: ServeOptions) -> _Running:
    store = await asyncio.to_thread(Store, options.database_url)
    assistant = Assistant(store, parser=options.parser) if options.parser else Assistant(store)
    runner = CoreRunner(assistant)
    await _warm_up_nlu(runner, options)
    await _warm_up_templates(runner)
    tg = options.telegram
    telegram = TelegramService(runner, tg) if tg else None
    webhook = telegram is not None and tg is not None and bool(tg.webhook_url)
    app = create_app(assistant, store, runner=runner,
                     telegram_webhook=telegram.feed if telegram and webhook else None,
                     webhook_secret=tg.secret if tg and webhook else None, extra_routes=EXTRA_ROUTES,
                     cors=options.cors)
    web_runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=options.shutdown_timeout,
                               access_log=None)
    await web_runner.setup()
    _freeze_heap()
    try:
        site = web.TCPSite(web_runner, options.host, options.port)
        await site.start()
        if telegram is not None:
            await _start_telegram(telegram)
    except BaseException:
        await web_runner.cleanup()
        runner.close()
        store.dispose()
        raise
    return _Running(store, runner, web_runner, telegram, _url(web_runner, options.host))


async def _warm_up_nlu(runner: CoreRunner, options: ServeOptions) -> None:
    if options.parser is not None:
        return
    try:
        engine = await runner.call(get_engine)
        log.info("NLU engine: %s", engine.name)
    except Exception:
        log.exception("the NLU engine could not be loaded; /health answers 503")


async def _warm_up_templates(runner: CoreRunner) -> None:
    """Compile the reply templates at start, so that no turn pays for a template's first use."""
    try:
        await runner.call(compile_templates)
    except Exception:
        log.exception("a reply template could not be compiled; the replies that use it fail when rendered")


def _freeze_heap() -> None:
    """What start-up made (the NLU model, the knowledge, the compiled templates, the app) lives as long as the
    server: it is moved out of the garbage collector's reach (``gc.freeze``), so that a full collection during the
    turns does not walk it again. The replies are the same; only the collector's work per turn shrinks."""
    gc.collect()
    gc.freeze()


async def _start_telegram(telegram: TelegramService) -> None:
    try:
        await telegram.start()
    except Exception as exc:
        with contextlib.suppress(Exception):
            await telegram.stop()
        raise ConfigError(f"Telegram 无法启动（请检查 TELEGRAM_BOT_TOKEN 与 TELEGRAM_API_BASE_URL）：{exc}") from exc


def _url(web_runner: web.AppRunner, host: str) -> str:
    port = web_runner.addresses[0][1] if web_runner.addresses else 0
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    shown = f"[{shown}]" if ":" in shown else shown
    return f"http://{shown}:{port}/"


async def _shutdown(running: _Running, tasks: list[asyncio.Task[None]], timeout: float) -> None:
    telegram = running.telegram
    if telegram is not None and telegram.app.updater is not None and telegram.app.updater.running:
        await telegram.app.updater.stop()  # no new updates from polling
    await running.web_runner.cleanup()  # no new requests; those in flight finish (up to the timeout)
    if telegram is not None:
        await telegram.stop()  # queued and running updates finish
    if tasks:
        _done, pending = await asyncio.wait(tasks, timeout=timeout)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    await asyncio.to_thread(running.runner.close)  # turns on worker threads finish and commit
    running.store.dispose()
    log.info("stopped")


def serve(options: ServeOptions) -> int:
    """Run until SIGTERM or SIGINT; exit status 0 after a clean shutdown. (The CLI has masked every configured
    secret, the bot token and webhook secret included, in the log before this runs.)"""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await run_server(options, stop, on_ready=_announce)

    asyncio.run(main())
    return 0


def _announce(url: str) -> None:
    print(f"申报助手已启动，请在浏览器中打开：{url}\nshenbao is running at {url} (Ctrl+C to stop)", flush=True)


