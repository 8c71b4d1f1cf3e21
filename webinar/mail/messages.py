"""What each mail says: subject, paragraphs, links and attachments per kind of mail, in the
registrant's language, rendered through the two mail templates (text and HTML); a delivery
pass renders what its mails share once (`Parts`) and fills in each registrant's values."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import escape

from webinar.events.model import Event
from webinar.i18n import N_, format_when, translations
from webinar.identity import Host, host_for
from webinar.links import event_link, join_link, mail_domain, manage_link
from webinar.mail.calendar import invite
from webinar.mail.compose import Attachment, Mail, compose
from webinar.registrations.model import Registration
from webinar.runtime import Resources

SUBJECTS = {
    "confirmation": N_("You are registered: %(title)s"),
    "waitlisted": N_("You are on the waitlist: %(title)s"),
    "promoted": N_("A seat is yours: %(title)s"),
    "cancelled": N_("Registration cancelled: %(title)s"),
    "reminder": N_("Reminder: %(title)s, %(when)s"),
    "update": N_("New date and time: %(title)s"),
    "resend": N_("Your links for %(title)s"),
    "event_cancelled": N_("Event cancelled: %(title)s"),
    "thank_you": N_("Thank you for attending %(title)s"),
    "sorry_missed": N_("We missed you at %(title)s"),
    "links": N_("Your links for %(title)s"),
}

INTROS = {
    "confirmation": [N_("Your seat at %(title)s is confirmed."),
                     N_("Join with your personal link below. Please do not share it: it "
                        "is how we know you attended.")],
    "waitlisted": [N_("%(title)s is full, so you are on the waitlist."),
                   N_("If a seat frees up we will give it to you automatically and write "
                      "to you with your personal link.")],
    "promoted": [N_("Good news: a seat at %(title)s freed up and it is now yours."),
                 N_("Join with your personal link below. Please do not share it.")],
    "cancelled": [N_("Your registration for %(title)s has been cancelled, as you asked."),
                  N_("If you change your mind, you can register again while registration "
                     "is open.")],
    "reminder": [N_("This is a reminder that %(title)s starts soon."),
                 N_("Join with your personal link below.")],
    "update": [N_("The organizers have moved %(title)s to a new date and time."),
               N_("Your registration stays as it is. The attached invite updates your "
                  "calendar.")],
    "resend": [N_("Someone, probably you, tried to register this address for %(title)s "
                  "again. You were already registered, so nothing changed."),
               N_("Here are your personal links once more.")],
    "event_cancelled": [N_("The organizers have cancelled %(title)s."),
                        N_("We are sorry for the inconvenience. Nothing else is needed "
                           "from you.")],
    "thank_you": [N_("Thank you for attending %(title)s."),
                  N_("We hope it was useful, and we would be glad to see you at the next "
                     "forum.")],
    "sorry_missed": [N_("We are sorry we missed you at %(title)s."),
                     N_("We hope to see you at the next forum.")],
    "links": [N_("The organizers of %(title)s sent you your personal links again."),
              N_("Join with your personal link below. Please do not share it.")],
}
RECORDING_NOTE = N_("The recording is available at the link below.")

WITH_JOIN = {"confirmation", "promoted", "reminder", "update", "resend", "links", "broadcast"}
WITH_INVITE = {"confirmation", "promoted", "update", "resend", "links"}
# Follow-ups after the event: with the recording link when there is one.
WITH_RECORDING = {"thank_you", "sorry_missed"}

@dataclass(frozen=True)
class Broadcast:
    """An organizer's message (webinar.registrations.broadcast): their subject and
    plain-text body, wrapped in the registrant's language by `build`."""

    subject: str
    body: str

    def paragraphs(self) -> list[str]:
        return [p.strip("\n") for p in self.body.split("\n\n") if p.strip()]


@dataclass(frozen=True)
class Link:
    label: str
    url: str


class _NotShared:
    """Stands for the registrant in a render shared by many (`Parts`): a template that
    reads a personal value other than the placeholders fails loudly here instead of
    giving every registrant the first one's."""

    def __getattr__(self, name: str) -> Any:
        raise TypeError(f"a shared mail render read a personal value ({name}); personal "
                        "values reach the mail templates only as `Parts` placeholders")

    def __str__(self) -> str:
        raise TypeError("a shared mail render printed a personal value")


@dataclass(frozen=True)
class _Rendered:
    """What a mail says, with the personal values either filled in or as placeholders."""

    subject: str
    text: str
    html: str
    host: Host


