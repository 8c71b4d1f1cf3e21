"""Plain values for the pure rule tests (no database, no HTTP), and a real SQLite store on
a temp file with the service-level helpers the focused rule tests share."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiosqlite

from tests.conftest import EVENT_START, NOW, event_body, person
from tests.store.postgres_fixture import current
from webinar.events import service as events
from webinar.events.fields import EventFields
from webinar.events.model import Event
from webinar.registrations import service as registrations
from webinar.registrations.fields import RegistrationIn
from webinar.registrations.model import Registration
from webinar.store.interface import Store
from webinar.store.postgres.database import PostgresStore
from webinar.store.sqlite.database import SqliteStore

DOMAIN = "example.org"


def an_event(**overrides) -> Event:
    """A published event starting at EVENT_START, two hours long, doors 15 minutes early."""
    values = dict(
        id=1, slug="foro", title="Foro", description="", speakers=[],
        starts_at=EVENT_START, ends_at=EVENT_START + timedelta(hours=2),
        timezone="America/Guatemala", join_url="https://zoom.example.org/j/1", capacity=None,
        sectors=[], reminders=["1d", "1h"], report_delay=timedelta(days=1),
        organizer_emails=["org@example.org"], doors_open_minutes=15, recording_url=None,
        min_minutes_attended=0, status="published", registration_open=True, sequence=0,
        created_by=7,
    )
    values.update(overrides)
    return Event(**values)


def a_registration(**overrides) -> Registration:
    values = dict(
        id=1, event_id=1, token="t" * 24, join_token="j" * 24, email="persona1@example.org",
        name="Persona 1",
        organization="", position="", sector="academic", country="GT", language="es",
        status="confirmed", created_at=NOW, confirmed_at=NOW, cancelled_at=None,
    )
    values.update(overrides)
    return Registration(**values)


def replace(obj, **changes):
    return dataclasses.replace(obj, **changes)


@asynccontextmanager
async def open_store(path: Path) -> AsyncIterator[Store]:
    """A connected, migrated store on `path` (on the test's PostgreSQL database when it runs
    on that store); several may be open on one file or database, as separate processes
    would have them."""
    store: SqliteStore | PostgresStore = (
        PostgresStore(current.url) if current.url else SqliteStore(path))
    async with opened(store):
        yield store


@asynccontextmanager
async def opened(store: SqliteStore | PostgresStore) -> AsyncIterator[None]:
    """`store` connected and migrated for the block, closed after it."""
    await store.connect()
    try:
        await store.migrate()
        yield
    finally:
        await store.close()


def record_handoffs(conn: aiosqlite.Connection) -> list[str]:
    """What an aiosqlite connection runs on its thread from now on: each statement's SQL,
    or the name of the function when it is given none (BEGIN IMMEDIATE, polled)."""
    calls: list[str] = []
    real = conn._execute

    async def execute(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        calls.append(args[1] if len(args) > 1 and isinstance(args[1], str) else fn.__name__)
        return await real(fn, *args, **kwargs)

    conn._execute = execute  # type: ignore[method-assign]
    return calls


async def new_event(store: Store, **overrides) -> Event:
    return await events.create(store, NOW, EventFields.model_validate(event_body(**overrides)),
                               None)


async def change_event(store: Store, now, slug: str, **changes) -> Event:
    event = await events.get(store, slug)
    return await events.update(store, now, event.id, changes)


async def sign_up(store: Store, now, event: Event, n: int) -> Registration:
    outcome = await registrations.register(store, now, event,
                                           RegistrationIn.model_validate(person(n)))
    return outcome.registration
