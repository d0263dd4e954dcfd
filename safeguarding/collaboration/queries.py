"""Reads of requests between police forces. A request is seen by the staff of the two forces
it is between, and by nobody else: to anyone else it answers 404, as if it did not exist.
Every read is audited."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet
from django.http import Http404

from safeguarding.access.models import User
from safeguarding.access.policy import may_see_person
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.collaboration.models import CollaborationRequest, Status
from safeguarding.collaboration.policy import collaborates

LIST_LIMIT = 200


def _with_details(requests: QuerySet[CollaborationRequest]) -> QuerySet[CollaborationRequest]:
    return requests.select_related(
        "from_force", "to_force", "person", "clock", "requested_by", "responded_by", "answered_by"
    )


def _audit_list(user: User, name: str, requests: list[CollaborationRequest]) -> None:
    record(
        AuditVerb.COLLABORATION_VIEWED,
        actor=user,
        target_type=TargetType.COLLABORATION_REQUEST_LIST,
        target_id=name,
        legal_basis=LegalBasis.POLICE_COLLABORATION,
        payload={
            "requests": [str(request.pk) for request in requests],
            "persons": sorted(
                {str(request.person_id) for request in requests if request.person_id}
            ),
        },
    )


def inbox(user: User, *, open_only: bool = False) -> list[CollaborationRequest]:
    """Requests made to the user's force: those waiting for a response first, then the
    newest."""
    if not collaborates(user):
        return []
    requests = CollaborationRequest.objects.filter(to_force_id=user.agency_id)
    if open_only:
        requests = requests.exclude(status=Status.COMPLETED)
    found = sorted(
        _with_details(requests)[:LIST_LIMIT],
        key=lambda request: (not request.awaits_response, -request.requested_at.timestamp()),
    )
    _audit_list(user, "inbox", found)
    return found


def outbox(user: User, *, open_only: bool = False) -> list[CollaborationRequest]:
    """Requests the user's force made, newest first."""
    if not collaborates(user):
        return []
    requests = CollaborationRequest.objects.filter(from_force_id=user.agency_id)
    if open_only:
        requests = requests.exclude(status=Status.COMPLETED)
    found = list(_with_details(requests)[:LIST_LIMIT])
    _audit_list(user, "outbox", found)
    return found


def access_request(
    user: User, request_id: uuid.UUID | str, *, purpose: str = "see a request between forces"
) -> CollaborationRequest:
    """One request, for the staff of the two forces it is between; 404 for anyone else.

    The receiving force sees the name and date of birth of a person named in it, so that it
    can look in its own records, before it accepts; it sees the person's record only once
    it has accepted (then it holds a record of the person)."""
    try:
        key = uuid.UUID(str(request_id))
    except ValueError as error:
        raise Http404 from error
    if not collaborates(user):
        raise Http404
    request = (
        _with_details(CollaborationRequest.objects.filter(pk=key))
        .filter(Q(from_force_id=user.agency_id) | Q(to_force_id=user.agency_id))
        .first()
    )
    if request is None:
        raise Http404
    record(
        AuditVerb.COLLABORATION_VIEWED,
        actor=user,
        target_type=TargetType.COLLABORATION_REQUEST,
        target_id=request.pk,
        reason=purpose,
        legal_basis=LegalBasis.POLICE_COLLABORATION,
        payload={"person": str(request.person_id) if request.person_id else None},
    )
    return request


def may_open_person_record(user: User, request: CollaborationRequest) -> bool:
    """Whether the page may link to the person's own record (need-to-know decides)."""
    return request.person_id is not None and may_see_person(user, request.person_id)
