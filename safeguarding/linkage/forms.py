from __future__ import annotations

from django import forms


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Are these the same person?",
        choices=(
            ("confirm", "Yes, merge them into one record"),
            ("reject", "No, they are different people"),
        ),
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether these are the same person"},
    )
