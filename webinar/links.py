"""The personal links that go into pages and mails."""

from __future__ import annotations

from email.utils import parseaddr

from webinar.registrations.model import Registration
from webinar.settings import Settings


def join_link(settings: Settings, reg: Registration) -> str:
    """The join link carries the join token: forwarded, it enters the event and no more."""
    return f"{settings.base_url}/j/{reg.join_token}"


def manage_link(settings: Settings, reg: Registration) -> str:
    return f"{settings.base_url}/r/{reg.token}"


def event_link(settings: Settings, slug: str) -> str:
    return f"{settings.base_url}/events/{slug}"


def mail_domain(settings: Settings) -> str:
    return parseaddr(settings.mail_from)[1].rpartition("@")[2] or "localhost"
