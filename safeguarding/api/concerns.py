"""Recording and reading concerns."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from ninja import Header, Path, Router, Status
from pydantic import WithJsonSchema

from safeguarding.access.models import User
from safeguarding.api.auth import token_user
from safeguarding.api.errors import responses
from safeguarding.api.models import IdempotentRequest
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

# Printable ASCII without spaces, as the IETF's Idempotency-Key draft and most clients use
# (a UUID is typical).
IdempotencyKey = Annotated[
    str | None,
    Header(
        None,
        alias="Idempotency-Key",
        description="A key of the client's choosing, unique to this request (a UUID). A "
        "request repeated with the same key, such as a retry after a lost answer, gets the "
        "first answer again and records nothing more; the same key with a different request "
        "is refused (422).",
        min_length=1,
        max_length=255,
        pattern=r"^[!-~]+$",
    ),
]
KEY_REUSED_MESSAGE = (
    "This Idempotency-Key was sent before with a different request: use a new key for a new request"
)

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
def post_concern(
    request: HttpRequest, body: ConcernIn, idempotency_key: IdempotencyKey = None
) -> Status[Any]:
    actor = token_user(request)
    if idempotency_key is None:
        outcome = save_concern(actor=actor, details=body.to_details())
        return Status(201 if outcome.created else 200, ConcernOut.from_concern(outcome.concern))
    digest = hashlib.sha256(
        json.dumps(body.model_dump(mode="json"), sort_keys=True).encode()
    ).hexdigest()
    replayed = _replay(actor, idempotency_key, digest)
    if replayed is not None:
        return replayed
    try:
        # The key is claimed in the concern's own transaction: a retry racing this one
        # waits on the key's unique constraint, then finds it and is answered as a replay.
        with transaction.atomic():
            outcome = save_concern(actor=actor, details=body.to_details())
            status = 201 if outcome.created else 200
            IdempotentRequest.objects.create(
                user=actor,
                key=idempotency_key,
                request_digest=digest,
                concern_id=outcome.concern.pk,
                status=status,
            )
    except IntegrityError:
        replayed = _replay(actor, idempotency_key, digest)
        if replayed is None:
            raise
        return replayed
    return Status(status, ConcernOut.from_concern(outcome.concern))


def _replay(actor: User, key: str, digest: str) -> Status[Any] | None:
    """The answer to the request first sent with ``key``, read again through the
    gatekeeper (and so audited), or None if the key is new."""
    earlier = IdempotentRequest.objects.filter(user=actor, key=key).first()
    if earlier is None:
        return None
    if earlier.request_digest != digest:
        problem = {
            "loc": ["header", "Idempotency-Key"],
            "msg": KEY_REUSED_MESSAGE,
            "type": "idempotency_key_reused",
        }
        return Status(422, {"detail": [problem]})
    concern = access_concern(actor, str(earlier.concern_id), purpose="repeated request (API)")
    return Status(earlier.status, ConcernOut.from_concern(concern))


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
