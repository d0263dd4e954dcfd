"""The registry of what each app holds about a person (decision 0016).

Every app that keeps personal data registers one provider here from its
``AppConfig.ready``: a function listing the items it holds about a person, and a function
erasing them. Subject access, legal holds, the retention schedule and erasure ask the
registry, never the apps, so this module sits low and imports no app.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

# What replaces an erased person's name or identifier in text kept for others.
ERASED = "[erased]"


@dataclass(frozen=True)
class HeldItem:
    """One item held about a person: what kind of record it is, its id, the agency that
    recorded it (its code, or "" for none), the day it was recorded, and its readable
    fields (label, value) for a subject access bundle. ``third_parties`` are the other
    people the item names (as they appear in ``fields``), for the redaction step."""

    source: str
    kind: str
    item_id: str
    agency_code: str
    recorded_on: date | None
    title: str
    fields: tuple[tuple[str, str], ...] = ()
    third_parties: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The item's reference across every app: kind and id."""
        return f"{self.kind}:{self.item_id}"


@dataclass(frozen=True)
class Erasing:
    """A person being erased: their id and every term that identifies them in text (names
    they are known by, identifiers, phone numbers, postcodes, vehicle registrations)."""

    person_id: uuid.UUID
    terms: tuple[str, ...] = ()

    def scrub(self, text: str) -> str:
        """``text`` with every term replaced by [erased], ignoring case."""
        return scrub(text, self.terms)


def _term_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    # Longest first, so that "Amelia Hartley" goes before "Amelia" would split it.
    cleaned = sorted({t.strip() for t in terms if len(t.strip()) >= 2}, key=len, reverse=True)
    if not cleaned:
        return None
    # Whole words only, so that erasing "Li" leaves "Lives" alone.
    alternatives = "|".join(re.escape(term) for term in cleaned)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def scrub(text: str, terms: Iterable[str]) -> str:
    """``text`` with each of ``terms`` (two characters or more) replaced by [erased]."""
    pattern = _term_pattern(terms)
    if pattern is None or not text:
        return text
    return pattern.sub(ERASED, text)


def mentions(text: str, terms: Iterable[str]) -> bool:
    """Whether ``text`` contains any of ``terms``, ignoring case."""
    pattern = _term_pattern(terms)
    return bool(text) and pattern is not None and pattern.search(text) is not None


HeldFn = Callable[[uuid.UUID], list[HeldItem]]
EraseFn = Callable[[Erasing], int]


@dataclass(frozen=True)
class Provider:
    """What one app holds about people. Providers are erased from the highest ``rank``
    down, so that rows pointing at a person go before the person (rank 0)."""

    name: str
    rank: int
    held: HeldFn
    erase: EraseFn
    kinds: Mapping[str, str] = field(default_factory=dict)  # item kind -> label


_providers: dict[str, Provider] = {}


def register_provider(
    name: str, *, rank: int, held: HeldFn, erase: EraseFn, kinds: Mapping[str, str]
) -> None:
    """Add a provider under ``name``; registering a name again replaces it. ``kinds`` names
    each kind of item it gives, for legal holds on a class and the retention schedule."""
    _providers[name] = Provider(name, rank, held, erase, dict(kinds))


def providers() -> list[Provider]:
    """Every provider, in the order erasure runs them: highest rank first."""
    return sorted(_providers.values(), key=lambda provider: (-provider.rank, provider.name))


def kinds() -> dict[str, str]:
    """Every kind of item any provider gives, with its label."""
    return {kind: label for p in providers() for kind, label in p.kinds.items()}


def held_about(person_id: uuid.UUID) -> list[HeldItem]:
    """Every item every app holds about the person, by source then kind and day."""
    items = [item for provider in providers() for item in provider.held(person_id)]
    items.sort(key=lambda i: (i.source, i.kind, i.recorded_on or date.min, i.item_id))
    return items
