"""The SQLite store runs the one-row statements of a write transaction's member on the
event loop's thread: a sign-up hands off to aiosqlite's thread only for its group's
BEGIN IMMEDIATE and COMMIT (each hand-off is a wait for a thread and then for a loop turn,
while the whole queue of writers waits behind the member). Everything else the group
commit promises is checked in test_group_commit.py and the registration rush tests; here,
that a member that fails half-way still leaves nothing behind, and that what a member
wrote is committed for another connection when the sign-up returns."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from typing import Any

import pytest

from tests.conftest import NOW
from tests.factories import new_event, sign_up
from webinar.store.sqlite.database import SqliteStore


@pytest.fixture
async def store(tmp_path):
    store = SqliteStore(tmp_path / "inline.db")
    await store.connect()
    await store.migrate()
    try:
        yield store
    finally:
        await store.close()


def count_writer_handoffs(store: SqliteStore) -> list[str]:
    """What the writer connection runs on its thread from now on (the functions' names)."""
    writer = store._writer
    assert writer is not None
    calls: list[str] = []
    real = writer._execute

    async def execute(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        calls.append(args[1] if len(args) > 1 and isinstance(args[1], str) else fn.__name__)
        return await real(fn, *args, **kwargs)

    writer._execute = execute  # type: ignore[method-assign]
    return calls


async def test_a_sign_up_hands_off_only_begin_and_commit(store):
    event = await new_event(store, capacity=10)
    handoffs = count_writer_handoffs(store)
    reg = await sign_up(store, NOW, event, 1)
    assert handoffs == ["BEGIN IMMEDIATE", "COMMIT"]
    with closing(sqlite3.connect(store.path)) as other:
        assert other.execute("SELECT status FROM registrations WHERE id = ?",
                             (reg.id,)).fetchone() == ("confirmed",)
        assert other.execute("SELECT COUNT(*) FROM event_log WHERE registration_id = ?",
                             (reg.id,)).fetchone() == (1,)


async def test_a_member_failing_after_inline_writes_leaves_nothing(store):
    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        async with store.transaction() as tx:
            await tx.log.append("test.entry", None, None, "{}", NOW.isoformat())
            raise Boom()
    async with store.transaction() as tx:
        await tx.log.append("test.kept", None, None, "{}", NOW.isoformat())
    with closing(sqlite3.connect(store.path)) as other:
        types = [r[0] for r in other.execute("SELECT type FROM event_log WHERE type LIKE"
                                             " 'test.%'")]
    assert types == ["test.kept"]
