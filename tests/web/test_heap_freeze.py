"""webinar.web.heap: the served app's start-up heap is frozen out of the garbage
collector's walks, after its resources are open and the hot pages' templates loaded; the
app `webinar serve` runs (webinar.cli.served_app) is one such app, and the plain app
factory's (what tests and embedders build) is not."""

from __future__ import annotations

import gc

from webinar.app import create_app
from webinar.cli import served_app
from webinar.web.heap import freeze_after_startup


async def test_the_heap_is_frozen_once_started_and_pages_still_render(aiohttp_client,
                                                                      settings, clock):
    app = create_app(settings, clock=clock)
    freeze_after_startup(app)
    assert gc.get_freeze_count() == 0
    try:
        client = await aiohttp_client(app)
        assert gc.get_freeze_count() > 10_000  # modules, validators, templates, locales
        for path in ("/healthz", "/"):
            assert (await client.get(path)).status == 200
    finally:
        gc.unfreeze()  # this test process builds many more apps


async def test_the_app_webinar_serve_runs_freezes_and_the_factorys_does_not(aiohttp_client,
                                                                          settings):
    plain = await aiohttp_client(create_app(settings))
    assert (await plain.get("/healthz")).status == 200
    assert gc.get_freeze_count() == 0
    try:
        client = await aiohttp_client(served_app(settings, None))
        assert gc.get_freeze_count() > 10_000
        assert (await client.get("/healthz")).status == 200
    finally:
        gc.unfreeze()
