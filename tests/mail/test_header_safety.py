"""User text in mail headers, checked on the bytes a real SMTP server receives: text shaped
like an RFC 2047 encoded word (=?utf-8?q?...?=) in a name, an event title or an organizer's
address must stay text, never become a header line or a body."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from email import message_from_bytes, policy
from email.header import decode_header, make_header

import pytest

from tests.conftest import (
    NOW,
    create_event,
    db_rows,
    person,
    register_api,
    resources_of,
    run_scheduler,
)
from webinar.mail.compose import compose

# The reviewer's payload: decoded, it ends the To header, adds Bcc and Content-Type
# headers and starts an HTML body.
EVIL_NAME = ("=?utf-8?q?Ana=0D=0ABcc:_x@evil.test=0D=0AContent-Type:_text/html=0D=0A=0D=0A"
             "<a_href=3Dhttp://evil.test>Reset</a>?=")
EVIL_TITLE = "=?utf-8?q?Foro=0D=0ABcc:_x@evil.test?="
# Every character is allowed in an address's local part, so this passes as an address.
EVIL_ADDRESS = "=?utf-8?q?o=0D=0ABcc=3A_y=40evil.test?=@example.org"


def old_data(client, sql: str, params: tuple) -> None:
    """Write under the store, as rows stored before the validators refused such text."""
    with closing(sqlite3.connect(resources_of(client).settings.db_path)) as conn:
        conn.execute(sql, params)
        conn.commit()


def decoded(raw: bytes, name: str) -> str:
    """A header's text as RFC 2047 reads it (the space between two encoded words is not
    text; the address parser of the email package keeps it, its decode_header does not)."""
    head = raw.split(b"\r\n\r\n", 1)[0].replace(b"\r\n ", b" ").decode("ascii")
    [value] = [line.split(":", 1)[1] for line in head.split("\r\n")
               if line.lower().startswith(name.lower() + ":")]
    return str(make_header(decode_header(value.strip())))


def header_names(raw: bytes) -> list[str]:
    """The names of the top-level header lines, exactly as they were on the wire."""
    head = raw.split(b"\r\n\r\n", 1)[0]
    return [line.split(b":", 1)[0].decode().lower() for line in head.split(b"\r\n")
            if line and line[:1] not in (b" ", b"\t")]


def stored_as_old_data(client, slug: str, registration_id: int, where: str) -> None:
    if where == "To":
        old_data(client, "UPDATE registrations SET name = ? WHERE id = ?",
                 (EVIL_NAME, registration_id))
    elif where == "Subject":
        old_data(client, "UPDATE events SET title = ? WHERE slug = ?", (EVIL_TITLE, slug))
    else:
        old_data(client, "UPDATE events SET organizer_emails = ? WHERE slug = ?",
                 (json.dumps([EVIL_ADDRESS, "org@example.org"]), slug))


@pytest.mark.once  # writes the SQLite file under the store
@pytest.mark.parametrize("where", ["To", "Subject", "Reply-To"])
async def test_stored_encoded_words_never_become_headers(mail_client, smtp, where):
    """Validation bypassed (rows written under the store): the header is still safe."""
    inbox, _port = smtp
    event = await create_event(mail_client)
    reg = await (await register_api(mail_client, event["slug"], person(1))).json()
    stored_as_old_data(mail_client, event["slug"], reg["id"], where)
    await run_scheduler(mail_client)
    [raw] = inbox.raw
    names = header_names(raw)
    assert "bcc" not in names
    assert names.count("content-type") == 1 and names.count(where.lower()) == 1
    msg = message_from_bytes(raw, policy=policy.default)
    assert msg["Bcc"] is None
    assert [p.get_content_type() for p in msg.walk()][:4] == [
        "multipart/mixed", "multipart/alternative", "text/plain", "text/html"]
    assert b"<a href=http://evil.test>" not in raw
    assert msg.get_body(preferencelist=("html",)).get_content().startswith("<!doctype html>")
    # The text is still there, as text: decoded once, exactly what was stored.
    [to] = msg["To"].addresses
    assert to.addr_spec == "persona1@example.org"
    if where == "To":
        assert decoded(raw, "To") == f"{EVIL_NAME} <persona1@example.org>"
    elif where == "Subject":
        assert str(msg["Subject"]) == f"Inscripción confirmada: {EVIL_TITLE}"
        assert decoded(raw, "Subject") == f"Inscripción confirmada: {EVIL_TITLE}"
    else:
        # An address that only looks like one is left out of Reply-To.
        assert str(msg["Reply-To"]) == "org@example.org"


@pytest.mark.once  # writes the SQLite file under the store
async def test_a_stored_address_that_is_not_plain_fails_for_good(mail_client, smtp):
    """An old row whose address is shaped like an encoded word: nothing is sent to it,
    and it is not retried."""
    inbox, _port = smtp
    event = await create_event(mail_client)
    reg = await (await register_api(mail_client, event["slug"], person(1))).json()
    old_data(mail_client, "UPDATE registrations SET email = ? WHERE id = ?",
             (EVIL_ADDRESS, reg["id"]))
    await run_scheduler(mail_client)
    assert inbox.raw == []
    [row] = db_rows(mail_client, "SELECT * FROM deliveries WHERE kind = 'confirmation'")
    assert row["status"] == "failed" and "cannot be written safely" in row["last_error"]


def test_long_text_is_folded_into_short_lines_and_reads_back_whole():
    name = "María José Rodríguez Hernández de León y Castillo, =?x?= \"Coordinadora\""
    subject = "Inscripción confirmada: " + "Gobierno digital en Centroamérica " * 5
    msg = compose(sender="Foros Guatemala <foros@example.org>", to_name=name,
                  to_addr="ana@bücher.example", subject=subject, text="hola", html=None,
                  message_id="<x@example.org>", date=NOW,
                  reply_to=["a@example.org", "b@example.org"])
    raw = msg.as_bytes()
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert all(len(line) <= 78 for line in head.split(b"\r\n"))
    assert decoded(raw, "To") == f"{name} <ana@xn--bcher-kva.example>"
    assert decoded(raw, "Subject") == " ".join(subject.split())
    assert decoded(raw, "From") == "Foros Guatemala <foros@example.org>"
    assert decoded(raw, "Reply-To") == "a@example.org, b@example.org"
