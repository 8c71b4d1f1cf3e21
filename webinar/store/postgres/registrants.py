"""The registrants table on PostgreSQL: the SQLite store's SQL, except the search, whose
LIKE is case-sensitive here; ILIKE folds case (accented letters too, unlike SQLite)."""

from __future__ import annotations

from typing import Any

from webinar.store.interface import RegistrantFilter
from webinar.store.sqlite import registrants


def _where(event_id: int, where: RegistrantFilter) -> tuple[str, list[Any]]:
    sql, params = registrants._where(event_id, where)
    return sql.replace(" LIKE ? ESCAPE", " ILIKE ? ESCAPE"), params


class RegistrantQueries(registrants.RegistrantQueries):
    """Only the filter differs; every query builds its WHERE through `_where_clause`."""

    def _where_clause(self, event_id: int,
                      where: RegistrantFilter) -> tuple[str, list[Any]]:
        return _where(event_id, where)
