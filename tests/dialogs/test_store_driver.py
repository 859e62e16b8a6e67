"""The turn's statements run as driver SQL (``dialogs.store._driver``): what they store must be exactly what Core
stores (other code and Alembic read these columns), and their errors must stay SQLAlchemy's (SQLite and
PostgreSQL). On SQLite every transaction holds the write lock from its BEGIN (the dialect's begin)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Connection, event, insert
from sqlalchemy.exc import IntegrityError

from dialogs.store import Base, Store
from dialogs.store._turns import lock_user, record_unanswered, save_state
from knowledge.errors import StorageUnavailableError

# no microseconds (a format that drops ".000000" would differ), and one not in UTC (stored as given, as Core does)
MOMENTS = (datetime(2026, 11, 26, 9, 30, tzinfo=UTC), datetime(2026, 3, 1, 0, 0, 1, 25, tzinfo=UTC),
           datetime(2026, 11, 26, 17, 30, 0, 500000, tzinfo=timezone(timedelta(hours=8))))


def _row(conn: Connection, sql: str, key: object) -> tuple[object, ...]:
    """The values as the driver returns them: SQLite's stored text, PostgreSQL's timestamptz."""
    row = conn.exec_driver_sql(sql, (key,)).one() if conn.dialect.paramstyle == "qmark" else \
        conn.exec_driver_sql(sql.replace("?", "%s"), (key,)).one()
    return tuple(row)


@pytest.mark.parametrize("now", MOMENTS)
def test_values_are_stored_as_core_stores_them(store: Store, now: datetime) -> None:
    users, conversations = Base.metadata.tables["users"], Base.metadata.tables["conversations"]
    unanswered = Base.metadata.tables["unanswered_questions"]
    with store.transaction() as conn:
        uid, state = lock_user(conn, "web", "driver", now)
        save_state(conn, uid, '{"a": 1}', now, exists=state is not None)
        record_unanswered(conn, uid, "问题", "ask", 0.25, now)
        core = conn.execute(insert(users).values(channel="web", external_id="core", created_at=now,
                                                 last_active_at=now).returning(users.c.id)).scalar_one()
        conn.execute(insert(conversations).values(user_id=core, state_json='{"a": 1}', updated_at=now))
        conn.execute(insert(unanswered).values(user_id=core, text="问题", intent="ask", confidence=0.25,
                                               created_at=now))
        for sql in ("SELECT channel, created_at, last_active_at FROM users WHERE id = ?",
                    "SELECT state_json, updated_at FROM conversations WHERE user_id = ?",
                    "SELECT text, intent, confidence, created_at FROM unanswered_questions WHERE user_id = ?"):
            assert _row(conn, sql, uid) == _row(conn, sql, core), sql


def test_touch_reads_back_the_stored_state(store: Store) -> None:
    now = MOMENTS[0]
    with store.transaction() as conn:
        uid, state = lock_user(conn, "web", "again", now)
        assert state is None
        save_state(conn, uid, '{"n": 1}', now, exists=False)
    with store.transaction() as conn:
        assert lock_user(conn, "web", "again", now + timedelta(seconds=1)) == (uid, '{"n": 1}')
        assert _row(conn, "SELECT last_active_at FROM users WHERE id = ?", uid) != \
            _row(conn, "SELECT created_at FROM users WHERE id = ?", uid)


def test_driver_errors_are_sqlalchemy_errors(store: Store) -> None:
    with pytest.raises(IntegrityError), store.transaction() as conn:
        uid, _ = lock_user(conn, "web", "twice", MOMENTS[0])
        save_state(conn, uid, "{}", MOMENTS[0], exists=False)
        save_state(conn, uid, "{}", MOMENTS[0], exists=False)
    with store.transaction() as conn:  # rolled back as a whole: the user was not created either
        assert lock_user(conn, "web", "twice", MOMENTS[0])[1] is None


def _no_busy_wait(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.execute("PRAGMA busy_timeout=0")


def test_sqlite_transactions_hold_the_write_lock_from_begin(store: Store) -> None:
    if store.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's database lock")
    other = sqlite3.connect(str(store.engine.url.database), timeout=0, isolation_level=None)
    try:
        with store.transaction(), pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")  # nothing run yet in ours: the lock is already taken
        other.execute("BEGIN IMMEDIATE")  # released at commit; now the other connection holds it
        impatient = Store(store.url, migrate=False)
        event.listen(impatient.engine, "connect", _no_busy_wait)
        with pytest.raises(StorageUnavailableError), impatient.transaction():
            pass  # a BEGIN that finds the lock taken is a storage error, as any statement's
        impatient.dispose()
    finally:
        other.close()
