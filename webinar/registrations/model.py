"""A registration: one person's seat (or place in line) at one event, and its tokens."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from webinar.clock import from_db
from webinar.store.interface import Row

TOKEN_BYTES = 18  # 144 bits, 24 URL-safe characters


@dataclass(frozen=True)
class Registration:
    id: int
    event_id: int
    token: str  # the manage link's (/r/...): details, calendar, cancel
    join_token: str  # the join link's (/j/...): enters the event, shows nothing personal
    email: str
    name: str
    organization: str
    position: str
    sector: str
    country: str
    language: str
    status: str
    created_at: datetime
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    # Times this cancelled registration was taken up again (the same row, reactivated).
    reactivations: int = 0

    @classmethod
    def from_row(cls, row: Row) -> Registration:
        return cls(
            id=row["id"], event_id=row["event_id"], token=row["token"],
            join_token=row["join_token"], email=row["email"],
            name=row["name"], organization=row["organization"], position=row["position"],
            sector=row["sector"], country=row["country"], language=row["language"],
            status=row["status"], created_at=from_db(row["created_at"]),
            confirmed_at=from_db(row["confirmed_at"]), cancelled_at=from_db(row["cancelled_at"]),
            reactivations=row["reactivations"],
        )


@dataclass(frozen=True)
class Outcome:
    registration: Registration
    duplicate: bool  # True: nothing was created; the existing registration's links are re-sent


def new_token() -> str:
    """A personal link's token (manage or join): unguessable, URL-safe."""
    return secrets.token_urlsafe(TOKEN_BYTES)
