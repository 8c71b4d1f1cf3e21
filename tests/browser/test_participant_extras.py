"""The participant pages added since the first browser round, on a phone and at a desk: the
details correction page (and its error), the manage page's certificate link, the certificate
verification page (a good code and an unknown one), the open data of an event. Each page
passes `Tab.check` (axe, no sideways scrolling, every field labelled, screenshots)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.browser.conftest import Server, Tab
from webinar.certificates import rules
from webinar.demo import EMAIL, PAST_SLUG, WORKSHOP_SLUG
from webinar.events import service as events_service
from webinar.organizers import accounts as organizers
from webinar.web.keys import RESOURCES

pytestmark = pytest.mark.browser


def register(tab: Tab, slug: str, who: str) -> dict:
    """A registration made through the public API: its JSON (manage_link, join_link)."""
    made = tab.page.request.post(f"{tab.server.url}/api/v1/events/{slug}/registrations", data={
        "name": f"Persona {who}", "email": f"{who}.{tab.label}@example.org",
        "organization": "Municipalidad de Antigua", "sector": "public", "country": "GT",
        "language": "es", "consent": True})
    assert made.status == 201, made.text()
    return made.json()


def api_token(server: Server) -> str:
    res = server.runner.app[RESOURCES]
    return server.call(organizers.create_token(res.store, datetime.now(UTC), EMAIL))


def test_correcting_ones_details(tab: Tab):
    page = tab.page
    reg = register(tab, WORKSHOP_SLUG, "detalles")
    page.goto(reg["manage_link"])
    with page.expect_navigation():
        page.click("a[href$='/details']")
    assert page.input_value("#name") == "Persona detalles"
    tab.check("details")

    page.fill("#name", "")
    page.fill("#organization", "Municipalidad de La Antigua Guatemala")
    with page.expect_navigation() as sent:
        page.click("form button[type=submit]")
    assert sent.value is not None and sent.value.status == 422
    assert page.input_value("#organization") == "Municipalidad de La Antigua Guatemala"
    assert page.get_attribute("#name", "aria-describedby") == "name-error"
    assert page.evaluate("document.activeElement.id") == "errors"
    tab.check("details-error")

    page.fill("#name", "Persona Detalles Corregida")
    with page.expect_navigation():
        page.click("form button[type=submit]")
    assert "updated=1" in page.url
    assert "Persona Detalles Corregida" in page.inner_text("main")


def test_a_certificate_from_the_manage_page_and_its_verification(tab: Tab):
    page = tab.page
    server = tab.server
    res = server.runner.app[RESOURCES]

    async def offer_certificates() -> None:
        event = await events_service.get(res.store, PAST_SLUG)
        if event.certificate_minutes != 30:
            await events_service.update(res.store, res.now(), event.id,
                                        {"certificate_minutes": 30, "open_data": True})

    server.call(offer_certificates())
    listed = page.request.get(f"{server.url}/api/v1/events/{PAST_SLUG}/registrations",
                              headers={"Authorization": f"Bearer {api_token(server)}"})
    assert listed.status == 200
    earned = next(r for r in listed.json()["registrations"] if r["minutes"] >= 45)

    page.goto(earned["manage_link"])
    link = page.locator("a[href$='/certificate.pdf']")
    assert link.count() == 1
    tab.check("manage-certificate")
    pdf = page.request.get(server.url + (link.get_attribute("href") or ""))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")

    code = rules.verification_code(res.settings.ensure_secret_key(), earned["id"])
    response = tab.goto(f"/certificates/{code}")
    assert response.status == 200
    assert earned["name"] in page.inner_text("main")
    # Each row's heading on one line (on a phone "Emitida a" broke after "Emitida").
    wrapped = page.evaluate("""() => [...document.querySelectorAll('main th')].filter(th => {
        const text = document.createRange(); text.selectNodeContents(th);
        return text.getClientRects().length > 1; }).map(th => th.innerText)""")
    assert wrapped == []
    tab.check("certificate-verify")
    response = tab.goto(f"/certificates/{earned['id']}-0000000000")
    assert response.status == 404
    tab.check("certificate-unknown")

    # Open data is not a page: JSON and CSV with no personal data.
    as_json = page.request.get(f"{server.url}/open-data/{PAST_SLUG}.json")
    assert as_json.status == 200 and "@" not in as_json.text()
    as_csv = page.request.get(f"{server.url}/open-data/{PAST_SLUG}.csv")
    assert as_csv.status == 200 and as_csv.headers["content-type"].startswith("text/csv")
