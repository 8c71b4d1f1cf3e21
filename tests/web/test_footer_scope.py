"""'Your data is used only to run this event' only on pages about one event's
registration (the form, the manage pages), not on the list, 404s or organizer pages."""

from __future__ import annotations

from tests.conftest import create_event, person, submit_form

SENTENCE = "Your data is used only to run this event."


async def test_the_data_sentence_only_where_an_event_holds_data(client):
    await create_event(client)
    manage = (await submit_form(client, "foro-digital", person(1))).headers["Location"]
    manage = manage.split("?")[0]
    for path in ("/events/foro-digital", manage, f"{manage}/cancel", f"{manage}/details"):
        assert SENTENCE in await (await client.get(f"{path}?lang=en")).text(), path
    for path in ("/", "/nope", "/events/nope", "/admin/login", "/r/nope"):
        assert SENTENCE not in await (await client.get(f"{path}?lang=en")).text(), path
