"""Who earns a certificate of attendance, and the verification code printed on it.

- A certificate is earned by a confirmed registration of an event that is not cancelled
  and has ended, whose `minutes` (the contract's minutes: the union of presence intervals
  inside the window, webinar.attendance.intervals) reach the event's `certificate_minutes`.
  `certificate_minutes` None means the event offers no certificates; it is never 0 (a
  join click alone is presence without minutes and earns none), and a 0 stored by mistake
  is read as "no certificates" too.
- The verification code is `<registration id>-<HMAC>`: the HMAC-SHA256 of the id under
  the deployment's secret key, 128 bits in base32. It cannot be guessed or made up for
  another registration, needs no stored column, and says nothing about the person. (A new
  secret key makes the codes already printed unverifiable.)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

from webinar.events.model import Event
from webinar.registrations.model import Registration

_MAC_BYTES = 16


def offered(event: Event) -> bool:
    """Whether the event gives certificates at all."""
    return event.certificate_minutes is not None and event.certificate_minutes > 0


def earned(event: Event, registration: Registration, minutes: int, now: datetime) -> bool:
    """The one rule (see the module's docstring)."""
    return (offered(event) and event.status != "cancelled" and now >= event.ends_at
            and registration.status == "confirmed" and registration.event_id == event.id
            and event.certificate_minutes is not None
            and minutes >= event.certificate_minutes)


def _mac(secret: str, registration_id: int) -> str:
    digest = hmac.new(secret.encode(), f"certificate:{registration_id}".encode(),
                      hashlib.sha256).digest()[:_MAC_BYTES]
    return base64.b32encode(digest).decode("ascii").rstrip("=").lower()


def verification_code(secret: str, registration_id: int) -> str:
    return f"{registration_id}-{_mac(secret, registration_id)}"


def registration_of(secret: str, code: str) -> int | None:
    """The registration id a code was made for, or None for a code we did not make."""
    number, _, mac = code.partition("-")
    if not number.isdigit() or len(number) > 18 or not mac:
        return None
    registration_id = int(number)
    if not hmac.compare_digest(mac.lower(), _mac(secret, registration_id)):
        return None
    return registration_id
