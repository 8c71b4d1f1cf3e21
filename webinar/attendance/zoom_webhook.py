"""Zoom's webhooks: the signature, the URL-validation handshake, and what a participant's
`joined`/`left` stores.

- A request is Zoom's when `x-zm-signature` is `v0=` + hex HMAC-SHA256(secret,
  `v0:{x-zm-request-timestamp}:{raw body}`) (compared in constant time) and its timestamp
  is within 5 minutes of our clock. The handshake is answered only for a signed request:
  unsigned, it would sign any text an attacker chose (a forged event's signature).
- The event is the one whose `zoom_meeting_id`, or a path segment of whose `join_url`, is
  the meeting number, and whose window (doors open .. end) with an hour's slack either
  side contains the moment of the join or leave; of several (a meeting reused for a series)
  the one whose window is nearest.
- The person is the registration of that event with the participant's email (compared
  lower-cased); without one, a walk-in (stored with no registration, never made one).
- `joined` opens an interval named by the meeting's uuid, the participant and the join
  time; `left` closes that participant's latest open interval, or when none is open stores
  a closed one if the payload carries the join time, else changes nothing. A re-delivered
  webhook names the same interval, so it counts once.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated
from urllib.parse import parse_qs, urlsplit

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from webinar.attendance import service
from webinar.clock import to_db
from webinar.events.model import Event
from webinar.store.interface import Store

SOURCE = "zoom_webhook"
MAX_SKEW = timedelta(minutes=5)
SLACK = timedelta(hours=1)
MAX_DOORS = timedelta(minutes=1440)  # the largest doors_open_minutes an event may have
URL_VALIDATION = "endpoint.url_validation"
JOINED, LEFT = "joined", "left"
PARTICIPANT_EVENTS = {
    "meeting.participant_joined": JOINED, "webinar.participant_joined": JOINED,
    "meeting.participant_left": LEFT, "webinar.participant_left": LEFT,
}

# What `verify` found.
VALID, BAD_SIGNATURE, STALE = "valid", "bad_signature", "stale"


def sign(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The `x-zm-signature` Zoom sends for this body and timestamp."""
    return "v0=" + sign(secret, b"v0:" + timestamp.encode() + b":" + body)


def verify(secret: str, timestamp: str | None, body: bytes, given: str | None,
           now: datetime) -> str:
    """VALID, BAD_SIGNATURE (missing or wrong) or STALE (signed, but more than 5 minutes
    off our clock: a replay)."""
    if not timestamp or not given or not timestamp.isascii() or not timestamp.isdigit() \
            or len(timestamp) > 12:
        return BAD_SIGNATURE
    expected = signature(secret, timestamp, body)
    if not hmac.compare_digest(expected.encode(), given.strip().encode("utf-8", "replace")):
        return BAD_SIGNATURE
    sent = datetime.fromtimestamp(int(timestamp), UTC)
    if abs(now - sent) > MAX_SKEW:
        return STALE
    return VALID


def url_validation(secret: str, plain_token: str) -> dict[str, str]:
    """The handshake's answer."""
    return {"plainToken": plain_token, "encryptedToken": sign(secret, plain_token.encode())}


# --- payloads --------------------------------------------------------------------------

def _text(value: object) -> object:
    """Zoom sends ids as strings, sometimes as numbers; null and "" mean absent."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value))
    return value


IdText = Annotated[str | None, BeforeValidator(_text), Field(max_length=200)]


class Participant(BaseModel):
    model_config = ConfigDict(extra="ignore")

    user_id: IdText = None
    participant_uuid: IdText = None
    id: IdText = None
    user_name: str | None = Field(default=None, max_length=300)
    email: str | None = Field(default=None, max_length=320)
    join_time: AwareDatetime | None = None
    leave_time: AwareDatetime | None = None
    date_time: AwareDatetime | None = None  # older webinar payloads

    @field_validator("join_time", "leave_time", "date_time", mode="before")
    @classmethod
    def _blank_time(cls, value: object) -> object:
        return None if value == "" else value

    def who(self) -> str | None:
        """Who this is within the meeting, the same in `joined` and `left`."""
        for value in (self.participant_uuid, self.user_id, self.id, self.email):
            if value and value.strip():
                return value.strip()
        return None


class MeetingObject(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: Annotated[str, BeforeValidator(_text), Field(max_length=40)]
    uuid: Annotated[str, BeforeValidator(_text), Field(max_length=200)] = ""
    participant: Participant


class ParticipantPayload(BaseModel):
    model_config = ConfigDict(extra="ignore")

    object: MeetingObject


class Envelope(BaseModel):
    """What every Zoom webhook carries; the payload is read by the event's kind."""

    model_config = ConfigDict(extra="ignore")

    event: str = Field(max_length=200)
    event_ts: int | None = None
    payload: dict = Field(default_factory=dict)

    def moment(self) -> datetime | None:
        if self.event_ts is None or not 0 < self.event_ts < 10**14:
            return None
        return datetime.fromtimestamp(self.event_ts / 1000, UTC)


