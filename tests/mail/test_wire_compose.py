"""The message `compose` writes on the wire itself: what a reader parses back is exactly
what was given (bodies, attachments, headers), every line is CRLF-ended ASCII within the
SMTP limit, and user text never adds a header."""

from __future__ import annotations

from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser

from webinar.mail.compose import Attachment, compose

TEXT = ("Hola María,\n\nSu inscripción está confirmada. " + "línea larga " * 20
        + "\n.\nFrom here\n=?utf-8?q?no?=\n")
HTML = "<!doctype html><p>Hola <b>María</b> — " + "x" * 300 + "</p>\n"


def test_the_wire_form_parses_back_to_what_was_given():
    ics = b"BEGIN:VCALENDAR\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n"
    xlsx = bytes(range(256)) * 10
    msg = compose(sender="Foros Guatemala <foros@example.org>",
                  to_name="Ana =?utf-8?q?X=0D=0ABcc:_eve@example.org?=\r\nBcc: eve@x.org",
                  to_addr="ana@example.org", subject="Inscripción: Foro\r\nBcc: eve@x.org",
                  text=TEXT, html=HTML, message_id="<abc@example.org>",
                  date=datetime(2026, 12, 1, 12, 0, tzinfo=UTC),
                  reply_to=["org@example.org", "bad address@x"],
                  attachments=[Attachment("invite.ics", "text/calendar", ics,
                                          {"method": "PUBLISH"}),
                               Attachment("informe año.xlsx", "application/octet-stream",
                                          xlsx)],
                  headers={"Content-Language": "es"})
    raw = msg.as_bytes()
    assert raw.isascii()
    lines = raw.split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 78
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    names = [k.lower() for k in parsed]
    assert "bcc" not in names and len(names) == len(set(names))
    assert msg.sender == "foros@example.org" and msg.recipients == ["ana@example.org"]
    assert msg.message_id == "<abc@example.org>" == parsed["Message-ID"]
    assert str(parsed["Subject"]) == "Inscripción: Foro Bcc: eve@x.org"
    assert str(parsed["Reply-To"]) == "org@example.org"
    assert str(parsed["Content-Language"]) == "es"
    assert [p.get_content_type() for p in parsed.walk()] == [
        "multipart/mixed", "multipart/alternative", "text/plain", "text/html",
        "text/calendar", "application/octet-stream"]
    # (line ends as on the wire: CRLF, which readers show as line ends)
    assert parsed.get_body(("plain",)).get_content().replace("\r\n", "\n") == TEXT
    assert parsed.get_body(("html",)).get_content().replace("\r\n", "\n") == HTML
    ics_part, xlsx_part = parsed.iter_attachments()
    assert ics_part.get_content().replace("\r\n", "\n") == ics.decode().replace("\r\n", "\n")
    assert ics_part.get_param("method") == "PUBLISH"
    assert xlsx_part.get_content() == xlsx
    assert xlsx_part.get_filename() == "informe año.xlsx"
    # The Mail object reads like the parsed message for callers and tests.
    [to] = msg["To"].addresses
    assert to.addr_spec == "ana@example.org"


def test_short_ascii_text_goes_as_it_is():
    msg = compose(sender="foros@example.org", to_name="Ana", to_addr="ana@example.org",
                  subject="Hi", text="Hello Ana,\nsee you.\n", html=None,
                  message_id="<m@example.org>", date=datetime(2026, 12, 1, tzinfo=UTC))
    raw = msg.as_bytes()
    assert b"Content-Transfer-Encoding: 7bit\r\n\r\nHello Ana,\r\nsee you.\r\n" in raw
    assert msg.get_content_type() == "text/plain"
