"""SQL for the organizers' registrants table: search, filters, sort and paging of one
event's registrations, and the broadcasts (an organizer's message to registrants) with the
deliveries that carry them.

Search is a substring of name, email or organization that ignores case and accents: the
words folded as the store folds the registration's search key (webinar.store.text: "maria"
finds "MARÍA", "jose" finds "José"), matched with `search_key LIKE ?`, the wildcards of the
pattern escaped. Both stores run this same SQL: the key is folded already, so neither needs
its LIKE to fold anything (SQLite's folds ASCII case, PostgreSQL's none). The key's fields
are apart, so a search never matches across two of them.
Every sort order ends with id, so pages never overlap; each has an index (migration 0008).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from webinar.store.interface import RegistrantFilter, Row
from webinar.store.statements import Statements
from webinar.store.text import fold, search_key

# Sort keys the table offers, as SQL expressions (never user text).
_ORDER = {
    "name": "lower(name)",
    "created": "created_at",
    "sector": "sector",
    "country": "country",
    "id": "id",
}
# What a row of the table shows (no consent or tokens beyond the personal links).
_COLUMNS = ("id, event_id, token, join_token, email, name, organization, position, sector,"
            " country, language, status, created_at, confirmed_at, cancelled_at, reactivations")


def _like(text: str) -> str:
    escaped = fold(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(event_id: int, where: RegistrantFilter) -> tuple[str, list[Any]]:
    sql = "event_id = ?"
    params: list[Any] = [event_id]
    if where.statuses:
        sql += f" AND status IN ({', '.join('?' for _ in where.statuses)})"
        params += list(where.statuses)
    if where.sector:
        sql += " AND sector = ?"
        params.append(where.sector)
    if where.country:
        sql += " AND country = ?"
        params.append(where.country)
    if where.search:
        sql += " AND search_key LIKE ? ESCAPE '\\'"
        params.append(_like(where.search))
    return sql, params


class RegistrantQueries:
    """Registrants-table and broadcast SQL, bound to one connection."""

    def __init__(self, conn: Statements):
        self._conn = conn

    def _where_clause(self, event_id: int,
                      where: RegistrantFilter) -> tuple[str, list[Any]]:
        return _where(event_id, where)

    async def count(self, event_id: int, where: RegistrantFilter) -> int:
        sql, params = self._where_clause(event_id, where)
        return int(await self._conn.fetchval(
            f"SELECT COUNT(*) FROM registrations WHERE {sql}", params))  # noqa: S608

    async def page(self, event_id: int, where: RegistrantFilter, sort: str, descending: bool,
                   limit: int, offset: int) -> list[Row]:
        """One page of the filtered registrations in `sort` order (then id)."""
        sql, params = self._where_clause(event_id, where)
        direction = "DESC" if descending else "ASC"
        return await self._conn.fetchall(
            f"SELECT {_COLUMNS} FROM registrations WHERE {sql}"  # noqa: S608
            f" ORDER BY {_ORDER[sort]} {direction}, id {direction} LIMIT ? OFFSET ?",
            [*params, limit, offset])

    async def ids(self, event_id: int, where: RegistrantFilter, sort: str,
                  descending: bool) -> list[int]:
        """Every filtered registration's id, in `sort` order (then id)."""
        sql, params = self._where_clause(event_id, where)
        direction = "DESC" if descending else "ASC"
        return [int(v) for v in await self._conn.fetchcolumn(
            f"SELECT id FROM registrations WHERE {sql}"  # noqa: S608
            f" ORDER BY {_ORDER[sort]} {direction}, id {direction}", params)]

    async def rows(self, ids: Sequence[int]) -> list[Row]:
        """These registrations' table columns (any order; at most a page at a time is
        asked for, or chunks of an export)."""
        out: list[Row] = []
        for start in range(0, len(ids), 500):
            chunk = list(ids[start:start + 500])
            marks = ", ".join("?" for _ in chunk)
            out += await self._conn.fetchall(
                f"SELECT {_COLUMNS} FROM registrations WHERE id IN ({marks})",  # noqa: S608
                chunk)
        return out

    async def log_position(self, event_id: int) -> int:
        """The event's last entry in the event log: every attendance change but a
        heartbeat's extension appends one with the event's id, so a whole-event attendance
        computed at one position stays right until the next (webinar.attendance.snapshots
        keeps it by this). One step down the index event_log_by_event (0012)."""
        return int(await self._conn.fetchval(
            "SELECT COALESCE(MAX(id), 0) FROM event_log WHERE event_id = ?", (event_id,)))

    # --- search keys -------------------------------------------------------------------

    async def without_search_key(self, after_id: int, limit: int) -> list[Row]:
        """Up to `limit` registrations after `after_id` written before their search key
        existed (NULL): id, name, email and organization, in id order (a walk along the
        primary key, not a rescan of the rows already done)."""
        return await self._conn.fetchall(
            "SELECT id, name, email, organization FROM registrations"
            " WHERE id > ? AND search_key IS NULL ORDER BY id LIMIT ?", (after_id, limit))

    async def fill_search_keys(self, rows: Sequence[Row]) -> int:
        """Write the search key of these rows (of `without_search_key`) where it is still
        NULL: a key written meanwhile, with newer values, is kept. How many were written."""
        if not rows:
            return 0
        values = ", ".join("(CAST(? AS BIGINT), ?)" for _ in rows)
        params: list[Any] = []
        for row in rows:
            params += [row["id"], search_key(row["name"], row["email"], row["organization"])]
        # One statement a batch (UPDATE ... FROM: SQLite 3.33+, PostgreSQL; both name
        # the columns of VALUES column1, column2). Not a WITH: Python's sqlite3 counts
        # the changed rows only of a statement that starts with UPDATE.
        return await self._conn.execute_bulk(
            "UPDATE registrations SET search_key = keyed.column2"  # noqa: S608
            f" FROM (VALUES {values}) AS keyed"
            " WHERE registrations.id = keyed.column1 AND registrations.search_key IS NULL",
            params)

    # --- broadcasts ---------------------------------------------------------------------

    async def insert_broadcast(self, *, event_id: int, organizer_id: int | None,
                               form_key: str, subject: str, body: str, audience: str,
                               now: str) -> tuple[Row, bool]:
        """(the broadcast, whether it is new): a second send of the same form finds the
        first one."""
        row = await self._conn.fetchone(
            "INSERT INTO broadcasts (event_id, organizer_id, form_key, subject, body,"
            " audience, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (form_key) DO NOTHING RETURNING *",
            (event_id, organizer_id, form_key, subject, body, audience, now))
        if row is not None:
            return row, True
        existing = await self._conn.fetchone(
            "SELECT * FROM broadcasts WHERE form_key = ?", (form_key,))
        assert existing is not None
        return existing, False

    async def set_broadcast_recipients(self, broadcast_id: int, count: int) -> None:
        await self._conn.execute("UPDATE broadcasts SET recipients = ? WHERE id = ?",
                                 (count, broadcast_id))

    async def broadcasts_by_ids(self, ids: Sequence[int]) -> list[Row]:
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        return await self._conn.fetchall(
            f"SELECT * FROM broadcasts WHERE id IN ({marks})", list(ids))  # noqa: S608

    async def broadcasts(self, event_id: int, limit: int) -> list[Row]:
        return await self._conn.fetchall(
            "SELECT * FROM broadcasts WHERE event_id = ? ORDER BY id DESC LIMIT ?",
            (event_id, limit))

    async def plan_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert pending mails (the keys of deliveries.plan), skipping keys that exist."""
        await self._conn.executemany(
            "INSERT INTO deliveries (key, kind, event_id, registration_id, recipient, detail,"
            " sequence, status, due_at, next_attempt_at, message_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)"
            " ON CONFLICT (key) DO NOTHING",
            [(r["key"], r["kind"], r["event_id"], r["registration_id"], r["recipient"],
              r["detail"], r["sequence"], r["due_at"], r["due_at"], r["message_id"], r["now"],
              r["now"]) for r in rows])
