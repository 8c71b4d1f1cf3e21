"""A participant in a real browser, on a 360 px phone and at a desk: the event list, the
event page, a field error and its fix, the manage page with its calendar file, the join link
before the doors open and after the end, cancelling with its confirmation, the waitlist of a
full event, a mistyped link. Each page visited
passes axe (no serious or critical violation) and does not scroll sideways."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from tests.browser.conftest import Tab
from webinar.demo import EMAIL, PAST_SLUG, SLUG, WORKSHOP_SLUG
from webinar.organizers import accounts as organizers
from webinar.web.keys import RESOURCES

pytestmark = pytest.mark.browser

FIELDS = ["name", "email", "organization", "position", "sector", "country", "consent"]


def test_register_fix_an_error_manage_join_early_and_cancel(tab: Tab):
    page = tab.page
    tab.goto("/")
    tab.check("events")
    page.click(f"a[href='/events/{WORKSHOP_SLUG}']")
    assert page.locator("h1").inner_text().startswith("Taller")
    tab.check("event")

    # A mistyped address and no sector: the form comes back with the input kept.
    page.fill("#name", "Ana Lucía Pérez")
    page.fill("#email", f"ana.{tab.label}@example")
    page.fill("#organization", "Universidad del Valle")
    page.select_option("#country", "GT")
    page.check("input[name=consent]")
    with page.expect_navigation() as sent:
        page.click("form button[type=submit]")
    assert sent.value is not None and sent.value.status == 422
    assert page.input_value("#name") == "Ana Lucía Pérez"
    assert page.input_value("#organization") == "Universidad del Valle"
    assert page.input_value("#country") == "GT"
    assert page.is_checked("input[name=consent]")
    for field in ("email", "sector"):
        error = page.locator(f"#{field}-error")
        assert error.is_visible(), field
        assert page.get_attribute(f"#{field}", "aria-invalid") == "true"
        assert page.get_attribute(f"#{field}", "aria-describedby") == f"{field}-error"
    assert page.locator(".notice.bad, [role=alert]").first.is_visible()
    tab.check("event-error")

    # Fixed: the manage page, with the join link and the calendar file.
    page.fill("#email", f"ana.{tab.label}@example.org")
    page.select_option("#sector", "academic")
    with page.expect_navigation():
        page.click("form button[type=submit]")
    # After a submit that failed once the form posts to "...#errors"; browsers carry that
    # fragment over the 303 to the manage page, where it points nowhere and does no harm.
    assert re.search(r"/r/[^/?]+\?welcome=1(#errors)?$", page.url), page.url
    assert "Ana Lucía Pérez" in page.inner_text("main")
    tab.check("manage")
    calendar = page.locator("a[href$='/calendar.ics']")
    assert calendar.count() == 1
    ics = page.request.get(tab.server.url + calendar.get_attribute("href"))
    assert ics.status == 200 and ics.headers["content-type"].startswith("text/calendar")
    assert ics.text().startswith("BEGIN:VCALENDAR")
    manage_url = page.url.split("?")[0]

    # The join link two weeks before the start: the waiting page, not the platform.
    join = page.locator("a.button[href*='/j/']").get_attribute("href")
    assert join and join.startswith(tab.server.url + "/j/")
    response = page.goto(join)
    assert response is not None and response.status == 200
    assert page.url == join  # stayed here: not sent on to the platform
    tab.check("join-waiting")

    # Cancelling asks first, then cancels.
    page.goto(manage_url)
    with page.expect_navigation():
        page.click("a.button.danger")
    assert page.url == manage_url + "/cancel"
    tab.check("cancel")
    with page.expect_navigation():
        page.click("form button.danger")
    assert page.url == manage_url + "?cancelled=1"
    assert page.locator("p.notice.ok[role=status]").is_visible()
    assert page.locator("a[href$='/calendar.ics']").count() == 0
    tab.check("cancelled")


def test_a_mistyped_link_is_a_page_not_found(tab: Tab):
    response = tab.goto("/r/no-such-token-at-all")
    assert response.status == 404
    assert tab.page.locator("a[href='/']").count() >= 1
    tab.check("404")


def test_every_field_has_a_label_and_the_keyboard_alone_registers(phone: Tab):
    page = phone.page
    phone.goto(f"/events/{WORKSHOP_SLUG}")
    unlabelled = page.evaluate("""() => [...document.querySelectorAll(
        'input:not([type=hidden]), select, textarea')]
        .filter(el => !el.closest('[aria-hidden=true]'))
        .filter(el => el.labels.length === 0 || !el.labels[0].innerText.trim())
        .map(el => el.name)""")
    assert unlabelled == []

    # Tab from the top of the page reaches every field, in order.
    reached: list[str] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        name = page.evaluate("document.activeElement.name || ''")
        if name in FIELDS and name not in reached:
            reached.append(name)
            if name == "name":
                page.keyboard.type("Keyboard Only")
            elif name == "email":
                page.keyboard.type("keyboard.only@example.org")
            elif name == "sector":
                page.keyboard.type("Acad")
            elif name == "country":
                page.keyboard.type("Guatemala")
            elif name == "consent":
                page.keyboard.press("Space")
                break
    assert reached == FIELDS
    assert page.input_value("#sector") == "academic"
    assert page.input_value("#country") == "GT"
    assert page.is_checked("input[name=consent]")

    # Enter in a text field sends the form.
    page.focus("#position")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/r/" in page.url
    assert "Keyboard Only" in page.inner_text("main")



def test_a_full_event_puts_a_newcomer_on_the_waitlist(tab: Tab):
    page = tab.page
    tab.goto(f"/events/{SLUG}")
    page.fill("#name", "Lista Espera")
    page.fill("#email", f"espera.{tab.label}@example.org")
    page.select_option("#sector", "cooperation")
    page.select_option("#country", "HN")
    page.check("input[name=consent]")
    with page.expect_navigation():
        page.click("form button[type=submit]")
    assert "/r/" in page.url
    assert page.locator("a[href*='/j/']").count() == 0  # no seat, no join link
    tab.check("manage-waitlisted")


def test_the_join_link_after_the_end_offers_the_recording(tab: Tab):
    page = tab.page
    server = tab.server
    res = server.runner.app[RESOURCES]
    token = server.call(organizers.create_token(res.store, datetime.now(UTC), EMAIL))
    listed = page.request.get(f"{server.url}/api/v1/events/{PAST_SLUG}/registrations?limit=1",
                              headers={"Authorization": f"Bearer {token}"})
    assert listed.status == 200
    join = listed.json()["registrations"][0]["join_link"]
    response = page.goto(join)
    assert response is not None and response.status == 200 and page.url == join
    assert page.locator("a[href^='https://video.example.org/']").count() == 1
    tab.check("join-ended")
