"""Every mail carries one Date header: the injected clock's time when it was sent."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy

from tests.conftest import EVENT_START, NOW, create_event, person, register_api, run_scheduler
from webinar.app import create_app


def dates(raw: bytes) -> list:
    msg = message_from_bytes(raw, policy=policy.default)
    return [header.datetime for header in msg.get_all("Date", [])]


async def test_confirmation_and_reminder_are_dated_by_the_clock(mail_client, smtp, clock):
    inbox, _port = smtp
    event = await create_event(mail_client, reminders=["1h"])
    await register_api(mail_client, event["slug"], person(1))
    await run_scheduler(mail_client)
    clock.set(EVENT_START - timedelta(minutes=59))
    await run_scheduler(mail_client)
    assert [dates(raw) for raw in inbox.raw] == [[NOW], [EVENT_START - timedelta(minutes=59)]]


async def test_eml_files_are_dated_too(aiohttp_client, settings, clock):
    client = await aiohttp_client(create_app(settings, clock=clock))
    event = await create_event(client)
    await register_api(client, event["slug"], person(1))
    await run_scheduler(client)
    [path] = (settings.data_dir / "mail").glob("*.eml")
    assert dates(path.read_bytes()) == [NOW]
