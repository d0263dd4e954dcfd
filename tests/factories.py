"""Shared test data, built through the domain actions (never by writing rows directly)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from safeguarding.access import actions as access_actions
from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.access.roles import Role
from safeguarding.concerns.actions import ConcernDetails, NamedPerson, record_concern
from safeguarding.concerns.models import Concern, ConcernCategory, PersonRole
from safeguarding.demo.generator import test_range_nhs_number
from safeguarding.people.actions import PersonDetails
from safeguarding.people.models import Person, PersonKind, Sex

PASSWORD = "correct-horse-battery-staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_counter = itertools.count(1)


def make_agency(
    kind: str = AgencyKind.LOCAL_AUTHORITY,
    *,
    code: str | None = None,
    home_authority: Agency | None = None,
    name: str | None = None,
) -> Agency:
    number = next(_counter)
    return access_actions.create_agency(
        actor=None,
        code=code or f"{kind[:3].upper()}-{number}",
        name=name or f"{kind} {number}",
        kind=kind,
        home_authority=home_authority,
        # Fictional DfE numbers: 900 and up are no real authority's.
        dfe_number=f"{900 + number % 100}" if kind == AgencyKind.LOCAL_AUTHORITY else "",
    )


def make_user(
    role: str,
    agency: Agency | None,
    *,
    username: str | None = None,
    totp: bool = True,
    email: str = "",
) -> User:
    return access_actions.create_user(
        actor=None,
        username=username or f"{role}-{next(_counter)}",
        password=PASSWORD,
        role=role,
        agency=agency,
        totp_secret=TOTP_SECRET if totp else None,
        check_password_strength=False,
        email=email,
    )


def child_details(
    given: str = "Amelia",
    family: str = "Hartley",
    *,
    born: date | None = date(2014, 5, 17),
    nhs_number: str | None = None,
    **extra: object,
) -> PersonDetails:
    identifiers = [("nhs", nhs_number)] if nhs_number else []
    return PersonDetails(
        given_name=given,
        family_name=family,
        kind=PersonKind.CHILD,
        date_of_birth=born,
        sex=Sex.FEMALE,
        identifiers=identifiers,
        **extra,
    )


def adult_details(given: str = "Darren", family: str = "Pike", **extra: object) -> PersonDetails:
    return PersonDetails(given_name=given, family_name=family, kind=PersonKind.ADULT, **extra)


def make_concern(
    actor: User,
    *,
    local_authority: Agency,
    child: PersonDetails | Person,
    others: list[tuple[str, PersonDetails | Person]] | None = None,
    category: str = ConcernCategory.NEGLECT,
    summary: str = "Seen hungry at school.",
    recorded_at: datetime | None = None,
    agency_record_id: str = "",
) -> Concern:
    def named(role: str, who: PersonDetails | Person) -> NamedPerson:
        if isinstance(who, Person):
            return NamedPerson(role=role, person_id=who.pk)
        return NamedPerson(role=role, details=who)

    persons = [named(PersonRole.CHILD, child)]
    persons += [named(role, who) for role, who in (others or [])]
    return record_concern(
        actor=actor,
        details=ConcernDetails(
            category=category,
            summary=summary,
            recorded_at=recorded_at or timezone.now(),
            local_authority_code=local_authority.code,
            persons=persons,
            agency_record_id=agency_record_id,
        ),
    )


@dataclass
class Area:
    """A small fictional area: one authority, two forces, a school, an NHS trust, the
    taskforce, and one member of staff in each role."""

    council: Agency
    other_council: Agency
    police: Agency
    other_police: Agency
    school: Agency
    nhs: Agency
    taskforce: Agency
    practitioner: User
    manager: User
    mash: User
    other_mash: User
    dsl: User
    police_analyst: User
    other_police_analyst: User
    health: User
    taskforce_analyst: User
    auditor: User
    admin: User
    system: User

    def child_known_to_school(self, **kwargs: object) -> Person:
        """A child recorded by the school (so the school, and the MASH, see them)."""
        concern = make_concern(
            self.dsl,
            local_authority=self.council,
            child=child_details(nhs_number=nhs_number_for(1), **kwargs),
        )
        return concern.involvements.get(role=PersonRole.CHILD).person


def nhs_number_for(seed: int) -> str:
    """A valid NHS number from the range reserved for testing, fixed by ``seed``."""
    import random

    return test_range_nhs_number(random.Random(seed))


# Kept for callers written before the rename; not collected because it is not imported
# into test modules by this name.
test_range_nhs_number_for = nhs_number_for


def build_area() -> Area:
    council = make_agency(AgencyKind.LOCAL_AUTHORITY, code="LA-TEST", name="Testshire Council")
    other_council = make_agency(
        AgencyKind.LOCAL_AUTHORITY, code="LA-OTHER", name="Otherton Council"
    )
    police = make_agency(AgencyKind.POLICE_FORCE, code="POL-TEST", home_authority=council)
    other_police = make_agency(
        AgencyKind.POLICE_FORCE, code="POL-OTHER", home_authority=other_council
    )
    school = make_agency(AgencyKind.SCHOOL, code="SCH-TEST", home_authority=council)
    nhs = make_agency(AgencyKind.NHS_BODY, code="NHS-TEST", home_authority=council)
    taskforce = make_agency(AgencyKind.NATIONAL_BODY, code="NAT-TF")
    return Area(
        council=council,
        other_council=other_council,
        police=police,
        other_police=other_police,
        school=school,
        nhs=nhs,
        taskforce=taskforce,
        practitioner=make_user(Role.PRACTITIONER, council, username="practitioner"),
        manager=make_user(
            Role.TEAM_MANAGER, council, username="manager", email="manager@testshire.example"
        ),
        mash=make_user(Role.MASH_TRIAGE, council, username="mash"),
        other_mash=make_user(Role.MASH_TRIAGE, other_council, username="other-mash"),
        dsl=make_user(Role.DESIGNATED_SAFEGUARDING_LEAD, school, username="dsl"),
        police_analyst=make_user(Role.POLICE_ANALYST, police, username="police"),
        other_police_analyst=make_user(Role.POLICE_ANALYST, other_police, username="other-police"),
        health=make_user(Role.PRACTITIONER, nhs, username="health"),
        taskforce_analyst=make_user(Role.TASKFORCE_ANALYST, taskforce, username="taskforce"),
        auditor=make_user(Role.AUDITOR, None, username="auditor"),
        admin=make_user(Role.SYSTEM_ADMINISTRATOR, None, username="admin"),
        system=make_user(Role.SYSTEM_INTEGRATION, police, username="police-system", totp=False),
    )
