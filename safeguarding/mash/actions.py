"""Triage at the MASH: rating, allocating, asking partners, and the threshold decision."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.access.models import Agency, User
from safeguarding.access.roles import Role
from safeguarding.audit.chain import PendingEntry, record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.clocks.actions import (
    ClockMeeting,
    ClockStart,
    meet_clocks_for,
    open_clocks_of,
    plan_clock_meetings,
    plan_clocks,
    start_clock,
)
from safeguarding.clocks.rules import ClockType
from safeguarding.concerns.models import Concern, ConcernPerson, PersonRole
from safeguarding.concerns.reactions import RecordedConcerns
from safeguarding.mash.models import Contact, Decision, InformationRequest, Rag
from safeguarding.notifications.actions import Digest, Message, notify_each, notify_users
from safeguarding.worklists.actions import Acted, Sent, record_acted, record_sent
from safeguarding.writes.rows import in_chunks, update
from safeguarding.writes.unit import WriteRun, Writes, apply

RATIONALE_MIN_LENGTH = 20
ALREADY_DECIDED = "This contact has already been decided"
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
    # Plain rows, not model instances: a file of concerns opens thousands at once.
    contact_ids = [uuid.uuid4() for _ in recorded.new]
    writes.add_values(
        Contact,
        ("id", "concern", "authority", "received_at", "immediate_risk"),
        [
            (
                contact_id,
                concern.pk,
                concern.local_authority_id,
                concern.received_at,
                concern.immediate_risk,
            )
            for contact_id, concern in zip(contact_ids, recorded.new, strict=True)
        ],
    )
    # The referral's receipt, from the agency that recorded it to the authority's MASH.
    record_sent(
        "referral",
        [
            Sent(
                contact_id,
                concern.local_authority_id,
                concern.agency_id,
                concern.received_at,
                about=concern.pk,
            )
            for contact_id, concern in zip(contact_ids, recorded.new, strict=True)
        ],
        actor=recorded.actor,
        writes=writes,
    )
    urgent = [
        (contact_id, concern.local_authority_id)
        for contact_id, concern in zip(contact_ids, recorded.new, strict=True)
        if concern.immediate_risk
    ]
    if urgent:
        writes.then(lambda: notify_each(_immediate_risk_alerts(urgent)))
    plan_clocks(
        [
            ClockStart(
                clock_type=ClockType.REFERRAL_DECISION,
                authority=concern.local_authority,
                subject=Contact.subject_of(contact_id),
                started_on=timezone.localdate(concern.received_at),
                person_id=recorded.first_child(concern),
                about=concern.pk,
            )
            for concern, contact_id in zip(recorded.new, contact_ids, strict=True)
        ],
        writes,
        run,
        as_objects=False,
    )


def _immediate_risk_alerts(contacts: Sequence[tuple[uuid.UUID, int]]) -> list[Message]:
    """At once, to everyone triaging at each contact's MASH: a new contact flagged as
    immediate risk. Without the child's name or the concern: notifications are emailed."""
    authorities = {authority_id for _, authority_id in contacts}
    triage: dict[int, list[User]] = {}
    for user in User.objects.filter(
        agency_id__in=authorities, role__in=TRIAGE_ROLES, is_active=True
    ).order_by("pk"):
        assert user.agency_id is not None
        triage.setdefault(user.agency_id, []).append(user)
    return [
        Message(
            triage.get(authority_id, []),
            subject="Immediate risk: a new contact needs a decision now",
            body="A concern sent to your MASH says a child is at immediate risk or the police "
            "have been called. It is at the top of the queue.",
            link=f"/mash/contacts/{contact_id}/",
        )
        for contact_id, authority_id in contacts
    ]


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
            target_type=TargetType.CONTACT,
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
            target_type=TargetType.CONTACT,
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
            target_type=TargetType.CONTACT,
            target_id=contact.pk,
            legal_basis=LegalBasis.PARTNER_DUTY_TO_SAFEGUARD,
            payload={"request": str(request.pk), "to": to_agency.code},
        )
        record_sent(
            "information-request",
            [Sent(request.pk, to_agency.pk, contact.authority_id)],
            actor=actor,
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
            target_type=TargetType.CONTACT,
            target_id=request.contact_id,
            legal_basis=LegalBasis.SAFEGUARDING_CONDITION,
            payload={"request": str(request.pk)},
        )
        record_acted("information-request", [Acted(request.pk, "Answered")], actor=actor)
    return request


