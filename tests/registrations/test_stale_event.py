"""Registration services decide on the event as it is inside their own write transaction,
not on the copy the caller read before: a sign-up racing the event's cancellation is
refused, and a capacity cut racing a sign-up or a cancellation never overfills. Each test
changes the event through one store and acts through another (two connections on one
SQLite file, as the web and scheduler processes have), with the caller's stale copy."""

from __future__ import annotations

import pytest

from tests.conftest import create_event, db_rows, person, resources_of
from webinar.errors import RegistrationClosed
from webinar.events import service as events_service
from webinar.registrations import service as registration_service
from webinar.registrations.fields import RegistrationIn
from webinar.runtime import open_resources


def data(n: int) -> RegistrationIn:
    return RegistrationIn.model_validate(person(n))


def statuses(client) -> list[str]:
    return [r["status"] for r in db_rows(client, "SELECT status FROM registrations ORDER BY id")]


async def test_sign_up_racing_the_events_cancellation_is_refused(client, settings):
    await create_event(client)
    res = resources_of(client)
    stale = await events_service.get(res.store, "foro-digital")  # what register() was given
    async with open_resources(settings, res.clock) as other:
        await events_service.update(res.store, res.now(), stale.id, {"status": "cancelled"})
        with pytest.raises(RegistrationClosed):
            await registration_service.register(other.store, res.now(), stale, data(1))
    assert statuses(client) == []
    types = [r["type"] for r in db_rows(client, "SELECT type FROM event_log")]
    assert "registration.created" not in types


async def test_sign_up_after_a_capacity_cut_is_waitlisted(client, settings):
    await create_event(client, capacity=2)
    res = resources_of(client)
    await registration_service.register(
        res.store, res.now(), await events_service.get(res.store, "foro-digital"), data(1))
    stale = await events_service.get(res.store, "foro-digital")  # capacity 2
    async with open_resources(settings, res.clock) as other:
        await events_service.update(res.store, res.now(), stale.id, {"capacity": 1})
        outcome = await registration_service.register(other.store, res.now(), stale, data(2))
    assert outcome.registration.status == "waitlisted"
    assert statuses(client) == ["confirmed", "waitlisted"]


async def test_capacity_cut_racing_a_cancellation_does_not_overfill(client, settings):
    await create_event(client, capacity=2)
    res = resources_of(client)
    event = await events_service.get(res.store, "foro-digital")
    first = (await registration_service.register(res.store, res.now(), event, data(1)))
    await registration_service.register(res.store, res.now(), event, data(2))
    await registration_service.register(res.store, res.now(), event, data(3))
    assert statuses(client) == ["confirmed", "confirmed", "waitlisted"]
    stale = await events_service.get(res.store, "foro-digital")  # capacity 2
    async with open_resources(settings, res.clock) as other:
        await events_service.update(res.store, res.now(), stale.id, {"capacity": 1})
        await registration_service.cancel(other.store, res.now(), stale,
                                          first.registration.token)
    assert statuses(client) == ["cancelled", "confirmed", "waitlisted"]
