"""The certificate as a one-page PDF (A4 landscape), drawn with fpdf2.

Names are Unicode (accents, ñ, and beyond): the text is set in DejaVu Sans, embedded as a
subset with its Unicode map so that a reader can search and copy it, when the system
has the font (Debian's fonts-dejavu-core). Without it, the PDF core font Helvetica is
used, which covers Latin-1 (every Spanish letter); a character beyond it is written
without its accent, or as "?" when it has no Latin-1 form.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from webinar.i18n import translations

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
REGULAR, BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"
ACCENT = (31, 78, 121)
_PUNCTUATION = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'",
                              "\u201c": '"', "\u201d": '"', "\u2026": "..."})


@dataclass(frozen=True)
class CertificateText:
    """What the certificate says, already formatted for its language."""

    lang: str
    name: str
    event_title: str
    date: str  # the event's date in its own zone, written in the language
    minutes: int
    host: str
    verify_url: str


def unicode_font() -> tuple[Path, Path] | None:
    """DejaVu Sans (regular, bold) when the system has it."""
    for folder in FONT_DIRS:
        regular, bold = folder / REGULAR, folder / BOLD
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


def latin1(text: str) -> str:
    """Text the core fonts can write: Latin-1 as it is, other letters without their
    accents where that gives Latin-1, else "?"."""
    out = []
    for char in text.translate(_PUNCTUATION):
        try:
            char.encode("latin-1")
            out.append(char)
        except UnicodeEncodeError:
            base = "".join(c for c in unicodedata.normalize("NFKD", char)
                           if not unicodedata.combining(c))
            try:
                base.encode("latin-1")
                out.append(base or "?")
            except UnicodeEncodeError:
                out.append("?")
    return "".join(out)


def render(text: CertificateText, *, created: datetime | None = None) -> bytes:
    """The PDF's bytes."""
    # Imported here, not with the module: fpdf2 (with fontTools) adds ~30 MB to every
    # process that imports it, and only the few that make a certificate need it.
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    t = translations(text.lang)
    _ = t.gettext
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)
    fonts = unicode_font()
    clean: Callable[[str], str] = latin1
    family = "Helvetica"
    if fonts is not None:
        pdf.add_font("DejaVu", "", str(fonts[0]))
        pdf.add_font("DejaVu", "B", str(fonts[1]))
        family, clean = "DejaVu", str
    title = _("Certificate of attendance")
    pdf.set_title(clean(f"{title}: {text.name}"))
    pdf.set_author(clean(text.host))
    pdf.set_creator("webinar")
    pdf.set_creation_date(created or datetime.now(UTC))
    pdf.set_margins(25, 20, 25)
    pdf.add_page()
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, pdf.w - 26, pdf.h - 26)

    def line(value: str, size: float, *, bold: bool = False, gap: float = 0,
             colour: tuple[int, int, int] = (34, 34, 34)) -> None:
        pdf.set_font(family, "B" if bold else "", size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(0, size * 0.5, clean(value), align="C",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if gap:
            pdf.ln(gap)

    pdf.set_y(28)
    line(text.host, 14, bold=True, gap=10, colour=ACCENT)
    line(title.upper(), 26, bold=True, gap=10, colour=ACCENT)
    line(_("This certifies that"), 14, gap=5)
    line(text.name, 24, bold=True, gap=5)
    line(_("attended"), 14, gap=5)
    line(text.event_title, 18, bold=True, gap=5)
    line(t.ngettext("held on %(date)s, for %(num)d minute.",
                    "held on %(date)s, for %(num)d minutes.", text.minutes)
         % {"date": text.date, "num": text.minutes}, 14)
    pdf.set_y(pdf.h - 38)
    line(_("Check that this certificate is genuine at:"), 10)
    pdf.set_font(family, "", 10)
    pdf.set_text_color(*ACCENT)
    pdf.cell(0, 6, clean(text.verify_url), align="C", link=text.verify_url,
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
