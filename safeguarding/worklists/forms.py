"""The response a receiving agency gives to a hand-off that has no answer of its own (a
referral from the helpline, a network alert): what it is doing about it, for the sender."""

from __future__ import annotations

from django import forms

# Kept short and free of personal data: the sender reads it beside the receipt.
RESPONSES = {
    "acting": "Acting on it",
    "passed-on": "Passed to the team that acts on it",
    "no-action": "No action for us",
}


class RespondForm(forms.Form):
    response = forms.ChoiceField(
        label="What is your agency doing about it?",
        choices=list(RESPONSES.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what your agency is doing about it"},
    )
