"""What every attendance-export parser returns, and the errors that refuse a file.

Messages are short English constants (the reason texts below), marked with N_() for the
catalogs, so a caller translates them where it shows them (`_(skipped.reason)`,
`_(error.reason) % error.params`); an error keeps its `reason` and `params` apart from the
formatted text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from webinar.i18n import N_

# Layouts (the `source` of a result). The design's import answer names the platform,
# optionally with a suffix for the layout.
ZOOM = "zoom"
ZOOM_WEBINAR = "zoom_webinar"
TEAMS = "teams"
TEAMS_LEGACY = "teams_legacy"
MEET = "meet"
SOURCES = (ZOOM, ZOOM_WEBINAR, TEAMS, TEAMS_LEGACY, MEET)
PLATFORMS = ("zoom", "teams", "meet")

# Roles, when the export names one (Teams' Role column, the Zoom webinar sections).
HOST, PANELIST, ATTENDEE, ORGANIZER, PRESENTER, OTHER = (
    "host", "panelist", "attendee", "organizer", "presenter", "other")

# Why a row is not presence (`skipped` reasons).
SKIP_WAITING_ROOM = N_("In the waiting room, not in the meeting")
SKIP_SUMMARY = N_("Meeting summary line")
SKIP_DID_NOT_ATTEND = N_("Registered but did not attend")
SKIP_UNREADABLE = N_("Row could not be read")
SKIP_BAD_TIME = N_("Join or leave time could not be read")
SKIP_LEAVE_BEFORE_JOIN = N_("Leave time is before the join time")
SKIP_LEFT_WITHOUT_JOIN = N_("Left without joining first")
SKIP_UNKNOWN_ACTION = N_("Unknown action")

# Why a whole file is refused (`NotAnExport.reason`).
REFUSE_EMPTY = N_("The file is empty.")
REFUSE_BINARY = N_("The file is not a text (CSV) file.")
REFUSE_SPREADSHEET = N_("This is a spreadsheet (.xlsx): save it as CSV and import that file.")
REFUSE_UNKNOWN = N_("Not a Zoom, Teams or Meet attendance export: no known header found.")
REFUSE_UNIQUE_USERS = N_("This Zoom report shows unique users without join and leave times: "
                         "export it again with \u201cShow unique users\u201d unticked.")
REFUSE_WRONG_SOURCE = N_("This file is a %(detected)s export, not %(source)s.")
REFUSE_UNKNOWN_SOURCE = N_("Unknown source %(source)s: use zoom, teams or meet.")
REFUSE_UNKNOWN_TIMEZONE = N_("Unknown time zone %(timezone)s.")


class ImportProblem(ValueError):
    """A file (or an option) the importer refuses; callers answer 4xx with the message."""

    def __init__(self, reason: str, **params: str) -> None:
        self.reason = reason
        self.params = params
        super().__init__(reason % params if params else reason)

    def translated(self, gettext: Callable[[str], str]) -> str:
        """The message in the reader's language (`gettext` of the request or the CLI)."""
        text = gettext(self.reason)
        return text % self.params if self.params else text


class NotAnExport(ImportProblem):
    """The content is not an attendance export the importer can read."""


class UnknownTimezone(ImportProblem):
    """The zone given to read times without an offset does not exist."""


@dataclass(frozen=True)
class PresenceRow:
    """One span of presence as the export states it.

    `line` is the 1-based line of the row in the decoded file; `email` is lower-cased and
    stripped, None when the export has none (guests, phones, Teams' old list); `start` and
    `end` are aware UTC datetimes, `end` None when the export shows no leave (Teams' old
    list); `duration` is the platform's own figure when it gives one (a cross-check only:
    Zoom rounds it up per row). `alt_email` is a second address the platform knows the
    person by (Teams' UPN when it differs from Email)."""

    line: int
    email: str | None
    name: str
    start: datetime
    end: datetime | None
    duration: timedelta | None = None
    role: str | None = None
    alt_email: str | None = None


@dataclass(frozen=True)
class Skipped:
    line: int
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "reason": self.reason}


@dataclass
class ParseResult:
    source: str
    rows: list[PresenceRow] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def platform(self) -> str:
        """`zoom`, `teams` or `meet`, without the layout suffix."""
        return self.source.split("_", 1)[0]

    def skip(self, line: int, reason: str) -> None:
        self.skipped.append(Skipped(line, reason))

    def skipped_dicts(self) -> list[dict[str, object]]:
        return [s.as_dict() for s in self.skipped]


def clean_email(value: str | None) -> str | None:
    """The email identity: stripped and lower-cased; None when empty or not an address."""
    text = (value or "").strip().lower()
    return text if "@" in text else None
