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


class UndoForm(forms.Form):
    reason = forms.CharField(
        label="Why are these two different people?",
        help_text=(
            "For example, the dates of birth are a year apart and the school confirms two "
            "pupils. The agencies holding the records are told your reason."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Explain why the merge was wrong"},
    )
