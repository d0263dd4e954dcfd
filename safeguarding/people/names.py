"""Name normalisation and the phonetic keys that let a search tolerate typos."""

from __future__ import annotations

import re
import unicodedata

import jellyfish


def fold(name: str) -> str:
    """Lower-case ASCII letters and spaces only: 'Zoë O'Brien-Smith' -> 'zoe obrien smith'."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    ascii_only = decomposed.encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", re.sub(r"[^a-z ]", "", ascii_only.lower().replace("-", " "))).strip()


def tokens(name: str) -> list[str]:
    return [token for token in fold(name).split(" ") if token]


def phonetic_keys(name: str) -> set[str]:
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
    return keys
