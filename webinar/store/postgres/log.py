"""The event log and its consumers' cursors on PostgreSQL.

Why a reader of `id > cursor` never skips an entry for good: ids come from a sequence,
and under READ COMMITTED a transaction that drew id 7 may commit after one that drew
id 8; a consumer reading in between would see 8, move its cursor past 7 and never come
back. So every append first takes one transaction-scoped advisory lock (APPEND_LOCK),
held until its transaction commits or rolls back, and only then draws its id. Proof: the
lock admits one appending transaction at a time, so ids are drawn in lock order; a
transaction gets the lock only after the previous holder ended, and PostgreSQL makes a
commit visible before it releases the committer's locks. Hence when entry n is visible,
every transaction that drew an id below n has already ended: each lower id is visible
too, or was rolled back and never will be. The price: transactions that append to the log
run their remaining statements one at a time; they are short (tests/store/
test_postgres_log.py proves the order; bench/ measures the rate).

Cursors: a consumer's pass reads its cursor inside its transaction under an advisory lock
on the consumer's name (two processes running the same consumer take turns, the second
sees the first's move), and a move never takes a cursor backwards (GREATEST)."""

from __future__ import annotations

from collections.abc import Sequence

from webinar.store.sqlite import log
from webinar.store.statements import Statements

# Advisory lock keys (one bigint; the two-int form below lives in another key space).
APPEND_LOCK = 0x7765_6269_0001  # "webi" 1: appends to event_log, one transaction at a time
CURSOR_LOCK_CLASS = 0x7765_0002  # (class, hashtext(name)): one consumer's cursor


class LogQueries(log.LogQueries):
    def __init__(self, conn: Statements, *, in_transaction: bool):
        super().__init__(conn)
        self._in_transaction = in_transaction

    async def append(self, type_: str, event_id: int | None, registration_id: int | None,
                     payload: str, created_at: str) -> None:
        # The lock and the entry in one statement, one round trip fewer while the lock is
        # held: the lock is taken in a subquery the INSERT reads its row from, so it is
        # granted before the row's id is drawn (EXPLAIN: the id's nextval is computed in
        # the scan above the subquery; tests/store/test_postgres_log.py checks that a
        # waiting appender has drawn no id).
        await self._conn.execute(
            "INSERT INTO event_log (type, event_id, registration_id, payload, created_at)"
            " SELECT ?, ?, ?, ?, ? FROM (SELECT pg_advisory_xact_lock(?)) AS append_lock",
            (type_, event_id, registration_id, payload, created_at, APPEND_LOCK),
        )

    async def append_many(self, entries: Sequence[tuple[str, int | None, int | None, str, str]],
                          ) -> None:
        await self._conn.execute("SELECT pg_advisory_xact_lock(?)", (APPEND_LOCK,))
        await super().append_many(entries)

    async def cursor_position(self, name: str) -> int:
        """Inside a transaction: the cursor, locked until the transaction ends (another
        pass of the same consumer waits here and then reads the moved cursor)."""
        if self._in_transaction:
            await self._conn.execute("SELECT pg_advisory_xact_lock(?, hashtext(?))",
                                     (CURSOR_LOCK_CLASS, name))
        return await super().cursor_position(name)

    async def move_cursor(self, name: str, position: int, at: str) -> None:
        await self._conn.execute(
            "INSERT INTO consumer_cursors (name, position, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET"
            " position = GREATEST(consumer_cursors.position, excluded.position),"
            " updated_at = excluded.updated_at",
            (name, position, at),
        )
