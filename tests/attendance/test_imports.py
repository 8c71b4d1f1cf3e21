"""The attendance-export parsers, on the real samples (copied from the shared reference)
and on small files built from the layouts the reference documents without a sample.

The event of the samples: Tuesday 24 November 2026, 10:00-11:00 in Guatemala (UTC-6, no
daylight saving), so a time written 10:01:05 is 16:01:05 UTC.
"""

from __future__ import annotations

import codecs
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from webinar.attendance import intervals
from webinar.attendance.imports import NotAnExport, UnknownTimezone, decode, detect, model, parse

SAMPLES = Path(__file__).parent / "samples"
EVENT_DAY = date(2026, 11, 24)
GUATEMALA = "America/Guatemala"


def utc(hour: int, minute: int, second: int = 0, *, day: date = EVENT_DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=UTC)


def read(name: str, *, timezone: str = GUATEMALA, local_date: date = EVENT_DAY,
         source: str | None = None) -> model.ParseResult:
    return parse((SAMPLES / name).read_bytes(), timezone=timezone, local_date=local_date,
                 source=source)


def spans(result: model.ParseResult) -> list[tuple]:
    return [(r.line, r.email, r.start, r.end) for r in result.rows]


def skipped(result: model.ParseResult) -> list[dict[str, object]]:
    return result.skipped_dicts()


# --- Zoom meeting participants ----------------------------------------------------------

def test_zoom_participants_current_layout_with_meeting_block():
    result = read("zoom-participants-en.csv")
    assert result.source == "zoom" and result.platform == "zoom"
    assert spans(result) == [
        (5, "coordinacion@uvg.example", utc(15, 58, 12), utc(17, 0, 40)),
        (6, "ana@uvg.example", utc(16, 1, 5), utc(16, 47, 51)),
        (7, "ana@uvg.example", utc(16, 49, 30), utc(17, 0, 38)),
        (8, "bruno.castillo@uvg.example", utc(16, 3, 44), utc(17, 0, 39)),
        (9, "carla.mendez@gmail.example", utc(16, 5, 33), utc(16, 35, 2)),
        (10, None, utc(16, 12, 10), utc(16, 58)),       # iPhone de Diego: not signed in
        (11, "elena.perez@uvg.example", utc(16, 20, 41), utc(17, 0, 40)),
    ]
    assert [r.name for r in result.rows][3:7] == [
        "Bruno Castillo (Bruno C.)", "Carla Méndez", "iPhone de Diego", "Pérez, Elena"]
    assert [r.duration for r in result.rows][:3] == [timedelta(minutes=m) for m in (63, 47, 12)]
    assert skipped(result) == [{"line": 2, "reason": model.SKIP_SUMMARY},
                               {"line": 12, "reason": model.SKIP_WAITING_ROOM}]


def test_zoom_minutes_come_from_the_union_not_from_the_rounded_up_durations():
    result = read("zoom-participants-en.csv")
    ana = [intervals.Interval(r.start, r.end) for r in result.rows if r.email == "ana@uvg.example"]
    window = intervals.window(utc(16, 0), utc(17, 0), 15)
    # 46m46s + 10m30s (clipped at the end) = 57m16s; Zoom's own column says 47 + 12
    assert intervals.minutes(ana, *window) == 57


def test_zoom_participants_without_meeting_block():
    lines = (SAMPLES / "zoom-participants-en.csv").read_bytes().split(b"\r\n")
    data = codecs.BOM_UTF8 + b"\r\n".join(lines[3:])
    result = parse(data, timezone=GUATEMALA, local_date=EVENT_DAY)
    assert result.source == "zoom"
    assert [r.line for r in result.rows] == [2, 3, 4, 5, 6, 7, 8]
    assert result.rows[0].start == utc(15, 58, 12)
    assert skipped(result) == [{"line": 9, "reason": model.SKIP_WAITING_ROOM}]


def test_zoom_times_are_read_in_the_zone_the_caller_names():
    result = read("zoom-participants-en.csv", timezone="Europe/Madrid")  # UTC+1 in November
    assert result.rows[0].start == utc(8, 58, 12)
    result = read("zoom-participants-en.csv", timezone="UTC")
    assert result.rows[0].start == utc(9, 58, 12)


