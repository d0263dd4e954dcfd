"""Requests between police forces about a person, for the registry of holdings (decision
0016)."""

from __future__ import annotations

import uuid

from safeguarding.clocks.models import Clock
from safeguarding.collaboration.models import CollaborationRequest
from safeguarding.records.holdings import Erasing, HeldItem, register_provider

KINDS = {"collaboration-request": "Request between police forces"}


def held(person_id: uuid.UUID) -> list[HeldItem]:
    return [
        HeldItem(
            source="collaboration",
            kind="collaboration-request",
            item_id=str(request.pk),
            agency_code=request.from_force.code,
            recorded_on=request.requested_at.date(),
            title=f"Request from {request.from_force.name} to {request.to_force.name}",
            fields=(
                ("Asked", request.get_ask_display()),
                ("Details", request.details),
                ("Answer", request.answer),
                ("Outcome", request.outcome_notes),
            ),
        )
        for request in CollaborationRequest.objects.filter(person_id=person_id).select_related(
            "from_force", "to_force"
        )
    ]


def erase(erasing: Erasing) -> int:
    requests = CollaborationRequest.objects.filter(person_id=erasing.person_id)
    clocks = list(requests.values_list("clock_id", flat=True))
    removed = requests.delete()[0]
    return removed + Clock.objects.filter(pk__in=clocks).delete()[0]


def register() -> None:
    register_provider("collaboration", rank=10, held=held, erase=erase, kinds=KINDS)
