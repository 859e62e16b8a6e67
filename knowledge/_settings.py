"""Numbers read from the environment (``SHENBAO_REMINDER_POLL``, ``SHENBAO_RASA_TIMEOUT``,
``SHENBAO_RETENTION_DAYS``…): one reader, so that every bad value is refused the same way, with a ConfigError
naming the variable, the unit and the value given."""

from __future__ import annotations

import math
import os

from knowledge.errors import ConfigError

__all__ = ["env_number"]


def env_number(name: str, default: float, *, unit: str = "秒数", integer: bool = False,
               maximum: float = math.inf) -> float:
    """The positive number in ``name`` (``default`` when unset or blank), at most ``maximum``; ``integer``
    refuses fractions. Anything else raises ConfigError."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    kind = "正整数" if integer else "正数"
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        raise ConfigError(f"{name} 应为{unit}（{kind}），当前为“{raw}”") from None
    if not 0 < value <= maximum:  # NaN fails this too
        limit = "" if maximum == math.inf else f"，不超过 {maximum:g}"
        raise ConfigError(f"{name} 应为{unit}（{kind}{limit}），当前为“{raw}”")
    return value
