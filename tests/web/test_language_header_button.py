"""On a form that came back (here with errors), the header's language switch is a submit
button of that form, after a hidden plain submit button so that Enter still registers; on
a fresh event page it stays a link (one that can be shared)."""

from __future__ import annotations

import re

from tests.conftest import create_event, person, submit_form


async def test_after_an_error_the_header_switch_is_a_button_of_the_form(client):
    event = await create_event(client)
    resp = await submit_form(client, event["slug"], person(1, email="not-an-address"))
    assert resp.status == 422
    html = await resp.text()
    header = html[html.index("<header>"):html.index("</header>")]
    assert re.search(r'<button type="submit" form="registration" name="switch_language" '
                     r'value="en"[^>]*formnovalidate', header)
    twin = html.index('<button type="submit" form="registration" hidden>')
    assert twin < html.index("<header>")  # the form's first submit button: Register's twin
    assert '<form id="registration"' in html
    # The switch inside the form is not repeated.
    assert html.count('name="switch_language"') == 1


async def test_a_fresh_event_page_keeps_the_header_link(client):
    event = await create_event(client)
    html = await (await client.get(f"/events/{event['slug']}")).text()
    header = html[html.index("<header>"):html.index("</header>")]
    assert '<a href="?lang=en"' in header and "<button" not in header
    assert "hidden>" not in html
