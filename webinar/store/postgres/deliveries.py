"""The mail queue on PostgreSQL: claims skip rows another sender is claiming."""

from __future__ import annotations

from webinar.store.interface import Row
from webinar.store.sqlite import deliveries


class DeliveryQueries(deliveries.DeliveryQueries):
    async def claim_due(self, now: str, lease_until: str, limit: int,
                        claim: str) -> list[Row]:
        """Take up to `limit` due mails. The CTE locks the rows it picks and skips rows
        locked by another sender's claim (FOR UPDATE SKIP LOCKED), so two schedulers take
        disjoint sets instead of queueing. It is MATERIALIZED, evaluated once: written as
        `WHERE id IN (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED)` the planner may run the
        subquery again per row and take more than `limit` rows (the store's tests caught
        6 for 4). The outer WHERE repeats the conditions, so a row changed meanwhile is
        re-checked on its newest version. Every later write (renew, mark_sent, mark_retry,
        mark_final) still requires `claim = ?`: a sender whose lease ran out and was taken
        over changes nothing."""
        return await self._conn.fetchall(
            "WITH picked AS MATERIALIZED (SELECT id FROM deliveries"
            "   WHERE (status = 'pending' AND next_attempt_at <= ?)"
            "      OR (status = 'sending' AND lease_until <= ?)"
            "   ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED)"
            " UPDATE deliveries d SET status = 'sending', lease_until = ?, claim = ?,"
            " attempts = d.attempts + 1, updated_at = ?"
            " FROM picked WHERE d.id = picked.id"
            " AND ((d.status = 'pending' AND d.next_attempt_at <= ?)"
            "      OR (d.status = 'sending' AND d.lease_until <= ?))"
            " RETURNING d.*",
            (now, now, limit, lease_until, claim, now, now, now),
        )
