"""What each mail says: subject, paragraphs, links and attachments per kind of mail, in the
registrant's language, rendered through the two mail templates (text and HTML)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from webinar.events.model import Event
from webinar.i18n import N_, format_when, translations
from webinar.identity import host_for
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


def build(res: Resources, *, kind: str, event: Event, reg: Registration, message_id: str,
          now: datetime, attachments: list[Attachment] | None = None,
          broadcast: Broadcast | None = None) -> Mail:
    """The mail of this kind to this registrant; `attachments` go after the invite, and
    `broadcast` is an organizer's message in place of the kind's own paragraphs."""
    lang = reg.language
    t = translations(lang)
    _ = t.gettext
    settings = res.settings
    when = format_when(event.starts_at, event.timezone, lang)
    values = {"title": event.title, "when": when, "name": reg.name}
    join, manage = join_link(settings, reg), manage_link(settings, reg)
    host = host_for(settings, event)

    links: list[Link] = []
    paragraphs = [_(p) % values for p in INTROS.get(kind, ())]
    if kind in WITH_RECORDING and event.recording_url:
        links.append(Link(_("Watch the recording"), event.recording_url))
        paragraphs.append(_(RECORDING_NOTE))
    if kind in WITH_JOIN and reg.status == "confirmed":
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
        "join_link": join if kind in WITH_JOIN and reg.status == "confirmed" else None,
        "sector": event.sector_label(reg.sector, lang),
        "footer": _("You receive this because you registered for %(title)s.") % values,
        "host": host,
    }
    if broadcast is not None:
        ctx["footer"] = _("The organizers of %(title)s wrote this message to its "
                          "registrants.") % values
    text = res.templates.get_template("emails/message.txt").render(ctx)
    html = res.templates.get_template("emails/message.html").render(ctx)
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
        subject=broadcast.subject if broadcast is not None else _(SUBJECTS[kind]) % values,
        text=text, html=html, message_id=message_id,
        date=now,
        reply_to=[host.contact] if host.contact else event.organizer_emails[:5] or None,
        attachments=attachments,
        headers={"Content-Language": lang},
    )
