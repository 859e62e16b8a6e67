"""Core statements run as the driver's own SQL through ``exec_driver_sql``: compiled once per dialect, without a
Core statement's per-call work (compiled-cache lookup, execution context for a compiled statement, parameter
construction), which costs more than the driver's own call for the few small statements every turn runs. The
connection still wraps the driver's errors and invalidates a connection the database dropped, as for Core.

The schema stays defined once, in ``models``: the SQL text is what SQLAlchemy compiles for the connection's
dialect, and each parameter goes through its column type's bind processor, so values are stored exactly as
through Core (SQLite's DATETIME text, for one).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Dialect
from sqlalchemy.sql.expression import Executable

__all__ = ["DriverStatement", "run"]


@dataclass(frozen=True)
class _Compiled:
    """One statement's SQL for one dialect, with what binding its parameters needs."""

    sql: str
    order: tuple[str, ...] | None  # names in placeholder order for positional paramstyles (SQLite's ``?``)
    processors: tuple[tuple[str, Callable[[Any], Any]], ...]

    def params(self, values: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        bound = dict(values)
        for name, process in self.processors:
            bound[name] = process(bound[name])
        return bound if self.order is None else tuple(bound[name] for name in self.order)


def _compile(statement: Executable, dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
    processors = []
    for name, bind in compiled.binds.items():
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            processors.append((name, process))
    order = tuple(compiled.positiontup) if dialect.positional else None
    return _Compiled(compiled.string, order, tuple(processors))


class DriverStatement:
    """A Core statement, run through ``exec_driver_sql`` with its SQL compiled once per dialect."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._compiled: weakref.WeakKeyDictionary[Dialect, _Compiled] = weakref.WeakKeyDictionary()

    def compiled(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect)
        if found is None:
            found = self._compiled[dialect] = _compile(self.statement, dialect)
        return found


def run(conn: Connection, statement: DriverStatement, values: Mapping[str, Any]) -> Sequence[Any] | None:
    """Run ``statement`` on ``conn`` (errors are SQLAlchemy's, as with ``conn.execute``): its first row, if any.

    In the turn's transaction it runs on the driver's cursor itself: SQLAlchemy's execution of a driver statement
    (its execution context and result object) cost several times the driver's own call. A driver error goes
    through the connection's own handling, as from ``exec_driver_sql``: wrapped as SQLAlchemy's error, the
    connection invalidated when the database dropped it. Outside a transaction (none in the turn's code) the
    connection's ``exec_driver_sql`` begins one, as Core does."""
    compiled = statement.compiled(conn.dialect)
    params = compiled.params(values)
    if not conn.in_transaction():
        result = conn.exec_driver_sql(compiled.sql, params)
        return result.first() if result.returns_rows else None
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(compiled.sql, params)
        return cursor.fetchone() if cursor.description is not None else None
    except Exception as exc:
        conn._handle_dbapi_exception(exc, compiled.sql, params, cursor, None)  # raises SQLAlchemy's error
    finally:
        cursor.close()
