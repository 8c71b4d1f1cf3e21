"""`to_db`, on every hot write path, keeps its text form: fixed-width UTC ISO text with
microseconds and a Z, whatever the offset of the moment it is given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from webinar.clock import from_db, to_db


@pytest.mark.parametrize("moment", [
    datetime(2026, 12, 4, 12, 0, tzinfo=UTC),
    datetime(2026, 12, 4, 5, 59, 59, 999_999, tzinfo=timezone(timedelta(hours=-6))),
    datetime(1999, 1, 1, 0, 0, 0, 1, tzinfo=timezone(timedelta(hours=5, minutes=30))),
])
def test_to_db_is_fixed_width_utc_text(moment):
    text = to_db(moment)
    assert text == moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert len(text) == 27
    assert from_db(text) == moment


def test_to_db_refuses_a_naive_moment():
    with pytest.raises(ValueError, match="naive"):
        to_db(datetime(2026, 12, 4, 12, 0))
