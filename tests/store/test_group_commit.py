"""Group commit in the SQLite store: write transactions queued behind one another share
one COMMIT, yet each keeps its own fate and none is acknowledged before it is committed.

The members are real transactions on a real SQLite file; what each wrote is checked from
a separate sqlite3 connection (another reader of the file, as another process would be).
The first member holds the writer (waits on a gate inside its block) until the others are
queued, so they are sure to land in one group.
"""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.factories import open_store
from webinar.store.sqlite.database import SqliteStore

AT = "2026-12-01T12:00:00+00:00"


class Boom(Exception):
    pass


@pytest.fixture
async def store(tmp_path):
    async with open_store(tmp_path / "group.db") as store:
        yield store


def committed_cursors(path: Path) -> set[str]:
    """What another connection sees: committed data only (WAL)."""
    with closing(sqlite3.connect(path)) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM consumer_cursors")}


async def run_group(store: SqliteStore, members: int, failing: set[int],
                    seen_at_exit: dict[int, bool]) -> dict[int, BaseException | None]:
    gate = asyncio.Event()

    async def member(n: int) -> None:
        async with store.transaction() as tx:
            await tx.log.move_cursor(f"member-{n}", n, AT)
            if n == 0:
                await gate.wait()  # the others queue up behind this one meanwhile
            if n in failing:
                raise Boom(n)
        # Acknowledged here: is it in the database for everyone else?
        seen_at_exit[n] = f"member-{n}" in committed_cursors(store.path)

    tasks = [asyncio.create_task(member(n)) for n in range(members)]
    while store._waiting < members - 1:  # noqa: ASYNC110 - others queued
        await asyncio.sleep(0.01)
    gate.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    return {n: (r if isinstance(r, BaseException) else None) for n, r in enumerate(results)}


async def test_queued_transactions_share_one_commit_and_each_is_committed_before_it_returns(
        store):
    commits = store.commits
    seen: dict[int, bool] = {}
    errors = await run_group(store, 8, set(), seen)
    assert errors == dict.fromkeys(range(8))
    assert store.commits == commits + 1  # one COMMIT for the eight
    assert seen == dict.fromkeys(range(8), True)
    assert committed_cursors(store.path) == {f"member-{n}" for n in range(8)}


async def test_one_failing_member_rolls_back_alone(store):
    seen: dict[int, bool] = {}
    errors = await run_group(store, 6, {3}, seen)
    assert isinstance(errors[3], Boom)
    assert all(errors[n] is None for n in (0, 1, 2, 4, 5))
    assert committed_cursors(store.path) == {f"member-{n}" for n in (0, 1, 2, 4, 5)}
    assert all(seen[n] for n in (0, 1, 2, 4, 5))


async def test_the_last_member_failing_still_commits_the_others(store):
    seen: dict[int, bool] = {}
    errors = await run_group(store, 4, {3}, seen)
    assert isinstance(errors[3], Boom)
    assert committed_cursors(store.path) == {f"member-{n}" for n in (0, 1, 2)}
    assert all(seen[n] for n in (0, 1, 2))


async def test_a_member_cancelled_while_queued_does_not_hold_up_the_group(store):
    gate = asyncio.Event()

    async def first() -> None:
        async with store.transaction() as tx:
            await tx.log.move_cursor("first", 1, AT)
            await gate.wait()

    async def queued() -> None:
        async with store.transaction() as tx:
            await tx.log.move_cursor("queued", 2, AT)

    a = asyncio.create_task(first())
    while not store._write_lock.locked():  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    b = asyncio.create_task(queued())
    while store._waiting < 1:  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    b.cancel()
    gate.set()
    async with asyncio.timeout(10):
        await a
    with pytest.raises(asyncio.CancelledError):
        await b
    assert committed_cursors(store.path) == {"first"}
    # The writer is free and works for the next one.
    async with store.transaction() as tx:
        await tx.log.move_cursor("next", 3, AT)
    assert committed_cursors(store.path) == {"first", "next"}
