"""The case-work pages: a referral through to a protection plan and closure recorded in
census codes through the web, the action's errors shown beside their fields, and only the
authority's case-working staff who may see the child let in."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from safeguarding.casework.models import Assessment, ChildProfile, Episode, ProtectionPlan
from safeguarding.people.models import Person
from tests.factories import Area, child_details, make_concern

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


@pytest.fixture
def child(area: Area) -> Person:
    concern = make_concern(area.practitioner, local_authority=area.council, child=child_details())
    return concern.involvements.get(role="child").person


def _date(name: str, day: date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def _referral(client, child: Person) -> Episode:
    response = client.post(
        reverse("casework:new-referral", args=[child.pk]),
        {**_date("referral_date", date(2025, 5, 6)), "referral_source": "2A", "primary_need": "N1"},
    )
    assert response.status_code == 302, response.content.decode()
    return Episode.objects.get(person=child)


def test_a_journey_from_referral_to_closure(area: Area, child: Person, client_for):
    client = client_for(area.practitioner)
    page = client.get(reverse("web:person", args=[child.pk])).content.decode()
    assert reverse("casework:overview", args=[child.pk]) in page
    episode = _referral(client, child)
    assert (episode.referral_source, episode.primary_need) == ("2A", "N1")

    def post(part: str, data: dict[str, object]) -> None:
        url = reverse(f"casework:new-{part}", args=[child.pk, episode.pk])
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()

    post(
        "assessments",
        {
            **_date("started_on", date(2025, 5, 7)),
            **_date("authorised_on", date(2025, 6, 20)),
            "factors": ["16A", "3B"],
            "child_seen": "on",
            "seen_alone": "on",
            "wishes_and_feelings": "Wants to stay at her school.",
        },
    )
    post(
        "section-47",
        {
            **_date("started_on", date(2025, 5, 8)),
            "outcome": "conference",
            **_date("conference_target", date(2025, 5, 29)),
            **_date("conference_date", date(2025, 5, 28)),
            "conference_outcome": "plan",
        },
    )
    post(
        "protection-plans",
        {
            **_date("started_on", date(2025, 5, 28)),
            "initial_category": "NEG",
            **_date("ended_on", date(2025, 11, 27)),
        },
    )
    response = client.post(
        reverse("casework:closure", args=[child.pk, episode.pk]),
        {**_date("closure_date", date(2026, 2, 27)), "closure_reason": "RC7"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("casework:characteristics", args=[child.pk]),
        {"ethnicity": "WBRI", "disabilities": ["NONE"]},
    )
    assert response.status_code == 302
    # The episode kept its id through each new version, and holds every part as entered.
    episode = Episode.objects.get(person=child)
    assert episode.closure_reason == "RC7"
    assessment = Assessment.objects.get(episode=episode)
    assert assessment.factors == ["16A", "3B"]
    assert assessment.seen_alone
    plan = ProtectionPlan.objects.get(episode=episode)
    assert (plan.initial_category, plan.latest_category) == ("NEG", "NEG")
    profile = ChildProfile.objects.get(person=child)
    assert (profile.ethnicity, profile.disabilities) == ("WBRI", ["NONE"])
    page = client.get(reverse("casework:overview", args=[child.pk])).content.decode()
    assert "Referral on 6 May 2025, closed 27 February 2026" in page
    assert "NEG: Neglect" in page
    assert "Wants to stay at her school." in page
    # Changing the first assessment: the form is filled with what is held.
    page = client.get(
        reverse("casework:assessments", args=[child.pk, episode.pk, 1])
    ).content.decode()
    assert "Wants to stay at her school." in page


def test_the_actions_errors_are_shown_beside_their_fields(area: Area, child: Person, client_for):
    client = client_for(area.practitioner)
    episode = _referral(client, child)
    # Authorised without the child's wishes and feelings, and factors with "no factors".
    response = client.post(
        reverse("casework:new-assessments", args=[child.pk, episode.pk]),
        {
            **_date("started_on", date(2025, 5, 7)),
            **_date("authorised_on", date(2025, 6, 20)),
            "factors": ["21", "16A"],
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("<title>Error: ") == 1
    assert "There is a problem" in page
    assert 'href="#id_wishes_and_feelings"' in page
    assert "Record the child&#x27;s wishes and feelings" in page
    assert 'href="#id_factors_0"' in page
    assert not Assessment.objects.exists()
    # A plan with no conference that decided it: the error names the start date.
    response = client.post(
        reverse("casework:new-protection-plans", args=[child.pk, episode.pk]),
        {**_date("started_on", date(2025, 6, 2)), "initial_category": "NEG"},
    )
    page = response.content.decode()
    assert 'href="#id_started_on_0"' in page
    assert "A plan starts on the day of the conference that decided it" in page
    # A missing field on the form itself, before the action is asked.
    response = client.post(reverse("casework:characteristics", args=[child.pk]), {})
    page = response.content.decode()
    assert "Choose the child&#x27;s ethnicity" in page
    assert not ChildProfile.objects.exists()


def test_only_the_authoritys_case_workers_who_see_the_child(area: Area, child: Person, client_for):
    url = reverse("casework:overview", args=[child.pk])
    assert client_for(area.practitioner).get(url).status_code == 200
    # A school's lead does case work, but case work in census codes is the authority's.
    assert client_for(area.dsl).get(url).status_code == 403
    # Another authority's MASH cannot see the child at all.
    assert client_for(area.other_mash).get(url).status_code in {403, 404}
    assert client_for(area.auditor).get(url).status_code == 403
    page = client_for(area.dsl).get(reverse("web:person", args=[child.pk])).content.decode()
    assert url not in page


def test_an_episode_of_another_child_is_not_found(area: Area, child: Person, client_for):
    client = client_for(area.practitioner)
    episode = _referral(client, child)
    other = (
        make_concern(area.practitioner, local_authority=area.council, child=child_details("Tia"))
        .involvements.get(role="child")
        .person
    )
    url = reverse("casework:closure", args=[other.pk, episode.pk])
    assert client.get(url).status_code == 404
    url = reverse("casework:assessments", args=[child.pk, episode.pk, 1])
    assert client.get(url).status_code == 404


def test_break_glass_reads_case_work_and_never_writes_it(area: Area, child: Person, client_for):
    from django.core.exceptions import PermissionDenied

    from safeguarding.casework.actions import Characteristics, save_characteristics
    from safeguarding.people.grants import grant_break_glass

    # The other council's MASH opens the record in an emergency: no case work of its own.
    grant_break_glass(
        actor=area.other_mash,
        person_id=child.pk,
        reason="Child presented at our front door out of hours; checking for a plan",
    )
    client = client_for(area.other_mash)
    page = client.get(reverse("casework:overview", args=[child.pk]))
    assert page.status_code == 200
    assert "does not allow changes" in page.content.decode()
    assert reverse("casework:new-referral", args=[child.pk]) not in page.content.decode()
    response = client.post(
        reverse("casework:new-referral", args=[child.pk]),
        {**_date("referral_date", date(2025, 5, 6)), "referral_source": "2A", "primary_need": "N1"},
    )
    assert response.status_code == 403
    # Nor through the action, which the API calls.
    with pytest.raises(PermissionDenied, match="break-glass"):
        save_characteristics(
            actor=area.other_mash, details=Characteristics(child.pk, "WBRI", ["NONE"])
        )
    assert not Episode.objects.exists()
    assert not ChildProfile.objects.exists()
