"""The exit-payment register: payments to senior staff leaving public bodies, their later
public appointments, the rule sets that say what is recovered, and the recoveries."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone

from safeguarding.access.agency_kinds import AgencyKind
from safeguarding.exitpayments.ni_numbers import display_ni_number


def name_key(full_name: str) -> str:
    """How names are compared: spaces collapsed and case folded, nothing else. "Exact
    name" means the same letters in the same order; no fuzzy or phonetic matching."""
    return " ".join((full_name or "").split()).casefold()


class ComponentKind(models.TextChoices):
    REDUNDANCY = "redundancy", "Redundancy pay"
    VOLUNTARY_EXIT = "voluntary-exit", "Voluntary exit payment"
    PENSION_TOP_UP = "pension-top-up", "Pension top-up (employer-funded pension strain)"
    SETTLEMENT = "settlement", "Settlement or compensation"
    NOTICE = "notice", "Payment in lieu of notice"
    ANNUAL_LEAVE = "annual-leave", "Untaken annual leave"
    ILL_HEALTH = "ill-health", "Incapacity or ill-health payment"
    TRIBUNAL_AWARD = "tribunal-award", "Employment tribunal award"


# What a rule set may count. The rest are pay the person had earned or was owed by law
# (notice, holiday pay, ill-health and tribunal awards): the 2016 draft regulations left
# them out, so they are recorded but never recovered.
COUNTABLE_KINDS = (
    ComponentKind.REDUNDANCY,
    ComponentKind.VOLUNTARY_EXIT,
    ComponentKind.PENSION_TOP_UP,
    ComponentKind.SETTLEMENT,
)
EXCLUDED_KINDS = tuple(kind for kind in ComponentKind if kind not in COUNTABLE_KINDS)


class EmployerFields(models.Model):
    """A public body: an agency using the service, or a named body that is not (and may no
    longer exist)."""

    employer = models.ForeignKey(
        "access.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    employer_name = models.CharField(max_length=200, blank=True)
    # For a named body: whether it is an NHS employer (an agency's own kind says so).
    employer_is_nhs = models.BooleanField(default=False)

    class Meta:
        abstract = True

    @property
    def employer_display(self) -> str:
        return self.employer.name if self.employer is not None else self.employer_name

    @property
    def is_nhs_employer(self) -> bool:
        if self.employer is not None:
            return self.employer.kind == AgencyKind.NHS_BODY
        return self.employer_is_nhs


class PersonFields(models.Model):
    """Who was paid or appointed. Kept on each record: these are employees, not the
    children and adults of the people app."""

    full_name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=200, editable=False)
    date_of_birth = models.DateField()
    # Nine characters, no spaces; blank when not known.
    ni_number = models.CharField(max_length=9, blank=True)

    class Meta:
        abstract = True

    @property
    def ni_number_display(self) -> str:
        return display_ni_number(self.ni_number)


