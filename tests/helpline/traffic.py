"""Synthetic helpline traffic: reports people would write, and what bots send.

Everything is generated (Faker en_GB, seeded); no real report or person is used. Each
submission is what the first question page receives: its fields, the address it came
from, and how long ago its form was loaded. Bots come in the kinds seen against public
forms: honeypot fillers, forms posted with no start time, or a forged one, or faster than a
person could type, captured forms replayed, advertising with human timing, forged or reused
proofs of work, and floods from one address.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from typing import Any

from faker import Faker

from safeguarding.helpline import spam

ROLES = (
    "designated safeguarding lead",
    "head teacher",
    "deputy head",
    "duty social worker",
    "team manager",
    "school nurse",
    "health visitor",
    "police officer",
    "youth worker",
    "GP",
    "LADO",
    "MASH manager",
    "foster carer's supervising social worker",
)
FAILINGS = (
    "told {child} to stop making things up and wrote nothing down",
    "said the disclosure was 'just attention seeking' and did not refer it",
    "left the referral about {child} unread in the inbox for {weeks} weeks",
    "changed the dates in the chronology after the inspection was announced",
    "shredded the welfare concern forms from last term",
    "told staff not to contact children's social care because it would look bad for the school",
    "closed the case without visiting {child} even though the bruising was reported twice",
    "let the coach carry on working with the under-12s after the complaint was made",
    "did not pass on what {child}'s sister told the school nurse",
    "recorded that a home visit happened when nobody went",
    "told me I would lose my job if I spoke to the LADO",
    "ignored three emails from the GP about {child} losing weight",
)
AFTERMATH = (
    "Nothing has happened since and {child} is still at home with him.",
    "I raised it with my line manager on {date} and was told to leave it.",
    "Other staff know but are frightened to say anything.",
    "The family moved to another area and I do not think the new school was told.",
    "I am worried the same thing is happening to other children.",
    "I kept a copy of my email in case it is needed.",
    "I have tried the whistleblowing policy at work but it goes to the same people.",
    "The police were never told, as far as I know.",
)
PLACES = ("Primary School", "Academy", "High School", "Children's Services", "Surgery")
WHEN = (
    "Last March",
    "Over several years since 2019",
    "Autumn term",
    "In the summer holidays",
    "Two weeks ago",
    "Between January and April this year",
    "Around Christmas",
)
ADVERTS = (
    "Buy cheap {product} online, best price guaranteed, order now at {url}",
    "SEO services: rank your website first on Google with 500 backlinks {url} {url}",
    "Earn $5000 a week working from home, click here {url}",
    "Crypto investment opportunity with guaranteed returns, visit {url}",
    "Casino bonus and free spins, promo code WIN2026 at {url}",
    '<a href="{url}">replica watches</a> cheap discount [url={url}]designer bags[/url]',
    "Get 10,000 real followers today, limited offer, {url}",
    "Weight loss pills that work, discount code at {url}",
)
PRODUCTS = ("viagra", "cialis", "replica watches", "essay writing", "forex signals")


@dataclass
class Submission:
    posted: dict[str, Any]
    address: str
    kind: str
    # How long before sending the form was loaded: its start time is signed when it is
    # sent, so that generating a large batch does not age the forms.
    age_seconds: float | None = None
    texts: list[str] = field(default_factory=list)

    def fields(self) -> dict[str, Any]:
        if self.age_seconds is None:
            return dict(self.posted)
        return {**self.posted, spam.TRAP_FIELD: spam.new_trap(now=_now() - self.age_seconds)}


def _child(fake: Faker) -> str:
    return random.choice((f"a Year {random.randint(1, 11)} pupil", fake.first_name()))


def genuine_text(fake: Faker) -> str:
    place = random.choice(PLACES)
    who = f"The {random.choice(ROLES)} at {fake.last_name()} {place}"
    child = _child(fake)
    sentences = [
        f"{who} {random.choice(FAILINGS).format(child=child, weeks=random.randint(2, 9))}."
    ]
    for _ in range(random.randint(0, 3)):
        sentences.append(
            random.choice(AFTERMATH).format(
                child=child, date=fake.date_this_year().strftime("%-d %B")
            )
        )
    if random.random() < 0.1:
        sentences.append(f"You can call me on {fake.phone_number()} after 6pm.")
    if random.random() < 0.05:
        sentences.append(
            f"It was in the local paper: https://www.{fake.domain_name()}/news/{fake.slug()}"
        )
    if random.random() < 0.05:
        sentences.append(f"My email is {fake.email()}.")
    text = " ".join(sentences)
    if random.random() < 0.1:  # written in a hurry
        text = text.lower().replace(".", "")
    return text


def _fields(fake: Faker, what: str, *, who: str = "", when: str = "") -> dict[str, Any]:
    return {
        "what_happened": what,
        "organisations": random.choice(("", f"{fake.last_name()} Academy Trust")),
        "who": who or random.choice(("", f"{fake.name()}, {random.choice(ROLES)}")),
        "when": when or random.choice(WHEN),
        spam.HONEYPOT_FIELD: "",
    }


def _texts(posted: dict[str, Any]) -> list[str]:
    return [posted["what_happened"], posted["organisations"], posted["who"], posted["when"]]


def genuine(count: int, *, seed: int = 2026) -> list[Submission]:
    fake = Faker("en_GB")
    Faker.seed(seed)
    random.seed(seed)
    offices = [fake.ipv4_public() for _ in range(max(1, count // 50))]
    submissions = []
    for _ in range(count):
        posted = _fields(fake, genuine_text(fake))
        age = random.uniform(20, 110 * 60)  # from 20 seconds to almost two hours
        if random.random() < 0.7:  # JavaScript ran and the proof of work finished
            posted[spam.WORK_FIELD] = spam.solve(spam.new_challenge())
        # A few send from a shared office address, never more than the hour's allowance.
        address = random.choice(offices) if random.random() < 0.05 else fake.ipv4_public()
        submissions.append(Submission(posted, address, "genuine", age, _texts(posted)))
    return submissions


def _advert(fake: Faker) -> str:
    return random.choice(ADVERTS).format(
        product=random.choice(PRODUCTS), url=f"https://{fake.domain_name()}/{fake.slug()}"
    )


def _machine_text(fake: Faker) -> str:
    return " ".join(fake.pystr(min_chars=12, max_chars=20) for _ in range(random.randint(3, 8)))


BOT_KINDS = (
    "honeypot",
    "no-start",
    "forged-start",
    "too-fast",
    "replayed-form",
    "advert",
    "machine-text",
    "forged-work",
    "replayed-work",
    "flood",
)


def bots(count: int, *, seed: int = 4242) -> list[Submission]:
    """``count`` bot submissions, the kinds in turn. Captured forms and proofs of work that
    bots replay are taken once first (that first use is the capture, not counted)."""
    fake = Faker("en_GB")
    Faker.seed(seed)
    random.seed(seed)
    captured_trap = spam.new_trap(now=_now() - 60)
    captured_work = spam.solve(spam.new_challenge())
    spam.screen_details({spam.TRAP_FIELD: captured_trap, spam.WORK_FIELD: captured_work}, [])
    flood_address = fake.ipv4_public()
    submissions = []
    for index in range(count):
        kind = BOT_KINDS[index % len(BOT_KINDS)]
        address = fake.ipv4_public()
        plausible = genuine_text(fake)
        posted = _fields(fake, plausible)
        age: float | None = random.uniform(20, 600)
        if kind == "honeypot":
            posted[spam.HONEYPOT_FIELD] = random.choice((fake.url(), fake.company(), "1"))
        elif kind == "no-start":
            age = None
        elif kind == "forged-start":
            age = None
            posted[spam.TRAP_FIELD] = random.choice(
                (str(int(_now()) - 300), secrets.token_urlsafe(24), captured_trap[:-4] + "AAAA")
            )
        elif kind == "too-fast":
            age = random.uniform(0, 3)
        elif kind == "replayed-form":
            age = None
            posted[spam.TRAP_FIELD] = captured_trap
        elif kind == "advert":
            posted["what_happened"] = _advert(fake)
            posted["who"] = random.choice(("", fake.url()))
        elif kind == "machine-text":
            posted["what_happened"] = _machine_text(fake)
        elif kind == "forged-work":
            posted[spam.WORK_FIELD] = secrets.token_urlsafe(64)
            posted["what_happened"] = random.choice((plausible, _advert(fake)))
        elif kind == "replayed-work":
            posted[spam.WORK_FIELD] = captured_work
        elif kind == "flood":
            address = flood_address
            posted["what_happened"] = _advert(fake)
        submissions.append(Submission(posted, address, kind, age, _texts(posted)))
    return submissions


def _now() -> float:
    import time

    return time.time()
