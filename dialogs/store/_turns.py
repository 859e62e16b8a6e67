"""The statements of one turn, in SQLAlchemy Core: lock the user and read the dialogue state, then write it.

They run on every message, so they are built once (a prepared statement's cache key is computed once) and go
straight to the session's connection: no ORM loading, no unit-of-work flush. Turns of one user are serialized
by the first statement: an ``UPDATE`` of the user's row holds its row lock until the transaction ends on
PostgreSQL (several processes may share the database), and SQLite transactions take the write lock at BEGIN.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from dialogs.store.models import Base

__all__ = ["lock_user", "save_state"]

_users = Base.metadata.tables["users"]
_conversations = Base.metadata.tables["conversations"]

# The UPDATE locks the row and records the activity at once; a new user has no row to update yet.
_TOUCH = (update(_users)
          .where(_users.c.channel == bindparam("p_channel"), _users.c.external_id == bindparam("p_external_id"))
          .values(last_active_at=bindparam("p_now")).returning(_users.c.id))
# Read after the lock is held: on PostgreSQL a statement started before a parallel turn committed would see the
# state as it was before that turn (READ COMMITTED takes a snapshot per statement).
_STATE = select(_conversations.c.state_json).where(_conversations.c.user_id == bindparam("p_uid"))
_UPDATE_STATE = (update(_conversations).where(_conversations.c.user_id == bindparam("p_uid"))
                 .values(state_json=bindparam("p_state"), updated_at=bindparam("p_now")))
_INSERT_STATE = insert(_conversations).values(user_id=bindparam("p_uid"), state_json=bindparam("p_state"),
                                              updated_at=bindparam("p_now"))
# A parallel first message of the same user may create the row first: then ours does nothing. (Not an upsert on
# every turn: PostgreSQL would draw a value of the id sequence each time.)
_CREATE = {
    dialect: ins(_users).values(channel=bindparam("p_channel"), external_id=bindparam("p_external_id"),
                                created_at=bindparam("p_now"), last_active_at=bindparam("p_now"))
    .on_conflict_do_nothing(index_elements=["channel", "external_id"]).returning(_users.c.id)
    for dialect, ins in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}


def lock_user(conn: Connection, channel: str, external_id: str, now: datetime) -> tuple[int, str | None]:
    """The user's id (the row is created on first contact) and stored state JSON (None before the first turn
    was saved); the user's row stays locked and its ``last_active_at`` is ``now``."""
    key = {"p_channel": channel, "p_external_id": external_id, "p_now": now}
    user_id = conn.execute(_TOUCH, key).scalar()
    if user_id is None:
        created = conn.execute(_CREATE["postgresql" if conn.dialect.name == "postgresql" else "sqlite"], key).scalar()
        if created is not None:
            return int(created), None
        user_id = conn.execute(_TOUCH, key).scalar_one()  # a parallel first message created it: wait for its turn
    return int(user_id), conn.execute(_STATE, {"p_uid": user_id}).scalar()


def save_state(conn: Connection, user_id: int, state_json: str, now: datetime, *, exists: bool) -> None:
    """Write the user's dialogue state in the turn's transaction."""
    conn.execute(_UPDATE_STATE if exists else _INSERT_STATE, {"p_uid": user_id, "p_state": state_json, "p_now": now})
