"""SQL for organizers, their API tokens and their admin sessions."""

from __future__ import annotations

from webinar.store.interface import Row
from webinar.store.statements import Statements


class OrganizerQueries:
    """Organizers SQL, bound to one connection (the reader or a transaction)."""

    def __init__(self, conn: Statements):
        self._conn = conn

    async def insert(self, email: str, password_hash: str, now: str) -> Row:
        return await self._conn.returning(
            "INSERT INTO organizers (email, password_hash, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT (email) DO UPDATE SET password_hash = excluded.password_hash"
            " RETURNING *",
            (email, password_hash, now),
        )


    async def insert_new(self, email: str, password_hash: str, now: str) -> Row | None:
        return await self._conn.fetchone(
            "INSERT INTO organizers (email, password_hash, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT (email) DO NOTHING RETURNING *",
            (email, password_hash, now),
        )


    async def by_email(self, email: str) -> Row | None:
        return await self._conn.fetchone("SELECT * FROM organizers WHERE email = ?", (email,))


    async def by_id(self, organizer_id: int) -> Row | None:
        return await self._conn.fetchone("SELECT * FROM organizers WHERE id = ?",
                                         (organizer_id,))


    async def set_password_hash(self, organizer_id: int, password_hash: str) -> None:
        await self._conn.execute("UPDATE organizers SET password_hash = ? WHERE id = ?",
                         (password_hash, organizer_id))


    async def insert_token(self, organizer_id: int, token_hash: str, now: str) -> None:
        await self._conn.execute(
            "INSERT INTO api_tokens (organizer_id, token_hash, created_at) VALUES (?, ?, ?)",
            (organizer_id, token_hash, now),
        )


    async def by_token_hash(self, token_hash: str) -> Row | None:
        return await self._conn.fetchone(
            "SELECT o.* FROM api_tokens t JOIN organizers o ON o.id = t.organizer_id"
            " WHERE t.token_hash = ?",
            (token_hash,),
        )


    async def insert_session(self, organizer_id: int, token_hash: str, now: str,
                             expires: str) -> None:
        await self._conn.execute(
            "INSERT INTO admin_sessions (organizer_id, token_hash, created_at, expires_at)"
            " VALUES (?, ?, ?, ?)",
            (organizer_id, token_hash, now, expires),
        )


    async def by_session_hash(self, token_hash: str, now: str) -> Row | None:
        return await self._conn.fetchone(
            "SELECT o.* FROM admin_sessions s JOIN organizers o ON o.id = s.organizer_id"
            " WHERE s.token_hash = ? AND s.expires_at > ?",
            (token_hash, now),
        )


    async def delete_session(self, token_hash: str) -> None:
        await self._conn.execute("DELETE FROM admin_sessions WHERE token_hash = ?", (token_hash,))
