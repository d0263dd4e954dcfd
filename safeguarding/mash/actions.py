"""Triage at the MASH: rating, allocating, asking partners, and the threshold decision."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.access.models import Agency, User
from safeguarding.access.roles import Role
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.clocks.actions import ClockStart, meet_clocks_for, plan_clocks, start_clock
from safeguarding.clocks.rules import ClockType
from safeguarding.concerns.models import PersonRole
from safeguarding.concerns.reactions import RecordedConcerns
from safeguarding.mash.models import Contact, Decision, InformationRequest, Rag
from safeguarding.notifications.actions import notify_users
from safeguarding.writes.unit import WriteRun, Writes

RATIONALE_MIN_LENGTH = 20
TRIAGE_ROLES = frozenset({Role.MASH_TRIAGE, Role.TEAM_MANAGER})
# What each decision starts, counted from the day the contact was received.
CLOCKS_STARTED_BY: dict[str, list[str]] = {
    Decision.ASSESSMENT: [ClockType.ASSESSMENT],
    Decision.STRATEGY_DISCUSSION: [ClockType.STRATEGY_DISCUSSION],
    Decision.IMMEDIATE_PROTECTION: [ClockType.STRATEGY_DISCUSSION],
}


def _require_triage(actor: User, contact: Contact) -> None:
    if actor.role not in TRIAGE_ROLES or actor.agency_id != contact.authority_id:
        raise PermissionDenied("Only the authority's MASH can triage its contacts")


def open_contacts(recorded: RecordedConcerns, writes: Writes, run: WriteRun) -> None:
    """Registered with concerns.reactions: every new concern reaches its authority's MASH
    as a contact, and the one-working-day decision clock starts on the first child named,
    counted from the day the concern was received."""
    contacts = [
        Contact(concern=concern, authority=concern.local_authority, received_at=concern.received_at)
        for concern in recorded.new
    ]
    writes.add_objects(Contact, contacts)
    plan_clocks(
        [
            ClockStart(
                clock_type=ClockType.REFERRAL_DECISION,
                authority=concern.local_authority,
                subject=contact.subject,
                started_on=timezone.localdate(concern.received_at),
                person_id=recorded.first_child(concern),
                about=concern.pk,
            )
            for concern, contact in zip(recorded.new, contacts, strict=True)
        ],
        writes,
        run,
    )


def rate_contact(*, actor: User, contact: Contact, rag: str) -> Contact:
    _require_triage(actor, contact)
    if rag not in Rag.values:
        raise ValidationError({"rag": ["Choose red, amber or green"]})
    with transaction.atomic():
        Contact.objects.filter(pk=contact.pk).update(rag=rag)
        contact.rag = rag
        record(
            AuditVerb.CONTACT_RATED,
            actor=actor,
            target_type="contact",
            target_id=contact.pk,
            payload={"rag": rag},
        )
    return contact


def allocate_contact(*, actor: User, contact: Contact, to: User) -> Contact:
    """Give the contact to a MASH officer, who becomes accountable for its decision clock."""
    from safeguarding.clocks.models import Clock

    _require_triage(actor, contact)
    if to.agency_id != contact.authority_id or to.role not in TRIAGE_ROLES:
        raise ValidationError({"to": ["Allocate to a member of this authority's MASH"]})
    with transaction.atomic():
        Contact.objects.filter(pk=contact.pk).update(allocated_to=to)
        contact.allocated_to = to
        Clock.objects.filter(subject=contact.subject, met_on__isnull=True).update(accountable=to)
        record(
            AuditVerb.CONTACT_ALLOCATED,
            actor=actor,
            target_type="contact",
            target_id=contact.pk,
            payload={"to": to.pk},
        )
    return contact


def request_information(
    *, actor: User, contact: Contact, to_agency: Agency, question: str
) -> InformationRequest:
    """Ask a partner agency what it holds; the request has its own clock."""
    from safeguarding.clocks.actions import deadline

    _require_triage(actor, contact)
    question = question.strip()
    if not question:
        raise ValidationError({"question": ["Enter what you are asking the agency"]})
    if to_agency.pk == contact.authority_id:
        raise ValidationError({"to_agency": ["Choose a partner agency, not your own"]})
    with transaction.atomic():
        today = timezone.localdate()
        request = InformationRequest.objects.create(
            contact=contact,
            to_agency=to_agency,
            question=question,
            requested_by=actor,
            due_on=deadline(ClockType.PARTNER_INFORMATION, today, contact.authority),
        )
        start_clock(
            clock_type=ClockType.PARTNER_INFORMATION,
            authority=contact.authority,
            subject=request.subject,
            started_on=today,
            accountable=None,
            actor=actor,
        )
        record(
            AuditVerb.INFORMATION_REQUESTED,
            actor=actor,
            target_type="contact",
            target_id=contact.pk,
            legal_basis="Children Act 2004 s.11; DPA 2018 Sch 1 para 18",
            payload={"request": str(request.pk), "to": to_agency.code},
        )
        partners = User.objects.filter(
            agency=to_agency,
            is_active=True,
            role__in=[
                Role.DESIGNATED_SAFEGUARDING_LEAD,
                Role.TEAM_MANAGER,
                Role.POLICE_ANALYST,
                Role.PRACTITIONER,
            ],
        )
        notify_users(
            partners,
            subject=f"Information request from {contact.authority.name}",
            body=f"The MASH asks what your agency holds about a child. Answer by "
            f"{request.due_on:%-d %B %Y}.",
            link=f"/mash/requests/{request.pk}/",
        )
    return request


def answer_information_request(
    *, actor: User, request: InformationRequest, answer: str
) -> InformationRequest:
    if actor.agency_id != request.to_agency_id:
        raise PermissionDenied("Only the agency asked can answer")
    answer = answer.strip()
    if not answer:
        raise ValidationError(
            {"answer": ["Enter what your agency holds, or that it holds nothing"]}
        )
    if request.answered_at is not None:
        raise ValidationError({"answer": ["This request has already been answered"]})
    with transaction.atomic():
        now = timezone.now()
        InformationRequest.objects.filter(pk=request.pk).update(
            answer=answer, answered_by=actor, answered_at=now
        )
        request.answer, request.answered_by, request.answered_at = answer, actor, now
        meet_clocks_for(
            subject=request.subject,
            clock_type=ClockType.PARTNER_INFORMATION,
            met_on=timezone.localdate(now),
            actor=actor,
        )
        record(
            AuditVerb.INFORMATION_SHARED,
            actor=actor,
            target_type="contact",
            target_id=request.contact_id,
            legal_basis="DPA 2018 Sch 1 para 18",
            payload={"request": str(request.pk)},
        )
    return request


def decide_contact(
    *,
    actor: User,
    contact: Contact,
    decision: str,
    rationale: str,
    decided_at: datetime | None = None,
) -> Contact:
    """Record the threshold decision and its rationale; meet the decision clock and start
    the clocks the decision sets running. ``decided_at`` is for loading an authority's
    history; it defaults to now."""
    _require_triage(actor, contact)
    errors: dict[str, list[str]] = {}
    if decision not in Decision.values:
        errors["decision"] = ["Choose the decision"]
    if len(rationale.strip()) < RATIONALE_MIN_LENGTH:
        errors["rationale"] = [
            f"Explain the decision in at least {RATIONALE_MIN_LENGTH} characters"
        ]
    if contact.is_decided:
        errors["decision"] = ["This contact has already been decided"]
    if decided_at is not None and not contact.received_at <= decided_at <= timezone.now():
        errors["decided_at"] = ["A decision must come after the contact and not in the future"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        now = decided_at or timezone.now()
        Contact.objects.filter(pk=contact.pk).update(
            decision=decision, rationale=rationale.strip(), decided_by=actor, decided_at=now
        )
        contact.decision, contact.rationale = decision, rationale.strip()
        contact.decided_by, contact.decided_at = actor, now
        meet_clocks_for(
            subject=contact.subject,
            clock_type=ClockType.REFERRAL_DECISION,
            met_on=timezone.localdate(now),
            actor=actor,
        )
        child = contact.concern.involvements.filter(role=PersonRole.CHILD).first()
        no_clocks: list[str] = []
        for clock_type in CLOCKS_STARTED_BY.get(decision, no_clocks):
            start_clock(
                clock_type=clock_type,
                authority=contact.authority,
                subject=contact.subject,
                started_on=timezone.localdate(contact.received_at),
                accountable=contact.allocated_to or actor,
                person=child.person if child else None,
                actor=actor,
            )
        record(
            AuditVerb.CONTACT_DECIDED,
            actor=actor,
            target_type="contact",
            target_id=contact.pk,
            reason=rationale.strip(),
            payload={"decision": decision},
        )
    return contact
