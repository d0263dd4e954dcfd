"""Every write about requests between police forces: asking, accepting or declining,
answering with what the force holds, and recording the outcome.

Accepting a request about a person gives the receiving force a record of that person
(an AgencyRecord, as when it records a concern naming them), so its staff see the person
through the usual need-to-know rules. A CaseRole would not fit: it belongs to one member of
staff and names a role on a child's case, while the request is made to the force as a
whole, and what it is then told is held by the force."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.access.models import Agency, User
from safeguarding.access.policy import may_see_person
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.clocks.actions import meet_clock, start_clock, stop_clock
from safeguarding.clocks.rules import ClockType
from safeguarding.collaboration.models import (
    Ask,
    CollaborationRequest,
    Outcome,
    Status,
    SubjectKind,
    Urgency,
)
from safeguarding.collaboration.policy import COLLABORATION_ROLES, collaborates, is_force
from safeguarding.notifications.actions import notify_users
from safeguarding.people.actions import ensure_agency_record
from safeguarding.people.identifiers import normalise_vehicle_registration
from safeguarding.people.models import Person
from safeguarding.worklists.actions import Acted, Sent, record_acted, record_sent

DETAILS_MAX_LENGTH = 5000
ANSWER_MAX_LENGTH = 10_000
REASON_MIN_LENGTH = 20
CLOCK_FOR_URGENCY: dict[str, str] = {
    Urgency.URGENT: ClockType.COLLABORATION_URGENT,
    Urgency.ROUTINE: ClockType.COLLABORATION_ROUTINE,
}


@dataclass
class RequestDetails:
    to_force: Agency
    subject_kind: str
    ask: str
    details: str
    urgency: str
    person_id: uuid.UUID | None = None
    vehicle_registration: str = ""


def _force_staff(force: Agency, *, exclude: User | None = None) -> list[User]:
    staff = User.objects.filter(agency=force, role__in=COLLABORATION_ROLES, is_active=True)
    if exclude is not None:
        staff = staff.exclude(pk=exclude.pk)
    return list(staff)


def _link(request: CollaborationRequest) -> str:
    return f"/collaboration/requests/{request.pk}/"


def _require_receiver(actor: User, request: CollaborationRequest) -> None:
    if not collaborates(actor) or actor.agency_id != request.to_force_id:
        raise PermissionDenied("Only the force asked can respond to this request")


def _require_requester(actor: User, request: CollaborationRequest) -> None:
    if not collaborates(actor) or actor.agency_id != request.from_force_id:
        raise PermissionDenied("Only the force that asked can record the outcome")


def request_collaboration(*, actor: User, details: RequestDetails) -> CollaborationRequest:
    """Ask another force to act on, or share what it holds about, a person the actor may see
    or a vehicle. Starts the response clock of the request's urgency on the receiving force
    and tells its staff."""
    if not collaborates(actor) or actor.agency is None:
        raise PermissionDenied("Only police force staff can ask another force")
    errors: dict[str, list[str]] = {}
    person: Person | None = None
    registration = ""
    if not is_force(details.to_force) or details.to_force.pk == actor.agency_id:
        errors["to_force"] = ["Choose another police force"]
    if details.subject_kind == SubjectKind.PERSON:
        if details.person_id is not None and may_see_person(actor, details.person_id):
            person = Person.objects.filter(pk=details.person_id).first()
        if person is None:
            errors["person"] = ["The person could not be found"]
    elif details.subject_kind == SubjectKind.VEHICLE:
        try:
            registration = normalise_vehicle_registration(details.vehicle_registration)
        except ValidationError as error:
            errors["vehicle_registration"] = list(error.messages)
    else:
        errors["subject_kind"] = ["Choose whether the request is about a person or a vehicle"]
    if details.ask not in Ask.values:
        errors["ask"] = ["Choose what you are asking the force to do"]
    text = details.details.strip()
    if not text:
        errors["details"] = ["Enter what you are asking and why"]
    elif len(text) > DETAILS_MAX_LENGTH:
        errors["details"] = [
            f"What you are asking must be {DETAILS_MAX_LENGTH:,} characters or fewer"
        ]
    if details.urgency not in Urgency.values:
        errors["urgency"] = ["Choose how urgent the request is"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request = CollaborationRequest(
            from_force=actor.agency,
            to_force=details.to_force,
            requested_by=actor,
            subject_kind=details.subject_kind,
            person=person,
            vehicle_registration=registration,
            ask=details.ask,
            details=text,
            urgency=details.urgency,
        )
        request.clock = start_clock(
            clock_type=CLOCK_FOR_URGENCY[details.urgency],
            authority=details.to_force,
            subject=request.subject,
            started_on=timezone.localdate(request.requested_at),
            accountable=None,
            person=person,
            actor=actor,
        )
        request.save(force_insert=True)
        record(
            AuditVerb.COLLABORATION_REQUESTED,
            actor=actor,
            target_type=TargetType.COLLABORATION_REQUEST,
            target_id=request.pk,
            legal_basis=LegalBasis.POLICE_COLLABORATION,
            payload={
                "to": details.to_force.code,
                "subject_kind": details.subject_kind,
                "person": str(person.pk) if person else None,
                "ask": details.ask,
                "urgency": details.urgency,
                "due_on": request.clock.due_on.isoformat(),
            },
        )
        record_sent(
            "cross-force-request",
            [Sent(request.pk, details.to_force.pk, actor.agency_id, request.requested_at)],
            actor=actor,
        )
        notify_users(
            _force_staff(details.to_force),
            subject=f"Request from {actor.agency.name}",
            body=f"{actor.agency.name} asks your force to "
            f"{request.get_ask_display().lower()} about "
            f"{'a person' if person else 'a vehicle'}. A response is due by "
            f"{request.clock.due_on:%-d %B %Y}.",
            link=_link(request),
        )
    return request


def _meet_response_clock(request: CollaborationRequest, actor: User) -> None:
    meet_clock(clock=request.clock, met_on=timezone.localdate(), actor=actor)


def accept_request(*, actor: User, request: CollaborationRequest) -> CollaborationRequest:
    """The receiving force takes the request on. A person named in it is now held by the
    receiving force too, so that its staff can look into what they know."""
    _require_receiver(actor, request)
    if not request.awaits_response:
        raise ValidationError({"decision": ["This request has already been responded to"]})
    with transaction.atomic():
        now = timezone.now()
        updated = CollaborationRequest.objects.filter(
            pk=request.pk, status=Status.REQUESTED
        ).update(status=Status.ACCEPTED, responded_by=actor, responded_at=now)
        if not updated:
            raise ValidationError({"decision": ["This request has already been responded to"]})
        request.status, request.responded_by, request.responded_at = Status.ACCEPTED, actor, now
        record_acted("cross-force-request", [Acted(request.pk, "Accepted", now)], actor=actor)
        if request.person is not None:
            ensure_agency_record(request.person, request.to_force)
        record(
            AuditVerb.COLLABORATION_ANSWERED,
            actor=actor,
            target_type=TargetType.COLLABORATION_REQUEST,
            target_id=request.pk,
            legal_basis=LegalBasis.POLICE_COLLABORATION,
            payload={
                "decision": "accepted",
                "person_shared": str(request.person_id) if request.person_id else None,
            },
        )
        notify_users(
            _force_staff(request.from_force),
            subject=f"{request.to_force.name} accepted your request",
            body=f"{request.to_force.name} accepted your request and will answer it.",
            link=_link(request),
        )
    return request


def decline_request(
    *, actor: User, request: CollaborationRequest, reason: str
) -> CollaborationRequest:
    """The receiving force declines, with its reason. Declining is a response: it meets the
    response clock. The person named is not shared."""
    _require_receiver(actor, request)
    reason = reason.strip()
    errors: dict[str, list[str]] = {}
    if not request.awaits_response:
        errors["decision"] = ["This request has already been responded to"]
    if len(reason) < REASON_MIN_LENGTH:
        errors["reason"] = [f"Explain why you decline in at least {REASON_MIN_LENGTH} characters"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        now = timezone.now()
        updated = CollaborationRequest.objects.filter(
            pk=request.pk, status=Status.REQUESTED
        ).update(
            status=Status.DECLINED, responded_by=actor, responded_at=now, decline_reason=reason
        )
        if not updated:
            raise ValidationError({"decision": ["This request has already been responded to"]})
        request.status, request.responded_by, request.responded_at = Status.DECLINED, actor, now
        request.decline_reason = reason
        record_acted("cross-force-request", [Acted(request.pk, "Declined", now)], actor=actor)
        _meet_response_clock(request, actor)
        record(
            AuditVerb.COLLABORATION_ANSWERED,
            actor=actor,
            target_type=TargetType.COLLABORATION_REQUEST,
            target_id=request.pk,
            reason=reason,
            legal_basis=LegalBasis.POLICE_COLLABORATION,
            payload={"decision": "declined"},
        )
        notify_users(
            _force_staff(request.from_force),
            subject=f"{request.to_force.name} declined your request",
            body=f"{request.to_force.name} declined your request and gave its reason. "
            "Record the outcome when you have decided what to do.",
            link=_link(request),
        )
    return request


def answer_request(
    *, actor: User, request: CollaborationRequest, answer: str
) -> CollaborationRequest:
    """The receiving force gives what it holds, or what it did. Meets the response clock
    (late when after the deadline)."""
    _require_receiver(actor, request)
    answer = answer.strip()
    errors: dict[str, list[str]] = {}
    if not request.awaits_answer:
        errors["answer"] = [
            "Accept the request before answering it"
            if request.awaits_response
            else "This request has already been answered"
        ]
    if not answer:
        errors["answer"] = errors.get("answer") or [
            "Enter what your force holds or did, or that it holds nothing"
        ]
    elif len(answer) > ANSWER_MAX_LENGTH:
        errors["answer"] = [f"The answer must be {ANSWER_MAX_LENGTH:,} characters or fewer"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        now = timezone.now()
        updated = CollaborationRequest.objects.filter(pk=request.pk, status=Status.ACCEPTED).update(
            status=Status.ANSWERED, answer=answer, answered_by=actor, answered_at=now
        )
        if not updated:
            raise ValidationError({"answer": ["This request has already been answered"]})
        request.status, request.answer = Status.ANSWERED, answer
        request.answered_by, request.answered_at = actor, now
        _meet_response_clock(request, actor)
        record(
            AuditVerb.COLLABORATION_ANSWERED,
            actor=actor,
            target_type=TargetType.COLLABORATION_REQUEST,
            target_id=request.pk,
            legal_basis=LegalBasis.POLICE_COLLABORATION,
            payload={
                "decision": "answered",
                "late": request.clock.met_on is not None
                and request.clock.met_on > request.clock.due_on,
            },
        )
        notify_users(
            _force_staff(request.from_force),
            subject=f"{request.to_force.name} answered your request",
            body=f"{request.to_force.name} answered your request. Record the outcome when "
            "you have acted on it.",
            link=_link(request),
        )
    return request


def complete_request(
    *, actor: User, request: CollaborationRequest, outcome: str, notes: str = ""
) -> CollaborationRequest:
    """The requesting force records how the request ended. A request may be withdrawn at
    any time before then; any other outcome follows an answer or a refusal."""
    _require_requester(actor, request)
    notes = notes.strip()
    errors: dict[str, list[str]] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = ["Choose the outcome"]
    elif not request.is_open:
        errors["outcome"] = ["This request already has an outcome"]
    elif outcome != Outcome.WITHDRAWN and not request.awaits_outcome:
        errors["outcome"] = [
            "Wait for the other force to answer or decline, or withdraw the request"
        ]
    if len(notes) > DETAILS_MAX_LENGTH:
        errors["notes"] = [f"Notes must be {DETAILS_MAX_LENGTH:,} characters or fewer"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        now = timezone.now()
        updated = (
            CollaborationRequest.objects.filter(pk=request.pk)
            .exclude(status=Status.COMPLETED)
            .update(
                status=Status.COMPLETED,
                outcome=outcome,
                outcome_notes=notes,
                completed_by=actor,
                completed_at=now,
            )
        )
        if not updated:
            raise ValidationError({"outcome": ["This request already has an outcome"]})
        was_waiting = request.awaits_response or request.awaits_answer
        request.status, request.outcome, request.outcome_notes = Status.COMPLETED, outcome, notes
        request.completed_by, request.completed_at = actor, now
        if was_waiting:
            stop_clock(
                clock=request.clock,
                on=timezone.localdate(now),
                actor=actor,
                reason="The requesting force withdrew the request",
            )
        record(
            AuditVerb.COLLABORATION_COMPLETED,
            actor=actor,
            target_type=TargetType.COLLABORATION_REQUEST,
            target_id=request.pk,
            legal_basis=LegalBasis.POLICE_COLLABORATION,
            payload={"outcome": outcome},
        )
        notify_users(
            _force_staff(request.to_force),
            subject=f"{request.from_force.name} closed its request",
            body=f"{request.from_force.name} recorded the outcome of its request: "
            f"{request.get_outcome_display().lower()}.",
            link=_link(request),
        )
    return request


def notify_overdue_requests(today: date | None = None) -> int:
    """Tell both forces, once, about each request whose response is overdue: the staff of
    the force asked, and the officer who asked. Run it every morning (the worker does)."""
    today = today or timezone.localdate()
    overdue = CollaborationRequest.objects.filter(
        status__in=(Status.REQUESTED, Status.ACCEPTED),
        clock__due_on__lt=today,
        clock__met_on__isnull=True,
        clock__cancelled_on__isnull=True,
        overdue_notified_at__isnull=True,
    ).select_related("from_force", "to_force", "requested_by", "clock")
    told = 0
    for request in overdue:
        with transaction.atomic():
            notify_users(
                _force_staff(request.to_force),
                subject=f"Overdue: request from {request.from_force.name}",
                body=f"A response to {request.from_force.name}'s request was due on "
                f"{request.clock.due_on:%A %-d %B %Y}.",
                link=_link(request),
            )
            notify_users(
                [request.requested_by],
                subject=f"{request.to_force.name} has not responded in time",
                body=f"The response to your request was due on "
                f"{request.clock.due_on:%A %-d %B %Y}.",
                link=_link(request),
            )
            CollaborationRequest.objects.filter(pk=request.pk).update(
                overdue_notified_at=timezone.now()
            )
        told += 1
    return told
