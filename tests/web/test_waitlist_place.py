"""A waitlisted person sees their place in line, in the order the waitlist is served."""

from __future__ import annotations

from tests.conftest import cancel_registration, create_event, person, submit_form


async def _manage(client, n: int) -> str:
    resp = await submit_form(client, "foro-digital", person(n))
    return resp.headers["Location"].split("?")[0]


async def test_place_in_line_follows_the_waitlist(client):
    await create_event(client, capacity=1)
    first, second, third = [await _manage(client, n) for n in (1, 2, 3)]
    assert "in line" not in await (await client.get(f"{first}?lang=en")).text()
    assert "You are number 1 in line." in await (await client.get(f"{second}?lang=en")).text()
    assert "You are number 2 in line." in await (await client.get(f"{third}?lang=en")).text()
    assert "Usted es el número 2 en la fila." in await (await client.get(f"{third}?lang=es")).text()
    await cancel_registration(client, first.split("/r/")[1])  # the second gets the seat
    assert "You are number 1 in line." in await (await client.get(f"{third}?lang=en")).text()
    assert "in line" not in await (await client.get(f"{second}?lang=en")).text()
