"""Durations written like 30s, 10m, 1h, 1d or 1h30m."""

from __future__ import annotations

import re
from datetime import timedelta

_PART = re.compile(r"(\d+)([dhms])")
_WHOLE = re.compile(r"^(?:\d+[dhms])+$")
_UNIT = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_MAX = timedelta(days=365)


def parse_duration(text: str) -> timedelta:
    value = text.strip().lower() if isinstance(text, str) else ""
    if not value or not _WHOLE.match(value):
        raise ValueError("durations are written like 30s, 10m, 1h, 1d or 1h30m")
    seconds = sum(int(n) * _UNIT[u] for n, u in _PART.findall(value))
    if seconds > _MAX.total_seconds():  # before timedelta(), which overflows on huge counts
        raise ValueError("durations are at most 365d")
    return timedelta(seconds=seconds)


def format_duration(delta: timedelta) -> str:
    """The canonical spelling: 1d, 1h30m, 0m."""
    seconds = int(delta.total_seconds())
    if seconds == 0:
        return "0m"
    out = []
    for unit, size in _UNIT.items():
        count, seconds = divmod(seconds, size)
        if count:
            out.append(f"{count}{unit}")
    return "".join(out)
