"""Who organizes a forum: the deployment's defaults (WEBINAR_ORG_* settings) with an
event's hosting institution (its host_* fields) taking precedence, field by field. Pages,
mails and invites all ask `host_for`, so they always name the same organizer."""

from __future__ import annotations

from dataclasses import dataclass

from webinar.events.model import Event
from webinar.settings import Settings


@dataclass(frozen=True)
class Host:
    name: str | None
    website: str | None
    contact: str | None  # an email address
    privacy_url: str | None
    logo: str | None  # a data: URI, or None

    @property
    def named(self) -> bool:
        return bool(self.name)


def host_for(settings: Settings, event: Event | None = None) -> Host:
    """The organizer to show for `event` (or for the deployment when None). The
    deployment's logo stands beside its own name only, never beside an event's host."""
    own_name = event is None or not event.host_name
    return Host(
        name=(event.host_name if event and event.host_name else settings.org_name),
        # The website goes with the name; contact and privacy notice fall back field by field.
        website=settings.org_website if own_name else event.host_website if event else None,
        contact=(event.host_contact_email if event and event.host_contact_email
                 else settings.org_contact),
        privacy_url=(event.host_privacy_url if event and event.host_privacy_url
                     else settings.org_privacy_url),
        logo=settings.org_logo_data_uri() if own_name else None,
    )
