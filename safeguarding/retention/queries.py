"""Reads of the retention app: the legal holds and the erasures, for information
governance and operators. Each listing is audited. An officer sees their own agency's:
the holds its officers placed, class holds on its records, and holds on persons it holds
a record on; and the erasures its officers made."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from safeguarding.access.models import User
from safeguarding.access.policy import held_by_agency
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.retention.actions import may_manage_records
from safeguarding.retention.models import Erasure, LegalHold


def visible_holds(actor: User | None) -> QuerySet[LegalHold]:
    """The holds ``actor`` may see: every one for an operator (None); for an officer, their
    own agency's and those on persons their agency holds a record on."""
    if actor is None:
        return LegalHold.objects.all()
    if actor.agency_id is None:
        return LegalHold.objects.none()
    return LegalHold.objects.filter(
        Q(placed_by__agency_id=actor.agency_id)
        | Q(agency_id=actor.agency_id)
        | (Q(person_id__isnull=False) & held_by_agency(actor.agency_id))
    )


def holds_for_listing(*, actor: User | None, include_released: bool = True) -> list[LegalHold]:
    if not may_manage_records(actor):
        raise PermissionDenied("Only information governance may see legal holds")
    holds = visible_holds(actor).select_related("agency", "placed_by", "released_by")
    if not include_released:
        holds = holds.filter(released_at__isnull=True)
    found = list(holds)
    record(
        AuditVerb.HOLDS_LISTED,
        actor=actor,
        target_type=TargetType.LEGAL_HOLD_LIST,
        payload={"holds": [str(hold.pk) for hold in found]},
    )
    return found


def recent_erasures(*, actor: User | None, limit: int = 50) -> list[Erasure]:
    """The latest erasures, for the same page. Not audited: an erasure's record holds the
    person's id, never their details."""
    if not may_manage_records(actor):
        raise PermissionDenied("Only information governance may see erasures")
    erasures = Erasure.objects.select_related("erased_by")
    if actor is not None:
        if actor.agency_id is None:
            return []
        erasures = erasures.filter(erased_by__agency_id=actor.agency_id)
    return list(erasures[:limit])
