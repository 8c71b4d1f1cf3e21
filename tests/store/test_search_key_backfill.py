"""The start-up backfill of registrations' search keys (webinar.store.backfill) run by two
processes at once, as two processes starting together run it: two stores (two
connections, or two pools) on one database fill every key exactly once, and a second run
changes nothing."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing

import asyncpg
import pytest

from tests.conftest import NOW
from tests.factories import new_event
from webinar.clock import to_db
from webinar.store.backfill import fill_search_keys
from webinar.store.interface import Store
from webinar.store.postgres.database import dsn_for_asyncpg
from webinar.store.sqlite.database import SqliteStore
from webinar.store.text import search_key

PEOPLE = 300


async def _registrations_without_keys(store: Store) -> None:
    event = await new_event(store)
    async with store.transaction() as tx:
        for n in range(1, PEOPLE + 1):
            await tx.registrations.insert(event.id, f"t{n}", f"j{n}", {
                "email": f"p{n}@example.org", "name": f"MARÍA Núñez {n}",
                "organization": "Cancillería", "position": "", "sector": "public",
                "country": "GT", "language": "es"}, "confirmed", to_db(NOW))


async def _fill_together(one: Store, two: Store) -> list[tuple]:
    counts = await asyncio.gather(fill_search_keys(one, batch=25),
                                  fill_search_keys(two, batch=25))
    assert sum(counts) == PEOPLE
    assert await fill_search_keys(one) == 0 and await fill_search_keys(two) == 0
    rows = await one.registrations.page(1, 0, PEOPLE + 1, None)
    assert [r["search_key"] for r in rows] == [
        search_key(r["name"], r["email"], r["organization"]) for r in rows]
    assert rows[0]["search_key"] == "maria nunez 1\x1fp1@example.org\x1fcancilleria"
    return [(r["id"], r["search_key"]) for r in rows]


@pytest.mark.once
async def test_two_sqlite_stores_fill_the_keys_together(tmp_path):
    path = tmp_path / "webinar.db"
    one, two = SqliteStore(path), SqliteStore(path)
    await one.connect()
    await two.connect()
    try:
        await one.migrate()
        await _registrations_without_keys(one)
        with closing(sqlite3.connect(path)) as conn, conn:
            conn.execute("UPDATE registrations SET search_key = NULL")
        await _fill_together(one, two)
    finally:
        await one.close()
        await two.close()


@pytest.mark.once
async def test_two_postgres_stores_fill_the_keys_together(two_postgres_stores):
    one, two = two_postgres_stores
    await one.migrate()
    await _registrations_without_keys(one)
    conn = await asyncpg.connect(dsn_for_asyncpg(one.url))
    try:
        await conn.execute("UPDATE registrations SET search_key = NULL")
    finally:
        await conn.close()
    await _fill_together(one, two)
