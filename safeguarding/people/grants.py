"""Writes that give a member of staff sight of a person: break-glass access and case roles.
The grants are access's rows; they are made here, beside the person they open, since
making them reads the person and tells the agencies that hold a record."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from safeguarding.access.models import BreakGlassGrant, CaseRole, User
from safeguarding.access.policy import (
    agencies_holding,
    does_case_work,
    held_by_agency,
    may_break_glass,
)
from safeguarding.access.roles import (
    AUDIT_ROLES,
    BREAK_GLASS_NOTIFIED_ROLES,
    BREAK_GLASS_ROLES,
    Role,
)
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
        until = timezone.localtime(grant.expires_at)
        # The reason stays in the service: staff may name the child in it, and the message
        # is emailed. The reviews page shows it to those told, behind need-to-know.
        notify_users(
            owners_to_tell(person.pk, actor=actor),
            subject="Break-glass access to a record your agency holds",
            body=(
                f"{actor.display_name} ({actor.agency}) opened a record your agency holds "
                f"using break-glass access, until {until:%-d %B %Y at %H:%M}. Their reason is "
                "in the break-glass reviews: review it there."
            ),
            link="/people/break-glass/reviews/",
        )
    return grant


def owners_to_tell(person_id: uuid.UUID | str, *, actor: User) -> list[User]:
    """Who is told of break-glass access to a person: in every agency holding a record,
    and every authority whose MASH received a concern about them, those accountable for
    safeguarding (team managers, designated safeguarding leads); in an agency that has
    none, every member of staff who does case work there. Never the actor."""
    staff = (
        User.objects.filter(
            agency_id__in=agencies_holding(person_id), role__in=BREAK_GLASS_ROLES, is_active=True
        )
        .exclude(pk=actor.pk)
        .order_by("pk")
    )
    by_agency: dict[int, list[User]] = {}
    for member in staff:
        by_agency.setdefault(member.agency_id or 0, []).append(member)
    told: list[User] = []
    for members in by_agency.values():
        accountable = [m for m in members if m.role in BREAK_GLASS_NOTIFIED_ROLES]
        told.extend(accountable or members)
    return told


def may_review_break_glass(user: User) -> bool:
    """Managers and designated safeguarding leads review break-glass access to what their
    agency holds; auditors review all of it."""
    if user.role in AUDIT_ROLES:
        return bool(user.is_active)
    return does_case_work(user) and user.role in BREAK_GLASS_NOTIFIED_ROLES


def reviewable_grants(user: User) -> QuerySet[BreakGlassGrant]:
    """The break-glass grants ``user`` may review: on people their agency holds a record
    on, or every grant for an auditor. Never the user's own."""
    if not may_review_break_glass(user):
        raise PermissionDenied("Only managers, designated safeguarding leads and auditors")
    grants = BreakGlassGrant.objects.exclude(user=user)
    if user.role not in AUDIT_ROLES:
        assert user.agency_id is not None
        grants = grants.filter(held_by_agency(user.agency_id))
    return grants.select_related("user", "user__agency", "person", "reviewed_by").order_by(
        "reviewed_at", "-granted_at"
    )


def review_break_glass(*, actor: User, grant_id: uuid.UUID | str) -> BreakGlassGrant:
    """Mark break-glass access reviewed: the reviewer has looked at who opened the record,
    when and why. Audited; a grant is reviewed once."""
    with transaction.atomic():
        grant = reviewable_grants(actor).select_for_update(of=("self",)).filter(pk=grant_id).first()
        if grant is None:
            raise Http404
        if grant.reviewed_at is not None:
            raise ValidationError({"grant": ["This access was already reviewed"]})
        grant.reviewed_at = timezone.now()
        grant.reviewed_by = actor
        grant.save(update_fields=["reviewed_at", "reviewed_by"])
        record(
            AuditVerb.BREAK_GLASS_REVIEWED,
            actor=actor,
            target_type=TargetType.BREAK_GLASS_GRANT,
            target_id=grant.pk,
            payload={"person": str(grant.person_id), "user": grant.user_id},
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