def test_zoom_participants_spanish_headers_day_first():
    result = read("zoom-participants-es.csv")
    assert result.source == "zoom"
    assert spans(result) == [
        (2, "coordinacion@uvg.example", utc(15, 58, 12), utc(17, 0, 40)),
        (3, "elena.perez@uvg.example", utc(16, 20, 41), utc(17, 0, 40)),  # " Elena.Perez@… "
        (5, None, utc(16, 30), utc(16, 45, 30)),
    ]
    assert result.rows[1].name == "Pérez, Elena"
    assert skipped(result) == [{"line": 4, "reason": model.SKIP_WAITING_ROOM}]  # "Sí"


@pytest.mark.parametrize(("header", "suffix", "expected"), [
    ("Name (original name),Email,Join time,Leave time,Duration (minutes),Guest,In waiting room",
     " AM", date(2026, 5, 11)),      # English: month first when nothing tells
    ("Nombre (nombre original),Correo electrónico,Hora de entrada,Hora de salida,"
     "Duración (minutos),Invitado,En sala de espera", "", date(2026, 11, 5)),  # Spanish: day first
])
def test_zoom_ambiguous_dates_follow_the_header_language(header, suffix, expected):
    row = f"Ana,ana@uvg.example,05/11/2026 10:00:00{suffix},05/11/2026 10:30:00{suffix},30,No,No"
    result = parse(f"{header}\r\n{row}\r\n".encode(), timezone="UTC", local_date=EVENT_DAY)
    assert result.rows[0].start == datetime(*expected.timetuple()[:3], 10, 0, tzinfo=UTC)


def test_zoom_participants_legacy_layout():
    result = read("zoom-participants-legacy.csv")
    day = date(2021, 11, 19)
    assert spans(result) == [
        (5, "loki_asgardian@marvel.com", utc(15, 54, 15, day=day), utc(18, 1, 59, day=day)),
        (6, "clea_unknown@marvel.com", utc(16, 8, 10, day=day), utc(16, 17, 18, day=day)),
        (7, "clea_unknown@marvel.com", utc(18, 0, day=day), utc(18, 30, day=day)),  # 12:00 PM
    ]
    assert result.rows[0].duration == timedelta(minutes=128)
    assert result.rows[0].name == "015_Loki (Loki Laufeyson)"
    assert skipped(result) == [{"line": 2, "reason": model.SKIP_SUMMARY},
                               {"line": 8, "reason": model.SKIP_BAD_TIME}]


def test_zoom_legacy_spanish_resaved_by_excel_with_semicolons_in_cp1252():
    result = read("zoom-participants-legacy-es-excel.csv")
    assert result.source == "zoom"
    assert [(r.email, r.name, r.start, r.end) for r in result.rows] == [
        ("jose.nunez@uvg.example", "José Núñez", utc(16, 2), utc(16, 58))]
    assert skipped(result) == [{"line": 3, "reason": model.SKIP_LEAVE_BEFORE_JOIN}]


@pytest.mark.parametrize("header", [
    "Name (original name),Email,Total duration (minutes),Guest",
    "Name (Original Name),User Email,Total Duration (Minutes),Guest",
    "Nombre (nombre original),E-mail del usuario,Duración total (minutos),Invitado",
])
def test_zoom_unique_users_report_is_refused(header):
    with pytest.raises(NotAnExport) as refused:
        parse(f"{header}\r\nA_Disha_2504,,121,Yes\r\n".encode(), timezone=GUATEMALA,
              local_date=EVENT_DAY)
    assert refused.value.reason == model.REFUSE_UNIQUE_USERS


# --- Zoom webinar attendee report ------------------------------------------------------------

def test_zoom_webinar_report_reads_every_section():
    result = read("zoom-webinar-attendee.csv")
    assert result.source == "zoom_webinar" and result.platform == "zoom"
    assert [(r.line, r.email, r.name, r.role, r.start, r.end) for r in result.rows] == [
        (7, "coordinacion@uvg.example", "Coordinación UVG", "host", utc(15, 58, 12),
         utc(17, 0, 40)),
        (10, "elena.perez@uvg.example", "Dra. Elena Pérez", "panelist", utc(16, 20, 41),
         utc(17, 0, 40)),
        (14, "ana@uvg.example", "Ana López", "attendee", utc(16, 1, 5), utc(16, 47, 51)),
        # a rejoin's extra row leaves the registration fields blank: it is still Ana
        (15, "ana@uvg.example", "Ana López", "attendee", utc(16, 49, 30), utc(17, 0, 38)),
        (16, "bruno.castillo@uvg.example", "Bruno Castillo", "attendee", utc(16, 3, 44),
         utc(17, 0, 39)),
        # Other Attended: joined without registering, no e-mail, 12-hour times
        (19, None, "Invitado 1", "other", utc(16, 20), utc(16, 21)),
    ]
    assert [r.duration for r in result.rows][2:4] == [timedelta(minutes=47),
                                                      timedelta(minutes=12)]
    assert skipped(result) == [{"line": 4, "reason": model.SKIP_SUMMARY},
                               {"line": 13, "reason": model.SKIP_DID_NOT_ATTEND}]


