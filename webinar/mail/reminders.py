"""When reminders are due: one per offset whose time is later than the moment the person's
seat became confirmed, so a late sign-up gets its confirmation and not a pile of old
reminders."""

from __future__ import annotations

from datetime import datetime

from webinar.events.model import Event


def due_reminders(event: Event, since: datetime) -> list[tuple[str, datetime]]:
    """(offset label, due time) for each reminder still ahead of `since`."""
    planned = []
    for label, span in event.reminder_offsets():
        due = event.starts_at - span
        if due > since:
            planned.append((label, due))
    return planned


def reminder_key(registration_id: int, label: str, sequence: int) -> str:
    return f"reminder:{registration_id}:{label}:s{sequence}"
