"""Forms for the fund's pages. Amounts by financial year are one field per year of the
fund, named year_2026 and so on (actions.year_field)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguarding.exitpayments.formfields import ErrorsInPageOrder, MoneyField
from safeguarding.fund.actions import Outcomes, Proposal, year_field
from safeguarding.fund.models import (
    SCORE_MAX,
    Award,
    Criterion,
    GrantRound,
    Region,
    financial_year_label,
    financial_year_of,
    quarter_label,
    quarter_start,
)
from safeguarding.govuk.forms import GovukDateField

YEARS_OFFERED = 6


def whole_number_field(
    label: str, *, help_text: str = "", required_message: str
) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=0,
        max_value=10_000_000,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": required_message,
            "invalid": f"{label} must be a whole number, like 120",
            "min_value": f"{label} must be 0 or more",
            "max_value": f"{label} must be 10,000,000 or less",
        },
    )


class YearAmountsMixin(ErrorsInPageOrder):
    """Adds a money field for each financial year given."""

    year_label = "Amount for {year}"

    def add_year_fields(
        self, years: Iterable[int], *, initial: dict[int, Decimal] | None = None
    ) -> None:
        self.years = sorted(years)
        for year in self.years:
            self.fields[year_field(year)] = MoneyField(
                label=self.year_label.format(year=financial_year_label(year)),
                required=False,
                initial=(initial or {}).get(year),
            )

    def year_fields(self) -> list[forms.BoundField]:
        return [self[year_field(year)] for year in self.years]

    def amounts(self) -> dict[int, Decimal]:
        return {
            year: self.cleaned_data.get(year_field(year)) or Decimal("0.00") for year in self.years
        }


class FundForm(YearAmountsMixin):
    year_label = "Allocation for {year}"

    name = forms.CharField(
        label="Name of the fund",
        max_length=200,
        error_messages={"required": "Enter the fund's name"},
    )
    total = MoneyField(
        label="Total",
        help_text="In pounds. For example, 14,000,000",
        error_messages={"required": "Enter the fund's total"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        this_year = financial_year_of(timezone.localdate())
        self.add_year_fields(range(this_year, this_year + YEARS_OFFERED))
        for bound in self.year_fields():
            bound.field.help_text = "Leave blank if the fund does not cover this year"

    def allocations(self) -> dict[int, Decimal]:
        return {
            year: self.cleaned_data[year_field(year)]
            for year in self.years
            if self.cleaned_data.get(year_field(year)) is not None
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(year_field(year)) is not None for year in self.years):
            self.add_error(
                year_field(self.years[0]), "Enter the allocation for at least one financial year"
            )
        return data


class AllocationForm(ErrorsInPageOrder):
    financial_year = forms.TypedChoiceField(
        label="Financial year",
        coerce=int,
        choices=(),
        error_messages={"required": "Choose the financial year"},
    )
    allocation = MoneyField(
        label="New allocation",
        help_text="In pounds",
        error_messages={"required": "Enter the new allocation"},
    )

    def __init__(self, *args: Any, years: Iterable[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["financial_year"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "Choose a year"),
            *((year, financial_year_label(year)) for year in years),
        ]


class RoundForm(ErrorsInPageOrder):
    name = forms.CharField(
        label="Name of the round",
        max_length=200,
        error_messages={"required": "Enter the round's name"},
    )
    opens_on = GovukDateField(
        label="Opens on",
        past_only=False,
        error_messages={
            "required": "Enter the opening date",
            "incomplete": "Enter the opening date",
        },
    )
    closes_on = GovukDateField(
        label="Closes on",
        past_only=False,
        help_text="Applications are accepted up to and including this day",
        error_messages={
            "required": "Enter the closing date",
            "incomplete": "Enter the closing date",
        },
    )
    budget = MoneyField(
        label="Budget",
        help_text="In pounds: the most the round may award, across all years",
        error_messages={"required": "Enter the round's budget"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        defaults = GrantRound().weights
        for criterion in Criterion:
            name = f"{criterion.value.replace('-', '_')}_weight"
            self.fields[name] = forms.IntegerField(
                label=f"Weight of {criterion.label.lower()}, per cent",
                min_value=0,
                max_value=100,
                initial=defaults[criterion],
                widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                error_messages={
                    "required": f"Enter the weight of {criterion.label.lower()}",
                    "invalid": "A weight must be a whole number from 0 to 100",
                    "min_value": "A weight must be 0 or more",
                    "max_value": "A weight must be 100 or less",
                },
            )

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[f"{c.value.replace('-', '_')}_weight"] for c in Criterion]

    def weights(self) -> dict[str, int]:
        return {
            str(c): int(self.cleaned_data[f"{c.value.replace('-', '_')}_weight"]) for c in Criterion
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "The closing date must be on or after the opening date")
        names = [f"{c.value.replace('-', '_')}_weight" for c in Criterion]
        if all(data.get(name) is not None for name in names):
            total = sum(int(data[name]) for name in names)
            if total != 100:
                self.add_error(names[0], f"The weights must add up to 100; they add up to {total}")
        return data


class ApplicationForm(YearAmountsMixin):
    year_label = "Amount requested for {year}"

    project_name = forms.CharField(
        label="Name of the project",
        max_length=200,
        error_messages={"required": "Enter the project's name"},
    )
    summary = forms.CharField(
        label="What will the project do?",
        help_text="Who it helps, how, and what the money pays for",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10_000,
        error_messages={"required": "Describe the project"},
    )
    region = forms.ChoiceField(
        label="Region served",
        choices=Region.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the region the project serves"},
    )
    survivors_to_support = whole_number_field(
        "Survivors to be supported",
        help_text="How many survivors the project will support over the grant",
        required_message="Enter how many survivors the project will support",
    )

    def __init__(self, *args: Any, years: Iterable[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_year_fields(years)

    def proposal(self) -> Proposal:
        data = self.cleaned_data
        return Proposal(
            data["project_name"], data["summary"], data["region"], data["survivors_to_support"]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.years and not any(data.get(year_field(year)) for year in self.years):
            self.add_error(
                year_field(self.years[0]), "Enter the amount requested for at least one year"
            )
        return data


def _score_choices() -> list[tuple[str, str]]:
    return [("", "Choose a score"), *((str(n), str(n)) for n in range(SCORE_MAX + 1))]


class ScoreForm(ErrorsInPageOrder):
    prefix = "score"

    comments = forms.CharField(
        label="Comments",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )

    def __init__(self, *args: Any, grant_round: GrantRound, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        weights = grant_round.weights
        for criterion in Criterion:
            self.fields[criterion.value.replace("-", "_")] = forms.TypedChoiceField(
                label=f"{criterion.label} (weight {weights[criterion]}%)",
                choices=_score_choices(),
                coerce=int,
                error_messages={"required": f"Score {criterion.label.lower()} from 0 to 5"},
            )
        # The comments come after the scores on the page.
        self.order_fields([c.value.replace("-", "_") for c in Criterion] + ["comments"])

    def score_fields(self) -> list[forms.BoundField]:
        return [self[c.value.replace("-", "_")] for c in Criterion]

    def scores(self) -> dict[str, int]:
        return {str(c): self.cleaned_data[c.value.replace("-", "_")] for c in Criterion}


class AwardForm(YearAmountsMixin):
    prefix = "award"
    year_label = "Award for {year}"

    def __init__(self, *args: Any, requested: dict[int, Decimal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_year_fields(requested, initial=requested)


class OutcomeForm(ErrorsInPageOrder):
    prefix = "outcome"

    period = forms.ChoiceField(
        label="Quarter",
        choices=(),
        error_messages={"required": "Choose the quarter you are reporting on"},
    )
    survivors_supported = whole_number_field(
        "Survivors supported",
        help_text="People the project supported in the quarter",
        required_message="Enter how many survivors the project supported",
    )
    therapy_sessions = whole_number_field(
        "Therapy sessions given",
        required_message="Enter how many therapy sessions were given",
    )
    narrative = forms.CharField(
        label="What happened this quarter?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10_000,
        error_messages={"required": "Describe what the project did this quarter"},
    )

    def __init__(self, *args: Any, award: Award, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reported = {(o.financial_year, o.quarter) for o in award.outcomes.all()}
        today = timezone.localdate()
        periods = [
            (
                f"{year.fund_year.financial_year}-{quarter}",
                quarter_label(year.fund_year.financial_year, quarter),
            )
            for year in award.years.all()
            for quarter in (1, 2, 3, 4)
            if (year.fund_year.financial_year, quarter) not in reported
            and quarter_start(year.fund_year.financial_year, quarter) <= today
        ]
        self.periods = periods
        field = self.fields["period"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose a quarter"), *periods]

    @property
    def has_periods(self) -> bool:
        return bool(self.periods)

    def outcomes(self) -> Outcomes:
        data = self.cleaned_data
        year, quarter = (int(part) for part in str(data["period"]).split("-"))
        return Outcomes(
            financial_year=year,
            quarter=quarter,
            survivors_supported=data["survivors_supported"],
            therapy_sessions=data["therapy_sessions"],
            narrative=data["narrative"],
        )


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    for name, messages in error.message_dict.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
