"""A client that hangs up before its request body arrives (a phone losing its signal in
the middle of a registration) is not an error: nothing at ERROR in the log (aiohttp's own
"Error handling request" line would carry the client's address), and the server goes on
answering. The app runs as `webinar serve` runs it (web.AppRunner's defaults: the handler
is not cancelled, its body read fails), not on the test server, which cancels it."""

from __future__ import annotations

import asyncio
import logging

import pytest
from aiohttp import ClientSession, web

from tests.conftest import event_body, free_port
from webinar.app import create_app
from webinar.organizers import accounts as organizers
from webinar.web.keys import RESOURCES


@pytest.mark.once  # about the web layer: no store behaviour involved
async def test_a_client_gone_mid_body_logs_no_error(settings, clock, caplog):
    runner = web.AppRunner(create_app(settings, clock=clock))
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    base = f"http://127.0.0.1:{port}"
    try:
        res = runner.app[RESOURCES]
        await organizers.create(res.store, res.now(), "org@example.org", "a long password")
        token = await organizers.create_token(res.store, res.now(), "org@example.org")
        async with ClientSession() as http:
            resp = await http.post(f"{base}/api/v1/events", json=event_body(),
                                   headers={"Authorization": f"Bearer {token}"})
            assert resp.status == 201
        with caplog.at_level(logging.DEBUG), \
                caplog.at_level(logging.DEBUG, "webinar.web.middleware"):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"POST /api/v1/events/foro-digital/registrations HTTP/1.1\r\n"
                         b"Host: localhost\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 500\r\n\r\n{\"name\": \"Persona")
            await writer.drain()
            await asyncio.sleep(0.2)  # the handler now waits for the rest of the body
            writer.close()
            await writer.wait_closed()
            await asyncio.sleep(0.2)
            async with ClientSession() as http, http.get(f"{base}/healthz") as resp:
                assert resp.status == 200  # still answering
    finally:
        await runner.cleanup()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    assert any("client gone" in r.getMessage() for r in caplog.records)
