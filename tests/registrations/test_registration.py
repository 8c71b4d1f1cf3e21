"""Registration through the form and the API: both languages, bad input, duplicates,
cancellation, waitlist and promotion, and capacity under concurrent sign-ups."""

from __future__ import annotations

import asyncio

from tests.conftest import (
    create_event,
    csrf_from,
    db_rows,
    person,
    register_api,
    resources_of,
    submit_form,
)


def rows(client, event_slug: str) -> list:
    return db_rows(
        client,
        "SELECT r.* FROM registrations r JOIN events e ON e.id = r.event_id WHERE e.slug = ?"
        " ORDER BY r.id", (event_slug,))


def log_types(client) -> list[str]:
    return [r["type"] for r in db_rows(client, "SELECT type FROM event_log ORDER BY id")]


# --- the form, in both languages ------------------------------------------------------

async def test_form_in_spanish_by_default(client):
    event = await create_event(client)
    page = await client.get(f"/events/{event['slug']}")
    html = await page.text()
    assert '<html lang="es">' in html
    assert ">Inscribirse</button>" in html  # the submit button in Spanish
    # Guatemala heads the country list, names in Spanish
    first_option = html.split('<select id="country"')[1].split("</option>")[1]
    assert 'value="GT"' in first_option
    assert "Alemania" in html
    # the start in the event's zone, with its offset
    assert "06:00" in html and "UTC\u221206:00" in html


async def test_form_flow_in_english(client):
    event = await create_event(client)
    page = await client.get(f"/events/{event['slug']}?lang=en")
    html = await page.text()
    assert '<html lang="en">' in html and "Germany" in html
    resp = await submit_form(client, event["slug"], person(1, language="en"), lang="en")
    assert resp.status == 303
    location = resp.headers["Location"]
    assert location.startswith("/r/") and "welcome=1" in location
    manage = await client.get(location)
    text = await manage.text()
    assert '<html lang="en">' in text
    assert "You are registered" in text
    [row] = rows(client, event["slug"])
    assert row["status"] == "confirmed" and row["language"] == "en"
    assert row["consent_at"]  # consent is time-stamped


async def test_form_success_stores_normalised_fields_and_logs_event(client):
    event = await create_event(client)
    data = person(1, email="  Ana.Perez@Example.ORG ", name="  Ana   Pérez ", country="gt")
    resp = await submit_form(client, event["slug"], data)
    assert resp.status == 303
    [row] = rows(client, event["slug"])
    assert row["email"] == "ana.perez@example.org"
    assert row["name"] == "Ana Pérez"
    assert row["country"] == "GT"
    assert len(row["token"]) >= 22  # at least 128 bits, URL-safe
    assert "registration.created" in log_types(client)


async def test_language_cookie_remembers_the_switch(client):
    event = await create_event(client)
    await client.get(f"/events/{event['slug']}?lang=en")
    page = await client.get(f"/events/{event['slug']}", headers={"Accept-Language": "es"})
    assert '<html lang="en">' in await page.text()


