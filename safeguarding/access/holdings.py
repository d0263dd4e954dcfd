"""The grants of sight of a person that access keeps (case roles and break-glass access),
for the registry of holdings (decision 0016)."""

from __future__ import annotations

import uuid

from safeguarding.access.models import BreakGlassGrant, CaseRole
from safeguarding.records.holdings import Erasing, HeldItem, register_provider

KINDS = {"case-role": "Professional's role on the case", "break-glass": "Break-glass access"}


def held(person_id: uuid.UUID) -> list[HeldItem]:
    items = [
        HeldItem(
            source="access",
            kind="case-role",
            item_id=str(role.pk),
            agency_code=role.user.agency.code if role.user.agency else "",
            recorded_on=role.started_at.date(),
            title=role.get_kind_display(),
            fields=(
                ("From", role.started_at.date().isoformat()),
                ("To", role.ended_at.date().isoformat() if role.ended_at else ""),
            ),
        )
        for role in CaseRole.objects.filter(person_id=person_id).select_related("user__agency")
    ]
    items += [
        HeldItem(
            source="access",
            kind="break-glass",
            item_id=str(grant.pk),
            agency_code=grant.user.agency.code if grant.user.agency else "",
            recorded_on=grant.granted_at.date(),
            title="Record opened outside need-to-know (break-glass)",
            fields=(("Reason given", grant.reason),),
        )
        for grant in BreakGlassGrant.objects.filter(person_id=person_id).select_related(
            "user__agency"
        )
    ]
    return items


def erase(erasing: Erasing) -> int:
    removed = CaseRole.objects.filter(person_id=erasing.person_id).delete()[0]
    return removed + BreakGlassGrant.objects.filter(person_id=erasing.person_id).delete()[0]


def register() -> None:
    register_provider("access", rank=4, held=held, erase=erase, kinds=KINDS)
