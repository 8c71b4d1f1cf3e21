"""The SQLite store's BEGIN IMMEDIATE, when another process holds the write lock, gets it
within about a millisecond of its release. SQLite's own busy handler sleeps 1, 2, 5, 10,
15, 20, 25, 25, 25, 50, 50, 100 ms between tries, so a web process waiting behind the
scheduler's commits woke up to 50 ms late (and often lost the lock again to the scheduler
meanwhile), holding its own writer queue all the while: the `serve` tail of a rush.

Real SQLite file; the other process is a plain sqlite3 connection in a thread holding
BEGIN IMMEDIATE for about 0.3 s (SQLite's handler tries again at 228, 328 and 428 ms);
the median of three holds of different lengths, so that no lucky release time decides."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from contextlib import closing

from webinar.store.sqlite.database import SqliteStore

AT = "2026-12-01T12:00:00+00:00"


def hold_write_lock(path, seconds: float, started: threading.Event,
                    released: list[float]) -> None:
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO consumer_cursors (name, position, updated_at)"
                     " VALUES ('other', 1, ?) ON CONFLICT (name) DO UPDATE"
                     " SET position = position + 1", (AT,))
        started.set()
        time.sleep(seconds)
        conn.execute("COMMIT")
        released.append(time.monotonic())


async def late_by(store: SqliteStore, hold: float) -> float:
    started, released = threading.Event(), []
    other = threading.Thread(target=hold_write_lock,
                             args=(store.path, hold, started, released))
    other.start()
    await asyncio.to_thread(started.wait, 5)
    async with store.transaction() as tx:
        entered = time.monotonic()
        await tx.log.move_cursor("store", 1, AT)
    await asyncio.to_thread(other.join, 5)
    return entered - released[0]


async def test_begin_gets_the_lock_soon_after_another_process_releases_it(sqlite_store):
    lateness = sorted([await late_by(sqlite_store, hold) for hold in (0.27, 0.30, 0.33)])
    assert all(late >= 0 for late in lateness)  # it did wait for the other writer
    assert lateness[1] < 0.015, lateness
