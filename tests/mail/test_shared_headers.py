"""The headers a batch of mails shares (From with the organizer's name, Reply-To, Subject)
are written once and reused: the reused line is exactly the one written the first time,
user text in it is still encoded and folded (no CR/LF, no header injection, RFC 2047 for
accents and encoded-word look-alikes), and different values never share a line."""

from __future__ import annotations

from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser

import pytest

from webinar.mail.compose import compose

DATE = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
HOSTILE = [
    "Foro de datos",
    "Año de datos: ñandú, código abierto",
    "Foro\r\nBcc: eve@example.org",
    "=?utf-8?q?Foro=0D=0ABcc:_eve@example.org?=",
    "Reunión " * 40,
]


def mail(subject: str, host: str, reply_to: list[str] | None = None) -> bytes:
    return compose(sender="Foros <foros@example.org>", sender_name=host, to_name="Ana",
                   to_addr="ana@example.org", subject=subject, text="Hola", html=None,
                   message_id="<1@example.org>", date=DATE, reply_to=reply_to).as_bytes()


def head(data: bytes) -> bytes:
    return data.split(b"\r\n\r\n", 1)[0]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_shared_header_reads_back_as_given_and_adds_no_header(text):
    first, again = mail(text, text), mail(text, text)
    assert first == again
    msg = BytesParser(policy=policy.default).parsebytes(first)
    assert msg["Subject"] == " ".join(text.replace("\r\n", " ")[:250].split())
    # (the email package's reader may show a space where two encoded words meet)
    shown = msg["From"].addresses[0].display_name
    assert shown.replace(" ", "") == text[:200].replace("\r\n", "").replace(" ", "")
    assert msg["From"].addresses[0].addr_spec == "foros@example.org"
    assert msg.get_all("Bcc") is None
    lines = head(first).split(b"\r\n")
    assert all(len(line) <= 78 and line.isascii() for line in lines)
    names = [line.split(b":")[0] for line in lines if not line.startswith(b" ")]
    assert names == [b"From", b"To", b"Subject", b"Date", b"Message-ID", b"Auto-Submitted",
                     b"MIME-Version", b"Content-Type", b"Content-Transfer-Encoding"]


def test_different_values_never_share_a_line():
    subjects = [BytesParser(policy=policy.default).parsebytes(mail(s, "Org"))["Subject"]
                for s in ("Recordatorio: A", "Recordatorio: B", "Recordatorio: A")]
    assert subjects == ["Recordatorio: A", "Recordatorio: B", "Recordatorio: A"]
    senders = [BytesParser(policy=policy.default).parsebytes(mail("S", h))["From"]
               for h in ("Org Á", "Org B")]
    assert [s.addresses[0].display_name for s in senders] == ["Org Á", "Org B"]


def test_reply_to_leaves_out_what_cannot_be_written_and_is_absent_when_nothing_can():
    msg = BytesParser(policy=policy.default).parsebytes(
        mail("S", "Org", ["org@example.org", "bad address@x", "b@example.org\r\nBcc: e@x"]))
    assert [a.addr_spec for a in msg["Reply-To"].addresses] == ["org@example.org"]
    assert msg.get_all("Bcc") is None
    none = BytesParser(policy=policy.default).parsebytes(mail("S", "Org", ["bad address@x"]))
    assert none["Reply-To"] is None
    assert b"Reply-To" not in head(mail("S", "Org", ["bad address@x"]))
