"""The PostgreSQL store: an asyncpg pool. The store's own query attributes run each
statement on a free pooled connection in autocommit (committed data, READ COMMITTED);
`transaction()` holds one connection for one transaction.

Locking rules (READ COMMITTED, many processes): a service that decides on an event reads
it with `events.for_update` (SELECT ... FOR UPDATE); appends to the event log are
serialised by a transaction-scoped advisory lock (see log.py for why and the proof);
mail is claimed with FOR UPDATE SKIP LOCKED and every later write re-checks the claim
(deliveries.py); a consumer's cursor is read under a lock on its name and never moves
back. Migrations run under a session advisory lock, so processes starting together
apply each file once."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from webinar.store.backfill import fill_search_keys
from webinar.store.batching import Batcher, write_join_visits
from webinar.store.interface import JoinVisit
from webinar.store.postgres.connection import PgConn
from webinar.store.postgres.deliveries import DeliveryQueries
from webinar.store.postgres.events import EventQueries
from webinar.store.postgres.limits import LimitQueries
from webinar.store.postgres.log import LogQueries
from webinar.store.postgres.registrants import RegistrantQueries
from webinar.store.postgres.registrations import RegistrationQueries
from webinar.store.sqlite.attendance import AttendanceQueries
from webinar.store.sqlite.invitations import InvitationQueries
from webinar.store.sqlite.organizers import OrganizerQueries
from webinar.store.sqlite.wrapups import WrapupQueries

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
MIGRATE_LOCK = 0x7765_6269_0000  # session advisory lock around `migrate`


class _Queries:
    """Every area's queries, bound to one connection (or the pool)."""

    def __init__(self, conn: PgConn, *, in_transaction: bool):
        self.events = EventQueries(conn)
        self.registrations = RegistrationQueries(conn)
        self.deliveries = DeliveryQueries(conn)
        self.organizers = OrganizerQueries(conn)
        self.log = LogQueries(conn, in_transaction=in_transaction)
        self.attendance = AttendanceQueries(conn)
        self.invitations = InvitationQueries(conn)
        self.wrapups = WrapupQueries(conn)
        self.registrants = RegistrantQueries(conn)


class PostgresTransaction(_Queries):
    """The queries inside one transaction (READ COMMITTED) on one pooled connection."""


class PostgresSnapshot(_Queries):
    """The queries inside one REPEATABLE READ READ ONLY transaction."""


class PostgresStore(_Queries):
    """The store on one PostgreSQL database, named by a postgresql:// URL."""

    def __init__(self, url: str, *, min_size: int = 1, max_size: int = 10):
        self.url = url
        self._min_size = min_size
        self._max_size = max_size
        self._pool: asyncpg.Pool | None = None
        # Clicks arriving together: one transaction, so one turn at the log's append lock.
        self._visits: Batcher[JoinVisit, None] = Batcher(
            lambda visits: write_join_visits(self, visits))

    async def connect(self) -> None:
        try:
            self._pool = await asyncpg.create_pool(
                dsn_for_asyncpg(self.url), min_size=self._min_size, max_size=self._max_size)
        except asyncpg.PostgresError as exc:
            # A refusal by the server (bad password, no such database) reads like a network
            # refusal to the caller, which names it without the URL (runtime.open_store).
            raise ConnectionRefusedError(f"{type(exc).__name__}: {exc}") from exc
        super().__init__(PgConn(self._pool), in_transaction=False)
        # Rate limits shared by every web process on this database (interface.SharedLimits).
        self.limits = LimitQueries(PgConn(self._pool))

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
        self._pool = None

    def _require_pool(self) -> asyncpg.Pool:
        assert self._pool is not None, "database not connected"
        return self._pool

    async def add_join_visit(self, visit: JoinVisit) -> None:
        await self._visits(visit)

    async def ping(self) -> None:
        await self._require_pool().fetchval("SELECT 1")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PostgresTransaction]:
        async with self._require_pool().acquire() as conn, conn.transaction():
            yield PostgresTransaction(PgConn(conn), in_transaction=True)

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[PostgresSnapshot]:
        """Reads of one moment (see `Store.snapshot`): a REPEATABLE READ READ ONLY
        transaction on one pooled connection, its snapshot taken by a first statement at
        the start of the block (PostgreSQL takes it at the first query, not at BEGIN). It
        takes no lock a writer waits for."""
        async with self._require_pool().acquire() as conn, conn.transaction(
                isolation="repeatable_read", readonly=True):
            await conn.execute("SELECT 1")
            yield PostgresSnapshot(PgConn(conn), in_transaction=False)

    async def migrate(self) -> list[str]:
        """Apply the migration files not applied yet, each in its own transaction, under a
        session advisory lock: a second process starting at the same moment waits, then
        finds them applied. Then the work they leave to Python (webinar.store.backfill,
        safe beside another process without the lock)."""
        applied: list[str] = []
        async with self._require_pool().acquire() as conn:
            await conn.execute("SELECT pg_advisory_lock($1)", MIGRATE_LOCK)
            try:
                await conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                    " applied_at TEXT NOT NULL)")
                done = {r["version"] for r in
                        await conn.fetch("SELECT version FROM schema_migrations")}
                for version, path in migration_files():
                    if version in done:
                        continue
                    async with conn.transaction():
                        await conn.execute(path.read_text())
                        await conn.execute(
                            "INSERT INTO schema_migrations (version, name, applied_at)"
                            " VALUES ($1, $2, $3)",
                            version, path.name, datetime.now(UTC).isoformat())
                    applied.append(path.name)
                    log.info("applied migration %s", path.name)
            finally:
                await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATE_LOCK)
        await fill_search_keys(self)  # outside the lock: may need another connection
        return applied


def migration_files() -> list[tuple[int, Path]]:
    files = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if match:
            files.append((int(match.group(1)), path))
    return files


def dsn_for_asyncpg(url: str) -> str:
    """postgresql://, postgres:// or postgresql+asyncpg:// as asyncpg takes it."""
    scheme, rest = url.split("://", 1)
    return f"postgresql://{rest}" if "+" in scheme or scheme == "postgres" else url
