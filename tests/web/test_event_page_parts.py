"""The event page's parts made once (webinar.web.form_parts: the blank form's fields;
webinar.i18n.format_span: the dates): the page is the same as when written out each
time, and an organizer's edit shows on the next page view, made by this process's
service or by another process on the same database."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.conftest import EVENT_START, create_event, resources_of
from webinar.events import service as events_service
from webinar.i18n import format_span
from webinar.runtime import open_store
from webinar.web import form_parts


def _normalized(html: str) -> str:
    """The page without what differs on every view (the CSRF token, the nonce)."""
    html = re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value="T"', html)
    return re.sub(r'nonce="[^"]+"', 'nonce="N"', html)


async def _page(client, slug: str, lang: str) -> str:
    resp = await client.get(f"/events/{slug}?lang={lang}")
    assert resp.status == 200
    assert "script-src 'nonce-" in resp.headers["Content-Security-Policy"]
    return await resp.text()


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_the_page_is_the_same_as_with_every_field_written_out(client, monkeypatch,
                                                                     lang):
    event = await create_event(client, capacity=40, sectors=[
        "academic", {"code": "ngo", "es": "ONG <local>", "en": "Local & NGO"}])
    kept = await _page(client, event["slug"], lang)
    assert (">ONG &lt;local&gt;</option>" if lang == "es" else ">Local &amp; NGO</option>") \
        in kept
    # Without the kept fields, event.html writes them out (as for a form that came back).
    monkeypatch.setattr(form_parts, "blank_fields", lambda *args: None)
    written = await _page(client, event["slug"], lang)
    assert _normalized(kept) == _normalized(written)
    assert kept.count('<label for="') == written.count('<label for="') == 7


async def test_an_edit_through_the_service_shows_on_the_next_view(client, clock):
    event = await create_event(client, sectors=["academic", "public"])
    before = await _page(client, event["slug"], "en")
    assert 'value="public"' in before and "Foro: Gobierno digital" in before
    res = resources_of(client)
    event_id = (await events_service.get(res.store, event["slug"])).id
    await events_service.update(res.store, clock.now(), event_id, {
        "title": "Foro renombrado",
        "sectors": ["academic", {"code": "media", "es": "Prensa", "en": "Press"}],
        "starts_at": (EVENT_START + timedelta(hours=3)).isoformat(),
        "ends_at": (EVENT_START + timedelta(hours=6)).isoformat(),
        "capacity": 7,
    })
    after = await _page(client, event["slug"], "en")
    assert "Foro renombrado" in after and "Foro: Gobierno digital" not in after
    assert '<option value="media">Press</option>' in after and 'value="public"' not in after
    assert "7 seats left." in after
    assert _span(after) != _span(before)
    assert _span(after) == format_span(EVENT_START + timedelta(hours=3),
                                       EVENT_START + timedelta(hours=6),
                                       "America/Guatemala", "en")


async def test_an_edit_by_another_process_shows_on_the_next_view(client, clock, settings):
    event = await create_event(client)
    for lang in ("es", "en"):
        await _page(client, event["slug"], lang)  # both languages' parts made and kept
    async with open_store(settings) as other:  # another process's connection to the data
        event_id = (await events_service.get(other, event["slug"])).id
        await events_service.update(other, clock.now(), event_id, {
            "sectors": [{"code": "academic", "es": "Universidades", "en": "Universities"}],
            "ends_at": (EVENT_START + timedelta(days=1, hours=1)).isoformat(),
        })
    es, en = await _page(client, event["slug"], "es"), await _page(client, event["slug"], "en")
    assert '<option value="academic">Universidades</option>' in es
    assert '<option value="academic">Universities</option>' in en
    assert 'value="public"' not in es + en
    assert " \u2013 " in _span(es) and " \u2013 " in _span(en)  # now over two days


def _span(html: str) -> str:
    match = re.search(r"<time [^>]*>([^<]*)</time>", html)
    assert match is not None
    return match.group(1)
