"""Certificates of attendance on the real stack: the PDF opened and its text read back
(pypdf), earned exactly at the organizer's minimum and not one minute below, the manage
page's link, the explanation when there is none, the verification page, and the
thank-you mail's attachment."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta

from pypdf import PdfReader

from tests.conftest import EVENT_START, create_event, person, register_api, resources_of
from webinar.attendance import service as attendance
from webinar.certificates import certificate_attachment, rules
from webinar.events import service as events
from webinar.registrations import service as registrations

SLUG = "foro-digital"
AFTER = EVENT_START + timedelta(hours=3)  # the event (2 hours) has ended


async def present(client, reg: dict, minutes: float, key: str) -> None:
    """A check-in interval of `minutes` from the start (inside the window)."""
    res = resources_of(client)
    event = await events.get(res.store, SLUG)
    assert await attendance.record_presence(
        res.store, res.now(), event, key=key, source="checkin", started_at=EVENT_START,
        ended_at=EVENT_START + timedelta(minutes=minutes), registration_id=reg["id"],
        email=reg["email"])


async def setup_event(client, clock, **overrides) -> dict[str, dict]:
    """An event with a 30-minute certificate minimum; José stays 30 minutes (exactly the
    minimum), Ana 29 minutes 59 seconds (29 whole minutes), Luis never comes."""
    await create_event(client, certificate_minutes=30,
                       title="Foro: Gobierno digital en Guatemala", **overrides)
    regs = {}
    for n, (key, name) in enumerate((("jose", "José Ñúñez Peña"), ("ana", "Ana Gómez"),
                                     ("luis", "Luis Pérez")), 1):
        resp = await register_api(client, SLUG, person(n, name=name,
                                                       email=f"{key}@example.org"))
        assert resp.status == 201, await resp.text()
        regs[key] = await resp.json()
    await present(client, regs["jose"], 30, "checkin:jose")
    await present(client, regs["ana"], 29 + 59 / 60, "checkin:ana")
    clock.set(AFTER)
    return regs


def token_of(reg: dict) -> str:
    return reg["manage_link"].rsplit("/r/", 1)[1]


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


async def test_pdf_at_exactly_the_minimum_reads_back(client, clock):
    regs = await setup_event(client, clock)
    resp = await client.get(f"/r/{token_of(regs['jose'])}/certificate.pdf?lang=es")
    assert resp.status == 200
    assert resp.content_type == "application/pdf"
    assert "certificate-foro-digital.pdf" in resp.headers["Content-Disposition"]
    data = await resp.read()
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert "José Ñúñez Peña" in text  # accents and ñ kept
    assert "CONSTANCIA DE ASISTENCIA" in text
    assert "Foro: Gobierno digital en Guatemala" in text
    assert "4 de diciembre de 2026" in text  # 06:00 in Guatemala on 4 December
    assert "30 minutos" in text
    assert "testserver" in text  # no host named: the deployment's host
    code = rules.verification_code("test-secret", regs["jose"]["id"])
    assert f"http://testserver/certificates/{code}" in text


async def test_one_minute_below_the_minimum_earns_none(client, clock):
    regs = await setup_event(client, clock)
    resp = await client.get(f"/r/{token_of(regs['ana'])}/certificate.pdf?lang=en")
    assert resp.status == 404
    page = await resp.text()
    assert "A certificate needs 30 minutes of attendance." in page
    assert "We recorded 29 minutes for you." in page
    manage = await (await client.get(f"/r/{token_of(regs['ana'])}?lang=en")).text()
    assert "certificate.pdf" not in manage
    manage = await (await client.get(f"/r/{token_of(regs['jose'])}?lang=en")).text()
    assert f"/r/{token_of(regs['jose'])}/certificate.pdf" in manage


async def test_none_before_the_end_nor_without_a_minimum(client, clock):
    regs = await setup_event(client, clock)
    clock.set(EVENT_START + timedelta(hours=1))  # during the event
    token = token_of(regs["jose"])
    resp = await client.get(f"/r/{token}/certificate.pdf?lang=en")
    assert resp.status == 404
    assert "once the event has ended" in await resp.text()
    assert "certificate.pdf" not in await (await client.get(f"/r/{token}?lang=en")).text()
    clock.set(AFTER)
    res = resources_of(client)
    event = await events.get(res.store, SLUG)
    assert await has_certificate(res, event, regs["jose"])
    assert not await has_certificate(res, replace(event, certificate_minutes=None),
                                     regs["jose"])
    assert (await client.get("/r/not-a-token/certificate.pdf")).status == 404


async def has_certificate(res, event, reg: dict) -> bool:
    registration = await registrations.get_by_token(res.store, token_of(reg))
    return await certificate_attachment(res, event, registration) is not None


async def test_verification_page_valid_and_invalid(client, clock):
    regs = await setup_event(client, clock)
    code = rules.verification_code("test-secret", regs["jose"]["id"])
    resp = await client.get(f"/certificates/{code}?lang=en")
    assert resp.status == 200
    page = await resp.text()
    assert "This certificate is genuine." in page
    assert "José Ñúñez Peña" in page and "Foro: Gobierno digital en Guatemala" in page
    assert "jose@example.org" not in page  # name and event only
    # A code made for someone who did not earn one, a forged one, another key's one.
    for bad in (rules.verification_code("test-secret", regs["ana"]["id"]),
                f"{regs['ana']['id']}-{code.split('-', 1)[1]}",
                rules.verification_code("another-secret", regs["jose"]["id"]),
                "garbage", "12"):
        resp = await client.get(f"/certificates/{bad}?lang=en")
        assert resp.status == 404, bad
        page = await resp.text()
        assert "could not be verified" in page
        assert "José" not in page


async def test_attachment_for_the_thank_you_mail(client, clock):
    regs = await setup_event(client, clock)
    res = resources_of(client)
    event = await events.get(res.store, SLUG)
    jose = await registrations.get_by_token(res.store, token_of(regs["jose"]))
    attachment = await certificate_attachment(res, event, jose)
    assert attachment is not None
    assert attachment.content_type == "application/pdf"
    assert attachment.filename == "certificate-foro-digital.pdf"
    assert "Constancia de asistencia".upper() in pdf_text(attachment.data)  # their language
    for key in ("ana", "luis"):
        other = await registrations.get_by_token(res.store, token_of(regs[key]))
        assert await certificate_attachment(res, event, other) is None


async def test_host_name_of_the_event_on_the_certificate(client, clock):
    regs = await setup_event(client, clock, host_name="Universidad de San Carlos")
    resp = await client.get(f"/r/{token_of(regs['jose'])}/certificate.pdf?lang=en")
    text = pdf_text(await resp.read())
    assert "Universidad de San Carlos" in text
    assert "CERTIFICATE OF ATTENDANCE" in text and "30 minutes" in text
