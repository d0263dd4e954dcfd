"""Reads of the warning notice register, enforced here and audited.

Every police force sees every notice: a notice served in one force's area protects a child
wherever the adult goes. Outside the police, a notice is seen by those working with a child
it names: a holder of an open role on the child's case, or staff of a local authority that
holds a record on the child. Nobody else (a school, an NHS body) sees the register.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from safeguarding.access.models import CaseRole, User
from safeguarding.access.policy import does_case_work
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.people.models import AgencyRecord
from safeguarding.warningnotices.actions import is_police
from safeguarding.warningnotices.models import (
    NoticeAlert,
    NoticeBreach,
    NoticeChild,
    NoticeCopy,
    WarningNotice,
    in_force,
)

LIST_LIMIT = 200


def visible_notices(user: User) -> QuerySet[WarningNotice]:
    if is_police(user):
        return WarningNotice.objects.all()
    if not does_case_work(user) or user.agency is None:
        return WarningNotice.objects.none()
    works_with = Q(
        Exists(
            CaseRole.objects.filter(
                person_id=OuterRef("child_id"), user=user, ended_at__isnull=True
            )
        )
    )
    if user.agency.is_local_authority:
        works_with |= Q(
            Exists(AgencyRecord.objects.filter(person_id=OuterRef("child_id"), agency=user.agency))
        )
    named = NoticeChild.objects.filter(works_with, notice_id=OuterRef("pk"))
    return WarningNotice.objects.filter(Exists(named))


def _with_details(notices: QuerySet[WarningNotice]) -> QuerySet[WarningNotice]:
    return notices.select_related("adult", "issuing_force", "review_clock").prefetch_related(
        Prefetch("children", queryset=NoticeChild.objects.select_related("child"))
    )


@dataclass(frozen=True)
class Register:
    in_force: list[WarningNotice]
    ended: list[WarningNotice]


def register_for(user: User) -> Register:
    """The notices ``user`` may see, those in force first; the listing is audited."""
    today = timezone.localdate()
    visible = _with_details(visible_notices(user))
    current = list(visible.filter(in_force(today))[:LIST_LIMIT])
    ended = list(visible.exclude(in_force(today))[:LIST_LIMIT])
    record(
        AuditVerb.WARNING_NOTICE_VIEWED,
        actor=user,
        target_type=TargetType.WARNING_NOTICE_LIST,
        legal_basis=LegalBasis.CHILD_ABDUCTION_WARNING,
        payload={"notices": [str(notice.pk) for notice in current + ended]},
    )
    return Register(in_force=current, ended=ended)


def access_notice(user: User, notice_id: uuid.UUID | str) -> WarningNotice:
    """One notice for those who may see it, audited; 404 for anyone else, so that a refused
    notice cannot be told from one that does not exist."""
    try:
        key = uuid.UUID(str(notice_id))
    except ValueError as error:
        raise Http404 from error
    notice = _with_details(visible_notices(user).filter(pk=key)).first()
    if notice is None:
        raise Http404
    record(
        AuditVerb.WARNING_NOTICE_VIEWED,
        actor=user,
        target_type=TargetType.WARNING_NOTICE,
        target_id=notice.pk,
        legal_basis=LegalBasis.CHILD_ABDUCTION_WARNING,
    )
    return notice


@dataclass(frozen=True)
class NoticeHistory:
    copies: QuerySet[NoticeCopy]
    breaches: QuerySet[NoticeBreach]
    alerts: QuerySet[NoticeAlert]


def notice_history(notice: WarningNotice) -> NoticeHistory:
    """Copies, breaches and alerts of a notice already opened through access_notice."""
    return NoticeHistory(
        copies=notice.copies.select_related("recorded_by"),
        breaches=notice.breaches.select_related("recorded_by", "recording_force"),
        alerts=notice.alerts.select_related("concern__agency", "concern__local_authority"),
    )