class PayloadProblem(ValueError):
    """A signed request whose body is not what its event type promises."""


def plain_token(envelope: Envelope) -> str:
    token = envelope.payload.get("plainToken")
    if not isinstance(token, str) or not token or len(token) > 200:
        raise PayloadProblem("plainToken")
    return token


# --- the event and the person ----------------------------------------------------------

def meeting_number(value: str) -> str | None:
    """The meeting number as digits ("812 3456 7890" and 81234567890 alike), or None."""
    digits = "".join(value.split()).replace("-", "")
    return digits if digits.isascii() and digits.isdigit() and len(digits) <= 15 else None


def holds_meeting(event: Event, number: str) -> bool:
    """Whether the event is held in this Zoom meeting: its meeting-id field, or its join
    URL with the number as a path segment (/j/N, /w/N, /s/N, /wc/join/N) or `confno`."""
    if event.zoom_meeting_id == number:
        return True
    if not event.join_url:
        return False
    parts = urlsplit(event.join_url)
    return number in parts.path.split("/") or number in parse_qs(parts.query).get("confno", [])


def _distance(event: Event, moment: datetime) -> timedelta:
    start, end = event.doors_open_at(), event.ends_at
    if moment < start:
        return start - moment
    if moment >= end:
        return moment - end
    return timedelta(0)


def pick_event(candidates: list[Event], number: str, moment: datetime) -> Event | None:
    """The event held in meeting `number` whose window, with an hour's slack, contains
    `moment`; of several, the nearest (then the earliest)."""
    fitting = [e for e in candidates
               if holds_meeting(e, number) and e.status != "cancelled"
               and _distance(e, moment) <= SLACK and moment < e.ends_at + SLACK]
    if not fitting:
        return None
    return min(fitting, key=lambda e: (_distance(e, moment), e.starts_at, e.id))


async def find_event(store: Store, number: str, moment: datetime) -> Event | None:
    rows = await store.events.for_zoom_meeting(
        number, ends_after=to_db(moment - SLACK), starts_before=to_db(moment + SLACK + MAX_DOORS))
    return pick_event([Event.from_row(r) for r in rows], number, moment)


def interval_prefix(event: Event, meeting_uuid: str, who: str) -> str:
    """The start of the keys of one participant's intervals in one meeting instance
    (hashed: the key holds no email)."""
    text = "\x1f".join((str(event.id), meeting_uuid, who))
    return f"{SOURCE}:{hashlib.sha256(text.encode()).hexdigest()[:40]}:"


# --- what a webhook stores -------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    """What one webhook did: `stored` whether anything changed; `status` a short word for
    the answer and the log (`opened`, `closed`, `stored`, `repeated`, `no_event`, ...)."""

    status: str
    stored: bool = False


async def handle_participant(store: Store, now: datetime, envelope: Envelope) -> Outcome:
    """Apply a `participant_joined`/`left` webhook (see the module's docstring)."""
    kind = PARTICIPANT_EVENTS[envelope.event]
    try:
        obj = ParticipantPayload.model_validate(envelope.payload).object
    except ValidationError as exc:
        raise PayloadProblem(str(exc.errors(include_url=False, include_input=False))) from None
    person = obj.participant
    number = meeting_number(obj.id)
    who = person.who()
    if number is None or who is None:
        return Outcome("unreadable")
    if kind == JOINED:
        moment = person.join_time or person.date_time or envelope.moment() or now
    else:
        moment = person.leave_time or person.date_time or envelope.moment() or now
    event = await find_event(store, number, moment)
    if event is None:
        return Outcome("no_event")
    prefix = interval_prefix(event, obj.uuid or number, who)
    if kind == LEFT:
        key = await store.attendance.open_interval_key(event.id, prefix)
        if key is not None:
            closed = await service.close_presence(store, now, key=key, ended_at=moment)
            return Outcome("closed" if closed else "repeated", closed)
        if person.join_time is None:
            return Outcome("nothing_open")
    started = person.join_time if kind == LEFT else moment
    assert started is not None
    email = (person.email or "").strip().lower() or None
    registration = None
    if email:
        registration = await store.registrations.by_email(event.id, email)
    added = await service.record_presence(
        store, now, event, key=prefix + to_db(started), source=SOURCE, started_at=started,
        ended_at=moment if kind == LEFT else None,
        registration_id=None if registration is None else registration["id"], email=email,
        name=(person.user_name or "").strip()[:300])
    if not added:
        return Outcome("repeated")
    return Outcome("opened" if kind == JOINED else "stored", True)

