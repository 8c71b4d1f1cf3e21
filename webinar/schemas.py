"""Pydantic models at the edges: the registration form/API body and the event API bodies.

Error messages are English source strings marked for translation; `field_errors` turns a
ValidationError into {field: message} in the reader's language.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from webinar.durations import parse_duration
from webinar.i18n import N_, country_codes

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")

EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(3000, 1, 1, tzinfo=UTC)

DEFAULT_SECTORS = {
    "academic": {"es": "Académico", "en": "Academic"},
    "cooperation": {"es": "Cooperación internacional", "en": "International cooperation"},
    "public": {"es": "Sector público", "en": "Public sector"},
    "private": {"es": "Sector privado", "en": "Private sector"},
}


# The error codes our validators raise, with messages already marked for translation.
_OWN_CODES = frozenset({
    "consent_required",
    "country_unknown",
    "datetime_range",
    "duration",
    "email_invalid",
    "email_missing",
    "ends_at",
    "reminders",
    "sector_unknown",
    "sectors",
    "single_line",
    "slug",
    "timezone",
    "url",
})


def _error(code: str, message: str) -> PydanticCustomError:
    assert code in _OWN_CODES, code
    return PydanticCustomError(code, message)


def normalize_email(value: Any) -> str:
    """The email identity: stripped and lower-cased, and a valid address."""
    if not isinstance(value, str) or not value.strip():
        raise _error("email_missing", N_("Enter your email address."))
    text = value.strip().lower()
    if len(text) > 254 or _CONTROL.search(text):
        raise _error("email_invalid", N_("Enter a valid email address, like name@example.org."))
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise _error(
            "email_invalid", N_("Enter a valid email address, like name@example.org.")
        ) from None
    return checked.normalized.lower()


def _single_line(value: Any) -> Any:
    if isinstance(value, str):
        if _CONTROL.search(value):
            raise _error("single_line", N_("Use a single line of text."))
        return " ".join(value.split())
    return value


Email = Annotated[str, BeforeValidator(normalize_email)]
Line = Annotated[str, BeforeValidator(_single_line)]


def _truthy(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "on", "yes", "true", "si", "sí")
    return value


class RegistrationIn(BaseModel):
    """The registration form and POST /api/v1/events/{slug}/registrations."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    name: Line = Field(min_length=1, max_length=200)
    email: Email
    organization: Line = Field(default="", max_length=200)
    position: Line = Field(default="", max_length=200)
    sector: str = Field(max_length=50)
    country: str = Field(max_length=2)
    language: Literal["es", "en"] = "es"
    consent: Annotated[bool, BeforeValidator(_truthy)] = Field(default=False, validate_default=True)

    @field_validator("sector")
    @classmethod
    def _offered_sector(cls, value: str, info: ValidationInfo) -> str:
        offered = (info.context or {}).get("sectors")
        if offered is not None and value not in offered:
            raise _error("sector_unknown", N_("Choose one of the sectors listed."))
        return value

    @field_validator("country", mode="before")
    @classmethod
    def _iso_country(cls, value: Any) -> str:
        code = value.strip().upper() if isinstance(value, str) else ""
        if code not in country_codes():
            raise _error("country_unknown", N_("Choose your country from the list."))
        return code

    @field_validator("consent")
    @classmethod
    def _consent_given(cls, value: bool) -> bool:
        if value is not True:
            raise _error(
                "consent_required",
                N_("Please accept that we keep your data to run this event."),
            )
        return value


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
        raise _error("url", N_("Enter a web address starting with https://."))
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or _CONTROL.search(value):
        raise _error("url", N_("Enter a web address starting with https://."))
    if len(value) > 2000:
        raise _error("url", N_("That web address is too long."))
    return value.strip()


def _duration(value: Any) -> str:
    if not isinstance(value, str):
        raise _error("duration", N_("Durations are written like 30s, 10m, 1h, 1d or 1h30m."))
    try:
        parse_duration(value)
    except ValueError:
        raise _error(
            "duration", N_("Durations are written like 30s, 10m, 1h, 1d or 1h30m.")
        ) from None
    return value.strip().lower()


def _zone(value: Any) -> str:
    try:
        if not isinstance(value, str) or not value:
            raise ValueError
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise _error("timezone", N_("Unknown time zone, use a name like America/Guatemala.")) \
            from None
    return value


