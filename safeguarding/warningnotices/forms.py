from __future__ import annotations

from typing import Any

from django import forms

from safeguarding.govuk.forms import GovukDateField
from safeguarding.warningnotices.actions import TEXT_MAX_LENGTH
from safeguarding.warningnotices.models import NoticeKind, WithheldBy

# The issue form grows one child at a time ("Add another child"), up to this many.
MAX_CHILDREN = 10  # one ordinal word each, in ORDINALS


class KindForm(forms.Form):
    """The kind of notice, asked first: it sets the children's age limit. A form of its own
    so that the error summary lists problems in the order of the page."""

    kind = forms.ChoiceField(
        label="Kind of notice",
        choices=NoticeKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of notice"},
    )


class NoticeForm(forms.Form):
    served_on = GovukDateField(
        label="Date served",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date the notice was served"},
    )
    serving_officer = forms.CharField(
        label="Serving officer",
        help_text="Name, rank and collar or warrant number",
        max_length=200,
        error_messages={"required": "Enter the serving officer's name and number"},
    )
    withheld_by = forms.ChoiceField(
        label="Who has not given the adult permission?",
        choices=WithheldBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who has not given permission"},
    )
    withheld_by_details = forms.CharField(
        label="Who they are (optional)",
        help_text="For example, the child's mother, or the authority's name",
        max_length=200,
        required=False,
    )
    conditions = forms.CharField(
        label="What the notice tells the adult not to do",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=TEXT_MAX_LENGTH,
        error_messages={"required": "Enter what the notice tells the adult not to do"},
    )
    copy_sent_to = forms.CharField(
        label="Copy given to (optional)",
        help_text="For example, the parent who withheld permission",
        max_length=200,
        required=False,
    )
    copy_sent_on = GovukDateField(label="Date the copy was given", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("copy_sent_to") and not data.get("copy_sent_on"):
            self.add_error("copy_sent_on", "Enter the date the copy was given")
        if data.get("copy_sent_on") and not data.get("copy_sent_to"):
            self.add_error("copy_sent_to", "Enter who the copy was given to")
        return data


ORDINALS = (
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
)


class PersonForm(forms.Form):
    """The adult served or a named child, when not opened from their record. ``who`` names
    them in labels and messages: "adult", "first child"..."""

    given_name = forms.CharField(max_length=100)
    family_name = forms.CharField(max_length=100)
    date_of_birth = GovukDateField()

    def __init__(self, *args: Any, who: str, dob_required: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, what in (
            ("given_name", "given name"),
            ("family_name", "family name"),
            ("date_of_birth", "date of birth"),
        ):
            field = self.fields[name]
            field.label = f"{who.capitalize()}'s {what}"
            field.error_messages["required"] = f"Enter the {who}'s {what}"
        dob = self.fields["date_of_birth"]
        dob.required = dob_required
        dob.help_text = (
            "The notice covers a child until they reach the age limit"
            if dob_required
            else "Leave blank if not known. With it, the adult is recognised in other "
            "agencies' records by name and date of birth"
        )


class CopyForm(forms.Form):
    sent_to = forms.CharField(
        label="Given to",
        max_length=200,
        error_messages={"required": "Enter who the copy was given to"},
    )
    sent_on = GovukDateField(
        label="Date given", error_messages={"required": "Enter the date the copy was given"}
    )


class BreachForm(forms.Form):
    occurred_on = GovukDateField(
        label="Date of the breach", error_messages={"required": "Enter the date of the breach"}
    )
    place = forms.CharField(
        label="Where it happened",
        max_length=200,
        error_messages={"required": "Enter where it happened"},
    )
    details = forms.CharField(
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=TEXT_MAX_LENGTH,
        error_messages={"required": "Enter what happened"},
    )
    supports_sexual_risk_order = forms.BooleanField(
        label="This breach can support an application for a sexual risk order",
        required=False,
    )


class ReviewForm(forms.Form):
    reviewed_on = GovukDateField(
        label="Date of the review", error_messages={"required": "Enter the date of the review"}
    )


class EndForm(forms.Form):
    ended_on = GovukDateField(
        label="Date revoked", error_messages={"required": "Enter the date the notice was revoked"}
    )
    reason = forms.CharField(
        label="Why the notice is revoked",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
        error_messages={"required": "Enter why the notice is revoked"},
    )
