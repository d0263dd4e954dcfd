"""Finding people and reading their records, through the need-to-know gatekeepers only."""

from __future__ import annotations

from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Path, Router
from pydantic import WithJsonSchema

from safeguarding.access.policy import does_case_work
from safeguarding.api.auth import token_user
from safeguarding.api.errors import responses
from safeguarding.api.schemas import PersonOut, SearchIn, SearchResultOut, TimelineEntryOut
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.concerns.queries import concerns_about
from safeguarding.people.queries import SearchCriteria, access_person, search_persons

router = Router(tags=["Persons"])

# Taken as text, not parsed as a UUID by the schema: anything that is not the id of a
# person the caller may see, malformed or not, must answer the same 404.
PersonId = Annotated[
    str,
    WithJsonSchema({"type": "string", "format": "uuid"}),
    Path(description="The person's id"),
]

_search_responses, _search_docs = responses(
    {200: (list[SearchResultOut], "Matching people, best match first (at most 50)")},
    400,
    403,
    413,
    422,
)


@router.post(
    "/search",
    response=_search_responses,
    openapi_extra=_search_docs,
    operation_id="search_persons",
    summary="Search for people",
    description="Typo-tolerant search by name, date of birth and identifier, among the people "
    "the token holder may see. A POST, so that names never appear in URLs or logs. Roles "
    "that do no case work may not search (403). Every search is audited.",
)
def search(request: HttpRequest, body: SearchIn) -> list[SearchResultOut]:
    user = token_user(request)
    if not does_case_work(user):
        raise PermissionDenied("Your role does not allow searching for people")
    criteria = SearchCriteria(
        name=body.name, date_of_birth=body.date_of_birth, identifier=body.identifier
    )
    return [SearchResultOut.from_result(result) for result in search_persons(user, criteria)]


_person_responses, _person_docs = responses({200: (PersonOut, "The person's record")}, 404)


@router.get(
    "/{id}",
    response=_person_responses,
    openapi_extra=_person_docs,
    operation_id="get_person",
    summary="Read a person's record",
    description="Names, identifiers, addresses, phones, vehicles and the agencies holding a "
    "record on the person. Audited.",
)
def get_person(request: HttpRequest, id: PersonId) -> PersonOut:
    person = access_person(token_user(request), id, purpose="read person record (API)")
    return PersonOut.from_person(person)


_timeline_responses, _timeline_docs = responses(
    {200: (list[TimelineEntryOut], "Every agency's concerns naming the person, newest first")},
    404,
)


@router.get(
    "/{id}/concerns",
    response=_timeline_responses,
    openapi_extra=_timeline_docs,
    operation_id="list_person_concerns",
    summary="List every agency's concerns about a person",
    description="The person's timeline: each concern naming them, from any agency, with "
    "their role in it. Audited, with the concerns disclosed.",
)
def list_person_concerns(request: HttpRequest, id: PersonId) -> list[TimelineEntryOut]:
    user = token_user(request)
    person = access_person(user, id, purpose="read concerns about person (API)")
    concerns = list(concerns_about(user, person))
    record(
        AuditVerb.CONCERNS_LISTED,
        actor=user,
        target_type=TargetType.PERSON,
        target_id=person.pk,
        payload={"concerns": [str(concern.pk) for concern in concerns]},
    )
    return [
        TimelineEntryOut.from_concern(
            concern,
            [involvement.role for involvement in concern.roles_of_person],  # type: ignore[attr-defined]  # a Prefetch's to_attr
        )
        for concern in concerns
    ]
