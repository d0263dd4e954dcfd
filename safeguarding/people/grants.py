"""Writes that give a member of staff sight of a person: break-glass access and case roles.
The grants are access's rows; they are made here, beside the person they open, since
making them reads the person and tells the agencies that hold a record."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.access.models import BreakGlassGrant, CaseRole, User
from safeguarding.access.policy import agencies_holding, may_break_glass
from safeguarding.access.roles import BREAK_GLASS_NOTIFIED_ROLES, Role
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.notifications.actions import notify_users
from safeguarding.people.models import Person
from safeguarding.people.queries import access_person

BREAK_GLASS_REASON_MIN_LENGTH = 20


def grant_break_glass(*, actor: User, person_id: uuid.UUID | str, reason: str) -> BreakGlassGrant:
    """Open a person's record outside need-to-know, for a stated reason. Audited, and
    every agency holding a record on the person is told."""
    if not may_break_glass(actor):
        raise PermissionDenied("Your role cannot use break-glass access")
    reason = (reason or "").strip()
    if len(reason) < BREAK_GLASS_REASON_MIN_LENGTH:
        raise ValidationError(
            {
                "reason": [
                    f"Explain why you need access, in at least "
                    f"{BREAK_GLASS_REASON_MIN_LENGTH} characters"
                ]
            }
        )
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise ValidationError({"person": ["That person could not be found"]})
    with transaction.atomic():
        grant = BreakGlassGrant.objects.create(
            user=actor,
            person=person,
            reason=reason,
            expires_at=timezone.now() + timedelta(hours=settings.BREAK_GLASS_HOURS),
        )
        record(
            AuditVerb.BREAK_GLASS_GRANTED,
            actor=actor,
            target_type=TargetType.PERSON,
            target_id=person.pk,
            reason=reason,
            payload={"grant": str(grant.pk), "expires_at": grant.expires_at.isoformat()},
        )
        # The agencies holding a record, and the authorities whose MASH received concerns
        # about the person, are told; within them, those accountable for safeguarding.
        managers = User.objects.filter(
            agency_id__in=agencies_holding(person.pk),
            role__in=BREAK_GLASS_NOTIFIED_ROLES,
            is_active=True,
        ).exclude(pk=actor.pk)
        notify_users(
            managers,
            subject="Break-glass access to a record your agency holds",
            body=(
                f"{actor.display_name} ({actor.agency}) opened a record your agency holds "
                "using break-glass access. Their stated reason is in the audit log."
            ),
            link=f"/people/{person.pk}/",
        )
    return grant


def assign_case_role(*, actor: User, user: User, person_id: object, kind: str) -> CaseRole:
    if actor.role not in {Role.TEAM_MANAGER, Role.MASH_TRIAGE}:
        raise PermissionDenied("Only a team manager or the MASH can assign case roles")
    person = access_person(actor, str(person_id), purpose="assign a case role")
    if kind not in CaseRole.Kind.values:
        raise ValidationError({"kind": ["Choose the case role"]})
    with transaction.atomic():
        role, _ = CaseRole.objects.get_or_create(user=user, person=person, kind=kind, ended_at=None)
        record(
            AuditVerb.CASE_ROLE_ASSIGNED,
            actor=actor,
            target_type=TargetType.PERSON,
            target_id=person.pk,
            payload={"user": user.pk, "kind": kind},
        )
    return role
