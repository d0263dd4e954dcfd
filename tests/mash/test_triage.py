"""MASH triage: every new concern becomes a contact with a one-working-day decision clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from safeguarding.audit.models import AuditEntry
from safeguarding.audit.sealing import readable_reason
from safeguarding.audit.verbs import AuditVerb
from safeguarding.clocks.calendar import add_working_days
from safeguarding.clocks.models import Clock, ClockState
from safeguarding.clocks.rules import ClockType
from safeguarding.concerns.actions import ConcernDetails, NamedPerson, record_concern
from safeguarding.mash import actions
from safeguarding.mash.models import Contact, Decision
from safeguarding.mash.queries import (
    access_contact,
    access_information_request,
    information_inbox,
    triage_queue,
)
from safeguarding.notifications.models import Notification
from tests.batches import written
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
    assert readable_reason(entry).text.startswith("Neglect indicators")


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


def _contacts(area: Area) -> list[Contact]:
    """Four contacts received three days ago."""
    received = timezone.now() - timedelta(days=3)
    return [
        record_concern(
            actor=area.dsl,
            details=ConcernDetails(
                category="neglect",
                summary="Seen hungry at school.",
                recorded_at=received,
                received_at=received,
                local_authority_code=area.council.code,
                persons=[NamedPerson(role="child", details=child_details(given, "Marsh"))],
            ),
        ).contact
        for given in ("Ava", "Ben", "Cal", "Dee")
    ]


def _decisions(contacts: list[Contact]) -> list[actions.ContactDecision]:
    fresh = Contact.objects.in_bulk([contact.pk for contact in contacts])
    kinds = [
        Decision.ASSESSMENT,
        Decision.STRATEGY_DISCUSSION,
        Decision.NO_FURTHER_ACTION,
        Decision.IMMEDIATE_PROTECTION,
    ]
    return [
        actions.ContactDecision(
            fresh[contact.pk],
            kind,
            f"Partners' information read together; {kind} is the right response.",
            contact.received_at + timedelta(hours=hours),
        )
        for contact, kind, hours in zip(contacts, kinds, (2, 5, 26, 1), strict=True)
    ]


def _triage_state() -> list[object]:
    return [
        *Contact.objects.order_by("received_at", "pk").values_list(
            "pk", "decision", "rationale", "decided_by", "decided_at"
        ),
        *Clock.objects.order_by("subject", "clock_type").values_list(
            "clock_type", "subject", "person", "started_on", "due_on", "met_on", "accountable"
        ),
    ]


def test_a_batch_of_decisions_writes_what_the_same_decisions_one_at_a_time_do(area: Area):
    contacts = _contacts(area)
    # One contact allocated: its officer, not the decider, is accountable for what follows.
    actions.allocate_contact(actor=area.mash, contact=contacts[0], to=area.manager)

    def one_at_a_time() -> None:
        for item in _decisions(contacts):
            actions.decide_contact(
                actor=area.mash,
                contact=item.contact,
                decision=item.decision,
                rationale=item.rationale,
                decided_at=item.decided_at,
            )

    state, log = written(one_at_a_time, _triage_state)
    together = written(
        lambda: actions.decide_contacts(actor=area.mash, decisions=_decisions(contacts)),
        _triage_state,
    )

    assert together == (state, log)
    # Each decision is the MASH's action on the referral: its receipt records it.
    ACTED = AuditVerb.HAND_OFF_ACTED  # noqa: N806 -- read as the verbs beside it
    assert [row[0] for row in log] == [
        *(AuditVerb.CLOCK_MET, AuditVerb.CLOCK_STARTED, AuditVerb.CONTACT_DECIDED, ACTED),
        *(AuditVerb.CLOCK_MET, AuditVerb.CLOCK_STARTED, AuditVerb.CONTACT_DECIDED, ACTED),
        *(AuditVerb.CLOCK_MET, AuditVerb.CONTACT_DECIDED, ACTED),
        *(AuditVerb.CLOCK_MET, AuditVerb.CLOCK_STARTED, AuditVerb.CONTACT_DECIDED, ACTED),
    ]
    assessment = next(row for row in state if row[0] == ClockType.ASSESSMENT)
    assert assessment[-1] == area.manager.pk


def test_a_batch_with_one_bad_decision_decides_nothing(area: Area):
    contacts = _contacts(area)
    decisions = _decisions(contacts)
    bad = decisions[2]
    decisions[2] = actions.ContactDecision(bad.contact, bad.decision, "too short", bad.decided_at)
    with pytest.raises(ValidationError) as error:
        actions.decide_contacts(actor=area.mash, decisions=decisions)
    assert "rationale" in error.value.message_dict
    twice = [decisions[0], actions.ContactDecision(*vars(decisions[0]).values())]
    with pytest.raises(ValidationError) as error:
        actions.decide_contacts(actor=area.mash, decisions=twice)
    assert error.value.message_dict["decision"] == [actions.ALREADY_DECIDED]
    assert not Contact.objects.exclude(decision="").exists()
    assert not AuditEntry.objects.filter(verb=AuditVerb.CONTACT_DECIDED).exists()


def test_a_contact_decided_elsewhere_meanwhile_stops_the_batch(area: Area):
    contacts = _contacts(area)
    stale = _decisions(contacts)
    actions.decide_contact(
        actor=area.mash,
        contact=Contact.objects.get(pk=contacts[1].pk),
        decision=Decision.EARLY_HELP,
        rationale="Family agrees to early help from the school's family worker.",
    )
    with pytest.raises(ValidationError):
        actions.decide_contacts(actor=area.mash, decisions=stale)
    assert Contact.objects.exclude(decision="").count() == 1
