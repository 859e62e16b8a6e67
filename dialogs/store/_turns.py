"""The database side of one turn: lock the user and read the dialogue state, then write it, in SQLAlchemy Core
on the turn's connection; an ORM session on that connection only for the handlers that ask for one.

These statements run on every message, so they are built once and run as the driver's SQL, compiled once per
dialect (``_driver``): no ORM loading, no unit-of-work flush, no per-call work of SQLAlchemy's execution. Turns of
one user are serialized by the first statement: an ``UPDATE`` of the user's row holds its row lock until the
transaction ends on PostgreSQL (several processes may share the database), and SQLite transactions take the write
lock at BEGIN.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

from sqlalchemy import (
    Connection,
    DateTime,
    Float,
    Integer,
    Text,
    bindparam,
    func,
    insert,
    inspect,
    literal_column,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm import Session, make_transient_to_detached

from dialogs.store._driver import DriverStatement, run
from dialogs.store.models import Base, User

__all__ = ["TurnStore", "lock_user", "record_unanswered", "save_state"]

_users = Base.metadata.tables["users"]
_conversations = Base.metadata.tables["conversations"]
_unanswered = Base.metadata.tables["unanswered_questions"]

# The UPDATE locks the row and records the activity at once; a new user has no row to update yet.
_TOUCH_ROW = (update(_users)
              .where(_users.c.channel == bindparam("p_channel"), _users.c.external_id == bindparam("p_external_id"))
              .values(last_active_at=bindparam("p_now")))
_TOUCH = DriverStatement(_TOUCH_ROW.returning(_users.c.id))
# Read after the lock is held: on PostgreSQL a statement started before a parallel turn committed would see the
# state as it was before that turn (READ COMMITTED takes a snapshot per statement).
_STATE = DriverStatement(select(_conversations.c.state_json).where(_conversations.c.user_id == bindparam("p_uid")))
# SQLite holds the database's write lock from BEGIN IMMEDIATE on: nothing can change between the two, so one
# statement does both. (Written out: SQLAlchemy drops the table names of columns in RETURNING.)
_TOUCH_AND_STATE = DriverStatement(_TOUCH_ROW.returning(_users.c.id, literal_column(
    "(SELECT conversations.state_json FROM conversations WHERE conversations.user_id = users.id)", Text)))
_UPDATE_STATE = DriverStatement(update(_conversations).where(_conversations.c.user_id == bindparam("p_uid"))
                                .values(state_json=bindparam("p_state"), updated_at=bindparam("p_now")))
_INSERT_STATE = DriverStatement(insert(_conversations).values(
    user_id=bindparam("p_uid"), state_json=bindparam("p_state"), updated_at=bindparam("p_now")))
# A parallel first message of the same user may create the row first: then ours does nothing. (Not an upsert on
# every turn: PostgreSQL would draw a value of the id sequence each time.)
_CREATE = {
    dialect: DriverStatement(ins(_users).values(channel=bindparam("p_channel"), external_id=bindparam("p_external_id"),
                                                created_at=bindparam("p_now"), last_active_at=bindparam("p_now"))
                             .on_conflict_do_nothing(index_elements=["channel", "external_id"]).returning(_users.c.id))
    for dialect, ins in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}


def _touch(conn: Connection, key: dict[str, object]) -> tuple[int, str | None] | None:
    """Lock and touch an existing user's row: its id and state, or None when there is no such user yet."""
    if conn.dialect.name == "sqlite":
        row = run(conn, _TOUCH_AND_STATE, key)
        return None if row is None else (int(row[0]), row[1])
    touched = run(conn, _TOUCH, key)
    return None if touched is None else (int(touched[0]), _state(conn, touched[0]))


def _state(conn: Connection, user_id: int) -> str | None:
    row = run(conn, _STATE, {"p_uid": user_id})
    return None if row is None else row[0]


