"""JSON bodies of the API: how they are read (nesting depth, content type)."""

from __future__ import annotations

import logging

from tests.conftest import create_event, organizer_token

DEEP = "[" * 10000 + "]" * 10000  # under the public body limit


async def test_deeply_nested_registration_body_is_a_400_json_error(client, caplog):
    event = await create_event(client)
    with caplog.at_level(logging.ERROR):
        resp = await client.post(f"/api/v1/events/{event['slug']}/registrations", data=DEEP,
                                 headers={"Content-Type": "application/json"})
    assert resp.status == 400
    body = await resp.json()
    assert body["error"] == "malformed_json" and body["message"]
    assert "Traceback" not in caplog.text and "RecursionError" not in caplog.text


async def test_deeply_nested_event_body_is_a_400_json_error(client, caplog):
    token = await organizer_token(client)
    with caplog.at_level(logging.ERROR):
        resp = await client.post("/api/v1/events", data=DEEP, headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    assert resp.status == 400
    assert (await resp.json())["error"] == "malformed_json"
    assert "Traceback" not in caplog.text and "RecursionError" not in caplog.text
