"""The shared consumer loop on real SQLite stores: entries after the cursor, in order, in
batches; the handler's writes and the cursor move commit together; and a second store on
the same file (another process) that moved the cursor while this one waited for the write
lock is seen, so no entry is handled twice."""

from __future__ import annotations

from contextlib import asynccontextmanager

import pytest

from tests.conftest import NOW
from tests.factories import open_store
from webinar.outbox import log
from webinar.outbox.consumer import consume

NAME = "test-consumer"


@pytest.fixture
async def stores(tmp_path):
    async with open_store(tmp_path / "webinar.db") as one, \
            open_store(tmp_path / "webinar.db") as two:
        yield one, two


async def append(store, count: int) -> None:
    async with store.transaction() as tx:
        for n in range(count):
            await log.append(tx, log.EVENT_UPDATED, at=NOW, payload={"n": n})


def recorder(seen: list):
    def factory(tx):
        async def handle(entry):
            seen.append(entry.payload["n"])
        return handle
    return factory


async def test_entries_after_the_cursor_in_order_and_in_batches(stores):
    store, _ = stores
    assert await consume(store, NAME, NOW, recorder([]), batch=10) == 0
    assert await log.cursor_position(store, NAME) == 0
    await append(store, 5)
    seen: list = []
    assert await consume(store, NAME, NOW, recorder(seen), batch=3) == 3
    assert await consume(store, NAME, NOW, recorder(seen), batch=3) == 2
    assert await consume(store, NAME, NOW, recorder(seen), batch=3) == 0
    assert seen == [0, 1, 2, 3, 4]
    entries = await log.read_after(store, 0, 10)
    assert await log.cursor_position(store, NAME) == entries[-1].id


async def test_a_failing_handler_moves_no_cursor(stores):
    store, _ = stores
    await append(store, 2)

    def failing(tx):
        async def handle(entry):
            raise RuntimeError("boom")
        return handle

    with pytest.raises(RuntimeError):
        await consume(store, NAME, NOW, failing, batch=10)
    assert await log.cursor_position(store, NAME) == 0
    seen: list = []
    assert await consume(store, NAME, NOW, recorder(seen), batch=10) == 2
    assert seen == [0, 1]


class OtherProcessFirst:
    """`store`, except that just before its write transaction begins, `other` (another
    store on the same file) runs its own pass: the race of two consumer processes, made
    to happen every time."""

    def __init__(self, store, other_pass):
        self._store, self._other_pass = store, other_pass

    def __getattr__(self, name):
        return getattr(self._store, name)

    @asynccontextmanager
    async def transaction(self):
        await self._other_pass()
        async with self._store.transaction() as tx:
            yield tx


@pytest.mark.parametrize(("other_batch", "left_for_us"), [(10, []), (2, [2])])
async def test_entries_another_process_handled_meanwhile_are_not_handled_again(
        stores, other_batch, left_for_us):
    one, two = stores
    await append(one, 3)
    by_two: list = []

    async def two_runs():
        assert await consume(two, NAME, NOW, recorder(by_two), batch=other_batch) > 0

    by_one: list = []
    handled = await consume(OtherProcessFirst(one, two_runs), NAME, NOW, recorder(by_one),
                            batch=10)
    assert by_two + by_one == [0, 1, 2]
    assert by_one == left_for_us and handled == len(left_for_us)
    last = (await log.read_after(one, 0, 10))[-1].id
    assert await log.cursor_position(two, NAME) == last  # never moved back
