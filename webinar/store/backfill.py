"""Work a migration leaves to Python, done right after the migrations (both stores'
`migrate`, which `webinar migrate` and the start of serve, the scheduler and every other
command run): the search key of registrations written before it existed (migration 0013;
the folding is Unicode work in Python, webinar.store.text).

Idempotent and safe beside another process doing the same: each batch is one transaction
that writes only keys still NULL, and the key is a function of the row's values, so two
processes starting together write the same keys, a second run finds nothing to do, and a
key that the store wrote meanwhile with newer values is never overwritten. The batches
walk the primary key upwards (a row inserted meanwhile has its key from the insert), so
the loop ends. On PostgreSQL a batch locks its rows
(FOR UPDATE SKIP LOCKED): two processes fill different rows instead of waiting on (or
deadlocking over) the same ones; on SQLite write transactions queue for the one writer.
"""

from __future__ import annotations

import logging

from webinar.store.interface import Store

log = logging.getLogger(__name__)

BATCH = 2000  # rows a transaction: short write locks, few round trips


async def fill_search_keys(store: Store, batch: int = BATCH) -> int:
    """Give every registration without a search key its key; how many were written."""
    written = last_id = 0
    while True:
        async with store.transaction() as tx:
            rows = await tx.registrants.without_search_key(last_id, batch)
            if not rows:
                break
            written += await tx.registrants.fill_search_keys(rows)
        last_id = rows[-1]["id"]
    if written:
        log.info("search keys written for %d registrations", written)
    return written
