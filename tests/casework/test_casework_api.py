"""Case work through the API: the same action and checks as the web pages, 422 with each
problem's place in the body, and only a local authority's case-working accounts."""

from __future__ import annotations

from typing import Any

import pytest

from safeguarding.access.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.casework.models import ChildProfile, Episode, ProtectionPlan
from safeguarding.people.models import Person
from tests.factories import Area, child_details, make_concern, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

EPISODES = "/persons/{id}/episodes"


@pytest.fixture
def child(area: Area) -> Person:
    concern = make_concern(area.practitioner, local_authority=area.council, child=child_details())
    return concern.involvements.get(role="child").person


def _journey() -> dict[str, Any]:
    return {
        "referral_date": "2025-05-06",
        "referral_source": "6",
        "primary_need": "N1",
        "assessments": [
            {
                "started_on": "2025-05-07",
                "authorised_on": "2025-06-20",
                "factors": ["3A", "3B"],
                "child_seen": True,
                "seen_alone": True,
                "wishes_and_feelings": "Wants her mum to be safe.",
            }
        ],
        "enquiries": [
            {
                "started_on": "2025-05-08",
                "outcome": "conference",
                "conference_target": "2025-05-29",
                "conference_date": "2025-05-28",
                "conference_outcome": "plan",
            }
        ],
        "protection_plans": [
            {"started_on": "2025-05-28", "initial_category": "EMO", "review_dates": ["2025-08-27"]}
        ],
    }


def test_a_system_records_and_replaces_an_episode(area: Area, child: Person, api_as):
    system = make_user(Role.SYSTEM_INTEGRATION, area.council, username="la-system", totp=False)
    api = api_as(system)
    response = api.post(EPISODES, _journey(), id=child.pk)
    assert response.status_code == 201, response.json()
    body = response.json()
    episode = Episode.objects.get(pk=body["id"], person=child, authority=area.council)
    assert episode.referral_source == "6"
    plan = ProtectionPlan.objects.get(episode=episode)
    assert (plan.initial_category, plan.latest_category) == ("EMO", "EMO")
    assert body["protection_plans"][0]["review_dates"] == ["2025-08-27"]
    # A new version, closed: the parts are those sent, the id stays.
    closed = {
        **_journey(),
        "closure_date": "2026-01-15",
        "closure_reason": "RC8",
        "protection_plans": [
            {
                "started_on": "2025-05-28",
                "initial_category": "EMO",
                "latest_category": "NEG",
                "ended_on": "2026-01-15",
            }
        ],
    }
    response = api.call(
        "PUT", EPISODES + "/{episode_id}", closed, id=child.pk, episode_id=episode.pk
    )
    assert response.status_code == 200, response.json()
    assert Episode.objects.get(pk=episode.pk).closure_reason == "RC8"
    assert ProtectionPlan.objects.get(episode=episode).latest_category == "NEG"
    listed = api.get(EPISODES, id=child.pk).json()
    assert [e["id"] for e in listed] == [str(episode.pk)]
    assert listed[0]["closure_date"] == "2026-01-15"
    response = api.call(
        "PUT",
        "/persons/{id}/characteristics",
        {"ethnicity": "MWBC", "disabilities": ["NONE"]},
        id=child.pk,
    )
    assert response.status_code == 200
    assert ChildProfile.objects.get(person=child).ethnicity == "MWBC"
    assert response.json()["la_child_id"] == ChildProfile.objects.get(person=child).la_child_id
    recorded = AuditEntry.objects.filter(verb=AuditVerb.CASEWORK_RECORDED, actor_id=system.pk)
    assert recorded.count() == 3


def test_problems_are_listed_with_their_place_in_the_body(area: Area, child: Person, api_as):
    api = api_as(make_user(Role.SYSTEM_INTEGRATION, area.council, totp=False))
    journey = _journey()
    journey["assessments"][0]["wishes_and_feelings"] = ""
    journey["protection_plans"][0]["started_on"] = "2025-06-02"
    journey["referral_source"] = "99"
    response = api.post(EPISODES, journey, id=child.pk)
    assert response.status_code == 422
    places = {tuple(problem["loc"]) for problem in response.json()["detail"]}
    assert places == {
        ("body", "referral_source"),
        ("body", "assessments", 0, "wishes_and_feelings"),
        ("body", "protection_plans", 0, "started_on"),
    }
    assert not Episode.objects.exists()
    # A field the API does not know is refused, not dropped.
    response = api.post(EPISODES, {**_journey(), "outcome": "x"}, id=child.pk)
    assert response.status_code == 422
    response = api.call(
        "PUT",
        "/persons/{id}/characteristics",
        {"ethnicity": "WBRI", "disabilities": []},
        id=child.pk,
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "disabilities"]


def test_only_an_authoritys_case_working_accounts(area: Area, child: Person, api_as):
    # The police force's system sees the child only if its force holds a record; either
    # way it records no case work.
    assert api_as(area.system).post(EPISODES, _journey(), id=child.pk).status_code in {403, 404}
    other = make_user(Role.SYSTEM_INTEGRATION, area.other_council, totp=False)
    assert api_as(other).post(EPISODES, _journey(), id=child.pk).status_code == 404
    own = make_user(Role.SYSTEM_INTEGRATION, area.council, totp=False)
    missing = "00000000-0000-4000-8000-000000000000"
    response = api_as(own).call(
        "PUT", EPISODES + "/{episode_id}", _journey(), id=child.pk, episode_id=missing
    )
    assert response.status_code == 404
    assert not Episode.objects.exists()
