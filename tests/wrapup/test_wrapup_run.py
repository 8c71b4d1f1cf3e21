"""The wrap-up end to end through the real app and a real SMTP server (aiosmtpd), driven
by the fake clock: nothing before end + report_delay; then once, the report to every
organizer address (summary sentence in Spanish and English, the XLSX attached and readable)
and one follow-up per confirmed registrant, thank-you or sorry by the contract's
`attended` at the window's edges, in each person's language, with the recording link;
nothing for a cancelled registration, nothing twice."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import resources_of, run_scheduler
from tests.wrapup.helpers import (
    CLICKS,
    CREATOR,
    LANGUAGES,
    ORGANIZERS,
    RECORDING,
    REPORT_AT,
    SLUG,
    email,
    forum,
    received,
    wrapup_rows,
    xlsx_of,
)
from webinar.events import service as events
from webinar.reports import summary_sentence
from webinar.reports.service import build_report


async def test_wrapup_runs_once_at_end_plus_delay(mail_client, smtp, clock):
    inbox, _port = smtp
    await forum(mail_client, clock)
    await run_scheduler(mail_client)
    clock.set(REPORT_AT - timedelta(seconds=1))
    await run_scheduler(mail_client)
    assert wrapup_rows(mail_client) == []

    clock.set(REPORT_AT)
    await run_scheduler(mail_client)
    await inbox.wait_for(len(inbox.messages))  # sent within the pass; nothing in flight
    got = received(mail_client, inbox.messages)

    # The report: the two organizer emails and the creator, once each.
    assert sorted(r for r, _m in got["report"]) == sorted([*ORGANIZERS, CREATOR])
    res = resources_of(mail_client)
    event = await events.get(res.store, SLUG)
    report = await build_report(res.store, event, res.now())
    assert report.registered == 4 and report.attended == 2
    for _recipient, message in got["report"]:
        body = message.get_body(("plain",)).get_content()
        assert summary_sentence(report, "es") in body
        assert summary_sentence(report, "en") in body
        assert "\r" not in str(message["Subject"]) and "Foro: Gobierno digital" in str(
            message["Subject"])
        book = xlsx_of(message)
        assert len(book.sheetnames) == 6  # summary, sector, countries, orgs, timeline, new
        values = [[c.value for c in row] for row in book.worksheets[1].iter_rows()]
        assert values[1][:4] == ["academic", "Académico", 2, 1]  # personas 1 and 3; 3 came

    # Follow-ups: chosen by attendance at the window's edges, each in its language.
    thanked = sorted(r for r, _m in got["thank_you"])
    missed = sorted(r for r, _m in got["sorry_missed"])
    assert thanked == sorted(email(n) for n, (_at, came) in CLICKS.items() if came)
    assert missed == sorted(email(n) for n, (_at, came) in CLICKS.items() if not came)
    assert email(5) not in thanked + missed  # cancelled: nothing
    for recipient, message in got["thank_you"] + got["sorry_missed"]:
        n = int(recipient.removeprefix("persona").split("@")[0])
        assert message["Content-Language"] == LANGUAGES[n]
        assert RECORDING in message.get_body(("plain",)).get_content()
        assert "/j/" not in message.get_body(("plain",)).get_content()  # no join link now
    subjects = {r: str(m["Subject"]) for kind in ("thank_you", "sorry_missed")
                for r, m in got[kind]}
    assert subjects[email(3)].startswith("Gracias por asistir")
    assert subjects[email(2)].startswith("Thank you for attending")
    assert subjects[email(1)].startswith("Le extrañamos")
    assert subjects[email(4)].startswith("We missed you")

    # Nothing twice: later passes, and a day later, send nothing more.
    count = len(inbox.messages)
    await run_scheduler(mail_client)
    clock.advance(days=4)
    await run_scheduler(mail_client)
    assert len(inbox.messages) == count
    assert len(wrapup_rows(mail_client)) == 3 + 4
    assert {r["status"] for r in wrapup_rows(mail_client)} == {"sent"}


async def test_follow_ups_without_recording_have_no_recording_link(mail_client, smtp, clock):
    inbox, _port = smtp
    await forum(mail_client, clock, recording_url=None)
    clock.set(REPORT_AT)
    await run_scheduler(mail_client)
    got = received(mail_client, inbox.messages)
    assert len(got["thank_you"]) == 2 and len(got["sorry_missed"]) == 2
    for _recipient, message in got["thank_you"] + got["sorry_missed"]:
        assert "video.example.org" not in message.get_body(("plain",)).get_content()


async def test_report_delay_zero_runs_at_the_end(mail_client, smtp, clock):
    inbox, _port = smtp
    await forum(mail_client, clock, report_delay="0m")
    await run_scheduler(mail_client)  # the clock is at the end
    assert len(received(mail_client, inbox.messages)["report"]) == 3
