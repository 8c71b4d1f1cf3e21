"""The SQLite store: one writer connection guarded by an asyncio lock (SQLite allows one
writer; the lock keeps two coroutines from interleaving statements inside one
transaction) and one reader connection, which in WAL mode sees only committed data.
Writes use BEGIN IMMEDIATE so that two processes on the same file (web and scheduler)
queue for the write lock instead of failing half-way through a transaction.

Locking rules: every write happens inside `transaction()`; a service that decides on
data (capacity, status, cursor) reads it again inside the transaction that acts on it.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from webinar.store.sqlite.attendance import AttendanceQueries
from webinar.store.sqlite.connection import Conn, _open
from webinar.store.sqlite.deliveries import DeliveryQueries
from webinar.store.sqlite.events import EventQueries
from webinar.store.sqlite.invitations import InvitationQueries
from webinar.store.sqlite.log import LogQueries
from webinar.store.sqlite.organizers import OrganizerQueries
from webinar.store.sqlite.registrants import RegistrantQueries
from webinar.store.sqlite.registrations import RegistrationQueries
from webinar.store.sqlite.wrapups import WrapupQueries

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class _Queries:
    """Every area's queries, bound to one connection."""

    def __init__(self, conn: Conn):
        self.events = EventQueries(conn)
        self.registrations = RegistrationQueries(conn)
        self.deliveries = DeliveryQueries(conn)
        self.organizers = OrganizerQueries(conn)
        self.log = LogQueries(conn)
        self.attendance = AttendanceQueries(conn)
        self.invitations = InvitationQueries(conn)
        self.wrapups = WrapupQueries(conn)
        self.registrants = RegistrantQueries(conn)


class SqliteTransaction(_Queries):
    """The queries inside one write transaction."""


class SqliteStore(_Queries):
    """The store on one SQLite file; its own query attributes read committed data."""

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
        super().__init__(Conn(self._reader))

    async def close(self) -> None:
        for conn in (self._reader, self._writer):
            if conn is not None:
                await conn.close()
        self._reader = self._writer = None

    async def ping(self) -> None:
        assert self._reader is not None, "database not connected"
        await Conn(self._reader).fetchval("SELECT 1")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqliteTransaction]:
        assert self._writer is not None, "database not connected"
        async with self._write_lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield SqliteTransaction(Conn(self._writer))
            except BaseException:
                await self._writer.execute("ROLLBACK")
                raise
            else:
                await self._writer.execute("COMMIT")

    async def migrate(self) -> list[str]:
        """Apply the migration files not applied yet, each in its own transaction."""
        writer = self._writer
        assert writer is not None, "database not connected"
        await writer.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        applied = []
        for version, path in migration_files():
            async with self._write_lock:
                done = await writer.execute_fetchall(
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
                    await writer.executescript(script)
                except sqlite3.Error:
                    if writer.in_transaction:
                        await writer.execute("ROLLBACK")
                    # Another process may have applied it a moment ago.
                    again = await writer.execute_fetchall(
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
