"""The API for requests between forces: listing and answering, each response checked
against the OpenAPI document."""

from __future__ import annotations

import pytest

from safeguarding.access.roles import Role
from safeguarding.collaboration.models import Status
from safeguarding.people.queries import access_person
from tests.collaboration.helpers import adult_held_by_police, ask_about
from tests.factories import Area, make_user

pytestmark = pytest.mark.django_db


def test_a_force_system_lists_responds_and_answers(area: Area, api_as):
    person = adult_held_by_police(area)
    request = ask_about(area, person)
    system = make_user(Role.SYSTEM_INTEGRATION, area.other_police, totp=False)
    api = api_as(system)
    listed = api.get("/collaboration/inbox").json()
    assert [item["id"] for item in listed] == [str(request.pk)]
    assert listed[0]["person"]["family_name"] == "Pike"
    assert listed[0]["status"] == "requested"
    assert api.get("/collaboration/outbox").json() == []
    early = api.post("/collaboration/requests/{id}/answer", {"answer": "x"}, id=request.pk)
    assert early.status_code == 422
    short = api.post(
        "/collaboration/requests/{id}/response",
        {"decision": "decline", "reason": "no"},
        id=request.pk,
    )
    assert short.status_code == 422
    assert short.json()["detail"][0]["loc"] == ["body", "reason"]
    accepted = api.post(
        "/collaboration/requests/{id}/response", {"decision": "accept"}, id=request.pk
    )
    assert accepted.json()["status"] == "accepted"
    assert access_person(system, person.pk, purpose="test") == person
    answered = api.post(
        "/collaboration/requests/{id}/answer", {"answer": "Nothing held."}, id=request.pk
    )
    assert answered.status_code == 200
    assert answered.json()["response_clock"] == "met"
    request.refresh_from_db()
    assert request.status == Status.ANSWERED
    outbox = api_as(area.police_analyst).get("/collaboration/outbox").json()
    assert outbox[0]["answer"] == "Nothing held."


def test_others_are_refused(area: Area, api_as):
    request = ask_about(area, adult_held_by_police(area))
    assert api_as(area.taskforce_analyst).get("/collaboration/inbox").status_code == 403
    assert api_as(area.system).get("/collaboration/inbox").json() == []
    council_system = make_user(Role.SYSTEM_INTEGRATION, area.council, totp=False)
    for user in (council_system, area.taskforce_analyst):
        assert api_as(user).get("/collaboration/requests/{id}", id=request.pk).status_code == 404
    # The force that asked cannot answer its own request.
    refused = api_as(area.police_analyst).post(
        "/collaboration/requests/{id}/response", {"decision": "accept"}, id=request.pk
    )
    assert refused.status_code == 403
    assert (
        api_as(area.police_analyst).get("/collaboration/requests/{id}", id="not-a-uuid").status_code
        == 404
    )
