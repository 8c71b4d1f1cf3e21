"""Every page that shows an event's date shows its end and duration too."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import create_event, person, submit_form
from webinar.i18n import format_span

SPAN_ES = "06:00\u201308:00 (hora de Guatemala, UTC\u221206:00) \u00b7 2 h"


def test_a_span_on_one_day_and_across_days():
    start = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    same = format_span(start, datetime(2026, 12, 4, 13, 30, tzinfo=UTC),
                       "America/Guatemala", "en")
    assert same.startswith("Friday, December 4, 2026, 06:00\u201307:30 (")
    assert same.endswith("\u00b7 1 h 30 min")
    across = format_span(start, datetime(2026, 12, 5, 12, 0, tzinfo=UTC), "UTC", "es")
    assert "4 de diciembre" in across and "5 de diciembre" in across
    assert across.endswith("\u00b7 24 h")
    short = format_span(start, datetime(2026, 12, 4, 12, 45, tzinfo=UTC), "UTC", "es")
    assert short.endswith("\u00b7 45 min")


async def test_pages_show_start_end_and_duration(client):
    event = await create_event(client)
    assert SPAN_ES in await (await client.get("/")).text()
    assert SPAN_ES in await (await client.get(f"/events/{event['slug']}")).text()
    resp = await submit_form(client, event["slug"], person(1))
    manage = resp.headers["Location"].split("?")[0]
    assert SPAN_ES in await (await client.get(manage)).text()
    assert SPAN_ES in await (await client.get(f"{manage}/cancel")).text()
