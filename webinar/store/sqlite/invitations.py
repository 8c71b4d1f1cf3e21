"""SQL for co-organizer invitations (migration 0009)."""

from __future__ import annotations

from webinar.store.interface import Row
from webinar.store.statements import Statements


class InvitationQueries:
    """Invitations SQL, bound to one connection (the reader or a transaction)."""

    def __init__(self, conn: Statements):
        self._conn = conn

    async def insert(self, *, event_id: int, email: str, token_hash: str, nonce: str,
                     language: str, invited_by: int | None, now: str, expires: str) -> Row:
        return await self._conn.returning(
            "INSERT INTO invitations (event_id, email, token_hash, nonce, language,"
            " invited_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
            (event_id, email, token_hash, nonce, language, invited_by, now, expires),
        )

    async def live_for(self, event_id: int, email: str, now: str) -> Row | None:
        """An invitation of this address to this event, not used and not expired."""
        return await self._conn.fetchone(
            "SELECT * FROM invitations WHERE event_id = ? AND email = ? AND used_at IS NULL"
            " AND expires_at > ? ORDER BY id DESC LIMIT 1",
            (event_id, email, now),
        )

    async def by_id(self, invitation_id: int) -> Row | None:
        return await self._conn.fetchone("SELECT * FROM invitations WHERE id = ?",
                                         (invitation_id,))

    async def usable(self, token_hash: str, now: str) -> Row | None:
        return await self._conn.fetchone(
            "SELECT * FROM invitations WHERE token_hash = ? AND used_at IS NULL"
            " AND expires_at > ?",
            (token_hash, now),
        )

    async def use(self, token_hash: str, now: str) -> Row | None:
        """Mark the invitation used, if it still may be: one conditional UPDATE, so two
        requests (or processes) with the same link never both get it."""
        return await self._conn.fetchone(
            "UPDATE invitations SET used_at = ? WHERE token_hash = ? AND used_at IS NULL"
            " AND expires_at > ? RETURNING *",
            (now, token_hash, now),
        )
