"""Two exploitation networks planted in the demo area, recorded through the concern actions
as each agency would have recorded them, each knowing only its own part.

1. Sexual exploitation: four girls, seen by a school, the hospital, the police and the
   council, each with "an older boyfriend". The hospital, the police and the council hold
   his NHS number, so their records of him are one person; the school knew him only as
   "Mo", and is linked to the others by his car (which one officer misread, 8 for B), his
   phone and his flat.
2. Criminal exploitation ("county lines"): three boys seen by two police forces and a
   youth charity; the forces share the adult's record, and the charity's "Kane" is joined
   to it by the phone he handed out.

Everything is synthetic: names from Faker (en_GB), NHS numbers from the range reserved for
testing, phones from Ofcom's drama range, and the area's fictional postcodes. Running the
builder again updates the same concerns (fixed agency record ids) rather than adding more.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone
from faker import Faker

from safeguarding.access.models import User
from safeguarding.access.roles import CASE_WORK_ROLES, Role
from safeguarding.concerns.actions import ConcernDetails, NamedPerson, record_concern
from safeguarding.concerns.models import ConcernCategory, PersonRole
from safeguarding.demo.area import LOCAL_AUTHORITY
from safeguarding.demo.generator import test_range_nhs_number
from safeguarding.demo.history import current as demo_history
from safeguarding.networks.actions import BuildResult, rebuild_networks
from safeguarding.people.actions import PersonDetails
from safeguarding.people.models import PersonKind, Sex


@dataclass
class Sighting:
    agency_code: str
    days_ago: int
    category: str
    summary: str
    # The name the agency knew the adult by; "" for his full name with his NHS number,
    # which agencies that hold it share (so their records of him are one person).
    adult_alias: str
    vehicles: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    addresses: list[tuple[str, str, str]] = field(default_factory=list)


FLAT = ("Flat 6, 41 Wharf Street", "Northbridge", "NB2 7QX")
CAR = "NB65 KXT"
CAR_MISREAD = "N865 KXT"
PHONE = "07700 900417"
TRAP_HOUSE = ("18 Ropewalk Lane", "Eastmoor", "EM4 2JD")
LINE_PHONE = "07700 900862"

SEXUAL_EXPLOITATION = [
    Sighting(
        "SCH-DENHOLME",
        41,
        ConcernCategory.SEXUAL_EXPLOITATION,
        "Seen most afternoons getting into a silver car with an older man she calls her "
        "boyfriend; new phone and clothes.",
        "Mo",
        vehicles=[CAR],
    ),
    Sighting(
        "NHS-NORTHBRIDGE",
        26,
        ConcernCategory.SEXUAL_ABUSE,
        "Attended the emergency department at 2am, intoxicated; collected by an adult male "
        "who gave a phone number and left before staff could speak to him.",
        "",
        phones=[PHONE],
        vehicles=[CAR],
    ),
    Sighting(
        "POL-NORTHBRIDGE",
        12,
        ConcernCategory.MISSING,
        "Found at a flat after being reported missing overnight; the adult male present "
        "owns the car seen outside.",
        "",
        vehicles=[CAR_MISREAD],
        addresses=[FLAT],
    ),
    Sighting(
        LOCAL_AUTHORITY[0],
        4,
        ConcernCategory.SEXUAL_EXPLOITATION,
        "Told her social worker she stays at her boyfriend's flat on Wharf Street at weekends.",
        "",
        phones=[PHONE],
        addresses=[("Flat 6 41 Wharf St", "", "NB27QX")],
    ),
]
CRIMINAL_EXPLOITATION = [
    Sighting(
        "POL-EASTMOOR",
        33,
        ConcernCategory.CRIMINAL_EXPLOITATION,
        "Stopped at Eastmoor station with cash and wraps; a second phone kept ringing.",
        "",
        phones=[LINE_PHONE],
        addresses=[TRAP_HOUSE],
    ),
    Sighting(
        "POL-NORTHBRIDGE",
        19,
        ConcernCategory.CRIMINAL_EXPLOITATION,
        "Found 40 miles from home in a house the force suspects is used to deal drugs.",
        "",
        addresses=[("18 Ropewalk Ln", "Eastmoor", "EM4 2JD")],
    ),
    Sighting(
        "VOL-HARBOUR",
        7,
        ConcernCategory.MISSING,
        "Missed three sessions; says he 'works for' an older man who gives him a phone.",
        "Kane",
        phones=[f"+44 {LINE_PHONE[1:]}"],
    ),
]


def _recorder(agency_code: str) -> User | None:
    return (
        User.objects.filter(
            agency__code=agency_code, role__in=CASE_WORK_ROLES - {Role.SYSTEM_INTEGRATION}
        )
        .filter(is_active=True)
        .order_by("pk")
        .first()
    )


def _child(fake: Faker, rng: random.Random, sex: str) -> PersonDetails:
    today = timezone.localdate()
    born = date(today.year - rng.randint(13, 16), rng.randint(1, 12), rng.randint(1, 28))
    given = fake.first_name_female() if sex == Sex.FEMALE else fake.first_name_male()
    return PersonDetails(
        given_name=given,
        family_name=fake.last_name(),
        kind=PersonKind.CHILD,
        date_of_birth=born,
        sex=sex,
        identifiers=[("nhs", test_range_nhs_number(rng))],
    )


def _plant(name: str, sightings: list[Sighting], sex: str, fake: Faker, rng: random.Random) -> int:
    given, family = fake.first_name_male(), fake.last_name()
    today = timezone.localdate()
    born = date(today.year - rng.randint(28, 36), rng.randint(1, 12), rng.randint(1, 28))
    nhs_number = test_range_nhs_number(rng)
    planted = 0
    for index, sighting in enumerate(sightings, start=1):
        actor = _recorder(sighting.agency_code)
        if actor is None:
            continue
        known = not sighting.adult_alias
        adult = PersonDetails(
            given_name=given if known else sighting.adult_alias,
            family_name=family if known else "",
            kind=PersonKind.ADULT,
            date_of_birth=born if known else None,
            sex=Sex.MALE,
            identifiers=[("nhs", nhs_number)] if known else [],
            vehicles=list(sighting.vehicles),
            phones=list(sighting.phones),
            addresses=list(sighting.addresses),
        )
        when = timezone.now() - timedelta(days=sighting.days_ago)
        demo_history().concern(f"DEMO-NETWORK-{name}-{index}", when)
        record_concern(
            actor=actor,
            details=ConcernDetails(
                category=sighting.category,
                summary=sighting.summary,
                recorded_at=when,
                received_at=when,
                local_authority_code=LOCAL_AUTHORITY[0],
                persons=[
                    NamedPerson(role=PersonRole.CHILD, details=_child(fake, rng, sex)),
                    NamedPerson(role=PersonRole.ADULT_OF_CONCERN, details=adult),
                ],
                agency_record_id=f"DEMO-NETWORK-{name}-{index}",
            ),
        )
        planted += 1
    return planted


def build_demo_networks(*, seed: int = 2026) -> BuildResult:
    """Plant both networks in the demo area (after its agencies and staff exist), then
    build the networks and raise their alerts, as the worker would."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    _plant("CSE", SEXUAL_EXPLOITATION, Sex.FEMALE, fake, rng)
    _plant("CCE", CRIMINAL_EXPLOITATION, Sex.MALE, fake, rng)
    return rebuild_networks(force=True)