def test_zoom_webinar_report_in_spanish():
    result = read("zoom-webinar-attendee-es.csv")
    assert result.source == "zoom_webinar"
    day = date(2021, 3, 19)  # 18 March 19:05:33 in Guatemala is the 19th in UTC
    assert spans(result) == [(4, "ana@uvg.example", utc(1, 5, 33, day=day), utc(2, 0, day=day))]
    assert result.rows[0].duration == timedelta(minutes=55)
    assert skipped(result) == [{"line": 5, "reason": model.SKIP_DID_NOT_ATTEND}]


# --- Microsoft Teams -------------------------------------------------------------------------

def test_teams_attendance_report_uses_the_join_sessions_of_section_3():
    result = read("teams-attendance-new-en.csv")
    assert result.source == "teams"
    assert spans(result) == [
        (20, "coordinacion@uvg.example", utc(15, 58, 12), utc(17, 0, 40)),
        (21, "ana@uvg.example", utc(16, 1, 5), utc(16, 47, 51)),
        (22, "ana@uvg.example", utc(16, 49, 30), utc(17, 0, 38)),
        (23, "bruno.castillo@uvg.example", utc(16, 3, 44), utc(17, 0, 39)),
        (24, "carla.mendez@gmail.example", utc(16, 5, 33), utc(16, 35, 2)),
        (25, None, utc(16, 12, 10), utc(16, 58)),
        (26, "elena.perez@uvg.example", utc(16, 20, 41), utc(17, 0, 40)),
    ]
    assert [r.role for r in result.rows] == ["organizer"] + ["attendee"] * 5 + ["presenter"]
    assert [r.name for r in result.rows][1] == "López, Ana"
    assert result.rows[0].duration == timedelta(hours=1, minutes=2, seconds=28)
    assert result.rows[2].duration == timedelta(minutes=11, seconds=8)
    assert skipped(result) == []


TEAMS_EU = "\n".join([
    "1. Summary",
    "Meeting title\tScrum Meeting",
    "Attended participants\t2",
    "Start time\t24/11/26, 09:58:12",
    "End time\t24/11/26, 11:00:40",
    "Meeting duration\t1h 2m 28s",
    "Average attendance time\t50m 5s",
    "",
    "2. Participants",
    "Name\tFirst join\tLast leave\tIn-meeting duration\tEmail\tParticipant ID (UPN)\tRole",
    "JANSSENS JAN (EXT)\t24/11/26, 09:58:12\t24/11/26, 11:00:40\t1h 2m 28s\tJan@Partner.example"
    "\tn16706@uvg.example\tOrganiser",
    "De Compostela, Santiago\t24/11/26, 10:01:05\t24/11/26, 10:40:00\t37m 41s\t"
    "\tsantiago@uvg.example\tAttendee",
    "",
    "3. In-Meeting activities",
    "Name\tJoin time\tLeave time\tDuration\tEmail\tRole",
    "JANSSENS JAN (EXT)\t24/11/26, 09:58:12\t24/11/26, 11:00:40\t1h 2m 28s\tJan@Partner.example"
    "\tOrganiser",
    "De Compostela, Santiago\t24/11/26, 10:01:05\t24/11/26, 10:20:00\t18m 55s\t\tAttendee",
    "De Compostela, Santiago\t24/11/26, 10:21:14\t24/11/26, 10:40:00\t18m 46s\t\tAttendee",
    "De Compostela, Santiago\t24/11/26, later\t24/11/26, 10:40:00\t1m\t\tAttendee",
    "",
    "4. Interactions",
    "Name\tReaction",
    "JANSSENS JAN (EXT)\tLike",
    "",
])


