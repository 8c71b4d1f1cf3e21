"""Rate limits and the sign-in throttle across processes: two app instances with two
stores on one database stand for two web processes. On PostgreSQL they share one limit
(the `rate_limits` table, migration 0011); on SQLite each keeps its own, as documented
(webinar.web.security.RateLimit). The table holds HMACs of the client, never its
address, and only for as long as the window lasts."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import (
    create_event,
    csrf_from,
    db_rows,
    person,
    register_api,
    resources_of,
    run_scheduler,
)
from webinar.app import create_app
from webinar.organizers import accounts as organizers

PASSWORD = "a long password"


async def two_processes(aiohttp_client, settings, clock):
    limited = settings.model_copy(update={"rate_limit": "3/minute"})
    first = await aiohttp_client(create_app(limited, clock=clock))
    second = await aiohttp_client(create_app(limited, clock=clock))
    return first, second


async def test_two_processes_share_the_registration_limit(aiohttp_client, settings, clock,
                                                          store_kind):
    first, second = await two_processes(aiohttp_client, settings, clock)
    event = await create_event(first)
    statuses = [(await register_api((first, second)[n % 2], event["slug"], person(n))).status
                for n in range(6)]
    if store_kind == "postgres":
        # One limit for both: three sign-ups from this address in the minute, then 429.
        assert statuses == [201, 201, 201, 429, 429, 429]
        rows = db_rows(first, "SELECT key, hits FROM rate_limits")
        assert len(rows) == 1 and rows[0]["hits"] == 6
        assert "127.0.0.1" not in rows[0]["key"] and len(rows[0]["key"]) == 32
        # The next window allows again; the ended one is gone after a scheduler pass.
        clock.advance(timedelta(seconds=61))
        await run_scheduler(first)
        assert db_rows(first, "SELECT key FROM rate_limits") == []
        assert (await register_api(second, event["slug"], person(7))).status == 201
    else:
        # SQLite: each process counts its own (one machine, one process as deployed).
        assert statuses == [201] * 6
        assert (await register_api(first, event["slug"], person(7))).status == 429
        assert db_rows(first, "SELECT key FROM rate_limits") == []


async def sign_in(client, password: str):
    page = await client.get("/admin/login")
    form = {"email": "org@example.org", "password": password, "next": "/admin/",
            "csrf_token": csrf_from(await page.text())}
    return await client.post("/admin/login", data=form, allow_redirects=False)


async def test_two_processes_share_the_sign_in_throttle(aiohttp_client, settings, clock,
                                                        store_kind):
    first, second = await two_processes(aiohttp_client, settings, clock)
    res = resources_of(first)
    await organizers.create(res.store, res.now(), "org@example.org", PASSWORD)
    statuses = [(await sign_in((first, second)[n % 2], "wrong guess")).status
                for n in range(12)]
    if store_kind == "postgres":
        # Ten failures of this account from this address, whichever process saw them.
        assert statuses == [401] * 10 + [429] * 2
        assert (await sign_in(first, PASSWORD)).status == 429
        assert (await sign_in(second, PASSWORD)).status == 429
        clock.advance(timedelta(minutes=15))
        assert (await sign_in(second, PASSWORD)).status == 303
        keys = [r["key"] for r in db_rows(first, "SELECT key FROM rate_limits")]
        assert keys and not any("org@example.org" in k or "127.0.0.1" in k for k in keys)
    else:
        assert statuses == [401] * 12
