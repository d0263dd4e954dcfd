"""Synthetic people recorded by several agencies, with the truth known: for the linkage
benchmark and the accuracy tests. Names come from Faker's lists (see NAME_GROUPS), never
real records.

Each person is recorded by one to four agencies (schools, health services, police,
councils), each copy with what that kind of agency holds (see CHILD_RECORDERS) and its
usual errors:
typos in names, nicknames ("Bill" for "William"), day and month of birth swapped, an
approximate age instead of a date, a date a few days out, missing fields, phone numbers
written differently, an old postcode."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from safeguarding.linkage.records import RawPerson, prepare

SEED = 2026
# How many agencies record one person: 1 to 4, mean 1.75 records per person.
COPIES = (1, 2, 3, 4)
COPY_WEIGHTS = (0.5, 0.3, 0.15, 0.05)
TODAY = date(2026, 11, 1)


# Where the names of England's people come from, by the 2021 census's broad groups: each
# group's names are drawn from Faker's locales for it. One British list alone (182 given
# names a sex, 500 family names) would give every full name to several people in a
# million, which no agency's records show.
NAME_GROUPS: tuple[tuple[float, tuple[str, ...]], ...] = (
    (0.78, ("en_GB", "en_IE", "en_US")),  # White British and Irish, mixed
    (0.08, ("en_IN", "en_PK")),  # South Asian
    (0.04, ("en_NG", "yo_NG", "tw_GH")),  # Black African and Caribbean
    (0.06, ("pl_PL", "ro_RO", "lt_LT")),  # White other: Eastern Europe
    (0.04, ("it_IT", "pt_PT", "tr_TR")),  # other
)
DRAWS_PER_LOCALE = 3000


def _names(locales: tuple[str, ...]) -> dict[str, list[str]]:
    from faker import Faker

    female: set[str] = set()
    male: set[str] = set()
    family: set[str] = set()
    for locale in locales:
        fake = Faker(locale)
        fake.seed_instance(SEED)
        for _ in range(DRAWS_PER_LOCALE):
            female.add(fake.first_name_female())
            male.add(fake.first_name_male())
            family.add(fake.last_name())
    return {"female": sorted(female), "male": sorted(male), "family": sorted(family)}


def _pools(rng: random.Random) -> dict[str, Any]:
    from faker import Faker

    fake = Faker("en_GB")
    fake.seed_instance(SEED)
    postcodes = sorted({fake.postcode() for _ in range(40_000)})
    return {
        "groups": [_names(locales) for _, locales in NAME_GROUPS],
        "group_weights": [weight for weight, _ in NAME_GROUPS],
        "postcodes": postcodes,
    }


# Which kind of agency records a person, and how often each writes down the person's
# NHS number and (for a child) unique pupil number: health services nearly always hold
# the NHS number, schools the pupil number, police seldom either.
CHILD_RECORDERS = (("school", 0.3), ("health", 0.3), ("police", 0.2), ("council", 0.2))
ADULT_RECORDERS = (("health", 0.4), ("police", 0.35), ("council", 0.25))
NHS_NUMBER_RECORDED = {"health": 0.9, "council": 0.4, "school": 0.05, "police": 0.1}
UPN_RECORDED = {"school": 0.95, "council": 0.3}


def _upn(rng: random.Random) -> str:
    from safeguarding.people.identifiers import upn_check_letter

    body = f"{rng.randrange(201, 939):03d}{rng.randrange(10_000):04d}"
    body += f"{rng.randrange(10, 26):02d}{rng.randrange(1000):03d}"
    return upn_check_letter(body) + body


def _nhs_number(rng: random.Random) -> str:
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.35:
        return word[:i] + word[i + 1 :]
    if kind < 0.7:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice("aeioulnrst") + word[i + 1 :]


def _nicknames() -> Any:
    from nicknames import NickNamer

    return NickNamer()


@dataclass(frozen=True)
class TruePerson:
    """A synthetic person as they are, before any agency records them."""

    number: int
    sex: str
    given: str
    family: str
    child: bool
    age_days: int
    postcode: str
    phone: str
    nhs: str
    upn: str

    @property
    def born(self) -> date:
        return TODAY - timedelta(days=self.age_days)


class People:
    """Makes synthetic people, and agencies' records of them with each kind of agency's
    usual errors. Seeded: the same calls give the same people and records."""

    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
        self.pools = _pools(self.rng)
        self.namer = _nicknames()
        self.nickname_cache: dict[str, list[str]] = {}
        self.people = 0

    def person(self, *, child: bool | None = None) -> TruePerson:
        rng, pools = self.rng, self.pools
        self.people += 1
        sex = rng.choice(("female", "male"))
        names = rng.choices(pools["groups"], pools["group_weights"])[0]
        given = rng.choice(names[sex])
        family = rng.choice(names["family"])
        is_child = rng.random() < 0.6
        if child is not None:
            is_child = child
        age_days = rng.randrange(0, 18 * 365) if is_child else rng.randrange(18 * 365, 70 * 365)
        postcode = rng.choice(pools["postcodes"])
        phone = f"07{rng.randrange(100_000_000, 999_999_999)}"
        nhs = _nhs_number(rng)
        upn = _upn(rng) if is_child else ""
        return TruePerson(
            self.people, sex, given, family, is_child, age_days, postcode, phone, nhs, upn
        )

    def recorder(self, person: TruePerson) -> str:
        """The kind of agency that records this person this time."""
        recorders = CHILD_RECORDERS if person.child else ADULT_RECORDERS
        return self.rng.choices(
            [kind for kind, _ in recorders], [weight for _, weight in recorders]
        )[0]

    def record(self, person: TruePerson, recorder: str, unique_id: str) -> dict[str, Any]:
        """One agency's prepared record of ``person``, with that agency's errors."""
        rng, given, family, born = self.rng, person.given, person.family, person.born
        record_given, record_family = given, family
        roll = rng.random()
        if roll < 0.10:
            options = self.nickname_cache.setdefault(
                given, sorted(self.namer.nicknames_of(given.lower()))
            )
            if options:
                record_given = rng.choice(options).title()
        elif roll < 0.18:
            record_given = _typo(rng, given)
        if rng.random() < 0.08:
            record_family = _typo(rng, family)
        record_born: date | None = born
        estimated = False
        roll = rng.random()
        if roll < 0.05 and born.day <= 12 and born.day != born.month:
            record_born = born.replace(month=born.day, day=born.month)
        elif roll < 0.10:
            age_years = person.age_days // 365
            record_born = date(TODAY.year - age_years + rng.choice((-1, 0, 0)), 1, 1)
            estimated = True
        elif roll < 0.14:
            record_born = None
        elif roll < 0.17:
            record_born = born + timedelta(days=rng.choice((-10, -1, 1, 10)))
        record_phone = person.phone if rng.random() < 0.4 else ""
        if record_phone and rng.random() < 0.5:
            record_phone = "+44 " + record_phone[1:5] + " " + record_phone[5:]
        record_postcode = person.postcode if rng.random() < 0.7 else ""
        if record_postcode and rng.random() < 0.1:
            record_postcode = rng.choice(self.pools["postcodes"])
        upn_recorded = person.upn and rng.random() < UPN_RECORDED.get(recorder, 0)
        return prepare(
            RawPerson(
                unique_id=unique_id,
                given_name=record_given,
                family_name=record_family,
                date_of_birth=record_born,
                date_of_birth_is_estimated=estimated,
                sex=person.sex if rng.random() < 0.9 else "",
                postcodes=[record_postcode] if record_postcode else [],
                phones=[record_phone] if record_phone else [],
                nhs_number=person.nhs if rng.random() < NHS_NUMBER_RECORDED[recorder] else "",
                upn=person.upn if upn_recorded else "",
            )
        )


def generate(count: int, *, seed: int = SEED) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """``count`` prepared records and the true person (an int) of each record id."""
    people = People(seed)
    records: list[dict[str, Any]] = []
    truth: dict[str, int] = {}
    while len(records) < count:
        person = people.person()
        copies = people.rng.choices(COPIES, COPY_WEIGHTS)[0]
        for _ in range(min(copies, count - len(records))):
            recorder = people.recorder(person)
            unique_id = f"r{len(records)}"
            truth[unique_id] = person.number
            records.append(people.record(person, recorder, unique_id))
    return records, truth


def pairwise_accuracy(clusters: dict[str, str], truth: dict[str, int]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of ``clusters`` (record id -> cluster id)."""

    def pairs(counts: Counter[Any]) -> int:
        return sum(n * (n - 1) // 2 for n in counts.values())

    predicted = pairs(Counter(clusters.values()))
    actual = pairs(Counter(truth.values()))
    both = pairs(Counter((clusters[uid], truth[uid]) for uid in truth))
    precision = both / predicted if predicted else 1.0
    recall = both / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "true_pairs": float(actual),
        "predicted_pairs": float(predicted),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }
