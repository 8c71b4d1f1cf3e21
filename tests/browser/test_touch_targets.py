"""Touch targets on a phone (WCAG 2.2): the language link a comfortable 44x44 px, the
consent checkbox at least 24x24 px; they were 66x19 and 13x13."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Tab
from webinar.demo import WORKSHOP_SLUG

pytestmark = pytest.mark.browser


def test_touch_targets_are_big_enough_on_a_phone(phone: Tab):
    page = phone.page
    phone.goto(f"/events/{WORKSHOP_SLUG}")
    # The language switch: a link, or a button on a filled form.
    language = page.locator("header nav").locator("a, button").first.bounding_box()
    assert language and language["width"] >= 44 and language["height"] >= 44, language
    consent = page.locator("input[name=consent]").bounding_box()
    assert consent and consent["width"] >= 24 and consent["height"] >= 24, consent
