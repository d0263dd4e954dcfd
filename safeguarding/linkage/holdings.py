"""What linkage keeps about a person, for the registry of holdings (decision 0016): the
source records resolved to them, the pairs of records compared with theirs, and the merges
that moved their records (a merge keeps a copy of the absorbed record, to undo it)."""

from __future__ import annotations

import uuid

from django.db.models import Q

from safeguarding.linkage.models import CandidatePair, Merge, ResolvedRecord
from safeguarding.records.holdings import Erasing, HeldItem, register_provider

KINDS = {
    "resolved-record": "Agency record linked to the person",
    "merge": "Merge of two records of the person",
}


def held(person_id: uuid.UUID) -> list[HeldItem]:
    items = [
        HeldItem(
            source="linkage",
            kind="resolved-record",
            item_id=str(resolved.pk),
            agency_code=resolved.agency.code,
            recorded_on=None,
            title=f"Record of {resolved.agency.name} linked to this person",
            fields=(("Agency's reference", resolved.agency_record_id),),
        )
        for resolved in ResolvedRecord.objects.filter(
            Q(person_id=person_id) | Q(original_person_id=person_id)
        ).select_related("agency")
    ]
    items += [
        HeldItem(
            source="linkage",
            kind="merge",
            item_id=str(merge.pk),
            agency_code="",
            recorded_on=merge.merged_at.date(),
            title="Two records of this person merged",
            fields=(("Undone", merge.undone_at.isoformat() if merge.undone_at else "No"),),
        )
        for merge in Merge.objects.filter(Q(survivor_id=person_id) | Q(absorbed_id=person_id))
    ]
    return items


def erase(erasing: Erasing) -> int:
    person_id = erasing.person_id
    removed = ResolvedRecord.objects.filter(
        Q(person_id=person_id) | Q(original_person_id=person_id)
    ).delete()[0]
    merges = Merge.objects.filter(Q(survivor_id=person_id) | Q(absorbed_id=person_id))
    pairs = list(merges.exclude(pair=None).values_list("pair_id", flat=True))
    removed += merges.delete()[0]
    removed += CandidatePair.objects.filter(
        Q(person_a_id=person_id) | Q(person_b_id=person_id) | Q(pk__in=pairs)
    ).delete()[0]
    return removed


def register() -> None:
    register_provider("linkage", rank=10, held=held, erase=erase, kinds=KINDS)
