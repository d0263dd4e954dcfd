"""What the concerns app holds about a person, for the registry of holdings (decision
0016): the concerns that name them. A concern that names others too is kept for them,
with the person's link removed and every mention of them in its summary erased."""

from __future__ import annotations

import uuid

from safeguarding.concerns.models import Concern, ConcernPerson
from safeguarding.records.holdings import Erasing, HeldItem, register_provider

KINDS = {"concern": "Concern"}


def concerns_only_about(person_id: uuid.UUID) -> set[uuid.UUID]:
    """The concerns naming the person and nobody else: erasing the person erases them,
    and the rows of higher apps that hang from them."""
    naming = ConcernPerson.objects.filter(person_id=person_id).values("concern_id")
    others = (
        ConcernPerson.objects.filter(concern_id__in=naming)
        .exclude(person_id=person_id)
        .values("concern_id")
    )
    return set(
        Concern.objects.filter(pk__in=naming).exclude(pk__in=others).values_list("pk", flat=True)
    )


def concerns_naming(person_id: uuid.UUID) -> set[uuid.UUID]:
    """Every concern naming the person."""
    return set(
        ConcernPerson.objects.filter(person_id=person_id).values_list("concern_id", flat=True)
    )


def held(person_id: uuid.UUID) -> list[HeldItem]:
    items = []
    concerns = (
        Concern.objects.filter(involvements__person_id=person_id)
        .distinct()
        .select_related("agency", "local_authority")
        .prefetch_related("involvements__person")
    )
    for concern in concerns:
        roles = [
            i.get_role_display() for i in concern.involvements.all() if i.person_id == person_id
        ]
        others = tuple(
            sorted(
                {i.person.full_name for i in concern.involvements.all() if i.person_id != person_id}
            )
        )
        items.append(
            HeldItem(
                source="concerns",
                kind="concern",
                item_id=str(concern.pk),
                agency_code=concern.agency.code,
                recorded_on=concern.recorded_at.date(),
                title=f"{concern.get_category_display()} concern from {concern.agency.name}",
                fields=(
                    ("Recorded", concern.recorded_at.isoformat(timespec="minutes")),
                    ("Named as", ", ".join(roles)),
                    ("Summary", concern.summary),
                    ("Sent to", concern.local_authority.name),
                    ("Also named", ", ".join(others)),
                ),
                third_parties=others,
            )
        )
    return items


def erase(erasing: Erasing) -> int:
    person_id = erasing.person_id
    alone = concerns_only_about(person_id)
    shared = concerns_naming(person_id) - alone
    removed = ConcernPerson.objects.filter(person_id=person_id).delete()[0]
    for concern in Concern.objects.filter(pk__in=shared):
        scrubbed = erasing.scrub(concern.summary)
        if scrubbed != concern.summary:
            Concern.objects.filter(pk=concern.pk).update(summary=scrubbed)
            removed += 1
    removed += Concern.objects.filter(pk__in=alone).delete()[0]
    return removed


def register() -> None:
    register_provider("concerns", rank=8, held=held, erase=erase, kinds=KINDS)
