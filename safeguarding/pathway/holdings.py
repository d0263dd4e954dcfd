"""The pathway events recorded about a person (referrals, enquiries, conferences, plans,
visits), for the registry of holdings (decision 0016)."""

from __future__ import annotations

import uuid

from safeguarding.clocks.models import Clock
from safeguarding.pathway.models import PathwayEvent
from safeguarding.records.holdings import Erasing, HeldItem, register_provider

KINDS = {"pathway-event": "Event in the child protection pathway"}


def held(person_id: uuid.UUID) -> list[HeldItem]:
    return [
        HeldItem(
            source="pathway",
            kind="pathway-event",
            item_id=str(event.pk),
            agency_code=event.agency.code,
            recorded_on=event.occurred_on,
            title=event.get_event_type_display(),
            fields=(
                ("On", event.occurred_on.isoformat()),
                ("Outcome", event.get_outcome_display()),
                ("Notes", event.notes),
            ),
        )
        for event in PathwayEvent.objects.filter(person_id=person_id).select_related("agency")
    ]


def erase(erasing: Erasing) -> int:
    events = PathwayEvent.objects.filter(person_id=erasing.person_id)
    # The clocks an event started run on it, whoever else they name.
    subjects = [f"event:{pk}" for pk in events.values_list("pk", flat=True)]
    removed = Clock.objects.filter(subject__in=subjects).delete()[0]
    return removed + events.delete()[0]


def register() -> None:
    register_provider("pathway", rank=9, held=held, erase=erase, kinds=KINDS)
