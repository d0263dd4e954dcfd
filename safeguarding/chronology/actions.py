"""Marking chronology entries as significant, with the practitioner's analysis."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.access.policy import does_case_work
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.chronology.entries import analysis_shown, build_chronology
from safeguarding.chronology.models import ChronologyMark
from safeguarding.people.queries import access_person

ANALYSIS_MAX_LENGTH = 5_000


@dataclass(frozen=True)
class Marked:
    mark: ChronologyMark
    position: int  # the entry's place in the child's chronology, from 0


def mark_entry(
    *, actor: User, person_id: uuid.UUID | str, entry_ref: str, significant: bool, analysis: str
) -> Marked:
    if not does_case_work(actor):
        raise PermissionDenied("Your role does not curate chronologies")
    person = access_person(actor, person_id, purpose="curate chronology")
    refs = [entry.ref for entry in build_chronology(person, actor)]
    if entry_ref not in refs:
        raise ValidationError({"entry_ref": ["That entry is not on this child's chronology"]})
    if len(analysis) > ANALYSIS_MAX_LENGTH:
        raise ValidationError(
            {"analysis": [f"Analysis must be {ANALYSIS_MAX_LENGTH:,} characters or fewer"]}
        )
    with transaction.atomic():
        earlier = (
            ChronologyMark.objects.select_for_update()
            .filter(person=person, entry_ref=entry_ref)
            .select_related("marked_by")
            .first()
        )
        # Another agency's analysis that the actor may not read is not theirs to replace.
        if earlier is not None and not analysis_shown(actor, earlier):
            raise ValidationError(
                {"entry_ref": ["Another agency has marked this entry: ask them to change it"]}
            )
        mark, _ = ChronologyMark.objects.update_or_create(
            person=person,
            entry_ref=entry_ref,
            defaults={
                "significant": significant,
                "analysis": analysis.strip(),
                "marked_by": actor,
                "marked_at": timezone.now(),
            },
        )
        record(
            AuditVerb.CHRONOLOGY_MARKED,
            actor=actor,
            target_type=TargetType.PERSON,
            target_id=person.pk,
            payload={"entry": entry_ref, "significant": significant},
        )
    return Marked(mark, refs.index(entry_ref))
