"""The SQLite database: connections, transactions and numbered migrations.

One writer connection guarded by an asyncio lock (SQLite allows one writer; the lock keeps
two coroutines from interleaving statements inside one transaction) and one reader
connection, which in WAL mode sees only committed data. Writes use BEGIN IMMEDIATE so that
two processes on the same file (web and scheduler) queue for the write lock instead of
failing half-way through a transaction.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

Row = sqlite3.Row
IntegrityError = sqlite3.IntegrityError


async def _open(path: Path) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    await conn.execute("PRAGMA journal_mode=WAL")
    await conn.execute("PRAGMA foreign_keys=ON")
    await conn.execute("PRAGMA busy_timeout=10000")
    await conn.execute("PRAGMA synchronous=NORMAL")
    return conn


class Transaction:
    """Statements inside one write transaction."""

    def __init__(self, conn: aiosqlite.Connection):
        self._conn = conn

    async def execute(self, sql: str, params: Sequence[Any] | dict = ()) -> int:
        """Run a statement; returns the number of rows it changed."""
        cursor = await self._conn.execute(sql, params)
        count = cursor.rowcount
        await cursor.close()
        return count

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._conn.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Sequence[Any] | dict = ()) -> Row | None:
        async with self._conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Sequence[Any] | dict = ()) -> list[Row]:
        async with self._conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def fetchval(self, sql: str, params: Sequence[Any] | dict = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]


class Database:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()

    async def connect(self) -> None:
        # aiosqlite logs every statement with its parameters at DEBUG: personal data.
        logging.getLogger("aiosqlite").setLevel(logging.INFO)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = await _open(self.path)
        self._reader = await _open(self.path)

    async def close(self) -> None:
        for conn in (self._reader, self._writer):
            if conn is not None:
                await conn.close()
        self._reader = self._writer = None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        assert self._writer is not None, "database not connected"
        async with self._write_lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield Transaction(self._writer)
            except BaseException:
                await self._writer.execute("ROLLBACK")
                raise
            else:
                await self._writer.execute("COMMIT")

    # Reads outside a transaction see the last committed state.
    async def fetchone(self, sql: str, params: Sequence[Any] | dict = ()) -> Row | None:
        assert self._reader is not None, "database not connected"
        async with self._reader.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Sequence[Any] | dict = ()) -> list[Row]:
        assert self._reader is not None, "database not connected"
        async with self._reader.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def fetchval(self, sql: str, params: Sequence[Any] | dict = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    async def migrate(self) -> list[str]:
        """Apply the migration files not applied yet, each in its own transaction."""
        assert self._writer is not None, "database not connected"
        await self._writer.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        applied = []
        for version, path in migration_files():
            async with self._write_lock:
                done = await self._writer.execute_fetchall(
                    "SELECT 1 FROM schema_migrations WHERE version = ?", (version,)
                )
                if done:
                    continue
                now = datetime.now(UTC).isoformat()
                script = (
                    "BEGIN IMMEDIATE;\n"
                    f"{path.read_text()}\n"
                    "INSERT INTO schema_migrations (version, name, applied_at) "
                    f"VALUES ({version}, '{path.name}', '{now}');\n"
                    "COMMIT;"
                )
                try:
                    await self._writer.executescript(script)
                except sqlite3.Error:
                    if self._writer.in_transaction:
                        await self._writer.execute("ROLLBACK")
                    # Another process may have applied it a moment ago.
                    again = await self._writer.execute_fetchall(
                        "SELECT 1 FROM schema_migrations WHERE version = ?", (version,)
                    )
                    if again:
                        continue
                    raise
                applied.append(path.name)
                log.info("applied migration %s", path.name)
        return applied


def migration_files() -> list[tuple[int, Path]]:
    files = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if match:
            files.append((int(match.group(1)), path))
    return files
