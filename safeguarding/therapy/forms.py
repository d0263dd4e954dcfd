from __future__ import annotations

from django import forms

from safeguarding.access.models import Agency, AgencyKind
from safeguarding.govuk.forms import GovukDateField
from safeguarding.therapy.actions import NOTES_MAX_LENGTH, PROVIDER_KINDS
from safeguarding.therapy.models import ServiceType


class ReferralForm(forms.Form):
    provider = forms.ModelChoiceField(
        label="Service provider",
        queryset=Agency.objects.filter(kind__in=PROVIDER_KINDS, is_active=True),
        empty_label="Choose a provider",
        error_messages={"required": "Choose the provider the child is referred to"},
    )
    service_type = forms.ChoiceField(
        label="Service",
        choices=ServiceType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the service the child is referred to"},
    )
    authority = forms.ModelChoiceField(
        label="Local authority for the child's home area",
        help_text="Its limit for the wait applies, and the taskforce's figures count the "
        "referral in its area.",
        queryset=Agency.objects.filter(kind=AgencyKind.LOCAL_AUTHORITY, is_active=True),
        empty_label=None,
        error_messages={"required": "Choose the local authority for the child's home area"},
    )
    referred_on = GovukDateField(
        label="Date of the referral",
        help_text="The wait is measured from this day. For example, 27 3 2026",
        error_messages={"required": "Enter the date of the referral"},
    )
    notes = forms.CharField(
        label="What the child needs (optional)",
        help_text="Do not repeat what is already in the child's record.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=NOTES_MAX_LENGTH,
        required=False,
    )


class StartForm(forms.Form):
    started_on = GovukDateField(
        label="Date of the first therapy session",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the first therapy session"},
    )
