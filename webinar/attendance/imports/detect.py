"""Which export a file is, from its bytes and its headers (never its name).

`decode` turns the upload into text: BOMs (UTF-8, UTF-16 LE/BE), UTF-16 without a BOM
(NUL bytes in every other position), UTF-8, then cp1252 (an Excel re-save in a Spanish
locale). Spreadsheets, binary data and empty files are refused. `detect` looks for the
known header rows with each delimiter (TAB for Teams, `,` for Zoom and Meet, `;` after an
Excel re-save) and names the layout.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

from webinar.attendance.imports import model
from webinar.attendance.imports.model import NotAnExport
from webinar.attendance.imports.text import key, split_line

DELIMITERS = ("\t", ",", ";")
SCAN_LINES = 200  # the known headers sit near the top (Zoom's webinar tables come later)
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # an old .xls
CONTROL_SHARE = 0.01


@dataclass(frozen=True)
class Detected:
    source: str
    delimiter: str


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _looks_binary(text: str) -> bool:
    controls = sum(1 for c in text if (ord(c) < 32 and c not in "\t\r\n")
                   or 0x7F <= ord(c) < 0xA0)
    return controls > max(1, CONTROL_SHARE * len(text))


def decode(data: bytes) -> str:
    """The upload as text, or NotAnExport when it is empty, a spreadsheet or binary."""
    if not data.strip():
        raise NotAnExport(model.REFUSE_EMPTY)
    if data.startswith((ZIP_MAGIC, OLE_MAGIC)):
        raise NotAnExport(model.REFUSE_SPREADSHEET)
    text: str | None = None
    if data.startswith(codecs.BOM_UTF8):
        text = data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    elif (utf16 := _utf16_without_bom(data)) is not None:
        text = data.decode(utf16, errors="replace")
    else:
        for encoding in ("utf-8", "cp1252", "latin-1"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    assert text is not None  # latin-1 decodes anything
    text = text.lstrip("\ufeff")
    if "\x00" in text or _looks_binary(text) or text.count("\ufffd") > max(1, len(text) // 100):
        raise NotAnExport(model.REFUSE_BINARY)
    if not text.strip():
        raise NotAnExport(model.REFUSE_EMPTY)
    return text


def _has(keys: list[str], *names: str) -> bool:
    return any(n in keys for n in names)


def _teams(keys: list[str]) -> bool:
    return _has(keys, "name", "nombre") and _has(keys, "first join", "primera entrada")


def _teams_legacy(keys: list[str]) -> bool:
    return _has(keys, "full name", "nombre completo") and _has(
        keys, "user action", "accion del usuario", "accion de usuario")


def _zoom_webinar(keys: list[str]) -> bool:
    titles = ("attendee report", "attendee details", "detalles de asistente",
              "informe de asistentes")
    if keys and keys[0] in titles:
        return True
    return _has(keys, "attended", "asistio") and _has(
        keys, "join time", "hora de entrada", "hora para unirse", "puesto de trabajo",
        "time in session (minutes)", "tiempo en la sesion (minutos)")


def _zoom(keys: list[str]) -> bool:
    return _has(keys, "name (original name)", "nombre (nombre original)") and _has(
        keys, "join time", "hora de entrada", "hora para unirse",
        "total duration (minutes)", "duracion total (minutos)")


def _meet(keys: list[str]) -> bool:
    return _has(keys, "first name") and _has(keys, "time joined") and _has(keys, "email")


SIGNATURES: tuple[tuple[str, Callable[[list[str]], bool]], ...] = (
    (model.TEAMS, _teams),
    (model.TEAMS_LEGACY, _teams_legacy),
    (model.ZOOM_WEBINAR, _zoom_webinar),
    (model.ZOOM, _zoom),
    (model.MEET, _meet),
)


def detect(text: str) -> Detected:
    """The layout of an export's text, from the first known header (or title) line."""
    for line in islice(text.splitlines(), SCAN_LINES):
        if not line.strip():
            continue
        for delimiter in [d for d in DELIMITERS if d in line] or [","]:
            keys = [key(cell) for cell in split_line(line, delimiter)]
            for source, matches in SIGNATURES:
                if matches(keys):
                    return Detected(source, delimiter)
    raise NotAnExport(model.REFUSE_UNKNOWN)
