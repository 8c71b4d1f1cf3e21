"""The event fields an organizer sets (the POST body of /api/v1/events; PATCH sends a
subset), validated at the edge."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from webinar.events import embed
from webinar.events.durations import parse_duration
from webinar.i18n import N_
from webinar.validation import (
    CONTROL,
    Email,
    Line,
    OptionalEmail,
    OptionalLine,
    custom_error,
)

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")

EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(3000, 1, 1, tzinfo=UTC)

DEFAULT_SECTORS = {
    "academic": {"es": "Académico", "en": "Academic"},
    "cooperation": {"es": "Cooperación internacional", "en": "International cooperation"},
    "public": {"es": "Sector público", "en": "Public sector"},
    "private": {"es": "Sector privado", "en": "Private sector"},
}


class Speaker(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: Line = Field(min_length=1, max_length=200)
    affiliation: Line = Field(default="", max_length=300)


class SectorIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    code: str = Field(pattern=r"^[a-z][a-z0-9_-]{0,49}$")
    es: Line = Field(default="", max_length=100)
    en: Line = Field(default="", max_length=100)


def _sector(value: Any) -> Any:
    if isinstance(value, str):
        labels = DEFAULT_SECTORS.get(value, {"es": value, "en": value})
        return {"code": value, **labels}
    if isinstance(value, dict) and isinstance(value.get("code"), str):
        labels = DEFAULT_SECTORS.get(value["code"], {"es": value["code"], "en": value["code"]})
        return {**labels, **{k: v for k, v in value.items() if v}}
    return value


def _speaker(value: Any) -> Any:
    return {"name": value} if isinstance(value, str) else value


def _http_url(value: Any) -> Any:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise custom_error("url", N_("Enter a web address starting with https://."))
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or CONTROL.search(value):
        raise custom_error("url", N_("Enter a web address starting with https://."))
    if len(value) > 2000:
        raise custom_error("url", N_("That web address is too long."))
    return value.strip()


def _embed_url(value: Any) -> Any:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or embed.player_of(value.strip()) is None:
        raise custom_error("embed_url", N_(
            "Enter a player address starting with https:// from YouTube (youtube.com/embed/"
            " or youtube-nocookie.com/embed/), Vimeo (player.vimeo.com) or Jitsi (meet.jit.si,"
            " 8x8.vc)."))
    return value.strip()


MEETING_ID = re.compile(r"^[0-9]{9,12}$")


def _meeting_id(value: Any) -> Any:
    """A Zoom meeting or webinar number, as Zoom shows it ("812 3456 7890") or bare."""
    if value is None or value == "":
        return None
    text = re.sub(r"[\s-]", "", value) if isinstance(value, str) else ""
    if not MEETING_ID.match(text):
        raise custom_error("meeting_id", N_(
            "Enter the Zoom meeting ID: 9 to 12 digits, like 812 3456 7890."))
    return text


def _duration(value: Any) -> str:
    if not isinstance(value, str):
        raise custom_error("duration", N_("Durations are written like 30s, 10m, 1h, 1d or 1h30m."))
    try:
        parse_duration(value)
    except ValueError:
        raise custom_error(
            "duration", N_("Durations are written like 30s, 10m, 1h, 1d or 1h30m.")
        ) from None
    return value.strip().lower()


def _zone(value: Any) -> str:
    try:
        if not isinstance(value, str) or not value:
            raise ValueError
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise custom_error(
            "timezone", N_("Unknown time zone, use a name like America/Guatemala.")) \
            from None
    return value


Url = Annotated[str | None, BeforeValidator(_http_url)]
EmbedUrl = Annotated[str | None, BeforeValidator(_embed_url)]
MeetingId = Annotated[str | None, BeforeValidator(_meeting_id)]
Duration = Annotated[str, BeforeValidator(_duration)]
Zone = Annotated[str, BeforeValidator(_zone)]
SectorItem = Annotated[SectorIn, BeforeValidator(_sector)]
SpeakerItem = Annotated[Speaker, BeforeValidator(_speaker)]


class EventFields(BaseModel):
    """Every field an organizer sets on an event (the POST body; PATCH sends a subset)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    slug: str = Field(max_length=80)
    title: Line = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=20000)
    speakers: list[SpeakerItem] = Field(default_factory=list, max_length=50)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    timezone: Zone = "America/Guatemala"
    join_url: Url = None
    capacity: int | None = Field(default=None, ge=1, le=1_000_000)
    sectors: list[SectorItem] = Field(
        default_factory=lambda: [_sector(code) for code in DEFAULT_SECTORS],
        min_length=1, max_length=20, validate_default=True,
    )
    reminders: list[Duration] = Field(default_factory=lambda: ["1d", "1h"], max_length=10)
    report_delay: Duration = "15m"
    organizer_emails: list[Email] = Field(default_factory=list, max_length=20)
    doors_open_minutes: int = Field(default=15, ge=0, le=1440)
    recording_url: Url = None
    min_minutes_attended: int = Field(default=0, ge=0, le=1440)
    status: Literal["draft", "published", "cancelled"] = "published"
    registration_open: bool = True
    # The Zoom meeting number, when join_url does not hold it (a personal /my/ link).
    zoom_meeting_id: MeetingId = None
    # A player the join link shows on the watch page (see webinar.events.embed).
    embed_url: EmbedUrl = None
    # Attendance will come from a platform's export: follow-ups wait for the import.
    attendance_from_export: bool = False
    # Minutes of presence that earn a certificate of attendance; None offers none.
    certificate_minutes: int | None = Field(default=None, ge=1, le=1440)
    # Publish the anonymous aggregate (by sector, by country) once the event has ended.
    open_data: bool = False
    # The hosting institution of this forum, over the deployment's defaults.
    host_name: OptionalLine = Field(default=None, max_length=200)
    host_website: Url = None
    host_contact_email: OptionalEmail = None
    host_privacy_url: Url = None

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.match(value):
            raise custom_error(
                "slug", N_("Use lower-case letters, digits and dashes, like foro-gobierno-2026.")
            )
        return value

    @field_validator("sectors")
    @classmethod
    def _unique_sectors(cls, value: list[SectorIn]) -> list[SectorIn]:
        codes = [s.code for s in value]
        if len(set(codes)) != len(codes):
            raise custom_error("sectors", N_("Each sector may appear only once."))
        return value

    @field_validator("reminders")
    @classmethod
    def _unique_reminders(cls, value: list[str]) -> list[str]:
        spans = [parse_duration(v) for v in value]
        if len(set(spans)) != len(spans):
            raise custom_error("reminders", N_("Each reminder offset may appear only once."))
        if any(span <= timedelta(0) for span in spans):
            raise custom_error("reminders", N_("Reminder offsets must be longer than zero."))
        return [v for _s, v in sorted(zip(spans, value, strict=True), key=lambda p: -p[0])]

    @field_validator("starts_at", "ends_at")
    @classmethod
    def _plausible_moment(cls, value: datetime) -> datetime:
        # Stored as fixed-width UTC text: far years overflow or do not read back.
        if not EARLIEST <= value < LATEST:
            raise custom_error("datetime_range",
                               N_("Enter a date between the years 2000 and 2999."))
        return value

    @model_validator(mode="after")
    def _ends_after_start(self) -> EventFields:
        if self.ends_at <= self.starts_at:
            raise custom_error("ends_at", N_("The end must be after the start."))
        if self.ends_at - self.starts_at > timedelta(days=31):
            raise custom_error("ends_at", N_("An event lasts at most 31 days."))
        return self

