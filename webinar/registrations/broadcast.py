"""An organizer's message to registrants: every confirmed registrant of the event, or the
set the registrants table is filtered to (confirmed or waitlisted people in it; the
cancelled hear nothing more).

The message is stored (`broadcasts`) and each recipient gets one delivery, kind
`broadcast`, keyed `broadcast:<broadcast>:<registration>`, all in one transaction. The
form carries a random key stored with the message: the same form sent again (a double
click, a retry after a timeout) finds the first message and plans nothing. The mail wraps
the organizer's text in the person's language (webinar.mail.messages); the subject is the
only part of it that reaches a header, refused when it holds a line break or an encoded
word (webinar.validation.Line) and written by the header-safe compose.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from webinar.attendance.snapshots import AttendanceSnapshots
from webinar.clock import to_db
from webinar.events.model import Event
from webinar.mail.planner import message_id
from webinar.registrations import listing
from webinar.registrations.listing import RegistrantsQuery
from webinar.store.interface import Store
from webinar.validation import Line

KIND = "broadcast"
AUDIENCE_STATUSES = ("confirmed", "waitlisted")
_BODY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _plain_body(value: str) -> str:
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = _BODY_CONTROL.sub("", text).strip()
    if not text:
        raise ValueError("empty")
    return text


class BroadcastIn(BaseModel):
    """The message form: a one-line subject, a plain-text body, the form's key."""

    model_config = ConfigDict(extra="ignore")

    subject: Line = Field(min_length=1, max_length=200)
    body: Annotated[str, AfterValidator(_plain_body)] = Field(min_length=1, max_length=20_000)
    form_key: str = Field(pattern=r"^[A-Za-z0-9_-]{16,64}$")


@dataclass(frozen=True)
class Sent:
    broadcast_id: int
    recipients: int
    new: bool  # False: this form was sent before; nothing more was planned


def audience(query: RegistrantsQuery) -> RegistrantsQuery:
    """Who a message from this view of the table goes to: its filtered set, confirmed
    people only unless the view shows the waitlist; nobody when it shows the cancelled."""
    if query.status is None:
        return query.model_copy(update={"status": "confirmed"})
    return query


async def send(store: Store, snapshots: AttendanceSnapshots, now: datetime, event: Event,
               organizer_id: int | None, data: BroadcastIn, query: RegistrantsQuery,
               domain: str) -> Sent:
    chosen = audience(query)
    ids: list[int] = []
    if chosen.status in AUDIENCE_STATUSES:
        ids, _seen = await listing.matching_ids(store, snapshots, event, chosen, now)
    people = await store.registrants.rows(ids) if ids else []
    stamp = to_db(now)
    filters = chosen.params(page=1, sort=None, order=None)
    async with store.transaction() as tx:
        row, new = await tx.registrants.insert_broadcast(
            event_id=event.id, organizer_id=organizer_id, form_key=data.form_key,
            subject=data.subject, body=data.body, audience=json.dumps(filters), now=stamp)
        if not new:
            return Sent(row["id"], row["recipients"], False)
        planned = []
        for person in people:
            if person["status"] not in AUDIENCE_STATUSES:
                continue
            key = f"{KIND}:{row['id']}:{person['id']}"
            planned.append({"key": key, "kind": KIND, "event_id": event.id,
                            "registration_id": person["id"], "recipient": person["email"],
                            "detail": str(row["id"]), "sequence": event.sequence,
                            "due_at": stamp, "message_id": message_id(key, domain),
                            "now": stamp})
        await tx.registrants.plan_many(planned)
        await tx.registrants.set_broadcast_recipients(row["id"], len(planned))
    return Sent(row["id"], len(planned), True)


async def recent(store: Store, event: Event, limit: int = 20) -> list[dict]:
    return [dict(r) for r in await store.registrants.broadcasts(event.id, limit)]
