"""The one consumer loop every reader of the event log shares (the mail planner now; the
report and wrap-up consumers later).

A consumer has a name and a cursor (the id of the last entry it handled). One pass reads
the entries after the cursor, then, inside one write transaction, re-reads the cursor
(another process may have moved it meanwhile), hands each entry still ahead of it to the
handler, and moves the cursor. The handler's writes and the cursor move commit together,
so a crash or a second process never handles an entry twice or skips one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from webinar.outbox import log
from webinar.store.interface import Store, Transaction

# Given the transaction of one pass, the coroutine function that handles one entry.
HandlerFactory = Callable[[Transaction], Callable[[log.LogEntry], Awaitable[None]]]


async def consume(store: Store, name: str, now: datetime, handler: HandlerFactory,
                  batch: int) -> int:
    """Handle the entries after this consumer's cursor, at most `batch`. Returns how many."""
    position = await log.cursor_position(store, name)
    entries = await log.read_after(store, position, batch)
    if not entries:
        return 0
    async with store.transaction() as tx:
        position = await log.cursor_position(tx, name)
        todo = [e for e in entries if e.id > position]
        handle = handler(tx)
        for entry in todo:
            await handle(entry)
        if todo:
            await log.move_cursor(tx, name, todo[-1].id, now)
    return len(todo)
