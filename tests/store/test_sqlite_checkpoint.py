"""WAL checkpoints off the write path (webinar/store/sqlite/checkpoint.py): the SQLite
store's COMMITs never copy the WAL back into the database file themselves (SQLite's
automatic checkpoint did so in the commit that passed 1,000 pages, with an fsync, while
every queued transaction waited), yet the WAL is still checkpointed, by the store's
background checkpointer on its own connection, and every commit stays visible to other
connections at once. Real SQLite file; the database file's size tells whether pages were
copied into it."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path

from webinar.store.sqlite.database import SqliteStore

AT = "2026-12-01T12:00:00+00:00"
BIG = "x" * 8000  # two overflow pages and more per entry: the WAL grows fast


def entries(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM event_log").fetchone()[0])


def size(path: Path | str) -> int:
    return Path(path).stat().st_size


async def write(store: SqliteStore, n: int) -> None:
    for i in range(n):
        async with store.transaction() as tx:
            await tx.log.append("test.big", None, None, f'{{"n": {i}, "pad": "{BIG}"}}', AT)


async def test_commits_do_not_checkpoint_the_wal_themselves(sqlite_store):
    sqlite_store._checkpointer.every = 10**9  # hold the background checkpointer back
    before = size(sqlite_store.path)
    await write(sqlite_store, 600)  # ~1,800 WAL pages: past SQLite's automatic 1,000
    assert entries(sqlite_store.path) == 600  # all committed, visible to another connection
    assert size(sqlite_store.path) == before  # but nothing copied by a COMMIT
    assert size(f"{sqlite_store.path}-wal") > 1000 * 4096


async def test_the_background_checkpointer_copies_the_wal_back(sqlite_store):
    sqlite_store._checkpointer.every = 100
    before = size(sqlite_store.path)
    await write(sqlite_store, 600)
    while sqlite_store._checkpointer._task is not None:  # noqa: ASYNC110 - the last one running
        await asyncio.sleep(0.01)
    # one at a time: a checkpoint due while one runs waits for the next commit after it
    assert sqlite_store._checkpointer.runs >= 1
    assert size(sqlite_store.path) > before + 100 * 8000
    assert entries(sqlite_store.path) == 600
