"""JSON bodies of the API: how they are read (nesting depth, content type)."""

from __future__ import annotations

import json
import logging

from tests.conftest import create_event, db_rows, event_body, organizer_token, person
from webinar.web.openapi import openapi_document

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


async def test_json_sent_as_text_plain_is_refused_with_415(client):
    """A cross-site "simple" request (text/plain, no CORS preflight) cannot register anyone."""
    event = await create_event(client)
    url = f"/api/v1/events/{event['slug']}/registrations"
    body = json.dumps({**person(1), "consent": True})
    for ctype in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                  None, "application/json; charset=iso-8859-1"):
        headers = {"Content-Type": ctype} if ctype else {}
        resp = await client.post(url, data=body.encode(), headers=headers,
                                 skip_auto_headers=["Content-Type"])
        assert resp.status == 415, ctype
        assert (await resp.json())["error"] == "unsupported_media_type"
    assert db_rows(client, "SELECT COUNT(*) AS n FROM registrations")[0]["n"] == 0
    ok = await client.post(url, data=body.encode(),
                           headers={"Content-Type": "application/json; charset=UTF-8"})
    assert ok.status == 201


async def test_organizer_bodies_need_json_too(client):
    token = await organizer_token(client)
    auth = {"Authorization": f"Bearer {token}"}
    created = await client.post("/api/v1/events", data=json.dumps(event_body()),
                                headers={**auth, "Content-Type": "text/plain"})
    assert created.status == 415
    event = await create_event(client, token, slug="otro-foro")
    patched = await client.patch(f"/api/v1/events/{event['slug']}",
                                 data=json.dumps({"title": "Nuevo"}),
                                 headers={**auth, "Content-Type": "text/plain"})
    assert patched.status == 415
    assert (await patched.json())["error"] == "unsupported_media_type"


def test_the_openapi_document_lists_415_where_a_body_is_read():
    paths = openapi_document("http://testserver")["paths"]
    for path, method in (("/api/v1/events", "post"), ("/api/v1/events/{slug}", "patch"),
                         ("/api/v1/events/{slug}/registrations", "post")):
        operation = paths[path][method]
        assert list(operation["requestBody"]["content"]) == ["application/json"]
        assert "415" in operation["responses"], (path, method)
