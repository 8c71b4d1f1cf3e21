"""The sign-in throttle: its own limits per client address and per account-and-address
pair, whatever WEBINAR_RATE_LIMIT says, driven by an injected monotonic clock."""

from __future__ import annotations

from aiohttp import web

from tests.conftest import csrf_from, resources_of
from webinar.app import create_app
from webinar.organizers import accounts as organizers
from webinar.web.keys import LOGIN_THROTTLE
from webinar.web.security import LoginThrottle

ORGANIZER = "org@example.org"
PASSWORD = "a long password"


class Ticks:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@web.middleware
async def remote_from_header(request: web.Request, handler):
    """Test only: lets one test client speak from several client addresses."""
    remote = request.headers.get("X-Test-Remote")
    return await handler(request.clone(remote=remote) if remote else request)


async def throttled_client(aiohttp_client, settings, clock, ticks: Ticks, **limits):
    # The registration limit is off (the fixture's WEBINAR_RATE_LIMIT=0): sign-in keeps its own.
    assert settings.rate_limit == "0"
    app = create_app(settings, clock=clock)
    app.middlewares.insert(0, remote_from_header)
    app[LOGIN_THROTTLE] = LoginThrottle(monotonic=ticks, **limits)
    client = await aiohttp_client(app)
    res = resources_of(client)
    await organizers.create(res.store, res.now(), ORGANIZER, PASSWORD)
    return client


async def attempt(client, password: str, remote: str, lang: str = "es"):
    page = await client.get(f"/admin/login?lang={lang}", headers={"X-Test-Remote": remote})
    form = {"email": ORGANIZER, "password": password, "next": "/admin/",
            "csrf_token": csrf_from(await page.text())}
    return await client.post("/admin/login", allow_redirects=False, data=form,
                             headers={"X-Test-Remote": remote})


async def test_failures_per_account_and_address_are_limited(aiohttp_client, settings, clock):
    ticks = Ticks()
    client = await throttled_client(aiohttp_client, settings, clock, ticks)
    statuses = [(await attempt(client, "wrong guess", "203.0.113.7")).status for _ in range(11)]
    assert statuses == [401] * 10 + [429]
    blocked = await attempt(client, PASSWORD, "203.0.113.7", lang="en")
    assert blocked.status == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert "Too many" in await blocked.text()
    # The organizer elsewhere is not locked out by a stranger's guesses.
    elsewhere = await attempt(client, PASSWORD, "198.51.100.20")
    assert elsewhere.status == 303
    # Time frees the pair again.
    ticks.now += 15 * 60
    assert (await attempt(client, PASSWORD, "203.0.113.7")).status == 303


async def test_tries_per_address_are_limited_across_accounts(aiohttp_client, settings, clock):
    ticks = Ticks()
    client = await throttled_client(aiohttp_client, settings, clock, ticks)
    statuses = []
    for n in range(31):
        # Any post is a try (these fail fast on the form token, before any password check).
        resp = await client.post("/admin/login", headers={"X-Test-Remote": "203.0.113.9"}, data={
            "email": f"someone{n}@example.org", "password": "guess"})
        statuses.append(resp.status)
    assert statuses[:30] == [400] * 30 and statuses[30] == 429
    es = await attempt(client, PASSWORD, "203.0.113.9", lang="es")
    assert es.status == 429 and es.headers["Retry-After"]
    assert "Demasiados intentos" in await es.text()
    assert (await attempt(client, PASSWORD, "198.51.100.20")).status == 303
    ticks.now += 60
    assert (await attempt(client, PASSWORD, "203.0.113.9")).status == 303


async def test_a_success_clears_the_pairs_failures(aiohttp_client, settings, clock):
    ticks = Ticks()
    client = await throttled_client(aiohttp_client, settings, clock, ticks,
                                    failures_per_account=(3, 900.0))
    for _ in range(2):
        assert (await attempt(client, "typo", "203.0.113.7")).status == 401
    assert (await attempt(client, PASSWORD, "203.0.113.7")).status == 303
    statuses = [(await attempt(client, "typo", "203.0.113.7")).status for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
