"""The pages for requests between forces, through the real middleware."""

from __future__ import annotations

import pytest

from safeguarding.collaboration.models import CollaborationRequest, Status
from tests.collaboration.helpers import adult_held_by_police, ask_about
from tests.factories import Area

pytestmark = pytest.mark.django_db


def test_a_person_is_found_by_post_and_asked_about(area: Area, client_for):
    person = adult_held_by_police(area)
    client = client_for(area.police_analyst)
    found = client.post("/collaboration/new/", {"name": "Darren Pike"})
    assert found.status_code == 200
    assert f"/collaboration/new/person/{person.pk}/" in found.content.decode()
    empty = client.post(f"/collaboration/new/person/{person.pk}/", {})
    assert empty.status_code == 400
    page = empty.content.decode()
    order = [
        page.index(message)
        for message in (
            "Choose the police force to ask",
            "Choose what you are asking the force to do",
            "Enter what you are asking and why",
            "Choose how urgent the request is",
        )
    ]
    assert order == sorted(order)
    made = client.post(
        f"/collaboration/new/person/{person.pk}/",
        {
            "to_force": area.other_police.pk,
            "ask": "share",
            "details": "What do you hold?",
            "urgency": "urgent",
        },
    )
    request = CollaborationRequest.objects.get()
    assert made.status_code == 302
    assert made["Location"] == f"/collaboration/requests/{request.pk}/"


def test_the_other_force_accepts_answers_and_the_first_records_the_outcome(area: Area, client_for):
    request = ask_about(area, adult_held_by_police(area))
    receiver = client_for(area.other_police_analyst)
    listing = receiver.get("/collaboration/").content.decode()
    assert "Darren Pike" in listing
    assert (
        receiver.post(
            f"/collaboration/requests/{request.pk}/respond/", {"decision": "decline", "reason": ""}
        ).status_code
        == 400
    )
    assert (
        receiver.post(
            f"/collaboration/requests/{request.pk}/respond/", {"decision": "accept"}
        ).status_code
        == 302
    )
    assert (
        receiver.post(
            f"/collaboration/requests/{request.pk}/answer/", {"answer": "Two arrests in 2024."}
        ).status_code
        == 302
    )
    requester = client_for(area.police_analyst)
    page = requester.get(f"/collaboration/requests/{request.pk}/").content.decode()
    assert "Two arrests in 2024." in page
    assert (
        requester.post(
            f"/collaboration/requests/{request.pk}/outcome/", {"outcome": "information-used"}
        ).status_code
        == 302
    )
    request.refresh_from_db()
    assert request.status == Status.COMPLETED


def test_others_get_404_or_403(area: Area, client_for):
    request = ask_about(area, adult_held_by_police(area))
    for user in (area.mash, area.dsl):
        client = client_for(user)
        assert client.get(f"/collaboration/requests/{request.pk}/").status_code == 403
        assert client.get("/collaboration/").status_code == 403
    assert (
        client_for(area.taskforce_analyst).get(f"/collaboration/requests/{request.pk}/").status_code
        == 403
    )
    # The requesting force cannot respond to its own request.
    response = client_for(area.police_analyst).post(
        f"/collaboration/requests/{request.pk}/respond/", {"decision": "accept"}
    )
    assert response.status_code == 403
