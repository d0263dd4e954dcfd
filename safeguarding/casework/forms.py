"""The case-work forms: one per part of an episode, and the child's characteristics. Each
field is named as the action's details field, so that the action's errors land on it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models

from safeguarding.casework.codes import (
    AssessmentFactor,
    CategoryOfAbuse,
    ConferenceOutcome,
    Disability,
    Ethnicity,
    PrimaryNeed,
    ReasonForClosure,
    ReferralSource,
    Section47Outcome,
)
from safeguarding.govuk.forms import GovukDateField


def _coded(choices: type[models.TextChoices]) -> list[tuple[str, str]]:
    """Choices shown with their census code, as the DfE's guide lists them."""
    return [(value, f"{value}: {label}") for value, label in choices.choices]


def _date(label: str, *, required: bool = True, hint: str = "For example, 27 3 2026") -> Any:
    return GovukDateField(
        label=label,
        required=required,
        help_text=hint,
        error_messages={"required": f"Enter the {label.lower()}"},
    )


class ReferralForm(forms.Form):
    referral_date = _date("Referral date")
    referral_source = forms.ChoiceField(
        label="Who made the referral?",
        choices=[("", "Choose the source"), *_coded(ReferralSource)],
        error_messages={"required": "Choose who made the referral"},
    )
    primary_need = forms.ChoiceField(
        label="Primary need",
        choices=[("", "Choose the primary need"), *_coded(PrimaryNeed)],
        error_messages={"required": "Choose the child's primary need"},
    )
    no_further_action = forms.BooleanField(
        label="No further action was taken on this referral", required=False
    )


class AssessmentForm(forms.Form):
    started_on = _date("Assessment start date")
    authorised_on = _date(
        "Date authorised", required=False, hint="Leave empty while the assessment continues"
    )
    factors = forms.MultipleChoiceField(
        label="Factors identified at the assessment",
        choices=_coded(AssessmentFactor),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Recorded when the assessment is authorised",
    )
    child_seen = forms.BooleanField(label="The child was seen", required=False)
    seen_alone = forms.BooleanField(label="The child was seen alone", required=False)
    wishes_and_feelings = forms.CharField(
        label="The child's wishes and feelings",
        help_text="In the child's own words where you can. Required once the assessment "
        "is authorised.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10_000,
        required=False,
    )


class CinPlanForm(forms.Form):
    started_on = _date("Plan start date")
    ended_on = _date("Plan end date", required=False, hint="Leave empty while the plan runs")


class Section47Form(forms.Form):
    started_on = _date("Enquiry start date")
    outcome = forms.ChoiceField(
        label="Outcome of the enquiry",
        choices=[("", "Not yet known"), *Section47Outcome.choices],
        required=False,
    )
    conference_target = _date(
        "Initial conference target date", required=False, hint="For example, 27 3 2026"
    )
    conference_date = _date("Initial conference date", required=False)
    conference_outcome = forms.ChoiceField(
        label="Outcome of the initial conference",
        choices=[("", "No conference held yet"), *ConferenceOutcome.choices],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A target date may lie ahead: the conference is planned for it.
        self.fields["conference_target"].past_only = False  # type: ignore[attr-defined]  # a GovukDateField


class ProtectionPlanForm(forms.Form):
    started_on = _date("Plan start date", hint="The day of the conference that decided the plan")
    initial_category = forms.ChoiceField(
        label="Initial category of abuse",
        choices=[("", "Choose the category"), *_coded(CategoryOfAbuse)],
        error_messages={"required": "Choose the initial category of abuse"},
    )
    latest_category = forms.ChoiceField(
        label="Latest category of abuse",
        choices=[("", "The same as the initial category"), *_coded(CategoryOfAbuse)],
        required=False,
    )
    ended_on = _date("Plan end date", required=False, hint="Leave empty while the plan runs")


class ClosureForm(forms.Form):
    closure_date = _date("Closure date")
    closure_reason = forms.ChoiceField(
        label="Reason for closure",
        choices=[("", "Choose the reason"), *_coded(ReasonForClosure)],
        error_messages={"required": "Choose the reason the case closed"},
    )


class CharacteristicsForm(forms.Form):
    ethnicity = forms.ChoiceField(
        label="Ethnicity",
        choices=[("", "Choose the child's ethnicity"), *_coded(Ethnicity)],
        error_messages={"required": "Choose the child's ethnicity"},
    )
    disabilities = forms.MultipleChoiceField(
        label="Disabilities",
        help_text="Choose every one that applies, or 'No disability'",
        choices=[(value, label) for value, label in Disability.choices],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the child's disabilities, or 'No disability'"},
    )
