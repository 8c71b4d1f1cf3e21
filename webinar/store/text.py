"""How the store indexes text for search: one folding, used both for the key it keeps per
registration (`registrations.search_key`) and for the words an organizer searches with, so
that both stores match them with a plain LIKE on the key.

Folding: NFKD (compatibility decomposition: "ﬁ" -> "fi", "²" -> "2", "é" -> "e" plus a
combining accent), casefold (Unicode's caseless matching: "Á" -> "á", "ß" -> "ss"), NFKD
again (what casefold produced may decompose further), then the combining marks dropped and
control characters removed. So "María", "MARÍA" and "maria" fold alike, as do "José" and
"jose"; "ñ" folds to "n" as well ("pena" finds "Peña"): people often type Spanish on
keyboards without the letter, and a search that finds a little more is better than one
that misses a person.

The key joins the folded name, email and organization with KEY_SEPARATOR, a control
character: folding removes every control character from the values and from the search,
so a search can never match across two fields (the end of a name plus the start of the
email).
"""

from __future__ import annotations

import unicodedata

KEY_SEPARATOR = "\x1f"  # ASCII unit separator: never left in a folded text


def fold(text: str) -> str:
    """`text` without case, accents or control characters (see the module docstring)."""
    decomposed = unicodedata.normalize("NFKD", text)
    decomposed = unicodedata.normalize("NFKD", decomposed.casefold())
    return "".join(c for c in decomposed
                   if not unicodedata.combining(c) and unicodedata.category(c) != "Cc")


def search_key(name: str | None, email: str | None, organization: str | None) -> str:
    """A registration's search key: its folded name, email and organization, apart."""
    return KEY_SEPARATOR.join(fold(v or "") for v in (name, email, organization))
