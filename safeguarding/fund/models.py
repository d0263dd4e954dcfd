"""The victim support fund: a fund allocated by financial year, grant rounds, applications
from support organisations, scored assessments, awards by year, their quarterly payments,
and the outcomes reported back.

Financial years run from 1 April to 31 March and are stored as the year they start in:
2026 is the financial year 2026 to 2027."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

SCORE_MAX = 5


class Region(models.TextChoices):
    """The nine English regions (ONS International Territorial Level 1)."""

    NORTH_EAST = "north-east", "North East"
    NORTH_WEST = "north-west", "North West"
    YORKSHIRE_HUMBER = "yorkshire-humber", "Yorkshire and the Humber"
    EAST_MIDLANDS = "east-midlands", "East Midlands"
    WEST_MIDLANDS = "west-midlands", "West Midlands"
    EAST = "east", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south-east", "South East"
    SOUTH_WEST = "south-west", "South West"


class Criterion(models.TextChoices):
    NEED = "need", "Need"
    DELIVERABILITY = "deliverability", "Deliverability"
    VALUE_FOR_MONEY = "value-for-money", "Value for money"
    REACH = "reach", "Reach"


def financial_year_of(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(start_year: int) -> str:
    """As GOV.UK writes it: 2026 to 2027."""
    return f"{start_year} to {start_year + 1}"


def quarter_start(start_year: int, quarter: int) -> date:
    """Quarter 1 starts 1 April, 2 on 1 July, 3 on 1 October, 4 on 1 January."""
    month = 4 + 3 * (quarter - 1)
    return date(start_year + (month > 12), (month - 1) % 12 + 1, 1)


def quarter_label(start_year: int, quarter: int) -> str:
    first = quarter_start(start_year, quarter)
    last_month = date(first.year, first.month + 2, 1)
    year = financial_year_label(start_year)
    return f"{first:%B} to {last_month:%B %Y} (quarter {quarter} of {year})"


class Fund(models.Model):
    name = models.CharField(max_length=200)
    total = models.DecimalField(max_digits=14, decimal_places=2)
    created_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at",)
        constraints = (models.CheckConstraint(condition=Q(total__gt=0), name="fund_total"),)

    def __str__(self) -> str:
        return self.name


class FundYear(models.Model):
    """One financial year's allocation. Awards for the year never exceed it: the award
    action locks this row and checks what remains inside the lock."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="years")
    financial_year = models.PositiveSmallIntegerField()
    allocation = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ("fund", "financial_year")
        constraints = (
            models.UniqueConstraint(fields=("fund", "financial_year"), name="one_fund_year"),
            models.CheckConstraint(condition=Q(allocation__gte=0), name="fund_year_allocation"),
        )

    def __str__(self) -> str:
        return f"{self.fund} {self.label}"

    @property
    def label(self) -> str:
        return financial_year_label(self.financial_year)


class GrantRound(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(max_length=200)
    opens_on = models.DateField()
    closes_on = models.DateField()
    # What the round may award in all, across the fund's years.
    budget = models.DecimalField(max_digits=14, decimal_places=2)
    # Criterion weights in per cent; they add up to 100.
    need_weight = models.PositiveSmallIntegerField(default=40)
    deliverability_weight = models.PositiveSmallIntegerField(default=25)
    value_for_money_weight = models.PositiveSmallIntegerField(default=20)
    reach_weight = models.PositiveSmallIntegerField(default=15)
    created_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-opens_on", "name")
        constraints = (
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="round_dates"),
            models.CheckConstraint(condition=Q(budget__gt=0), name="round_budget"),
            models.CheckConstraint(
                condition=Q(
                    need_weight=100
                    - F("deliverability_weight")
                    - F("value_for_money_weight")
                    - F("reach_weight")
                ),
                name="round_weights_total_100",
            ),
        )

    def __str__(self) -> str:
        return self.name

    @property
    def weights(self) -> dict[str, int]:
        return {
            Criterion.NEED: self.need_weight,
            Criterion.DELIVERABILITY: self.deliverability_weight,
            Criterion.VALUE_FOR_MONEY: self.value_for_money_weight,
            Criterion.REACH: self.reach_weight,
        }

    def is_open(self, on: date | None = None) -> bool:
        day = on or timezone.localdate()
        return self.opens_on <= day <= self.closes_on


