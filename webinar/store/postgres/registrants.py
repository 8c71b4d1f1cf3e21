"""The registrants table on PostgreSQL: the SQLite store's SQL, the search included (it
matches the folded search key with a plain LIKE, webinar.store.sqlite.registrants, so
PostgreSQL's case-sensitive LIKE needs no ILIKE), except the backfill's read of rows
without a key, which locks them (many processes may start together)."""

from __future__ import annotations

from webinar.store.interface import Row
from webinar.store.sqlite import registrants


class RegistrantQueries(registrants.RegistrantQueries):
    async def without_search_key(self, after_id: int, limit: int) -> list[Row]:
        """As the SQLite store's, locking the rows it returns until the transaction ends
        and skipping rows another process has locked (webinar.store.backfill)."""
        return await self._conn.fetchall(
            "SELECT id, name, email, organization FROM registrations"
            " WHERE id > ? AND search_key IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED",
            (after_id, limit))
