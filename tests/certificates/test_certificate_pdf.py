"""The certificate PDF on its own: with DejaVu Sans (when the system has it) any name
reads back as typed; with the core font it falls back to, every Spanish letter still
does, and characters beyond Latin-1 degrade to their base letter or "?"."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from pypdf import PdfReader

from webinar.certificates import pdf

TEXT = pdf.CertificateText(
    lang="es", name="María José Ñúñez Güell", event_title="Foro — Gobierno digital",
    date="4 de diciembre de 2026", minutes=1, host="Universidad de San Carlos",
    verify_url="http://testserver/certificates/1-abc")


def read_back(data: bytes) -> str:
    return PdfReader(io.BytesIO(data)).pages[0].extract_text()


@pytest.mark.skipif(pdf.unicode_font() is None, reason="DejaVu Sans is not installed")
def test_unicode_font_keeps_every_character():
    text = read_back(pdf.render(replace(TEXT, name="Łukasz Ñúñez")))
    assert "Łukasz Ñúñez" in text
    assert "Foro — Gobierno digital" in text


def test_core_font_fallback_keeps_spanish_letters(monkeypatch):
    monkeypatch.setattr(pdf, "FONT_DIRS", ())
    assert pdf.unicode_font() is None
    text = read_back(pdf.render(TEXT))
    assert "María José Ñúñez Güell" in text
    assert "Foro - Gobierno digital" in text  # the dash in Latin-1
    assert "realizado el 4 de diciembre de 2026, durante 1 minuto." in text


def test_latin1_fallback_of_other_letters():
    assert pdf.latin1("Ñandú") == "Ñandú"
    assert pdf.latin1("Dvořák") == "Dvorák"
    assert pdf.latin1("Łukasz 王") == "?ukasz ?"
