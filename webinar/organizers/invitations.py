"""Co-organizer invitations: an address in an event's organizer_emails with no organizer
account gets one mail (through the deliveries table, kind "invitation") with a link to set
a password; the link signs them in and from then on they manage the events naming them.

The token is never stored and never logged. It is derived from the deployment's secret key
and a random nonce kept on the invitation (HMAC-SHA256), and only its SHA-256 is stored, so
the deliverer can write the same link again on a retry (the mail keeps its Message-ID and
its link) while a copy of the database alone opens nothing. A link works once (used_at,
set by one conditional UPDATE) and for LIFETIME.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from webinar.clock import from_db, to_db
from webinar.events.model import Event
from webinar.i18n import N_, format_when, translations
from webinar.links import mail_domain
from webinar.mail.compose import Mail, compose
from webinar.mail.planner import message_id
from webinar.organizers.accounts import Organizer, hash_password
from webinar.runtime import Resources
from webinar.store.interface import Row, Store, Transaction

KIND = "invitation"
LIFETIME = timedelta(days=7)
TOKEN_MAX = 100


class InvitationInvalid(Exception):
    """The link is unknown, used or expired."""


class AccountExists(Exception):
    """The invited address has an organizer account already: it signs in instead."""


def token_for(secret: str, nonce: str) -> str:
    mac = hmac.new(secret.encode(), b"invitation:" + nonce.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link(res: Resources, invitation: Row) -> str:
    secret = res.settings.ensure_secret_key()
    return f"{res.settings.base_url}/admin/invite/{token_for(secret, invitation['nonce'])}"


@dataclass
class Inviter:
    """Who is saving an event, for the invitations that saving sends: the deployment's
    secret (the links), the mail domain (Message-IDs), the organizer saving (invited_by)
    and the language of the mail (the saving request's). The event service fills
    `invited` with the addresses invited by the save it was given to."""

    secret: str
    domain: str
    invited_by: int | None
    language: str
    invited: list[str] = field(default_factory=list)


def inviter_for(res: Resources, organizer_id: int | None, language: str) -> Inviter:
    """The Inviter of a save by this organizer, in this language, on this deployment."""
    return Inviter(res.settings.ensure_secret_key(), mail_domain(res.settings), organizer_id,
                   language)


async def plan(tx: Transaction, now: datetime, inviter: Inviter, event: Event) -> list[str]:
    """Inside the transaction that stores the event: invite each of its organizer addresses
    that has no account and no live invitation to this event; returns the addresses invited
    now (also appended to inviter.invited). Driven by the state, not by what an edit
    changed: saving the event again re-invites an address whose invitation expired, never
    one twice while its link still works, and a removed address is simply not looked at."""
    invited = []
    for email in event.organizer_emails:
        if await tx.organizers.by_email(email) is not None:
            continue
        if await tx.invitations.live_for(event.id, email, to_db(now)) is not None:
            continue
        nonce = secrets.token_urlsafe(24)
        row = await tx.invitations.insert(
            event_id=event.id, email=email,
            token_hash=digest(token_for(inviter.secret, nonce)), nonce=nonce,
            language=inviter.language, invited_by=inviter.invited_by, now=to_db(now),
            expires=to_db(now + LIFETIME))
        key = f"{KIND}:{row['id']}"
        await tx.deliveries.plan(key=key, kind=KIND, event_id=event.id,
                                 registration_id=None, recipient=email, due_at=to_db(now),
                                 message_id=message_id(key, inviter.domain), now=to_db(now),
                                 detail=str(row["id"]))
        invited.append(email)
    inviter.invited.extend(invited)
    return invited


async def invite_missing(store: Store, now: datetime, secret: str, domain: str, event: Event,
                         invited_by: int | None, language: str) -> list[str]:
    """`plan` in a transaction of its own, for an event already stored (saving an event
    through webinar.events.service with an Inviter does this in the saving transaction)."""
    async with store.transaction() as tx:
        return await plan(tx, now, Inviter(secret, domain, invited_by, language), event)


async def for_delivery(store: Store, row: Row, now: datetime) -> tuple[Row | None, str | None]:
    """The invitation a delivery row carries, and why not to send it (or None to send)."""
    try:
        invitation = await store.invitations.by_id(int(row["detail"]))
    except ValueError:
        invitation = None
    if invitation is None:
        return None, "invitation gone"
    if invitation["used_at"] is not None:
        return invitation, "invitation used"
    if from_db(invitation["expires_at"]) <= now:
        return invitation, "invitation expired"
    if await store.organizers.by_email(invitation["email"]) is not None:
        return invitation, "account exists"
    return invitation, None


SUBJECT = N_("You are invited to organize %(title)s")
PARAGRAPHS = (
    N_("You have been added as an organizer of %(title)s."),
    N_("Set a password with the link below: it signs you in, and from then on you can "
       "manage the event at %(admin)s with this address and that password."),
    N_("The link works once and until %(expires)s."),
)


def build_mail(res: Resources, invitation: Row, event: Event, mail_id: str,
               now: datetime) -> Mail:
    lang = invitation["language"]
    _ = translations(lang).gettext
    values = {"title": event.title, "admin": f"{res.settings.base_url}/admin/",
              "expires": format_when(from_db(invitation["expires_at"]), event.timezone, lang)}
    ctx = {
        "_": _, "lang": lang, "event": event,
        "paragraphs": [_(p) % values for p in PARAGRAPHS],
        "link": link(res, invitation), "link_label": _("Set your password"),
        "when": format_when(event.starts_at, event.timezone, lang),
        "footer": _("You receive this because an organizer of %(title)s added your "
                    "address.") % values,
    }
    text = res.templates.get_template("emails/invitation.txt").render(ctx)
    html = res.templates.get_template("emails/invitation.html").render(ctx)
    return compose(sender=res.settings.mail_from, to_name="", to_addr=invitation["email"],
                   subject=_(SUBJECT) % values, text=text, html=html, message_id=mail_id,
                   date=now, headers={"Content-Language": lang})


async def usable(store: Store, now: datetime, token: str) -> Row | None:
    """The invitation of this link, while it still works."""
    if not token or len(token) > TOKEN_MAX:
        return None
    return await store.invitations.usable(digest(token), to_db(now))


async def accept(store: Store, now: datetime, token: str, password: str) -> Organizer:
    """Use the link: the invited address gets an account with this password. Raises
    ValueError (password rules), InvitationInvalid, or AccountExists (nothing changes)."""
    password_hash = hash_password(password)  # slow: outside the write transaction
    if not token or len(token) > TOKEN_MAX:
        raise InvitationInvalid
    async with store.transaction() as tx:
        invitation = await tx.invitations.use(digest(token), to_db(now))
        if invitation is None:
            raise InvitationInvalid
        row = await tx.organizers.insert_new(invitation["email"], password_hash, to_db(now))
        if row is None:
            raise AccountExists  # rolls the use back: the address signs in instead
    return Organizer.from_row(row)
