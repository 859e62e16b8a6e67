"""Keeps bot tokens, webhook secrets and passwords out of every log line, error message and traceback: a
logging filter, and :func:`configured_secrets`, the secrets the environment holds, for what is printed."""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable, Mapping
from urllib.parse import unquote, urlsplit

__all__ = ["RedactingFilter", "configured_secrets", "install_redaction", "redact", "redacted_traceback"]

SECRET_VARIABLES = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET")
URL_VARIABLES = ("SHENBAO_SMTP_URL", "SHENBAO_DATABASE_URL")  # may carry user:password@

# Telegram bot tokens look like 123456789:AAH…; a URL of the Bot API carries one after /bot.
TOKEN_PATTERN = re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{20,}")
MASK = "***"


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return TOKEN_PATTERN.sub(MASK, text)


def configured_secrets(environ: Mapping[str, str]) -> tuple[str, ...]:
    """The secrets set in ``environ``: the bot token (and its part after the colon, which alone is the
    secret), the webhook secret and the passwords inside the SMTP and database URLs."""
    found: list[str] = []
    for name in SECRET_VARIABLES:
        value = environ.get(name, "").strip()
        found += [value, value.partition(":")[2]] if value else []
    for name in URL_VARIABLES:
        try:
            password = urlsplit(environ.get(name, "").strip()).password
        except ValueError:  # a malformed URL: its start-up check names it; nothing to hide here
            password = None
        found += [password, unquote(password)] if password else []
    return tuple(sorted({s for s in found if len(s) >= 4}, key=len, reverse=True))  # longest first


def redacted_traceback(exc: BaseException, secrets: Iterable[str] = ()) -> str:
    return redact("".join(traceback.format_exception(exc)), secrets)


class RedactingFilter(logging.Filter):
    """Renders the message (and traceback) early and masks secrets in it."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage(), self.secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"),
                                     self.secrets)
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        return True


def install_redaction(*secrets: str | None) -> RedactingFilter:
    """Add the filter to every handler of the root logger (records of all loggers pass there) and keep the
    HTTP client loggers, which print request URLs, at WARNING."""
    flt = RedactingFilter(s for s in secrets if s)
    for handler in logging.getLogger().handlers:
        handler.addFilter(flt)
    for name in ("httpx", "httpcore", "telegram.request"):
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger(name).level))
    return flt
