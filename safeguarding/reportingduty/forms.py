from __future__ import annotations

import uuid
from typing import Any

from django import forms

from safeguarding.access.models import Agency
from safeguarding.govuk.forms import GovukDateField
from safeguarding.reportingduty.actions import (
    DELAY_REASON_MIN_LENGTH,
    RECIPIENT_KINDS,
    TEXT_MAX_LENGTH,
    Involvement,
)
from safeguarding.reportingduty.models import STAFF_METHODS, HowKnown


class DisclosureForm(forms.Form):
    how_known = forms.ChoiceField(
        label="How did they come to know?",
        choices=HowKnown.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how they came to know"},
    )
    others_aware = forms.CharField(
        label="Who else knew (optional)",
        help_text="Other staff who were told or saw it, and when",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
        required=False,
    )


class DelayForm(forms.Form):
    reason = forms.CharField(
        label="How would reporting at once endanger the child?",
        help_text="A report may then wait up to 7 days from when you knew, and no longer.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX_LENGTH,
        error_messages={"required": "Explain how reporting at once would endanger the child"},
    )

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"]).strip()
        if len(reason) < DELAY_REASON_MIN_LENGTH:
            raise forms.ValidationError(
                "Explain how reporting at once would endanger the child, in at least "
                f"{DELAY_REASON_MIN_LENGTH} characters"
            )
        return reason


class NotifyForm(forms.Form):
    recipient = forms.ModelChoiceField(
        label="Who did you tell?",
        queryset=Agency.objects.filter(kind__in=RECIPIENT_KINDS, is_active=True).order_by("name"),
        empty_label="Choose the police force or local authority",
        error_messages={"required": "Choose the police force or local authority you told"},
    )
    notified_on = GovukDateField(
        label="Date you told them", error_messages={"required": "Enter the date you told them"}
    )
    method = forms.ChoiceField(
        label="How did you tell them?",
        choices=[(method.value, method.label) for method in STAFF_METHODS],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you told them"},
    )
    reference = forms.CharField(label="Their reference (optional)", max_length=64, required=False)
    other_name = forms.CharField(
        label="Anyone else believed to be involved (optional)", max_length=200, required=False
    )
    other_why = forms.CharField(
        label="Why you believe they were involved",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
        required=False,
    )

    def __init__(
        self, *args: Any, persons: list[tuple[uuid.UUID, str, str]], **kwargs: Any
    ) -> None:
        """``persons`` are those named in the concern other than the child: one question
        each, why the reporter believes they were involved."""
        super().__init__(*args, **kwargs)
        self.persons = persons
        for index, (_, name, role) in enumerate(persons):
            self.fields[f"why_{index}"] = forms.CharField(
                label=f"Why you believe {name} ({role.lower()}) was involved",
                help_text="Leave blank if you do not believe they were",
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=TEXT_MAX_LENGTH,
                required=False,
            )
        # The extra person's questions come after those about people already named.
        for name in ("other_name", "other_why"):
            self.fields[name] = self.fields.pop(name)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("other_name") and not data.get("other_why"):
            self.add_error("other_why", "Say why you believe they were involved")
        if data.get("other_why") and not data.get("other_name"):
            self.add_error("other_name", "Enter the name of the person you believe was involved")
        return data

    def involved(self) -> list[Involvement]:
        data = self.cleaned_data
        named = [
            Involvement(name=name, why=data[f"why_{index}"], person_id=person_id)
            for index, (person_id, name, _) in enumerate(self.persons)
            if data.get(f"why_{index}", "").strip()
        ]
        if data.get("other_name"):
            named.append(Involvement(name=data["other_name"], why=data["other_why"]))
        return named


class ObstructionForm(forms.Form):
    occurred_on = GovukDateField(
        label="When did it happen?", error_messages={"required": "Enter when it happened"}
    )
    by_whom = forms.CharField(
        label="Who tried to prevent or deter the report?",
        help_text="Their name, or what you know of them",
        max_length=200,
        error_messages={"required": "Enter who tried to stop the report"},
    )
    details = forms.CharField(
        label="What did they do or say?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX_LENGTH,
        error_messages={"required": "Enter what they did or said"},
    )
