"""A forum for the wrap-up tests: an organizer who creates it (creator@), two organizer
emails, four confirmed registrants whose join clicks sit at the edges of the attendance
window (doors open .. end), and one who cancelled."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from openpyxl import load_workbook

from tests.conftest import (
    EVENT_START,
    cancel_registration,
    create_event,
    db_rows,
    organizer_token,
    person,
    register_api,
    resources_of,
    run_scheduler,
)

SLUG = "foro-digital"
END = EVENT_START + timedelta(hours=2)
DOORS = EVENT_START - timedelta(minutes=15)
REPORT_AT = END + timedelta(minutes=15)  # the default report_delay
ORGANIZERS = ["org@example.org", "co@example.org"]
CREATOR = "creator@example.org"
RECORDING = "https://video.example.org/grabacion-foro"

# persona<n>: the moment of their one join click, and whether that is attendance.
CLICKS = {
    1: (DOORS - timedelta(seconds=1), False),  # before the doors open
    2: (END - timedelta(seconds=1), True),  # the last second of the window
    3: (DOORS, True),  # the doors open
    4: (END, False),  # the end: outside
}
LANGUAGES = {1: "es", 2: "en", 3: "es", 4: "en", 5: "es"}


def email(n: int) -> str:
    return f"persona{n}@example.org"


@dataclass
class Forum:
    token: str  # the creator's API token
    regs: dict[int, dict]


async def forum(client, clock, **overrides) -> Forum:
    """The forum, registrations done and clicks made; the clock left at the end."""
    token = await organizer_token(client, CREATOR)
    body = {"organizer_emails": ORGANIZERS, "recording_url": RECORDING, **overrides}
    await create_event(client, token, **body)
    regs = {}
    for n in (1, 2, 3, 4, 5):
        resp = await register_api(client, SLUG, person(n, language=LANGUAGES[n],
                                                       sector="academic" if n % 2 else "public"))
        assert resp.status == 201
        regs[n] = await resp.json()
    assert (await cancel_registration(client, regs[5]["manage_link"].rsplit("/", 1)[1])
            ).status == 303
    await run_scheduler(client)  # confirmations and reminders planned
    for n, (moment, _attended) in sorted(CLICKS.items(), key=lambda item: item[1][0]):
        clock.set(moment)
        join = "/j/" + regs[n]["join_link"].rsplit("/", 1)[1]
        await client.get(join, allow_redirects=False)
    clock.set(END)
    return Forum(token, regs)


WRAPUP_KINDS = ("report", "thank_you", "sorry_missed")


def wrapup_rows(client) -> list[dict]:
    return db_rows(client, "SELECT * FROM deliveries WHERE kind IN (?, ?, ?) ORDER BY id",
                   WRAPUP_KINDS)


def received(client, messages: list[EmailMessage]) -> dict[str, list[tuple[str, EmailMessage]]]:
    """The wrap-up's mails the relay received, by kind: (recipient, message), matched to
    their planned rows by Message-ID."""
    kinds = {r["message_id"]: (r["kind"], r["recipient"]) for r in wrapup_rows(client)}
    out: dict[str, list[tuple[str, EmailMessage]]] = {k: [] for k in WRAPUP_KINDS}
    for message in messages:
        found = kinds.get(str(message["Message-ID"]).strip())
        if found:
            out[found[0]].append((found[1], message))
    return out


def xlsx_of(message: EmailMessage):
    [part] = [p for p in message.iter_attachments() if p.get_filename().endswith(".xlsx")]
    return load_workbook(io.BytesIO(part.get_content()))


def at(clock, moment: datetime) -> None:
    clock.set(moment)


def db_path(client):
    return resources_of(client).settings.db_path
