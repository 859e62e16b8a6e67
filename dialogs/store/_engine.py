"""Database engine, sessions and migrations: SQLite (WAL) by default, PostgreSQL by URL."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from platformdirs import user_data_dir
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import OperationalError as SAOperationalError
from sqlalchemy.orm import Session, sessionmaker

from knowledge.errors import StorageBusyError, StorageUnavailableError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 15_000  # a writer waits this long for another connection's write lock


def default_url() -> str:
    """``SHENBAO_DATABASE_URL``, else a SQLite file in the user's data directory."""
    url = os.environ.get("SHENBAO_DATABASE_URL", "").strip()
    if url:
        return url
    folder = Path(user_data_dir("shenbao", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'shenbao.db'}"


def _wal_mode(cur: Any) -> None:
    """Switch the file to WAL. On a new file several processes starting at once race for it, and SQLite answers
    "database is locked" at once, without its busy handler: retry until the busy timeout."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    _wal_mode(cur)
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten, not left in free pages (/forget)
    cur.close()
    dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN IMMEDIATE itself (see make_engine)


def driver_pragma(connection: Connection, pragma: str) -> None:
    """A SQLite PRAGMA straight on the driver's connection, outside any transaction (where SQLite ignores some,
    such as ``foreign_keys``)."""
    if connection.in_transaction():
        connection.commit()
    connection.connection.dbapi_connection.execute(f"PRAGMA {pragma}")  # type: ignore[union-attr]


def _busy_timeout(conn: Connection, milliseconds: int) -> None:
    """How long SQLite waits for another connection's write lock, on this connection (0: not at all)."""
    driver_pragma(conn, f"busy_timeout={milliseconds}")


def _sqlite_begin_immediate(dbapi_conn: Any) -> None:
    """The dialect's begin on SQLite: ``BEGIN IMMEDIATE`` on the driver's connection. As ``Dialect.do_begin`` it
    runs where SQLAlchemy begins every transaction (Core, ORM sessions, Alembic) and its errors are wrapped as
    any statement's. (A ``begin`` event listener did this before; but any connection event on the engine makes
    every statement, begin and commit dispatch the engine's events, and the statement ran through
    ``exec_driver_sql``: together about a tenth of a turn's database CPU.)"""
    cursor = dbapi_conn.cursor()
    try:
        cursor.execute("BEGIN IMMEDIATE")
    finally:
        cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        # SQLite locks the whole file: a deferred transaction that read before another committed cannot
        # write any more (SQLITE_BUSY_SNAPSHOT, a spurious "try again"). Take the write lock at BEGIN instead;
        # the driver's own transaction handling is switched off (isolation_level=None in the pragmas).
        engine.dialect.do_begin = _sqlite_begin_immediate  # type: ignore[method-assign,assignment]
        return engine
    # pre-ping: a connection cut while the database was away is replaced, so the service recovers by itself;
    # a bounded connect timeout: an unreachable database gives a prompt "try again", not a hung turn.
    connect_args = {"connect_timeout": 5} if url.startswith("postgresql") and "connect_timeout" not in url else {}
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, connect_args=connect_args)


class Store:
    """Owns the engine; ``with store.session() as s:`` commits on success and rolls back on error."""

    def __init__(self, url: str | None = None, *, migrate: bool = True) -> None:
        self.url = url or default_url()
        self.engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        if migrate:
            self.upgrade()

    def alembic_config(self) -> Config:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        cfg.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        cfg.attributes["engine"] = self.engine
        return cfg

    def upgrade(self, revision: str = "head") -> None:
        """Apply Alembic migrations up to ``revision`` (run automatically on start)."""
        try:
            command.upgrade(self.alembic_config(), revision)
        except SAOperationalError as exc:
            raise StorageUnavailableError(f"数据库无法连接：{exc.orig}") from exc

    def downgrade(self, revision: str) -> None:
        """Undo migrations down to ``revision`` (``base`` drops every table)."""
        try:
            command.downgrade(self.alembic_config(), revision)
        except SAOperationalError as exc:
            raise StorageUnavailableError(f"数据库无法连接：{exc.orig}") from exc

    def current_revision(self) -> str | None:
        """The revision the database is at (``None`` before the first migration)."""
        try:
            with self.engine.connect() as conn:
                return MigrationContext.configure(conn).get_current_revision()
        except SAOperationalError as exc:
            raise StorageUnavailableError(f"数据库无法连接：{exc.orig}") from exc

    def head_revision(self) -> str | None:
        """The newest revision in ``migrations/versions``."""
        return ScriptDirectory.from_config(self.alembic_config()).get_current_head()

    @contextmanager
    def session(self) -> Iterator[Session]:
        try:
            with self._sessions.begin() as session:
                yield session
        except OperationalError as exc:
            raise StorageUnavailableError("数据库暂时无法访问") from exc

    @contextmanager
    def transaction(self, *, wait: bool = True) -> Iterator[Connection]:
        """A connection in a transaction, committed on success and rolled back on error (Core statements).

        ``wait=False`` on SQLite: when another connection holds the write lock, raise StorageBusyError at
        BEGIN instead of waiting for it (up to the 15-s busy timeout), so that a caller on the event loop can
        hand the turn to a thread rather than stall every other request."""
        nowait = not wait and self.engine.dialect.name == "sqlite"
        try:
            with self.engine.connect() as conn:
                if nowait:
                    _busy_timeout(conn, 0)
                try:
                    with conn.begin():
                        yield conn
                finally:
                    if nowait:
                        _busy_timeout(conn, SQLITE_BUSY_TIMEOUT_MS)
        except OperationalError as exc:
            if nowait and getattr(exc.orig, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY:
                raise StorageBusyError("数据库正由另一连接写入") from exc
            raise StorageUnavailableError("数据库暂时无法访问") from exc

    def erase_traces(self) -> None:
        """After rows were deleted (``/forget``, the retention purge): on SQLite, copy the write-ahead log into
        the file and truncate it, so no copy of the deleted pages stays in ``-wal`` (``secure_delete`` has zeroed
        them in the file). PostgreSQL keeps dead rows until VACUUM: see the README."""
        if self.engine.dialect.name != "sqlite":
            return
        try:
            with self.engine.connect() as conn:
                driver_pragma(conn, "wal_checkpoint(TRUNCATE)")
        except OperationalError as exc:
            raise StorageUnavailableError("数据库暂时无法访问") from exc

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except OperationalError:
            return False

    def dispose(self) -> None:
        self.engine.dispose()
