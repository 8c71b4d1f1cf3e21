"""SQL for registrations.

Every statement that writes a registration's name, email or organization writes its
search key too (webinar.store.text.search_key: what the registrants table's search
matches); a new statement that writes them must do the same.
"""

from __future__ import annotations

from collections.abc import Sequence

from webinar.store.interface import Row
from webinar.store.statements import Statements
from webinar.store.text import search_key

# The registration columns a join link needs (webinar.registrations.model.Registration).
_JOIN_COLUMNS = ("id", "event_id", "token", "join_token", "email", "name", "organization",
                 "position", "sector", "country", "language", "status", "created_at",
                 "confirmed_at", "cancelled_at", "reactivations")

class RegistrationQueries:
    """Registrations SQL, bound to one connection (the reader or a transaction)."""

    def __init__(self, conn: Statements):
        self._conn = conn

    async def by_email(self, event_id: int, email: str) -> Row | None:
        return await self._conn.fetchone(
            "SELECT * FROM registrations WHERE event_id = ? AND email = ?", (event_id, email)
        )


    async def by_token(self, token: str) -> Row | None:
        return await self._conn.fetchone("SELECT * FROM registrations WHERE token = ?", (token,))


    async def for_join(self, token: str) -> tuple[Row, Row, bool] | None:
        """(registration, its event, whether `token` is the manage token) for a join link,
        in one indexed read: the hottest query at the start of a forum. Links mailed before
        the join token existed carry the manage token; the join token wins a tie."""
        regs = ", ".join(f"r.{c} AS reg_{c}" for c in _JOIN_COLUMNS)
        row = await self._conn.fetchone(
            f"SELECT e.*, {regs}, r.join_token <> ? AS by_manage_token"  # noqa: S608
            " FROM registrations r JOIN events e ON e.id = r.event_id"
            " WHERE r.join_token = ? OR r.token = ? ORDER BY by_manage_token LIMIT 1",
            (token, token, token))
        if row is None:
            return None
        event = {k: v for k, v in row.items() if not k.startswith("reg_")}
        event.pop("by_manage_token")
        registration = {k[4:]: v for k, v in row.items() if k.startswith("reg_")}
        return registration, event, bool(row["by_manage_token"])

    async def for_join_many(self, tokens: Sequence[str]) -> list[tuple[Row, Row, bool] | None]:
        """`for_join` of each token in one statement (a batch of concurrent join clicks):
        the rows whose join token is one of them, then those whose manage token is."""
        regs = ", ".join(f"r.{c} AS reg_{c}" for c in _JOIN_COLUMNS)
        marks = ", ".join("?" for _ in tokens)
        rows = await self._conn.fetchall(
            f"SELECT e.*, {regs}, 0 AS by_manage_token, r.join_token AS matched_token"  # noqa: S608
            " FROM registrations r JOIN events e ON e.id = r.event_id"
            f" WHERE r.join_token IN ({marks})"
            f" UNION ALL SELECT e.*, {regs}, 1 AS by_manage_token, r.token AS matched_token"
            " FROM registrations r JOIN events e ON e.id = r.event_id"
            f" WHERE r.token IN ({marks})",
            (*tokens, *tokens))
        found: dict[str, tuple[Row, Row, bool]] = {}
        events: dict[int, Row] = {}  # one dict per event: its columns are the same each row
        reg_keys = [(f"reg_{c}", c) for c in _JOIN_COLUMNS]
        for row in rows:
            token, by_manage = row["matched_token"], bool(row["by_manage_token"])
            if token in found and not found[token][2]:
                continue  # the join token wins a tie
            event = events.get(row["reg_event_id"])
            if event is None:
                event = events[row["reg_event_id"]] = {
                    k: v for k, v in row.items() if not k.startswith("reg_")
                    and k not in ("by_manage_token", "matched_token")}
            found[token] = ({c: row[k] for k, c in reg_keys}, event, by_manage)
        return [found.get(token) for token in tokens]


    async def by_id(self, registration_id: int) -> Row | None:
        return await self._conn.fetchone(
            "SELECT * FROM registrations WHERE id = ?", (registration_id,))


    async def by_ids(self, ids: list[int]) -> list[Row]:
        rows: list[Row] = []
        for start in range(0, len(ids), 500):  # SQLite caps the number of parameters
            chunk = ids[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            rows += await self._conn.fetchall(
                f"SELECT * FROM registrations WHERE id IN ({marks})", chunk  # noqa: S608
            )
        return rows


    async def count_confirmed(self, event_id: int) -> int:
        return int(await self._conn.fetchval(
            "SELECT COUNT(*) FROM registrations WHERE event_id = ? AND status = 'confirmed'",
            (event_id,),
        ))


    async def counts(self, event_id: int) -> dict[str, int]:
        rows = await self._conn.fetchall(
            "SELECT status, COUNT(*) AS n FROM registrations WHERE event_id = ? GROUP BY status",
            (event_id,),
        )
        out = {"confirmed": 0, "waitlisted": 0, "cancelled": 0}
        out.update({r["status"]: r["n"] for r in rows})
        return out


    async def insert(self, event_id: int, token: str, join_token: str, data: dict,
                     status: str, now: str) -> Row:
        return await self._conn.returning(
            "INSERT INTO registrations (event_id, token, join_token, email, name, organization,"
            " position, sector, country, language, status, consent_at, created_at,"
            " confirmed_at, waitlisted_at, updated_at, search_key)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
            (event_id, token, join_token, data["email"], data["name"], data["organization"],
             data["position"], data["sector"], data["country"], data["language"], status, now, now,
             now if status == "confirmed" else None, now if status == "waitlisted" else None,
             now, search_key(data["name"], data["email"], data["organization"])),
        )


    async def reactivate(self, registration_id: int, data: dict, status: str,
                         now: str) -> Row:
        """A cancelled registration registering again keeps its row, its address and both
        tokens, and counts one more reactivation (its invites' SEQUENCE rises with it)."""
        key = search_key(data["name"], await self._email(registration_id),
                         data["organization"])
        return await self._conn.returning(
            "UPDATE registrations SET name = ?, organization = ?, position = ?, sector = ?,"
            " country = ?, language = ?, status = ?, consent_at = ?, cancelled_at = NULL,"
            " confirmed_at = ?, waitlisted_at = ?, updated_at = ?, search_key = ?,"
            " reactivations = reactivations + 1 WHERE id = ? RETURNING *",
            (data["name"], data["organization"], data["position"], data["sector"], data["country"],
             data["language"], status, now, now if status == "confirmed" else None,
             now if status == "waitlisted" else None, now, key, registration_id),
        )

    async def _email(self, registration_id: int) -> str:
        """The registration's address (it never changes), for its search key."""
        return str(await self._conn.fetchval(
            "SELECT email FROM registrations WHERE id = ?", (registration_id,)))


    async def set_cancelled(self, registration_id: int, now: str) -> Row:
        return await self._conn.returning(
            "UPDATE registrations SET status = 'cancelled', cancelled_at = ?, updated_at = ?"
            " WHERE id = ? RETURNING *",
            (now, now, registration_id),
        )


    async def update_details(self, registration_id: int, data: dict, now: str) -> Row:
        """Name, organization, position and language, as the registrant corrected them."""
        key = search_key(data["name"], await self._email(registration_id),
                         data["organization"])
        return await self._conn.returning(
            "UPDATE registrations SET name = ?, organization = ?, position = ?, language = ?,"
            " updated_at = ?, search_key = ? WHERE id = ? RETURNING *",
            (data["name"], data["organization"], data["position"], data["language"], now,
             key, registration_id),
        )


    async def waitlist_position(self, event_id: int, registration_id: int) -> int:
        """1 for the first in line: how many waitlisted people come before this one, plus
        one, in the order the waitlist is served (waitlisted_at, id). One indexed COUNT."""
        return int(await self._conn.fetchval(
            "SELECT COUNT(*) FROM registrations w JOIN registrations me ON me.id = ?"
            " WHERE w.event_id = ? AND w.status = 'waitlisted'"
            " AND (w.waitlisted_at < me.waitlisted_at"
            " OR (w.waitlisted_at = me.waitlisted_at AND w.id <= me.id))",
            (registration_id, event_id),
        ))


    async def first_waitlisted(self, event_id: int, limit: int) -> list[Row]:
        """The waitlist in the order people joined it (registering again: at the end)."""
        return await self._conn.fetchall(
            "SELECT * FROM registrations WHERE event_id = ? AND status = 'waitlisted'"
            " ORDER BY waitlisted_at, id LIMIT ?",
            (event_id, limit),
        )


    async def set_promoted(self, registration_id: int, now: str) -> Row:
        return await self._conn.returning(
            "UPDATE registrations SET status = 'confirmed', confirmed_at = ?, updated_at = ?"
            " WHERE id = ? RETURNING *",
            (now, now, registration_id),
        )


    async def page(self, event_id: int, after_id: int, limit: int,
                   status: str | None) -> list[Row]:
        sql = "SELECT * FROM registrations WHERE event_id = ? AND id > ?"
        params: list = [event_id, after_id]
        if status:
            sql += " AND status = ?"
            params.append(status)
        sql += " ORDER BY id LIMIT ?"
        params.append(limit)
        return await self._conn.fetchall(sql, params)


    async def with_status(self, event_id: int,
                          statuses: tuple[str, ...]) -> list[Row]:
        marks = ", ".join("?" for _ in statuses)
        return await self._conn.fetchall(
            f"SELECT * FROM registrations WHERE event_id = ? AND status IN ({marks})"  # noqa: S608
            " ORDER BY id",
            (event_id, *statuses),
        )


    async def with_status_registered_before(self, event_id: int, statuses: tuple[str, ...],
                                            entry_id: int, created_type: str) -> list[Row]:
        """Those of `with_status` whose last `created_type` log entry (sign-up, or sign-up
        again after a cancellation) comes before log entry `entry_id`."""
        marks = ", ".join("?" for _ in statuses)
        return await self._conn.fetchall(
            f"SELECT * FROM registrations r WHERE event_id = ? AND status IN ({marks})"  # noqa: S608
            " AND NOT EXISTS (SELECT 1 FROM event_log l WHERE l.registration_id = r.id"
            " AND l.type = ? AND l.id > ?) ORDER BY id",
            (event_id, *statuses, created_type, entry_id),
        )


    async def for_report(self, event_id: int) -> list[tuple]:
        """Every registration of the event, all statuses, with only what the report reads,
        as plain tuples (id, status, sector, country or '', organization or '') in id
        order: one indexed range read (registrations_by_status starts with event_id); no
        dict a row, at 100,000 rows that costs more than the read."""
        return await self._conn.fetchall_tuples(
            "SELECT id, status, sector, COALESCE(country, ''), COALESCE(organization, '')"
            " FROM registrations WHERE event_id = ? ORDER BY id",
            (event_id,),
        )

    async def earlier_attendance(self, event_id: int) -> list[Row]:
        """For each confirmed registration of the event, the presence of the same address,
        as a confirmed registrant, at every earlier published event (starting before this
        one) that shares a manager with it (its creator's account or one of its
        `organizer_emails`): one row per interval (`started_at`, `ended_at`) or join visit
        (`at`), with that event's window and minimum. One query; the attendance rule is
        applied by the caller (reports.service)."""
        return await self._conn.fetchall(
            "WITH this AS (SELECT id, starts_at, created_by, organizer_emails FROM events"
            "  WHERE id = ?),"
            " managers AS (SELECT j.value AS email FROM this, json_each(this.organizer_emails) j"
            "  UNION SELECT o.email FROM this JOIN organizers o ON o.id = this.created_by),"
            " earlier AS (SELECT e.id, e.starts_at, e.ends_at, e.doors_open_minutes,"
            "  e.min_minutes_attended FROM events e CROSS JOIN this"
            "  LEFT JOIN organizers o ON o.id = e.created_by"
            "  WHERE e.id <> this.id AND e.starts_at < this.starts_at"
            "  AND e.status = 'published'"
            "  AND (o.email IN (SELECT email FROM managers) OR EXISTS (SELECT 1 FROM"
            "   json_each(e.organizer_emails) j WHERE j.value IN (SELECT email FROM managers)))),"
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
