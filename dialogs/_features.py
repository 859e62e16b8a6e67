"""Imports every feature module so that it registers its handlers and flows (see ``_registry``).
Add one line per feature module."""

from __future__ import annotations

from dialogs import (
    admin,  # noqa: F401
    control,  # noqa: F401  (/cancel of any flow)
    privacy,  # noqa: F401
    qa,  # noqa: F401
    reminders,  # noqa: F401  (materials checklist, deadlines, reminders)
)
from dialogs.selfcheck import _handlers as _selfcheck  # noqa: F401
