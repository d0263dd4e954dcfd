"""Planting networks for the network tests, through the concern actions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from safeguarding.access.models import Agency, User
from safeguarding.concerns.models import Concern, ConcernCategory, PersonRole
from tests.factories import adult_details, child_details, make_concern

CHILD_NAMES = [
    ("Amelia", "Hartley"),
    ("Bethany", "Cole"),
    ("Chloe", "Marsh"),
    ("Daisy", "Fenwick"),
    ("Ellie", "Brook"),
]


@dataclass
class Sighting:
    """One agency's concern about one child, naming the adult as that agency knew him."""

    recorder: User
    local_authority: Agency
    vehicle: str = "AB12 CDE"
    phones: list[str] = field(default_factory=list)
    addresses: list[tuple[str, str, str]] = field(default_factory=list)
    adult_name: tuple[str, str] = ("Darren", "Pike")
    category: str = ConcernCategory.SEXUAL_EXPLOITATION


def plant(sightings: list[Sighting]) -> list[Concern]:
    """One child for each sighting, each with the adult recorded separately by the
    recording agency (agencies do not share records), carrying the vehicle."""
    concerns = []
    for index, sighting in enumerate(sightings):
        given, family = CHILD_NAMES[index]
        adult = adult_details(
            *sighting.adult_name,
            vehicles=[sighting.vehicle] if sighting.vehicle else [],
            phones=list(sighting.phones),
            addresses=list(sighting.addresses),
        )
        concerns.append(
            make_concern(
                sighting.recorder,
                local_authority=sighting.local_authority,
                child=child_details(given, family, born=date(2011, 1, 1 + index)),
                others=[(PersonRole.ADULT_OF_CONCERN, adult)],
                category=sighting.category,
                summary="Seen getting into a car with an older male.",
            )
        )
    return concerns
