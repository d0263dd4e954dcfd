from __future__ import annotations

from typing import Any

from django import forms

from safeguarding.govuk.forms import GovukDateField
from safeguarding.pathway.events import EventType, Outcome


class EventForm(forms.Form):
    event_type = forms.ChoiceField(
        label="What happened?",
        choices=[("", "Choose an event"), *EventType.choices],
        error_messages={
            "required": "Choose what happened",
            "invalid_choice": "Choose one of the events your agency records",
        },
    )
    occurred_on = GovukDateField(
        label="When did it happen?",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date it happened"},
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[("", "Not applicable"), *[c for c in Outcome.choices if c[0]]],
        required=False,
        help_text="For strategy discussions and child protection conferences",
    )

    def __init__(self, *args: Any, event_types: list[str], **kwargs: Any) -> None:
        """``event_types``: the events this user may record; the only ones offered."""
        super().__init__(*args, **kwargs)
        self.fields["event_type"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            ("", "Choose an event"),
            *[(value, EventType(value).label) for value in event_types],
        ]

    notes = forms.CharField(
        label="Notes (optional)",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
        required=False,
    )