class GrantApplication(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        SCORED = "scored", "Scored"
        AWARDED = "awarded", "Awarded"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    grant_round = models.ForeignKey(
        GrantRound, on_delete=models.PROTECT, related_name="applications"
    )
    organisation = models.ForeignKey(
        "access.Agency", on_delete=models.PROTECT, related_name="grant_applications"
    )
    submitted_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    project_name = models.CharField(max_length=200)
    summary = models.TextField()
    region = models.CharField(max_length=20, choices=Region.choices)
    survivors_to_support = models.PositiveIntegerField()

    class Meta:
        ordering = ("-submitted_at",)

    def __str__(self) -> str:
        return self.project_name

    @property
    def status(self) -> str:
        if hasattr(self, "award"):
            return self.Status.AWARDED
        if hasattr(self, "assessment"):
            return self.Status.SCORED
        return self.Status.SUBMITTED

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)

    @property
    def total_requested(self) -> Decimal:
        return sum((r.amount for r in self.requested.all()), Decimal("0.00"))


class RequestedAmount(models.Model):
    application = models.ForeignKey(
        GrantApplication, on_delete=models.PROTECT, related_name="requested"
    )
    financial_year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ("application", "financial_year")
        constraints = (
            models.UniqueConstraint(
                fields=("application", "financial_year"), name="one_request_per_year"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="requested_amount"),
        )

    def __str__(self) -> str:
        return f"{self.amount} in {financial_year_label(self.financial_year)}"

    @property
    def label(self) -> str:
        return financial_year_label(self.financial_year)


class Assessment(models.Model):
    """Scores of 0 to 5 against each criterion, and their weighted total (0.00 to 5.00)."""

    application = models.OneToOneField(
        GrantApplication, on_delete=models.PROTECT, related_name="assessment"
    )
    assessor = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)
    need = models.PositiveSmallIntegerField()
    deliverability = models.PositiveSmallIntegerField()
    value_for_money = models.PositiveSmallIntegerField()
    reach = models.PositiveSmallIntegerField()
    weighted_total = models.DecimalField(max_digits=4, decimal_places=2)
    # Each criterion's score, weight and weighted score, as the page shows them.
    working = models.JSONField()
    comments = models.TextField(blank=True)

    class Meta:
        constraints = tuple(
            models.CheckConstraint(
                condition=Q(**{f"{name}__lte": SCORE_MAX}), name=f"assessment_{name}_range"
            )
            for name in ("need", "deliverability", "value_for_money", "reach")
        )

    def __str__(self) -> str:
        return f"{self.weighted_total} for {self.application_id}"


class Award(models.Model):
    application = models.OneToOneField(
        GrantApplication, on_delete=models.PROTECT, related_name="award"
    )
    awarded_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    awarded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"award for {self.application_id}"

    @property
    def total(self) -> Decimal:
        return sum((y.amount for y in self.years.all()), Decimal("0.00"))


class AwardYear(models.Model):
    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="years")
    fund_year = models.ForeignKey(FundYear, on_delete=models.PROTECT, related_name="awards")
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ("award", "fund_year__financial_year")
        constraints = (
            models.UniqueConstraint(fields=("award", "fund_year"), name="one_award_per_year"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="award_year_amount"),
        )

    def __str__(self) -> str:
        return f"{self.amount} in {self.fund_year.label}"


class GrantPayment(models.Model):
    """One quarter's payment of an award, scheduled when the award is made (due on the
    first day of the quarter) and marked paid when the money goes."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="payments")
    financial_year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    paid_on = models.DateField(null=True, blank=True)
    paid_by = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("award", "financial_year", "quarter")
        constraints = (
            models.UniqueConstraint(
                fields=("award", "financial_year", "quarter"), name="one_payment_per_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="payment_quarter"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="payment_amount"),
        )

    def __str__(self) -> str:
        return f"{self.amount} due {self.due_on}"

    @property
    def label(self) -> str:
        return quarter_label(self.financial_year, self.quarter)

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None

    @property
    def pay_label(self) -> str:
        year = financial_year_label(self.financial_year)
        return f"Record quarter {self.quarter} of {year} as paid today"


class OutcomeReport(models.Model):
    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="outcomes")
    financial_year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    survivors_supported = models.PositiveIntegerField()
    therapy_sessions = models.PositiveIntegerField()
    narrative = models.TextField()
    submitted_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("award", "financial_year", "quarter")
        constraints = (
            models.UniqueConstraint(
                fields=("award", "financial_year", "quarter"), name="one_outcome_per_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="outcome_quarter"
            ),
        )

    def __str__(self) -> str:
        return f"outcomes for {self.label}"

    @property
    def label(self) -> str:
        return quarter_label(self.financial_year, self.quarter)
