"""asyncpg statements: the same calls as the SQLite store's `Conn` (see
webinar.store.statements), on one connection (a transaction's) or on the pool (each
statement on whichever connection is free, autocommit: the store's committed reads).

The shared SQL is written with `?` placeholders; `numbered` turns them into $1, $2, ...
once per statement text. Rows come back as plain dicts, constraint violations as the
store's own UniqueViolation, like the SQLite side."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

import asyncpg

from webinar.store.errors import UniqueViolation
from webinar.store.interface import Row
from webinar.store.statements import Params


@functools.lru_cache(maxsize=1024)
def numbered(sql: str) -> str:
    """`?` placeholders as PostgreSQL's $1, $2, ...; a `?` inside a quoted literal or
    identifier stays as it is."""
    out: list[str] = []
    quote: str | None = None
    n = 0
    for char in sql:
        if quote:
            if char == quote:
                quote = None
        elif char in ("'", '"'):
            quote = char
        elif char == "?":
            n += 1
            out.append(f"${n}")
            continue
        out.append(char)
    return "".join(out)


def _count(status: str) -> int:
    """The row count of a command status such as 'UPDATE 3' or 'INSERT 0 1'."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class PgConn:
    """Statements on one asyncpg connection, or on a pool (`asyncpg.Pool` has the same
    execute/fetch calls and takes a free connection for each)."""

    def __init__(self, conn: asyncpg.Connection | asyncpg.Pool):
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        try:
            status = await self._conn.execute(numbered(sql), *params)
        except asyncpg.IntegrityConstraintViolationError as exc:
            raise UniqueViolation(str(exc)) from exc
        return _count(status)

    async def execute_bulk(self, sql: str, params: Params = ()) -> int:
        return await self.execute(sql, params)  # asyncpg never runs on the loop's thread

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        try:
            await self._conn.executemany(numbered(sql), [tuple(r) for r in rows])
        except asyncpg.IntegrityConstraintViolationError as exc:
            raise UniqueViolation(str(exc)) from exc

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        try:
            record = await self._conn.fetchrow(numbered(sql), *params)
        except asyncpg.IntegrityConstraintViolationError as exc:
            raise UniqueViolation(str(exc)) from exc
        return None if record is None else dict(record.items())

    async def returning(self, sql: str, params: Params = ()) -> Row:
        row = await self.fetchone(sql, params)
        if row is None:
            raise LookupError("the statement matched no row")
        return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        try:
            records = await self._conn.fetch(numbered(sql), *params)
        except asyncpg.IntegrityConstraintViolationError as exc:
            raise UniqueViolation(str(exc)) from exc
        return [dict(r.items()) for r in records]

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else next(iter(row.values()))

    async def fetchcolumn(self, sql: str, params: Params = ()) -> list[Any]:
        return [r[0] for r in await self._conn.fetch(numbered(sql), *params)]

    async def fetchall_tuples(self, sql: str, params: Params = ()) -> list[tuple]:
        return [tuple(r) for r in await self._conn.fetch(numbered(sql), *params)]
