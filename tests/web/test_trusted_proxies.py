"""Behind a load balancer every request comes from its address: the registration limit
must key on the client it forwarded for (WEBINAR_TRUSTED_PROXIES), not on the balancer,
or one busy forum's visitors would share one allowance. A client that writes its own
X-Forwarded-For to a server with no trusted proxy gains nothing by it."""

from __future__ import annotations

from tests.conftest import create_event, person, register_api
from webinar.app import create_app


async def post(client, slug: str, n: int, forwarded_for: str):
    body = {**person(n), "consent": True}
    resp = await client.post(f"/api/v1/events/{slug}/registrations", json=body,
                             headers={"X-Forwarded-For": forwarded_for})
    return resp.status


async def test_limit_keys_on_the_forwarded_client_behind_a_trusted_proxy(
        aiohttp_client, settings, clock):
    app = create_app(settings.model_copy(update={"rate_limit": "2/minute",
                                                 "trusted_proxies": "127.0.0.0/8, ::1"}),
                     clock=clock)
    client = await aiohttp_client(app)
    slug = (await create_event(client))["slug"]
    one = [await post(client, slug, n, "203.0.113.1") for n in range(3)]
    assert one == [201, 201, 429]
    # Another visitor behind the same balancer has their own allowance; a hop the
    # client wrote itself (left of the balancer's) changes nothing.
    assert await post(client, slug, 10, "198.51.100.7") == 201
    assert await post(client, slug, 11, "192.0.2.99, 203.0.113.1") == 429


async def test_forwarded_for_is_ignored_without_trusted_proxies(aiohttp_client, settings,
                                                               clock):
    app = create_app(settings.model_copy(update={"rate_limit": "2/minute"}), clock=clock)
    client = await aiohttp_client(app)
    slug = (await create_event(client))["slug"]
    statuses = [await post(client, slug, n, f"203.0.113.{n}") for n in range(3)]
    assert statuses == [201, 201, 429]
    assert (await register_api(client, slug, person(9))).status == 429
