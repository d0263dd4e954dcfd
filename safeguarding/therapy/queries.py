"""Reads of therapy referrals. Identifiable reads go through access_person (need-to-know)
and are audited; the taskforce sees only suppressed counts."""

from __future__ import annotations

import uuid
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.access.policy import does_case_work, visible_person_condition
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.govuk.statistics import (
    SHOWN,
    YEAR,
    SeriesCell,
    Table,
    add_series,
    display,
    protect,
)
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
) -> list[tuple[Any, int, int]]:
    return [
        (row[field], row["referrals"], row["breaches"])
        for row in referrals.values(field)
        .annotate(referrals=Count("id"), breaches=Count("id", filter=breached(today)))
        .order_by(field)
    ]


@dataclass(frozen=True)
class BreachFigures:
    year: int
    label: str
    by_authority: list[BreachRow]
    by_provider: list[BreachRow]
    total: BreachRow


def financial_year(day: date) -> int:
    """The financial year (1 April to 31 March) ``day`` falls in, named by its first
    year: the periods the national dashboard publishes."""
    return day.year if day.month >= 4 else day.year - 1


def year_label(year: int) -> str:
    return f"1 April {year} to 31 March {year + 1}"


# Measures of the national dashboard these figures share (docs/users/figures.md).
DASHBOARD_REFERRALS = "therapy-referrals"
DASHBOARD_BREACHES = "therapy-breaches"
AREA_KINDS = frozenset({AgencyKind.LOCAL_AUTHORITY, AgencyKind.POLICE_FORCE})
OTHER = "other"


@dataclass(frozen=True)
class _Protected:
    table: Table
    shown: list[str]
    total: tuple[int, int]
    cells: dict[str, list[tuple[str, int, int]]]
    dashboard: dict[str, dict[SeriesCell, int]]


def _months_of(year: int) -> list[date]:
    return [date(year + (index + 3) // 12, (index + 3) % 12 + 1, 1) for index in range(12)]


def _protected(year: int, today: date) -> _Protected:
    """The year's referrals and breaches by authority and by provider, with the national
    dashboard's therapy measures by area and period, as one protected table: the page's
    totals are England's, an authority's row its year on the dashboard, so each count is
    shown or hidden alike on both."""
    months = _months_of(year)
    referrals = TherapyReferral.objects.filter(
        referred_on__range=(months[0], date(year + 1, 3, 31))
    )
    groups = {
        "authority": _counts(referrals, "authority_id", today),
        "provider": _counts(referrals, "provider__name", today),
    }
    names = dict(Agency.objects.values_list("pk", "name"))
    kinds = dict(Agency.objects.values_list("pk", "kind"))
    areas = sorted(pk for pk, kind in kinds.items() if kind in AREA_KINDS)
    table = Table()
    # The dashboard's series: each area's referrals (by year) and breaches (by month too).
    monthly: dict[str, dict[Hashable, dict[date, int]]] = {
        column: {key: {} for key in (*areas, OTHER, None)} for column in ("referrals", "breaches")
    }
    for authority, month, count, late in (
        referrals.annotate(month=TruncMonth("referred_on"))
        .values_list("authority_id", "month")
        .annotate(count=Count("id"), late=Count("id", filter=breached(today)))
        .order_by()
    ):
        day = month.date() if isinstance(month, datetime) else month
        key = authority if authority in areas else OTHER
        for column, value in (("referrals", count), ("breaches", late)):
            for target in (key, None):
                monthly[column][target][day] = monthly[column][target].get(day, 0) + value
    dashboard: dict[str, dict[SeriesCell, int]] = {}
    year_cells: dict[str, dict[Hashable, int]] = {}
    for column, measure, by_period in (
        ("referrals", DASHBOARD_REFERRALS, False),
        ("breaches", DASHBOARD_BREACHES, True),
    ):
        series: dict[Hashable, tuple[dict[date, int], bool]] = {
            key: (values, key != OTHER) for key, values in monthly[column].items()
        }
        dashboard[measure] = add_series(table, series, None, months, by_period=by_period)
        year_cells[column] = {
            key: dashboard[measure][(key, YEAR, months[0])] for key in monthly[column]
        }
    total = (year_cells["referrals"][None], year_cells["breaches"][None])
    # The page's rows: an area's are the dashboard's cells; an authority that is not an
    # area counts for England only, with the others like it.
    cells: dict[str, list[tuple[str, int, int]]] = {"authority": [], "provider": []}
    elsewhere: tuple[list[int], list[int]] = ([], [])
    for authority, count, late in groups["authority"]:
        if authority in areas:
            referral_cell = year_cells["referrals"][authority]
            breach_cell = year_cells["breaches"][authority]
        else:
            referral_cell, breach_cell = table.add(count), table.add(late)
            elsewhere[0].append(referral_cell)
            elsewhere[1].append(breach_cell)
        cells["authority"].append((names[authority], referral_cell, breach_cell))
    table.add_sum(year_cells["referrals"][OTHER], elsewhere[0])
    table.add_sum(year_cells["breaches"][OTHER], elsewhere[1])
    for name, count, late in groups["provider"]:
        cells["provider"].append((name, table.add(count), table.add(late)))
    table.add_sum(total[0], [r for _, r, _ in cells["provider"]])
    table.add_sum(total[1], [b for _, _, b in cells["provider"]])
    shown = protect(table)
    return _Protected(table, shown, total, cells, dashboard)


def dashboard_cells(
    year: int, *, today: date
) -> tuple[Table, list[str], dict[str, dict[SeriesCell, int]]]:
    """The dashboard's therapy measures of a financial year, protected with the therapy
    waits of the same year: the table, what may be shown, and each measure's cells."""
    protected = _protected(year, today)
    return protected.table, protected.shown, protected.dashboard


def breach_figures(*, year: int | None = None, today: date | None = None) -> BreachFigures:
    """Referrals made in a financial year (the current one unless ``year`` is given) and
    how many waited longer than the limit, by local authority and by provider, and in
    all. De-identified: counts only. Whole financial years, as the dashboard publishes
    them, so that no two views differ by a few days' referrals; protected with the
    dashboard's figures as one table (safeguarding/govuk/statistics.py)."""
    today = today or timezone.localdate()
    year = financial_year(today) if year is None else year
    protected = _protected(year, today)
    table, shown = protected.table, protected.shown

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
        year=year,
        label=year_label(year),
        by_authority=[row(*cells_of) for cells_of in protected.cells["authority"]],
        by_provider=[row(*cells_of) for cells_of in protected.cells["provider"]],
        total=row("All referrals", *protected.total),
    )