@dataclass(frozen=True)
class ContactDecision:
    """One threshold decision: what the MASH decided about ``contact``, and why.
    ``decided_at`` is for loading an authority's history; it defaults to now."""

    contact: Contact
    decision: str
    rationale: str
    decided_at: datetime | None = None


def _decision_errors(item: ContactDecision, now: datetime) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if item.decision not in Decision.values:
        errors["decision"] = ["Choose the decision"]
    if len(item.rationale.strip()) < RATIONALE_MIN_LENGTH:
        errors["rationale"] = [
            f"Explain the decision in at least {RATIONALE_MIN_LENGTH} characters"
        ]
    if item.contact.is_decided:
        errors["decision"] = [ALREADY_DECIDED]
    if item.decided_at is not None and not item.contact.received_at <= item.decided_at <= now:
        errors["decided_at"] = ["A decision must come after the contact and not in the future"]
    return errors


def _first_children(concern_ids: list[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """The first child named in each concern, by concern."""
    children: dict[uuid.UUID, uuid.UUID] = {}
    for chunk in in_chunks(concern_ids):
        for concern_id, person_id in (
            ConcernPerson.objects.filter(concern_id__in=chunk, role=PersonRole.CHILD)
            .order_by("pk")
            .values_list("concern_id", "person_id")
        ):
            children.setdefault(concern_id, person_id)
    return children


def decide_contacts(*, actor: User, decisions: Sequence[ContactDecision]) -> list[Contact]:
    """Record threshold decisions and their rationales, as one batch: meet each contact's
    decision clock and start the clocks its decision sets running (counted from the day
    the contact was received), as that many decisions one at a time would. Every decision
    is checked before any is written; the first that fails stops the batch."""
    for item in decisions:
        _require_triage(actor, item.contact)
    now = timezone.now()
    seen: set[uuid.UUID] = set()
    for item in decisions:
        errors = _decision_errors(item, now)
        if item.contact.pk in seen:
            errors["decision"] = [ALREADY_DECIDED]
        if errors:
            raise ValidationError(errors)
        seen.add(item.contact.pk)
    contacts = [item.contact for item in decisions]
    with transaction.atomic():
        # Decided meanwhile by someone else (their copy of the contact was newer).
        for chunk in in_chunks(list(seen)):
            if Contact.objects.select_for_update().filter(pk__in=chunk).exclude(decision=""):
                raise ValidationError({"decision": [ALREADY_DECIDED]})
        children = _first_children([contact.concern_id for contact in contacts])
        authorities = Agency.objects.in_bulk({contact.authority_id for contact in contacts})
        allocated = User.objects.in_bulk(
            {contact.allocated_to_id for contact in contacts if contact.allocated_to_id}
        )
        decision_clocks = open_clocks_of(
            [contact.subject for contact in contacts], ClockType.REFERRAL_DECISION
        )
        writes, rows = Writes(), []
        meetings: list[ClockMeeting] = []
        starts: list[ClockStart] = []
        for item in decisions:
            contact, rationale = item.contact, item.rationale.strip()
            decided_at = item.decided_at or now
            rows.append((contact.pk, item.decision, rationale, actor.pk, decided_at))
            contact.decision, contact.rationale = item.decision, rationale
            contact.decided_by, contact.decided_at = actor, decided_at
            meetings += [
                ClockMeeting(clock, timezone.localdate(decided_at), actor, about=contact.pk)
                for clock in decision_clocks.get(contact.subject, [])
            ]
            starts += [
                ClockStart(
                    clock_type=clock_type,
                    authority=authorities[contact.authority_id],
                    subject=contact.subject,
                    started_on=timezone.localdate(contact.received_at),
                    accountable=allocated.get(contact.allocated_to_id) or actor,
                    person_id=children.get(contact.concern_id),
                    actor=actor,
                    about=contact.pk,
                )
                for clock_type in CLOCKS_STARTED_BY.get(item.decision, [])
            ]
        writes.first(
            lambda: update(Contact, ["decision", "rationale", "decided_by", "decided_at"], rows)
        )
        # Each contact's entries read as its decision alone would: the decision clock met,
        # the clocks started, then the decision.
        plan_clock_meetings(meetings, writes)
        plan_clocks(starts, writes, WriteRun())
        for item in decisions:
            writes.audit(
                PendingEntry(
                    AuditVerb.CONTACT_DECIDED,
                    actor=actor,
                    target_type=TargetType.CONTACT,
                    target_id=item.contact.pk,
                    reason=item.rationale.strip(),
                    payload={"decision": item.decision},
                ),
                about=item.contact.pk,
            )
        # The referral's receipt: the decision is the MASH's action on it.
        record_acted(
            "referral",
            [
                Acted(
                    item.contact.pk,
                    f"Decision: {str(Decision(item.decision).label).lower()}",
                    item.decided_at,
                )
                for item in decisions
            ],
            actor=actor,
            writes=writes,
        )
        apply(writes)
        notify_each(_outcomes_for_referrers(actor, decisions, authorities))
    return contacts


# Who hears the outcome of a referral at the agency that sent it, besides whoever recorded
# it: the staff who answer for the agency's safeguarding.
REFERRER_LEADS = frozenset({Role.DESIGNATED_SAFEGUARDING_LEAD, Role.TEAM_MANAGER})
# Outcomes decided while the first is unread reach each person as one notification.
REFERRAL_OUTCOMES = Digest(
    key="referral-outcomes",
    subject="Outcomes of {count} of your referrals",
    body="The MASH decided on {count} concerns your agency sent. Your referrals and their "
    "outcomes are listed on the service.",
    link="/mash/referrals/",
)


def _outcomes_for_referrers(
    actor: User, decisions: Sequence[ContactDecision], authorities: dict[int, Agency]
) -> list[Message]:
    """Feedback to the referrer, as MASH practice expects: the decision (which is the next
    step) goes to the member of staff who recorded the concern and to the safeguarding
    leads of their agency. The MASH's rationale stays with the MASH. A concern the
    authority's own staff recorded is told to its recorder only."""
    concerns = {
        concern.pk: concern
        for chunk in in_chunks([item.contact.concern_id for item in decisions])
        for concern in Concern.objects.filter(pk__in=chunk).select_related("recorded_by")
    }
    agencies = {concern.agency_id for concern in concerns.values()} - set(authorities)
    leads: dict[int, list[User]] = {}
    for lead in User.objects.filter(
        agency_id__in=agencies, role__in=REFERRER_LEADS, is_active=True
    ).order_by("pk"):
        assert lead.agency_id is not None
        leads.setdefault(lead.agency_id, []).append(lead)
    messages: list[Message] = []
    for item in decisions:
        concern = concerns[item.contact.concern_id]
        told = list(leads.get(concern.agency_id, []))
        recorder = concern.recorded_by
        if recorder is not None and recorder.role != Role.SYSTEM_INTEGRATION:
            told.append(recorder)
        told = [user for user in dict.fromkeys(told) if user.pk != actor.pk]
        authority = authorities[item.contact.authority_id]
        messages.append(
            Message(
                told,
                subject=f"Outcome of your referral: {Decision(item.decision).label}",
                body=f"The MASH at {authority.name} decided on the concern your agency sent "
                f"on {timezone.localdate(item.contact.received_at):%-d %B %Y}: "
                f"{str(Decision(item.decision).label).lower()}. Your referrals and their "
                "outcomes are listed on the service.",
                link=f"/mash/referrals/#contact-{item.contact.pk}",
                digest=REFERRAL_OUTCOMES,
            )
        )
    return messages


def decide_contact(
    *,
    actor: User,
    contact: Contact,
    decision: str,
    rationale: str,
    decided_at: datetime | None = None,
) -> Contact:
    """Record the threshold decision and its rationale: a batch of one."""
    decide_contacts(
        actor=actor,
        decisions=[ContactDecision(contact, decision, rationale, decided_at)],
    )
    return contact
