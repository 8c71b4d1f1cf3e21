"""The organizer pages' event form: the HTML form's flat fields to the create body that
EventFields validates (and back, to fill the form from an event or a copy of one).

Dates come from `datetime-local` inputs, which carry no offset: they are read in the time
zone chosen in the same form (an invalid zone falls back to the deployment's, and the zone
field then shows its own error). Sectors come in SECTOR_ROWS rows of code, Spanish and
English label; rows left empty are ignored. Lists (speakers, organizer emails) are one per
line; reminder offsets are separated by commas or spaces.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from webinar.events.fields import DEFAULT_SECTORS

SECTOR_ROWS = 8
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"

# Zones of the Latin-American forums this serves, offered first; then every other name.
COMMON_ZONES = (
    "America/Guatemala", "America/Mexico_City", "America/El_Salvador", "America/Tegucigalpa",
    "America/Managua", "America/Costa_Rica", "America/Panama", "America/Bogota",
    "America/Lima", "America/Guayaquil", "America/Caracas", "America/La_Paz",
    "America/Santiago", "America/Argentina/Buenos_Aires", "America/Montevideo",
    "America/Asuncion", "America/Sao_Paulo", "America/Santo_Domingo", "America/Havana",
    "America/Puerto_Rico", "America/New_York", "Europe/Madrid", "UTC",
)

TEXT_FIELDS = ("slug", "title", "description", "timezone", "join_url", "report_delay",
               "doors_open_minutes", "recording_url", "min_minutes_attended",
               "zoom_meeting_id", "embed_url", "host_name", "host_website",
               "host_contact_email", "host_privacy_url")
OPTIONAL_NUMBERS = ("capacity", "certificate_minutes")
CHECKBOXES = ("attendance_from_export", "open_data")
# Text fields where an empty box means "none" rather than an empty text.
EMPTY_IS_NONE = ("join_url", "recording_url", "zoom_meeting_id", "embed_url", "host_name",
                 "host_website", "host_contact_email", "host_privacy_url")


def other_zones() -> list[str]:
    common = set(COMMON_ZONES)
    return sorted(z for z in available_timezones() if z not in common and "/" in z
                  and not z.startswith(("Etc/", "SystemV/", "posix/", "right/")))


def _zone(name: str, fallback: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(fallback)


def _moment(text: str, zone: ZoneInfo) -> Any:
    """A datetime-local value in `zone`, aware; the text as it is when it is no date (the
    model then says how to write one); None when empty (the model says it is required)."""
    text = text.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _speaker(line: str) -> dict[str, str]:
    name, _sep, affiliation = line.partition(";")
    return {"name": name.strip(), "affiliation": affiliation.strip()}


def to_body(form: dict[str, str], default_zone: str, *, with_status: bool) -> dict[str, Any]:
    """The create body (or the full PATCH body) the form describes."""
    body: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = form.get(name, "").strip()
        body[name] = None if (name in EMPTY_IS_NONE and not value) else value
    zone = _zone(body["timezone"], default_zone)
    for name in ("starts_at", "ends_at"):
        moment = _moment(form.get(name, ""), zone)
        if moment is not None:
            body[name] = moment
    for name in OPTIONAL_NUMBERS:
        value = form.get(name, "").strip()
        body[name] = value or None
    for name in CHECKBOXES:
        body[name] = bool(form.get(name))
    body["speakers"] = [_speaker(line) for line in _lines(form.get("speakers", ""))]
    body["organizer_emails"] = _lines(form.get("organizer_emails", ""))
    body["reminders"] = [r for r in re.split(r"[,\s]+", form.get("reminders", "")) if r]
    sectors = []
    for i in range(SECTOR_ROWS):
        row = {key: form.get(f"sector_{key}_{i}", "").strip() for key in ("code", "es", "en")}
        if any(row.values()):
            sectors.append(row)
    body["sectors"] = sectors
    if with_status:
        body["status"] = form.get("status", "draft")
    return body


def from_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The form's values for an event's create-body fields (Event.fields() or a copy)."""
    zone = ZoneInfo(fields["timezone"])
    form: dict[str, Any] = {name: "" if fields.get(name) is None else str(fields[name])
                            for name in TEXT_FIELDS}
    for name in ("starts_at", "ends_at"):
        moment = fields[name]
        moment = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
        form[name] = moment.astimezone(zone).strftime(LOCAL_FORMAT)
    for name in OPTIONAL_NUMBERS:
        form[name] = "" if fields.get(name) is None else str(fields[name])
    for name in CHECKBOXES:
        form[name] = "1" if fields.get(name) else ""
    form["speakers"] = "\n".join(
        s["name"] + (f"; {s['affiliation']}" if s.get("affiliation") else "")
        for s in fields.get("speakers", []))
    form["organizer_emails"] = "\n".join(fields.get("organizer_emails", []))
    form["reminders"] = ", ".join(fields.get("reminders", []))
    for i, sector in enumerate(fields.get("sectors", [])[:SECTOR_ROWS]):
        for key in ("code", "es", "en"):
            form[f"sector_{key}_{i}"] = sector.get(key, "")
    form["status"] = fields.get("status", "draft")
    return form


def blank(zone: str, organizer_email: str, now: datetime) -> dict[str, Any]:
    """The form of a new event: the defaults of the contract, no dates yet."""
    form: dict[str, Any] = {name: "" for name in TEXT_FIELDS}
    form.update(timezone=zone, report_delay="15m", doors_open_minutes="15",
                min_minutes_attended="0", reminders="1d, 1h", speakers="",
                organizer_emails=organizer_email, starts_at="", ends_at="", capacity="",
                certificate_minutes="", attendance_from_export="", open_data="",
                status="draft")
    for i, (code, labels) in enumerate(DEFAULT_SECTORS.items()):
        form.update({f"sector_code_{i}": code, f"sector_es_{i}": labels["es"],
                     f"sector_en_{i}": labels["en"]})
    return form


def sector_rows(form: dict[str, Any]) -> list[dict[str, str]]:
    return [{key: form.get(f"sector_{key}_{i}", "") for key in ("code", "es", "en")}
            for i in range(SECTOR_ROWS)]
