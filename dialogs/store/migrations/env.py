"""Alembic environment: uses the engine handed over by ``Store`` (or the URL in the config)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

from dialogs.store._engine import driver_pragma, make_engine
from dialogs.store.models import Base

config = context.config
target_metadata = Base.metadata


def _lock_out_other_migrators(connection: Connection) -> None:
    """Processes starting together on one database (systemd, a deploy) migrate one after the other: each reads
    the revision, applies the steps and stamps them under one lock, so the later ones find the schema at head.
    Both locks are taken inside the one transaction of ``begin_transaction`` and end with it. On PostgreSQL it is
    an advisory lock. On SQLite it is the write lock, already held from the engine's ``BEGIN IMMEDIATE``
    (``make_engine``); the others wait on it (busy timeout). This holds only because ``transactional_ddl`` is
    set: Alembic's SQLite default commits after each step, and a process that had read the revision between two
    steps would apply the next step again ("table … already exists")."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('shenbao:' || current_schema()))"))


def run_migrations_online() -> None:
    # make_engine, not create_engine: on SQLite its BEGIN IMMEDIATE is the migration lock
    engine = config.attributes.get("engine") or make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # batch mode re-creates a table to alter it; with foreign keys on, dropping the old ``users``
            # would cascade and delete every user's rows. PRAGMA is a no-op inside a transaction: set it first.
            driver_pragma(connection, "foreign_keys=OFF")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=sqlite,
            transactional_ddl=True,  # one transaction for every step, on SQLite too: see _lock_out_other_migrators
        )
        with context.begin_transaction():
            _lock_out_other_migrators(connection)
            context.run_migrations()
        connection.commit()
        if sqlite:
            driver_pragma(connection, "foreign_keys=ON")


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
