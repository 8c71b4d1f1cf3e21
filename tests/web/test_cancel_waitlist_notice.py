"""'Your seat goes to the next person on the waitlist' only where it is true: a seat
holder, with someone waiting."""

from __future__ import annotations

from tests.conftest import create_event, person, submit_form

SENTENCE = "Your seat goes to the next person on the waitlist."


async def _manage(client, n: int) -> str:
    resp = await submit_form(client, "foro-digital", person(n))
    return resp.headers["Location"].split("?")[0]


async def test_only_a_seat_holder_with_someone_waiting_reads_it(client):
    await create_event(client, capacity=1)
    first = await _manage(client, 1)
    alone = await (await client.get(f"{first}/cancel?lang=en")).text()
    assert SENTENCE not in alone  # full, but nobody is waiting
    second = await _manage(client, 2)  # waitlisted
    assert SENTENCE in await (await client.get(f"{first}/cancel?lang=en")).text()
    waiting = await (await client.get(f"{second}/cancel?lang=en")).text()
    assert SENTENCE not in waiting  # holds no seat


async def test_not_on_an_event_without_capacity(client):
    await create_event(client, capacity=None)
    first = await _manage(client, 1)
    assert SENTENCE not in await (await client.get(f"{first}/cancel?lang=en")).text()
