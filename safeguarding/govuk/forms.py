"""Form fields for GOV.UK patterns that Django lacks, and a base form with GOV.UK errors."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError


class GovukDateInput(forms.MultiWidget):
    """Day, month and year boxes (the GOV.UK date input pattern)."""

    is_govuk_date = True

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = [
            forms.TextInput(attrs={"inputmode": "numeric"}),
            forms.TextInput(attrs={"inputmode": "numeric"}),
            forms.TextInput(attrs={"inputmode": "numeric"}),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date from three boxes, with GOV.UK's specific error messages."""

    widget = GovukDateInput

    def __init__(self, *, past_only: bool = True, noun: str = "", **kwargs: Any) -> None:
        self.past_only = past_only
        # What error messages call the date when the label is a question ("the date it
        # happened" for "When did it happen?"); the label otherwise.
        self.noun = noun
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[str]) -> date | None:
        if not data_list or not any(data_list):
            return None
        label = (self.noun or self.label or "Date").lower()
        day, month, year = (str(part or "").strip() for part in data_list)
        missing = [
            name for name, part in (("day", day), ("month", month), ("year", year)) if not part
        ]
        if missing:
            raise forms.ValidationError(f"The {label} must include a {' and '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise forms.ValidationError(f"The {label} must be a real date, like 27 3 2007")
        if len(year) != 4:
            raise forms.ValidationError("Year must include 4 numbers")
        try:
            value = date(int(year), int(month), int(day))
        except ValueError as error:
            raise forms.ValidationError(f"The {label} must be a real date") from error
        if self.past_only and value > date.today():  # noqa: DTZ011 - a calendar date
            raise forms.ValidationError(f"The {label} must be today or in the past")
        if value.year < 1900:
            raise forms.ValidationError(f"The {label} must be 1900 or later")
        return value


def add_action_errors(
    form: forms.Form, error: ValidationError, *, fallback_field: str | None = None
) -> None:
    """Put a domain action's ValidationError back on the form that fed it: each message on
    the field of the same name, or on ``fallback_field`` (the form as a whole by default)."""
    for field, messages in error.message_dict.items():
        target = field if field in form.fields else fallback_field
        for message in messages:
            form.add_error(target, message)
