from __future__ import annotations

from django import forms


class DelayReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why was the deadline missed?",
        help_text="This is recorded, and shown to your manager and on the child's chronology.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Explain why the deadline was missed"},
    )
