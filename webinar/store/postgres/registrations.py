"""Registrations on PostgreSQL: the SQLite store's SQL, except where it reads the JSON list
of an event's organizer emails (SQLite's json_each; PostgreSQL's
json_array_elements_text)."""

from __future__ import annotations

from webinar.store.interface import Row
from webinar.store.sqlite import registrations


class RegistrationQueries(registrations.RegistrationQueries):
    async def earlier_attendance(self, event_id: int) -> list[Row]:
        """As the SQLite store's (see there), in PostgreSQL's JSON functions."""
        return await self._conn.fetchall(
            "WITH this AS (SELECT id, starts_at, created_by, organizer_emails FROM events"
            "  WHERE id = ?),"
            " managers AS (SELECT j.value AS email FROM this,"
            "  json_array_elements_text(this.organizer_emails::json) AS j(value)"
            "  UNION SELECT o.email FROM this JOIN organizers o ON o.id = this.created_by),"
            " earlier AS (SELECT e.id, e.starts_at, e.ends_at, e.doors_open_minutes,"
            "  e.min_minutes_attended FROM events e CROSS JOIN this"
            "  LEFT JOIN organizers o ON o.id = e.created_by"
            "  WHERE e.id <> this.id AND e.starts_at < this.starts_at"
            "  AND e.status = 'published'"
            "  AND (o.email IN (SELECT email FROM managers) OR EXISTS (SELECT 1 FROM"
            "   json_array_elements_text(e.organizer_emails::json) AS j(value)"
            "   WHERE j.value IN (SELECT email FROM managers)))),"
            " pairs AS (SELECT r.id AS registration_id, r2.id AS earlier_registration_id,"
            "  x.id AS earlier_event_id, x.starts_at, x.ends_at, x.doors_open_minutes,"
            "  x.min_minutes_attended FROM registrations r CROSS JOIN earlier x"
            "  JOIN registrations r2 ON r2.event_id = x.id AND r2.email = r.email"
            "  WHERE r.event_id = ? AND r.status = 'confirmed' AND r2.status = 'confirmed')"
            " SELECT pairs.*, p.started_at, p.ended_at, NULL AS at FROM pairs"
            "  JOIN presence_intervals p ON p.registration_id = pairs.earlier_registration_id"
            " UNION ALL"
            " SELECT pairs.*, NULL, NULL, v.at FROM pairs"
            "  JOIN join_visits v ON v.registration_id = pairs.earlier_registration_id",
            (event_id, event_id),
        )
