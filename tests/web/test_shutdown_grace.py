"""Stopping the web app (webinar.web.shutdown): a request whose body is all in when the
stop begins is not cut with the ones still sending theirs; it finishes within the grace
and its client gets the answer."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web

from tests.conftest import free_port
from webinar.app import create_app
from webinar.web.shutdown import GRACE_SECONDS


async def test_a_request_being_handled_finishes_during_the_stop(settings):
    app = create_app(settings)
    started = asyncio.Event()
    finish = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        body = await request.read()  # all of it: the request is being handled
        started.set()
        await finish.wait()  # still working when the stop begins
        return web.json_response({"got": len(body)})

    app.router.add_post("/slow-test", slow)
    runner = web.AppRunner(app, shutdown_timeout=GRACE_SECONDS)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        async with aiohttp.ClientSession() as http:
            answer = asyncio.ensure_future(
                http.post(f"http://127.0.0.1:{port}/slow-test", data=b"x" * 1000))
            await asyncio.wait_for(started.wait(), 30)
            stopping = asyncio.ensure_future(runner.cleanup())
            await asyncio.sleep(0.2)  # the stop is under way: on_shutdown hooks have run
            assert not stopping.done()  # it waits for the handler
            finish.set()
            response = await asyncio.wait_for(answer, 30)
            assert response.status == 200
            assert await response.json() == {"got": 1000}
            await asyncio.wait_for(stopping, GRACE_SECONDS * 3)
    finally:
        finish.set()
        await runner.cleanup()
