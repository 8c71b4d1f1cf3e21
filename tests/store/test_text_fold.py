"""The store's text folding for search (webinar.store.text): case, accents, compatibility
forms and control characters go; the key keeps its three fields apart."""

from __future__ import annotations

from webinar.store.text import KEY_SEPARATOR, fold, search_key


def test_fold_ignores_case_accents_and_compatibility_forms():
    assert fold("María") == fold("MARÍA") == fold("maria") == "maria"
    assert fold("ÁLVAREZ") == fold("álvarez") == "alvarez"
    assert fold("José") == "jose"
    assert fold("Peña Ñandú") == "pena nandu"  # ñ folds to n
    assert fold("Straße") == "strasse"
    assert fold("ﬁnanzas ²") == "finanzas 2"
    assert fold("Ǆ") == "dz"  # casefold, then decompose what it gave
    # NFC and NFD spellings of one name fold alike.
    assert fold("Jos\u00e9") == fold("Jose\u0301")


def test_fold_drops_control_characters_so_the_separator_never_survives():
    assert fold(f"a{KEY_SEPARATOR}b\x00c\n") == "abc"


def test_the_key_keeps_the_fields_apart():
    key = search_key("Ana TORRES", "Ana@Example.org", None)
    assert key.split(KEY_SEPARATOR) == ["ana torres", "ana@example.org", ""]
