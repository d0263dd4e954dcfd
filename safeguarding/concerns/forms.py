from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from safeguarding.access.models import Agency, AgencyKind
from safeguarding.concerns.import_schema import TimeFormatError, TimeOfDayError, parse_time
from safeguarding.concerns.models import ConcernCategory, PersonRole
from safeguarding.govuk.forms import GovukDateField
from safeguarding.people.identifiers import normalise_nhs_number, normalise_upn
from safeguarding.people.models import Sex

CATEGORY_CHOICES = [("", "Choose a category"), *ConcernCategory.choices]
OTHER_ROLE_CHOICES = [
    (value, label) for value, label in PersonRole.choices if value != PersonRole.CHILD
]


class ConcernForm(forms.Form):
    category = forms.ChoiceField(
        label="Category of concern",
        choices=CATEGORY_CHOICES,
        error_messages={"required": "Choose the category of concern"},
    )
    summary = forms.CharField(
        label="What happened?",
        help_text="Say what you saw, heard or were told, and by whom. Use the child's own words "
        "where you can.",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10_000,
        error_messages={
            "required": "Enter what happened",
            "max_length": "What happened must be 10,000 characters or fewer",
        },
    )
    disclosed_on = GovukDateField(
        label="When did it happen, or when were you told?",
        help_text="For example, 27 3 2026",
        noun="date it happened or you were told",
        error_messages={"required": "Enter the date it happened or you were told"},
    )
    disclosed_time = forms.CharField(
        label="Time (optional)",
        help_text="Use the 24-hour clock, for example 09:30 or 14:05",
        max_length=5,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    immediate_risk = forms.BooleanField(
        label="The child is at immediate risk, or the police have been called",
        help_text="The MASH is told at once and your concern goes to the top of its queue",
        required=False,
    )
    local_authority = forms.ModelChoiceField(
        label="Local authority for the child's home area",
        queryset=Agency.objects.filter(kind=AgencyKind.LOCAL_AUTHORITY, is_active=True),
        empty_label=None,
        error_messages={"required": "Choose the local authority for the child's home area"},
    )
    agency_record_id = forms.CharField(
        label="Your agency's reference (optional)", max_length=64, required=False
    )

    def clean_disclosed_time(self) -> dt.time | None:
        # People write "14.05" as often as "14:05"; the import's parser takes the colon.
        text = self.cleaned_data["disclosed_time"].strip().replace(".", ":")
        if not text:
            return None
        try:
            return parse_time(text)
        except TimeOfDayError:
            raise forms.ValidationError("Enter a real time, like 14:05") from None
        except TimeFormatError:
            raise forms.ValidationError("Enter the time in hours and minutes, like 14:05") from None


class ChildForm(forms.Form):
    """The child the concern is about, when not already known to the user."""

    prefix = "child"
    given_name = forms.CharField(
        label="Child's given name",
        max_length=100,
        error_messages={"required": "Enter the child's given name"},
    )
    family_name = forms.CharField(
        label="Child's family name",
        max_length=100,
        error_messages={"required": "Enter the child's family name"},
    )
    date_of_birth = GovukDateField(
        label="Child's date of birth", required=False, help_text="Leave blank if not known"
    )
    sex = forms.ChoiceField(
        label="Child's sex",
        choices=Sex.choices,
        widget=forms.RadioSelect,
        initial=Sex.UNKNOWN,
        error_messages={"required": "Choose the child's sex, or not known"},
    )
    nhs_number = forms.CharField(
        label="NHS number (optional)",
        max_length=14,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    unique_pupil_number = forms.CharField(
        label="Unique pupil number (optional)", max_length=16, required=False
    )

    def clean_nhs_number(self) -> str:
        value = self.cleaned_data["nhs_number"]
        return normalise_nhs_number(value) if value.strip() else ""

    def clean_unique_pupil_number(self) -> str:
        value = self.cleaned_data["unique_pupil_number"]
        return normalise_upn(value) if value.strip() else ""


class OtherPersonForm(forms.Form):
    """One more person named in the concern (optional)."""

    prefix = "other"
    given_name = forms.CharField(label="Other person's given name", max_length=100, required=False)
    family_name = forms.CharField(
        label="Other person's family name", max_length=100, required=False
    )
    role = forms.ChoiceField(
        label="Their role", choices=OTHER_ROLE_CHOICES, required=False, widget=forms.RadioSelect
    )
    phone = forms.CharField(label="Phone number (optional)", max_length=30, required=False)
    vehicle = forms.CharField(
        label="Vehicle registration (optional)", max_length=12, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        named = data.get("given_name") or data.get("family_name")
        if named and not data.get("role"):
            self.add_error("role", "Choose the other person's role")
        if not named and (data.get("phone") or data.get("vehicle") or data.get("role")):
            self.add_error("given_name", "Enter the other person's name")
        return data

    def is_used(self) -> bool:
        return bool(self.cleaned_data.get("given_name") or self.cleaned_data.get("family_name"))
