"""A child's structured case work (profile, episodes, assessments, plans and enquiries),
for the registry of holdings (decision 0016)."""

from __future__ import annotations

import uuid

from safeguarding.casework.models import ChildProfile, Episode
from safeguarding.records.holdings import Erasing, HeldItem, register_provider

KINDS = {"child-profile": "Child's profile", "episode": "Episode of need"}


def held(person_id: uuid.UUID) -> list[HeldItem]:
    items = [
        HeldItem(
            source="casework",
            kind="child-profile",
            item_id=str(profile.pk),
            agency_code=profile.authority.code,
            recorded_on=profile.updated_at.date(),
            title=f"Child's profile at {profile.authority.name}",
            fields=(
                ("Authority's child id", profile.la_child_id),
                ("Ethnicity", profile.get_ethnicity_display()),
                ("Disabilities", ", ".join(str(d) for d in profile.disabilities)),
            ),
        )
        for profile in ChildProfile.objects.filter(person_id=person_id).select_related("authority")
    ]
    for episode in Episode.objects.filter(person_id=person_id).select_related("authority"):
        fields = [
            ("Referred", episode.referral_date.isoformat()),
            ("Source", episode.get_referral_source_display()),
            ("Primary need", episode.get_primary_need_display()),
            ("Closed", episode.closure_date.isoformat() if episode.closure_date else ""),
        ]
        fields += [
            (f"Assessment started {a.started_on}", a.wishes_and_feelings)
            for a in episode.assessments.all()
        ]
        fields += [(f"Enquiry started {e.started_on}", e.outcome) for e in episode.enquiries.all()]
        fields += [
            (f"Protection plan from {p.started_on}", p.get_latest_category_display())
            for p in episode.protection_plans.all()
        ]
        fields += [(f"Child in need plan from {p.started_on}", "") for p in episode.cin_plans.all()]
        items.append(
            HeldItem(
                source="casework",
                kind="episode",
                item_id=str(episode.pk),
                agency_code=episode.authority.code,
                recorded_on=episode.referral_date,
                title=f"Episode of need at {episode.authority.name}",
                fields=tuple(fields),
            )
        )
    return items


def erase(erasing: Erasing) -> int:
    # Assessments, plans and enquiries go with their episode (cascade).
    removed = Episode.objects.filter(person_id=erasing.person_id).delete()[0]
    return removed + ChildProfile.objects.filter(person_id=erasing.person_id).delete()[0]


def register() -> None:
    register_provider("casework", rank=10, held=held, erase=erase, kinds=KINDS)
