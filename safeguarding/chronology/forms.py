from __future__ import annotations

from django import forms

from safeguarding.chronology.actions import ANALYSIS_MAX_LENGTH


class MarkForm(forms.Form):
    entry = forms.CharField(widget=forms.HiddenInput, max_length=80)
    significant = forms.BooleanField(label="Significant event", required=False)
    analysis = forms.CharField(
        label="Analysis",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=ANALYSIS_MAX_LENGTH,
        error_messages={
            "max_length": f"Analysis must be {ANALYSIS_MAX_LENGTH:,} characters or fewer"
        },
    )
