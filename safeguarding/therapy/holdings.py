"""Referrals of a person for therapy, for the registry of holdings (decision 0016)."""

from __future__ import annotations

import uuid

from safeguarding.clocks.models import Clock
from safeguarding.records.holdings import Erasing, HeldItem, register_provider
from safeguarding.therapy.models import TherapyReferral

KINDS = {"therapy-referral": "Referral for therapy"}


def held(person_id: uuid.UUID) -> list[HeldItem]:
    return [
        HeldItem(
            source="therapy",
            kind="therapy-referral",
            item_id=str(referral.pk),
            agency_code=referral.referring_agency.code,
            recorded_on=referral.referred_on,
            title=f"Referral to {referral.provider.name}",
            fields=(
                ("Service", referral.get_service_type_display()),
                ("Referred", referral.referred_on.isoformat()),
                ("Started", referral.started_on.isoformat() if referral.started_on else ""),
                ("Notes", referral.notes),
            ),
        )
        for referral in TherapyReferral.objects.filter(person_id=person_id).select_related(
            "provider", "referring_agency"
        )
    ]


def erase(erasing: Erasing) -> int:
    referrals = TherapyReferral.objects.filter(person_id=erasing.person_id)
    clocks = list(referrals.values_list("clock_id", flat=True))
    removed = referrals.delete()[0]
    return removed + Clock.objects.filter(pk__in=clocks).delete()[0]


def register() -> None:
    register_provider("therapy", rank=10, held=held, erase=erase, kinds=KINDS)
