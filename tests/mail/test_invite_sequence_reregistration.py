"""The .ics invites one person receives stay in order for their calendar (RFC 5546: an
invite whose SEQUENCE is not above the one the calendar holds for that UID is ignored)
across cancel -> register again -> event moved -> cancel again -> register again ->
event cancelled, so re-registering puts the entry back in the calendar."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from tests.conftest import (
    cancel_registration,
    create_event,
    db_rows,
    organizer_token,
    person,
    register_api,
    resources_of,
    run_scheduler,
)
from tests.factories import EVENT_START
from webinar.events import service as events


def _invite(msg) -> tuple[str, str, int]:
    """(UID, METHOD, SEQUENCE) of the mail's attached invite."""
    for part in msg.iter_attachments():
        if part.get_content_type() == "text/calendar":
            cal = Calendar.from_ical(part.get_payload(decode=True))
            vevent = cal.walk("VEVENT")[0]
            return str(vevent["UID"]), str(cal["METHOD"]), int(vevent["SEQUENCE"])
    raise AssertionError(f"no invite attached to {msg['Subject']!r}")


def _calendar(invites: list[tuple[str, str, int]]) -> dict[str, str]:
    """What a calendar client makes of the invites, in the order they arrive: per UID,
    the METHOD of the last one it accepted (a higher SEQUENCE than the one it holds)."""
    held: dict[str, tuple[str, int]] = {}
    for uid, method, sequence in invites:
        if uid not in held or sequence > held[uid][1]:
            held[uid] = (method, sequence)
    return {uid: method for uid, (method, _seq) in held.items()}


async def _deliver(client, inbox, expected: int) -> None:
    await run_scheduler(client)
    await inbox.wait_for(expected)
    assert len(inbox.messages) == expected


async def test_sequence_rises_for_a_uid_across_cancel_and_registering_again(
        mail_client, smtp):
    inbox, _port = smtp
    token = await organizer_token(mail_client)
    event = await create_event(mail_client, token, reminders=[])
    res = resources_of(mail_client)
    event_id = db_rows(mail_client, "SELECT id FROM events")[0]["id"]
    await register_api(mail_client, event["slug"], person(1))
    await _deliver(mail_client, inbox, 1)  # confirmation
    manage = db_rows(mail_client, "SELECT token FROM registrations")[0]["token"]
    assert (await cancel_registration(mail_client, manage)).status == 303
    await _deliver(mail_client, inbox, 2)  # cancellation
    assert (await register_api(mail_client, event["slug"], person(1))).status == 201
    await _deliver(mail_client, inbox, 3)  # confirmation again (the same row, reactivated)
    new_start = EVENT_START + timedelta(days=2)
    await events.update(res.store, res.now(), event_id, {
        "starts_at": new_start, "ends_at": new_start + timedelta(hours=2)})
    await _deliver(mail_client, inbox, 4)  # new date and time
    assert (await cancel_registration(mail_client, manage)).status == 303
    await _deliver(mail_client, inbox, 5)  # cancellation again
    assert (await register_api(mail_client, event["slug"], person(1))).status == 201
    await _deliver(mail_client, inbox, 6)  # and confirmation again
    await events.act(res.store, res.now(), event_id, "cancel")
    await _deliver(mail_client, inbox, 7)  # the event is cancelled

    invites = [_invite(m) for m in inbox.messages]
    assert [method for _uid, method, _seq in invites] == [
        "PUBLISH", "CANCEL", "PUBLISH", "PUBLISH", "CANCEL", "PUBLISH", "CANCEL"]
    by_uid: dict[str, list[int]] = {}
    for uid, _method, sequence in invites:
        by_uid.setdefault(uid, []).append(sequence)
    for sequences in by_uid.values():
        assert sequences == sorted(set(sequences)), invites  # strictly increasing
    # After each step the calendar shows what the person expects.
    for upto, shown in [(1, "PUBLISH"), (2, "CANCEL"), (3, "PUBLISH"), (4, "PUBLISH"),
                        (5, "CANCEL"), (6, "PUBLISH"), (7, "CANCEL")]:
        state = _calendar(invites[:upto])
        last_uid = invites[upto - 1][0]
        assert state[last_uid] == shown, (upto, invites)
        assert list(state.values()).count("PUBLISH") <= 1, (upto, invites)


async def test_a_cancellation_not_yet_sent_when_the_person_registers_again(
        mail_client, smtp):
    """Cancelled and registered again before the mailer's next pass: the cancellation
    (composed when it is sent, from the registration as it is then) must not take the new
    entry out of the calendar, whatever order the mails arrive in."""
    inbox, _port = smtp
    event = await create_event(mail_client, reminders=[])
    await register_api(mail_client, event["slug"], person(1))
    await _deliver(mail_client, inbox, 1)
    manage = db_rows(mail_client, "SELECT token FROM registrations")[0]["token"]
    assert (await cancel_registration(mail_client, manage)).status == 303
    assert (await register_api(mail_client, event["slug"], person(1))).status == 201
    await run_scheduler(mail_client)
    await inbox.wait_for(2)
    invites = [_invite(m) for m in inbox.messages]
    later = invites[1:]
    for order in (later, later[::-1]):
        state = _calendar([invites[0], *order])
        assert list(state.values()) == ["PUBLISH"], invites
