"""Concurrent calls gathered into one: the stores use it on the join link's hot path, so
that a burst of clicks costs one read and one write transaction per batch instead of
several round trips each (`Store.add_join_visit`, the SQLite store's `for_join`).

A call adds its item and waits. One task at a time runs the batch function over what has
gathered (at most `limit` items), hands each caller its own result, and goes on while
items keep arriving; the first item of a quiet moment runs at the next turn of the event
loop, so nobody waits for a batch to fill. A caller gets its answer only after the batch
function returned (for a write: after its transaction committed). When a batch fails as a
whole, its items are run again one by one, so one bad item fails only its own caller.
The running task is not the caller's: a caller that is cancelled leaves the others'
answers intact (a write it asked for may still be committed).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from webinar.store.interface import JoinVisit, Store

Item = TypeVar("Item")
Result = TypeVar("Result")


class Batcher(Generic[Item, Result]):
    """Calls of `run(items) -> results` (one result per item, in order), gathered."""

    def __init__(self, run: Callable[[list[Item]], Awaitable[Sequence[Result]]],
                 limit: int = 200):
        self._run = run
        self._limit = limit
        self._pending: list[tuple[Item, asyncio.Future[Result]]] = []
        self._task: asyncio.Task[None] | None = None
        self.batches = 0  # batch function calls so far (tests, benchmarks)

    async def __call__(self, item: Item) -> Result:
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch = self._pending[:self._limit]
                del self._pending[:self._limit]
                await self._answer(batch)
        finally:
            self._task = None
            for _, future in self._pending:  # only when cancelled (the loop is closing)
                if not future.done():
                    future.cancel()
            self._pending.clear()

    async def _answer(self, batch: list[tuple[Item, asyncio.Future[Result]]]) -> None:
        self.batches += 1
        try:
            results = await self._run([item for item, _ in batch])
        except Exception as exc:
            if len(batch) == 1:
                _settle(batch[0][1], exc=exc)
                return
            for one in batch:  # find the item that failed; the others still succeed
                await self._answer([one])
            return
        except BaseException:
            for _, future in batch:
                future.cancel()
            raise
        for (_, future), result in zip(batch, results, strict=True):
            _settle(future, result=result)


def _settle(future: asyncio.Future, *, result: object = None,
            exc: BaseException | None = None) -> None:
    if future.done():
        return
    if exc is not None:
        future.set_exception(exc)
        future.exception()  # retrieved: a caller that was cancelled never reads it
    else:
        future.set_result(result)


async def write_join_visits(store: Store, visits: list[JoinVisit]) -> list[None]:
    """A batch of `Store.add_join_visit`: the visit rows and their log entries, in one
    transaction and two statement calls (either store's batch function)."""
    async with store.transaction() as tx:
        await tx.attendance.insert_visits(visits)
        await tx.log.append_many([(v.log_type, v.event_id, v.registration_id, v.log_payload,
                                   v.at) for v in visits])
    return [None] * len(visits)