class RuleSet(models.Model):
    """One version of a set of claw-back rules. Versions are never edited: a change is a new
    version, and every recovery names the version that produced it."""

    class Status(models.TextChoices):
        DRAFT_POLICY = "draft-policy", "Draft policy (never brought into force)"
        CONTRACTUAL = "contractual", "Contractual term"
        STATUTORY = "statutory", "In force in law"

    class WindowUnit(models.TextChoices):
        DAYS = "days", "days"
        WEEKS = "weeks", "weeks"
        MONTHS = "months", "months"
        YEARS = "years", "years"

    code = models.SlugField(max_length=40)
    version = models.PositiveIntegerField()
    label = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices)
    source = models.TextField(help_text="The legal or contractual source of the rules.")
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    # Applies only when the salary at exit is at least this (blank: any salary).
    salary_threshold = models.DecimalField(null=True, blank=True, max_digits=12, decimal_places=2)
    # Applies only when the former and the new employer are both NHS employers.
    requires_nhs_employers = models.BooleanField(default=False)
    counts_redundancy = models.BooleanField(default=True)
    counts_voluntary_exit = models.BooleanField(default=True)
    counts_pension_top_up = models.BooleanField(default=True)
    counts_settlement = models.BooleanField(default=True)
    # Count each component net of the tax and National Insurance deducted from it.
    net_of_tax = models.BooleanField(default=True)
    # A return counts when it starts within this period of the exit date...
    window_amount = models.PositiveIntegerField()
    window_unit = models.CharField(max_length=8, choices=WindowUnit.choices)
    # ...and on the period's last date too, when this is set ("within 4 weeks"), or only
    # before it when not ("less than one year").
    window_end_counts = models.BooleanField(default=False)
    # Recover the share of the period still to run on the day the new work starts.
    taper_by_time = models.BooleanField(default=True)
    # Scale by the new weekly hours over the old, at most 1.
    pro_rata_hours = models.BooleanField(default=True)
    published_by = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("code", "-version")
        constraints = (
            models.UniqueConstraint(fields=("code", "version"), name="rule_set_code_version"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="rule_set_effective_order",
            ),
            models.CheckConstraint(condition=Q(window_amount__gt=0), name="rule_set_window"),
        )

    def __str__(self) -> str:
        return f"{self.label} (version {self.version})"

    @property
    def counted_kinds(self) -> frozenset[str]:
        flags = {
            ComponentKind.REDUNDANCY: self.counts_redundancy,
            ComponentKind.VOLUNTARY_EXIT: self.counts_voluntary_exit,
            ComponentKind.PENSION_TOP_UP: self.counts_pension_top_up,
            ComponentKind.SETTLEMENT: self.counts_settlement,
        }
        return frozenset(str(kind) for kind, counted in flags.items() if counted)

    @property
    def window_display(self) -> str:
        unit = self.get_window_unit_display()
        if self.window_amount == 1:
            unit = unit.removesuffix("s")
        return f"{self.window_amount} {unit}"


class ExitPayment(PersonFields, EmployerFields):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # A named former employer that has been abolished or merged away: HM Treasury recovers.
    employer_abolished = models.BooleanField(default=False)
    annual_salary = models.DecimalField(max_digits=12, decimal_places=2)
    weekly_hours = models.DecimalField(max_digits=5, decimal_places=2)
    exit_date = models.DateField()
    recorded_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-exit_date", "full_name")
        indexes = (
            models.Index(fields=("ni_number",), name="exit_payment_ni_idx"),
            models.Index(fields=("name_key", "date_of_birth"), name="exit_payment_name_idx"),
        )
        constraints = (
            models.CheckConstraint(
                condition=(Q(employer__isnull=False) & Q(employer_name=""))
                | (Q(employer__isnull=True) & ~Q(employer_name="")),
                name="exit_payment_one_employer",
            ),
            models.CheckConstraint(condition=Q(annual_salary__gte=0), name="exit_payment_salary"),
            models.CheckConstraint(condition=Q(weekly_hours__gt=0), name="exit_payment_hours"),
        )

    def __str__(self) -> str:
        return f"exit payment {self.pk}"

    @property
    def former_employer_exists(self) -> bool:
        if self.employer is not None:
            return self.employer.is_active
        return not self.employer_abolished

    @property
    def total_gross(self) -> Decimal:
        return sum((c.gross for c in self.components.all()), Decimal("0.00"))

    @property
    def total_tax(self) -> Decimal:
        return sum((c.tax_deducted for c in self.components.all()), Decimal("0.00"))


class ExitPaymentComponent(models.Model):
    exit_payment = models.ForeignKey(
        ExitPayment, on_delete=models.PROTECT, related_name="components"
    )
    kind = models.CharField(max_length=20, choices=ComponentKind.choices)
    gross = models.DecimalField(max_digits=12, decimal_places=2)
    # Income tax and National Insurance deducted at source.
    tax_deducted = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ("exit_payment", "id")
        constraints = (
            models.UniqueConstraint(fields=("exit_payment", "kind"), name="one_component_per_kind"),
            models.CheckConstraint(
                condition=Q(gross__gte=0)
                & Q(tax_deducted__gte=0)
                & Q(tax_deducted__lte=models.F("gross")),
                name="component_amounts",
            ),
        )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.gross}"

    @property
    def net(self) -> Decimal:
        return self.gross - self.tax_deducted

    @property
    def is_countable(self) -> bool:
        return self.kind in COUNTABLE_KINDS


