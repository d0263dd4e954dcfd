"""Name normalisation and the phonetic keys that let a search tolerate typos."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import jellyfish

# The zero-width joiner and non-joiner spell words in Persian and Indic scripts, so they are
# taken between two letters that are not ASCII, and refused elsewhere.
_JOINERS = frozenset("\u200c\u200d")


def hidden_character(text: str) -> str | None:
    """The first character of ``text`` that a reader would not see (as U+XXXX), if any."""
    for index, character in enumerate(text):
        if character in _JOINERS:
            before = text[index - 1] if index else ""
            after = text[index + 1] if index + 1 < len(text) else ""
            if all(
                neighbour and not neighbour.isascii() and unicodedata.category(neighbour)[0] in "LM"
                for neighbour in (before, after)
            ):
                continue
            return f"U+{ord(character):04X}"
        # Format characters change how a name looks or reads without being seen:
        # bidirectional embeddings, overrides and isolates (a name shown reversed),
        # direction marks, zero-width spaces, word joiners and the byte order mark.
        if unicodedata.category(character) == "Cf":
            return f"U+{ord(character):04X}"
    return None


# Names repeat (a few thousand given and family names cover most people), and a bulk
# import folds and keys each person's names several times: the results are kept for the
# most recent names rather than worked out again.
_NAMES_REMEMBERED = 1 << 16


@lru_cache(maxsize=_NAMES_REMEMBERED)
def fold(name: str) -> str:
    """Lower-case ASCII letters and spaces only: 'Zoë O'Brien-Smith' -> 'zoe obrien smith'."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    ascii_only = decomposed.encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", re.sub(r"[^a-z ]", "", ascii_only.lower().replace("-", " "))).strip()


def tokens(name: str) -> list[str]:
    return [token for token in fold(name).split(" ") if token]


@lru_cache(maxsize=_NAMES_REMEMBERED)
def phonetic_keys(name: str) -> frozenset[str]:
    """Soundex and metaphone of each part of a name: 'Jon Smiht' shares keys with
    'John Smith'. Short keys are kept together with their algorithm's prefix so that the
    two algorithms' outputs never collide."""
    keys: set[str] = set()
    for token in tokens(name):
        keys.add("s:" + jellyfish.soundex(token))
        metaphone = jellyfish.metaphone(token)
        if metaphone:
            keys.add("m:" + metaphone)
        keys.add("p:" + token[:3])
    return frozenset(keys)
