"""One migration numbering across both stores: every SQLite migration has its PostgreSQL
port with the same number and file name, and the other way round. A migration added on
one side only fails here until it is ported (webinar/store/postgres/__init__.py says how)."""

from __future__ import annotations

import pytest

from webinar.store.postgres.database import migration_files as postgres_files
from webinar.store.sqlite.database import migration_files as sqlite_files


@pytest.mark.once
def test_each_migration_exists_for_both_stores():
    sqlite = [(n, p.name) for n, p in sqlite_files()]
    postgres = [(n, p.name) for n, p in postgres_files()]
    assert postgres == sqlite
    numbers = [n for n, _ in sqlite]
    expected = list(range(1, numbers[-1] + 1))
    assert numbers == expected, "numbered without gaps"
