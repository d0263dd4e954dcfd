"""A small national picture with figures worked out by hand (see test_figures.py).

Dates fall in the financial year April 2025 to March 2026, so that every clock counted is
long past its due date whatever day the tests run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.access.roles import Role
from safeguarding.clocks.actions import meet_clock, start_clock
from safeguarding.clocks.rules import ClockType
from safeguarding.concerns.actions import ConcernDetails, NamedPerson, record_concern
from safeguarding.concerns.models import Concern, ConcernCategory, PersonRole
from safeguarding.mash.actions import decide_contact
from safeguarding.mash.models import Contact, Decision
from safeguarding.pathway.actions import EventDetails, record_event
from safeguarding.pathway.events import EventType, Outcome
from safeguarding.people.actions import PersonDetails
from safeguarding.people.models import Person
from safeguarding.taskforce.actions import SuspectDetails, record_suspect
from tests.factories import Area, child_details, make_agency, make_user

YEAR = 2025


def moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(11, 0)))


@dataclass
class Picture:
    area: Area
    child: Person
    inspector: User
    police_manager: User
    third_council_code: str


def make_concern(
    actor: User,
    *,
    local_authority: Agency,
    child: PersonDetails | Person,
    category: str = ConcernCategory.NEGLECT,
    recorded_at: datetime,
) -> Concern:
    """A concern recorded and received at ``recorded_at``, as an agency's system sends a
    past one."""
    named = (
        NamedPerson(role=PersonRole.CHILD, person_id=child.pk)
        if isinstance(child, Person)
        else NamedPerson(role=PersonRole.CHILD, details=child)
    )
    return record_concern(
        actor=actor,
        details=ConcernDetails(
            category=category,
            summary="Seen hungry at school.",
            recorded_at=recorded_at,
            received_at=recorded_at,
            local_authority_code=local_authority.code,
            persons=[named],
        ),
    )


def decide(user: User, concern: Concern, decision: str) -> None:
    """The MASH decides the concern's contact an hour after it arrived."""
    contact = Contact.objects.get(concern=concern)
    decide_contact(
        actor=user,
        contact=contact,
        decision=decision,
        rationale="Threshold decision recorded for the test picture",
        decided_at=contact.received_at + timedelta(hours=1),
    )


