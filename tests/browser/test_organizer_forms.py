"""The organizer pages added since the first browser round, in a real browser on a phone and
at a desk: the event form (new, an error, edit, the cancel confirmation), an event created
through that form showing on its public page, the registrants table and the message form,
the wrap-up buttons of a past event, and a co-organizer's invitation page. Each page passes
`Tab.check` (axe, no sideways scrolling, every field labelled, screenshots)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.browser.conftest import Tab
from webinar.clock import to_db
from webinar.demo import EMAIL, PASSWORD, PAST_SLUG, SLUG
from webinar.events import service as events_service
from webinar.links import mail_domain
from webinar.organizers import invitations
from webinar.web.keys import RESOURCES

pytestmark = pytest.mark.browser


@pytest.fixture
def signed_in(tab: Tab) -> Iterator[Tab]:
    """The tab signed in as the demo organizer; signed out again after the test (the tab
    is shared with other tests, which start signed out)."""
    page = tab.page
    tab.goto("/admin/")
    if "/admin/login" in page.url:
        page.fill("#email", EMAIL)
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.press("#password", "Enter")
    assert page.url == tab.server.url + "/admin/"
    yield tab
    page.context.clear_cookies()


def test_an_event_created_through_the_form_shows_on_its_public_page(signed_in: Tab):
    tab = signed_in
    page = tab.page
    tab.goto("/admin/events/new")
    tab.check("organizer-event-new")

    # An end before the start: the form comes back, input kept, the error on its field.
    slug = f"mesa-redonda-{tab.label}"
    day = (datetime.now(UTC) + timedelta(days=40)).strftime("%Y-%m-%d")
    page.fill("#title", "Mesa redonda: Firma electrónica")
    page.fill("#slug", slug)
    page.fill("#description", "Experiencias de tres instituciones.")
    page.fill("#speakers", "Ana López; Universidad de San Carlos")
    page.fill("#starts_at", f"{day}T10:00")
    page.fill("#ends_at", f"{day}T09:00")
    page.fill("#join_url", "https://meet.example.org/mesa-redonda")
    page.select_option("#status", "published")
    with page.expect_navigation() as sent:
        page.click("form[action='/admin/events/new'] > button[type=submit]")
    assert sent.value is not None and sent.value.status in (400, 422)
    assert page.input_value("#title") == "Mesa redonda: Firma electrónica"
    assert page.input_value("#slug") == slug
    assert page.input_value("#starts_at") == f"{day}T10:00"
    assert page.input_value("#ends_at") == f"{day}T09:00"
    assert page.input_value("#status") == "published"
    assert page.get_attribute("#ends_at", "aria-invalid") == "true"
    assert page.get_attribute("#ends_at", "aria-describedby") == "ends_at-error"
    assert page.locator("#ends_at-error").is_visible()
    assert page.locator("[role=alert]").first.is_visible()
    # Focus is on the summary, so a phone shows it and a screen reader reads it.
    assert page.evaluate("document.activeElement.id") == "errors"
    tab.check("organizer-event-new-error")

    page.fill("#ends_at", f"{day}T11:30")
    with page.expect_navigation():
        page.click("form[action='/admin/events/new'] > button[type=submit]")
    assert f"/admin/events/{slug}" in page.url

    tab.goto(f"/events/{slug}")
    assert page.locator("h1").inner_text() == "Mesa redonda: Firma electrónica"
    assert "10:00–11:30" in page.inner_text("p.when")
    assert page.locator("#name").count() == 1  # the registration form

    tab.goto(f"/admin/events/{slug}/edit")
    assert page.input_value("#title") == "Mesa redonda: Firma electrónica"
    tab.check("organizer-event-edit")
    tab.goto(f"/admin/events/{slug}/cancel")
    assert page.locator("form button.danger, form button[type=submit]").count() >= 1
    tab.check("organizer-event-cancel")


def test_registrants_their_message_form_and_the_wrap_up(signed_in: Tab):
    tab = signed_in
    page = tab.page
    tab.goto(f"/admin/events/{SLUG}/registrants")
    assert page.locator("table tbody tr").count() >= 10
    tab.check("organizer-registrants")
    tab.goto(f"/admin/events/{SLUG}/registrants/message")
    assert page.locator("textarea").count() >= 1
    tab.check("organizer-message")
    tab.goto(f"/admin/events/{PAST_SLUG}")
    assert page.locator(f"form[action='/admin/events/{PAST_SLUG}/followups'] button, "
                        f"form[action='/admin/events/{PAST_SLUG}/report/send'] button"
                        ).count() >= 1
    tab.check("organizer-event-past")


def test_a_co_organizer_opens_the_invitation(tab: Tab):
    server = tab.server
    res = server.runner.app[RESOURCES]
    invited = f"coorganiza.{tab.label}@example.org"

    async def invite() -> str:
        event = await events_service.get(res.store, SLUG)
        event = await events_service.update(res.store, res.now(), event.id, {
            "organizer_emails": [*event.organizer_emails, invited]})
        secret = res.settings.ensure_secret_key()
        await invitations.invite_missing(res.store, res.now(), secret,
                                         mail_domain(res.settings), event, None, "es")
        row = await res.store.invitations.live_for(event.id, invited, to_db(res.now()))
        assert row is not None
        return invitations.token_for(secret, row["nonce"])

    token = server.call(invite())
    tab.goto(f"/admin/invite/{token}")
    assert invited in tab.page.inner_text("main")
    assert tab.page.locator("input[type=password]").count() >= 1
    tab.check("organizer-invite")
