"""SQLite connections: opening one, and the statements one runs (a reader that sees the
last committed state, or a write transaction). Only the query modules beside this one
use these; services reach them through the store's query objects."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import aiosqlite

from webinar.store.errors import DatabaseUnavailable, UniqueViolation
from webinar.store.interface import Row

Params = Sequence[Any] | dict[str, Any]


def _dict_row(cursor: sqlite3.Cursor, values: tuple) -> dict[str, Any]:
    return {col[0]: value for col, value in zip(cursor.description, values, strict=True)}


BUSY_TIMEOUT = 10.0  # seconds a statement waits for another connection's lock
BEGIN_POLL = 0.0005  # seconds between tries of BEGIN IMMEDIATE while another holds the lock


# unixepoch() (migration 0014 converts the stored times with it) came in SQLite 3.38 (2022);
# Debian 12 has 3.40.
MINIMUM_SQLITE = (3, 38, 0)


async def _open(path: Path) -> aiosqlite.Connection:
    if sqlite3.sqlite_version_info < MINIMUM_SQLITE:
        raise DatabaseUnavailable(f"SQLite {sqlite3.sqlite_version} is too old: webinar needs"
                                  f" {'.'.join(map(str, MINIMUM_SQLITE))} or newer")
    # check_same_thread=False: a write transaction's statements run on the event loop's
    # thread (Conn(inline=True)), its BEGIN and COMMIT on aiosqlite's; never both at once.
    conn = await aiosqlite.connect(path, isolation_level=None, check_same_thread=False)
    conn.row_factory = _dict_row  # type: ignore[assignment]  # typeshed says a class
    await conn.execute("PRAGMA journal_mode=WAL")
    await conn.execute("PRAGMA foreign_keys=ON")
    await conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
    await conn.execute("PRAGMA synchronous=NORMAL")
    return conn


def open_loop_reader(path: Path) -> sqlite3.Connection:
    """A plain (not aiosqlite) connection for one-row reads on the event loop's own thread
    (see `Conn`): autocommit, so each read sees the last commit; read-only; and never
    waiting for a lock (busy_timeout 0), since a wait would stop the loop: a read that
    finds the file busy goes to the aiosqlite reader's thread instead. A small page cache:
    its reads are indexed lookups of a row or two."""
    conn = sqlite3.connect(path, isolation_level=None)  # this thread only (the loop's)
    conn.row_factory = _dict_row
    conn.execute("PRAGMA query_only=ON")
    conn.execute("PRAGMA busy_timeout=0")
    conn.execute("PRAGMA cache_size=-512")
    return conn


def _busy(exc: sqlite3.OperationalError) -> bool:
    return exc.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY  # or BUSY_RECOVERY etc.


def _run_execute(conn: sqlite3.Connection, sql: str, params: Params) -> int:
    cursor = conn.execute(sql, params)
    try:
        return cursor.rowcount
    finally:
        cursor.close()


def _run_fetchone(conn: sqlite3.Connection, sql: str, params: Params) -> Any:
    cursor = conn.execute(sql, params)
    try:
        return cursor.fetchone()
    finally:
        cursor.close()


def _run_begin_immediate(conn: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, trying again every BEGIN_POLL while another connection (another
    process) holds the write lock, for up to BUSY_TIMEOUT. SQLite's own busy handler sleeps
    1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms between tries: a writer behind another
    process's short transactions woke up to 50-100 ms after the lock was free (and often
    found it taken again), while its own queue of transactions waited behind it."""
    conn.execute("PRAGMA busy_timeout=0")
    try:
        deadline = time.monotonic() + BUSY_TIMEOUT
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not _busy(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(BEGIN_POLL)
    finally:
        conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")


def _run_fetchall(conn: sqlite3.Connection, sql: str, params: Params) -> list:
    cursor = conn.execute(sql, params)
    try:
        return cursor.fetchall()
    finally:
        cursor.close()


def _begin_read(conn: sqlite3.Connection) -> None:
    """BEGIN a read transaction and take its snapshot now: in WAL mode a deferred
    transaction reads the database as of its first read, not as of BEGIN."""
    conn.execute("BEGIN")
    conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").close()


def _end_read(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        conn.execute("ROLLBACK")


async def begin_read(conn: aiosqlite.Connection) -> None:
    """Start a snapshot read transaction on `conn` (one hand-off to its thread)."""
    await conn._execute(_begin_read, conn._conn)


async def end_read(conn: aiosqlite.Connection) -> None:
    """End the read transaction `begin_read` started, if it is still open."""
    await conn._execute(_end_read, conn._conn)


class Conn:
    """Statements on one aiosqlite connection, rows as dicts, integrity errors as the
    store's own UniqueViolation.

    Each statement is one call on the connection's thread (run, fetch and close together),
    not three: on the hot paths the hand-offs between the event loop and that thread, not
    SQLite, were most of the cost. It uses aiosqlite's `_execute` (run a function on the
    connection's thread), the one way aiosqlite offers to do that.

    A hand-off is also a wait: for the thread, and then for the event loop to come round
    to the result, behind every other request that is ready to run. Under load that wait,
    not the statement, is most of a one-row read's time (an event by its slug: p50 0.47,
    p99 3.6 ms through the thread at 200 sign-ups/s; 0.16 and 0.5 ms on the loop, with
    bench/registration_api.py and BENCH_PROBE). So the statements that are short and never
    wait run on the calling thread, with no hand-off at all:

    * `inline=True` (the statements of a member of a write transaction, see
      `SqliteStore.transaction`): the one-row statements (execute, fetchone, returning,
      fetchval). Inside a transaction that holds SQLite's write lock they never wait for
      another connection, and each is an indexed read or write of a row or a few, tens of
      microseconds, less than one hand-off. Whoever holds the write lock holds it for
      fewer loop turns, so the queue behind it moves faster.
    * `loop_reader` (the store's committed reads): the one-row reads (fetchone, fetchval)
      on a plain connection of the loop's own (`open_loop_reader`). A read in WAL mode
      waits for no writer; one that finds the file busy anyway goes to the thread.

    Statements that may take long or wait (BEGIN IMMEDIATE, COMMIT, many-row reads and
    writes) still go to the thread.
    """

    def __init__(self, conn: aiosqlite.Connection, *, inline: bool = False,
                 loop_reader: sqlite3.Connection | None = None):
        self._conn = conn
        self._inline = inline
        self._loop_reader = loop_reader

    async def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        if self._inline:
            return fn(self._conn._conn, *args)
        return await self._conn._execute(fn, self._conn._conn, *args)

    async def _read_one(self, fn: Callable[..., Any], *args: Any) -> Any:
        """A one-row read: on the loop reader when there is one (no hand-off; a read in
        WAL mode waits for no writer), on the thread when that reader finds the file busy
        (another connection recovering the WAL, say), which may wait."""
        if self._loop_reader is not None:
            try:
                return fn(self._loop_reader, *args)
            except sqlite3.OperationalError as exc:
                if not _busy(exc):
                    raise
        return await self._call(fn, *args)

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement; returns the number of rows it changed."""
        try:
            return int(await self._call(_run_execute, sql, params))
        except sqlite3.IntegrityError as exc:
            raise UniqueViolation(str(exc)) from exc

    async def begin_immediate(self) -> None:
        """BEGIN IMMEDIATE on the connection's thread, polling finely for the write lock
        (see `_run_begin_immediate`)."""
        await self._conn._execute(_run_begin_immediate, self._conn._conn)

    async def execute_bulk(self, sql: str, params: Params = ()) -> int:
        """`execute` on the connection's thread even inline: a statement that may change
        many rows (skipping 200,000 reminders of a cancelled event) would stop the event
        loop for as long as it runs."""
        try:
            return int(await self._conn._execute(_run_execute, self._conn._conn, sql, params))
        except sqlite3.IntegrityError as exc:
            raise UniqueViolation(str(exc)) from exc

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._conn.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        try:
            return await self._read_one(_run_fetchone, sql, params)
        except sqlite3.IntegrityError as exc:
            raise UniqueViolation(str(exc)) from exc

    async def returning(self, sql: str, params: Params = ()) -> Row:
        """The one row an INSERT/UPDATE ... RETURNING statement that must match gives."""
        row = await self.fetchone(sql, params)
        if row is None:
            raise LookupError("the statement matched no row")
        return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        # On the thread even inline: a list may be long.
        return list(await self._conn._execute(_run_fetchall, self._conn._conn, sql, params))

    async def fetchcolumn(self, sql: str, params: Params = ()) -> list[Any]:
        """The first column of every row, without building a dict per row (long lists)."""
        async with self._conn.execute(sql, params) as cursor:
            cursor._cursor.row_factory = None  # plain tuples, not dicts
            return [values[0] for values in await cursor.fetchall()]

    async def fetchall_tuples(self, sql: str, params: Params = ()) -> list[tuple]:
        """Rows as plain tuples, in the order of the columns selected: for the few reads of
        hundreds of thousands of rows, where building a dict a row costs more than the
        read."""
        cursor = await self._conn.cursor()
        try:
            cursor.row_factory = None
            await cursor.execute(sql, params)
            return list(await cursor.fetchall())  # type: ignore[arg-type]  # no row factory
        finally:
            await cursor.close()

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else next(iter(row.values()))
