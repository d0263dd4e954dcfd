"""Every write to the victim support fund.

The one rule that must hold under any load: awards for a financial year never add up to
more than that year's allocation. award_grant locks the round and the fund's year rows
(SELECT ... FOR UPDATE, always in the same order) and sums what is already committed
inside the lock, so two administrators awarding at the same moment are served one after
the other and the second sees the first's award. On SQLite the IMMEDIATE transaction holds
the database's write lock from its start, with the same effect.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import Agency, User
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.exitpayments.money import pounds
from safeguarding.fund.models import (
    Assessment,
    Award,
    AwardYear,
    Criterion,
    Fund,
    FundYear,
    GrantApplication,
    GrantPayment,
    GrantRound,
    OutcomeReport,
    Region,
    RequestedAmount,
    financial_year_label,
    quarter_start,
)
from safeguarding.fund.policy import administers_fund, applies_for_grants
from safeguarding.fund.scoring import weighted_total
from safeguarding.notifications.actions import notify_users
from safeguarding.worklists.actions import Acted, Sent, record_acted, record_sent

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")
QUARTERS = (1, 2, 3, 4)


def year_field(financial_year: int) -> str:
    """The form field (and error key) for an amount in one financial year: year_2026."""
    return f"year_{financial_year}"


def _require_administrator(actor: User) -> None:
    if not administers_fund(actor):
        raise PermissionDenied("Only a support fund administrator can do this")


def _committed(fund_year: FundYear) -> Decimal:
    total = AwardYear.objects.filter(fund_year=fund_year).aggregate(total=Sum("amount"))["total"]
    return total or ZERO


def create_fund(
    *, actor: User, name: str, total: Decimal, allocations: Mapping[int, Decimal]
) -> Fund:
    """A fund with its allocation for each financial year (at most the total between them)."""
    _require_administrator(actor)
    errors: dict[str, list[str]] = {}
    name = " ".join(name.split())
    if not name:
        errors["name"] = ["Enter the fund's name"]
    if total <= 0:
        errors["total"] = ["The total must be more than £0"]
    if not allocations:
        errors["__all__"] = ["Allocate the fund to at least one financial year"]
    for year, allocation in allocations.items():
        if allocation < 0:
            errors[year_field(year)] = ["An allocation must be £0 or more"]
    if total > 0 and sum(allocations.values(), ZERO) > total:
        errors["__all__"] = [
            f"The allocations add up to {pounds(sum(allocations.values(), ZERO))}, more than "
            f"the fund's total of {pounds(total)}"
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        fund = Fund.objects.create(name=name, total=total, created_by=actor)
        FundYear.objects.bulk_create(
            FundYear(fund=fund, financial_year=year, allocation=allocation)
            for year, allocation in sorted(allocations.items())
        )
        record(
            AuditVerb.FUND_CHANGED,
            actor=actor,
            target_type=TargetType.FUND,
            target_id=fund.pk,
            payload={
                "created": name,
                "total": str(total),
                "allocations": {str(y): str(a) for y, a in sorted(allocations.items())},
            },
        )
    return fund


def set_allocation(
    *, actor: User, fund: Fund, financial_year: int, allocation: Decimal
) -> FundYear:
    """Change one year's allocation: never below what is already awarded for the year, and
    the years together never above the fund's total."""
    _require_administrator(actor)
    with transaction.atomic():
        years = list(
            FundYear.objects.select_for_update().filter(fund=fund).order_by("financial_year")
        )
        fund_year = next((y for y in years if y.financial_year == financial_year), None)
        if fund_year is None:
            raise ValidationError({"financial_year": ["Choose one of the fund's years"]})
        committed = _committed(fund_year)
        others = sum((y.allocation for y in years if y is not fund_year), ZERO)
        if allocation < committed:
            raise ValidationError(
                {
                    "allocation": [
                        f"{pounds(committed)} is already awarded for {fund_year.label}: the "
                        "allocation cannot be less"
                    ]
                }
            )
        if others + allocation > fund.total:
            raise ValidationError(
                {
                    "allocation": [
                        f"The years would add up to {pounds(others + allocation)}, more than "
                        f"the fund's total of {pounds(fund.total)}"
                    ]
                }
            )
        previous = fund_year.allocation
        fund_year.allocation = allocation
        fund_year.save(update_fields=["allocation"])
        record(
            AuditVerb.FUND_CHANGED,
            actor=actor,
            target_type=TargetType.FUND,
            target_id=fund.pk,
            payload={
                "financial_year": financial_year,
                "allocation": str(allocation),
                "previous": str(previous),
            },
        )
    return fund_year


