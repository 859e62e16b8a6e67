"""Materials checklist, deadlines and reminders. Importing this package registers its intent handlers
(materials_status, materials_update, deadline, publicity_end, remind_subscribe, remind_unsubscribe, own_deadline).

``Dispatcher(store, senders, clock)`` sends due reminders (``await dispatch_due()``, ``await run(stop_event)``)
through ``Sender`` implementations: ``OutboxSender`` (web page), ``EmailSender`` (SMTP) and, in bot/, Telegram.
"""

from dialogs.reminders import _deadlines, _materials, _own_dialog, _subscriptions  # noqa: F401  (register handlers)
from dialogs.reminders._catalog import Catalog, Material, Mention, build_catalog
from dialogs.reminders._dispatch import Claimed, Dispatcher, DispatchStats, Pacer
from dialogs.reminders._materials import done_keys, missing_materials, set_status
from dialogs.reminders._own import countdown, own_deadlines, sync_own_reminders
from dialogs.reminders._schedule import planned_slots, sync_reminders
from dialogs.reminders._senders import (
    DeliveryBlocked,
    DeliveryError,
    DeliveryRetryAfter,
    EmailSender,
    IdempotentSender,
    OutboxSender,
    Sender,
    take_outbox,
)
from dialogs.reminders._subscriptions import find_email

__all__ = [
    "Catalog",
    "Claimed",
    "DeliveryBlocked",
    "DeliveryError",
    "DeliveryRetryAfter",
    "DispatchStats",
    "Dispatcher",
    "EmailSender",
    "IdempotentSender",
    "Material",
    "Mention",
    "OutboxSender",
    "Pacer",
    "Sender",
    "build_catalog",
    "countdown",
    "done_keys",
    "find_email",
    "missing_materials",
    "own_deadlines",
    "planned_slots",
    "set_status",
    "sync_own_reminders",
    "sync_reminders",
    "take_outbox",
]
