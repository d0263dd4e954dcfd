"""Conflicts of interest: keeping one member of helpline staff away from one report.

A caseworker who declares their own conflict is excluded at once. A caseworker who says a
colleague is conflicted needs a second person to confirm it, so that nobody can take a
report away from a colleague alone. Either way the excluded person's key to the report is
withdrawn only UNDO_DAYS after the exclusion took effect; until then anyone who may see
the report can undo it, and nothing is lost.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.helpline.models import Exclusion, Report, ReportKey
from safeguarding.helpline.queries import can_see, is_helpline_staff

UNDO_DAYS = 7
REASON_MIN_LENGTH = 10


def _audit(verb: AuditVerb, actor: User, exclusion: Exclusion) -> None:
    record(
        AuditVerb(verb),
        actor=actor,
        target_type=TargetType.HELPLINE_REPORT,
        target_id=exclusion.report_id,
        payload={"user": exclusion.user_id, "exclusion": exclusion.pk},
    )


def declare_conflict(
    *, actor: User, report: Report, user: User, reason: str, today: date | None = None
) -> Exclusion:
    """Declare that ``user`` has a conflict of interest over ``report``."""
    if not can_see(actor, report):
        raise PermissionDenied
    if not is_helpline_staff(user) or user.agency_id != report.helpline_id:
        raise ValidationError({"user": ["Choose a member of this helpline's staff"]})
    if len(reason.strip()) < REASON_MIN_LENGTH:
        raise ValidationError({"reason": ["Enter the conflict of interest"]})
    if Exclusion.objects.filter(report=report, user=user, undone_on__isnull=True).exists():
        raise ValidationError({"user": ["A conflict is already recorded for them"]})
    today = today or timezone.localdate()
    own = user.pk == actor.pk
    with transaction.atomic():
        exclusion = Exclusion.objects.create(
            report=report,
            user=user,
            reason=reason.strip(),
            declared_by=actor,
            declared_on=today,
            confirmed_by=actor if own else None,
            confirmed_on=today if own else None,
        )
        _audit(AuditVerb.HELPLINE_EXCLUSION_PROPOSED, actor, exclusion)
        if own:
            report.excluded_users.add(user)
            _audit(AuditVerb.HELPLINE_EXCLUSION_CONFIRMED, actor, exclusion)
    return exclusion


def confirm_exclusion(*, actor: User, exclusion: Exclusion, today: date | None = None) -> Exclusion:
    """A second person confirms a colleague's conflict: the exclusion takes effect."""
    report = exclusion.report
    if not can_see(actor, report):
        raise PermissionDenied
    if exclusion.confirmed_on is not None or exclusion.undone_on is not None:
        raise ValidationError({"exclusion": ["This conflict has already been dealt with"]})
    if actor.pk in (exclusion.declared_by_id, exclusion.user_id):
        raise ValidationError(
            {"exclusion": ["Someone other than the person who declared it must confirm it"]}
        )
    with transaction.atomic():
        exclusion.confirmed_by = actor
        exclusion.confirmed_on = today or timezone.localdate()
        exclusion.save(update_fields=["confirmed_by", "confirmed_on"])
        report.excluded_users.add(exclusion.user_id)
        _audit(AuditVerb.HELPLINE_EXCLUSION_CONFIRMED, actor, exclusion)
    return exclusion


def undo_deadline(exclusion: Exclusion) -> date | None:
    start = exclusion.confirmed_on or exclusion.declared_on
    return start + timedelta(days=UNDO_DAYS) if start else None


def undo_exclusion(*, actor: User, exclusion: Exclusion, today: date | None = None) -> Exclusion:
    """Undo an exclusion (or withdraw a declaration not yet confirmed) within UNDO_DAYS."""
    report = exclusion.report
    if not can_see(actor, report):
        raise PermissionDenied
    today = today or timezone.localdate()
    last = undo_deadline(exclusion)
    if exclusion.undone_on is not None or exclusion.keys_withdrawn_on is not None:
        raise ValidationError({"exclusion": ["This exclusion can no longer be undone"]})
    if last is not None and today > last:
        raise ValidationError({"exclusion": ["This exclusion can no longer be undone"]})
    with transaction.atomic():
        exclusion.undone_on = today
        exclusion.save(update_fields=["undone_on"])
        report.excluded_users.remove(exclusion.user_id)
        _audit(AuditVerb.HELPLINE_EXCLUSION_UNDONE, actor, exclusion)
    return exclusion


def pending_for(report: Report) -> list[Exclusion]:
    """Exclusions of a report that are waiting for confirmation or can still be undone."""
    return list(
        Exclusion.objects.filter(
            report=report, undone_on__isnull=True, keys_withdrawn_on__isnull=True
        )
        .select_related("user", "declared_by", "confirmed_by")
        .order_by("pk")
    )


def withdraw_excluded_keys(today: date) -> int:
    """Once an exclusion can no longer be undone, withdraw the excluded person's key."""
    with transaction.atomic():
        due = list(
            Exclusion.objects.select_for_update().filter(
                confirmed_on__isnull=False,
                undone_on__isnull=True,
                keys_withdrawn_on__isnull=True,
                confirmed_on__lt=today - timedelta(days=UNDO_DAYS),
            )
        )
        for exclusion in due:
            ReportKey.objects.filter(report=exclusion.report_id, user=exclusion.user_id).delete()
        Exclusion.objects.filter(pk__in=[e.pk for e in due]).update(keys_withdrawn_on=today)
    return len(due)
