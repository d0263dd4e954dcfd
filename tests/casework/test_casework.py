"""Structured case work: census codes checked, the child's voice required, access and audit."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from safeguarding.audit.chain import verify_chain
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.casework.actions import (
    AssessmentDetails,
    Characteristics,
    EpisodeDetails,
    ProtectionPlanDetails,
    Section47Details,
    save_characteristics,
    save_episode,
    save_episodes,
)
from safeguarding.casework.codes import PrimaryNeed, label
from safeguarding.casework.models import Assessment, ChildProfile, Episode, ProtectionPlan
from safeguarding.people.models import Person
from tests.factories import Area, child_details, make_concern

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


@pytest.fixture
def child(area: Area) -> Person:
    concern = make_concern(area.practitioner, local_authority=area.council, child=child_details())
    return concern.involvements.get(role="child").person


def _referral(child: Person, **changes: object) -> EpisodeDetails:
    details = EpisodeDetails(
        person_id=child.pk,
        referral_date=date(2025, 5, 6),
        referral_source="2A",
        primary_need="N1",
    )
    for name, value in changes.items():
        setattr(details, name, value)
    return details


def _assessment(**changes: object) -> AssessmentDetails:
    details = AssessmentDetails(
        started_on=date(2025, 5, 7),
        authorised_on=date(2025, 6, 20),
        factors=["16A"],
        child_seen=True,
        seen_alone=True,
        wishes_and_feelings="Wants to stay with her nan at weekends.",
    )
    for name, value in changes.items():
        setattr(details, name, value)
    return details


def test_codes_carry_the_dfe_labels() -> None:
    assert label(PrimaryNeed, "N4") == "Family in acute stress"
    assert PrimaryNeed.values[1:] == [f"N{n}" for n in range(1, 10)]


def test_an_episode_is_recorded_whole_and_audited(area: Area, child: Person) -> None:
    episode = save_episode(
        actor=area.practitioner,
        details=_referral(
            child,
            assessments=[_assessment()],
            enquiries=[
                Section47Details(
                    started_on=date(2025, 5, 8),
                    outcome="conference",
                    conference_date=date(2025, 5, 28),
                    conference_outcome="plan",
                )
            ],
            protection_plans=[
                ProtectionPlanDetails(started_on=date(2025, 5, 28), initial_category="NEG")
            ],
        ),
    )
    stored = Episode.objects.get(pk=episode.pk)
    assert (stored.referral_source, stored.primary_need, stored.authority) == (
        "2A",
        "N1",
        area.council,
    )
    assessment = Assessment.objects.get(episode=stored)
    assert assessment.factors == ["16A"]
    assert assessment.seen_alone
    plan = ProtectionPlan.objects.get(episode=stored)
    assert plan.latest_category == "NEG"
    entry = AuditEntry.objects.order_by("-sequence").first()
    assert entry is not None
    assert entry.verb == AuditVerb.CASEWORK_RECORDED
    assert entry.target_id == str(child.pk)
    assert entry.payload["episode"] == str(stored.pk)
    assert "Wants" not in str(entry.payload)
    assert verify_chain().ok


def test_a_new_version_replaces_the_episode(area: Area, child: Person) -> None:
    episode = save_episode(actor=area.practitioner, details=_referral(child))
    save_episode(
        actor=area.practitioner,
        details=_referral(
            child,
            episode_id=episode.pk,
            assessments=[_assessment()],
            closure_date=date(2025, 7, 1),
            closure_reason="RC7",
        ),
    )
    assert Episode.objects.count() == 1
    assert Assessment.objects.get().episode_id == episode.pk
    assert Episode.objects.get().closure_reason == "RC7"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"referral_source": "99"}, "referral_source", "Choose who made the referral"),
        ({"primary_need": "N0"}, "primary_need", "N0 is only for a referral with no further"),
        (
            {"assessments": [_assessment(wishes_and_feelings=" ")]},
            "assessments.1.wishes_and_feelings",
            "Record the child's wishes and feelings",
        ),
        (
            {"assessments": [_assessment(factors=["21", "16A"])]},
            "assessments.1.factors",
            "'No factors identified' cannot be chosen",
        ),
        (
            {"assessments": [_assessment(factors=["99Z"])]},
            "assessments.1.factors",
            "Choose factors from the list",
        ),
        (
            {"assessments": [_assessment(child_seen=False)]},
            "assessments.1.seen_alone",
            "A child seen alone was seen",
        ),
        ({"closure_date": date(2025, 7, 1)}, "closure_reason", "Choose the reason"),
        (
            {"no_further_action": True, "primary_need": "N0", "assessments": [_assessment()]},
            "no_further_action",
            "no assessment, plan or enquiry",
        ),
        (
            {"protection_plans": [ProtectionPlanDetails(date(2025, 6, 2), "NEG")]},
            "protection_plans.1.started_on",
            "day of the conference",
        ),
        (
            {
                "enquiries": [
                    Section47Details(
                        date(2025, 5, 8), "conference", None, date(2025, 5, 31), "plan"
                    )
                ]
            },
            "enquiries.1.conference_date",
            "weekday",
        ),
    ],
)
def test_bad_case_work_is_refused_with_the_field_and_the_reason(
    area: Area, child: Person, changes: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        save_episode(actor=area.practitioner, details=_referral(child, **changes))
    assert message in " ".join(raised.value.message_dict[field])
    assert Episode.objects.count() == 0


def test_characteristics_are_checked_and_kept_once_per_child(area: Area, child: Person) -> None:
    with pytest.raises(ValidationError) as raised:
        save_characteristics(
            actor=area.practitioner, details=Characteristics(child.pk, "XXXX", ["NONE", "MOB"])
        )
    assert set(raised.value.message_dict) == {"ethnicity", "disabilities"}
    save_characteristics(
        actor=area.practitioner, details=Characteristics(child.pk, "WBRI", ["NONE"])
    )
    save_characteristics(
        actor=area.practitioner, details=Characteristics(child.pk, "AIND", ["MOB"])
    )
    profile = ChildProfile.objects.get()
    assert (profile.ethnicity, profile.disabilities) == ("AIND", ["MOB"])
    assert len(profile.la_child_id) == 20
    assert profile.la_child_id.isalnum()


def test_only_a_local_authority_that_may_see_the_child_records_case_work(
    area: Area, child: Person
) -> None:
    with pytest.raises(PermissionDenied):
        save_episode(actor=area.dsl, details=_referral(child))
    with pytest.raises(PermissionDenied):
        save_episode(actor=area.auditor, details=_referral(child))
    other = (
        make_concern(
            area.dsl, local_authority=area.other_council, child=child_details("Zed", "Other")
        )
        .involvements.get(role="child")
        .person
    )
    with pytest.raises(Http404):
        save_episodes(actor=area.practitioner, episodes=[_referral(other)])
    assert Episode.objects.count() == 0
