"""The certificate rule on plain values: exactly at the minimum earns one, a minute below
does not; none without a minimum, before the end, for a cancelled event or a registration
that is not confirmed; verification codes cannot be forged."""

from __future__ import annotations

from datetime import timedelta

from tests.factories import a_registration, an_event, replace
from webinar.certificates import rules

EVENT = an_event(certificate_minutes=45)
REG = a_registration()
AFTER = EVENT.ends_at + timedelta(minutes=1)


def test_exactly_at_the_minimum_and_one_below():
    assert rules.earned(EVENT, REG, 45, AFTER)
    assert not rules.earned(EVENT, REG, 44, AFTER)
    assert rules.earned(EVENT, REG, 120, EVENT.ends_at)  # the end itself is after


def test_no_certificate_without_a_minimum_or_before_the_end():
    assert not rules.earned(replace(EVENT, certificate_minutes=None), REG, 120, AFTER)
    assert not rules.earned(replace(EVENT, certificate_minutes=0), REG, 120, AFTER)
    assert not rules.earned(EVENT, REG, 120, EVENT.ends_at - timedelta(seconds=1))
    assert not rules.earned(replace(EVENT, status="cancelled"), REG, 120, AFTER)
    assert not rules.earned(EVENT, replace(REG, status="waitlisted"), 120, AFTER)
    assert not rules.earned(EVENT, replace(REG, event_id=2), 120, AFTER)


def test_verification_codes():
    code = rules.verification_code("key", 17)
    assert rules.registration_of("key", code) == 17
    assert rules.registration_of("key", code.upper()) == 17
    assert rules.registration_of("other", code) is None
    assert rules.registration_of("key", "18-" + code.split("-")[1]) is None
    for bad in ("", "17", "17-", "-abc", "x-abc", "1" * 30 + "-abc"):
        assert rules.registration_of("key", bad) is None
