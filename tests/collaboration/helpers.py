from __future__ import annotations

from safeguarding.collaboration.actions import RequestDetails, request_collaboration
from safeguarding.collaboration.models import Ask, CollaborationRequest, SubjectKind, Urgency
from safeguarding.concerns.models import PersonRole
from safeguarding.people.models import Person
from tests.factories import Area, adult_details, child_details, make_concern


def adult_held_by_police(area: Area, given: str = "Darren", family: str = "Pike") -> Person:
    """An adult named in a concern the first force recorded: the first force holds them."""
    concern = make_concern(
        area.police_analyst,
        local_authority=area.council,
        child=child_details(given="Mia", family="Cole"),
        others=[(PersonRole.ADULT_OF_CONCERN, adult_details(given, family))],
    )
    return concern.involvements.get(role=PersonRole.ADULT_OF_CONCERN).person


def ask_about(
    area: Area, person: Person, *, urgency: str = Urgency.ROUTINE
) -> CollaborationRequest:
    return request_collaboration(
        actor=area.police_analyst,
        details=RequestDetails(
            to_force=area.other_police,
            subject_kind=SubjectKind.PERSON,
            person_id=person.pk,
            ask=Ask.SHARE,
            details="Seen with missing children in your area; what do you hold on him?",
            urgency=urgency,
        ),
    )
