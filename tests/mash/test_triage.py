"""MASH triage: every new concern becomes a contact with a one-working-day decision clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.clocks.calendar import add_working_days
from safeguarding.clocks.models import Clock, ClockState
from safeguarding.clocks.rules import ClockType
from safeguarding.mash import actions
from safeguarding.mash.models import Contact, Decision
from safeguarding.mash.queries import (
    access_contact,
    access_information_request,
    information_inbox,
    triage_queue,
)
from safeguarding.notifications.models import Notification
from tests.factories import Area, child_details, make_concern

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


@pytest.fixture
def contact(area: Area) -> Contact:
    concern = make_concern(area.dsl, local_authority=area.council, child=child_details())
    return concern.contact


def test_a_new_concern_opens_a_contact_with_a_decision_clock(area: Area, contact: Contact):
    assert contact.authority == area.council
    clock = Clock.objects.get(subject=contact.subject)
    assert clock.clock_type == ClockType.REFERRAL_DECISION
    assert clock.due_on == add_working_days(timezone.localdate(contact.received_at), 1)


def test_re_sending_a_concern_does_not_open_a_second_contact(area: Area):
    make_concern(
        area.dsl, local_authority=area.council, child=child_details(), agency_record_id="X1"
    )
    make_concern(
        area.dsl,
        local_authority=area.council,
        child=child_details(),
        agency_record_id="X1",
        summary="updated",
    )
    assert Contact.objects.count() == 1


def test_queue_shows_red_first_and_only_to_that_authority(area: Area, contact: Contact):
    second = make_concern(
        area.police_analyst, local_authority=area.council, child=child_details("Leo", "Marsh")
    ).contact
    actions.rate_contact(actor=area.mash, contact=second, rag="red")
    assert [c.pk for c in triage_queue(area.mash)] == [second.pk, contact.pk]
    assert triage_queue(area.other_mash) == []
    assert triage_queue(area.dsl) == []
    assert AuditEntry.objects.filter(verb=AuditVerb.TRIAGE_QUEUE_VIEWED).exists()


def test_only_the_authority_mash_can_open_or_triage_a_contact(area: Area, contact: Contact):
    assert access_contact(area.mash, contact.pk) == contact
    for outsider in (area.other_mash, area.dsl, area.police_analyst, area.auditor):
        with pytest.raises(Http404):
            access_contact(outsider, contact.pk)
    with pytest.raises(PermissionDenied):
        actions.rate_contact(actor=area.other_mash, contact=contact, rag="red")


def test_decision_meets_the_clock_and_starts_an_assessment(area: Area, contact: Contact):
    actions.allocate_contact(actor=area.mash, contact=contact, to=area.mash)
    actions.decide_contact(
        actor=area.mash,
        contact=contact,
        decision=Decision.ASSESSMENT,
        rationale="Neglect indicators from school and health; assess needs.",
    )
    decision_clock = Clock.objects.get(
        subject=contact.subject, clock_type=ClockType.REFERRAL_DECISION
    )
    assert decision_clock.state() == ClockState.MET
    assessment = Clock.objects.get(subject=contact.subject, clock_type=ClockType.ASSESSMENT)
    assert assessment.due_on == add_working_days(timezone.localdate(contact.received_at), 45)
    assert assessment.accountable == area.mash
    assert contact not in triage_queue(area.mash)
    entry = AuditEntry.objects.get(verb=AuditVerb.CONTACT_DECIDED)
    assert entry.reason.startswith("Neglect indicators")


def test_a_decision_needs_a_rationale_and_happens_once(area: Area, contact: Contact):
    with pytest.raises(ValidationError) as error:
        actions.decide_contact(actor=area.mash, contact=contact, decision="nfa", rationale="ok")
    assert "rationale" in error.value.message_dict
    actions.decide_contact(
        actor=area.mash,
        contact=contact,
        decision="nfa",
        rationale="Information shows no safeguarding concern now.",
    )
    with pytest.raises(ValidationError):
        actions.decide_contact(
            actor=area.mash,
            contact=contact,
            decision="early-help",
            rationale="Changing my mind about this contact.",
        )


def test_partner_information_request_and_answer(area: Area, contact: Contact):
    request = actions.request_information(
        actor=area.mash,
        contact=contact,
        to_agency=area.police,
        question="Any incidents at the home address?",
    )
    assert request.due_on == add_working_days(timezone.localdate(), 1)
    assert Notification.objects.filter(recipient=area.police_analyst).exists()
    assert list(information_inbox(area.police_analyst)) == [request]
    assert access_information_request(area.police_analyst, request.pk) == request
    with pytest.raises(Http404):
        access_information_request(area.other_police_analyst, request.pk)
    with pytest.raises(PermissionDenied):
        actions.answer_information_request(actor=area.health, request=request, answer="x")
    actions.answer_information_request(
        actor=area.police_analyst,
        request=request,
        answer="Two domestic incidents in the last year.",
    )
    clock = Clock.objects.get(subject=request.subject)
    assert clock.state() == ClockState.MET
    assert AuditEntry.objects.filter(verb=AuditVerb.INFORMATION_SHARED).count() == 1


def test_historic_concerns_keep_their_received_date(area: Area):
    from safeguarding.concerns.actions import ConcernDetails, NamedPerson, record_concern

    when = timezone.now() - timedelta(days=30)
    concern = record_concern(
        actor=area.dsl,
        details=ConcernDetails(
            category="neglect",
            summary="Old record",
            recorded_at=when,
            received_at=when,
            local_authority_code="LA-TEST",
            persons=[NamedPerson(role="child", details=child_details())],
        ),
    )
    clock = Clock.objects.get(subject=concern.contact.subject)
    assert clock.started_on == timezone.localdate(when)
    assert clock.state() == ClockState.OVERDUE