def test_teams_report_utf16_big_endian_day_first_with_upn():
    data = codecs.BOM_UTF16_BE + TEAMS_EU.encode("utf-16-be")
    result = parse(data, timezone=GUATEMALA, local_date=EVENT_DAY)
    assert result.source == "teams"
    assert [(r.line, r.email, r.alt_email, r.role, r.start, r.end) for r in result.rows] == [
        (16, "jan@partner.example", "n16706@uvg.example", "organizer", utc(15, 58, 12),
         utc(17, 0, 40)),
        # no e-mail in the row: the UPN from section 2 is the address
        (17, "santiago@uvg.example", None, "attendee", utc(16, 1, 5), utc(16, 20)),
        (18, "santiago@uvg.example", None, "attendee", utc(16, 21, 14), utc(16, 40)),
    ]
    assert skipped(result) == [{"line": 19, "reason": model.SKIP_BAD_TIME}]


def test_teams_report_without_section_3_falls_back_to_the_participants():
    text = TEAMS_EU.split("3. In-Meeting activities")[0]
    result = parse(codecs.BOM_UTF16_LE + text.encode("utf-16-le"), timezone=GUATEMALA,
                   local_date=EVENT_DAY)
    assert [(r.line, r.email, r.start, r.end, r.duration) for r in result.rows] == [
        (11, "jan@partner.example", utc(15, 58, 12), utc(17, 0, 40),
         timedelta(hours=1, minutes=2, seconds=28)),
        (12, "santiago@uvg.example", utc(16, 1, 5), utc(16, 40),
         timedelta(minutes=37, seconds=41)),
    ]


def test_teams_webinar_report_prefers_the_registration_email():
    text = "\n".join([
        "1. Summary",
        "Meeting title\tForo",
        "Registered participants\t1",
        "",
        "2. Participants",
        "Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)"
        "\tRole\tRegistration Email",
        "Ana López\t11/24/26, 10:01:05 AM\t11/24/26, 10:30:00 AM\t28m 55s\tana@work.example"
        "\tana@work.example\tAttendee\tAna@Personal.example",
        "",
        "3. In-Meeting Activities",
        "Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole",
        "Ana López\t11/24/26, 10:01:05 AM\t11/24/26, 10:30:00 AM\t28m 55s\tana@work.example"
        "\tAttendee",
    ])
    result = parse(codecs.BOM_UTF16_LE + text.encode("utf-16-le"), timezone=GUATEMALA,
                   local_date=EVENT_DAY)
    assert [(r.line, r.email, r.alt_email) for r in result.rows] == [
        (11, "ana@personal.example", "ana@work.example")]


def test_teams_report_spanish_utf16_without_bom():
    text = "\n".join([
        "1. Resumen",
        "Título de la reunión\tForo",
        "",
        "2. Participantes",
        "Nombre\tPrimera entrada\tÚltima salida\tDuración de la reunión\tCorreo electrónico"
        "\tId. de participante (UPN)\tRol",
        "López, Ana\t5/11/26, 10:01:05\t5/11/26, 11:00:40\t59\u00a0min 35\u00a0s"
        "\tana@uvg.example\tana@uvg.example\tAsistente",
        "",
    ])
    result = parse(text.encode("utf-16-le"), timezone=GUATEMALA, local_date=EVENT_DAY)
    day = date(2026, 11, 5)  # Spanish: day first
    assert [(r.email, r.name, r.role, r.start, r.end, r.duration) for r in result.rows] == [
        ("ana@uvg.example", "López, Ana", "attendee", utc(16, 1, 5, day=day),
         utc(17, 0, 40, day=day), timedelta(minutes=59, seconds=35))]


def test_teams_legacy_list_pairs_joins_and_leaves_by_name():
    result = read("teams-attendance-old-en.csv")
    assert result.source == "teams_legacy" and result.platform == "teams"
    assert [(r.line, r.name, r.email, r.start, r.end) for r in result.rows] == [
        (2, "Coordinación UVG", None, utc(15, 58, 12), None),  # "Joined before", never left
        (3, "Ana López", None, utc(16, 1, 5), utc(16, 47, 51)),
        (5, "Ana López", None, utc(16, 49, 30), None),         # stayed to the end
        (6, "Bruno Castillo", None, utc(16, 3, 44), utc(17, 0, 39)),
        (8, "Carla Méndez", None, utc(16, 5, 33), utc(16, 35, 2)),
        (10, "Elena Pérez", None, utc(16, 20, 41), None),
    ]
    assert skipped(result) == []
    window = intervals.window(utc(16, 0), utc(17, 0), 15)
    coordination = [intervals.Interval(r.start, r.end) for r in result.rows[:1]]
    assert intervals.minutes(coordination, *window) == 61  # open: until the end


