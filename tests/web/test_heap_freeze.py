"""webinar.web.heap: the served app's start-up heap is frozen out of the garbage
collector's walks, after its resources are open and the hot pages' templates loaded."""

from __future__ import annotations

import gc

from webinar.app import create_app
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
