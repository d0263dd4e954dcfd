"""record_concerns: a batch through the one write path that every entry point uses."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safeguarding.audit.chain import verify_chain
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.clocks.models import Clock
from safeguarding.concerns.actions import ConcernDetails, NamedPerson, record_concerns
from safeguarding.concerns.models import Concern
from safeguarding.mash.models import Contact
from safeguarding.people.models import Person
from tests.factories import Area, adult_details, child_details, nhs_number_for

pytestmark = pytest.mark.django_db


def details(area: Area, record_id: str, *persons: NamedPerson) -> ConcernDetails:
    return ConcernDetails(
        category="neglect",
        summary=f"Seen hungry at school ({record_id}).",
        recorded_at=timezone.now(),
        local_authority_code=area.council.code,
        persons=list(persons) or [NamedPerson(role="child", details=child_details())],
        agency_record_id=record_id,
    )


def test_a_refused_concern_writes_nothing_and_the_others_stand(area: Area):
    unseen = area.child_known_to_school()
    people_before = Person.objects.count()

    outcomes = record_concerns(
        actor=area.police_analyst,
        batch=[
            details(area, "P-1"),
            details(
                area,
                "P-2",
                NamedPerson(role="parent", details=adult_details("Karen", "Hartley")),
                NamedPerson(role="child", person_id=unseen.pk),
            ),
            details(area, "P-3", NamedPerson(role="child", details=child_details("Noah"))),
        ],
    )

    assert [outcome.created for outcome in outcomes] == [True, False, True]
    assert isinstance(outcomes[1].error, ValidationError)
    assert set(Concern.objects.values_list("agency_record_id", flat=True)) >= {"P-1", "P-3"}
    assert not Concern.objects.filter(agency_record_id="P-2").exists()
    # Karen, named before the refused person, was not registered either.
    assert Person.objects.count() == people_before + 2
    assert not Person.objects.filter(given_name="Karen").exists()
    assert verify_chain().ok


def test_each_new_concern_opens_one_contact_and_one_decision_clock(area: Area):
    outcomes = record_concerns(
        actor=area.police_analyst,
        batch=[details(area, f"P-{number}") for number in range(3)],
    )

    concerns = [outcome.concern for outcome in outcomes]
    contacts = Contact.objects.filter(concern__in=concerns)
    assert contacts.count() == 3
    for contact in contacts:
        clock = Clock.objects.get(subject=contact.subject)
        assert clock.person_id == contact.concern.involvements.get(role="child").person_id
        assert AuditEntry.objects.filter(
            verb=AuditVerb.CLOCK_STARTED, target_id=str(clock.pk)
        ).exists()


def test_a_record_id_repeated_in_a_batch_updates_the_concern_it_recorded(area: Area):
    first = details(area, "P-9")
    again = details(area, "P-9")
    again.summary = "Seen hungry at school again."

    outcomes = record_concerns(actor=area.police_analyst, batch=[first, again])

    assert [outcome.created for outcome in outcomes] == [True, False]
    concern = Concern.objects.get(agency=area.police, agency_record_id="P-9")
    assert concern.summary == "Seen hungry at school again."
    assert Contact.objects.filter(concern=concern).count() == 1
    verbs = list(
        AuditEntry.objects.filter(target_id=str(concern.pk))
        .order_by("sequence")
        .values_list("verb", flat=True)
    )
    assert verbs == [AuditVerb.CONCERN_RECORDED, AuditVerb.CONCERN_UPDATED]
    # The child named twice is one person.
    assert outcomes[0].persons == outcomes[1].persons


def test_a_role_that_may_not_record_is_refused_for_every_concern(area: Area):
    outcomes = record_concerns(
        actor=area.taskforce_analyst, batch=[details(area, "T-1"), details(area, "T-2")]
    )

    assert all(isinstance(outcome.error, PermissionDenied) for outcome in outcomes)
    assert not Concern.objects.filter(agency_record_id__in=["T-1", "T-2"]).exists()


def test_the_persons_of_each_outcome_are_those_named_in_order(area: Area):
    nhs = nhs_number_for(40)
    (outcome,) = record_concerns(
        actor=area.police_analyst,
        batch=[
            details(
                area,
                "P-20",
                NamedPerson(role="parent", details=adult_details("Karen", "Hartley")),
                NamedPerson(role="child", details=child_details(nhs_number=nhs)),
            )
        ],
    )

    assert [person.given_name for person in outcome.persons] == ["Karen", "Amelia"]
    assert outcome.persons[1].identifiers.get(scheme="nhs").value == nhs


def test_the_apps_that_react_to_new_concerns_are_registered():
    # A missing registration would silently stop concerns reaching the MASH.
    from safeguarding.concerns import reactions

    assert reactions.registered() == [
        "mash.open_contacts",
        "warningnotices.check_recorded_concerns",
        "reportingduty.check_recorded_concerns",
    ]
