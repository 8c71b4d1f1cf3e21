"""Mails and invites name who organizes: From carries the host's name (safely encoded),
Reply-To its contact, the .ics an ORGANIZER with CN."""

from __future__ import annotations

from icalendar import Calendar

from tests.conftest import create_event, person, register_api, run_scheduler
from webinar.app import create_app


def _invite(msg) -> Calendar:
    for part in msg.iter_attachments():
        if part.get_content_type() == "text/calendar":
            return Calendar.from_ical(part.get_payload(decode=True))
    raise AssertionError("no invite")


async def test_from_reply_to_and_organizer_follow_the_host(aiohttp_client, smtp_settings,
                                                          smtp, clock):
    inbox, _port = smtp
    settings = smtp_settings.model_copy(update={
        "org_name": "Universidad del Valle", "org_contact": "foros@uvg.example.edu"})
    client = await aiohttp_client(create_app(settings, clock=clock))
    await create_event(client, host_name='Facultad de Economía "FACE", <x@evil.example>',
                       host_contact_email="eventos@flacso.example.org")
    await register_api(client, "foro-digital", person(1))
    await run_scheduler(client)
    await inbox.wait_for(1)
    msg = inbox.messages[0]
    assert len(msg["From"].addresses) == 1
    # (Python's decoder keeps the space between two encoded words: compare the words.)
    name = msg["From"].addresses[0].display_name
    assert name.split() == 'Facultad de Economía "FACE", <x@evil.example>'.split()
    assert msg["From"].addresses[0].addr_spec == "foros@example.org"  # WEBINAR_MAIL_FROM
    assert str(msg["Reply-To"]) == "eventos@flacso.example.org"
    organizer = _invite(msg).walk("VEVENT")[0]["ORGANIZER"]
    assert str(organizer) == "mailto:eventos@flacso.example.org"
    assert organizer.params["CN"] == 'Facultad de Economía "FACE", <x@evil.example>'


async def test_the_deployment_defaults_when_the_event_names_no_host(aiohttp_client,
                                                                   smtp_settings, smtp, clock):
    inbox, _port = smtp
    settings = smtp_settings.model_copy(update={
        "org_name": "Universidad del Valle", "org_contact": "foros@uvg.example.edu"})
    client = await aiohttp_client(create_app(settings, clock=clock))
    await create_event(client)
    await register_api(client, "foro-digital", person(1))
    await run_scheduler(client)
    await inbox.wait_for(1)
    msg = inbox.messages[0]
    assert msg["From"].addresses[0].display_name == "Universidad del Valle"
    assert str(msg["Reply-To"]) == "foros@uvg.example.edu"
    organizer = _invite(msg).walk("VEVENT")[0]["ORGANIZER"]
    assert organizer.params["CN"] == "Universidad del Valle"


async def test_without_any_host_the_mail_from_setting_stands(mail_client, smtp):
    inbox, _port = smtp
    await create_event(mail_client)
    await register_api(mail_client, "foro-digital", person(1))
    await run_scheduler(mail_client)
    await inbox.wait_for(1)
    msg = inbox.messages[0]
    assert msg["From"].addresses[0].display_name == "Foros"  # from WEBINAR_MAIL_FROM
    assert str(msg["Reply-To"]) == "org@example.org"  # the organizers, as before
