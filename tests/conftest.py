"""Shared fixtures. ``store`` is a fresh database per test: a SQLite file, or — when
``SHENBAO_TEST_DATABASE_URL`` is set — a private schema in that PostgreSQL database. Tests that use it are
marked ``db`` automatically, so scripts/test.sh can run them again on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from dialogs.store import Store

PG_URL = os.environ.get("SHENBAO_TEST_DATABASE_URL", "")

# Property-based tests stay modest so `make test` stays fast; SHENBAO_HYPOTHESIS_EXAMPLES=2000 for a long hunt.
settings.register_profile("shenbao", max_examples=int(os.environ.get("SHENBAO_HYPOTHESIS_EXAMPLES", "60")),
                          deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                HealthCheck.too_slow])
settings.load_profile("shenbao")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "store" in getattr(item, "fixturenames", ()) or "db_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "db: uses the database (run on SQLite and on PostgreSQL)")


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database for this test only."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    schema = f"t_{uuid.uuid4().hex[:16]}"
    # NullPool: no connection of the fixture stays open; every engineer's run uses its own schemas, so
    # parallel runs on the shared database never touch each other's tables.
    admin = create_engine(PG_URL, poolclass=NullPool, connect_args={"connect_timeout": 10})
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as exc:
        pytest.fail(f"PostgreSQL at SHENBAO_TEST_DATABASE_URL is unreachable: {exc.orig}")
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            # a connection a test left inside a transaction must not hang the whole run
            conn.execute(text("SET LOCAL lock_timeout = '20s'"))
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url)
    yield s
    s.dispose()