async def test_accept_language_picks_english(client):
    event = await create_event(client)
    page = await client.get(f"/events/{event['slug']}",
                            headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="en">' in await page.text()


# --- bad input ------------------------------------------------------------------------

async def test_form_errors_are_shown_per_field_in_spanish_and_input_is_kept(client):
    event = await create_event(client)
    bad = person(1, email="not-an-email", sector="astronauts", country="XX", consent="")
    bad["name"] = "Ana <b>Pérez</b>"
    resp = await submit_form(client, event["slug"], bad)
    assert resp.status == 422
    html = await resp.text()
    assert 'id="email-error"' in html and 'id="sector-error"' in html
    assert 'id="country-error"' in html and 'id="consent-error"' in html
    assert 'id="name-error"' not in html
    assert "correo" in html.lower()  # the email error, in Spanish
    # input kept, and escaped
    assert 'value="not-an-email"' in html
    assert "Ana &lt;b&gt;Pérez&lt;/b&gt;" in html
    assert "<b>Pérez</b>" not in html
    assert rows(client, event["slug"]) == []


async def test_form_errors_in_english(client):
    event = await create_event(client)
    resp = await submit_form(client, event["slug"], person(1, email="x@"), lang="en")
    assert resp.status == 422
    assert "Enter a valid email address" in await resp.text()


async def test_missing_fields_are_reported(client):
    event = await create_event(client)
    resp = await submit_form(client, event["slug"], {"name": ""})
    assert resp.status == 422
    html = await resp.text()
    for name in ("name", "email", "sector", "country", "consent"):
        assert f'id="{name}-error"' in html, name


async def test_api_rejects_bad_input_with_field_errors(client):
    event = await create_event(client)
    resp = await register_api(client, event["slug"], person(1, email="bad", country="ZZ"))
    assert resp.status == 422
    body = await resp.json()
    assert set(body["errors"]) == {"email", "country"}
    assert rows(client, event["slug"]) == []


async def test_api_malformed_json_and_wrong_shapes(client):
    event = await create_event(client)
    url = f"/api/v1/events/{event['slug']}/registrations"
    resp = await client.post(url, data=b"{not json", headers={"Content-Type": "application/json"})
    assert resp.status == 400
    assert (await resp.json())["error"] == "malformed_json"
    resp = await client.post(url, json=[1, 2, 3])
    assert resp.status == 422
    resp = await client.post(url, json={"name": 5, "email": ["x"], "consent": "maybe"})
    assert resp.status == 422
    assert {"name", "email", "consent"} <= set((await resp.json())["errors"])


async def test_header_injection_in_name_is_refused(client):
    event = await create_event(client)
    resp = await register_api(client, event["slug"],
                              person(1, name="Eve\r\nBcc: victim@example.org"))
    assert resp.status == 422
    assert "name" in (await resp.json())["errors"]


async def test_unknown_event_is_404_on_page_form_and_api(client):
    assert (await client.get("/events/nope")).status == 404
    resp = await client.post("/events/nope/register", data={"name": "x"})
    assert resp.status == 404
    resp = await client.post("/api/v1/events/nope/registrations", json=person(1))
    assert resp.status == 404
    assert (await resp.json())["error"] == "not_found"


async def test_draft_event_is_not_public(client):
    event = await create_event(client, status="draft")
    assert (await client.get(f"/events/{event['slug']}")).status == 404
    assert (await register_api(client, event["slug"], person(1))).status == 404


# --- duplicates -----------------------------------------------------------------------

async def test_duplicate_creates_nothing_and_reveals_no_token(client):
    event = await create_event(client)
    first = await submit_form(client, event["slug"], person(1))
    token = first.headers["Location"].split("/r/")[1].split("?")[0]
    again = await submit_form(client, event["slug"], person(1, email="PERSONA1@example.org ",
                                                            name="Someone Else"))
    assert again.status == 200
    html = await again.text()
    assert token not in html
    assert "persona1@example.org" in html
    api = await register_api(client, event["slug"], person(1, email="Persona1@Example.org"))
    assert api.status == 409
    assert token not in await api.text()
    [row] = rows(client, event["slug"])
    assert row["token"] == token and row["name"] == "Persona 1"
    assert (log_types(client)).count("registration.duplicate") == 2


# --- cancellation, waitlist, promotion ------------------------------------------------

async def test_cancel_from_the_manage_page(client):
    event = await create_event(client)
    resp = await submit_form(client, event["slug"], person(1))
    manage_url = resp.headers["Location"].split("?")[0]
    page = await client.get(f"{manage_url}/cancel")
    token = csrf_from(await page.text())
    resp = await client.post(f"{manage_url}/cancel", data={"csrf_token": token},
                             allow_redirects=False)
    assert resp.status == 303
    page = await client.get(resp.headers["Location"])
    assert "cancelada" in (await page.text()).lower()
    [row] = rows(client, event["slug"])
    assert row["status"] == "cancelled" and row["cancelled_at"]


async def test_cancel_without_csrf_changes_nothing(client):
    event = await create_event(client)
    resp = await submit_form(client, event["slug"], person(1))
    manage_url = resp.headers["Location"].split("?")[0]
    resp = await client.post(f"{manage_url}/cancel", data={}, allow_redirects=False)
    assert resp.status == 400
    [row] = rows(client, event["slug"])
    assert row["status"] == "confirmed"


async def test_waitlist_and_promotion_on_cancel(client):
    event = await create_event(client, capacity=2)
    statuses = []
    for n in range(1, 5):
        resp = await register_api(client, event["slug"], person(n))
        assert resp.status == 201
        statuses.append((await resp.json())["status"])
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    page = await client.get(f"/events/{event['slug']}")
    assert ">Unirse a la lista de espera</button>" in await page.text()

    first = (rows(client, event["slug"]))[0]
    page = await client.get(f"/r/{first['token']}/cancel")
    await client.post(f"/r/{first['token']}/cancel",
                      data={"csrf_token": csrf_from(await page.text())})
    by_email = {r["email"]: r["status"] for r in rows(client, event["slug"])}
    assert by_email == {"persona1@example.org": "cancelled", "persona2@example.org": "confirmed",
                        "persona3@example.org": "confirmed", "persona4@example.org": "waitlisted"}
    types = log_types(client)
    assert types[-2:] == ["registration.cancelled", "registration.promoted"]


async def test_cancelled_person_can_register_again_with_the_same_token(client):
    event = await create_event(client)
    resp = await register_api(client, event["slug"], person(1))
    token = (await resp.json())["manage_link"].rsplit("/", 1)[1]
    page = await client.get(f"/r/{token}/cancel")
    await client.post(f"/r/{token}/cancel", data={"csrf_token": csrf_from(await page.text())})
    again = await register_api(client, event["slug"], person(1))
    assert again.status == 201
    assert (await again.json())["manage_link"].endswith(token)
    [row] = rows(client, event["slug"])
    assert row["status"] == "confirmed"


async def test_registration_closes_at_the_end(client, clock):
    event = await create_event(client)
    clock.advance(days=3, hours=1)  # during the event: latecomers still register
    assert (await register_api(client, event["slug"], person(1))).status == 201
    clock.advance(hours=2)  # after the end
    resp = await register_api(client, event["slug"], person(2))
    assert resp.status == 409 and (await resp.json())["error"] == "registration_closed"
    page = await client.get(f"/events/{event['slug']}")
    assert 'action="/events/' not in await page.text()


async def second_app(aiohttp_client, settings, clock):
    """Another app on the same database file: its own SqliteStore, connections and
    in-process write lock, as a second web process has. Only SQLite's file lock (taken by
    BEGIN IMMEDIATE) orders the two apps' transactions."""
    from webinar.app import create_app

    return await aiohttp_client(create_app(settings, clock=clock))


async def test_sixty_concurrent_registrations_on_twenty_seats_across_two_apps(
        client, aiohttp_client, settings, clock):
    event = await create_event(client, capacity=20)
    other = await second_app(aiohttp_client, settings, clock)
    assert resources_of(other).store is not resources_of(client).store
    responses = await asyncio.gather(*(
        register_api(other if n % 2 else client, event["slug"], person(n)) for n in range(60)
    ))
    assert [r.status for r in responses] == [201] * 60
    statuses = [(await r.json())["status"] for r in responses]
    assert statuses.count("confirmed") == 20 and statuses.count("waitlisted") == 40
    res = resources_of(client)
    event_id = (rows(client, event["slug"]))[0]["event_id"]
    assert await res.store.registrations.counts(event_id) == {
        "confirmed": 20, "waitlisted": 40, "cancelled": 0}


async def test_concurrent_form_posts_across_two_apps_respect_capacity(
        client, aiohttp_client, settings, clock):
    event = await create_event(client, capacity=5)
    other = await second_app(aiohttp_client, settings, clock)
    results = await asyncio.gather(*(
        submit_form(other if n % 2 else client, event["slug"], person(n)) for n in range(15)
    ))
    assert all(r.status == 303 for r in results)
    statuses = [r["status"] for r in rows(client, event["slug"])]
    assert statuses.count("confirmed") == 5 and statuses.count("waitlisted") == 10


async def test_capacity_holds_across_two_processes_on_one_database(client, settings):
    """Two independent connections (as the web and scheduler processes have) racing for
    the last seats: SQLite's write lock, taken by BEGIN IMMEDIATE, keeps the count right."""
    from webinar.events import service as events_service
    from webinar.registrations import service as registration_service
    from webinar.registrations.fields import RegistrationIn
    from webinar.runtime import open_resources

    await create_event(client, capacity=10)
    res = resources_of(client)
    async with open_resources(settings, res.clock) as other:
        event = await events_service.get(res.store, "foro-digital")

        def data(n):
            return RegistrationIn.model_validate(person(n))

        await asyncio.gather(*(
            registration_service.register((res if n % 2 else other).store, res.now(), event,
                                          data(n))
            for n in range(30)
        ))
    statuses = [r["status"] for r in rows(client, "foro-digital")]
    assert statuses.count("confirmed") == 10 and statuses.count("waitlisted") == 20
