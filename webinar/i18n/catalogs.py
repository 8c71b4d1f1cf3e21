"""Keeps the translation catalogs in step with the sources.

Workflow, after adding or changing any user-facing string:

1. Mark it: ``_("...")`` / ``ngettext("...", "...", n)`` in code and templates, or
   ``N_("...")`` (from webinar.i18n) where the string is defined in one place and
   translated later with ``_(VARIABLE)``. A plain ``_(variable)`` cannot be extracted.
   A comment starting with ``Translators:`` just above the call is copied into the
   catalogs as a note for translators.
2. Run ``python -m webinar.i18n.catalogs``. It extracts every marked string from the Python
   sources under webinar/ and scheduler/ and from the Jinja2 templates under templates/,
   writes webinar/locale/messages.pot, and merges it into
   webinar/locale/<lang>/LC_MESSAGES/messages.po for each language, keeping existing
   translations. New strings arrive with an empty msgstr; a changed string may arrive
   as a "fuzzy" guess from a similar old one, which is *not* used until a translator
   checks it and deletes the ``#, fuzzy`` line.
3. Translate the new Spanish entries (the English catalog may keep empty msgstr: the
   English source text is shown as it is).
4. Run the tests: tests/test_i18n.py lists every string `missing("es")` reports.

The files are written sorted by msgid, with file names but no line numbers, and are left
untouched when nothing but their dates would change, so diffs stay small. Strings no
longer in the sources are dropped from the .po files (git history keeps them). A
template that does not parse stops the run with its file name rather than being skipped.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from webinar import __version__
from webinar.i18n import LANGUAGES, LOCALE_DIR

SOURCE_LANGUAGE = "en"  # msgids are English
ROOT = Path(__file__).resolve().parent.parent.parent
PYTHON_DIRS = ("webinar", "scheduler")
TEMPLATE_DIR = "templates"
TEMPLATE_SUFFIXES = (".html", ".txt", ".xml", ".j2", ".jinja")
TEMPLATE_PATH = LOCALE_DIR / "messages.pot"
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
COMMENT_TAGS = ("Translators:",)
# Raise on a template that does not parse instead of silently extracting nothing from it.
JINJA_OPTIONS = {"silent": "false"}
HEADER_COMMENT = (
    "# Translations of the webinar registration service.\n"
    "# Generated from the sources: refresh with `python -m webinar.i18n.catalogs`,\n"
    "# then translate the empty and fuzzy entries."
)
# Header lines that change on every run without saying anything about the messages.
_VOLATILE = (b'"POT-Creation-Date:', b'"PO-Revision-Date:', b'"Generated-By:')


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


def _sources() -> Iterable[tuple[Path, str]]:
    """(file, extraction method), in a fixed order."""
    for top in PYTHON_DIRS:
        for path in sorted((ROOT / top).rglob("*.py")):
            if not _hidden(path):
                yield path, "python"
    for path in sorted((ROOT / TEMPLATE_DIR).rglob("*")):
        if path.is_file() and path.suffix in TEMPLATE_SUFFIXES and not _hidden(path):
            yield path, "jinja2.ext:babel_extract"


def _hidden(path: Path) -> bool:
    return any(part.startswith(".") or part == "__pycache__"
               for part in path.relative_to(ROOT).parts)


def _new_catalog(locale: str | None = None) -> Catalog:
    return Catalog(
        locale=locale, project="webinar", version=__version__, charset="utf-8",
        header_comment=HEADER_COMMENT, fuzzy=False,
        language_team=Locale.parse(locale).english_name if locale else "LANGUAGE",
    )


def extract() -> Catalog:
    """Every translatable string in the sources, as a template catalog (no translations)."""
    catalog = _new_catalog()
    for path, method in _sources():
        relative = path.relative_to(ROOT).as_posix()
        options = JINJA_OPTIONS if method != "python" else {}
        try:
            found = extract_from_file(
                method, path, keywords=KEYWORDS, comment_tags=COMMENT_TAGS, options=options,
                strip_comment_tags=True,
            )
        except Exception as exc:
            raise RuntimeError(f"cannot extract strings from {relative}: {exc}") from exc
        for lineno, message, comments, context in found:
            if isinstance(message, (list, tuple)):
                if not message or not message[0]:
                    continue  # e.g. ngettext(variable, "...", n): nothing to translate
                message = tuple(message)
            elif not message:
                continue
            catalog.add(message, None, [(relative, lineno)], auto_comments=comments,
                        context=context)
    return catalog


def _render(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, sort_output=True, include_lineno=False, ignore_obsolete=True,
             width=76)
    return buffer.getvalue()


def _stable(data: bytes) -> bytes:
    return b"\n".join(line for line in data.splitlines() if not line.startswith(_VOLATILE))


def _write(path: Path, catalog: Catalog) -> bool:
    """Writes the catalog unless only its dates would change. True if written."""
    data = _render(catalog)
    if path.exists() and _stable(path.read_bytes()) == _stable(data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def _read(lang: str) -> Catalog | None:
    path = po_path(lang)
    if not path.exists():
        return None
    with path.open("rb") as fh:
        return read_po(fh, locale=lang, abort_invalid=True)


def update() -> None:
    """Writes messages.pot and merges it into each language's messages.po."""
    template = extract()
    changed = _write(TEMPLATE_PATH, template)
    print(f"{TEMPLATE_PATH.relative_to(ROOT)}: {len(template)} messages"
          + ("" if changed else ", file unchanged"))
    for lang in LANGUAGES:
        catalog = _read(lang)
        if catalog is None:
            catalog = _new_catalog(lang)
        catalog.update(template, update_header_comment=False)
        catalog.fuzzy = False
        changed = _write(po_path(lang), catalog)
        todo = missing(lang, template, catalog)
        note = " (fine: English shows the source text)" if lang == SOURCE_LANGUAGE else ""
        print(f"{po_path(lang).relative_to(ROOT)}: {len(todo)} without translation{note}"
              + ("" if changed else ", file unchanged"))


def _translated(message: Message, num_plurals: int) -> bool:
    if message.fuzzy:
        return False
    if isinstance(message.string, (list, tuple)):
        forms = message.string
        return len(forms) >= num_plurals and all(forms[:num_plurals])
    return bool(message.string)


def missing(lang: str, template: Catalog | None = None,
            catalog: Catalog | None = None) -> list[str]:
    """The msgids in the sources with no usable translation in `lang`'s messages.po:
    absent, empty (for a plural, any form empty) or fuzzy. Plurals are listed by their
    singular msgid."""
    template = template if template is not None else extract()
    catalog = catalog if catalog is not None else _read(lang)
    result: list[str] = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, message.context) if catalog is not None else None
        if (found is None or catalog is None or not _translated(found, catalog.num_plurals)
                or found.pluralizable != message.pluralizable):
            result.append(str(message.id[0] if message.pluralizable else message.id))
    return result


if __name__ == "__main__":
    update()
