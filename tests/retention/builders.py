"""A child recorded in every app that holds personal data, through the domain actions, for
the erasure and subject access tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from safeguarding.access.models import CaseRole
from safeguarding.access.roles import Role
from safeguarding.casework.actions import AssessmentDetails, EpisodeDetails, save_episode
from safeguarding.chronology.actions import mark_entry
from safeguarding.collaboration.actions import RequestDetails, request_collaboration
from safeguarding.collaboration.models import Ask, SubjectKind, Urgency
from safeguarding.concerns.models import Concern, ConcernCategory, PersonRole
from safeguarding.mash.actions import (
    answer_information_request,
    decide_contact,
    request_information,
)
from safeguarding.mash.models import Contact
from safeguarding.networks.actions import rebuild_networks
from safeguarding.pathway.actions import EventDetails, record_event
from safeguarding.pathway.events import EventType, Outcome
from safeguarding.people.grants import assign_case_role, grant_break_glass
from safeguarding.people.models import Person
from safeguarding.therapy.actions import ReferralDetails, refer_for_therapy
from safeguarding.therapy.models import ServiceType
from safeguarding.warningnotices.actions import NamedPerson as NoticePerson
from safeguarding.warningnotices.actions import NoticeDetails, issue_notice
from safeguarding.warningnotices.models import NoticeKind, WithheldBy
from tests.factories import (
    Area,
    adult_details,
    child_details,
    make_concern,
    make_user,
    nhs_number_for,
)

# Names found nowhere else in the test data, so that a scan for them finds only her.
GIVEN, FAMILY = "Zephyrine", "Quillfeather"
MOTHER = ("Ottoline", "Vantablack")
VEHICLE = "AB12 CDE"
PHONE = "07700900461"
# The MASH's rationale, which names her: the audit log keeps it as the decision's reason.
RATIONALE = "Threshold met: {} is at risk of exploitation."


@dataclass
class Recorded:
    child: Person
    mother: Person
    shared_concern: Concern  # names the child and her mother: kept for the mother


def child_in_every_app(area: Area, *, given: str = GIVEN, family: str = FAMILY) -> Recorded:
    """A child named in a school's CSE concern (a MASH contact, a duty-to-report record,
    clocks), in a police concern with her mother, in a network with two other children
    seen with the same car, in a pathway event, a chronology mark, an episode of need, a
    therapy referral, a child abduction warning notice, a request between forces, a case
    role and a break-glass grant (and the notifications those send)."""
    full = f"{given} {family}"
    first = make_concern(
        area.dsl,
        local_authority=area.council,
        child=child_details(
            given, family, nhs_number=nhs_number_for(4242), phones=[PHONE], born=date(2013, 2, 3)
        ),
        others=[(PersonRole.ADULT_OF_CONCERN, adult_details(vehicles=[VEHICLE]))],
        category=ConcernCategory.SEXUAL_EXPLOITATION,
        summary=f"{given} was seen getting into a car with an older male.",
    )
    child = first.involvements.get(role=PersonRole.CHILD).person
    # The council's allocated worker and the force's investigating officer see her through
    # their case roles.
    assign_case_role(
        actor=area.manager,
        user=area.practitioner,
        person_id=child.pk,
        kind=CaseRole.Kind.ALLOCATED_WORKER,
    )
    assign_case_role(
        actor=area.manager,
        user=area.police_analyst,
        person_id=child.pk,
        kind=CaseRole.Kind.INVESTIGATING_OFFICER,
    )
    shared = make_concern(
        area.police_analyst,
        local_authority=area.council,
        child=child,
        others=[(PersonRole.PARENT, adult_details(*MOTHER))],
        category=ConcernCategory.NEGLECT,
        summary=f"Officers found {full} alone at home; her mother came back at 2am.",
    )
    mother = shared.involvements.get(role=PersonRole.PARENT).person
    # Two more children seen with the same car by other agencies: a network of three.
    for number, recorder in enumerate((area.health, area.police_analyst)):
        make_concern(
            recorder,
            local_authority=area.council,
            child=child_details("Other", f"Child{number}", born=date(2012, 1, 1 + number)),
            others=[(PersonRole.ADULT_OF_CONCERN, adult_details(vehicles=[VEHICLE]))],
            category=ConcernCategory.SEXUAL_EXPLOITATION,
            summary="Seen getting into a car with an older male.",
        )
    contact = Contact.objects.get(concern=first)
    request = request_information(
        actor=area.mash,
        contact=contact,
        to_agency=area.nhs,
        question=f"What do you hold on {given}?",
    )
    answer_information_request(
        actor=area.health, request=request, answer=f"{full} attended A&E twice."
    )
    decide_contact(
        actor=area.mash,
        contact=contact,
        decision="assessment",
        rationale=RATIONALE.format(given),
        decided_at=timezone.now(),
    )
    yesterday = timezone.localdate() - timedelta(days=1)
    event = record_event(
        actor=area.practitioner,
        details=EventDetails(
            person_id=child.pk,
            event_type=EventType.STRATEGY_DISCUSSION,
            outcome=Outcome.S47,
            occurred_on=yesterday,
            notes=f"Strategy discussion about {given}: police to visit.",
        ),
    )
    mark_entry(
        actor=area.practitioner,
        person_id=child.pk,
        entry_ref=f"event:{event.pk}",
        significant=True,
        analysis=f"The car links {given} to two other children.",
    )
    save_episode(
        actor=area.practitioner,
        details=EpisodeDetails(
            person_id=child.pk,
            referral_date=yesterday,
            referral_source="2A",
            primary_need="N1",
            assessments=[
                AssessmentDetails(
                    started_on=yesterday,
                    authorised_on=timezone.localdate(),
                    factors=["2B"],
                    child_seen=True,
                    seen_alone=True,
                    wishes_and_feelings=f"{given} wants to stay at her school.",
                )
            ],
        ),
    )
    refer_for_therapy(
        actor=area.dsl,
        details=ReferralDetails(
            person_id=child.pk,
            provider=area.nhs,
            service_type=ServiceType.CAMHS,
            authority=area.council,
            referred_on=timezone.localdate(),
            notes=f"{given} asked for help.",
        ),
    )
    issue_notice(
        actor=area.police_analyst,
        details=NoticeDetails(
            kind=NoticeKind.UNDER_16,
            adult=NoticePerson(
                details=adult_details("Darren", "Pike", date_of_birth=date(1985, 3, 2))
            ),
            children=[NoticePerson(person_id=child.pk)],
            served_on=timezone.localdate(),
            serving_officer="PC 4411 Jo Baxter",
            withheld_by=WithheldBy.PARENT,
            withheld_by_details="The child's mother",
            conditions=f"Do not contact {given} or allow her into your company.",
        ),
    )
    request_collaboration(
        actor=area.police_analyst,
        details=RequestDetails(
            to_force=area.other_police,
            subject_kind=SubjectKind.PERSON,
            person_id=child.pk,
            ask=Ask.SHARE,
            details=f"What do you hold on {full}?",
            urgency=Urgency.ROUTINE,
        ),
    )
    stranger = make_user(Role.PRACTITIONER, area.other_council, username="other-worker")
    grant_break_glass(
        actor=stranger, person_id=child.pk, reason="Presented at our front desk out of area tonight"
    )
    rebuild_networks(force=True)
    return Recorded(child=child, mother=mother, shared_concern=shared)
