"""Channels and entry points: Telegram, HTTP (REST and the web chat page), terminal, command line.
Only this package imports ``telegram``."""

__all__: list[str] = []