def lock_user(conn: Connection, channel: str, external_id: str, now: datetime) -> tuple[int, str | None]:
    """The user's id (the row is created on first contact) and stored state JSON (None before the first turn
    was saved); the user's row stays locked and its ``last_active_at`` is ``now``."""
    key = {"p_channel": channel, "p_external_id": external_id, "p_now": now}
    found = _touch(conn, key)
    if found is not None:
        return found
    created = run(conn, _CREATE["postgresql" if conn.dialect.name == "postgresql" else "sqlite"], key)
    if created is not None:
        return int(created[0]), None
    touched = run(conn, _TOUCH, key)  # a parallel first message created it: wait for its turn
    if touched is None:
        raise NoResultFound("No row was found when one was required")
    return int(touched[0]), _state(conn, touched[0])


def save_state(conn: Connection, user_id: int, state_json: str, now: datetime, *, exists: bool) -> None:
    """Write the user's dialogue state in the turn's transaction."""
    run(conn, _UPDATE_STATE if exists else _INSERT_STATE, {"p_uid": user_id, "p_state": state_json, "p_now": now})


UNANSWERED_CHARS = 1000  # of one question kept
UNANSWERED_PER_DAY = 30  # questions kept per user in 24 hours: a flood of nonsense fills no disk
_KEPT_TODAY = (select(func.count()).select_from(_unanswered)
               .where(_unanswered.c.user_id == bindparam("p_uid"), _unanswered.c.created_at >= bindparam("p_since"))
               .scalar_subquery())
# one statement: the row is written only while the user's count of the last 24 hours is under the cap
_RECORD_UNANSWERED = DriverStatement(insert(_unanswered).from_select(
    ["user_id", "text", "intent", "confidence", "created_at"],
    select(bindparam("p_uid", type_=Integer), bindparam("p_text", type_=Text), bindparam("p_intent", type_=Text),
           bindparam("p_confidence", type_=Float), bindparam("p_now", type_=DateTime(timezone=True)))
    .where(bindparam("p_cap", type_=Integer) > _KEPT_TODAY)))


def record_unanswered(conn: Connection, user_id: int, text: str, intent: str, confidence: float,
                      now: datetime) -> None:
    """A question the assistant could not answer, for ``shenbao admin unanswered``: its first 1,000 characters,
    at most 30 a day per user."""
    run(conn, _RECORD_UNANSWERED, {"p_uid": user_id, "p_text": text[:UNANSWERED_CHARS], "p_intent": intent,
                                   "p_confidence": confidence, "p_now": now, "p_since": now - timedelta(days=1),
                                   "p_cap": UNANSWERED_PER_DAY})


class TurnStore:
    """The database of one turn: its connection (in a transaction, holding the user's lock) and, made only when
    a handler asks for them, an ORM session joined to that transaction and the user as an ORM object."""

    def __init__(self, conn: Connection, user_id: int, channel: str, external_id: str, now: datetime) -> None:
        self.conn = conn
        self.user_id = user_id
        self._user_values = {"channel": channel, "external_id": external_id, "last_active_at": now}

    @functools.cached_property
    def session(self) -> Session:
        # The transaction stays the turn's: the session's flushes join it, and it never commits it.
        return Session(bind=self.conn, join_transaction_mode="rollback_only", expire_on_commit=False)

    @functools.cached_property
    def user(self) -> User:
        """The user's row, known without loading it (``/forget`` deletes it through the session)."""
        user = User(id=self.user_id, **self._user_values)
        make_transient_to_detached(user)
        self.session.add(user)
        return user

    @property
    def has_session(self) -> bool:
        """Whether a handler has asked for the ORM session this turn (it may hold changes not yet flushed)."""
        return "session" in self.__dict__

    @property
    def user_deleted(self) -> bool:
        return "user" in self.__dict__ and inspect(self.user).was_deleted

    def flush(self) -> None:
        """Write what the handlers left in the session (before the transaction commits)."""
        if "session" in self.__dict__:
            self.session.flush()

    def close(self) -> None:
        if "session" in self.__dict__:
            self.session.close()
