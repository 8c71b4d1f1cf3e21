"""The header's language switch on a form that came back with errors: a submit button of
that form (form=), so the other language keeps what was typed; Enter in a field still
registers (a hidden twin of Register is the form's first submit button)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Tab
from webinar.demo import WORKSHOP_SLUG

pytestmark = pytest.mark.browser


def test_the_header_switch_keeps_the_input_and_enter_still_registers(tab: Tab):
    page = tab.page
    tab.goto(f"/events/{WORKSHOP_SLUG}")
    page.fill("#name", "Cambio Idioma")
    page.fill("#email", f"cambio.{tab.label}@example")
    page.select_option("#country", "PA")
    with page.expect_navigation() as sent:
        page.click("form button[type=submit]")
    assert sent.value is not None and sent.value.status == 422

    switch = page.locator("header nav button[name=switch_language]")
    assert switch.count() == 1 and switch.get_attribute("form") == "registration"
    with page.expect_navigation() as switched:
        switch.click()
    assert switched.value is not None and switched.value.status == 200
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.input_value("#name") == "Cambio Idioma"
    assert page.input_value("#email") == f"cambio.{tab.label}@example"
    assert page.input_value("#country") == "PA"
    assert page.locator(".error").count() == 0  # switching validates nothing
    assert "cambio" not in page.url  # and no input in a URL
    assert page.locator("header nav button[name=switch_language]").get_attribute(
        "value") == "es"
    tab.check("event-switched")

    # Enter in a field sends the registration, not the language switch.
    page.fill("#email", f"cambio.{tab.label}@example.org")
    page.select_option("#sector", "private")
    page.check("input[name=consent]")
    page.focus("#position")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/r/" in page.url
    assert "Cambio Idioma" in page.inner_text("main")
    tab.goto("/?lang=es")  # the choice sticks (a cookie): back to Spanish for the next test
