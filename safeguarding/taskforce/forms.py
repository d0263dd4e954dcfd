"""Forms of the taskforce app."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.validators import RegexValidator

from safeguarding.access.models import User
from safeguarding.govuk.forms import GovukDateField
from safeguarding.taskforce.actions import REFERENCE

REFERENCE_HINT = "letters, numbers, hyphens, full stops and slashes only"

BY_CHOICES = [("month", "Month"), ("quarter", "Quarter")]
KIND_CHOICES = [("authority", "Local authorities"), ("force", "Police forces")]


class SuspectForm(forms.Form):
    centre_reference = forms.CharField(
        label="The centre's referral reference",
        max_length=64,
        validators=[
            RegexValidator(REFERENCE, f"Enter the centre's reference using {REFERENCE_HINT}")
        ],
        error_messages={"required": "Enter the centre's referral reference"},
    )
    suspect_reference = forms.CharField(
        label="Your force's reference for the suspect",
        help_text="Your own case reference, never a name",
        max_length=64,
        validators=[RegexValidator(REFERENCE, f"Enter your reference using {REFERENCE_HINT}")],
        error_messages={"required": "Enter your force's reference for the suspect"},
    )
    identified_on = GovukDateField(
        label="Date the suspect was identified",
        error_messages={"required": "Enter the date the suspect was identified"},
    )
    allocated_on = GovukDateField(label="Date allocated to your force", required=False)
    arrested_on = GovukDateField(label="Date arrested", required=False)
    charged_on = GovukDateField(label="Date charged", required=False)
    no_further_action_on = GovukDateField(label="Date of no further action", required=False)
    officer_id = forms.TypedChoiceField(
        label="Officer in the case", coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args: Any, officers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["officer_id"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Not allocated to an officer")] + [
            (str(officer.pk), officer.display_name) for officer in officers
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("charged_on") and data.get("no_further_action_on"):
            self.add_error(
                "no_further_action_on",
                "A suspect cannot be both charged and have no further action",
            )
        return data


class OutcomeForm(SuspectForm):
    """The same fields, less the reference, which does not change."""

    def __init__(self, *args: object, officers: list[User], **kwargs: object) -> None:
        super().__init__(*args, officers=officers, **kwargs)
        del self.fields["suspect_reference"]


class ImportForm(forms.Form):
    file = forms.CharField(
        label="CSV lines",
        help_text="Paste the lines of the CSV file, the line of column names first",
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        max_length=2_000_000,
        strip=False,
        error_messages={
            "required": "Paste the lines of the CSV file",
            "max_length": "Paste at most 2,000,000 characters: split the file",
        },
    )


class FigureFilterForm(forms.Form):
    """Which figures to show: sent by GET (it carries no personal data)."""

    kind = forms.ChoiceField(label="Areas", choices=KIND_CHOICES, required=False)
    year = forms.TypedChoiceField(label="Financial year", coerce=int, required=False)
    by = forms.ChoiceField(label="Trends by", choices=BY_CHOICES, required=False)

    def __init__(
        self, data: Mapping[str, Any] | None, *, years: list[int], fields: tuple[str, ...]
    ) -> None:
        super().__init__(data)
        from safeguarding.taskforce.measures import year_label

        self.years = years
        field = self.fields["year"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(year), year_label(year)) for year in years]
        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]

    def choice(self, name: str, default: object) -> object:
        """The chosen value, or the default when none (or a wrong one) was chosen."""
        if not self.is_bound or not self.is_valid():
            return default
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value
