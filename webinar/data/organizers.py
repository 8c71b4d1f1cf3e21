"""SQL for organizers, their API tokens and their admin sessions."""

from __future__ import annotations

from webinar.db import Database, Row, Transaction


async def insert(tx: Transaction, email: str, password_hash: str, now: str) -> Row:
    return await tx.fetchone(
        "INSERT INTO organizers (email, password_hash, created_at) VALUES (?, ?, ?)"
        " ON CONFLICT (email) DO UPDATE SET password_hash = excluded.password_hash"
        " RETURNING *",
        (email, password_hash, now),
    )


async def by_email(db: Database | Transaction, email: str) -> Row | None:
    return await db.fetchone("SELECT * FROM organizers WHERE email = ?", (email,))


async def set_password_hash(tx: Transaction, organizer_id: int, password_hash: str) -> None:
    await tx.execute("UPDATE organizers SET password_hash = ? WHERE id = ?",
                     (password_hash, organizer_id))


async def insert_token(tx: Transaction, organizer_id: int, token_hash: str, now: str) -> None:
    await tx.execute(
        "INSERT INTO api_tokens (organizer_id, token_hash, created_at) VALUES (?, ?, ?)",
        (organizer_id, token_hash, now),
    )


async def by_token_hash(db: Database, token_hash: str) -> Row | None:
    return await db.fetchone(
        "SELECT o.* FROM api_tokens t JOIN organizers o ON o.id = t.organizer_id"
        " WHERE t.token_hash = ?",
        (token_hash,),
    )


async def insert_session(tx: Transaction, organizer_id: int, token_hash: str, now: str,
                         expires: str) -> None:
    await tx.execute(
        "INSERT INTO admin_sessions (organizer_id, token_hash, created_at, expires_at)"
        " VALUES (?, ?, ?, ?)",
        (organizer_id, token_hash, now, expires),
    )


async def by_session_hash(db: Database, token_hash: str, now: str) -> Row | None:
    return await db.fetchone(
        "SELECT o.* FROM admin_sessions s JOIN organizers o ON o.id = s.organizer_id"
        " WHERE s.token_hash = ? AND s.expires_at > ?",
        (token_hash, now),
    )


async def delete_session(tx: Transaction, token_hash: str) -> None:
    await tx.execute("DELETE FROM admin_sessions WHERE token_hash = ?", (token_hash,))
