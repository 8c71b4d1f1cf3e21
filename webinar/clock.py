"""Time, injected: the system clock in production, a settable one in tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol, overload


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to (tests of reminders, doors, reports)."""

    def __init__(self, start: datetime):
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        self._now += delta if delta is not None else timedelta(**kwargs)
        return self._now


def to_db(moment: datetime) -> str:
    """UTC ISO text with a fixed width, so text order is time order (also in PostgreSQL)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    # = strftime("%Y-%m-%dT%H:%M:%S.%fZ") for years from 1000, in half the time (hot paths).
    return moment.astimezone(UTC).isoformat(timespec="microseconds")[:-6] + "Z"


@overload
def from_db(text: str) -> datetime: ...
@overload
def from_db(text: None) -> None: ...
@overload
def from_db(text: str | None) -> datetime | None: ...
def from_db(text: str | None) -> datetime | None:
    """The inverse of `to_db`; NULL stays None."""
    if text is None:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))



EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def micros(moment: datetime) -> int:
    """An aware datetime as whole microseconds since the epoch (exact): the integer form
    of times the attendance rule computes with and the store keeps beside the text."""
    if moment.tzinfo is None:
        raise ValueError("Interval times must be timezone-aware")
    return (moment - EPOCH) // MICROSECOND


def micros_of(text: str) -> int:
    """A stored time (`to_db`'s text) as `micros`."""
    return micros(from_db(text))
