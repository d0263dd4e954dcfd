"""The statutory clocks about a person, for the registry of holdings (decision 0016).
Erased after the records they run on (rank 7: the apps above delete the rows that point
at a clock first)."""

from __future__ import annotations

import uuid

from safeguarding.clocks.models import Clock
from safeguarding.records.holdings import Erasing, HeldItem, register_provider

KINDS = {"clock": "Statutory time limit"}


def held(person_id: uuid.UUID) -> list[HeldItem]:
    return [
        HeldItem(
            source="clocks",
            kind="clock",
            item_id=str(clock.pk),
            agency_code=clock.authority.code,
            recorded_on=clock.started_on,
            title=clock.get_clock_type_display(),
            fields=(
                ("Started", clock.started_on.isoformat()),
                ("Due", clock.due_on.isoformat()),
                ("Met", clock.met_on.isoformat() if clock.met_on else ""),
                ("Reason for delay", clock.delay_reason),
            ),
        )
        for clock in Clock.objects.filter(person_id=person_id).select_related("authority")
    ]


def erase(erasing: Erasing) -> int:
    return Clock.objects.filter(person_id=erasing.person_id).delete()[0]


def register() -> None:
    register_provider("clocks", rank=7, held=held, erase=erase, kinds=KINDS)
