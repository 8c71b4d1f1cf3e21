"""The press-release sentence, in Spanish and English, drawn from the numbers: sectors
named with the organizer's labels, sectors nobody came from left out, one sector, nobody
attending, nobody registered, walk-ins added."""

from __future__ import annotations

from tests.reports.dataset import SECTORS, facts, report
from webinar.events.model import Sector
from webinar.reports.compute import Person, compute
from webinar.reports.sentence import summary_sentence

NBSP = "\xa0"


def people(counts: dict[str, tuple[int, int]]) -> list[Person]:
    """{sector: (registered, attended)} as confirmed people."""
    result = []
    for sector, (registered, attended) in counts.items():
        result += [Person("confirmed", sector, attended=i < attended, minutes=30)
                   for i in range(registered)]
    return result


def test_the_forum_of_the_issue():
    r = compute(facts(), people({"academic": (60, 50), "cooperation": (40, 30),
                                 "public": (58, 40), "private": (50, 32)}), 0, [])
    assert summary_sentence(r, "es") == (
        "El foro contó con 152 participantes de 4 sectores: Académico, Cooperación "
        f"internacional, Sector público y Sector privado (73{NBSP}% de las 208 personas "
        "inscritas).")
    assert summary_sentence(r, "en") == (
        "The forum was attended by 152 participants from 4 sectors: Academic, International "
        "cooperation, Public sector, and Private sector (73% of the 208 people registered).")


def test_sectors_with_nobody_attending_are_left_out():
    r = compute(facts(), people({"academic": (3, 2), "cooperation": (2, 0),
                                 "public": (1, 1)}), 0, [])
    assert summary_sentence(r, "es") == (
        "El foro contó con 3 participantes de 2 sectores: Académico y Sector público "
        f"(50{NBSP}% de las 6 personas inscritas).")
    assert "Cooperation" not in summary_sentence(r, "en")


def test_one_sector_and_one_participant():
    r = compute(facts(), people({"public": (1, 1)}), 0, [])
    assert summary_sentence(r, "es") == (
        "El foro contó con 1 participante de 1 sector: Sector público "
        f"(100{NBSP}% de la 1 persona inscrita).")
    assert summary_sentence(r, "en") == (
        "The forum was attended by 1 participant from 1 sector: Public sector "
        "(100% of the 1 person registered).")


def test_labels_as_the_organizer_wrote_them():
    mine = (Sector("academic", "la academia", "academia"),
            Sector("ngo", "organizaciones & sociedad civil", "civil society"))
    r = compute(facts(sectors=mine), people({"academic": (2, 1), "ngo": (2, 2)}), 0, [])
    assert "de 2 sectores: la academia y organizaciones & sociedad civil (" in (
        summary_sentence(r, "es"))
    assert "from 2 sectors: academia and civil society (" in summary_sentence(r, "en")


def test_nobody_attended():
    r = compute(facts(), people({"academic": (5, 0)}), 0, [])
    assert summary_sentence(r, "es") == (
        "Ninguna de las 5 personas inscritas asistió al foro.")
    assert summary_sentence(r, "en") == "None of the 5 people registered attended the forum."
    one = compute(facts(), people({"academic": (1, 0)}), 0, [])
    assert summary_sentence(one, "en") == (
        "The only person registered (1) did not attend the forum.")


def test_nobody_registered_and_walk_ins():
    r = compute(facts(), [], 0, [])
    assert summary_sentence(r, "es") == "Nadie se inscribió en el foro."
    assert summary_sentence(r, "en") == "Nobody registered for the forum."
    walk = compute(facts(), [], 1, [])
    assert summary_sentence(walk, "en") == (
        "Nobody registered for the forum. 1 more person attended without registering.")
    assert summary_sentence(report(), "es").endswith(
        "Además, 4 personas asistieron sin inscribirse.")


def test_large_numbers_and_a_removed_sector():
    r = compute(facts(sectors=SECTORS[:1]),
                people({"academic": (1500, 1200), "media": (10, 5)}), 0, [])
    assert summary_sentence(r, "es") == (
        "El foro contó con 1.205 participantes de 2 sectores: Académico y otros sectores "
        f"(80{NBSP}% de las 1.510 personas inscritas).")
    assert "1,205 participants" in summary_sentence(r, "en")


def test_percentage_is_rounded_from_the_exact_fraction():
    # 2/3 = 66.67 %: 67, in both languages
    r = compute(facts(), people({"academic": (3, 2)}), 0, [])
    assert f"(67{NBSP}%" in summary_sentence(r, "es")
    assert "(67%" in summary_sentence(r, "en")
