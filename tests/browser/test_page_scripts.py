"""The two small scripts of the participant pages, run under the pages' own
Content-Security-Policy (not bypassed here: they run by their nonce or not at all):

- the visitor's own time beside the event's, on the event, manage and join pages, where the
  browser's zone shows another clock time (Madrid) and not where it does not (Guatemala,
  or Costa Rica: another zone name, the same clock); without JavaScript the event's time
  with its zone and offset says it all;
- the waiting page's countdown ticking on the page's clock (Playwright's page.clock), down to
  "the doors are open"; without JavaScript it shows the time left when loaded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, BrowserContext

from tests.browser.conftest import PHONE, SHOTS, Server
from webinar.demo import WORKSHOP_SLUG

pytestmark = pytest.mark.browser


@pytest.fixture
def open_context(browser: Browser) -> Iterator:
    """Makes contexts that keep the pages' CSP, and closes them; each page it opens fails the
    test on any CSP violation it reports."""
    made: list[BrowserContext] = []
    blocked: list[str] = []

    def make(**options):
        context = browser.new_context(viewport=PHONE, locale="es-GT", **options)
        context.set_default_timeout(10_000)
        made.append(context)
        page = context.new_page()
        page.on("console", lambda msg: blocked.append(msg.text)
                if "Content Security Policy" in msg.text else None)
        return context, page

    yield make
    for context in made:
        context.close()
    assert blocked == []


def pages_of(context: BrowserContext, server: Server, who: str) -> list[str]:
    """The event page, and a new registration's manage and join (waiting) pages."""
    made = context.request.post(
        f"{server.url}/api/v1/events/{WORKSHOP_SLUG}/registrations", data={
            "name": f"Hora {who}", "email": f"hora.{who}@example.org", "sector": "academic",
            "country": "ES", "language": "es", "consent": True})
    assert made.status == 201, made.text()
    reg = made.json()
    return [f"{server.url}/events/{WORKSHOP_SLUG}", reg["manage_link"], reg["join_link"]]


def test_the_visitors_own_time_shows_where_their_clock_differs(open_context, server):
    context, page = open_context(timezone_id="Europe/Madrid")
    for url in pages_of(context, server, "madrid"):
        page.goto(url)
        assert page.url == url  # the join link stays on the waiting page
        yours = page.locator("p[data-zone] .yours")
        assert yours.count() == 1, url
        text = yours.inner_text()
        assert text.startswith("(su hora: ") and text.endswith(")"), text
        starts = datetime.fromisoformat(page.get_attribute("p[data-zone]", "data-start") or "")
        assert starts.astimezone(ZoneInfo("Europe/Madrid")).strftime("%H:%M") in text, text
        assert "Guatemala" in page.inner_text("p[data-zone] time")  # the event's own stays
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "join-waiting-madrid-360.png"))


@pytest.mark.parametrize("zone", ["America/Guatemala", "America/Costa_Rica"])
def test_no_second_time_where_the_clock_is_the_same(open_context, server, zone):
    context, page = open_context(timezone_id=zone)
    urls = pages_of(context, server, zone.split("/")[1].lower())
    for url in urls if zone == "America/Guatemala" else urls[:1]:
        page.goto(url)
        assert page.locator("p[data-zone] time").count() == 1
        assert page.locator("p[data-zone] .yours").count() == 0, url


def test_without_javascript_the_events_own_time_and_offset_remain(open_context, server):
    _context, page = open_context(timezone_id="Europe/Madrid", java_script_enabled=False)
    page.goto(f"{server.url}/events/{WORKSHOP_SLUG}")
    when = page.inner_text("p[data-zone]")
    assert "(hora de Guatemala, UTC−06:00)" in when and "15:00–16:30" in when
    assert page.locator("p[data-zone] .yours").count() == 0


def test_the_waiting_page_counts_down(open_context, server):
    context, page = open_context(timezone_id="America/Guatemala")
    join = pages_of(context, server, "cuenta")[2]
    page.clock.install(time=datetime.now(UTC))
    page.goto(join)
    doors = page.locator("#doors")
    first = doors.inner_text()
    assert first.startswith("Las puertas abren en "), first
    page.clock.run_for("02:00")  # two minutes on the page's clock: two ticks of a minute
    later = doors.inner_text()
    assert later != first and later.startswith("Las puertas abren en "), later
    opens = datetime.fromisoformat(doors.get_attribute("datetime") or "")
    page.clock.fast_forward(int((opens - datetime.now(UTC) + timedelta(minutes=1))
                                .total_seconds() * 1000))
    page.clock.run_for(2000)
    assert doors.inner_text() == doors.get_attribute("data-open")


def test_the_waiting_page_without_javascript_shows_the_time_left(open_context, server):
    context, page = open_context(java_script_enabled=False)
    join = pages_of(context, server, "sin-guion")[2]
    page.goto(join)
    assert page.inner_text("#doors").startswith("Las puertas abren en ")
