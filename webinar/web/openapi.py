"""The API's OpenAPI 3.1 document, built from the same pydantic models that validate it."""

from __future__ import annotations

import copy
from functools import lru_cache

from pydantic import BaseModel

from webinar.events.fields import SLUG, EventFields
from webinar.registrations.fields import RegistrationIn
from webinar.web import report_files
from webinar.web.queries import (
    AttendanceImportQuery,
    DeliveriesQuery,
    RegistrationsQuery,
    ReportQuery,
)

# Durations as webinar.events.durations reads them: 30s, 10m, 1h, 1d, 1h30m.
DURATION = r"^(?:\d+[dhms])+$"

ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string"},
        "message": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "string"},
                   "description": "per-field messages, in the request's language"},
    },
}

REGISTRATION = {
    "type": "object",
    "required": ["id", "email", "name", "sector", "country", "language", "status",
                 "created_at", "join_link", "manage_link"],
    "properties": {
        "id": {"type": "integer"}, "email": {"type": "string"}, "name": {"type": "string"},
        "organization": {"type": "string"}, "position": {"type": "string"},
        "sector": {"type": "string"}, "country": {"type": "string"},
        "language": {"type": "string", "enum": ["es", "en"]},
        "status": {"type": "string", "enum": ["confirmed", "waitlisted", "cancelled"]},
        "created_at": {"type": "string", "format": "date-time"},
        "join_link": {"type": "string"}, "manage_link": {"type": "string"},
        "attended": {"type": "boolean"}, "minutes": {"type": "number"},
    },
}

EVENT = {
    "type": "object",
    "required": ["slug", "title", "starts_at", "ends_at", "timezone", "sectors", "status",
                 "registration_open", "registered"],
    "properties": {
        "slug": {"type": "string"}, "title": {"type": "string"},
        "description": {"type": "string"}, "speakers": {"type": "array"},
        "starts_at": {"type": "string", "format": "date-time"},
        "ends_at": {"type": "string", "format": "date-time"},
        "timezone": {"type": "string"}, "capacity": {"type": ["integer", "null"]},
        "sectors": {"type": "array", "items": {"type": "object"}},
        "status": {"type": "string"}, "registration_open": {"type": "boolean"},
        "registered": {"type": "integer"}, "waitlisted": {"type": "integer"},
        "seats_left": {"type": ["integer", "null"]}, "url": {"type": "string"},
    },
}


WRAPUP_STATE = {
    "type": "object",
    "description": "the event's wrap-up: report and follow-ups, due and sent (UTC times)",
    "properties": {
        "planned": {"type": "boolean"}, "skipped": {"type": ["string", "null"]},
        "report_due_at": {"type": ["string", "null"], "format": "date-time"},
        "report_ran_at": {"type": ["string", "null"], "format": "date-time"},
        "followups_due_at": {"type": ["string", "null"], "format": "date-time"},
        "followups_held": {"type": "boolean"},
        "followups_released_at": {"type": ["string", "null"], "format": "date-time"},
        "followups_released_by": {"type": ["string", "null"], "enum": ["schedule", "organizer",
                                                                    None]},
        "report_sends": {"type": "integer"},
    },
}


IMPORT_ANSWER = {
    "type": "object",
    "required": ["source", "rows", "matched", "walk_ins", "intervals_added", "skipped",
                 "outside_window"],
    "properties": {
        "source": {"type": "string", "description": "zoom, teams or meet, maybe with a "
                   "suffix for the layout (zoom_webinar, teams_legacy)"},
        "rows": {"type": "integer", "description": "presence rows read"},
        "matched": {"type": "integer",
                    "description": "rows matched to a registration by email"},
        "walk_ins": {"type": "integer",
                     "description": "distinct people matching no registration"},
        "intervals_added": {"type": "integer",
                            "description": "0 when the same file is imported again"},
        "skipped": {"type": "array", "items": {
            "type": "object", "required": ["line", "reason"],
            "properties": {"line": {"type": "integer"}, "reason": {"type": "string"}}}},
        "outside_window": {"type": "integer",
                           "description": "intervals entirely outside doors open .. end "
                           "(many: the times were read in the wrong zone?)"},
    },
}

