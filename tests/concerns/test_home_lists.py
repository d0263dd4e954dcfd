"""The home page's latest concerns: the MASH sees what its area received; others see the
latest concerns about people they may see, from any agency; nobody sees anything else."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from safeguarding.concerns.queries import recent_concerns_for_home, visible_concerns
from tests.factories import Area, adult_details, child_details, make_concern, nhs_number_for


def test_the_mash_sees_what_its_area_received_newest_first(area: Area):
    now = timezone.now()
    ivy = child_details("Ivy", "Marsh", nhs_number=nhs_number_for(5))
    older = make_concern(
        area.dsl, local_authority=area.council, child=ivy, recorded_at=now - timedelta(days=2)
    )
    newer = make_concern(
        area.health,
        local_authority=area.council,
        child=child_details("Leo", "Banks"),
        recorded_at=now - timedelta(days=1),
    )
    # The same child (the same NHS number), in another area's concern: the MASH may see
    # it, as their area knows her, but their MASH did not receive it.
    elsewhere = make_concern(
        area.other_mash, local_authority=area.other_council, child=ivy, recorded_at=now
    )
    assert elsewhere.involvements.get().person == older.involvements.get().person
    assert elsewhere in visible_concerns(area.mash)
    assert recent_concerns_for_home(area.mash) == [newer, older]
    assert recent_concerns_for_home(area.other_mash) == [elsewhere]


def test_others_see_the_latest_about_people_they_may_see_from_any_agency(area: Area):
    now = timezone.now()
    ivy = child_details("Ivy", "Marsh", nhs_number=nhs_number_for(6))
    at_school = make_concern(
        area.dsl, local_authority=area.council, child=ivy, recorded_at=now - timedelta(days=3)
    )
    from_health = make_concern(
        area.health, local_authority=area.council, child=ivy, recorded_at=now - timedelta(days=1)
    )
    unknown_to_school = make_concern(
        area.health, local_authority=area.council, child=child_details("Leo", "Banks")
    )
    listed = recent_concerns_for_home(area.dsl)
    assert listed == [from_health, at_school]
    assert unknown_to_school not in listed
    assert recent_concerns_for_home(area.auditor) == []
    assert recent_concerns_for_home(area.taskforce_analyst) == []


def test_visible_concerns_lists_each_concern_once(area: Area):
    child = child_details("Ivy", "Marsh")
    concern = make_concern(
        area.dsl,
        local_authority=area.council,
        child=child,
        others=[("parent", adult_details("Rose", "Marsh"))],
    )
    assert list(visible_concerns(area.dsl)) == [concern]
    assert visible_concerns(area.dsl).count() == 1
