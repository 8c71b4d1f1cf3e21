"""The organizers' registrants table: search, filters, sort and paging of one event's
registrations, each with `attended` and `minutes`, and the filtered set for exports and
messages.

Search, status, sector and country are SQL (webinar.store: indexed, fast at 100,000
registrations). `attended` and `minutes` are not columns: they are judged by the one rule
(webinar.attendance.service, on webinar.attendance.intervals). A plain page asks it for
its 50 rows only. Filtering by attended or sorting by minutes needs everyone's, so the
whole event's attendance is computed once and kept (webinar.attendance.snapshots, with
the minutes order made once) until the event's attendance changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from webinar.attendance import service as attendance_service
from webinar.attendance.intervals import Attendance
from webinar.attendance.snapshots import AttendanceSnapshots
from webinar.events.model import Event
from webinar.i18n import N_
from webinar.registrations.model import Registration
from webinar.store.interface import RegistrantFilter, Store
from webinar.validation import Line

PAGE_SIZE = 50
SORTS = ("name", "created", "sector", "country", "minutes")
STATUSES = ("confirmed", "waitlisted", "cancelled")
STATUS_LABELS = {"confirmed": N_("confirmed"), "waitlisted": N_("waitlisted"),
                 "cancelled": N_("cancelled")}
SORT_LABELS = {"name": N_("Name"), "created": N_("Registered"), "sector": N_("Sector"),
               "country": N_("Country"), "minutes": N_("Minutes")}
NOBODY = Attendance(attended=False, minutes=0)


class RegistrantsQuery(BaseModel):
    """The table's query string: every field optional, blanks mean "any"."""

    model_config = ConfigDict(extra="ignore")

    q: Line | None = Field(default=None, max_length=200)
    status: Literal["confirmed", "waitlisted", "cancelled"] | None = None
    sector: str | None = Field(default=None, max_length=64)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    attended: Literal["yes", "no"] | None = None
    sort: Literal["name", "created", "sector", "country", "minutes"] = "created"
    order: Literal["asc", "desc"] = "asc"
    page: int = Field(default=1, ge=1, le=1_000_000)

    @field_validator("q", "status", "sector", "country", "attended", mode="before")
    @classmethod
    def _blank(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    @field_validator("country", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    def filters(self) -> RegistrantFilter:
        return RegistrantFilter(statuses=(self.status,) if self.status else (),
                                sector=self.sector, country=self.country, search=self.q)

    def params(self, **changes: object) -> dict[str, str]:
        """The query string of this view with `changes` (for links: other pages, sorts)."""
        values = {**self.model_dump(), **changes}
        return {k: str(v) for k, v in values.items()
                if v is not None and v != "" and not (k == "page" and v == 1)}


@dataclass(frozen=True)
class Registrant:
    registration: Registration
    attended: bool
    minutes: int


@dataclass(frozen=True)
class RegistrantsPage:
    items: list[Registrant]
    total: int
    page: int
    pages: int


# --- the filtered set ----------------------------------------------------------------------

async def matching_ids(store: Store, snapshots: AttendanceSnapshots, event: Event,
                       query: RegistrantsQuery, now: datetime
                       ) -> tuple[list[int], dict[int, Attendance] | None]:
    """Every registration the query selects, in its order, and the whole event's
    attendance when the query needed it (None otherwise). The minutes order is (minutes,
    id), reversed for "desc": ties stay in id order in the same direction."""
    where = query.filters()
    descending = query.order == "desc"
    if query.attended is None and query.sort != "minutes":
        return await store.registrants.ids(event.id, where, query.sort, descending), None
    snapshot = await snapshots.of(store, event, now)
    seen = snapshot.attendance
    wanted = None if query.attended is None else query.attended == "yes"
    if query.sort != "minutes":
        ids = await store.registrants.ids(event.id, where, query.sort, descending)
        return [i for i in ids if seen.get(i, NOBODY).attended is wanted], seen
    if where == RegistrantFilter() and wanted is True:
        allowed = None  # every registration of the event: no need to ask which
        without_minutes = snapshot.attended_without_minutes
    else:
        ids = await store.registrants.ids(event.id, where, "id", False)
        allowed = set(ids)
        without_minutes = [i for i in ids if seen.get(i, NOBODY).minutes == 0
                           and (wanted is None or seen.get(i, NOBODY).attended is wanted)]
    with_minutes = [i for i in snapshot.by_minutes
                    if (allowed is None or i in allowed)
                    and (wanted is None or seen[i].attended is wanted)]
    ordered = without_minutes + with_minutes
    if descending:
        ordered.reverse()
    return ordered, seen


async def registrants(store: Store, event: Event, ids: list[int], now: datetime,
                      seen: dict[int, Attendance] | None = None) -> list[Registrant]:
    """These registrations, in this order, with their attendance."""
    rows = {r["id"]: r for r in await store.registrants.rows(ids)}
    if seen is None:
        seen = await attendance_service.attendance_of(store, event, list(rows), now)
    return [Registrant(Registration.from_row(rows[i]), seen.get(i, NOBODY).attended,
                       seen.get(i, NOBODY).minutes) for i in ids if i in rows]


async def page(store: Store, snapshots: AttendanceSnapshots, event: Event,
               query: RegistrantsQuery, now: datetime,
               size: int = PAGE_SIZE) -> RegistrantsPage:
    """One page of the table. A page past the last shows the last."""
    if query.attended is None and query.sort != "minutes":
        where = query.filters()
        descending = query.order == "desc"
        rows = await store.registrants.page(event.id, where, query.sort, descending, size,
                                            (query.page - 1) * size)
        if query.page == 1 and len(rows) < size:
            total = len(rows)  # all of them on the first page: no second scan to count
        else:
            total = await store.registrants.count(event.id, where)
        pages = max(1, -(-total // size))
        number = min(query.page, pages)
        if number != query.page:  # past the last page: the last page
            rows = await store.registrants.page(event.id, where, query.sort, descending,
                                                size, (number - 1) * size)
        regs = [Registration.from_row(r) for r in rows]
        seen = await attendance_service.attendance_of(store, event, [r.id for r in regs], now)
        items = [Registrant(r, seen[r.id].attended, seen[r.id].minutes) for r in regs]
        return RegistrantsPage(items, total, number, pages)
    ids, everyone = await matching_ids(store, snapshots, event, query, now)
    total = len(ids)
    pages = max(1, -(-total // size))
    number = min(query.page, pages)
    chosen = ids[(number - 1) * size:number * size]
    return RegistrantsPage(await registrants(store, event, chosen, now, everyone),
                           total, number, pages)
