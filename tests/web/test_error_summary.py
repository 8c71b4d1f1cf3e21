"""A failed submit: the error summary takes the focus (no JavaScript needed) and lists
each error as a link to its field; each field names its error for a screen reader."""

from __future__ import annotations

import re

from tests.conftest import create_event, person, submit_form


async def test_the_summary_takes_focus_and_links_each_field(client):
    event = await create_event(client)
    resp = await submit_form(client, event["slug"],
                             person(1, name="", email="nope", consent=""), lang="en")
    assert resp.status == 422
    html = await resp.text()
    summary = re.search(r'<div id="errors"[^>]*>', html)
    assert summary, "no error summary"
    assert 'tabindex="-1"' in summary.group(0) and "autofocus" in summary.group(0)
    assert html.count("autofocus") == 1
    # After the post the page opens at the summary, even with the focus attribute ignored.
    assert f'action="/events/{event["slug"]}/register#errors"' in html
    for field in ("name", "email", "consent"):
        assert f'href="#{field}"' in html
        tag = re.search(rf'<input[^>]*id="{field}"[^>]*>', html)
        assert tag, field
        assert 'aria-invalid="true"' in tag.group(0)
        assert f'aria-describedby="{field}-error"' in tag.group(0)
        assert f'id="{field}-error"' in html
    assert 'href="#sector"' not in html  # only the fields in error


async def test_no_summary_and_no_autofocus_on_a_fresh_form(client):
    event = await create_event(client)
    html = await (await client.get(f"/events/{event['slug']}")).text()
    assert 'id="errors"' not in html and "autofocus" not in html