def build_picture(area: Area) -> Picture:
    """Testshire (LA-TEST), policed by POL-TEST; every concern recorded by the council's
    practitioner and decided by its MASH the same day:
      contacts: 7 in May 2025 and 1 in June 2025 (8 in the year).
      referrals: 6 in May 2025 and 1 in June 2025 (7 in the year; the 8th contact was
      decided "no further action"); the child Amelia is named in 3 of them (3 May, 20 May,
      12 June), so 2 are re-referrals; the June one is about exploitation. One more referral
      about Amelia in August 2026 is more than 12 months after the last, so not a
      re-referral.
      assessments: 5 decided in May 2025 (the other 2 referrals went to a strategy
      discussion); section 47 enquiries: 2 strategy discussions deciding one; 1 plan.
      clocks: 4 strategy discussion clocks due in 2025, one met on time: two started by
      the MASH's decisions (20 May, met late on 22 May; 12 June, never met) and two by hand
      (one met on time, one late).
    Otherton (LA-OTHER): 8 referrals in May 2025, recorded by its MASH.
    Thirdshire: 9 referrals in July 2025, recorded by its MASH.
    POL-TEST records 6 online abuse suspects, 2 of them charged, and no concern."""
    council = area.council
    amelia = child_details(given="Amelia", family="Hartley")
    first = make_concern(
        area.practitioner,
        local_authority=council,
        child=amelia,
        recorded_at=moment(date(2025, 5, 3)),
    )
    decide(area.mash, first, Decision.ASSESSMENT)
    child = first.involvements.get(role=PersonRole.CHILD).person
    second = make_concern(
        area.practitioner,
        local_authority=council,
        child=child,
        recorded_at=moment(date(2025, 5, 20)),
    )
    decide(area.mash, second, Decision.STRATEGY_DISCUSSION)
    for number in range(5):
        concern = make_concern(
            area.practitioner,
            local_authority=council,
            child=child_details(given=f"Child{number}", family="Testshire", born=date(2015, 1, 1)),
            recorded_at=moment(date(2025, 5, 10 + number)),
        )
        decide(
            area.mash, concern, Decision.ASSESSMENT if number < 4 else Decision.NO_FURTHER_ACTION
        )
    june = make_concern(
        area.practitioner,
        local_authority=council,
        child=child,
        category=ConcernCategory.SEXUAL_EXPLOITATION,
        recorded_at=moment(date(2025, 6, 12)),
    )
    decide(area.mash, june, Decision.IMMEDIATE_PROTECTION)
    later = make_concern(
        area.practitioner,
        local_authority=council,
        child=child,
        recorded_at=moment(date(2026, 8, 14)),
    )
    decide(area.mash, later, Decision.ASSESSMENT)
    for number in range(8):
        concern = make_concern(
            area.other_mash,
            local_authority=area.other_council,
            child=child_details(given=f"Other{number}", family="Otherton", born=date(2016, 2, 2)),
            recorded_at=moment(date(2025, 5, 5 + number)),
        )
        decide(area.other_mash, concern, Decision.ASSESSMENT)
    third = make_agency(AgencyKind.LOCAL_AUTHORITY, code="LA-THIRD", name="Thirdshire Council")
    third_mash = make_user(Role.MASH_TRIAGE, third, username="third-mash")
    for number in range(9):
        concern = make_concern(
            third_mash,
            local_authority=third,
            child=child_details(given=f"Third{number}", family="Thirdshire", born=date(2017, 3, 3)),
            recorded_at=moment(date(2025, 7, 7 + number)),
        )
        decide(third_mash, concern, Decision.ASSESSMENT)
    for day in (22, 23):
        record_event(
            actor=area.practitioner,
            details=EventDetails(
                person_id=child.pk,
                event_type=EventType.STRATEGY_DISCUSSION,
                outcome=Outcome.S47,
                occurred_on=date(2025, 5, day),
            ),
        )
    record_event(
        actor=area.practitioner,
        details=EventDetails(
            person_id=child.pk,
            event_type=EventType.INITIAL_CONFERENCE,
            outcome=Outcome.PLAN,
            occurred_on=date(2025, 6, 10),
        ),
    )
    on_time = start_clock(
        clock_type=ClockType.STRATEGY_DISCUSSION,
        authority=council,
        subject="test:1",
        started_on=date(2025, 9, 1),
        accountable=area.practitioner,
    )
    meet_clock(clock=on_time, met_on=date(2025, 9, 2))
    late = start_clock(
        clock_type=ClockType.STRATEGY_DISCUSSION,
        authority=council,
        subject="test:2",
        started_on=date(2025, 9, 8),
        accountable=area.practitioner,
    )
    meet_clock(clock=late, met_on=date(2025, 9, 19))
    police_manager = make_user(Role.TEAM_MANAGER, area.police, username="police-manager")
    for number in range(6):
        record_suspect(
            actor=area.police_analyst,
            details=SuspectDetails(
                centre_reference=f"NCA-{number}",
                suspect_reference=f"SUS-{number}",
                identified_on=date(2025, 10, 1),
                allocated_on=date(2025, 10, 2),
                arrested_on=date(2025, 11, 3) if number < 4 else None,
                charged_on=date(2025, 12, 1) if number < 2 else None,
                officer_id=area.police_analyst.pk,
            ),
        )
    inspectorate = make_agency(AgencyKind.NATIONAL_BODY, code="NAT-INSPECT", name="Inspectorate")
    inspector = make_user(Role.INSPECTOR, inspectorate, username="inspector")
    return Picture(area, child, inspector, police_manager, third.code)


@pytest.fixture
def picture(area: Area) -> Picture:
    return build_picture(area)
