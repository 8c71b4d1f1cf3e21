"""Which reminders are due (pure): one per offset still ahead of the moment the seat was
confirmed; the boundary itself is already past."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import EVENT_START, NOW
from tests.factories import an_event
from webinar.mail.reminders import due_reminders, reminder_key

US = timedelta(microseconds=1)


def test_every_offset_ahead_is_due_in_the_order_given():
    event = an_event(reminders=["1h", "1d", "10m"])
    assert due_reminders(event, NOW) == [
        ("1h", EVENT_START - timedelta(hours=1)),
        ("1d", EVENT_START - timedelta(days=1)),
        ("10m", EVENT_START - timedelta(minutes=10)),
    ]


def test_a_reminder_due_exactly_at_since_is_not_planned():
    event = an_event(reminders=["1d", "1h"])
    one_day = EVENT_START - timedelta(days=1)
    assert due_reminders(event, one_day) == [("1h", EVENT_START - timedelta(hours=1))]
    assert [label for label, _ in due_reminders(event, one_day - US)] == ["1d", "1h"]


def test_nothing_is_due_after_the_last_mark_or_without_offsets():
    assert due_reminders(an_event(), EVENT_START - timedelta(minutes=30)) == []
    assert due_reminders(an_event(reminders=[]), NOW) == []


def test_reminder_key_names_registration_offset_and_schedule():
    assert reminder_key(12, "1h", 3) == "reminder:12:1h:s3"
    assert reminder_key(12, "1h", 0) != reminder_key(12, "1h", 1)
