"""Alembic environment: uses the engine handed over by ``Store`` (or the URL in the config)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine, text

from dialogs.store.models import Base

config = context.config
target_metadata = Base.metadata


def _driver_pragma(connection: Connection, pragma: str) -> None:
    """Straight on the driver's connection, outside any transaction (where SQLite ignores it)."""
    if connection.in_transaction():
        connection.commit()
    connection.connection.dbapi_connection.execute(f"PRAGMA {pragma}")  # type: ignore[union-attr]


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # batch mode re-creates a table to alter it; with foreign keys on, dropping the old ``users``
            # would cascade and delete every user's rows. PRAGMA is a no-op inside a transaction: set it first.
            _driver_pragma(connection, "foreign_keys=OFF")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=sqlite,
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # processes starting together migrate one after the other (the lock ends with the transaction)
                connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('shenbao:' || current_schema()))"))
            context.run_migrations()
        connection.commit()
        if sqlite:
            _driver_pragma(connection, "foreign_keys=ON")


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
