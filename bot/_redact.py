"""A logging filter that keeps bot tokens and webhook secrets out of every log line, tracebacks included."""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable

__all__ = ["RedactingFilter", "install_redaction", "redact"]

# Telegram bot tokens look like 123456789:AAH…; a URL of the Bot API carries one after /bot.
TOKEN_PATTERN = re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{20,}")
MASK = "***"


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return TOKEN_PATTERN.sub(MASK, text)


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
