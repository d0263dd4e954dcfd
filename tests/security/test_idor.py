"""Guessing record ids across agencies: every URL with an id in it, web and API.

A concern recorded by the school names a child whose details are marked with a canary.
A police analyst in another force's area, and that area's MASH, then try every URL pattern
with an id in it with every id the canary's records have, by GET and by POST. None of them
may see the canary, change those records, or cause a server error.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls.converters import IntConverter, UUIDConverter

from safeguarding.access.actions import issue_api_token
from safeguarding.clocks.models import Clock
from safeguarding.concerns.models import Concern
from safeguarding.people.models import Person
from tests.factories import Area, child_details, make_concern
from tests.security.urlconf import Route, all_routes, routes_with_ids

pytestmark = pytest.mark.django_db

CANARY = "Quillfeather"
UNKNOWN_UUID = uuid.UUID("00000000-0000-4000-8000-000000000000")


def _victim_ids(area: Area) -> dict[str, list[Any]]:
    concern = make_concern(
        area.dsl,
        local_authority=area.council,
        child=child_details(given="Marnie", family=CANARY),
        summary=f"{CANARY} family: bruises seen at PE",
    )
    child = concern.involvements.get().person
    return {
        "person_id": [child.pk, UNKNOWN_UUID],
        "contact_id": [concern.contact.pk],
        "clock_id": list(Clock.objects.filter(person=child).values_list("pk", flat=True)),
        "other": [concern.pk],
    }


def _fills(route: Route, ids: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Each id slot gets the canary's records of that kind; a slot for a kind this test
    does not make gets the concern's id (a wrong-kind guess, which must be a plain 404)."""
    fills: list[dict[str, Any]] = [{}]
    for name, converter in route.converters.items():
        if isinstance(converter, IntConverter):
            values = ids["clock_id"] if name == "clock_id" else [1]
        elif isinstance(converter, UUIDConverter):
            values = ids.get(name, ids["other"])
        else:
            values = ids["other"]
        fills = [{**fill, name: value} for fill in fills for value in values]
    return fills


def _snapshot() -> list[tuple]:
    return [
        *Concern.objects.values_list("pk", "summary", "category", "local_authority_id"),
        *Person.objects.values_list("pk", "given_name", "family_name", "date_of_birth"),
        *Clock.objects.values_list("pk", "due_on", "met_on", "cancelled_on", "accountable_id"),
    ]


def _assert_nothing_shown(response: Any, where: str) -> None:
    assert response.status_code < 500, where
    body = b"".join(response) if response.streaming else response.content
    assert CANARY.encode() not in body, f"{where} showed another agency's record"


def test_no_url_with_an_id_opens_another_agencys_record(area: Area, client_for):
    ids = _victim_ids(area)
    before = _snapshot()
    outsiders = [client_for(area.other_police_analyst), client_for(area.other_mash)]
    tried = 0
    for route in routes_with_ids():
        if route.is_api:
            continue
        for fill in _fills(route, ids):
            path = route.fill(fill)
            for outsider in outsiders:
                _assert_nothing_shown(outsider.get(path), f"GET {path}")
                tried += 1
            _assert_nothing_shown(
                outsiders[0].post(path, {"reason": "x" * 30, "summary": "changed"}),
                f"POST {path}",
            )
    assert tried > 100
    assert _snapshot() == before


def test_no_api_url_with_an_id_opens_another_agencys_record(area: Area):
    ids = _victim_ids(area)
    uuids = ids["person_id"] + ids["contact_id"] + ids["other"]
    before = _snapshot()
    token = issue_api_token(actor=None, user=area.other_police_analyst, name="x", days_valid=1)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    for route in [route for route in all_routes() if route.is_api and route.converters]:
        for value in uuids:
            path = route.fill(dict.fromkeys(route.converters, value))
            for response in (
                client.get(path),
                client.post(path, {"answer": "x", "decision": "accept"}, "application/json"),
            ):
                _assert_nothing_shown(response, path)
                assert response.status_code in {401, 403, 404, 405, 422}, (
                    path,
                    response.status_code,
                )
    assert _snapshot() == before
