"""A generated area whose figures are known by construction: concerns recorded by several
agencies to three authorities over the financial year April 2025 to March 2026, each decided
by the authority's MASH, strategy discussions and conferences after some of them, all
through the domain actions. The generator keeps its own tally of what it made, by the
definitions in docs/users/figures.md, without reading anything back."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.access.roles import Role
from safeguarding.concerns.models import EXPLOITATION_CATEGORIES, ConcernCategory, PersonRole
from safeguarding.mash.models import Decision
from safeguarding.pathway.actions import EventDetails, record_events
from safeguarding.pathway.events import EventType, Outcome
from safeguarding.people.models import Person
from tests.factories import Area, child_details, make_agency, make_user
from tests.taskforce.conftest import decide, make_concern

YEAR = 2025
FIRST_DAY = date(2025, 4, 1)
# Late enough in the year that every conference after a concern falls in it too.
DAYS = 330
REFERRAL_DECISIONS = {
    Decision.ASSESSMENT,
    Decision.STRATEGY_DISCUSSION,
    Decision.IMMEDIATE_PROTECTION,
}
DECISIONS = [
    Decision.NO_FURTHER_ACTION,
    Decision.EARLY_HELP,
    Decision.ASSESSMENT,
    Decision.ASSESSMENT,
    Decision.STRATEGY_DISCUSSION,
    Decision.IMMEDIATE_PROTECTION,
]
CATEGORIES = [
    ConcernCategory.NEGLECT,
    ConcernCategory.NEGLECT,
    ConcernCategory.PHYSICAL_ABUSE,
    ConcernCategory.SEXUAL_EXPLOITATION,
    ConcernCategory.ONLINE_ABUSE,
]


@dataclass
class Known:
    """What the generator made, counted as it went: (agency code, measure) -> count in the
    year, and (agency code, measure, first of month) -> count in the month."""

    year: Counter[tuple[str, str]] = field(default_factory=Counter)
    month: Counter[tuple[str, str, date]] = field(default_factory=Counter)

    def add(self, code: str, measure: str, day: date) -> None:
        self.year[(code, measure)] += 1
        self.month[(code, measure, day.replace(day=1))] += 1


@dataclass
class Generated:
    area: Area
    authorities: list[Agency]
    known: Known


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 30)))


def build_generated(area: Area, *, seed: int = 16, concerns: int = 90) -> Generated:
    rng = random.Random(seed)
    third = make_agency(AgencyKind.LOCAL_AUTHORITY, code="LA-GEN", name="Generated Council")
    mash_of = {
        area.council.pk: area.mash,
        area.other_council.pk: area.other_mash,
        third.pk: make_user(Role.MASH_TRIAGE, third, username="gen-mash"),
    }
    authorities = [area.council, area.other_council, third]
    recorders: list[User] = [area.practitioner, area.dsl, area.police_analyst, area.health]
    known = Known()
    # Each recorder names its own children again (it may see only those it holds).
    children: dict[tuple[int, int], list[Person | None]] = {}
    last_referral: dict[tuple[int, object], date] = {}
    events: dict[int, list[EventDetails]] = {a.pk: [] for a in authorities}
    # Drawn first, then made in date order, so that "the referral before" is the one
    # made before.
    plan = sorted(
        (
            FIRST_DAY + timedelta(days=rng.randrange(DAYS)),
            number,
            rng.choice(authorities),
            rng.choice(recorders),
            rng.choice(CATEGORIES),
            rng.randrange(6),
            rng.choice(DECISIONS),
            rng.choice([Outcome.S47, Outcome.NO_S47]),
            rng.randint(10, 20),
            rng.choice([Outcome.PLAN, Outcome.NO_PLAN]),
        )
        for number in range(concerns)
    )
    for day, number, authority, recorder, category, slot, decision, enquiry, wait, outcome in plan:
        mine = children.setdefault((authority.pk, recorder.pk), [None] * 6)
        child = mine[slot] or child_details(
            given=f"Gen{number}", family=authority.code.title(), born=date(2014, 1, 1)
        )
        concern = make_concern(
            recorder,
            local_authority=authority,
            child=child,
            category=category,
            recorded_at=_at(day),
        )
        person = concern.involvements.get(role=PersonRole.CHILD).person
        mine[slot] = person
        known.add(recorder.agency.code, "concerns-recorded", day)
        known.add(authority.code, "contacts", day)
        decide(mash_of[authority.pk], concern, decision)
        if decision not in REFERRAL_DECISIONS:
            continue
        known.add(authority.code, "referrals", day)
        if category in EXPLOITATION_CATEGORIES:
            known.add(authority.code, "exploitation", day)
        before = last_referral.get((authority.pk, person.pk))
        # Two on one day are decided at the same time: neither is before the other.
        if before is not None and 0 < (day - before).days <= 365:
            known.add(authority.code, "re-referrals", day)
        last_referral[(authority.pk, person.pk)] = day
        if decision == Decision.ASSESSMENT:
            known.add(authority.code, "assessments", day)
            continue
        held = day + timedelta(days=1)
        events[authority.pk].append(
            EventDetails(
                person_id=person.pk,
                event_type=EventType.STRATEGY_DISCUSSION,
                outcome=enquiry,
                occurred_on=held,
            )
        )
        if enquiry != Outcome.S47:
            continue
        known.add(authority.code, "section-47", held)
        conference = held + timedelta(days=wait)
        events[authority.pk].append(
            EventDetails(
                person_id=person.pk,
                event_type=EventType.INITIAL_CONFERENCE,
                outcome=outcome,
                occurred_on=conference,
            )
        )
        if outcome == Outcome.PLAN:
            known.add(authority.code, "plans", conference)
    for authority in authorities:
        batch = sorted(events[authority.pk], key=lambda e: e.occurred_on)
        if batch:
            record_events(actor=mash_of[authority.pk], events=batch)
    return Generated(area, authorities, known)