def test_teams_legacy_odd_events_are_skipped_with_a_reason():
    text = "\n".join([
        "Full Name\tUser Action\tTimestamp",
        "Ana\tLeft\t11/24/2026, 10:00:00 AM",
        "Ana\tJoined\t11/24/2026, 10:01:00 AM",
        "Ana\tMuted\t11/24/2026, 10:02:00 AM",
        "Ana\tLeft\t11/24/2026, 10:30:00 AM",
        '"Abdallah, Zachery"\tJoined\t11/24/2026, 10:05:00 AM',
        "Bruno\tJoined\tyesterday",
        "",
    ])
    result = parse(codecs.BOM_UTF16_LE + text.encode("utf-16-le"), timezone="UTC",
                   local_date=EVENT_DAY)
    assert [(r.line, r.name, r.start, r.end) for r in result.rows] == [
        (3, "Ana", utc(10, 1), utc(10, 30)),
        (6, "Abdallah, Zachery", utc(10, 5), None)]
    assert skipped(result) == [{"line": 2, "reason": model.SKIP_LEFT_WITHOUT_JOIN},
                               {"line": 4, "reason": model.SKIP_UNKNOWN_ACTION},
                               {"line": 7, "reason": model.SKIP_BAD_TIME}]


# --- Google Meet -----------------------------------------------------------------------------

def test_meet_clock_times_are_on_the_events_local_date():
    result = read("meet-attendance-en.csv")
    assert result.source == "meet"
    assert [(r.line, r.email, r.name, r.start, r.end) for r in result.rows] == [
        (2, "coordinacion@uvg.example", "Coordinación UVG", utc(15, 58), utc(17, 0)),
        (3, "ana@uvg.example", "Ana López", utc(16, 1), utc(17, 0)),
        (4, "bruno.castillo@uvg.example", "Bruno Castillo", utc(16, 3), utc(17, 0)),
        (5, "carla.mendez@gmail.example", "Carla Méndez", utc(16, 5), utc(16, 35)),
        (6, "diego@uvg.example", "Diego Morales", utc(16, 12), utc(16, 12)),
        (7, "elena.perez@uvg.example", "Elena Pérez", utc(16, 20), utc(17, 0)),
    ]
    assert [r.duration for r in result.rows] == [
        timedelta(hours=1, minutes=2), timedelta(minutes=57), timedelta(minutes=56),
        timedelta(minutes=29), timedelta(seconds=45), timedelta(minutes=39)]
    assert skipped(result) == []
    window = intervals.window(utc(16, 0), utc(17, 0), 15)
    diego = [intervals.Interval(r.start, r.end) for r in result.rows if r.line == 6]
    assert intervals.present(diego, *window) and intervals.minutes(diego, *window) == 0


def test_meet_exit_after_midnight_is_on_the_next_day():
    text = ("First name,Last name,Email,Duration,Time joined,Time exited\n"
            "Ana,López,ana@uvg.example,1 hr 5 min,11:30\u202fPM,12:35\u202fAM\n"
            "Bruno,,,30 sec,22:10,\n")
    result = parse(text.encode(), timezone=GUATEMALA, local_date=EVENT_DAY)
    assert [(r.start, r.end) for r in result.rows] == [
        (utc(5, 30, day=date(2026, 11, 25)), utc(6, 35, day=date(2026, 11, 25)))]
    assert skipped(result) == [{"line": 3, "reason": model.SKIP_BAD_TIME}]


# --- Detection, decoding, refusals -----------------------------------------------------------

@pytest.mark.parametrize(("name", "source"), [
    ("zoom-participants-en.csv", "zoom"), ("zoom-webinar-attendee.csv", "zoom_webinar"),
    ("teams-attendance-new-en.csv", "teams"), ("teams-attendance-old-en.csv", "teams_legacy"),
    ("meet-attendance-en.csv", "meet"),
])
def test_layout_is_detected_from_the_content(name, source):
    detected = detect(decode((SAMPLES / name).read_bytes()))
    assert detected.source == source
    assert detected.delimiter == ("\t" if source.startswith("teams") else ",")


