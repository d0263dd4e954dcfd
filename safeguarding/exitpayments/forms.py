"""Forms for the register. They check what a person can correct on the page; the actions
check everything again."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from safeguarding.access.models import Agency
from safeguarding.exitpayments.actions import (
    WAIVER_REASON_MIN_LENGTH,
    ComponentAmount,
    Employee,
    Employer,
    component_field,
)
from safeguarding.exitpayments.formfields import ErrorsInPageOrder, MoneyField
from safeguarding.exitpayments.models import (
    COUNTABLE_KINDS,
    EXCLUDED_KINDS,
    Appointment,
    ComponentKind,
    RuleSet,
)
from safeguarding.exitpayments.ni_numbers import normalise_ni_number
from safeguarding.exitpayments.queries import public_bodies
from safeguarding.govuk.forms import GovukDateField


def hours_field(label: str, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal(168),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "required": "Enter the hours a week",
            "invalid": "Hours a week must be a number, like 37 or 18.5",
            "min_value": "Hours a week must be more than 0",
            "max_value": "Hours a week must be 168 or less",
            "max_decimal_places": "Hours a week must not include more than 2 decimal places",
            "max_digits": "Hours a week must be 168 or less",
            "max_whole_digits": "Hours a week must be 168 or less",
        },
    )


class PersonAndEmployerForm(ErrorsInPageOrder):
    """The fields an exit payment and an appointment share."""

    employer_label = "Employer"

    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={"required": "Enter the person's full name"},
    )
    date_of_birth = GovukDateField(
        label="Date of birth",
        help_text="For example, 27 3 1968",
        error_messages={
            "required": "Enter the date of birth",
            "incomplete": "Enter the date of birth",
        },
    )
    ni_number = forms.CharField(
        label="National Insurance number",
        required=False,
        max_length=20,
        help_text="It's on a payslip or P60. For example, 'AB 12 34 56 C'. Leave blank if it "
        "is not known: the person is then recognised by exact name and date of birth.",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    employer = forms.ModelChoiceField(
        label="Employer",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="Not listed (enter its name below)",
    )
    employer_name = forms.CharField(
        label="Name of a public body that is not listed",
        required=False,
        max_length=200,
    )
    employer_is_nhs = forms.BooleanField(
        label="The body that is not listed is an NHS employer", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        employer = self.fields["employer"]
        assert isinstance(employer, forms.ModelChoiceField)
        employer.queryset = public_bodies()
        self.fields["employer"].label = self.employer_label

    def clean_ni_number(self) -> str:
        value = str(self.cleaned_data.get("ni_number") or "").strip()
        return normalise_ni_number(value) if value else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        agency, name = data.get("employer"), str(data.get("employer_name") or "").strip()
        if agency is not None and name:
            self.add_error("employer_name", "Choose an agency or enter a name, not both")
        elif agency is None and not name and "employer" not in self.errors:
            self.add_error(
                "employer",
                f"Choose the {self.employer_label.lower()}, or enter its name if it is not listed",
            )
        return data

    def employee(self) -> Employee:
        data = self.cleaned_data
        return Employee(data["full_name"], data["date_of_birth"], data["ni_number"])


class ExitPaymentForm(PersonAndEmployerForm):
    employer_label = "Former employer"

    employer_abolished = forms.BooleanField(
        label="The body that is not listed no longer exists",
        help_text="HM Treasury then recovers any repayment.",
        required=False,
    )
    annual_salary = MoneyField(
        label="Salary at exit",
        help_text="A year's salary in pounds, before tax. For example, 95000",
        error_messages={"required": "Enter the salary at exit"},
    )
    weekly_hours = hours_field("Contracted hours a week", "For example, 37 or 18.5")
    exit_date = GovukDateField(
        label="Exit date",
        help_text="The last day of employment",
        error_messages={"required": "Enter the exit date", "incomplete": "Enter the exit date"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in ComponentKind:
            self.fields[component_field(kind, "gross")] = MoneyField(
                label=f"{kind.label}: gross amount", required=False
            )
            self.fields[component_field(kind, "tax")] = MoneyField(
                label=f"{kind.label}: tax and National Insurance deducted", required=False
            )

    @staticmethod
    def component_names(kinds: tuple[str, ...]) -> list[tuple[str, str]]:
        return [(component_field(k, "gross"), component_field(k, "tax")) for k in kinds]

    def counted_fields(self) -> list[forms.BoundField]:
        return [self[name] for pair in self.component_names(COUNTABLE_KINDS) for name in pair]

    def excluded_fields(self) -> list[forms.BoundField]:
        return [self[name] for pair in self.component_names(EXCLUDED_KINDS) for name in pair]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        any_payment = False
        for kind in ComponentKind:
            gross = data.get(component_field(kind, "gross"))
            tax = data.get(component_field(kind, "tax"))
            if tax and not gross and component_field(kind, "gross") not in self.errors:
                self.add_error(
                    component_field(kind, "gross"),
                    f"Enter the gross amount of the {kind.label.lower()}",
                )
            if gross and tax and tax > gross:
                self.add_error(
                    component_field(kind, "tax"),
                    "Tax and National Insurance deducted cannot be more than the gross amount",
                )
            any_payment = any_payment or bool(gross)
        if not any_payment and not any(
            component_field(kind, "gross") in self.errors for kind in ComponentKind
        ):
            self.add_error(
                component_field(ComponentKind.REDUNDANCY, "gross"), "Enter at least one payment"
            )
        return data

    def employer_details(self) -> Employer:
        data = self.cleaned_data
        return Employer(
            agency=data["employer"],
            name=data["employer_name"],
            is_nhs=data["employer_is_nhs"],
            abolished=data["employer_abolished"],
        )

    def components(self) -> list[ComponentAmount]:
        data = self.cleaned_data
        return [
            ComponentAmount(
                kind,
                data[component_field(kind, "gross")],
                data.get(component_field(kind, "tax")) or Decimal("0.00"),
            )
            for kind in ComponentKind
            if data.get(component_field(kind, "gross"))
        ]


class AppointmentForm(PersonAndEmployerForm):
    employer_label = "Employer"

    kind = forms.ChoiceField(
        label="Kind of work",
        choices=Appointment.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose employment or consultancy"},
    )
    start_date = GovukDateField(
        label="Start date",
        past_only=False,
        help_text="The first day of the new work",
        error_messages={"required": "Enter the start date", "incomplete": "Enter the start date"},
    )
    weekly_hours = hours_field(
        "Hours a week", "For a consultancy, the hours a week it equates to. For example, 37"
    )
    annual_pay = MoneyField(
        label="Salary or fee, per year",
        help_text="In pounds, before tax. For a consultancy, the fee as a yearly figure",
        error_messages={"required": "Enter the salary or fee"},
    )

    def employer_details(self) -> Employer:
        data = self.cleaned_data
        return Employer(
            agency=data["employer"], name=data["employer_name"], is_nhs=data["employer_is_nhs"]
        )


class AgreeForm(ErrorsInPageOrder):
    prefix = "agree"

    amount = MoneyField(
        label="Amount agreed",
        help_text="In pounds; at most the amount worked out",
        error_messages={"required": "Enter the amount agreed"},
    )
    agreed_on = GovukDateField(
        label="Date agreed",
        error_messages={"required": "Enter the date agreed", "incomplete": "Enter the date agreed"},
    )


class PaymentForm(ErrorsInPageOrder):
    prefix = "payment"

    amount = MoneyField(
        label="Amount received",
        help_text="In pounds",
        error_messages={"required": "Enter the amount received"},
    )
    paid_on = GovukDateField(
        label="Date received",
        error_messages={
            "required": "Enter the date received",
            "incomplete": "Enter the date received",
        },
    )


class WaiverForm(ErrorsInPageOrder):
    prefix = "waiver"

    reason = forms.CharField(
        label="Why is the recovery waived?",
        help_text="Say who authorised the waiver and on what grounds. This is recorded with "
        "your name as the person granting it.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Explain why the recovery is waived"},
    )

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"]).strip()
        if len(reason) < WAIVER_REASON_MIN_LENGTH:
            raise ValidationError(
                f"Explain why the recovery is waived, in at least {WAIVER_REASON_MIN_LENGTH} "
                "characters"
            )
        return reason


class RuleSetForm(ErrorsInPageOrder):
    """A new version of a rule set: every parameter, typed."""

    code = forms.SlugField(
        label="Rule set code",
        help_text="An existing code publishes its next version; a new code starts at version 1",
        max_length=40,
        error_messages={
            "required": "Enter the rule set code",
            "invalid": "The code must be lower-case letters, numbers and hyphens",
        },
    )
    label = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the rule set's name"}
    )
    status = forms.ChoiceField(
        label="Status",
        choices=RuleSet.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the status"},
    )
    source = forms.CharField(
        label="Legal or contractual source",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter the source of the rules"},
    )
    effective_from = GovukDateField(
        label="Applies to exits from",
        past_only=False,
        error_messages={
            "required": "Enter the date the rules apply from",
            "incomplete": "Enter the date the rules apply from",
        },
    )
    effective_to = GovukDateField(
        label="Applies to exits until",
        past_only=False,
        required=False,
        help_text="Leave blank if there is no end date",
    )
    salary_threshold = MoneyField(
        label="Salary threshold",
        required=False,
        help_text="The rules apply when the salary at exit is at least this. Leave blank for "
        "any salary",
    )
    requires_nhs_employers = forms.BooleanField(
        label="Applies only when both employers are NHS employers", required=False
    )
    counts_redundancy = forms.BooleanField(label="Counts redundancy pay", required=False)
    counts_voluntary_exit = forms.BooleanField(
        label="Counts voluntary exit payments", required=False
    )
    counts_pension_top_up = forms.BooleanField(label="Counts pension top-ups", required=False)
    counts_settlement = forms.BooleanField(
        label="Counts settlement and compensation", required=False
    )
    net_of_tax = forms.BooleanField(
        label="Counts payments net of tax and National Insurance", required=False
    )
    window_amount = forms.IntegerField(
        label="Period after the exit that a return is caught in",
        min_value=1,
        max_value=520,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter the period",
            "invalid": "The period must be a whole number, like 1 or 4",
            "min_value": "The period must be 1 or more",
            "max_value": "The period must be 520 or less",
        },
    )
    window_unit = forms.ChoiceField(
        label="Unit of the period",
        choices=RuleSet.WindowUnit.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the unit of the period"},
    )
    window_end_counts = forms.BooleanField(
        label="A return on the period's last day is caught ('within'); leave unticked for "
        "'less than'",
        required=False,
    )
    taper_by_time = forms.BooleanField(
        label="Taper by the share of the period still to run", required=False
    )
    pro_rata_hours = forms.BooleanField(
        label="Scale by new weekly hours over old (at most 1)", required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("effective_from"), data.get("effective_to")
        if start and end and end < start:
            self.add_error("effective_to", "The end date must be on or after the start date")
        counted = (
            "counts_redundancy",
            "counts_voluntary_exit",
            "counts_pension_top_up",
            "counts_settlement",
        )
        if not any(data.get(name) for name in counted):
            self.add_error("counts_redundancy", "Choose at least one kind of payment to count")
        return data

    def parameters(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "code"}
