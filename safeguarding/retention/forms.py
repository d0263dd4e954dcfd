from __future__ import annotations

from django import forms

from safeguarding.access.models import Agency
from safeguarding.govuk.forms import GovukDateField
from safeguarding.records.holdings import kinds
from safeguarding.retention.actions import REASON_MAX_LENGTH

REASON_HINT = "At least 10 characters. Do not name anyone: the reason is kept in the audit log."


def _kind_choices() -> list[tuple[str, str]]:
    return [("", "Every kind of record"), *sorted(kinds().items(), key=lambda kv: kv[1])]


class HoldForm(forms.Form):
    reference = forms.CharField(
        label="Reference",
        help_text="The inquiry's, claim's or request's own reference.",
        max_length=100,
        error_messages={"required": "Enter the hold's reference"},
    )
    reason = forms.CharField(
        label="Why the records must be kept",
        help_text=REASON_HINT,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX_LENGTH,
        error_messages={"required": "Enter why the records must be kept"},
    )
    person_id = forms.CharField(
        label="One person's record id (optional)",
        help_text="To hold everything about one person: the id in the address of their page. "
        "Leave empty to hold a class of records below.",
        required=False,
    )
    agency = forms.ModelChoiceField(
        label="Agency (optional)",
        queryset=Agency.objects.order_by("name"),
        required=False,
        empty_label="Every agency",
    )
    kind = forms.ChoiceField(label="Kind of record (optional)", choices=(), required=False)
    recorded_from = GovukDateField(
        label="Recorded from (optional)", help_text="For example, 1 1 2019", required=False
    )
    recorded_to = GovukDateField(
        label="Recorded to (optional)", help_text="For example, 31 12 2020", required=False
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        self.fields["kind"].choices = _kind_choices()  # type: ignore[attr-defined]  # a ChoiceField


class ReleaseForm(forms.Form):
    reason = forms.CharField(
        label="Why the hold is released",
        help_text=REASON_HINT,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX_LENGTH,
        error_messages={"required": "Enter why the hold is released"},
    )


class EraseForm(forms.Form):
    person_id = forms.CharField(
        label="Person's record id",
        help_text="The id in the address of their page, such as 3f2c7a9e-...",
        error_messages={"required": "Enter the person's record id"},
    )
    reason = forms.CharField(
        label="Why the person is erased",
        help_text=REASON_HINT,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX_LENGTH,
        error_messages={"required": "Enter why the person is erased"},
    )
    confirm = forms.BooleanField(
        label="I understand that everything held about this person is erased for good",
        error_messages={"required": "Confirm that the erasure cannot be undone"},
    )


class OpenRequestForm(forms.Form):
    person_id = forms.CharField(
        label="Person's record id",
        help_text="The id in the address of their page. Check who is asking before you open it.",
        error_messages={"required": "Enter the person's record id"},
    )
    received_on = GovukDateField(
        label="Day the request was received",
        help_text="The month to answer runs from this day. For example, 27 3 2026",
        error_messages={"required": "Enter the day the request was received"},
    )


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label="Why the request is complex",
        help_text="Tell the requester within the first month, with this reason.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX_LENGTH,
        error_messages={"required": "Enter why the request is complex"},
    )


class WithholdForm(forms.Form):
    item_key = forms.ChoiceField(
        label="Item to withhold",
        choices=(),
        error_messages={"required": "Choose the item to withhold"},
    )
    exemption = forms.CharField(
        label="Exemption, and why it applies",
        help_text="For example: disclosure would be likely to cause serious harm to the "
        "physical or mental health of the person or another (DPA 2018 Schedule 3, "
        "paragraph 5), with the opinion of the appropriate professional.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX_LENGTH,
        error_messages={"required": "Enter the exemption and why it applies"},
    )

    def __init__(self, *args: object, items: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        self.fields["item_key"].choices = [("", "Choose an item"), *items]  # type: ignore[attr-defined]  # a ChoiceField


class CorrectionForm(forms.Form):
    given_name = forms.CharField(
        label="Given name", max_length=100, error_messages={"required": "Enter the given name"}
    )
    family_name = forms.CharField(
        label="Family name", max_length=100, error_messages={"required": "Enter the family name"}
    )
    date_of_birth = GovukDateField(
        label="Date of birth (optional)", help_text="For example, 27 3 2014", required=False
    )
    date_of_birth_is_estimated = forms.BooleanField(
        label="The date of birth is estimated", required=False
    )
    sex = forms.ChoiceField(
        label="Sex",
        choices=(),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the person's sex"},
    )
    reason = forms.CharField(
        label="Why the details are corrected",
        help_text="What was wrong and how you know, for example: the birth certificate "
        "shows a different date. At least 10 characters.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX_LENGTH,
        error_messages={"required": "Enter why the details are corrected"},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        from safeguarding.people.models import Sex

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        self.fields["sex"].choices = Sex.choices  # type: ignore[attr-defined]  # a ChoiceField
