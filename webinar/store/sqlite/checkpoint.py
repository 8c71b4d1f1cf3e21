"""WAL checkpoints off the write path.

SQLite's default (`wal_autocheckpoint=1000`) runs a checkpoint inside the COMMIT that
takes the WAL past 1,000 pages: that COMMIT copies the pages back into the database file
and fsyncs it (with `synchronous=NORMAL` this fsync is the only one), 15-30 ms on this
machine. The store's writer holds its write lock over each group COMMIT, so during a rush
every transaction queued behind it waited too: at 350 registrations/s one commit in fifty
did so, and they made the p99 (bench/registration_api.py --rate 350).

So the store's writer connection turns automatic checkpoints off and this Checkpointer,
on a connection (and thread) of its own, runs `PRAGMA wal_checkpoint(PASSIVE)` once
`every` transactions have committed since its last run: a PASSIVE checkpoint waits for
no reader and blocks no writer, so commits go on meanwhile. What a commit guarantees does
not change (a committed transaction is in the WAL either way; a checkpoint only moves it
into the database file). Other processes on the file (the scheduler, the CLI) keep
SQLite's automatic checkpoints for their own commits; and when the last connection to the
file closes, SQLite checkpoints what is left.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

import aiosqlite

from webinar.store.sqlite.connection import _open

log = logging.getLogger(__name__)

# Transactions (group members) between checkpoints: a sign-up writes 5-8 WAL pages, so
# about the 1,000 pages of SQLite's own automatic checkpoint.
EVERY = 200


class Checkpointer:
    """Background `wal_checkpoint(PASSIVE)` runs for one database file."""

    def __init__(self, path: Path, every: int = EVERY):
        self.path = path
        self.every = every
        self.runs = 0  # checkpoints completed (tests, benchmarks)
        self._since = 0
        self._conn: aiosqlite.Connection | None = None
        self._task: asyncio.Task[None] | None = None

    async def open(self) -> None:
        self._conn = await _open(self.path)  # the store's own settings (WAL, busy timeout)

    def committed(self, transactions: int) -> None:
        """`transactions` were just committed: start a checkpoint when enough have been
        since the last one (and none is running). Never waits."""
        self._since += transactions
        if self._since >= self.every and self._task is None and self._conn is not None:
            self._since = 0
            self._task = asyncio.get_running_loop().create_task(self.run())
            self._task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._task = None

    async def run(self) -> None:
        """One PASSIVE checkpoint on the checkpointer's own thread; a failure is logged
        (the WAL only grows until the next one succeeds)."""
        if self._conn is None:
            return
        try:
            await self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            self.runs += 1
        except (sqlite3.Error, ValueError) as exc:  # ValueError: closed meanwhile
            log.warning("WAL checkpoint failed: %s", exc)

    async def close(self) -> None:
        """Let a running checkpoint finish, then close the connection."""
        if self._task is not None:
            await asyncio.shield(self._task)
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await conn.close()
