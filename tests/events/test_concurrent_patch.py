"""PATCH /api/v1/events/{slug} applies only the fields its body names, to the event as it
is inside the write transaction: two organizers changing different fields at once through
two app instances (two connections on one SQLite file) both keep their change, and a body
that the event as changed meanwhile makes invalid answers 422 field by field."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from tests.conftest import EVENT_START, create_event, organizer_token, resources_of
from webinar.app import create_app


def hold_transactions(client) -> tuple[asyncio.Event, asyncio.Event]:
    """Make this app's store wait before each write transaction until `go` is set;
    `waiting` is set when a request reaches that point (it has read all it reads outside)."""
    store = resources_of(client).store
    original = store.transaction
    waiting, go = asyncio.Event(), asyncio.Event()

    @asynccontextmanager
    async def gated() -> AsyncIterator:
        waiting.set()
        await go.wait()
        async with original() as tx:
            yield tx

    store.transaction = gated  # type: ignore[method-assign]
    return waiting, go


async def two_apps(aiohttp_client, client, settings, clock):
    token = await organizer_token(client)
    await create_event(client, token)
    other = await aiohttp_client(create_app(settings, clock=clock))
    return token, other


async def test_two_patches_of_different_fields_both_stay(aiohttp_client, client, settings,
                                                         clock):
    token, other = await two_apps(aiohttp_client, client, settings, clock)
    auth = {"Authorization": f"Bearer {token}"}
    waiting, go = hold_transactions(other)
    late = asyncio.ensure_future(other.patch(
        "/api/v1/events/foro-digital", json={"description": "Nueva descripción"}, headers=auth))
    await asyncio.wait_for(waiting.wait(), 10)  # the second PATCH read the event, and waits
    first = await client.patch("/api/v1/events/foro-digital", json={"title": "Nuevo título"},
                               headers=auth)
    assert first.status == 200
    go.set()
    second = await asyncio.wait_for(late, 10)
    assert second.status == 200, await second.text()
    body = await second.json()
    assert (body["title"], body["description"]) == ("Nuevo título", "Nueva descripción")
    stored = await (await client.get("/api/v1/events/foro-digital", headers=auth)).json()
    assert (stored["title"], stored["description"]) == ("Nuevo título", "Nueva descripción")


async def test_a_body_invalid_against_the_event_as_changed_meanwhile_is_422(
        aiohttp_client, client, settings, clock):
    token, other = await two_apps(aiohttp_client, client, settings, clock)
    auth = {"Authorization": f"Bearer {token}"}
    waiting, go = hold_transactions(other)
    # valid against the event as it was (start EVENT_START), not once it has moved
    late = asyncio.ensure_future(other.patch(
        "/api/v1/events/foro-digital",
        json={"ends_at": (EVENT_START + timedelta(hours=1)).isoformat()}, headers=auth))
    await asyncio.wait_for(waiting.wait(), 10)
    moved = await client.patch(
        "/api/v1/events/foro-digital",
        json={"starts_at": (EVENT_START + timedelta(hours=3)).isoformat(),
              "ends_at": (EVENT_START + timedelta(hours=5)).isoformat()}, headers=auth)
    assert moved.status == 200
    go.set()
    second = await asyncio.wait_for(late, 10)
    assert second.status == 422
    assert "ends_at" in (await second.json())["errors"]
    stored = await (await client.get("/api/v1/events/foro-digital", headers=auth)).json()
    assert stored["ends_at"] == "2026-12-04T11:00:00-06:00"  # the move stays
