"""The wrap-up's mail: the report to the organizers (summary sentence in Spanish and English
in the body, the XLSX report attached) and the attachments of a thank-you; and
`message`, which builds any planned mail for the delivery job (the organizers' report here,
a registrant's mail by webinar.mail.messages)."""

from __future__ import annotations

from datetime import datetime

from webinar.certificates.service import certificate_attachment
from webinar.events.model import Event
from webinar.i18n import N_, format_when, translations
from webinar.mail.compose import Attachment, Mail, compose
from webinar.mail.messages import Parts, build
from webinar.registrations.model import Registration
from webinar.reports import render_xlsx, summary_sentence
from webinar.reports.service import build_report
from webinar.runtime import Resources
from webinar.store.interface import Row
from webinar.wrapup import service as wrapup

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The report mail is for organizers whose language we do not know: both, Spanish first
# (the forum's main audience); the attached workbook is in Spanish.
REPORT_LANGUAGES = ("es", "en")

REPORT_SUBJECT = N_("Attendance report: %(title)s")
REPORT_PARAGRAPHS = [
    N_("The attendance report of %(title)s (%(when)s) is attached as an Excel file: "
       "registered and attended by sector, countries, organizations and the timeline."),
    N_("Summary, ready for a press release:"),
]
REPORT_AGAIN = N_("You asked for this report again; it has the numbers as they are now.")
REPORT_HELD = N_("The thank-you and \"sorry we missed you\" mails to the participants are "
                 "held until you press \"Send follow-ups\" on the event page after importing "
                 "the attendance, or until %(when)s at the latest.")
REPORT_LINK = N_("The report online, with charts:")
REPORT_FOOTER = N_("You receive this because you organize %(title)s.")


async def thank_you_attachments(res: Resources, event: Event,
                                reg: Registration) -> list[Attachment]:
    """The attachments of a thank-you mail: the certificate of attendance, when the event
    offers certificates and the person earned one."""
    certificate = await certificate_attachment(res, event, reg)
    return [certificate] if certificate is not None else []


async def report_message(res: Resources, row: Row, event: Event,
                         now: datetime) -> Mail:
    """The report mail to one organizer address (`row` is its planned delivery)."""
    report = await build_report(res.store, event, now)
    state = await wrapup.state(res.store, event)
    url = f"{res.settings.base_url}/admin/events/{event.slug}/report"
    sections = []
    for lang in REPORT_LANGUAGES:
        _ = translations(lang).gettext
        values = {"title": event.title,
                  "when": format_when(event.starts_at, event.timezone, lang)}
        lines = [_(REPORT_PARAGRAPHS[0]) % values, "", _(REPORT_PARAGRAPHS[1]),
                 summary_sentence(report, lang), ""]
        if row["detail"]:
            lines += [_(REPORT_AGAIN), ""]
        if state.followups_held and state.followups_due_at is not None:
            held = format_when(state.followups_due_at, event.timezone, lang)
            lines += [_(REPORT_HELD) % {"when": held}, ""]
        lines += [_(REPORT_LINK), url, "", "-- ", _(REPORT_FOOTER) % values]
        sections.append("\n".join(lines))
    subject = " / ".join(translations(lang).gettext(REPORT_SUBJECT) % {"title": event.title}
                         for lang in REPORT_LANGUAGES)
    workbook = render_xlsx(report, REPORT_LANGUAGES[0])
    return compose(
        sender=res.settings.mail_from, to_name="", to_addr=row["recipient"], subject=subject,
        text="\n\n\n".join(sections) + "\n", html=None, message_id=row["message_id"],
        date=now, attachments=[Attachment(f"{event.slug}-report.xlsx", XLSX_TYPE, workbook)],
        headers={"Content-Language": ", ".join(REPORT_LANGUAGES)},
    )


async def message(res: Resources, row: Row, event: Event, reg: Registration | None,
                  now: datetime, parts: Parts | None = None) -> Mail:
    """The message of a planned delivery, whatever its kind (`parts`: the delivery
    pass's shared renders, see webinar.mail.messages.Parts)."""
    if row["kind"] in wrapup.ORGANIZER_KINDS:
        return await report_message(res, row, event, now)
    assert reg is not None  # delivery.skip_reason skips a registrant's mail without one
    attachments = (await thank_you_attachments(res, event, reg)
                   if row["kind"] == wrapup.THANK_YOU else [])
    return build(res, kind=row["kind"], event=event, reg=reg, message_id=row["message_id"],
                 now=now, attachments=attachments, parts=parts)
