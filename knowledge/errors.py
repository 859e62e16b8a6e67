"""The error root shared by every package of shenbao, and its typed children."""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "KnowledgeError",
    "NluUnavailableError",
    "ShenbaoError",
    "StorageUnavailableError",
    "UserInputError",
]


class ShenbaoError(Exception):
    """Root of all errors raised on purpose by shenbao."""


class KnowledgeError(ShenbaoError):
    """A data file under knowledge/ or nlu/ is invalid; names the file and the key."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        super().__init__(f"{file}: {key}: {problem}")
        self.file = file
        self.key = key
        self.problem = problem


class UserInputError(ShenbaoError):
    """Input from a user or a file that cannot be accepted; the message says why (in Chinese)."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


class ConfigError(ShenbaoError):
    """A setting in the environment or on the command line is invalid."""


class StorageUnavailableError(ShenbaoError):
    """The database cannot be reached right now; the caller should ask the user to try again."""


class StorageBusyError(ShenbaoError):
    """Another connection holds SQLite's write lock and the caller asked not to wait for it (the channels then
    run the turn where waiting blocks nothing). Not a failure: nothing was written."""


class NluUnavailableError(ShenbaoError):
    """The configured NLU engine cannot be reached."""
