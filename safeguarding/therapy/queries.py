"""Reads of therapy referrals. Identifiable reads go through access_person (need-to-know)
and are audited; the taskforce sees only suppressed counts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.access.policy import does_case_work, visible_person_condition
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.govuk.statistics import suppress
from safeguarding.people.models import Person
from safeguarding.people.queries import access_person
from safeguarding.therapy.actions import is_provider_staff
from safeguarding.therapy.models import TherapyReferral

LIST_LIMIT = 500


def _with_details(referrals: QuerySet[TherapyReferral]) -> QuerySet[TherapyReferral]:
    return referrals.select_related(
        "person", "provider", "authority", "referring_agency", "referred_by", "clock"
    )


def _visible(user: User) -> QuerySet[TherapyReferral]:
    """Referrals about children ``user`` may see: need-to-know decides, not the referral."""
    people = Person.objects.filter(visible_person_condition(user)).values("pk")
    return TherapyReferral.objects.filter(person__in=people)


def _audit_list(user: User, name: str, referrals: list[TherapyReferral]) -> None:
    record(
        AuditVerb.THERAPY_REFERRAL_VIEWED,
        actor=user,
        target_type=TargetType.THERAPY_REFERRAL_LIST,
        target_id=name,
        legal_basis=LegalBasis.HEALTH_CARE,
        payload={"referrals": [str(referral.pk) for referral in referrals]},
    )


def waiting_list(user: User) -> list[TherapyReferral]:
    """The provider's children still waiting, longest wait first. Provider staff only."""
    if not is_provider_staff(user):
        return []
    referrals = list(
        _with_details(
            _visible(user).filter(provider_id=user.agency_id, started_on__isnull=True)
        ).order_by("referred_on", "recorded_at")[:LIST_LIMIT]
    )
    _audit_list(user, "waiting-list", referrals)
    return referrals


def referrals_by_my_agency(user: User) -> list[TherapyReferral]:
    """Referrals the user's agency made, waiting ones first, newest first."""
    if not does_case_work(user) or user.agency_id is None:
        return []
    referrals = list(
        _with_details(_visible(user).filter(referring_agency_id=user.agency_id)).order_by(
            F("started_on").desc(nulls_first=True), "-referred_on"
        )[:LIST_LIMIT]
    )
    _audit_list(user, "referrals-made", referrals)
    return referrals


def access_referral(user: User, referral_id: uuid.UUID | str) -> TherapyReferral:
    """One referral, for those who may see the child (through access_person, which audits
    the read of the child); 404 for anyone else."""
    try:
        key = uuid.UUID(str(referral_id))
    except ValueError as error:
        raise Http404 from error
    referral = _with_details(TherapyReferral.objects.filter(pk=key)).first()
    if referral is None:
        raise Http404
    access_person(user, referral.person_id, purpose="see a therapy referral")
    record(
        AuditVerb.THERAPY_REFERRAL_VIEWED,
        actor=user,
        target_type=TargetType.THERAPY_REFERRAL,
        target_id=referral.pk,
        legal_basis=LegalBasis.HEALTH_CARE,
    )
    return referral


# Figures for the taskforce ---------------------------------------------------------------


def breached(today: date) -> Q:
    """A wait longer than the limit: therapy started after the clock was due, or the child
    is still waiting past it."""
    return Q(clock__met_on__gt=F("clock__due_on")) | Q(
        clock__met_on__isnull=True, clock__cancelled_on__isnull=True, clock__due_on__lt=today
    )


@dataclass(frozen=True)
class BreachRow:
    name: str
    referrals: str
    breaches: str
    rate: str


def _rate(referrals: int, breaches: int) -> str:
    # A rate would give away a suppressed count, so it is shown only when both are shown.
    if suppress(referrals) != f"{referrals:,}" or suppress(breaches) != f"{breaches:,}":
        return "not shown"
    return f"{round(100 * breaches / referrals)}%" if referrals else "0%"


def _rows(referrals: QuerySet[TherapyReferral], field: str, today: date) -> list[BreachRow]:
    counts = (
        referrals.values(field)
        .annotate(referrals=Count("id"), breaches=Count("id", filter=breached(today)))
        .order_by(field)
    )
    return [
        BreachRow(
            name=row[field],
            referrals=suppress(row["referrals"]),
            breaches=suppress(row["breaches"]),
            rate=_rate(row["referrals"], row["breaches"]),
        )
        for row in counts
    ]


@dataclass(frozen=True)
class BreachFigures:
    since: date
    by_authority: list[BreachRow]
    by_provider: list[BreachRow]


def breach_figures(*, days: int = 365, today: date | None = None) -> BreachFigures:
    """Referrals made in the last ``days`` and how many waited longer than the limit, by
    local authority and by provider. De-identified: counts only, under 5 suppressed."""
    today = today or timezone.localdate()
    since = today - timedelta(days=days)
    referrals = TherapyReferral.objects.filter(referred_on__gte=since)
    return BreachFigures(
        since=since,
        by_authority=_rows(referrals, "authority__name", today),
        by_provider=_rows(referrals, "provider__name", today),
    )
