"""Catalogs and language choice: every marked string is translated into Spanish with the
same placeholders, the catalogs are in step with the sources, and the language picked
for a request follows switch > cookie > Accept-Language > Spanish.

When a test here fails after adding strings: run `python -m webinar.i18n.catalogs`, translate
the new entries in webinar/locale/es/LC_MESSAGES/messages.po, and run the tests again.
"""

from __future__ import annotations

import re

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from webinar.i18n import catalogs, pick_language, translations

# %(name)s, %(num)d, %s, %.2f ... ; "%%" is a literal percent sign, not a placeholder.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[a-zA-Z]")


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text.replace("%%", "")))


def ids(message) -> tuple[str, ...]:
    return message.id if message.pluralizable else (message.id,)


def strings(message) -> tuple[str, ...]:
    return tuple(message.string) if message.pluralizable else (message.string,)


def read(path) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, abort_invalid=True)


@pytest.fixture(scope="module")
def template() -> Catalog:
    return catalogs.extract()


@pytest.fixture(scope="module")
def spanish() -> Catalog:
    return read(catalogs.po_path("es"))


# --- the catalogs ---------------------------------------------------------------------

def test_extraction_reaches_every_kind_of_source(template):
    """Python (`_`, `N_`) and every template (pages, admin, partials, mails) that marks a
    string contributes at least one message."""
    located = {filename for message in template for filename, _line in message.locations}
    marked = set()
    for path, _method in catalogs._sources():
        if path.name == "catalogs.py":
            continue  # its docstring shows the markers
        text = path.read_text(encoding="utf-8")
        if re.search(r"""\b(?:_|N_|ngettext)\(\s*["']""", text):
            marked.add(path.relative_to(catalogs.ROOT).as_posix())
    assert {"templates/emails/message.txt", "templates/_event_header.html",
            "templates/admin/_nav.html", "webinar/mail/messages.py",
            "webinar/validation.py"} <= marked
    assert marked - located == set()
    assert len(template) > 100


def test_every_string_has_a_spanish_translation(template, spanish):
    todo = catalogs.missing("es", template, spanish)
    assert todo == [], (
        f"{len(todo)} string(s) without a Spanish translation (run `python -m "
        "webinar.catalogs`, then translate them in webinar/locale/es/LC_MESSAGES/"
        "messages.po):\n" + "\n".join(f"  {msgid!r}" for msgid in todo)
    )


def test_spanish_placeholders_match_the_source(template, spanish):
    wrong = []
    for message in template:
        if not message.id:
            continue
        found = spanish.get(message.id, message.context)
        if found is None:
            continue  # reported by the test above
        expected = set().union(*(placeholders(i) for i in ids(message)))
        for text in strings(found):
            if text and placeholders(text) != expected:
                wrong.append(f"  {ids(message)[0]!r}: {sorted(placeholders(text))} "
                             f"instead of {sorted(expected)}")
    assert wrong == [], "Spanish placeholders differ from the source:\n" + "\n".join(wrong)


def test_catalog_headers():
    spanish = read(catalogs.po_path("es"))
    assert spanish.locale_identifier == "es"
    assert spanish.charset.lower() == "utf-8"
    assert spanish.plural_forms == "nplurals=2; plural=(n != 1);"
    assert read(catalogs.po_path("en")).locale_identifier == "en"


@pytest.mark.parametrize("path", [catalogs.TEMPLATE_PATH, catalogs.po_path("en")],
                         ids=["messages.pot", "en"])
def test_catalogs_hold_every_extracted_string(template, path):
    """Fails when strings were added without running `python -m webinar.i18n.catalogs`."""
    present = read(path)
    absent = [ids(m)[0] for m in template if m.id and present.get(m.id, m.context) is None]
    assert absent == [], (
        f"{path.relative_to(catalogs.ROOT)} lacks {len(absent)} string(s); "
        "run `python -m webinar.i18n.catalogs`:\n"
        + "\n".join(f"  {msgid!r}" for msgid in absent)
    )


def test_missing_counts_empty_fuzzy_and_half_translated_plurals():
    template = Catalog(locale=None)
    for msgid in ("Done", "Empty", "Fuzzy", "Absent", ("One", "Many")):
        template.add(msgid)
    template.add(("Unit", "Units"))
    po = Catalog(locale="es")
    po.add("Done", "Hecho")
    po.add("Empty", "")
    po.add("Fuzzy", "Difuso", flags=["fuzzy"])
    po.add(("One", "Many"), ("Uno", ""))
    # As many forms as the locale has (Babel 2.19 gives Spanish three: one, many, other).
    po.add(("Unit", "Units"), ("Unidad",) + ("Unidades",) * (po.num_plurals - 1))
    assert catalogs.missing("es", template, po) == ["Empty", "Fuzzy", "Absent", "One"]
    assert catalogs.missing("es", template, None) == ["Done", "Empty", "Fuzzy", "Absent",
                                                     "One", "Unit"]


# --- at run time ----------------------------------------------------------------------

def test_spanish_is_used_at_run_time():
    es = translations("es")
    assert es.gettext("Register") == "Inscribirse"
    assert es.gettext("Email") == "Correo electrónico"
    assert es.ngettext("%(num)d seat left.", "%(num)d seats left.", 1) % {"num": 1} == (
        "Queda 1 cupo disponible.")
    assert es.ngettext("%(num)d seat left.", "%(num)d seats left.", 3) % {"num": 3} == (
        "Quedan 3 cupos disponibles.")


def test_english_shows_the_source_text():
    en = translations("en")
    assert en.gettext("Register") == "Register"
    assert en.ngettext("%(num)d seat left.", "%(num)d seats left.", 1) == "%(num)d seat left."
    assert en.ngettext("%(num)d seat left.", "%(num)d seats left.", 2) == "%(num)d seats left."


# --- choosing the language ------------------------------------------------------------

@pytest.mark.parametrize(("explicit", "cookie", "accept", "expected"), [
    (None, None, None, "es"),
    (None, None, "", "es"),
    (None, None, "en-US,en;q=0.9", "en"),
    (None, None, "EN", "en"),
    (None, None, "fr", "es"),
    (None, None, "fr-FR,fr;q=0.9", "es"),
    (None, None, "fr,en;q=0.5", "en"),
    (None, None, "es;q=0.4,en;q=0.8", "en"),
    (None, None, "en;q=0.2,es-GT;q=0.9", "es"),
    (None, None, "de;q=1.0,en;q=0.7,es;q=0.3", "en"),
    (None, "en", "es", "en"),
    (None, "es", "en-US,en;q=0.9", "es"),
    (None, "fr", "en", "en"),
    ("en", "es", "es", "en"),
    ("es", "en", "en", "es"),
    ("fr", "en", "es", "en"),
    ("", None, "en", "en"),
])
def test_pick_language(explicit, cookie, accept, expected):
    assert pick_language(explicit, cookie, accept) == expected


def test_no_string_is_hidden_from_extraction():
    """`gettext(request)("text")` translates at run time but the extractor never sees the
    text (it is the argument of a second call): write `_ = gettext(request)` first."""
    import re
    from pathlib import Path

    hidden = re.compile(r"gettext\([^()\"']*\)\(")
    root = Path(__file__).resolve().parent.parent.parent
    offenders = [f"{path.relative_to(root)}:{n}"
                 for folder in ("webinar", "scheduler")
                 for path in sorted((root / folder).rglob("*.py"))
                 for n, line in enumerate(path.read_text().splitlines(), 1)
                 if hidden.search(line)]
    assert offenders == [], offenders
