from __future__ import annotations

from typing import Any

from django import forms

from safeguarding.access.models import Agency, AgencyKind
from safeguarding.collaboration.actions import (
    ANSWER_MAX_LENGTH,
    DETAILS_MAX_LENGTH,
)
from safeguarding.collaboration.models import Ask, Outcome, Urgency


class RequestForm(forms.Form):
    """What is asked of the other force; the subject comes from the page it is made on."""

    to_force = forms.ModelChoiceField(
        label="Police force to ask",
        queryset=Agency.objects.none(),
        empty_label="Choose a force",
        error_messages={"required": "Choose the police force to ask"},
    )
    ask = forms.ChoiceField(
        label="What are you asking the force to do?",
        choices=Ask.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what you are asking the force to do"},
    )
    details = forms.CharField(
        label="What you are asking and why",
        help_text="Say what you need, what you already know and why it matters. "
        "Share only what the other force needs.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=DETAILS_MAX_LENGTH,
        error_messages={"required": "Enter what you are asking and why"},
    )
    urgency = forms.ChoiceField(
        label="How urgent is it?",
        choices=Urgency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how urgent the request is"},
    )

    def __init__(self, *args: Any, own_force: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_force"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Agency.objects.filter(
            kind=AgencyKind.POLICE_FORCE, is_active=True
        ).exclude(pk=own_force.pk)


class VehicleRequestForm(RequestForm):
    vehicle_registration = forms.CharField(
        label="Vehicle registration",
        help_text="For example, AB12 CDE",
        max_length=12,
        error_messages={"required": "Enter the vehicle registration"},
    )

    field_order = ("vehicle_registration", "to_force", "ask", "details", "urgency")


class FindPersonForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="Full or part name of someone your force holds a record on.",
        error_messages={"required": "Enter the person's name"},
    )


class ResponseForm(forms.Form):
    reason = forms.CharField(
        label="If you decline, why?",
        help_text="The requesting force sees your reason. Leave this empty to accept.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=DETAILS_MAX_LENGTH,
        required=False,
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="What your force holds or did",
        help_text="The requesting force sees this. Say if your force holds nothing.",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=ANSWER_MAX_LENGTH,
        error_messages={"required": "Enter what your force holds or did, or that it holds nothing"},
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome"},
    )
    notes = forms.CharField(
        label="Notes (optional)",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=DETAILS_MAX_LENGTH,
        required=False,
    )
