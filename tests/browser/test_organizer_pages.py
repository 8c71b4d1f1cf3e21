"""An organizer in a real browser, on a phone and at a desk: signing in, the events list,
an event created through the API showing up there, an event's page, the attendance report
of the demo's past forum and the live view. Each page passes axe and does not scroll
sideways at 360 px."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.browser.conftest import Tab
from webinar.demo import EMAIL, PASSWORD, PAST_SLUG, SLUG
from webinar.organizers import accounts as organizers
from webinar.web.keys import RESOURCES

pytestmark = pytest.mark.browser


def test_sign_in_create_an_event_and_read_its_report(tab: Tab):
    page = tab.page
    tab.goto("/admin/")
    assert "/admin/login" in page.url
    tab.check("organizer-login")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.press("#password", "Enter")
    assert page.url == tab.server.url + "/admin/"

    # An event created through the API (the organizers' way to create one) is listed.
    server = tab.server
    store = server.runner.app[RESOURCES].store
    token = server.call(organizers.create_token(store, datetime.now(UTC), EMAIL))
    starts = datetime.now(UTC) + timedelta(days=30)
    slug = f"seminario-{tab.label}"
    created = page.request.post(server.url + "/api/v1/events", headers={
        "Authorization": f"Bearer {token}"}, data={
        "slug": slug, "title": "Seminario: Ciberseguridad en el sector público",
        "description": "Buenas prácticas.", "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=1)).isoformat(),
        "timezone": "America/Guatemala", "join_url": "https://meet.example.org/seminario",
        "capacity": 60, "organizer_emails": [EMAIL], "status": "published"})
    assert created.status == 201, created.text()
    page.reload()
    assert page.locator(f"a[href='/admin/events/{slug}']").count() == 1
    tab.check("organizer-dashboard")

    tab.goto(f"/admin/events/{SLUG}")
    assert page.locator("h1").count() == 1
    tab.check("organizer-event")

    tab.goto(f"/admin/events/{PAST_SLUG}/report")
    assert page.locator("svg").count() >= 1
    tab.check("report")

    tab.goto(f"/admin/events/{SLUG}/live")
    assert page.locator("#live-present").count() == 1
    tab.check("live")
