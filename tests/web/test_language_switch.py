"""The language switch on a filled form: a submit button that re-renders the form in the
other language, input kept, nothing validated, nothing in a URL; a stray GET of the form's
action leads back to the event page instead of a 405."""

from __future__ import annotations

from tests.conftest import create_event, csrf_from, db_rows, person


async def test_switching_language_keeps_the_input_and_validates_nothing(client):
    event = await create_event(client)
    page = await client.get(f"/events/{event['slug']}")
    html = await page.text()
    assert 'name="switch_language" value="en"' in html
    form = {"csrf_token": csrf_from(html), **person(1, email="not-an-address", consent=""),
            "switch_language": "en"}
    resp = await client.post(f"/events/{event['slug']}/register", data=form,
                             allow_redirects=False)
    assert resp.status == 200
    html = await resp.text()
    assert '<html lang="en">' in html
    assert 'value="Persona 1"' in html and 'value="not-an-address"' in html
    assert 'value="Universidad de San Carlos"' in html
    assert 'class="error"' not in html  # not validated: no field errors yet
    assert 'name="switch_language" value="es"' in html  # and back again
    assert db_rows(client, "SELECT id FROM registrations") == []
    # The choice sticks, like the header link's.
    assert "lang=en" not in str(resp.url)
    again = await client.get(f"/events/{event['slug']}")
    assert '<html lang="en">' in await again.text()


async def test_the_switch_button_comes_after_the_register_button(client):
    """Enter in a field submits with the first submit button: it must be Register."""
    event = await create_event(client)
    html = await (await client.get(f"/events/{event['slug']}")).text()
    assert html.index('name="switch_language"') > html.index('<button type="submit">')


async def test_get_of_the_form_action_goes_to_the_event_page(client):
    event = await create_event(client)
    resp = await client.get(f"/events/{event['slug']}/register?lang=en",
                            allow_redirects=False)
    assert resp.status == 303
    assert resp.headers["Location"] == f"/events/{event['slug']}?lang=en"
    plain = await client.get(f"/events/{event['slug']}/register", allow_redirects=False)
    assert plain.status == 303 and plain.headers["Location"] == f"/events/{event['slug']}"
    missing = await client.get("/events/nope/register", allow_redirects=False)
    assert missing.status == 404
