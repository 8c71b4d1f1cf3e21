"""SQL for the deliveries table (the mail queue)."""

from __future__ import annotations

from webinar.store.interface import Row
from webinar.store.statements import Statements


class DeliveryQueries:
    """Deliveries SQL, bound to one connection (the reader or a transaction)."""

    def __init__(self, conn: Statements):
        self._conn = conn

    async def plan(self, *, key: str, kind: str, event_id: int,
                   registration_id: int | None, recipient: str, due_at: str, message_id: str,
                   now: str, detail: str = "", sequence: int = 0) -> bool:
        """Insert a pending mail unless one with this key exists. True when inserted."""
        count = await self._conn.execute(
            "INSERT INTO deliveries (key, kind, event_id, registration_id, recipient, detail,"
            " sequence, status, due_at, next_attempt_at, message_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)"
            " ON CONFLICT (key) DO NOTHING",
            (key, kind, event_id, registration_id, recipient, detail, sequence, due_at, due_at,
             message_id, now, now),
        )
        return count > 0


    async def plan_many(self, mails: list[dict]) -> None:
        """`plan` for many mails in one statement (a wrap-up's follow-ups: one per
        registrant); each dict has plan's keyword arguments."""
        await self._conn.executemany(
            "INSERT INTO deliveries (key, kind, event_id, registration_id, recipient, detail,"
            " sequence, status, due_at, next_attempt_at, message_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)"
            " ON CONFLICT (key) DO NOTHING",
            [(m["key"], m["kind"], m["event_id"], m["registration_id"], m["recipient"],
              m.get("detail", ""), m.get("sequence", 0), m["due_at"], m["due_at"],
              m["message_id"], m["now"], m["now"]) for m in mails],
        )


    async def revive_skipped(self, key: str, due_at: str, now: str) -> None:
        """A reminder skipped earlier (cancelled, then registered again) becomes due again."""
        await self._conn.execute(
            "UPDATE deliveries SET status = 'pending', due_at = ?, next_attempt_at = ?,"
            " last_error = NULL, updated_at = ? WHERE key = ? AND status = 'skipped'",
            (due_at, due_at, now, key),
        )


    async def skip_pending(self, *, reason: str, now: str, event_id: int,
                           registration_id: int | None = None, kind: str | None = None) -> int:
        sql = ("UPDATE deliveries SET status = 'skipped', last_error = ?, lease_until = NULL,"
               " updated_at = ? WHERE event_id = ? AND status = 'pending'")
        params: list = [reason, now, event_id]
        if registration_id is not None:
            sql += " AND registration_id = ?"
            params.append(registration_id)
        if kind is not None:
            sql += " AND kind = ?"
            params.append(kind)
        return await self._conn.execute_bulk(sql, params)


    async def last_created(self, registration_id: int, kind: str) -> str | None:
        return await self._conn.fetchval(
            "SELECT MAX(created_at) FROM deliveries WHERE registration_id = ? AND kind = ?",
            (registration_id, kind),
        )


    async def claim_due(self, now: str, lease_until: str, limit: int,
                        claim: str) -> list[Row]:
        """Take up to `limit` due mails: pending ones whose time has come, and 'sending' ones
        whose lease ran out (their sender died). One conditional UPDATE, so two schedulers
        never take the same row."""
        return await self._conn.fetchall(
            "UPDATE deliveries SET status = 'sending', lease_until = ?, claim = ?,"
            " attempts = attempts + 1, updated_at = ?"
            " WHERE id IN (SELECT id FROM deliveries"
            "   WHERE (status = 'pending' AND next_attempt_at <= ?)"
            "      OR (status = 'sending' AND lease_until <= ?)"
            "   ORDER BY next_attempt_at, id LIMIT ?)"
            " RETURNING *",
            (lease_until, claim, now, now, now, limit),
        )


    async def renew(self, delivery_id: int, claim: str, lease_until: str) -> bool:
        """Extend our lease; False when another process took the row over meanwhile."""
        count = await self._conn.execute(
            "UPDATE deliveries SET lease_until = ? WHERE id = ? AND claim = ?"
            " AND status = 'sending'",
            (lease_until, delivery_id, claim),
        )
        return count == 1


    async def mark_sent(self, delivery_id: int, claim: str, now: str) -> bool:
        """The mail went out. This and the two below change the row only while `claim`
        still holds it; False when another process took it over after the lease ran out."""
        count = await self._conn.execute(
            "UPDATE deliveries SET status = 'sent', sent_at = ?, lease_until = NULL,"
            " last_error = NULL, updated_at = ? WHERE id = ? AND claim = ?"
            " AND status = 'sending'",
            (now, now, delivery_id, claim),
        )
        return count == 1


    async def mark_retry(self, delivery_id: int, claim: str, error: str, next_at: str,
                         now: str) -> bool:
        count = await self._conn.execute(
            "UPDATE deliveries SET status = 'pending', next_attempt_at = ?, lease_until = NULL,"
            " last_error = ?, updated_at = ? WHERE id = ? AND claim = ? AND status = 'sending'",
            (next_at, error, now, delivery_id, claim),
        )
        return count == 1


    async def mark_final(self, delivery_id: int, claim: str, status: str, error: str,
                         now: str) -> bool:
        count = await self._conn.execute(
            "UPDATE deliveries SET status = ?, lease_until = NULL, last_error = ?, updated_at = ?"
            " WHERE id = ? AND claim = ? AND status = 'sending'",
            (status, error, now, delivery_id, claim),
        )
        return count == 1


    async def summary(self, event_id: int) -> dict[str, dict[str, int]]:
        rows = await self._conn.fetchall(
            "SELECT kind, status, COUNT(*) AS n FROM deliveries WHERE event_id = ?"
            " GROUP BY kind, status ORDER BY kind",
            (event_id,),
        )
        out: dict[str, dict[str, int]] = {}
        for row in rows:
            out.setdefault(row["kind"], {})[row["status"]] = row["n"]
        return out


    async def listing(self, event_id: int, status: str | None, limit: int) -> list[Row]:
        sql = ("SELECT d.*, r.name AS name FROM deliveries d"
               " LEFT JOIN registrations r ON r.id = d.registration_id WHERE d.event_id = ?")
        params: list = [event_id]
        if status:
            sql += " AND d.status = ?"
            params.append(status)
        sql += " ORDER BY d.updated_at DESC, d.id DESC LIMIT ?"
        params.append(limit)
        return await self._conn.fetchall(sql, params)