_COUNTS = {"registered": {"type": "integer", "minimum": 0},
           "attended": {"type": "integer", "minimum": 0}}
_RATES = {"attendance_rate": {"type": "number", "minimum": 0, "maximum": 1,
                              "description": "attended / registered, 3 decimals; 0 when "
                              "nobody registered"},
          "avg_minutes": {"type": "number", "minimum": 0,
                          "description": "mean minutes of those who attended"},
          "median_minutes": {"type": "number", "minimum": 0}}
_LABEL = {"type": "object", "required": ["es", "en"],
          "properties": {"es": {"type": "string"}, "en": {"type": "string"}}}

REPORT = {
    "type": "object",
    "required": ["event", "registered", "attended", "attendance_rate", "avg_minutes",
                 "median_minutes", "by_sector", "walk_ins", "waitlisted", "cancelled",
                 "countries", "organizations", "organizations_left_out", "timeline", "peak"],
    "properties": {
        "event": {"type": "object", "required": ["slug", "title", "starts_at", "ends_at",
                                                 "timezone", "doors_open_minutes", "sectors"],
                  "properties": {
                      "slug": {"type": "string"}, "title": {"type": "string"},
                      "starts_at": {"type": "string", "format": "date-time"},
                      "ends_at": {"type": "string", "format": "date-time"},
                      "timezone": {"type": "string"},
                      "doors_open_minutes": {"type": "integer"},
                      "sectors": {"type": "array", "items": {
                          "type": "object", "required": ["code", "es", "en"]}}}},
        **_COUNTS, **_RATES,
        "by_sector": {"type": "array", "description": "every sector the event offers, in "
                      "its order, zeros included; then `_other` for sectors no longer offered",
                      "items": {"type": "object",
                                "required": ["sector", "label", "registered", "attended",
                                             "attendance_rate", "avg_minutes",
                                             "median_minutes"],
                                "properties": {"sector": {"type": "string"}, "label": _LABEL,
                                               **_COUNTS, **_RATES}}},
        "walk_ins": {"type": "integer", "minimum": 0,
                     "description": "people seen by a platform, matching no registration, "
                     "who attended; not in the other numbers"},
        "waitlisted": {"type": "integer", "minimum": 0},
        "cancelled": {"type": "integer", "minimum": 0},
        "countries": {"type": "array", "items": {
            "type": "object", "required": ["country", "registered", "attended"],
            "properties": {"country": {"type": "string"}, **_COUNTS}}},
        "organizations": {"type": "array", "items": {
            "type": "object", "required": ["organization", "registered", "attended"],
            "properties": {"organization": {"type": "string"}, **_COUNTS}}},
        "organizations_left_out": {"type": "integer", "minimum": 0},
        "timeline": {"type": "array", "description": "one entry a minute (UTC) from doors "
                     "open to the end: people present in the room, walk-ins included",
                     "items": {"type": "object", "required": ["minute", "present"],
                               "properties": {"minute": {"type": "string",
                                                         "format": "date-time"},
                                              "present": {"type": "integer", "minimum": 0}}}},
        "peak": {"type": "object", "required": ["minute", "present"],
                 "properties": {"minute": {"type": ["string", "null"]},
                                "present": {"type": "integer", "minimum": 0}}},
    },
}

ZOOM_EXAMPLE = (
    "Name (original name),Email,Join time,Leave time,Duration (minutes),Guest,"
    "In waiting room\n"
    "Ana L\u00f3pez,ana@example.org,12/03/2030 08:58:12 AM,12/03/2030 10:47:51 AM,110,Yes,No\n"
)

EVENT_EXAMPLE = {
    "slug": "foro-gobierno-digital", "title": "Foro: Gobierno digital",
    "starts_at": "2030-12-03T09:00:00-06:00", "ends_at": "2030-12-03T11:00:00-06:00",
    "timezone": "America/Guatemala", "capacity": 300,
    "speakers": [{"name": "Ana López", "affiliation": "Universidad de San Carlos"}],
    "reminders": ["1d", "1h"], "organizer_emails": ["ana@example.org"],
}
EVENT_PATCH_EXAMPLE = {"title": "Foro: Gobierno digital (segunda edición)", "capacity": 500}
REGISTRATION_EXAMPLE = {
    "name": "Luis Pérez", "email": "luis@example.org", "organization": "Ministerio de Salud",
    "position": "Analista", "sector": "public", "country": "GT", "language": "es",
    "consent": True,
}


