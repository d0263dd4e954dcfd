"""A small population of people recorded by several agencies, with the truth known: each
true person is recorded by two or three agencies, with the errors agencies make."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from safeguarding.access.models import User
from safeguarding.linkage.models import CandidatePair, LinkageModel, LinkageRun
from safeguarding.people.actions import PersonDetails, register_person
from safeguarding.people.grants import grant_break_glass
from safeguarding.people.models import Person, PersonKind, Sex
from tests.factories import Area, child_details, make_concern, nhs_number_for

GIVEN = {
    Sex.FEMALE: [
        "Elizabeth",
        "Katherine",
        "Margaret",
        "Jessica",
        "Amelia",
        "Olivia",
        "Sophie",
        "Rebecca",
        "Hannah",
        "Charlotte",
        "Abigail",
        "Victoria",
    ],
    Sex.MALE: [
        "William",
        "Robert",
        "Thomas",
        "Daniel",
        "Michael",
        "Jonathan",
        "Samuel",
        "Benjamin",
        "Joseph",
        "Matthew",
        "Christopher",
        "Alexander",
    ],
}
NICKNAMES = {
    "Elizabeth": "Beth",
    "Katherine": "Kate",
    "Margaret": "Maggie",
    "Jessica": "Jess",
    "Rebecca": "Becky",
    "Abigail": "Abby",
    "Victoria": "Vicky",
    "William": "Bill",
    "Robert": "Bob",
    "Thomas": "Tom",
    "Daniel": "Danny",
    "Michael": "Mike",
    "Jonathan": "Jon",
    "Samuel": "Sam",
    "Benjamin": "Ben",
    "Joseph": "Joe",
    "Matthew": "Matt",
    "Christopher": "Chris",
    "Alexander": "Alex",
}
FAMILY = [
    "Hartley",
    "Pemberton",
    "Okonkwo",
    "Lindqvist",
    "Fairbairn",
    "Castellano",
    "Whitlock",
    "Abernethy",
    "Nakamura",
    "Greenhalgh",
    "Rutherford",
    "Villiers",
    "Blackwood",
    "Esposito",
    "Montgomery",
    "Thistlewood",
    "Kowalczyk",
    "Ashworth",
]


@dataclass
class Population:
    truth: dict[str, int] = field(default_factory=dict)  # person id -> true person
    people: list[Person] = field(default_factory=list)


def _typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def build(
    area: Area, *, people: int = 40, seed: int = 7, start: int = 0, names_and_dates: bool = False
) -> Population:
    """People recorded by two or three agencies; with ``names_and_dates`` the records hold
    only names, dates of birth and sex (no identifiers, addresses or phones)."""
    rng = random.Random(seed)
    recorders: list[User] = [area.dsl, area.police_analyst, area.health, area.practitioner]
    population = Population()
    for number in range(start, start + people):
        sex = rng.choice([Sex.FEMALE, Sex.MALE])
        given = rng.choice(GIVEN[sex])
        family = FAMILY[number % len(FAMILY)]
        born = date(2008, 1, 1) + timedelta(days=rng.randrange(0, 3000))
        inward = f"{rng.randrange(1, 9)}{rng.choice('ABDEFG')}{rng.choice('HJLNPQ')}"
        postcode = f"S{rng.randrange(10, 99)} {inward}"
        phone = f"07700 9{rng.randrange(10000, 99999)}"
        nhs = nhs_number_for(1000 + number)
        copies = 1 if number % 4 == 0 else rng.choice([2, 2, 3])
        for copy, actor in enumerate(rng.sample(recorders, copies)):
            record_given, record_family, record_born = given, family, born
            if copy == 1 and given in NICKNAMES and rng.random() < 0.5:
                record_given = NICKNAMES[given]
            elif copy == 1:
                record_family = _typo(rng, family)
            if copy == 2 and born.day <= 12 and born.day != born.month:
                record_born = born.replace(month=born.day, day=born.month)
            details = PersonDetails(
                given_name=record_given,
                family_name=record_family,
                kind=PersonKind.CHILD,
                date_of_birth=record_born,
                sex=sex,
                identifiers=[("nhs", nhs)] if copy == 0 and rng.random() < 0.5 else [],
                addresses=[("1 High Street", "Testtown", postcode)] if rng.random() < 0.7 else [],
                phones=[phone] if rng.random() < 0.5 else [],
            )
            if names_and_dates:
                details.identifiers, details.addresses, details.phones = [], [], []
            person = register_person(
                actor=actor, details=details, agency_record_id=f"R{number}-{copy}"
            )
            population.truth[str(person.pk)] = number
            population.people.append(person)
    return population


# ---------------------------------------------------------------------------------------
# One possible match in the review queue, without running a model


def queue_pair(first: Person, second: Person) -> CandidatePair:
    model = LinkageModel.objects.create(backend="duckdb", records_trained_on=0, parameters={})
    run = LinkageRun.objects.create(
        mode=LinkageRun.Mode.FULL,
        backend="duckdb",
        model=model,
        auto_match_probability=0.99,
        review_probability=0.8,
    )
    a, b = sorted([first.pk, second.pk], key=str)
    return CandidatePair.objects.create(
        person_a_id=a,
        person_b_id=b,
        match_probability=0.93,
        match_weight=3.7,
        evidence=[
            {
                "comparison": "Given name",
                "level": "Nickname or alias",
                "match_weight": 4.2,
                "agreed": True,
            },
            {
                "comparison": "Date of birth",
                "level": "Day and month swapped",
                "match_weight": 5.1,
                "agreed": True,
            },
            {"comparison": "Postcode", "level": "Different", "match_weight": -2.3, "agreed": False},
        ],
        run=run,
    )


def two_council_records(area: Area) -> tuple[Person, Person]:
    first = (
        make_concern(
            area.practitioner,
            local_authority=area.council,
            child=child_details("Elizabeth", "Hartley", born=date(2014, 5, 7)),
            agency_record_id="LA-1",
        )
        .involvements.get()
        .person
    )
    second = (
        make_concern(
            area.police_analyst,
            local_authority=area.council,
            child=child_details(
                "Beth", "Hartley", born=date(2014, 7, 5), addresses=[("2 Mill Lane", "", "S60 2AB")]
            ),
            others=[("adult-of-concern", PersonDetails(given_name="Darren", family_name="Pike"))],
            agency_record_id="POL-9",
        )
        .involvements.get(role="child")
        .person
    )
    # The council (practitioner's agency) comes to hold a record on the second too.
    grant_break_glass(
        actor=area.practitioner,
        person_id=second.pk,
        reason="Police concern about a child who may be known to us",
    )
    make_concern(area.practitioner, local_authority=area.council, child=second)
    return first, second
