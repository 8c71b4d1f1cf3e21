"""Reading the tables inside an export: records with their line numbers, header keys that
ignore case, accents and odd spaces, and columns found by any of their known names."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

SPACES = re.compile(r"\s+")
ODD_SPACES = str.maketrans({"\u202f": " ", "\u00a0": " ", "\u2007": " ", "\ufeff": ""})


def clean(value: str) -> str:
    """A cell's text: BOMs dropped, narrow and no-break spaces made plain, trimmed."""
    return SPACES.sub(" ", value.translate(ODD_SPACES)).strip()


def key(value: str) -> str:
    """A header cell compared loosely: case-folded, accents stripped, spaces collapsed."""
    text = unicodedata.normalize("NFKD", clean(value).casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


@dataclass(frozen=True)
class Record:
    line: int
    cells: list[str]

    @property
    def blank(self) -> bool:
        return not any(c.strip() for c in self.cells)

    @property
    def keys(self) -> list[str]:
        return [key(c) for c in self.cells]

    def first(self) -> str:
        return key(self.cells[0]) if self.cells else ""


def records(text: str, delimiter: str) -> Iterator[Record]:
    """The CSV records of the text, each with the line where it starts (1-based); a
    quoted field may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            # a stray quote or NUL: give the caller a record it will skip as unreadable
            cells = ["\x00"]
        yield Record(line, cells)
        line = reader.line_num + 1


def split_line(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return []


class Columns:
    """Where each wanted column is in a header row, by any of its names."""

    def __init__(self, header: Sequence[str], aliases: Mapping[str, Iterable[str]]) -> None:
        keys = [key(c) for c in header]
        self.index: dict[str, int] = {}
        for name, names in aliases.items():
            for alias in names:
                if alias in keys:
                    self.index[name] = keys.index(alias)
                    break

    def __contains__(self, name: str) -> bool:
        return name in self.index

    def get(self, cells: Sequence[str], name: str) -> str:
        position = self.index.get(name)
        if position is None or position >= len(cells):
            return ""
        return clean(cells[position])
