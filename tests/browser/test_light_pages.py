"""Light pages: the event page's first visit (an empty cache, every resource the browser
fetches, favicon included) stays under 30 KB on the wire; registering needs no JavaScript,
in English as in Spanish."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DESK, PHONE, Audit, Server
from webinar.demo import SLUG, WORKSHOP_SLUG

pytestmark = pytest.mark.browser

BUDGET = 30 * 1024


def first_visit_bytes(browser, server: Server, path: str) -> list[tuple[str, int]]:
    """(url, bytes on the wire: headers + encoded body) of each request of a first visit."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  locale="es-GT")
    page = context.new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(server.url + path, wait_until="networkidle")
    sizes = []
    for request in finished:
        s = request.sizes()
        sizes.append((request.url.removeprefix(server.url),
                      s["responseHeadersSize"] + s["responseBodySize"]))
    # A browser with a tab strip also asks for /favicon.ico on a first visit; a headless
    # one does not, and Playwright reports no request to that path: fetch it in the same
    # context and count its status line, headers and body as they cross the wire.
    icon = context.request.get(server.url + "/favicon.ico")
    assert icon.status == 200
    head = len(f"HTTP/1.1 {icon.status} {icon.status_text}\r\n\r\n") + sum(
        len(h["name"]) + len(h["value"]) + 4 for h in icon.headers_array)
    sizes.append(("/favicon.ico", head + len(icon.body())))
    context.close()
    return sizes


@pytest.mark.parametrize("slug", [WORKSHOP_SLUG, SLUG])
def test_first_visit_of_the_event_page_weighs_under_30_kb(browser, server, audit: Audit,
                                                          slug):
    sizes = first_visit_bytes(browser, server, f"/events/{slug}")
    total = sum(size for _url, size in sizes)
    audit.weights.append(f"first visit of /events/{slug}: {total} bytes: "
                         + ", ".join(f"{url} {size}" for url, size in sizes))
    assert sizes[0][0] == f"/events/{slug}"
    assert "/favicon.ico" in [url for url, _size in sizes]
    assert total < BUDGET, sizes


def test_registering_in_english_needs_no_javascript(browser, server):
    context = browser.new_context(viewport=DESK, java_script_enabled=False, locale="es-GT")
    page = context.new_page()
    page.goto(f"{server.url}/events/{WORKSHOP_SLUG}?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("label[for=name]").inner_text() == "Full name"
    page.fill("#name", "No Script")
    page.fill("#email", "no.script@example.org")
    page.select_option("#sector", "public")
    page.select_option("#country", "CR")
    page.check("input[name=consent]")
    with page.expect_navigation():
        page.click("form button[type=submit]")
    assert "/r/" in page.url
    assert page.locator("html").get_attribute("lang") == "en"
    assert "You are registered" in page.inner_text("main")
    context.close()


def test_registering_in_spanish_needs_no_javascript(browser, server):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="es-GT")
    page = context.new_page()
    page.goto(f"{server.url}/events/{WORKSHOP_SLUG}")
    assert page.locator("html").get_attribute("lang") == "es"
    page.fill("#name", "Sin Guion")
    page.fill("#email", "sin.guion@example.org")
    page.select_option("#sector", "private")
    page.select_option("#country", "SV")
    page.check("input[name=consent]")
    with page.expect_navigation():
        page.click("form button[type=submit]")
    assert "/r/" in page.url
    assert "Su inscripción quedó registrada" in page.inner_text("main")
    context.close()
