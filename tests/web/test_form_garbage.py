"""A sign-up through the form leaves no garbage in reference cycles: its 303 is returned,
not raised (a raised redirect's exception and traceback form cycles that only the
garbage collector's walks free, and those walks stop the event loop)."""

from __future__ import annotations

import gc

from tests.conftest import create_event, csrf_from, person


def _cyclic_garbage() -> int:
    """What a full collection frees now (after one to clear what came before)."""
    before = sum(s["collected"] for s in gc.get_stats())
    gc.collect()
    return sum(s["collected"] for s in gc.get_stats()) - before


async def test_a_form_sign_up_leaves_no_cyclic_garbage(client):
    event = await create_event(client)
    token = csrf_from(await (await client.get(f"/events/{event['slug']}")).text())

    async def sign_up(n: int):
        return await client.post(f"/events/{event['slug']}/register", allow_redirects=False,
                                 data={**person(n), "csrf_token": token})

    first = await sign_up(1)  # the path's first run warms caches
    assert first.status == 303
    gc.collect()
    for n in range(2, 7):
        resp = await sign_up(n)
        assert resp.status == 303 and "welcome=1" in resp.headers["Location"]
        assert resp.headers["Cache-Control"] == "no-store"
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert _cyclic_garbage() == 0
