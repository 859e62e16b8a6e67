"""The schema comes only from Alembic migrations: one head, models and migrations agree (no drift), every
migration can be undone, and ``shenbao db`` drives them. Runs on SQLite and (``db`` marker) PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, MetaData, String, func, inspect, select

from bot.cli import main
from dialogs.store import Base, Conversation, Store
from dialogs.store._engine import MIGRATIONS_DIR

ROOT = Path(__file__).resolve().parents[2]


def drift(store: Store, metadata: MetaData = Base.metadata) -> list[Any]:
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
        return list(compare_metadata(ctx, metadata))


def schema(store: Store) -> dict[str, Any]:
    """Tables, columns, indexes and foreign keys as plain data, for before/after comparisons."""
    insp = inspect(store.engine)
    out: dict[str, Any] = {}
    for table in sorted(insp.get_table_names()):
        if table == "alembic_version":
            continue
        out[table] = {
            "columns": sorted((c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns(table)),
            "indexes": sorted((i["name"], tuple(i["column_names"])) for i in insp.get_indexes(table)),
            "fks": sorted((tuple(f["constrained_columns"]), f["referred_table"], str(f.get("options")))
                          for f in insp.get_foreign_keys(table)),
        }
    return out


def test_there_is_exactly_one_head(store: Store) -> None:
    heads = ScriptDirectory.from_config(store.alembic_config()).get_heads()
    assert len(heads) == 1, f"several Alembic heads {heads}: set down_revision to the current head"


def test_models_and_migrations_agree(store: Store) -> None:
    assert drift(store) == [], "a model changed without a migration (or the reverse)"


def test_a_model_column_without_migration_is_detected(store: Store) -> None:
    changed = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["users"].append_column(Column("nickname", String(40)))
    found = drift(store, changed)
    assert [d[0] for d in found] == ["add_column"] and found[0][3].name == "nickname"


def test_every_migration_is_reversible(db_url: str) -> None:
    store = Store(db_url, migrate=False)
    script = ScriptDirectory.from_config(store.alembic_config())
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    before = schema(store)
    for rev in revisions:
        store.upgrade(rev)
        after_up = schema(store)
        store.downgrade("-1")
        assert schema(store) == before, f"downgrade of {rev} does not restore the schema"
        store.upgrade(rev)
        assert schema(store) == after_up
        before = after_up
    store.downgrade("base")
    assert schema(store) == {}
    store.upgrade()
    assert drift(store) == []
    store.dispose()


def test_cli_db_upgrade_and_current(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "--database-url", db_url, "current"]) == 0
    assert "base" in capsys.readouterr().out
    assert main(["db", "--database-url", db_url, "upgrade"]) == 0
    head = Store(db_url, migrate=False).head_revision()
    assert f"upgraded to: {head}" in capsys.readouterr().out
    assert main(["db", "--database-url", db_url, "current"]) == 0
    assert capsys.readouterr().out.strip() == f"{head}（最新 / up to date）"


def test_cli_db_reports_an_unreachable_database(capsys: pytest.CaptureFixture[str]) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2"
    assert main(["db", "--database-url", url, "upgrade"]) == 1
    assert "数据库无法连接" in capsys.readouterr().err


LATER_MIGRATION = '''
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("nickname", sa.String(40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("nickname")
'''


def test_a_later_migration_altering_users_keeps_every_users_rows(store: Store, tmp_path: Path) -> None:
    """On SQLite, altering ``users`` re-creates the table; that must not cascade into the other tables."""
    from dialogs import Assistant, Incoming

    Assistant(store).handle(Incoming("web", "keep-me", "/privacy"))
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "9999_later.py").write_text(LATER_MIGRATION.format(head=store.head_revision()))
    cfg = store.alembic_config()
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join([str(MIGRATIONS_DIR / "versions"), str(versions)]))
    command.upgrade(cfg, "9999")
    command.downgrade(cfg, "-1")
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Conversation)) == 1
    with store.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1, "foreign keys are on again"



STARTER = """
import os, sys, time
from sqlalchemy import Engine, event
from dialogs.store import Store
# a busy host: each process is held up a moment before each of its transactions (as when it loses the CPU), so
# a migration that is not one locked sequence is interleaved with another process every run, not 1 run in 10
event.listen(Engine, "begin", lambda _conn: time.sleep(0.05))
print("ready", flush=True)
while not os.path.exists(sys.argv[2]):
    time.sleep(0.001)
store = Store(sys.argv[1])
print(store.current_revision(), flush=True)
store.dispose()
"""


def test_processes_starting_at_once_on_an_empty_database_all_come_up(db_url: str, tmp_path: Path) -> None:
    """Several ``shenbao serve`` started together (systemd, a deploy) all migrate on start: one does the work, the
    others wait for it and find the schema at head, instead of failing on a table the first has just created."""
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", STARTER, db_url, str(go)], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    assert [p.stdout.readline().strip() for p in procs if p.stdout] == ["ready"] * len(procs)
    go.touch()  # all at once, as far as the database can tell
    results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    head = Store(db_url, migrate=False)
    assert [(code, out.strip()) for code, out, _err in results] == [(0, head.head_revision())] * len(procs), \
        [err[-800:] for _code, _out, err in results]
    head.dispose()
