"""Query parameters of the organizers' API listings, parsed (and documented) by pydantic."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

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



class AttendanceImportQuery(BaseModel):
    """Query of POST /api/v1/events/{slug}/attendance/import."""

    model_config = ConfigDict(extra="ignore")
    source: Literal["zoom", "teams", "meet"] | None = None
    timezone: str | None = Field(default=None, min_length=1, max_length=64)


class ReportQuery(BaseModel):
    """Query of GET /api/v1/events/{slug}/report: the contract's JSON, or the CSV or XLSX
    file in the request's language."""

    model_config = ConfigDict(extra="ignore")
    format: Literal["json", "csv", "xlsx"] = "json"