class Parts:
    """The parts of a mail that are the same for every registrant of a delivery pass,
    rendered once per (event, kind, language, registration status, broadcast) with
    placeholders for the three personal values (name, join link, manage link), which
    `build` then fills in per registrant: as they are in the subject and the text, HTML-
    escaped (exactly what the template's autoescape writes) in the HTML.

    Keep one per pass (the events are read once per pass) and throw it away after:
    nothing in it outlives a change to an event. The placeholders carry a random token,
    and a render whose shared text holds the placeholder mark anyway (an organizer's
    title with U+E000 in it) is not kept: those mails are rendered whole."""

    def __init__(self) -> None:
        token = secrets.token_hex(8)
        self.name, self.join, self.manage = (f"\ue000{token}{what}\ue001"
                                             for what in ("n", "j", "m"))
        self._kept: dict[tuple, _Rendered | None] = {}

    def fill(self, res: Resources, kind: str, event: Event, reg: Registration,
             broadcast: Broadcast | None, join: str, manage: str) -> _Rendered:
        key = (event.id, kind, reg.language, reg.status, broadcast)
        if key not in self._kept:
            shared = _render(res, kind, event, reg.language, reg.status, broadcast,
                             name=self.name, join=self.join, manage=self.manage,
                             reg=_NotShared(), sector=_NotShared())
            self._kept[key] = shared if self._clean(shared) else None
        kept = self._kept[key]
        if kept is None:
            return _render_for(res, kind, event, reg, broadcast, join, manage)
        plain = ((self.name, reg.name), (self.join, join), (self.manage, manage))
        html = tuple((mark, str(escape(value))) for mark, value in plain)
        return _Rendered(subject=_fill(kept.subject, plain), text=_fill(kept.text, plain),
                         html=_fill(kept.html, html), host=kept.host)

    def _clean(self, shared: _Rendered) -> bool:
        return all("\ue000" not in part.replace(self.name, "").replace(self.join, "")
                   .replace(self.manage, "")
                   for part in (shared.subject, shared.text, shared.html))


def _fill(text: str, values: tuple[tuple[str, str], ...]) -> str:
    for mark, value in values:
        text = text.replace(mark, value)
    return text


def _render(res: Resources, kind: str, event: Event, lang: str, status: str,
            broadcast: Broadcast | None, *, name: str, join: str, manage: str,
            reg: Any, sector: Any) -> _Rendered:
    """Subject, text and HTML of the mail of this kind, for a registrant in `lang` with
    registration `status`, called `name`, with these two links."""
    t = translations(lang)
    _ = t.gettext
    settings = res.settings
    when = format_when(event.starts_at, event.timezone, lang)
    values = {"title": event.title, "when": when, "name": name}
    host = host_for(settings, event)

    links: list[Link] = []
    paragraphs = [_(p) % values for p in INTROS.get(kind, ())]
    if kind in WITH_RECORDING and event.recording_url:
        links.append(Link(_("Watch the recording"), event.recording_url))
        paragraphs.append(_(RECORDING_NOTE))
    if kind in WITH_JOIN and status == "confirmed":
        links.append(Link(_("Join the event"), join))
    if kind == "cancelled":
        links.append(Link(_("Event page"), event_link(settings, event.slug)))
    elif kind != "event_cancelled":
        links.append(Link(_("Manage your registration (calendar, cancel)"), manage))

    ctx = {
        "_": _, "lang": lang, "kind": kind, "event": event, "reg": reg,
        "greeting": _("Hello %(name)s,") % values,
        "paragraphs": broadcast.paragraphs() if broadcast is not None else paragraphs,
        "links": links,
        "when": when,
        "ends": format_when(event.ends_at, event.timezone, lang),
        "join_link": join if kind in WITH_JOIN and status == "confirmed" else None,
        "sector": sector,
        "footer": _("You receive this because you registered for %(title)s.") % values,
        "host": host,
    }
    if broadcast is not None:
        ctx["footer"] = _("The organizers of %(title)s wrote this message to its "
                          "registrants.") % values
    return _Rendered(
        subject=broadcast.subject if broadcast is not None else _(SUBJECTS[kind]) % values,
        text=res.templates.get_template("emails/message.txt").render(ctx),
        html=res.templates.get_template("emails/message.html").render(ctx),
        host=host,
    )


def _render_for(res: Resources, kind: str, event: Event, reg: Registration,
                broadcast: Broadcast | None, join: str, manage: str) -> _Rendered:
    """The whole mail of this kind rendered for one registrant (nothing shared)."""
    return _render(res, kind, event, reg.language, reg.status, broadcast, name=reg.name,
                   join=join, manage=manage, reg=reg,
                   sector=event.sector_label(reg.sector, reg.language))


def build(res: Resources, *, kind: str, event: Event, reg: Registration, message_id: str,
          now: datetime, attachments: list[Attachment] | None = None,
          broadcast: Broadcast | None = None, parts: Parts | None = None) -> Mail:
    """The mail of this kind to this registrant; `attachments` go after the invite, and
    `broadcast` is an organizer's message in place of the kind's own paragraphs. With
    `parts` (a delivery pass's), what is the same for every registrant is rendered once."""
    lang = reg.language
    settings = res.settings
    join, manage = join_link(settings, reg), manage_link(settings, reg)
    if parts is not None:
        mail = parts.fill(res, kind, event, reg, broadcast, join, manage)
    else:
        mail = _render_for(res, kind, event, reg, broadcast, join, manage)
    host = mail.host
    attachments = list(attachments or [])
    # The person's own cancellation takes the entry out of their calendar too.
    removes = kind in ("event_cancelled", "cancelled")
    if (kind in WITH_INVITE and reg.status == "confirmed") or removes:
        ics = invite(event, reg, join_link=join, manage_link=manage, now=now,
                     domain=mail_domain(settings), cancelled=removes,
                     organizer_name=host.name, organizer_email=host.contact)
        method = "CANCEL" if removes else "PUBLISH"
        attachments.insert(0, Attachment("invite.ics", "text/calendar", ics,
                                          {"method": method}))
    return compose(
        sender=settings.mail_from, sender_name=host.name,
        to_name=reg.name, to_addr=reg.email,
        subject=mail.subject,
        text=mail.text, html=mail.html, message_id=message_id,
        date=now,
        reply_to=[host.contact] if host.contact else event.organizer_emails[:5] or None,
        attachments=attachments,
        headers={"Content-Language": lang},
    )
