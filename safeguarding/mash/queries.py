"""Reads for the MASH: its queue, one contact, and partners' information requests. Each
read of personal data is audited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.http import Http404

from safeguarding.access.models import User
from safeguarding.access.policy import does_case_work
from safeguarding.access.visibility import Item, Shown, shown_to
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.concerns.models import Concern, ConcernPerson, PersonRole
from safeguarding.concerns.queries import concerns_about
from safeguarding.mash.actions import REFERRER_LEADS, TRIAGE_ROLES
from safeguarding.mash.models import Contact, InformationRequest, Rag
from safeguarding.people.models import Person
from safeguarding.people.queries import access_person

RAG_ORDER = Case(
    When(rag=Rag.RED, then=Value(0)),
    When(rag=Rag.UNRATED, then=Value(1)),
    When(rag=Rag.AMBER, then=Value(2)),
    When(rag=Rag.GREEN, then=Value(3)),
    output_field=IntegerField(),
)


def is_triage_officer(user: User) -> bool:
    return bool(
        user.is_authenticated
        and user.role in TRIAGE_ROLES
        and user.agency_id
        and user.agency is not None
        and user.agency.is_local_authority
    )


def triage_queue(user: User, *, limit: int = 200) -> list[Contact]:
    """Contacts awaiting a decision at the user's MASH: those flagged as immediate risk,
    then red, then oldest first."""
    if not is_triage_officer(user):
        return []
    contacts: list[Contact] = list(
        Contact.objects.filter(authority_id=user.agency_id, decision="")
        .select_related("concern__agency", "allocated_to")
        .prefetch_related(
            # Only the children, and only what the queue shows of them: the page draws a
            # row per contact, and building whole records for everyone named cost more
            # than the query.
            Prefetch(
                "concern__involvements",
                queryset=ConcernPerson.objects.filter(role=PersonRole.CHILD)
                .select_related("person")
                .only("concern_id", "role", "person__given_name", "person__family_name"),
                to_attr="children_named",
            )
        )
        .annotate(rag_order=RAG_ORDER)
        .order_by("-immediate_risk", "rag_order", "received_at")[:limit]
    )
    record(
        AuditVerb.TRIAGE_QUEUE_VIEWED,
        actor=user,
        target_type=TargetType.CONTACT_LIST,
        payload={"contacts": [str(c.pk) for c in contacts]},
    )
    return contacts


@dataclass
class ChildHistory:
    """What the service holds about one child named on a contact, from every agency, as
    far as the MASH officer may see it: the other concerns, newest first, each with the
    MASH's decision on it if there was one."""

    person: Person
    concerns: list[Concern]
    more: int  # older concerns not shown here; the child's page lists them all


def contact_history(user: User, contact: Contact, *, limit: int = 10) -> list[ChildHistory]:
    """The multi-agency history of each child ``contact`` names, for its contact page: read
    through access_person (so each child's record is checked and its reading audited) and
    concerns_about, as the child's own page reads it."""
    histories = []
    children = (
        ConcernPerson.objects.filter(concern_id=contact.concern_id, role=PersonRole.CHILD)
        .order_by("pk")
        .values_list("person_id", flat=True)
    )
    for person_id in dict.fromkeys(children):
        try:
            person = access_person(user, person_id, purpose="triage a contact")
        except Http404:
            continue
        others = (
            concerns_about(user, person).exclude(pk=contact.concern_id).select_related("contact")
        )
        shown = list(others[:limit])
        histories.append(
            ChildHistory(person, shown, others.count() - len(shown) if len(shown) == limit else 0)
        )
    return histories


def recent_decisions(user: User, *, limit: int = 20) -> QuerySet[Contact]:
    return (
        Contact.objects.filter(authority_id=user.agency_id)
        .exclude(decision="")
        .select_related("decided_by")
        .order_by("-decided_at")[:limit]
    )


def access_contact(user: User, contact_id: uuid.UUID | str) -> Contact:
    """One contact, for its authority's MASH only; 404 for anyone else."""
    try:
        key = uuid.UUID(str(contact_id))
    except ValueError as error:
        raise Http404 from error
    if not is_triage_officer(user):
        raise Http404
    contact = (
        Contact.objects.filter(pk=key, authority_id=user.agency_id)
        .select_related("concern__agency", "allocated_to", "decided_by")
        .first()
    )
    if contact is None:
        raise Http404
    record(
        AuditVerb.CONTACT_VIEWED, actor=user, target_type=TargetType.CONTACT, target_id=contact.pk
    )
    return contact


def information_inbox(user: User) -> QuerySet[InformationRequest]:
    """Requests addressed to the user's agency, unanswered first: for its staff who do case
    work, who alone read the answers (access.visibility)."""
    if not user.is_authenticated or user.agency_id is None or not does_case_work(user):
        return InformationRequest.objects.none()
    return (
        InformationRequest.objects.filter(to_agency_id=user.agency_id)
        .select_related("contact__authority")
        .order_by("answered_at", "due_on")
    )


def access_information_request(user: User, request_id: uuid.UUID | str) -> InformationRequest:
    """A request, for the agency asked or the asking MASH; it names the child so that the
    partner can look in its own records (a share under DPA 2018 Sch 1 para 18, audited)."""
    try:
        key = uuid.UUID(str(request_id))
    except ValueError as error:
        raise Http404 from error
    request = (
        InformationRequest.objects.filter(pk=key)
        .select_related("contact__concern", "contact__authority", "to_agency")
        .first()
    )
    if request is None or user.agency_id not in (
        request.to_agency_id,
        request.contact.authority_id,
    ):
        raise Http404
    # The answer is the partner's: for its staff who do case work, and the asking MASH.
    if (
        shown_to(user, Item.PARTNER_ANSWER, recorded_by_agency_id=request.to_agency_id)
        == Shown.NONE
    ):
        raise Http404
    record(
        AuditVerb.CONTACT_VIEWED,
        actor=user,
        target_type=TargetType.CONTACT,
        target_id=request.contact_id,
        payload={"request": str(request.pk)},
    )
    return request


def referrals_of(user: User, *, limit: int = 50) -> list[Contact]:
    """The concerns ``user``'s agency sent to a MASH, newest first, with their outcome:
    every one the agency sent for its safeguarding leads, the user's own for anyone else.
    A referrer is owed the decision, not the MASH's rationale, which the page leaves out.
    The list names children, so it is audited."""
    if not does_case_work(user) or user.agency_id is None:
        return []
    sent = Contact.objects.filter(concern__agency_id=user.agency_id)
    if user.role not in REFERRER_LEADS:
        sent = sent.filter(concern__recorded_by=user)
    contacts: list[Contact] = list(
        sent.select_related("authority", "concern")
        .prefetch_related(
            Prefetch(
                "concern__involvements",
                queryset=ConcernPerson.objects.filter(role=PersonRole.CHILD).select_related(
                    "person"
                ),
                to_attr="children_named",
            )
        )
        .order_by("-received_at", "-pk")[:limit]
    )
    if contacts:
        record(
            AuditVerb.CONCERNS_LISTED,
            actor=user,
            target_type=TargetType.CONCERN_LIST,
            payload={"concerns": [str(contact.concern_id) for contact in contacts]},
        )
    return contacts
