"""What a join link does at a given moment (pure): who is turned away and why, when the
doors open, and how often the waiting page reloads."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import EVENT_START
from tests.factories import a_registration, an_event
from webinar.attendance import joining
from webinar.attendance.joining import decide

US = timedelta(microseconds=1)
DOORS = EVENT_START - timedelta(minutes=15)
END = EVENT_START + timedelta(hours=2)


def state(now, event_changes=None, reg_status="confirmed"):
    return decide(an_event(**(event_changes or {})), a_registration(status=reg_status), now)


@pytest.mark.parametrize("reg_status", ["confirmed", "waitlisted", "cancelled"])
def test_a_cancelled_event_turns_everyone_away(reg_status):
    assert state(DOORS, {"status": "cancelled"}, reg_status).state == joining.EVENT_CANCELLED


@pytest.mark.parametrize(("reg_status", "expected"), [
    ("waitlisted", joining.WAITLISTED), ("cancelled", joining.CANCELLED)])
def test_only_confirmed_people_enter(reg_status, expected):
    decision = state(DOORS, reg_status=reg_status)
    assert decision.state == expected and not decision.enters


def test_enters_from_the_doors_to_the_end():
    for now in (DOORS, EVENT_START, END - US):
        decision = state(now)
        assert decision == joining.Decision(joining.ENTER) and decision.enters


def test_after_the_end():
    assert state(END).state == joining.ENDED
    assert state(END, reg_status="waitlisted").state == joining.WAITLISTED


@pytest.mark.parametrize("before_doors", [
    timedelta(microseconds=1), timedelta(seconds=30), timedelta(days=2)])
def test_before_the_doors_open_people_wait(before_doors):
    """No timed reload any more (a "try again" link instead): just the state."""
    decision = state(DOORS - before_doors)
    assert decision == joining.Decision(joining.WAITING)
    assert not decision.enters


def test_doors_open_but_no_link_yet():
    assert state(DOORS, {"join_url": None}) == joining.Decision(joining.NO_LINK)
    assert state(DOORS, {"join_url": ""}).state == joining.NO_LINK
