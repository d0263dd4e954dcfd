"""A small national picture with figures worked out by hand (see test_figures.py).

Dates fall in the financial year April 2025 to March 2026, so that every clock counted is
long past its due date whatever day the tests run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

import pytest
from django.utils import timezone

from safeguarding.access.models import AgencyKind, User
from safeguarding.access.roles import Role
from safeguarding.clocks.actions import meet_clock, start_clock
from safeguarding.clocks.rules import ClockType
from safeguarding.concerns.models import ConcernCategory, PersonRole
from safeguarding.pathway.actions import EventDetails, record_event
from safeguarding.pathway.events import EventType, Outcome
from safeguarding.people.models import Person
from safeguarding.taskforce.actions import SuspectDetails, record_suspect
from tests.factories import Area, child_details, make_agency, make_concern, make_user

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


def build_picture(area: Area) -> Picture:
    """Testshire (LA-TEST), policed by POL-TEST:
      referrals: 6 in May 2025 and 1 in June 2025 (7 in the year); the child Amelia is
      named in 3 of them (3 May, 20 May, 12 June), so 2 are re-referrals; the June one is
      about exploitation. One more referral about Amelia in August 2026 is more than 12
      months after the last, so not a re-referral.
      pathway: 6 assessments started in May 2025; 2 section 47 enquiries; 1 plan.
      clocks: 2 strategy discussion clocks due in 2025, one met on time, one late.
    Otherton (LA-OTHER), policed by POL-OTHER: 8 referrals in May 2025.
    Thirdshire, with no force: 9 referrals in July 2025.
    POL-TEST records 6 online abuse suspects, 2 of them charged."""
    council = area.council
    amelia = child_details(given="Amelia", family="Hartley")
    first = make_concern(
        area.practitioner,
        local_authority=council,
        child=amelia,
        recorded_at=moment(date(2025, 5, 3)),
    )
    child = first.involvements.get(role=PersonRole.CHILD).person
    make_concern(
        area.practitioner,
        local_authority=council,
        child=child,
        recorded_at=moment(date(2025, 5, 20)),
    )
    for number in range(4):
        make_concern(
            area.practitioner,
            local_authority=council,
            child=child_details(given=f"Child{number}", family="Testshire", born=date(2015, 1, 1)),
            recorded_at=moment(date(2025, 5, 10 + number)),
        )
    make_concern(
        area.practitioner,
        local_authority=council,
        child=child,
        category=ConcernCategory.SEXUAL_EXPLOITATION,
        recorded_at=moment(date(2025, 6, 12)),
    )
    make_concern(
        area.practitioner,
        local_authority=council,
        child=child,
        recorded_at=moment(date(2026, 8, 14)),
    )
    for number in range(8):
        make_concern(
            area.other_mash,
            local_authority=area.other_council,
            child=child_details(given=f"Other{number}", family="Otherton", born=date(2016, 2, 2)),
            recorded_at=moment(date(2025, 5, 5 + number)),
        )
    third = make_agency(AgencyKind.LOCAL_AUTHORITY, code="LA-THIRD", name="Thirdshire Council")
    third_mash = make_user(Role.MASH_TRIAGE, third, username="third-mash")
    for number in range(9):
        make_concern(
            third_mash,
            local_authority=third,
            child=child_details(given=f"Third{number}", family="Thirdshire", born=date(2017, 3, 3)),
            recorded_at=moment(date(2025, 7, 7 + number)),
        )
    for number in range(6):
        record_event(
            actor=area.practitioner,
            details=EventDetails(
                person_id=child.pk,
                event_type=EventType.ASSESSMENT_STARTED,
                occurred_on=date(2025, 5, 21 + number),
            ),
        )
    for day in (22, 23):
        record_event(
            actor=area.practitioner,
            details=EventDetails(
                person_id=child.pk, event_type=EventType.S47_STARTED, occurred_on=date(2025, 5, day)
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