Url = Annotated[str | None, BeforeValidator(_http_url)]
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

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.match(value):
            raise _error(
                "slug", N_("Use lower-case letters, digits and dashes, like foro-gobierno-2026.")
            )
        return value

    @field_validator("sectors")
    @classmethod
    def _unique_sectors(cls, value: list[SectorIn]) -> list[SectorIn]:
        codes = [s.code for s in value]
        if len(set(codes)) != len(codes):
            raise _error("sectors", N_("Each sector may appear only once."))
        return value

    @field_validator("reminders")
    @classmethod
    def _unique_reminders(cls, value: list[str]) -> list[str]:
        spans = [parse_duration(v) for v in value]
        if len(set(spans)) != len(spans):
            raise _error("reminders", N_("Each reminder offset may appear only once."))
        if any(span <= timedelta(0) for span in spans):
            raise _error("reminders", N_("Reminder offsets must be longer than zero."))
        return [v for _s, v in sorted(zip(spans, value, strict=True), key=lambda p: -p[0])]

    @field_validator("starts_at", "ends_at")
    @classmethod
    def _plausible_moment(cls, value: datetime) -> datetime:
        # Stored as fixed-width UTC text: far years overflow or do not read back.
        if not EARLIEST <= value < LATEST:
            raise _error("datetime_range", N_("Enter a date between the years 2000 and 2999."))
        return value

    @model_validator(mode="after")
    def _ends_after_start(self) -> EventFields:
        if self.ends_at <= self.starts_at:
            raise _error("ends_at", N_("The end must be after the start."))
        if self.ends_at - self.starts_at > timedelta(days=31):
            raise _error("ends_at", N_("An event lasts at most 31 days."))
        return self


MAX_ID = 2**63 - 1  # SQLite's largest integer


class RegistrationsQuery(BaseModel):
    """Query of GET /api/v1/events/{slug}/registrations."""

    model_config = ConfigDict(extra="ignore")
    limit: int = Field(default=500, ge=1, le=5000)
    after: int = Field(default=0, ge=0, le=MAX_ID)
    status: Literal["confirmed", "waitlisted", "cancelled"] | None = None


class DeliveriesQuery(BaseModel):
    """Query of GET /api/v1/events/{slug}/deliveries."""

    model_config = ConfigDict(extra="ignore")
    status: Literal["pending", "sending", "sent", "failed", "skipped"] | None = None


def field_errors(exc: ValidationError, translate=lambda s: s) -> dict[str, str]:
    """{field: message}, the first error of each field, translated."""
    errors: dict[str, str] = {}
    for err in exc.errors(include_url=False):
        loc = [str(p) for p in err["loc"] if not isinstance(p, int)]
        field = loc[0] if loc else "__all__"
        if field == "__all__" and err["type"] in ("ends_at",):
            field = "ends_at"
        if field in errors:
            continue
        errors[field] = translate(_message(err))
    return errors


_GENERIC = {
    "missing": N_("This field is required."),
    "string_too_short": N_("This field is required."),
    "string_too_long": N_("This is too long."),
    "too_long": N_("Too many items."),
    "too_short": N_("This field is required."),
    "literal_error": N_("Choose one of the options offered."),
    "int_parsing": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "greater_than_equal": N_("This number is too small."),
    "less_than_equal": N_("This number is too large."),
    "datetime_parsing": N_("Enter a date and time like 2026-12-03T09:00:00-06:00."),
    "datetime_type": N_("Enter a date and time like 2026-12-03T09:00:00-06:00."),
    "timezone_aware": N_("Enter a date and time with its offset, like 2026-12-03T09:00:00-06:00."),
    "string_type": N_("Enter text."),
    "bool_parsing": N_("Enter true or false."),
    "bool_type": N_("Enter true or false."),
    "list_type": N_("Enter a list."),
    "extra_forbidden": N_("This field is not known."),
    "string_pattern_mismatch": N_("This value has the wrong form."),
    "model_type": N_("This value has the wrong form."),
    "model_attributes_type": N_("This value has the wrong form."),
    "dict_type": N_("This value has the wrong form."),
}


def _message(err: dict) -> str:
    if err["type"] in _GENERIC:
        return _GENERIC[err["type"]]
    if err["type"] in _OWN_CODES:
        # Raised by our validators with a message already marked for translation.
        return err["msg"]
    return N_("This value is not valid.")
