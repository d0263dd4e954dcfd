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
from safeguarding.govuk.statistics import SHOWN, Table, display, protect
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


def _rate(referrals: int, breaches: int, shown: tuple[str, str]) -> str:
    # A rate would give away a suppressed count, so it is shown only when both are shown.
    if shown[0] != SHOWN or shown[1] != SHOWN:
        return "not shown"
    return f"{round(100 * breaches / referrals)}%" if referrals else "0%"


def _counts(
    referrals: QuerySet[TherapyReferral], field: str, today: date
) -> list[tuple[str, int, int]]:
    return [
        (row[field], row["referrals"], row["breaches"])
        for row in referrals.values(field)
        .annotate(referrals=Count("id"), breaches=Count("id", filter=breached(today)))
        .order_by(field)
    ]


@dataclass(frozen=True)
class BreachFigures:
    since: date
    by_authority: list[BreachRow]
    by_provider: list[BreachRow]
    total: BreachRow


def breach_figures(*, days: int = 365, today: date | None = None) -> BreachFigures:
    """Referrals made in the last ``days`` and how many waited longer than the limit, by
    local authority and by provider, and in all. De-identified: counts only; both
    breakdowns add up to the same totals, so they are protected as one table
    (safeguarding/govuk/statistics.py), and a count one gives away is hidden in both."""
    today = today or timezone.localdate()
    since = today - timedelta(days=days)
    referrals = TherapyReferral.objects.filter(referred_on__gte=since)
    groups = {
        "authority": _counts(referrals, "authority__name", today),
        "provider": _counts(referrals, "provider__name", today),
    }
    table = Table()
    total = (
        table.add(sum(r for _, r, _ in groups["authority"])),
        table.add(sum(b for _, _, b in groups["authority"])),
    )
    cells: dict[str, list[tuple[str, int, int]]] = {}
    for group, rows in groups.items():
        cells[group] = [(name, table.add(r), table.add(b)) for name, r, b in rows]
        table.add_sum(total[0], [r for _, r, _ in cells[group]])
        table.add_sum(total[1], [b for _, _, b in cells[group]])
    shown = protect(table)

    def row(name: str, referrals_cell: int, breaches_cell: int) -> BreachRow:
        values = (table.values[referrals_cell], table.values[breaches_cell])
        flags = (shown[referrals_cell], shown[breaches_cell])
        return BreachRow(
            name=name,
            referrals=display(values[0], flags[0]),
            breaches=display(values[1], flags[1]),
            rate=_rate(values[0], values[1], flags),
        )

    return BreachFigures(
        since=since,
        by_authority=[row(*cells_of) for cells_of in cells["authority"]],
        by_provider=[row(*cells_of) for cells_of in cells["provider"]],
        total=row("All referrals", *total),
    )
