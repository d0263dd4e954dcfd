"""Reads of the retention app: the legal holds and the erasures, for information
governance and operators. Each listing is audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from safeguarding.access.models import User
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.retention.actions import may_manage_records
from safeguarding.retention.models import Erasure, LegalHold


def holds_for_listing(*, actor: User | None, include_released: bool = True) -> list[LegalHold]:
    if not may_manage_records(actor):
        raise PermissionDenied("Only information governance may see legal holds")
    holds = LegalHold.objects.select_related("agency", "placed_by", "released_by")
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
    return list(Erasure.objects.select_related("erased_by")[:limit])
