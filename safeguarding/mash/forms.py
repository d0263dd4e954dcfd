from __future__ import annotations

from typing import Any

from django import forms

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.mash.actions import RATIONALE_MIN_LENGTH
from safeguarding.mash.models import Decision, Rag

# The agencies the MASH may ask what they hold: those whose case workers answer. National
# bodies and helplines hold no records of children to share.
ASKABLE_KINDS = frozenset(
    {
        AgencyKind.LOCAL_AUTHORITY,
        AgencyKind.POLICE_FORCE,
        AgencyKind.SCHOOL,
        AgencyKind.NHS_BODY,
        AgencyKind.VOLUNTARY_ORGANISATION,
    }
)


class RagForm(forms.Form):
    rag = forms.ChoiceField(
        label="Rating",
        choices=[c for c in Rag.choices if c[0] != Rag.UNRATED],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose red, amber or green"},
    )


class AllocateForm(forms.Form):
    to = forms.ModelChoiceField(
        label="Allocate to",
        queryset=User.objects.none(),
        error_messages={"required": "Choose who to allocate to"},
    )

    def __init__(self, *args: Any, authority: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(
            agency=authority, is_active=True, role__in=["mash-triage", "team-manager"]
        )


class InformationRequestForm(forms.Form):
    to_agency = forms.ModelChoiceField(
        label="Agency to ask",
        queryset=Agency.objects.none(),
        error_messages={"required": "Choose the agency to ask"},
    )
    question = forms.CharField(
        label="What do you need to know?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter what you are asking the agency"},
    )

    def __init__(self, *args: Any, authority: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Agency.objects.filter(is_active=True, kind__in=ASKABLE_KINDS).exclude(
            pk=authority.pk
        )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Threshold decision",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision"},
    )
    rationale = forms.CharField(
        label="Rationale",
        help_text="Why this decision: what you weighed, and what partners told you.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": "Explain the decision"},
    )

    def clean_rationale(self) -> str:
        rationale = str(self.cleaned_data["rationale"]).strip()
        if len(rationale) < RATIONALE_MIN_LENGTH:
            raise forms.ValidationError(
                f"Explain the decision in at least {RATIONALE_MIN_LENGTH} characters"
            )
        return rationale


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="What does your agency hold?",
        help_text="Summarise what your records show, or say that you hold nothing.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10_000,
        error_messages={"required": "Enter what your agency holds, or that it holds nothing"},
    )