ZOOM_WEBHOOK = {
    "summary": "Zoom's webhooks: participant joined/left, and the URL-validation handshake",
    "description": "Signed by Zoom: `x-zm-signature` is `v0=` + hex HMAC-SHA256 of "
                   "`v0:{x-zm-request-timestamp}:{raw body}` with "
                   "WEBINAR_ZOOM_WEBHOOK_SECRET; a timestamp more than 5 minutes off is "
                   "refused. Takes meeting.participant_joined/left and "
                   "webinar.participant_joined/left; other event types, and meetings of no "
                   "event, are answered 200 and ignored. 404 while the secret is unset.",
    "parameters": [
        {"name": "x-zm-signature", "in": "header", "required": True,
         "schema": {"type": "string", "maxLength": 200}},
        {"name": "x-zm-request-timestamp", "in": "header", "required": True,
         "schema": {"type": "string", "maxLength": 20}},
    ],
    "requestBody": {"required": True, "content": {"application/json": {
        "schema": {"type": "object", "required": ["event", "payload"], "properties": {
            "event": {"type": "string"}, "event_ts": {"type": "integer"},
            "payload": {"type": "object"}}},
        "example": {"event": "endpoint.url_validation", "event_ts": 1654503849680,
                    "payload": {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"}}}}},
    "responses": {
        "200": {"description": "taken (or ignored); for the handshake, "
                               "`{plainToken, encryptedToken}`",
                "content": {"application/json": {"schema": {"type": "object"}}}},
        "401": {"description": "missing or wrong signature, or a stale timestamp",
                "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Error"}}}},
        "400": {"description": "signed, but not JSON or not the event it names",
                "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Error"}}}},
        "404": {"description": "WEBINAR_ZOOM_WEBHOOK_SECRET is unset",
                "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Error"}}}},
        "413": {"description": "body over 64 kB", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Error"}}}},
    },
}


def _query_parameters(model: type[BaseModel]) -> list[dict]:
    """Query parameters documented from the pydantic model that parses them."""
    params = []
    for name, schema in model.model_json_schema()["properties"].items():
        # A query parameter is absent or a string, never JSON null.
        branches = [b for b in schema.pop("anyOf", []) if b.get("type") != "null"]
        if branches:
            schema.update(branches[0])
        if schema.get("default", 0) is None:
            del schema["default"]
        params.append({"name": name, "in": "query", "schema": schema})
    return params


def _organizer_listing(summary: str, query: type[BaseModel], schema: dict) -> dict:
    """A GET for an event's organizers: bearer token, query parameters, a JSON object."""
    return {
        "summary": summary,
        "security": [{"bearer": []}],
        "parameters": _query_parameters(query),
        "responses": {
            "200": {"description": summary, "content": {"application/json": {"schema": schema}}},
            "401": _error("no valid token"), "403": _error("not an organizer"),
            "422": _error("invalid parameters"), **COMMON_ERRORS},
    }


def _json(schema_ref: str, example: dict | None = None) -> dict:
    media = {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}
    if example is not None:
        media["example"] = example
    return {"application/json": media}


def _error(description: str) -> dict:
    return {"description": description, "content": _json("Error")}


SLUG_PARAM = {"name": "slug", "in": "path", "required": True,
              "schema": {"type": "string", "maxLength": 200}}
COMMON_ERRORS = {"400": _error("malformed body"), "404": _error("no such event"),
                 "413": _error("body too large")}


