"""The event's own rules (pure): the registration window, free seats, doors, visibility,
who manages it, its sectors and reminder offsets."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import EVENT_START, NOW
from tests.factories import an_event
from webinar.events.model import Event, Sector

US = timedelta(microseconds=1)
END = EVENT_START + timedelta(hours=2)


@pytest.mark.parametrize(("changes", "now", "accepts"), [
    ({}, NOW, True),
    ({}, EVENT_START + timedelta(hours=1), True),  # latecomers during the event
    ({}, END - US, True),
    ({}, END, False),
    ({"registration_open": False}, NOW, False),
    ({"status": "draft"}, NOW, False),
    ({"status": "cancelled"}, NOW, False),
])
def test_registration_window(changes, now, accepts):
    assert an_event(**changes).accepts_registrations(now) is accepts


def test_seats_left():
    assert an_event(capacity=None).seats_left(500) is None
    assert an_event(capacity=10).seats_left(3) == 7
    assert an_event(capacity=10).seats_left(10) == 0
    assert an_event(capacity=10).seats_left(12) == 0


def test_doors_open_before_the_start():
    assert an_event(doors_open_minutes=15).doors_open_at() == EVENT_START - timedelta(
        minutes=15)
    assert an_event(doors_open_minutes=0).doors_open_at() == EVENT_START


@pytest.mark.parametrize(("status", "public"), [
    ("published", True), ("cancelled", True), ("draft", False)])
def test_public_unless_draft(status, public):
    assert an_event(status=status).is_public() is public


def test_managed_by_its_creator_or_a_listed_organizer():
    event = an_event(created_by=7, organizer_emails=["org@example.org"])
    assert event.can_manage(7, "someone@example.org")
    assert event.can_manage(8, "org@example.org")
    assert not event.can_manage(8, "someone@example.org")


def test_sector_labels_by_language_and_unknown_code():
    event = an_event(sectors=[Sector("gov", "Gobierno", "Government")])
    assert event.sector_codes == ["gov"]
    assert event.sector_label("gov", "es") == "Gobierno"
    assert event.sector_label("gov", "en") == "Government"
    assert event.sector_label("ngo", "es") == "ngo"


def test_reminder_offsets_keep_label_and_span():
    assert an_event(reminders=["1d", "1h30m"]).reminder_offsets() == [
        ("1d", timedelta(days=1)), ("1h30m", timedelta(hours=1, minutes=30))]


def test_from_row_reads_the_stored_flags():
    fields = an_event().fields()
    row = {**fields, "id": 3, "speakers": "[]", "sectors": "[]", "reminders": '["1h"]',
           "starts_at": "2026-12-04T12:00:00.000000Z", "ends_at": "2026-12-04T14:00:00.000000Z",
           "report_delay_seconds": 3600, "organizer_emails": '["org@example.org"]',
           "registration_open": 0, "sequence": 2, "created_by": None}
    event = Event.from_row(row)
    assert event.registration_open is False and event.sequence == 2
    assert event.starts_at == EVENT_START and event.report_delay == timedelta(hours=1)
