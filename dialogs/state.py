"""Per-user conversation state, persisted as JSON after every turn."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

STATE_VERSION = 1
KEPT_KEYBOARDS = 20
KEPT_KEYS = 50


@dataclass
class DialogState:
    """What the assistant remembers of one user between turns.

    ``flow`` names the active multi-turn flow (``None`` when idle); ``step`` is the pending question of
    that flow; ``slots`` holds the flow's data (for the self-check: the profile collected so far).
    ``memory`` is what the conversation has established beyond any flow, kept when a flow ends: ``topic`` (the
    intent of the last question answered, for follow-ups such as "那培训服务呢"), ``role`` (the user speaks for a
    recommending body or an applicant), ``facts`` (profile values said outside the self-check, used when it starts).
    """

    flow: str | None = None
    step: str | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)
    privacy_notice_shown: bool = False
    answered_keyboards: list[str] = field(default_factory=list)  # the latest keyboards answered (see Incoming)
    seen_keys: list[str] = field(default_factory=list)  # the latest deliveries processed (see Incoming)
    memory: dict[str, Any] = field(default_factory=dict)
    version: int = STATE_VERSION

    def to_json(self) -> str:
        # the fields as they are (asdict would deep-copy the slots first, only for json to walk them again)
        fields = {name: getattr(self, name) for name in self.__dataclass_fields__}
        return json.dumps(fields, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str | None) -> DialogState:
        if not raw:
            return cls()
        data = json.loads(raw)
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def known_facts(self) -> dict[str, Any]:
        """What is known of the user's organisation: the facts said outside the self-check, overridden by the answers
        of the self-check under way (its ``slots["profile"]``)."""
        profile = self.slots.get("profile")
        return {**(self.memory.get("facts") or {}), **(profile if isinstance(profile, dict) else {})}

    def keyboard_answered(self, keyboard: str) -> None:
        self.answered_keyboards = [*(k for k in self.answered_keyboards if k != keyboard), keyboard][-KEPT_KEYBOARDS:]

    def delivery_seen(self, key: str) -> None:
        self.seen_keys = [*self.seen_keys, key][-KEPT_KEYS:]

    def reset_flow(self) -> None:
        self.flow = None
        self.step = None
        self.slots = {}
        self.history = []
