"""Certificates of stored registrations: the certificate a registration has earned (with
its PDF), the answer of the verification page, and the thank-you mail's attachment.

Minutes come from `attendance.service.attendance_of` (the contract's minutes rule, not a
second one); who earns a certificate is `rules.earned`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from babel.dates import format_date

from webinar.attendance import service as attendance_service
from webinar.certificates import pdf, rules
from webinar.errors import EventNotFound
from webinar.events import service as events_service
from webinar.events.model import Event
from webinar.identity import host_for
from webinar.mail.compose import Attachment
from webinar.registrations.model import Registration
from webinar.settings import Settings
from webinar.store.interface import Store

if TYPE_CHECKING:
    from webinar.runtime import Resources

PDF_TYPE = "application/pdf"


@dataclass(frozen=True)
class Certificate:
    """An earned certificate: what it says and where it is verified."""

    code: str
    text: pdf.CertificateText
    filename: str

    def pdf(self) -> bytes:
        return pdf.render(self.text)


@dataclass(frozen=True)
class Verification:
    """What the verification page may say: the name and the event, nothing more."""

    name: str
    event_title: str
    date: str


def host_name(settings: Settings, event: Event) -> str:
    """The hosting institution: the event's own, else the deployment's (WEBINAR_ORG_NAME),
    else the host name of the site."""
    return (host_for(settings, event).name
            or urlsplit(settings.base_url).hostname or settings.base_url)


def verify_path(code: str) -> str:
    return f"/certificates/{code}"


def event_date(event: Event, lang: str) -> str:
    """The event's (start) date in its own zone, e.g. "4 de diciembre de 2026"."""
    return format_date(event.starts_at.astimezone(event.zone), format="long", locale=lang)


async def minutes_of(store: Store, event: Event, registration: Registration,
                     now: datetime) -> int:
    seen = await attendance_service.attendance_of(store, event, [registration.id], now)
    return seen[registration.id].minutes


async def certificate_for(store: Store, settings: Settings, event: Event,
                          registration: Registration, now: datetime,
                          lang: str | None = None) -> Certificate | None:
    """The registration's certificate (in `lang`, default the registrant's language), or
    None when it has not earned one (`rules.earned`)."""
    if not rules.offered(event) or now < event.ends_at:
        return None  # no read for what cannot be earned yet
    minutes = await minutes_of(store, event, registration, now)
    if not rules.earned(event, registration, minutes, now):
        return None
    language = lang or registration.language
    code = rules.verification_code(settings.ensure_secret_key(), registration.id)
    text = pdf.CertificateText(
        lang=language, name=registration.name, event_title=event.title,
        date=event_date(event, language), minutes=minutes, host=host_name(settings, event),
        verify_url=settings.base_url + verify_path(code))
    return Certificate(code=code, text=text, filename=f"certificate-{event.slug}.pdf")


async def verify(store: Store, settings: Settings, code: str, now: datetime,
                 lang: str) -> Verification | None:
    """Who a certificate code was issued to and for which event, while that registration
    still holds the certificate; None for a code we did not make or one no longer held."""
    registration_id = rules.registration_of(settings.ensure_secret_key(), code)
    if registration_id is None:
        return None
    row = await store.registrations.by_id(registration_id)
    if row is None:
        return None
    registration = Registration.from_row(row)
    try:
        event = await events_service.get_by_id(store, registration.event_id)
    except EventNotFound:
        return None
    if await certificate_for(store, settings, event, registration, now) is None:
        return None
    return Verification(name=registration.name, event_title=event.title,
                        date=event_date(event, lang))


async def certificate_attachment(res: Resources, event: Event,
                                 registration: Registration) -> Attachment | None:
    """The certificate as a mail attachment (the thank-you mail's), in the registrant's
    language; None when the registration has not earned one."""
    certificate = await certificate_for(res.store, res.settings, event, registration,
                                        res.now())
    if certificate is None:
        return None
    return Attachment(filename=certificate.filename, content_type=PDF_TYPE,
                      data=certificate.pdf())