def test_utf8_without_bom_and_utf16_are_decoded_alike():
    text = (SAMPLES / "zoom-participants-en.csv").read_bytes().decode("utf-8-sig")
    for data in (text.encode(), codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
                 text.encode("utf-16-be")):
        result = parse(data, timezone=GUATEMALA, local_date=EVENT_DAY)
        assert result.rows[0].name == "Coordinación UVG" and len(result.rows) == 7


def test_source_given_by_the_caller_must_match_the_content():
    assert read("zoom-webinar-attendee.csv", source="zoom").source == "zoom_webinar"
    assert read("teams-attendance-old-en.csv", source="teams").source == "teams_legacy"
    with pytest.raises(NotAnExport) as refused:
        read("zoom-participants-en.csv", source="teams")
    assert refused.value.reason == model.REFUSE_WRONG_SOURCE
    assert str(refused.value) == "This file is a zoom export, not teams."
    with pytest.raises(NotAnExport) as refused:
        read("zoom-participants-en.csv", source="webex")
    assert refused.value.params == {"source": "webex"}


def test_unknown_time_zone_is_refused():
    with pytest.raises(UnknownTimezone) as refused:
        read("zoom-participants-en.csv", timezone="Mars/Olympus")
    assert str(refused.value) == "Unknown time zone Mars/Olympus."


@pytest.mark.parametrize(("data", "reason"), [
    (b"", model.REFUSE_EMPTY),
    (b"  \r\n\r\n", model.REFUSE_EMPTY),
    (codecs.BOM_UTF8, model.REFUSE_EMPTY),
    (b"name,email,sector\r\nAna,ana@uvg.example,academic\r\n", model.REFUSE_UNKNOWN),
    ("Fecha,Nombre del evento,Código de reunión,Identificador del participante\n"
     "2026-11-24,Salir,abc-defg-hij,ana@uvg.example\n".encode(), model.REFUSE_UNKNOWN),
    (bytes(range(256)) * 8, model.REFUSE_BINARY),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", model.REFUSE_BINARY),
    (b"PK\x03\x04\x14\x00\x06\x00\x08\x00[Content_Types].xml", model.REFUSE_SPREADSHEET),
])
def test_what_is_not_an_export_is_refused_with_a_reason(data, reason):
    with pytest.raises(NotAnExport) as refused:
        parse(data, timezone=GUATEMALA, local_date=EVENT_DAY)
    assert refused.value.reason == reason
    assert isinstance(refused.value, ValueError)


def test_an_export_with_no_rows_is_an_empty_result():
    header = b"Name (original name),Email,Join time,Leave time,Duration (minutes),Guest\r\n"
    result = parse(codecs.BOM_UTF8 + header, timezone=GUATEMALA, local_date=EVENT_DAY)
    assert result.source == "zoom" and result.rows == [] and result.skipped == []


def test_odd_numbers_in_a_row_never_crash_the_import():
    header = "Name (original name),Email,Join time,Leave time,Duration (minutes),Guest"
    rows = [
        "Ana,ana@uvg.example,11/24/2026 10:00:00 AM,11/24/2026 10:30:00 AM,3\u00b2,No",
        "Bruno,b@uvg.example,11/24/2026 10:00:00 AM,11/24/2026 10:30:00 AM,"
        "99999999999999999999,No",
        "Carla,c@uvg.example,12/31/9999 11:00:00 PM,12/31/9999 11:30:00 PM,30,No",
        "Diego,d@uvg.example,01/01/0001 00:00:00 AM,01/01/0001 00:30:00 AM,30,No",
    ]
    data = "\r\n".join([header, *rows]).encode()
    result = parse(data, timezone=GUATEMALA, local_date=EVENT_DAY)
    assert [(r.email, r.duration) for r in result.rows] == [
        ("ana@uvg.example", None), ("b@uvg.example", None)]
    assert skipped(result) == [{"line": 4, "reason": model.SKIP_BAD_TIME},
                               {"line": 5, "reason": model.SKIP_BAD_TIME}]
    teams = ("2. Participants\nName\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\n"
             "Ana\t11/24/26, 10:00:00 AM\t11/24/26, 10:30:00 AM\t99999999999999 h\ta@uvg.example\n")
    result = parse(teams.encode("utf-16"), timezone=GUATEMALA, local_date=EVENT_DAY)
    assert [(r.email, r.duration) for r in result.rows] == [("a@uvg.example", None)]