class Appointment(PersonFields, EmployerFields):
    """Public-sector work: an employment, or a consultancy with its equivalent hours."""

    class Kind(models.TextChoices):
        EMPLOYMENT = "employment", "Employment"
        CONSULTANCY = "consultancy", "Consultancy"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    start_date = models.DateField()
    weekly_hours = models.DecimalField(max_digits=5, decimal_places=2)
    # Salary for an employment; the fee, as a yearly figure, for a consultancy.
    annual_pay = models.DecimalField(max_digits=12, decimal_places=2)
    recorded_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-start_date", "full_name")
        indexes = (
            models.Index(fields=("ni_number",), name="appointment_ni_idx"),
            models.Index(fields=("name_key", "date_of_birth"), name="appointment_name_idx"),
        )
        constraints = (
            models.CheckConstraint(
                condition=(Q(employer__isnull=False) & Q(employer_name=""))
                | (Q(employer__isnull=True) & ~Q(employer_name="")),
                name="appointment_one_employer",
            ),
            models.CheckConstraint(condition=Q(weekly_hours__gt=0), name="appointment_hours"),
            models.CheckConstraint(condition=Q(annual_pay__gte=0), name="appointment_pay"),
        )

    def __str__(self) -> str:
        return f"appointment {self.pk}"


class Recovery(models.Model):
    """What a person owes back on an exit payment after returning to public work: the
    figure, its working, who recovers it, and how it ends (agreed, paid or waived).

    One per exit payment: the first return that the rules catch opens it."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        AGREED = "agreed", "Agreed"
        PAID = "paid", "Paid"
        WAIVED = "waived", "Waived"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    exit_payment = models.OneToOneField(
        ExitPayment, on_delete=models.PROTECT, related_name="recovery"
    )
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, related_name="recoveries"
    )
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="recoveries")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    # Every step of every rule set considered, with its values (see rules.py).
    working = models.JSONField()
    # Who recovers: the former employer, or HM Treasury when it no longer exists.
    recovering_agency = models.ForeignKey(
        "access.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recovering_body = models.CharField(max_length=200)
    recovered_by_treasury = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(default=timezone.now)
    agreed_amount = models.DecimalField(null=True, blank=True, max_digits=12, decimal_places=2)
    agreed_on = models.DateField(null=True, blank=True)
    agreed_by = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    waived_by = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    waived_on = models.DateField(null=True, blank=True)
    waiver_reason = models.TextField(blank=True)

    class Meta:
        ordering = ("-opened_at",)
        verbose_name_plural = "recoveries"
        constraints = (
            models.CheckConstraint(condition=Q(amount__gt=0), name="recovery_amount"),
            models.CheckConstraint(
                condition=~Q(status="waived") | (Q(waived_by__isnull=False) & ~Q(waiver_reason="")),
                name="recovery_waiver_has_reason",
            ),
        )

    def __str__(self) -> str:
        return f"recovery {self.pk}"

    @property
    def amount_due(self) -> Decimal:
        """The agreed figure once agreed, else the computed one."""
        return self.agreed_amount if self.agreed_amount is not None else self.amount

    @property
    def amount_paid(self) -> Decimal:
        return sum((p.amount for p in self.payments.all()), Decimal("0.00"))

    @property
    def amount_outstanding(self) -> Decimal:
        if self.status == self.Status.WAIVED:
            return Decimal("0.00")
        return max(self.amount_due - self.amount_paid, Decimal("0.00"))

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.PAID, self.Status.WAIVED)


class RecoveryPayment(models.Model):
    recovery = models.ForeignKey(Recovery, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    paid_on = models.DateField()
    recorded_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("paid_on", "id")
        constraints = (
            models.CheckConstraint(condition=Q(amount__gt=0), name="recovery_payment_amount"),
        )

    def __str__(self) -> str:
        return f"{self.amount} on {self.paid_on}"
