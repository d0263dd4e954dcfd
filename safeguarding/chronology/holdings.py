"""The chronology's marks and analysis on a person's entries, for the registry of
holdings (decision 0016)."""

from __future__ import annotations

import uuid

from safeguarding.chronology.models import ChronologyMark
from safeguarding.records.holdings import Erasing, HeldItem, register_provider

KINDS = {"chronology-mark": "Chronology analysis"}


def held(person_id: uuid.UUID) -> list[HeldItem]:
    return [
        HeldItem(
            source="chronology",
            kind="chronology-mark",
            item_id=str(mark.pk),
            agency_code=mark.marked_by.agency.code if mark.marked_by.agency else "",
            recorded_on=mark.marked_at.date(),
            title="Mark on the chronology",
            fields=(
                ("Significant", "Yes" if mark.significant else "No"),
                ("Analysis", mark.analysis),
            ),
        )
        for mark in ChronologyMark.objects.filter(person_id=person_id).select_related(
            "marked_by__agency"
        )
    ]


def erase(erasing: Erasing) -> int:
    return ChronologyMark.objects.filter(person_id=erasing.person_id).delete()[0]


def register() -> None:
    register_provider("chronology", rank=10, held=held, erase=erase, kinds=KINDS)
