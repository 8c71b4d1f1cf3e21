"""The few statement calls every store's query modules are written against: run one,
fetch one row, all rows or one value. Each store supplies its own (SQLite's `Conn`,
PostgreSQL's `PgConn`), so query classes whose SQL both databases understand are shared
(the PostgreSQL store subclasses the SQLite ones and overrides only what differs).

SQL is written with `?` placeholders; the PostgreSQL side numbers them ($1, $2, ...)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from webinar.store.interface import Row

Params = Sequence[Any]


class Statements(Protocol):
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement; the number of rows it changed."""
        ...

    async def execute_bulk(self, sql: str, params: Params = ()) -> int:
        """`execute` for a statement that may change many rows (a whole event's pending
        mail, a batch of a backfill): never run on the event loop's own thread."""
        ...

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...

    async def returning(self, sql: str, params: Params = ()) -> Row:
        """The one row an INSERT/UPDATE ... RETURNING statement that must match gives."""
        ...

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def fetchval(self, sql: str, params: Params = ()) -> Any: ...

    async def fetchcolumn(self, sql: str, params: Params = ()) -> list[Any]:
        """The first column of every row (long lists, without a dict a row)."""
        ...

    async def fetchall_tuples(self, sql: str, params: Params = ()) -> list[tuple]:
        """Rows as plain tuples in the order of the columns selected (reads of hundreds
        of thousands of rows)."""
        ...
