"""Requests between police forces: a force's systems list the requests to and from the
force, and respond to and answer those made to it. The same gatekeepers and actions as the
web pages, so the same need-to-know and audit apply."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal, Self

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Path, Router, Schema
from pydantic import AfterValidator, ConfigDict, WithJsonSchema

from safeguarding.access.models import User
from safeguarding.api.auth import token_user
from safeguarding.api.errors import responses
from safeguarding.api.schemas import _free_text
from safeguarding.collaboration.actions import (
    ANSWER_MAX_LENGTH,
    DETAILS_MAX_LENGTH,
    accept_request,
    answer_request,
    decline_request,
)
from safeguarding.collaboration.models import CollaborationRequest
from safeguarding.collaboration.policy import collaborates
from safeguarding.collaboration.queries import access_request, inbox, outbox

router = Router(tags=["Collaboration between forces"])

RequestId = Annotated[
    str,
    WithJsonSchema({"type": "string", "format": "uuid"}),
    Path(description="The request's id"),
]


class RequestPersonOut(Schema):
    id: uuid.UUID
    given_name: str
    family_name: str
    date_of_birth: date | None


class CollaborationRequestOut(Schema):
    id: uuid.UUID
    from_force: str = Field(description="Code of the force that asked")
    to_force: str = Field(description="Code of the force asked")
    subject_kind: Literal["person", "vehicle"]
    person: RequestPersonOut | None = Field(description="The person the request is about")
    vehicle_registration: str | None
    ask: Literal["share", "act", "both"]
    details: str
    urgency: Literal["urgent", "routine"]
    status: Literal["requested", "accepted", "answered", "declined", "completed"]
    requested_at: datetime
    response_due_on: date
    response_clock: str = Field(description="due, due-soon, overdue, met, met-late or cancelled")
    decline_reason: str | None
    answer: str | None
    outcome: str | None

    @classmethod
    def from_request(cls, request: CollaborationRequest) -> Self:
        person = request.person
        return cls(
            id=request.pk,
            from_force=request.from_force.code,
            to_force=request.to_force.code,
            subject_kind=request.subject_kind,  # type: ignore[arg-type]  # a choice; pydantic checks it
            person=RequestPersonOut(
                id=person.pk,
                given_name=person.given_name,
                family_name=person.family_name,
                date_of_birth=person.date_of_birth,
            )
            if person is not None
            else None,
            vehicle_registration=request.vehicle_registration or None,
            ask=request.ask,  # type: ignore[arg-type]  # a choice; pydantic checks it
            details=request.details,
            urgency=request.urgency,  # type: ignore[arg-type]  # a choice; pydantic checks it
            status=request.status,  # type: ignore[arg-type]  # a choice; pydantic checks it
            requested_at=request.requested_at,
            response_due_on=request.clock.due_on,
            response_clock=str(request.clock.state()),
            decline_reason=request.decline_reason or None,
            answer=request.answer or None,
            outcome=request.outcome or None,
        )


class ResponseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["accept", "decline"]
    reason: Annotated[str, AfterValidator(_free_text)] = Field(
        "",
        max_length=DETAILS_MAX_LENGTH,
        description="Why the force declines (20 characters or more); not used when accepting",
    )


class AnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    answer: Annotated[str, AfterValidator(_free_text)] = Field(
        max_length=ANSWER_MAX_LENGTH,
        description="What the force holds or did, or that it holds nothing",
    )


_list_responses, _list_docs = responses(
    {200: (list[CollaborationRequestOut], "The requests, at most 200")}, 403
)


def _force_user(request: HttpRequest) -> User:
    user = token_user(request)
    if not collaborates(user):
        raise PermissionDenied("Only police forces take part in requests between forces")
    return user


@router.get(
    "/inbox",
    response=_list_responses,
    openapi_extra=_list_docs,
    operation_id="list_collaboration_inbox",
    summary="List requests made to the force",
    description="Requests made to the token holder's police force by other forces, those "
    "waiting for a response first. Only police force staff and systems may list them (403 "
    "otherwise). Audited.",
)
def list_inbox(request: HttpRequest) -> list[CollaborationRequestOut]:
    return [CollaborationRequestOut.from_request(item) for item in inbox(_force_user(request))]


@router.get(
    "/outbox",
    response=_list_responses,
    openapi_extra=_list_docs,
    operation_id="list_collaboration_outbox",
    summary="List requests the force made",
    description="Requests the token holder's police force made to other forces, newest "
    "first. Only police force staff and systems may list them (403 otherwise). Audited.",
)
def list_outbox(request: HttpRequest) -> list[CollaborationRequestOut]:
    return [CollaborationRequestOut.from_request(item) for item in outbox(_force_user(request))]


_one_responses, _one_docs = responses({200: (CollaborationRequestOut, "The request")}, 404)


@router.get(
    "/requests/{id}",
    response=_one_responses,
    openapi_extra=_one_docs,
    operation_id="get_collaboration_request",
    summary="Read a request between forces",
    description="One request, for the two forces it is between; 404 for anyone else. Audited.",
)
def get_request(request: HttpRequest, id: RequestId) -> CollaborationRequestOut:
    found = access_request(token_user(request), id, purpose="read a request (API)")
    return CollaborationRequestOut.from_request(found)


_change_responses, _change_docs = responses(
    {200: (CollaborationRequestOut, "The request, as it now stands")}, 400, 403, 404, 413, 422
)


@router.post(
    "/requests/{id}/response",
    response=_change_responses,
    openapi_extra=_change_docs,
    operation_id="respond_to_collaboration_request",
    summary="Accept or decline a request",
    description="The force asked accepts the request, or declines it with a reason. "
    "Accepting a request about a person gives the force a record of that person. Declining "
    "meets the response deadline. Only the force asked may respond (403). Audited.",
)
def respond(request: HttpRequest, id: RequestId, body: ResponseIn) -> CollaborationRequestOut:
    user = token_user(request)
    found = access_request(user, id, purpose="respond to a request (API)")
    if body.decision == "accept":
        found = accept_request(actor=user, request=found)
    else:
        found = decline_request(actor=user, request=found, reason=body.reason)
    return CollaborationRequestOut.from_request(found)


@router.post(
    "/requests/{id}/answer",
    response=_change_responses,
    openapi_extra=_change_docs,
    operation_id="answer_collaboration_request",
    summary="Answer an accepted request",
    description="The force asked gives what it holds or did, once it has accepted the "
    "request. Meets the response deadline (late when after it). Only the force asked may "
    "answer (403). Audited.",
)
def answer(request: HttpRequest, id: RequestId, body: AnswerIn) -> CollaborationRequestOut:
    user = token_user(request)
    found = access_request(user, id, purpose="answer a request (API)")
    return CollaborationRequestOut.from_request(
        answer_request(actor=user, request=found, answer=body.answer)
    )
