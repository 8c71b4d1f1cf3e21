"""The SQLite store: one writer connection guarded by an asyncio lock (SQLite allows one
writer; the lock keeps two coroutines from interleaving statements inside one
transaction) and two reader connections, which in WAL mode see only committed data: one
on aiosqlite's thread for lists, one on the event loop's thread for one-row reads (see
`Conn`).
Writes use BEGIN IMMEDIATE so that two processes on the same file (web and scheduler)
queue for the write lock instead of failing half-way through a transaction.

Concurrent write transactions of this process share one commit (group commit, see
`SqliteStore.transaction`); each still succeeds or fails on its own, and none is
acknowledged before the commit that holds it.

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

from webinar.store.backfill import fill_search_keys
from webinar.store.batching import Batcher, write_join_visits
from webinar.store.interface import JoinVisit, Row
from webinar.store.sqlite.attendance import AttendanceQueries
from webinar.store.sqlite.checkpoint import Checkpointer
from webinar.store.sqlite.connection import (
    Conn,
    _open,
    begin_read,
    end_read,
    open_loop_reader,
)
from webinar.store.sqlite.deliveries import DeliveryQueries
from webinar.store.sqlite.events import EventQueries
from webinar.store.sqlite.invitations import InvitationQueries
from webinar.store.sqlite.log import LogQueries
from webinar.store.sqlite.organizers import OrganizerQueries
from webinar.store.sqlite.registrants import RegistrantQueries
from webinar.store.sqlite.registrations import RegistrationQueries
from webinar.store.sqlite.wrapups import WrapupQueries

log = logging.getLogger(__name__)

# The most transactions one group commit holds: bounds the wait of its first member.
GROUP_LIMIT = 64
# Idle snapshot connections kept open for the next `snapshot()` (more are opened when
# more snapshots run at once, and closed after).
IDLE_SNAPSHOT_READERS = 2

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


class _ReaderRegistrations(RegistrationQueries):
    """The reader's registration queries: concurrent join-link reads share one statement
    (each a thread hand-off otherwise, the bulk of a join click's cost). Nothing is kept
    between batches: each click reads the registration and its event as committed now."""

    def __init__(self, conn: Conn):
        super().__init__(conn)
        self._join_reads: Batcher[str, tuple[Row, Row, bool] | None] = Batcher(
            self.for_join_many)

    async def for_join(self, token: str) -> tuple[Row, Row, bool] | None:
        return await self._join_reads(token)


class SqliteTransaction(_Queries):
    """The queries inside one write transaction."""


class SqliteSnapshot(_Queries):
    """The queries inside one read transaction on a snapshot connection."""


class SqliteStore(_Queries):
    """The store on one SQLite file; its own query attributes read committed data."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._loop_reader: sqlite3.Connection | None = None  # one-row reads (see Conn)
        self._snapshot_readers: list[aiosqlite.Connection] = []  # idle, for `snapshot`
        self._write_lock = asyncio.Lock()
        self._waiting = 0  # transactions queued for the write lock
        self._group: asyncio.Future[None] | None = None  # the open group's commit
        self._group_size = 0
        self.commits = 0  # COMMITs of write transactions (groups) so far
        self._tasks: set[asyncio.Task[None]] = set()
        self._visits: Batcher[JoinVisit, None] = Batcher(
            lambda visits: write_join_visits(self, visits))
        self._checkpointer = Checkpointer(self.path)  # WAL checkpoints off the COMMITs

    async def connect(self) -> None:
        # aiosqlite logs every statement with its parameters at DEBUG: personal data.
        logging.getLogger("aiosqlite").setLevel(logging.INFO)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = await _open(self.path)
        # Its COMMITs hold the write lock: no checkpoint (and fsync) inside them.
        await self._writer.execute("PRAGMA wal_autocheckpoint=0")
        self._reader = await _open(self.path)
        self._loop_reader = open_loop_reader(self.path)
        await self._checkpointer.open()
        reads = Conn(self._reader, loop_reader=self._loop_reader)
        super().__init__(reads)
        self.registrations = _ReaderRegistrations(reads)

    async def close(self) -> None:
        await self._checkpointer.close()
        idle, self._snapshot_readers = self._snapshot_readers, []
        for conn in (*idle, self._reader, self._writer):
            if conn is not None:
                await conn.close()
        self._reader = self._writer = None
        if self._loop_reader is not None:
            self._loop_reader.close()
            self._loop_reader = None

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[SqliteSnapshot]:
        """Reads of one moment (see `Store.snapshot`): a read transaction (BEGIN and a
        first SELECT, WAL's snapshot isolation) on a connection of its own, never the
        store's reader (whose other reads, such as join clicks, must see the latest
        commit) nor the writer (no write lock taken, no writer waits). The connection is
        kept for the next snapshot (up to IDLE_SNAPSHOT_READERS idle)."""
        assert self._writer is not None, "database not connected"
        conn = self._snapshot_readers.pop() if self._snapshot_readers else None
        if conn is None:
            conn = await _open(self.path)
            await conn.execute("PRAGMA query_only=ON")  # a snapshot reads, never writes
        ended = False
        try:
            await begin_read(conn)
            yield SqliteSnapshot(Conn(conn))
        finally:
            try:
                await end_read(conn)
                ended = True
            finally:
                if (ended and self._writer is not None
                        and len(self._snapshot_readers) < IDLE_SNAPSHOT_READERS):
                    self._snapshot_readers.append(conn)
                else:
                    await conn.close()

    async def add_join_visit(self, visit: JoinVisit) -> None:
        """Join visits arriving together share one member of the group commit (one
        INSERT of the visits, one of their log entries); each returns after its COMMIT."""
        await self._visits(visit)

    async def ping(self) -> None:
        assert self._reader is not None, "database not connected"
        await Conn(self._reader).fetchval("SELECT 1")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqliteTransaction]:
        """A write transaction, committed before this block exits without an error.

        Group commit: transactions that queue up behind one another share one
        BEGIN IMMEDIATE ... COMMIT, each inside its own SAVEPOINT. A member that raises
        rolls back to its savepoint alone; the others go on. The group commits when nobody
        is waiting for the writer (or at GROUP_LIMIT members), and no member's block exits
        before that COMMIT has succeeded; if the COMMIT fails, every member of the group
        raises. Members run one at a time on the one writer connection, so a member sees
        the writes of those before it in its group, exactly as if they had committed: rules
        such as capacity, decided inside the transaction, hold as before.

        BEGIN IMMEDIATE (which may wait for another process) and COMMIT go to aiosqlite's
        thread; a member's one-row statements run on the loop's thread (`Conn(inline=True)`):
        the write lock is held for no thread round trip but those two per group.
        """
        writer = self._writer
        assert writer is not None, "database not connected"
        conn = Conn(writer)  # BEGIN IMMEDIATE (may wait for another process) and COMMIT
        member = Conn(writer, inline=True)  # the rest: see Conn
        self._waiting += 1
        try:
            await self._write_lock.acquire()
        except BaseException:
            self._waiting -= 1
            self._commit_if_abandoned()
            raise
        self._waiting -= 1
        group: asyncio.Future[None] | None = None
        try:
            if self._group is None:
                await conn.begin_immediate()
                self._group = asyncio.get_running_loop().create_future()
                self._group_size = 0
            group = self._group
            await member.execute("SAVEPOINT member")
            try:
                yield SqliteTransaction(member)
            except BaseException:
                await member.execute("ROLLBACK TO member")
                await member.execute("RELEASE member")
                raise
            else:
                await member.execute("RELEASE member")
                self._group_size += 1
        finally:
            try:
                if group is not None and (self._waiting == 0
                                          or self._group_size >= GROUP_LIMIT):
                    await self._end_group(conn)
            finally:
                self._write_lock.release()
        # Acknowledge only once the group's COMMIT has succeeded (raises if it failed).
        await asyncio.shield(group)

    async def _end_group(self, conn: Conn) -> None:
        """COMMIT the open group (ROLLBACK when it has no member left) and tell its members;
        the caller holds the write lock."""
        group, self._group = self._group, None
        if group is None:
            return
        try:
            await conn.execute("COMMIT" if self._group_size else "ROLLBACK")
            self.commits += 1 if self._group_size else 0
            self._checkpointer.committed(self._group_size)
        except BaseException as exc:
            if writer_in_transaction(self._writer):
                await conn.execute("ROLLBACK")
            if not group.done():
                group.set_exception(exc if isinstance(exc, Exception) else
                                    RuntimeError("group commit interrupted"))
                group.exception()  # retrieved: members that were cancelled never read it
            raise
        if not group.done():
            group.set_result(None)

    def _commit_if_abandoned(self) -> None:
        """A member left the queue without running (cancelled while waiting): if it was the
        one the open group was waiting for, end the group in a task of its own."""
        if self._group is not None and self._waiting == 0 and not self._write_lock.locked():
            task = asyncio.get_running_loop().create_task(self._end_abandoned())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _end_abandoned(self) -> None:
        async with self._write_lock:
            if self._group is not None and self._writer is not None:
                await self._end_group(Conn(self._writer))

    async def migrate(self) -> list[str]:
        """Apply the migration files not applied yet, each in its own transaction, then
        the work they leave to Python (webinar.store.backfill)."""
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
        await fill_search_keys(self)
        return applied


def writer_in_transaction(conn: aiosqlite.Connection | None) -> bool:
    return conn is not None and conn.in_transaction


def migration_files() -> list[tuple[int, Path]]:
    files = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if match:
            files.append((int(match.group(1)), path))
    return files
