"""Recording and reading concerns."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Path, Router, Status
from pydantic import WithJsonSchema

from safeguarding.api.auth import token_user
from safeguarding.api.errors import responses
from safeguarding.api.schemas import ConcernIn, ConcernOut
from safeguarding.concerns.actions import save_concern
from safeguarding.concerns.queries import access_concern

router = Router(tags=["Concerns"])

# Text rather than a parsed UUID, so that a malformed id answers 404 like any other.
ConcernId = Annotated[
    str,
    WithJsonSchema({"type": "string", "format": "uuid"}),
    Path(description="The concern's id"),
]

_record_responses, _record_docs = responses(
    {
        201: (ConcernOut, "The concern was recorded"),
        200: (
            ConcernOut,
            "The agency had sent this agency_record_id before: that concern was updated",
        ),
    },
    400,
    403,
    413,
    422,
)


@router.post(
    "",
    response=_record_responses,
    openapi_extra=_record_docs,
    operation_id="record_concern",
    summary="Record a concern",
    description="Record a concern about a child, for the agency the token belongs to, and "
    "send it to the named local authority's MASH. Each person is either one the token holder "
    "can already see (`person_id`) or new `details`. Sending the same `agency_record_id` "
    "again updates that concern and its persons rather than recording another: a person named "
    "again in the same role, with agreeing name and date of birth, is the same person. Audited.",
)
def post_concern(request: HttpRequest, body: ConcernIn) -> Status[ConcernOut]:
    actor = token_user(request)
    outcome = save_concern(actor=actor, details=body.to_details())
    return Status(201 if outcome.created else 200, ConcernOut.from_concern(outcome.concern))


_concern_responses, _concern_docs = responses({200: (ConcernOut, "The concern")}, 404)


@router.get(
    "/{id}",
    response=_concern_responses,
    openapi_extra=_concern_docs,
    operation_id="get_concern",
    summary="Read a concern",
    description="One concern naming at least one person the token holder may see. Audited.",
)
def get_concern(request: HttpRequest, id: ConcernId) -> ConcernOut:
    concern = access_concern(token_user(request), id, purpose="read concern (API)")
    return ConcernOut.from_concern(concern)
