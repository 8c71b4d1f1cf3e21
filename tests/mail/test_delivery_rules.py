"""The send-time rules of delivery (pure): why a planned mail is skipped now, how long a
temporary failure waits, and what a log line may say."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import EVENT_START, NOW
from tests.factories import a_registration, an_event
from webinar.mail.delivery import redact, retry_delay, skip_reason

US = timedelta(microseconds=1)
END = EVENT_START + timedelta(hours=2)


def reason(kind: str, *, reg_status: str = "confirmed", event_status: str = "published",
           sequence: int = 0, event_sequence: int = 0, now=NOW):
    row = {"kind": kind, "sequence": sequence}
    return skip_reason(row, a_registration(status=reg_status),
                       an_event(status=event_status, sequence=event_sequence), now)


def test_a_mail_whose_registration_or_event_is_gone_is_skipped():
    row = {"kind": "confirmation", "sequence": 0}
    assert skip_reason(row, None, an_event(), NOW) == "registration gone"
    assert skip_reason(row, a_registration(), None, NOW) == "registration gone"


@pytest.mark.parametrize(("changes", "expected"), [
    ({}, None),
    ({"reg_status": "cancelled"}, "registration cancelled"),
    ({"reg_status": "waitlisted"}, "registration waitlisted"),
    ({"event_status": "cancelled"}, "event cancelled"),
    ({"event_status": "draft"}, "event draft"),
    ({"sequence": 0, "event_sequence": 1}, "superseded by a new schedule"),
    ({"now": EVENT_START}, "event already started"),
    ({"now": EVENT_START - US}, None),
])
def test_reminder(changes, expected):
    assert reason("reminder", **changes) == expected


@pytest.mark.parametrize("kind", ["confirmation", "promoted", "update", "resend",
                                  "event_cancelled"])
def test_no_mail_but_the_cancellation_goes_to_a_cancelled_registration(kind):
    assert reason(kind, reg_status="cancelled") == "registration cancelled"
    assert reason(kind) is None


def test_the_cancellation_notice_goes_to_the_cancelled_registration():
    assert reason("cancelled", reg_status="cancelled") is None


def test_an_event_cancelled_notice_reaches_the_waitlist_too():
    assert reason("event_cancelled", reg_status="waitlisted") is None


@pytest.mark.parametrize(("changes", "expected"), [
    ({"sequence": 1, "event_sequence": 2}, "superseded by a newer update"),
    ({"sequence": 2, "event_sequence": 2}, None),
    ({"now": END}, "event already ended"),
    ({"now": END - US}, None),
    ({"now": EVENT_START + timedelta(minutes=5)}, None),  # a late move still reaches people
])
def test_update(changes, expected):
    assert reason("update", **changes) == expected


def test_other_kinds_ignore_schedule_and_time():
    late = END + timedelta(days=1)
    assert reason("confirmation", sequence=0, event_sequence=3, now=late) is None
    assert reason("promoted", now=late) is None


@pytest.mark.parametrize(("status", "expected"), [
    ("waitlisted", None),
    ("confirmed", "registration confirmed"),  # promoted before the notice left
    ("cancelled", "registration cancelled"),
])
def test_waitlist_notice_only_while_still_waiting(status, expected):
    assert reason("waitlisted", reg_status=status) == expected


@pytest.mark.parametrize(("attempts", "seconds"), [
    (0, 30), (1, 30), (2, 60), (3, 120), (4, 240), (7, 1920), (8, 3600), (20, 3600),
])
def test_retry_delay_doubles_from_thirty_seconds_up_to_an_hour(attempts, seconds):
    assert retry_delay(attempts) == timedelta(seconds=seconds)


def test_redact_hides_addresses_only():
    assert redact("550 <ana.perez@example.org>: no such user") == (
        "550 <<address>>: no such user")
    assert redact("451 try again later") == "451 try again later"
