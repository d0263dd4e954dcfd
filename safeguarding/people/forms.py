from __future__ import annotations

from typing import Any

from django import forms

from safeguarding.govuk.forms import GovukDateField
from safeguarding.people.grants import BREAK_GLASS_REASON_MIN_LENGTH


class PersonSearchForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=200,
        required=False,
        help_text="Full or part name. Spelling mistakes are allowed for.",
    )
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, help_text="For example, 27 3 2012"
    )
    identifier = forms.CharField(
        label="NHS number, unique pupil number or reference", max_length=64, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not (data.get("name") or data.get("date_of_birth") or data.get("identifier"))
            and not self.errors
        ):
            raise forms.ValidationError("Enter a name, a date of birth or an identifier to search")
        return data


class BreakGlassForm(PersonSearchForm):
    reason = forms.CharField(
        label="Why do you need to see records your agency is not involved with?",
        help_text="Your reason is recorded in the audit log, and the agencies that hold the "
        "record are told that you opened it.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Explain why you need break-glass access"},
    )

    field_order = ["reason", "name", "date_of_birth", "identifier"]

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"]).strip()
        if len(reason) < BREAK_GLASS_REASON_MIN_LENGTH:
            raise forms.ValidationError(
                "Explain why you need access, in at least "
                f"{BREAK_GLASS_REASON_MIN_LENGTH} characters"
            )
        return reason
