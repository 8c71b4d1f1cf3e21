"""The thank-you carries the certificate of attendance (a PDF) to a person who earned it,
and none to one who attended too briefly, through the real wrap-up and a real SMTP server."""

from __future__ import annotations

import io
from datetime import timedelta

from pypdf import PdfReader

from tests.certificates.test_certificates import present
from tests.conftest import EVENT_START, create_event, person, register_api, run_scheduler
from tests.wrapup.helpers import received

SLUG = "foro-digital"
REPORT_AT = EVENT_START + timedelta(hours=2, minutes=15)


async def test_the_thank_you_carries_the_certificate_only_when_earned(mail_client, smtp, clock):
    inbox, _port = smtp
    await create_event(mail_client, certificate_minutes=30)
    regs = {}
    for n, key in enumerate(("jose", "ana"), 1):
        resp = await register_api(mail_client, SLUG, person(n, name=key.title(),
                                                            email=f"{key}@example.org"))
        regs[key] = await resp.json()
    await run_scheduler(mail_client)
    await present(mail_client, regs["jose"], 30, "checkin:jose")
    await present(mail_client, regs["ana"], 29, "checkin:ana")
    clock.set(REPORT_AT)
    await run_scheduler(mail_client)
    await inbox.wait_for(len(inbox.messages))
    thanks = dict(received(mail_client, inbox.messages)["thank_you"])
    assert set(thanks) == {"jose@example.org", "ana@example.org"}  # both attended
    pdfs = {to: [p for p in m.iter_attachments() if p.get_content_type() == "application/pdf"]
            for to, m in thanks.items()}
    assert pdfs["ana@example.org"] == []
    (certificate,) = pdfs["jose@example.org"]
    text = PdfReader(io.BytesIO(certificate.get_content())).pages[0].extract_text()
    assert "Jose" in text and "30" in text
