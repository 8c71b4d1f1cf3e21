"""A participant's own cancellation mail carries an .ics METHOD:CANCEL with the invite's
UID and a raised SEQUENCE, so the entry leaves their calendar."""

from __future__ import annotations

from icalendar import Calendar

from tests.conftest import (
    cancel_registration,
    create_event,
    db_rows,
    person,
    register_api,
    run_scheduler,
)


def _vevent(msg):
    for part in msg.iter_attachments():
        if part.get_content_type() == "text/calendar":
            cal = Calendar.from_ical(part.get_payload(decode=True))
            return cal, cal.walk("VEVENT")[0]
    raise AssertionError("no invite attached")


async def test_the_cancellation_mail_removes_the_calendar_entry(mail_client, smtp):
    inbox, _port = smtp
    await create_event(mail_client)
    await register_api(mail_client, "foro-digital", person(1))
    await run_scheduler(mail_client)
    await inbox.wait_for(1)
    token = db_rows(mail_client, "SELECT token FROM registrations")[0]["token"]
    resp = await cancel_registration(mail_client, token)
    assert resp.status == 303
    await run_scheduler(mail_client)
    await inbox.wait_for(2)
    confirmation, cancellation = inbox.messages[0], inbox.messages[1]
    _cal, first = _vevent(confirmation)
    cal, cancelled = _vevent(cancellation)
    assert str(cal["METHOD"]) == "CANCEL"
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["UID"]) == str(first["UID"])
    assert int(cancelled["SEQUENCE"]) > int(first["SEQUENCE"])
