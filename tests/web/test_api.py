"""The JSON API: events (create, read, patch), registrations listing, auth, OpenAPI."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import (
    EVENT_START,
    create_event,
    db_rows,
    event_body,
    organizer_token,
    person,
    register_api,
)


async def test_create_event_requires_a_valid_bearer_token(client):
    resp = await client.post("/api/v1/events", json=event_body())
    assert resp.status == 401 and resp.headers["WWW-Authenticate"] == "Bearer"
    resp = await client.post("/api/v1/events", json=event_body(),
                             headers={"Authorization": "Bearer wbt_not-a-token"})
    assert resp.status == 401


async def test_create_event_with_defaults(client):
    event = await create_event(client)
    assert event["slug"] == "foro-digital"
    assert [s["code"] for s in event["sectors"]] == ["academic", "cooperation", "public",
                                                     "private"]
    assert event["sectors"][1]["es"] == "Cooperación internacional"
    assert event["reminders"] == ["1d", "1h"] and event["report_delay"] == "15m"
    assert event["doors_open_minutes"] == 15 and event["min_minutes_attended"] == 0
    # times come back in the event's own zone, with its offset
    assert event["starts_at"] == "2026-12-04T06:00:00-06:00"


async def test_tokens_are_stored_hashed(client):

    token = await organizer_token(client)
    stored = db_rows(client, "SELECT token_hash FROM api_tokens")[0]["token_hash"]
    assert token not in stored and len(stored) == 64


async def test_create_event_validation(client):
    token = await organizer_token(client)
    headers = {"Authorization": f"Bearer {token}"}
    bad = event_body(slug="Not A Slug", ends_at=EVENT_START.isoformat(), timezone="Mars/Base",
                     reminders=["1x"], capacity=0, starts_at="2026-12-04T12:00:00")
    resp = await client.post("/api/v1/events", json=bad, headers=headers)
    assert resp.status == 422
    errors = (await resp.json())["errors"]
    assert {"slug", "timezone", "reminders", "capacity", "starts_at"} <= set(errors)
    resp = await client.post("/api/v1/events", json=event_body(surprise=1), headers=headers)
    assert resp.status == 422 and "surprise" in (await resp.json())["errors"]


async def test_duplicate_slug_is_409(client):
    token = await organizer_token(client)
    await create_event(client, token)
    resp = await client.post("/api/v1/events", json=event_body(),
                             headers={"Authorization": f"Bearer {token}"})
    assert resp.status == 409 and "slug" in (await resp.json())["errors"]


async def test_public_event_json_hides_organizer_fields(client):
    token = await organizer_token(client)
    await create_event(client, token, capacity=10)
    await register_api(client, "foro-digital", person(1))
    public = await (await client.get("/api/v1/events/foro-digital")).json()
    assert "join_url" not in public and "organizer_emails" not in public
    assert public["registered"] == 1 and public["seats_left"] == 9
    full = await (await client.get("/api/v1/events/foro-digital",
                                   headers={"Authorization": f"Bearer {token}"})).json()
    assert full["join_url"] == "https://zoom.example.org/j/123"


async def test_patch_moves_the_event_and_raises_the_sequence(client):
    token = await organizer_token(client)
    await create_event(client, token)
    new_start = EVENT_START + timedelta(days=1)
    resp = await client.patch(
        "/api/v1/events/foro-digital",
        json={"starts_at": new_start.isoformat(),
              "ends_at": (new_start + timedelta(hours=2)).isoformat()},
        headers={"Authorization": f"Bearer {token}"})
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert body["sequence"] == 1 and body["starts_at"] == "2026-12-05T06:00:00-06:00"

    types = [r["type"] for r in db_rows(client, "SELECT type FROM event_log ORDER BY id")]
    assert "event.rescheduled" in types


async def test_patch_validates_the_merged_event(client):
    token = await organizer_token(client)
    await create_event(client, token)
    resp = await client.patch("/api/v1/events/foro-digital",
                              json={"ends_at": (EVENT_START - timedelta(hours=1)).isoformat()},
                              headers={"Authorization": f"Bearer {token}"})
    assert resp.status == 422
    resp = await client.patch("/api/v1/events/foro-digital", json={"surprise": 1},
                              headers={"Authorization": f"Bearer {token}"})
    assert resp.status == 422 and "surprise" in (await resp.json())["errors"]


async def test_other_organizers_cannot_patch(client):
    token = await organizer_token(client)
    await create_event(client, token, organizer_emails=[])
    other = await organizer_token(client, "other@example.org")
    resp = await client.patch("/api/v1/events/foro-digital", json={"title": "Mine now"},
                              headers={"Authorization": f"Bearer {other}"})
    assert resp.status == 403


async def test_raising_capacity_promotes_the_waitlist(client):
    token = await organizer_token(client)
    await create_event(client, token, capacity=1)
    for n in range(3):
        await register_api(client, "foro-digital", person(n))
    resp = await client.patch("/api/v1/events/foro-digital", json={"capacity": 2},
                              headers={"Authorization": f"Bearer {token}"})
    assert (await resp.json())["registered"] == 2


async def test_registrations_listing_pages_oldest_first(client):
    token = await organizer_token(client)
    await create_event(client, token, capacity=3)
    for n in range(5):
        await register_api(client, "foro-digital", person(n, sector="public"))
    headers = {"Authorization": f"Bearer {token}"}
    resp = await client.get("/api/v1/events/foro-digital/registrations?limit=2", headers=headers)
    page = await resp.json()
    assert [r["email"] for r in page["registrations"]] == ["persona0@example.org",
                                                          "persona1@example.org"]
    first = page["registrations"][0]
    assert set(first) >= {"id", "email", "name", "sector", "country", "language", "status",
                          "created_at", "join_link", "manage_link", "attended", "minutes"}
    assert first["join_link"].startswith("http://testserver/j/")
    seen = [r["email"] for r in page["registrations"]]
    while page["next"]:
        nxt = page["next"].replace("http://testserver", "")
        page = await (await client.get(nxt, headers=headers)).json()
        seen += [r["email"] for r in page["registrations"]]
    assert seen == [f"persona{n}@example.org" for n in range(5)]
    waiting = await (await client.get(
        "/api/v1/events/foro-digital/registrations?status=waitlisted", headers=headers)).json()
    assert [r["status"] for r in waiting["registrations"]] == ["waitlisted", "waitlisted"]
    bad = await client.get("/api/v1/events/foro-digital/registrations?limit=0&status=x",
                           headers=headers)
    assert bad.status == 422 and set((await bad.json())["errors"]) == {"limit", "status"}
    assert (await client.get("/api/v1/events/foro-digital/registrations")).status == 401


async def test_openapi_describes_every_api_route(client):
    doc = await (await client.get("/api/v1/openapi.json")).json()
    routes = {(method.upper(), path) for path, ops in doc["paths"].items() for method in ops
              if method in ("get", "post", "patch", "put", "delete")}
    served = {(r.method, r.resource.canonical) for r in client.server.app.router.routes()
              if r.resource is not None and r.resource.canonical.startswith("/api/")
              and r.method != "HEAD"}
    assert served <= routes, served - routes
    assert doc["components"]["schemas"]["RegistrationIn"]["properties"]["email"]


async def test_healthz(client):
    resp = await client.get("/healthz")
    assert resp.status == 200 and (await resp.json()) == {"status": "ok"}


async def test_unknown_api_route_and_method_are_json(client):
    resp = await client.get("/api/v1/nothing")
    assert resp.status == 404 and (await resp.json())["error"] == "not_found"
    resp = await client.delete("/api/v1/events/x")
    assert resp.status == 405 and (await resp.json())["error"] == "method_not_allowed"


async def test_front_page_lists_upcoming_published_events(client, clock):
    token = await organizer_token(client)
    await create_event(client, token, slug="open-one", title="Foro abierto")
    await create_event(client, token, slug="draft-one", title="Borrador", status="draft")
    html = await (await client.get("/")).text()
    assert "Foro abierto" in html and "Borrador" not in html
    clock.advance(days=10)
    assert "Foro abierto" not in await (await client.get("/")).text()
