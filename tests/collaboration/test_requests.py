"""Requests between police forces: the lifecycle, its clock, need-to-know and audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from safeguarding.access.models import AgencyKind
from safeguarding.access.policy import may_see_person
from safeguarding.access.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.sealing import readable_reason
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.clocks.actions import deadline
from safeguarding.clocks.models import ClockState
from safeguarding.clocks.rules import ClockType
from safeguarding.collaboration.actions import (
    RequestDetails,
    accept_request,
    answer_request,
    complete_request,
    decline_request,
    notify_overdue_requests,
    request_collaboration,
)
from safeguarding.collaboration.models import Ask, Outcome, Status, SubjectKind, Urgency
from safeguarding.collaboration.queries import access_request, inbox, outbox
from safeguarding.notifications.models import Notification
from safeguarding.people.queries import access_person
from tests.collaboration.helpers import adult_held_by_police, ask_about
from tests.factories import Area, make_agency, make_user

pytestmark = pytest.mark.django_db


def test_a_request_starts_the_response_clock_of_its_urgency_and_tells_the_other_force(
    area: Area,
):
    person = adult_held_by_police(area)
    request = ask_about(area, person, urgency=Urgency.URGENT)
    today = timezone.localdate()
    assert request.status == Status.REQUESTED
    assert request.clock.clock_type == ClockType.COLLABORATION_URGENT
    assert request.clock.authority == area.other_police
    assert request.clock.due_on == deadline(ClockType.COLLABORATION_URGENT, today)
    routine = ask_about(area, person, urgency=Urgency.ROUTINE)
    assert routine.clock.due_on == deadline(ClockType.COLLABORATION_ROUTINE, today)
    assert routine.clock.due_on > request.clock.due_on
    entry = AuditEntry.objects.filter(verb=AuditVerb.COLLABORATION_REQUESTED).first()
    assert entry is not None
    assert entry.payload["to"] == area.other_police.code
    notes = Notification.objects.filter(recipient=area.other_police_analyst)
    assert notes.count() == 2
    assert all("Darren" not in note.body and "Pike" not in note.body for note in notes)


def test_accept_answer_and_outcome(area: Area):
    person = adult_held_by_police(area)
    request = ask_about(area, person)
    accept_request(actor=area.other_police_analyst, request=request)
    assert request.status == Status.ACCEPTED
    assert request.clock.is_open  # accepting is not yet an answer
    answer_request(
        actor=area.other_police_analyst,
        request=request,
        answer="Arrested here in 2024 for harbouring; two vehicles linked.",
    )
    request.clock.refresh_from_db()
    assert request.status == Status.ANSWERED
    assert request.clock.state() == ClockState.MET
    assert Notification.objects.filter(
        recipient=area.police_analyst, subject__contains="answered"
    ).exists()
    complete_request(
        actor=area.police_analyst,
        request=request,
        outcome=Outcome.INFORMATION_USED,
        notes="Added to the investigation.",
    )
    assert request.status == Status.COMPLETED
    verbs = list(
        AuditEntry.objects.filter(
            target_type=TargetType.COLLABORATION_REQUEST, target_id=str(request.pk)
        )
        .order_by("sequence")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        AuditVerb.COLLABORATION_REQUESTED,
        AuditVerb.COLLABORATION_ANSWERED,
        AuditVerb.COLLABORATION_ANSWERED,
        AuditVerb.COLLABORATION_COMPLETED,
    ]
    with pytest.raises(ValidationError):
        complete_request(actor=area.police_analyst, request=request, outcome=Outcome.WITHDRAWN)


def test_decline_needs_a_reason_meets_the_clock_and_shares_nobody(area: Area):
    person = adult_held_by_police(area)
    request = ask_about(area, person)
    with pytest.raises(ValidationError) as error:
        decline_request(actor=area.other_police_analyst, request=request, reason="No.")
    assert "reason" in error.value.message_dict
    decline_request(
        actor=area.other_police_analyst,
        request=request,
        reason="We hold nothing on this person and cannot act outside our area.",
    )
    request.clock.refresh_from_db()
    assert request.status == Status.DECLINED
    assert request.clock.met_on == timezone.localdate()
    assert not may_see_person(area.other_police_analyst, person.pk)
    entry = AuditEntry.objects.get(verb=AuditVerb.COLLABORATION_ANSWERED)
    assert entry.payload == {"decision": "declined"}
    assert readable_reason(entry).text.startswith("We hold nothing")
    with pytest.raises(ValidationError):
        accept_request(actor=area.other_police_analyst, request=request)
    with pytest.raises(ValidationError):
        answer_request(actor=area.other_police_analyst, request=request, answer="Anything")
    complete_request(actor=area.police_analyst, request=request, outcome=Outcome.NO_FURTHER_ACTION)
    assert request.status == Status.COMPLETED


def test_an_unanswered_request_goes_overdue_and_an_answer_after_the_deadline_is_late(
    area: Area,
):
    person = adult_held_by_police(area)
    request = ask_about(area, person, urgency=Urgency.URGENT)
    after = request.clock.due_on + timedelta(days=1)
    assert request.clock.state(today=after) == ClockState.OVERDUE
    # The answer comes after the deadline: the clock is met late.
    accept_request(actor=area.other_police_analyst, request=request)
    from safeguarding.clocks.models import Clock

    Clock.objects.filter(pk=request.clock.pk).update(
        started_on=request.clock.started_on - timedelta(days=10),
        due_on=request.clock.started_on - timedelta(days=9),
    )
    request.clock.refresh_from_db()
    answer_request(actor=area.other_police_analyst, request=request, answer="Nothing held.")
    request.clock.refresh_from_db()
    assert request.clock.state() == ClockState.MET_LATE
    entry = AuditEntry.objects.filter(verb=AuditVerb.COLLABORATION_ANSWERED).last()
    assert entry is not None
    assert entry.payload["late"] is True


def test_both_forces_are_told_once_when_the_response_is_overdue(area: Area):
    request = ask_about(area, adult_held_by_police(area), urgency=Urgency.URGENT)
    answered = ask_about(area, adult_held_by_police(area, "Gary", "Noon"))
    decline_request(
        actor=area.other_police_analyst,
        request=answered,
        reason="Nothing held here and no power to act in your area.",
    )
    due = request.clock.due_on
    assert notify_overdue_requests(due) == 0
    later = max(due, answered.clock.due_on) + timedelta(days=1)
    assert notify_overdue_requests(later) == 1
    assert notify_overdue_requests(later) == 0
    assert (
        Notification.objects.filter(
            recipient=area.other_police_analyst, subject__startswith="Overdue"
        ).count()
        == 1
    )
    assert (
        Notification.objects.filter(
            recipient=area.police_analyst, subject__endswith="has not responded in time"
        ).count()
        == 1
    )


def test_withdrawing_stops_the_clock(area: Area):
    request = ask_about(area, adult_held_by_police(area))
    with pytest.raises(ValidationError):
        complete_request(actor=area.police_analyst, request=request, outcome=Outcome.ACTION_TAKEN)
    complete_request(actor=area.police_analyst, request=request, outcome=Outcome.WITHDRAWN)
    request.clock.refresh_from_db()
    assert request.clock.state() == ClockState.CANCELLED


def test_only_the_right_force_may_take_each_step(area: Area):
    request = ask_about(area, adult_held_by_police(area))
    with pytest.raises(PermissionDenied):
        accept_request(actor=area.police_analyst, request=request)
    with pytest.raises(PermissionDenied):
        complete_request(
            actor=area.other_police_analyst, request=request, outcome=Outcome.WITHDRAWN
        )
    with pytest.raises(PermissionDenied):
        accept_request(actor=area.mash, request=request)
    with pytest.raises(ValidationError) as error:
        answer_request(actor=area.other_police_analyst, request=request, answer="Too soon")
    assert error.value.message_dict["answer"] == ["Accept the request before answering it"]


def test_a_request_must_name_a_visible_person_and_another_force(area: Area):
    hidden = adult_held_by_police(area)
    with pytest.raises(ValidationError) as error:
        request_collaboration(
            actor=area.other_police_analyst,
            details=RequestDetails(
                to_force=area.police,
                subject_kind=SubjectKind.PERSON,
                person_id=hidden.pk,
                ask=Ask.ACT,
                details="Please act.",
                urgency=Urgency.URGENT,
            ),
        )
    assert error.value.message_dict == {"person": ["The person could not be found"]}
    with pytest.raises(ValidationError) as error:
        request_collaboration(
            actor=area.police_analyst,
            details=RequestDetails(
                to_force=area.council,
                subject_kind=SubjectKind.VEHICLE,
                vehicle_registration="!",
                ask="",
                details=" ",
                urgency="",
            ),
        )
    assert set(error.value.message_dict) == {
        "to_force",
        "vehicle_registration",
        "ask",
        "details",
        "urgency",
    }
    with pytest.raises(PermissionDenied):
        request_collaboration(
            actor=area.dsl,
            details=RequestDetails(
                to_force=area.police,
                subject_kind=SubjectKind.VEHICLE,
                vehicle_registration="AB12 CDE",
                ask=Ask.SHARE,
                details="Seen outside school",
                urgency=Urgency.URGENT,
            ),
        )


def test_a_vehicle_request_shares_no_person(area: Area):
    request = request_collaboration(
        actor=area.police_analyst,
        details=RequestDetails(
            to_force=area.other_police,
            subject_kind=SubjectKind.VEHICLE,
            vehicle_registration="ab12 cde",
            ask=Ask.ACT,
            details="Stop and check the driver if seen near schools.",
            urgency=Urgency.URGENT,
        ),
    )
    assert request.vehicle_registration == "AB12CDE"
    assert request.person is None
    accept_request(actor=area.other_police_analyst, request=request)
    assert request.status == Status.ACCEPTED


# Need-to-know --------------------------------------------------------------------------


def test_the_receiving_force_sees_only_the_person_shared_and_only_once_it_accepts(area: Area):
    shared = adult_held_by_police(area)
    not_shared = adult_held_by_police(area, "Gary", "Noon")
    request = ask_about(area, shared)
    receiver = area.other_police_analyst
    # Before accepting, the receiving force sees the request (name and date of birth), not
    # the person's record.
    assert access_request(receiver, request.pk).person == shared
    with pytest.raises(Http404):
        access_person(receiver, shared.pk, purpose="test")
    accept_request(actor=receiver, request=request)
    assert access_person(receiver, shared.pk, purpose="test") == shared
    with pytest.raises(Http404):
        access_person(receiver, not_shared.pk, purpose="test")
    # The requesting force gains nothing it did not hold.
    assert [item.pk for item in inbox(receiver)] == [request.pk]
    assert [item.pk for item in outbox(area.police_analyst)] == [request.pk]
    assert inbox(area.police_analyst) == []


def test_a_third_force_sees_nothing(area: Area):
    third = make_agency(AgencyKind.POLICE_FORCE, code="POL-THIRD", home_authority=area.council)
    third_analyst = make_user(Role.POLICE_ANALYST, third)
    person = adult_held_by_police(area)
    request = ask_about(area, person)
    accept_request(actor=area.other_police_analyst, request=request)
    answer_request(actor=area.other_police_analyst, request=request, answer="Held: arrests.")
    for user in (third_analyst, area.taskforce_analyst, area.auditor, area.mash, area.dsl):
        with pytest.raises(Http404):
            access_request(user, request.pk)
        assert inbox(user) == []
        assert outbox(user) == []
    assert not may_see_person(third_analyst, person.pk)


def test_every_read_is_audited(area: Area):
    request = ask_about(area, adult_held_by_police(area))
    access_request(area.other_police_analyst, request.pk)
    inbox(area.other_police_analyst)
    viewed = AuditEntry.objects.filter(verb=AuditVerb.COLLABORATION_VIEWED)
    assert set(viewed.values_list("target_type", flat=True)) == {
        "collaboration-request",
        "collaboration-request-list",
    }
    listed = viewed.get(target_type=TargetType.COLLABORATION_REQUEST_LIST)
    assert listed.payload == {
        "requests": [str(request.pk)],
        "persons": [str(request.person_id)],
    }
