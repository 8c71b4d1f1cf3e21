"""What a personal join link does at a given moment: let the person in, or say why not.

Views call `decide`; `records_visit` says whose clicks the attendance service records, so
the rules live here and not in the view. The join link carries its own token (not the manage
token): whoever holds it may enter, and the pages it leads to show nothing personal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from webinar.events.model import Event
from webinar.registrations.model import Registration

ENTER = "enter"                    # redirect to the platform (or the watch page)
WAITING = "waiting"                # doors not open yet
NO_LINK = "no_link"                # doors open, but the organizers set no join URL yet
ENDED = "ended"                    # after the end: the recording, if any
EVENT_CANCELLED = "event_cancelled"
WAITLISTED = "waitlisted"
CANCELLED = "cancelled"


@dataclass(frozen=True)
class Decision:
    state: str

    @property
    def enters(self) -> bool:
        return self.state == ENTER


def decide(event: Event, reg: Registration, now: datetime, *,
           manage_token: bool = False) -> Decision:
    """What the join link does now. `manage_token`: the link carries the manage token, as
    join links mailed before the join token existed do; those work until the event ends,
    and after it show the end page whatever the registration's state."""
    if manage_token and now >= event.ends_at:
        return Decision(ENDED)
    if event.status == "cancelled":
        return Decision(EVENT_CANCELLED)
    if reg.status == "waitlisted":
        return Decision(WAITLISTED)
    if reg.status == "cancelled":
        return Decision(CANCELLED)
    if now >= event.ends_at:
        return Decision(ENDED)
    if now < event.doors_open_at():
        return Decision(WAITING)
    if not event.join_url and not event.embed_url:
        return Decision(NO_LINK)
    return Decision(ENTER)


def records_visit(event: Event, reg: Registration) -> bool:
    """Whether a click on this join link is recorded as a visit: a confirmed registration
    of an event that is not cancelled, at any moment (before the doors open it is a visit
    but not presence; the attendance service tells them apart)."""
    return reg.status == "confirmed" and event.status != "cancelled"
