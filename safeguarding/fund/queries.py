"""Every read of the fund: funds, rounds and applications through the conditions in
policy.py (a support organisation sees only its own applications), and the reports."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.fund.models import (
    AwardYear,
    Fund,
    FundYear,
    GrantApplication,
    GrantPayment,
    GrantRound,
    OutcomeReport,
    Region,
    financial_year_label,
)
from safeguarding.fund.policy import application_condition, reads_fund

ZERO = Decimal("0.00")
PENNY = Decimal("0.01")


def funds(user: User) -> QuerySet[Fund]:
    if not reads_fund(user):
        return Fund.objects.none()
    return Fund.objects.prefetch_related("years")


def access_fund(user: User, fund_id: int) -> Fund:
    fund = funds(user).filter(pk=fund_id).first()
    if fund is None:
        raise Http404
    return fund


def access_round(user: User, round_id: int, *, applying: bool = False) -> GrantRound:
    """A round for those who read the fund; for an applicant, only a round that is open."""
    grant_round = GrantRound.objects.select_related("fund").filter(pk=round_id).first()
    if grant_round is None:
        raise Http404
    if reads_fund(user) or (applying and grant_round.is_open()):
        return grant_round
    raise Http404


def open_rounds(on: date | None = None) -> QuerySet[GrantRound]:
    day = on or timezone.localdate()
    return GrantRound.objects.filter(opens_on__lte=day, closes_on__gte=day).select_related("fund")


def rounds_of(fund: Fund) -> QuerySet[GrantRound]:
    return fund.rounds.order_by("-opens_on")


def applications_visible_to(user: User) -> QuerySet[GrantApplication]:
    return (
        GrantApplication.objects.filter(application_condition(user))
        .select_related("grant_round", "organisation", "assessment", "award")
        .prefetch_related("requested", "award__years")
    )


def access_application(user: User, application_id: uuid.UUID | str) -> GrantApplication:
    try:
        key = uuid.UUID(str(application_id))
    except ValueError as error:
        raise Http404 from error
    application = (
        applications_visible_to(user)
        .select_related("grant_round__fund", "submitted_by", "assessment__assessor")
        .prefetch_related("award__years__fund_year", "award__payments", "award__outcomes")
        .filter(pk=key)
        .first()
    )
    if application is None:
        raise Http404
    return application


def access_payment(user: User, payment_id: int) -> GrantPayment:
    payment = (
        GrantPayment.objects.select_related("award__application").filter(pk=payment_id).first()
    )
    if payment is None or not reads_fund(user):
        raise Http404
    return payment


# Reports ------------------------------------------------------------------------------


@dataclass
class YearRow:
    financial_year: int | None
    allocation: Decimal = ZERO
    committed: Decimal = ZERO
    paid: Decimal = ZERO
    survivors_supported: int = 0
    therapy_sessions: int = 0

    @property
    def label(self) -> str:
        return financial_year_label(self.financial_year) if self.financial_year else "Total"

    @property
    def remaining(self) -> Decimal:
        return self.allocation - self.committed


@dataclass
class RegionRow:
    region: str | None
    awards: int = 0
    committed: Decimal = ZERO
    paid: Decimal = ZERO
    survivors_supported: int = 0
    therapy_sessions: int = 0

    @property
    def label(self) -> str:
        return str(Region(self.region).label) if self.region else "Total"


@dataclass
class Report:
    by_year: list[YearRow] = field(default_factory=list)
    year_total: YearRow = field(default_factory=lambda: YearRow(None))
    by_region: list[RegionRow] = field(default_factory=list)
    region_total: RegionRow = field(default_factory=lambda: RegionRow(None))


def _totals(queryset: QuerySet[Any], key: str, summed: str) -> list[tuple[Any, Any]]:
    """(key, sum of ``summed``) for each value of ``key``, in one grouped query."""
    grouped = queryset.values(key).annotate(total=Sum(summed)).order_by(key)
    # SQLite sums decimals without their scale (400000 for 400000.00): give pennies back.
    return [
        (
            row[key],
            row["total"].quantize(PENNY) if isinstance(row["total"], Decimal) else row["total"],
        )
        for row in grouped
    ]


def fund_report(fund: Fund) -> Report:
    """Committed (awarded), paid and remaining by financial year; the same by region (of
    the projects awarded); and the survivors supported and therapy sessions given, summed
    from the quarterly outcome reports. Payments and outcomes count in the financial year
    they belong to, not the day they were recorded."""
    report = Report()
    years = {
        y.financial_year: YearRow(y.financial_year, y.allocation)
        for y in FundYear.objects.filter(fund=fund)
    }
    regions = {value: RegionRow(value) for value in Region.values}

    awarded = AwardYear.objects.filter(fund_year__fund=fund)
    for year, amount in _totals(awarded, "fund_year__financial_year", "amount"):
        years[year].committed = amount
    for region, amount in _totals(awarded, "award__application__region", "amount"):
        regions[region].committed = amount
    for region in GrantApplication.objects.filter(
        grant_round__fund=fund, award__isnull=False
    ).values_list("region", flat=True):
        regions[region].awards += 1

    paid = GrantPayment.objects.filter(
        award__application__grant_round__fund=fund, paid_on__isnull=False
    )
    for year, amount in _totals(paid, "financial_year", "amount"):
        years[year].paid = amount
    for region, amount in _totals(paid, "award__application__region", "amount"):
        regions[region].paid = amount

    outcomes = OutcomeReport.objects.filter(award__application__grant_round__fund=fund)
    for year, survivors in _totals(outcomes, "financial_year", "survivors_supported"):
        years[year].survivors_supported = survivors
    for year, sessions in _totals(outcomes, "financial_year", "therapy_sessions"):
        years[year].therapy_sessions = sessions
    for region, survivors in _totals(outcomes, "award__application__region", "survivors_supported"):
        regions[region].survivors_supported = survivors
    for region, sessions in _totals(outcomes, "award__application__region", "therapy_sessions"):
        regions[region].therapy_sessions = sessions

    report.by_year = [years[year] for year in sorted(years)]
    report.by_region = list(regions.values())
    for year_row in report.by_year:
        total = report.year_total
        total.allocation += year_row.allocation
        total.committed += year_row.committed
        total.paid += year_row.paid
        total.survivors_supported += year_row.survivors_supported
        total.therapy_sessions += year_row.therapy_sessions
    for region_row in report.by_region:
        region_total = report.region_total
        region_total.awards += region_row.awards
        region_total.committed += region_row.committed
        region_total.paid += region_row.paid
        region_total.survivors_supported += region_row.survivors_supported
        region_total.therapy_sessions += region_row.therapy_sessions
    return report
