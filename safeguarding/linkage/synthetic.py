"""Synthetic people recorded by several agencies, with the truth known: for the linkage
benchmark and the accuracy tests. Names come from Faker's en_GB lists, never real records.

Each person is recorded by one to four agencies, each copy with an agency's usual errors:
typos in names, nicknames ("Bill" for "William"), day and month of birth swapped, an
approximate age instead of a date, a date a few days out, missing fields, phone numbers
written differently, an old postcode."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from typing import Any

from safeguarding.linkage.records import RawPerson, prepare

SEED = 2026
# How many agencies record one person: 1 to 4, mean 1.75 records per person.
COPIES = (1, 2, 3, 4)
COPY_WEIGHTS = (0.5, 0.3, 0.15, 0.05)
TODAY = date(2026, 11, 1)


def _pools(rng: random.Random) -> dict[str, Any]:
    from faker import Faker
    from faker.providers.person.en_GB import Provider as Names

    fake = Faker("en_GB")
    fake.seed_instance(SEED)
    postcodes = sorted({fake.postcode() for _ in range(40_000)})
    return {
        "female": sorted(set(Names.first_names_female)),
        "male": sorted(set(Names.first_names_male)),
        "family": sorted(set(Names.last_names)),
        "postcodes": postcodes,
    }


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


def generate(count: int, *, seed: int = SEED) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """``count`` prepared records and the true person (an int) of each record id."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    pools = _pools(rng)
    namer = _nicknames()
    nickname_cache: dict[str, list[str]] = {}
    records: list[dict[str, Any]] = []
    truth: dict[str, int] = {}
    person = 0
    while len(records) < count:
        person += 1
        sex = rng.choice(("female", "male"))
        given = rng.choice(pools[sex])
        family = rng.choice(pools["family"])
        child = rng.random() < 0.6
        age_days = rng.randrange(0, 18 * 365) if child else rng.randrange(18 * 365, 70 * 365)
        born = TODAY - timedelta(days=age_days)
        postcode = rng.choice(pools["postcodes"])
        phone = f"07{rng.randrange(100_000_000, 999_999_999)}"
        nhs = _nhs_number(rng)
        copies = rng.choices(COPIES, COPY_WEIGHTS)[0]
        for _ in range(min(copies, count - len(records))):
            record_given, record_family = given, family
            roll = rng.random()
            if roll < 0.10:
                options = nickname_cache.setdefault(
                    given, sorted(namer.nicknames_of(given.lower()))
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
                record_born = date(TODAY.year - (age_days // 365) + rng.choice((-1, 0, 0)), 1, 1)
                estimated = True
            elif roll < 0.14:
                record_born = None
            elif roll < 0.17:
                record_born = born + timedelta(days=rng.choice((-10, -1, 1, 10)))
            record_phone = phone if rng.random() < 0.4 else ""
            if record_phone and rng.random() < 0.5:
                record_phone = "+44 " + record_phone[1:5] + " " + record_phone[5:]
            record_postcode = postcode if rng.random() < 0.7 else ""
            if record_postcode and rng.random() < 0.1:
                record_postcode = rng.choice(pools["postcodes"])
            unique_id = f"r{len(records)}"
            truth[unique_id] = person
            records.append(
                prepare(
                    RawPerson(
                        unique_id=unique_id,
                        given_name=record_given,
                        family_name=record_family,
                        date_of_birth=record_born,
                        date_of_birth_is_estimated=estimated,
                        sex=sex if rng.random() < 0.9 else "",
                        postcodes=[record_postcode] if record_postcode else [],
                        phones=[record_phone] if record_phone else [],
                        nhs_number=nhs if rng.random() < 0.35 else "",
                        upn="",
                    )
                )
            )
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