def open_round(
    *,
    actor: User,
    fund: Fund,
    name: str,
    opens_on: date,
    closes_on: date,
    budget: Decimal,
    weights: Mapping[str, int] | None = None,
) -> GrantRound:
    _require_administrator(actor)
    chosen = (
        dict(weights)
        if weights is not None
        else {
            Criterion.NEED: 40,
            Criterion.DELIVERABILITY: 25,
            Criterion.VALUE_FOR_MONEY: 20,
            Criterion.REACH: 15,
        }
    )
    errors: dict[str, list[str]] = {}
    name = " ".join(name.split())
    if not name:
        errors["name"] = ["Enter the round's name"]
    if closes_on < opens_on:
        errors["closes_on"] = ["The closing date must be on or after the opening date"]
    if not ZERO < budget <= fund.total:
        errors["budget"] = [f"The budget must be more than £0 and at most {pounds(fund.total)}"]
    if set(chosen) != set(Criterion.values) or any(w < 0 for w in chosen.values()):
        errors["__all__"] = ["Give every criterion a weight of 0 or more"]
    elif sum(chosen.values()) != 100:
        errors["__all__"] = [
            f"The weights must add up to 100; they add up to {sum(chosen.values())}"
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        grant_round = GrantRound.objects.create(
            fund=fund,
            name=name,
            opens_on=opens_on,
            closes_on=closes_on,
            budget=budget,
            need_weight=chosen[Criterion.NEED],
            deliverability_weight=chosen[Criterion.DELIVERABILITY],
            value_for_money_weight=chosen[Criterion.VALUE_FOR_MONEY],
            reach_weight=chosen[Criterion.REACH],
            created_by=actor,
        )
        record(
            AuditVerb.FUND_CHANGED,
            actor=actor,
            target_type=TargetType.FUND,
            target_id=fund.pk,
            payload={
                "round": grant_round.pk,
                "name": name,
                "opens_on": opens_on.isoformat(),
                "closes_on": closes_on.isoformat(),
                "budget": str(budget),
                "weights": {str(k): v for k, v in chosen.items()},
            },
        )
    return grant_round


@dataclass(frozen=True)
class Proposal:
    project_name: str
    summary: str
    region: str
    survivors_to_support: int


def submit_application(
    *,
    actor: User,
    grant_round: GrantRound,
    proposal: Proposal,
    amounts: Mapping[int, Decimal],
) -> GrantApplication:
    """An application from the actor's support organisation, while the round is open."""
    organisation = actor.agency
    if not applies_for_grants(actor) or organisation is None:
        raise PermissionDenied("Only staff of a support organisation can apply")
    fund_years = {y.financial_year: y for y in grant_round.fund.years.all()}
    errors: dict[str, list[str]] = {}
    if not grant_round.is_open():
        errors["__all__"] = [
            f"{grant_round.name} is open from {grant_round.opens_on:%-d %B %Y} to "
            f"{grant_round.closes_on:%-d %B %Y}"
        ]
    if not proposal.project_name.strip():
        errors["project_name"] = ["Enter the project's name"]
    if not proposal.summary.strip():
        errors["summary"] = ["Describe the project"]
    if proposal.region not in Region.values:
        errors["region"] = ["Choose the region the project serves"]
    if proposal.survivors_to_support < 1:
        errors["survivors_to_support"] = ["Enter how many survivors the project will support"]
    for year, amount in amounts.items():
        if year not in fund_years:
            errors["__all__"] = [f"The fund has no allocation for {financial_year_label(year)}"]
        elif not ZERO <= amount <= fund_years[year].allocation:
            errors[year_field(year)] = [
                f"The amount for {financial_year_label(year)} must be between £0 and "
                f"{pounds(fund_years[year].allocation)}"
            ]
    if not any(amount > 0 for amount in amounts.values()):
        errors.setdefault("__all__", []).append("Enter the amount requested for at least one year")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        application = GrantApplication.objects.create(
            grant_round=grant_round,
            organisation=organisation,
            submitted_by=actor,
            project_name=proposal.project_name.strip(),
            summary=proposal.summary.strip(),
            region=proposal.region,
            survivors_to_support=proposal.survivors_to_support,
        )
        RequestedAmount.objects.bulk_create(
            RequestedAmount(application=application, financial_year=year, amount=amount)
            for year, amount in sorted(amounts.items())
            if amount > 0
        )
        record(
            AuditVerb.GRANT_APPLICATION_RECEIVED,
            actor=actor,
            target_type=TargetType.GRANT_APPLICATION,
            target_id=application.pk,
            payload={
                "round": grant_round.pk,
                "region": proposal.region,
                "requested": {str(y): str(a) for y, a in sorted(amounts.items()) if a > 0},
            },
        )
    return application


def score_application(
    *, actor: User, application: GrantApplication, scores: Mapping[str, int], comments: str = ""
) -> Assessment:
    """Score against the round's weighted criteria; scoring again replaces the scores until
    an award is made."""
    _require_administrator(actor)
    errors: dict[str, list[str]] = {}
    for criterion in Criterion:
        score = scores.get(criterion)
        if score is None or not 0 <= score <= 5:
            errors[criterion.value.replace("-", "_")] = [
                f"Score {criterion.label.lower()} from 0 to 5"
            ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = GrantApplication.objects.select_for_update().get(pk=application.pk)
        if Award.objects.filter(application=locked).exists():
            raise ValidationError({"__all__": ["This application has already been awarded"]})
        grant_round = GrantRound.objects.get(pk=locked.grant_round_id)
        scored = weighted_total(scores, grant_round.weights)
        values = {
            "assessor": actor,
            "assessed_at": timezone.now(),
            "need": scores[Criterion.NEED],
            "deliverability": scores[Criterion.DELIVERABILITY],
            "value_for_money": scores[Criterion.VALUE_FOR_MONEY],
            "reach": scores[Criterion.REACH],
            "weighted_total": scored.total,
            "working": scored.working,
            "comments": comments.strip(),
        }
        assessment, _ = Assessment.objects.update_or_create(application=locked, defaults=values)
        record(
            AuditVerb.GRANT_APPLICATION_SCORED,
            actor=actor,
            target_type=TargetType.GRANT_APPLICATION,
            target_id=locked.pk,
            payload={
                "scores": {str(k): v for k, v in scores.items()},
                "weighted_total": str(scored.total),
            },
        )
    return assessment


def quarterly_amounts(amount: Decimal) -> list[Decimal]:
    """A year's award in four payments: equal quarters rounded down to the penny, the
    pennies left over in the fourth, so that the four add up to the award exactly."""
    quarter = (amount / 4).quantize(PENNY, rounding=ROUND_DOWN)
    return [quarter, quarter, quarter, amount - 3 * quarter]


def award_grant(
    *, actor: User, application: GrantApplication, amounts: Mapping[int, Decimal]
) -> Award:
    """Award amounts by financial year (each at most what was requested for the year) and
    schedule the quarterly payments. Refused if any year's awards would exceed its
    allocation, or the round's awards its budget, checked inside the locks."""
    _require_administrator(actor)
    awarded = {year: amount for year, amount in amounts.items() if amount > 0}
    requested = {r.financial_year: r.amount for r in application.requested.all()}
    errors: dict[str, list[str]] = {}
    for year, amount in amounts.items():
        if amount < 0:
            errors[year_field(year)] = ["An amount must be £0 or more"]
        elif amount > requested.get(year, ZERO):
            errors[year_field(year)] = [
                f"The award for {financial_year_label(year)} cannot be more than the "
                f"{pounds(requested.get(year, ZERO))} requested"
            ]
    if not awarded:
        errors.setdefault("__all__", []).append("Award an amount for at least one year")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Locks in one order everywhere: the round, then the fund's years by year.
        grant_round = GrantRound.objects.select_for_update().get(pk=application.grant_round_id)
        fund_years = {
            y.financial_year: y
            for y in FundYear.objects.select_for_update()
            .filter(fund_id=grant_round.fund_id)
            .order_by("financial_year")
        }
        locked = GrantApplication.objects.select_for_update().get(pk=application.pk)
        if Award.objects.filter(application=locked).exists():
            raise ValidationError({"__all__": ["This application has already been awarded"]})
        if not Assessment.objects.filter(application=locked).exists():
            raise ValidationError({"__all__": ["Score the application before awarding"]})
        for year, amount in sorted(awarded.items()):
            fund_year = fund_years.get(year)
            if fund_year is None:
                errors[year_field(year)] = [
                    f"The fund has no allocation for {financial_year_label(year)}"
                ]
                continue
            remaining = fund_year.allocation - _committed(fund_year)
            if amount > remaining:
                errors[year_field(year)] = [
                    f"Only {pounds(remaining)} of {fund_year.label}'s allocation remains"
                ]
        round_total = (
            AwardYear.objects.filter(award__application__grant_round=grant_round).aggregate(
                total=Sum("amount")
            )["total"]
            or ZERO
        )
        if round_total + sum(awarded.values(), ZERO) > grant_round.budget:
            errors.setdefault("__all__", []).append(
                f"Only {pounds(grant_round.budget - round_total)} of the round's "
                f"{pounds(grant_round.budget)} budget remains"
            )
        if errors:
            raise ValidationError(errors)
        award = Award.objects.create(application=locked, awarded_by=actor)
        AwardYear.objects.bulk_create(
            AwardYear(award=award, fund_year=fund_years[year], amount=amount)
            for year, amount in sorted(awarded.items())
        )
        GrantPayment.objects.bulk_create(
            GrantPayment(
                award=award,
                financial_year=year,
                quarter=quarter,
                due_on=quarter_start(year, quarter),
                amount=part,
            )
            for year, amount in sorted(awarded.items())
            for quarter, part in zip(QUARTERS, quarterly_amounts(amount), strict=True)
        )
        record(
            AuditVerb.GRANT_AWARDED,
            actor=actor,
            target_type=TargetType.GRANT_APPLICATION,
            target_id=locked.pk,
            payload={"awarded": {str(y): str(a) for y, a in sorted(awarded.items())}},
        )
        record_sent(
            "fund-award",
            [Sent(locked.pk, locked.organisation_id, actor.agency_id, award.awarded_at)],
            actor=actor,
        )
        # The award goes back to the organisation that applied, as every hand-off does.
        notify_users(
            award_recipients(locked.organisation),
            subject=f"Grant awarded: {locked.project_name}",
            body=f"The {grant_round.fund.name} awarded "
            f"{pounds(sum(awarded.values(), ZERO))} to {locked.project_name}. The payments "
            "and when they are due are on the application's page.",
            link=reverse("fund:application", args=[locked.pk]),
        )
    return award


def award_recipients(organisation: Agency) -> list[User]:
    """Who at a support organisation is told of an award: its staff who apply for grants."""
    staff = User.objects.filter(agency=organisation, is_active=True).select_related("agency")
    return [user for user in staff.order_by("pk") if applies_for_grants(user)]


def record_grant_payment(*, actor: User, payment: GrantPayment, paid_on: date) -> GrantPayment:
    _require_administrator(actor)
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": ["The date paid must be today or in the past"]})
    with transaction.atomic():
        locked = GrantPayment.objects.select_for_update().get(pk=payment.pk)
        if locked.is_paid:
            raise ValidationError({"__all__": ["This payment has already been recorded"]})
        locked.paid_on, locked.paid_by = paid_on, actor
        locked.save(update_fields=["paid_on", "paid_by"])
        record(
            AuditVerb.GRANT_PAYMENT_MADE,
            actor=actor,
            target_type=TargetType.GRANT_APPLICATION,
            target_id=locked.award.application_id,
            payload={
                "payment": locked.pk,
                "financial_year": locked.financial_year,
                "quarter": locked.quarter,
                "amount": str(locked.amount),
                "paid_on": paid_on.isoformat(),
            },
        )
    return locked


@dataclass(frozen=True)
class Outcomes:
    financial_year: int
    quarter: int
    survivors_supported: int
    therapy_sessions: int
    narrative: str


def report_outcome(*, actor: User, award: Award, outcomes: Outcomes) -> OutcomeReport:
    """A quarter's outcomes, from the organisation that holds the award, once the quarter
    has begun."""
    if not applies_for_grants(actor) or actor.agency_id != award.application.organisation_id:
        raise PermissionDenied("Only the organisation holding the award can report on it")
    years = {y.fund_year.financial_year for y in award.years.select_related("fund_year")}
    errors: dict[str, list[str]] = {}
    if outcomes.financial_year not in years or outcomes.quarter not in QUARTERS:
        errors["period"] = ["Choose a quarter of a year the award covers"]
    elif quarter_start(outcomes.financial_year, outcomes.quarter) > timezone.localdate():
        errors["period"] = ["That quarter has not started yet"]
    if outcomes.survivors_supported < 0:
        errors["survivors_supported"] = ["Enter 0 or more"]
    if outcomes.therapy_sessions < 0:
        errors["therapy_sessions"] = ["Enter 0 or more"]
    if not outcomes.narrative.strip():
        errors["narrative"] = ["Describe what the project did this quarter"]
    if (
        not errors
        and OutcomeReport.objects.filter(
            award=award, financial_year=outcomes.financial_year, quarter=outcomes.quarter
        ).exists()
    ):
        errors["period"] = ["Outcomes for that quarter have already been reported"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        report = OutcomeReport.objects.create(
            award=award,
            financial_year=outcomes.financial_year,
            quarter=outcomes.quarter,
            survivors_supported=outcomes.survivors_supported,
            therapy_sessions=outcomes.therapy_sessions,
            narrative=outcomes.narrative.strip(),
            submitted_by=actor,
        )
        record_acted(
            "fund-award",
            [Acted(award.application_id, "First outcomes reported")],
            actor=actor,
        )
        record(
            AuditVerb.GRANT_OUTCOME_REPORTED,
            actor=actor,
            target_type=TargetType.GRANT_APPLICATION,
            target_id=award.application_id,
            payload={
                "financial_year": outcomes.financial_year,
                "quarter": outcomes.quarter,
                "survivors_supported": outcomes.survivors_supported,
                "therapy_sessions": outcomes.therapy_sessions,
            },
        )
    return report