def _schemas() -> dict:
    registration_in = RegistrationIn.model_json_schema(ref_template="#/components/schemas/{model}")
    event_in = EventFields.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = {}
    for schema in (registration_in, event_in):
        defs.update(schema.pop("$defs", {}))
    # Checked by validators, so absent from the models' own schemas.
    event_in["properties"]["slug"]["pattern"] = SLUG.pattern
    event_in["properties"]["report_delay"]["pattern"] = DURATION
    event_in["properties"]["reminders"]["items"]["pattern"] = DURATION
    event_patch = copy.deepcopy(event_in)
    event_patch.pop("required", None)
    event_patch["title"] = "EventPatch"
    return {"RegistrationIn": registration_in, "EventIn": event_in, "EventPatch": event_patch,
            "Registration": REGISTRATION, "Event": EVENT, "Error": ERROR, "Report": REPORT,
            **defs}


@lru_cache(maxsize=8)
def _document(base_url: str) -> dict:
    bearer: list[dict[str, list[str]]] = [{"bearer": []}]
    return {
        "openapi": "3.1.0",
        "info": {"title": "Webinar registration and attendance API", "version": "1"},
        "servers": [{"url": base_url}],
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "paths": {
            "/api/v1/openapi.json": {"get": {
                "summary": "This document",
                "responses": {"200": {"description": "the OpenAPI document",
                                      "content": {"application/json": {"schema": {
                                          "type": "object"}}}}},
            }},
            "/api/v1/events": {"post": {
                "summary": "Create an event",
                "description": INVITES_NOTE,
                "security": bearer,
                "requestBody": {"required": True, "content": _json("EventIn", EVENT_EXAMPLE)},
                "responses": {"201": {"description": "created", "content": _json("Event")},
                              "401": _error("no valid token"),
                              "409": _error("slug taken"),
                              "415": _error("not JSON"),
                              "422": _error("invalid fields"), **COMMON_ERRORS},
            }},
            "/api/v1/events/{slug}": {
                "parameters": [SLUG_PARAM],
                "get": {
                    "summary": "An event (more fields for its organizers)",
                    "responses": {"200": {"description": "the event", "content": _json("Event")},
                                  "401": _error("invalid token"), **COMMON_ERRORS},
                },
                "patch": {
                    "summary": "Change an event; a new start re-plans reminders and notifies",
                    "description": INVITES_NOTE,
                    "security": bearer,
                    "requestBody": {"required": True,
                                    "content": _json("EventPatch", EVENT_PATCH_EXAMPLE)},
                    "responses": {"200": {"description": "updated", "content": _json("Event")},
                                  "401": _error("no valid token"),
                                  "403": _error("not an organizer of this event"),
                                  "409": _error("slug taken"),
                                  "415": _error("not JSON"),
                                  "422": _error("invalid fields"), **COMMON_ERRORS},
                },
            },
            "/api/v1/events/{slug}/deliveries": {
                "parameters": [SLUG_PARAM],
                "get": _organizer_listing(
                    "The event's mail: counts by kind and status, latest 500 rows",
                    DeliveriesQuery,
                    {"type": "object", "required": ["summary", "deliveries"], "properties": {
                        "summary": {"type": "object"},
                        "deliveries": {"type": "array", "items": {
                            "type": "object",
                            "required": ["id", "kind", "status", "attempts", "recipient"]}}}},
                ),
            },
            "/api/v1/events/{slug}/attendance/import": {
                "parameters": [SLUG_PARAM],
                "post": {
                    "summary": "Import a platform's attendance export (Zoom, Teams, Meet)",
                    "description": "Rows are matched to registrations by email; importing "
                                   "the same file again adds nothing. Times without an "
                                   "offset are read in the event's zone unless `timezone` "
                                   "names another.",
                    "security": bearer,
                    "parameters": _query_parameters(AttendanceImportQuery),
                    "requestBody": {"required": True, "content": {
                        "text/csv": {"schema": {"type": "string"}, "example": ZOOM_EXAMPLE},
                        "application/octet-stream": {"schema": {"type": "string",
                                                                "format": "binary"}},
                        "multipart/form-data": {"schema": {
                            "type": "object", "required": ["file"],
                            "properties": {"file": {"type": "string", "format": "binary"}}}},
                    }},
                    "responses": {
                        "200": {"description": "imported", "content": {
                            "application/json": {"schema": IMPORT_ANSWER}}},
                        "401": _error("no valid token"),
                        "403": _error("not an organizer of this event"),
                        "415": _error("not CSV text or multipart"),
                        "422": _error("not an attendance export, or an invalid option"),
                        **COMMON_ERRORS},
                },
            },
            "/api/v1/events/{slug}/report": {
                "parameters": [SLUG_PARAM],
                "get": {
                    "summary": "The attendance report: totals, by sector, countries, "
                               "organizations, minute by minute",
                    "description": ("format=csv or format=xlsx: the report as that file "
                                    "(sheet names, headers and sector labels in the "
                                    "request's language: ?lang=, the language cookie or "
                                    "Accept-Language)."),
                    "security": bearer,
                    "parameters": _query_parameters(ReportQuery),
                    "responses": {
                        "200": {"description": "the report as of now",
                                "content": {**_json("Report"),
                                            "text/csv": {"schema": {"type": "string"}},
                                            report_files.XLSX_TYPE: {"schema": {
                                                "type": "string", "format": "binary"}}}},
                        "401": _error("no valid token"),
                        "403": _error("not an organizer of this event"),
                        "422": _error("unknown format"), **COMMON_ERRORS},
                },
            },
            "/api/v1/events/{slug}/followups": {
                "parameters": [SLUG_PARAM],
                "post": {
                    "summary": "Send the wrap-up's follow-ups now (thank-you to those who "
                               "attended, sorry-we-missed-you to the others), once; for an "
                               "event whose attendance comes from an export they are held "
                               "until this or three days after the end",
                    "security": bearer,
                    "responses": {
                        "200": {"description": "planned", "content": {"application/json": {
                            "schema": {"type": "object", "required": ["planned", "wrapup"],
                                       "properties": {"planned": {"type": "integer"},
                                                      "wrapup": WRAPUP_STATE}}}}},
                        "401": _error("no valid token"),
                        "403": _error("not an organizer of this event"),
                        "409": _error("not_ended, or already_sent"), **COMMON_ERRORS},
                },
            },
            "/api/v1/events/{slug}/report/send": {
                "parameters": [SLUG_PARAM],
                "post": {
                    "summary": "Mail the attendance report to the organizers again (a new "
                               "mail at each call, with the numbers as they are now)",
                    "security": bearer,
                    "responses": {
                        "202": {"description": "planned", "content": {"application/json": {
                            "schema": {"type": "object", "required": ["sending", "recipients"],
                                       "properties": {
                                           "sending": {"type": "integer"},
                                           "recipients": {"type": "array",
                                                          "items": {"type": "string"}}}}}}},
                        "401": _error("no valid token"),
                        "403": _error("not an organizer of this event"),
                        "409": _error("not_ended, or not_planned"), **COMMON_ERRORS},
                },
            },
            "/api/v1/webhooks/zoom": {"post": ZOOM_WEBHOOK},
            "/api/v1/events/{slug}/registrations": {
                "parameters": [SLUG_PARAM],
                "post": {
                    "summary": "Register for an event",
                    "requestBody": {"required": True,
                                    "content": _json("RegistrationIn", REGISTRATION_EXAMPLE)},
                    "responses": {
                        "201": {"description": "registered (confirmed or waitlisted)",
                                "content": _json("Registration")},
                        "409": _error("already registered (links re-sent) or closed"),
                        "415": _error("not JSON"),
                        "422": _error("invalid fields"),
                        "429": _error("too many requests"), **COMMON_ERRORS},
                },
                "get": _organizer_listing(
                    "Registrations, oldest first, in pages",
                    RegistrationsQuery,
                    {"type": "object", "required": ["registrations", "next"], "properties": {
                        "registrations": {"type": "array", "items": {
                            "$ref": "#/components/schemas/Registration"}},
                        "next": {"type": ["string", "null"]}}},
                ),
            },
        },
    }


INVITES_NOTE = ("Each address in organizer_emails that has no organizer account and no live "
                "invitation to this event gets one mail with a link to set a password (once, "
                "7 days), in the request's language, as the organizer pages do.")

def openapi_document(base_url: str) -> dict:
    return copy.deepcopy(_document(base_url))
