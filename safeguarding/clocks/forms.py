from __future__ import annotations

from typing import Any

from django import forms

from safeguarding.clocks.rules import ClockType, Unit


class DelayReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why was the deadline missed?",
        help_text="This is recorded, and shown to your manager and on the child's chronology.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Explain why the deadline was missed"},
    )


class LimitForm(forms.Form):
    clock_type = forms.ChoiceField(
        label="Deadline",
        choices=[("", "Choose a deadline")],
        error_messages={"required": "Choose the deadline to change"},
    )
    amount = forms.IntegerField(
        label="Limit",
        min_value=0,
        max_value=3650,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter the limit",
            "invalid": "Enter the limit as a whole number, like 35",
            "min_value": "The limit must be 0 or more",
            "max_value": "The limit must be 3,650 or less",
        },
    )
    unit = forms.ChoiceField(
        label="Unit",
        choices=Unit.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the unit"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["clock_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "Choose a deadline"),
            *ClockType.choices,
        ]
