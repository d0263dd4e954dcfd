from __future__ import annotations

from django import forms

from safeguarding.access.models import Agency, AgencyKind
from safeguarding.access.roles import Role


class SignInForm(forms.Form):
    username = forms.CharField(
        label="Username", max_length=150, error_messages={"required": "Enter your username"}
    )
    password = forms.CharField(
        label="Password",
        widget=forms.PasswordInput,
        max_length=256,
        error_messages={"required": "Enter your password"},
    )


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code from your authenticator app",
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={"required": "Enter the security code from your authenticator app"},
    )


class ChangePasswordForm(forms.Form):
    current_password = forms.CharField(
        label="Current password",
        widget=forms.PasswordInput,
        max_length=256,
        error_messages={"required": "Enter your current password"},
    )
    new_password = forms.CharField(
        label="New password",
        help_text="At least 12 characters. A few unrelated words make a strong password.",
        widget=forms.PasswordInput,
        max_length=256,
        error_messages={"required": "Enter a new password"},
    )
    confirm_password = forms.CharField(
        label="Confirm new password",
        widget=forms.PasswordInput,
        max_length=256,
        error_messages={"required": "Enter your new password again"},
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        new, confirm = data.get("new_password"), data.get("confirm_password")
        if new and confirm and new != confirm:
            self.add_error("confirm_password", "The passwords do not match")
        return data


class UserForm(forms.Form):
    username = forms.SlugField(
        label="Username",
        max_length=150,
        error_messages={
            "required": "Enter a username",
            "invalid": "Username can only contain letters, numbers, hyphens and underscores",
        },
    )
    given_name = forms.CharField(
        label="Given name", max_length=150, error_messages={"required": "Enter their given name"}
    )
    family_name = forms.CharField(
        label="Family name", max_length=150, error_messages={"required": "Enter their family name"}
    )
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose their role"},
    )
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.all(),
        required=False,
        empty_label="None (auditors and administrators only)",
    )
    password = forms.CharField(
        label="Temporary password",
        help_text=(
            "At least 12 characters. At first sign-in they set up their security code and "
            "choose their own password."
        ),
        widget=forms.PasswordInput,
        error_messages={"required": "Enter a temporary password"},
    )


class AgencyForm(forms.Form):
    code = forms.SlugField(
        label="Agency code",
        max_length=32,
        help_text="A short unique code, like LA-NORTHBRIDGE",
        error_messages={"required": "Enter a code for the agency"},
    )
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the agency's name"}
    )
    kind = forms.ChoiceField(
        label="Kind of agency",
        choices=AgencyKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of agency"},
    )
    area_name = forms.CharField(label="Area", max_length=200, required=False)
    home_authority = forms.ModelChoiceField(
        label="Local authority whose MASH receives its concerns",
        queryset=Agency.objects.filter(kind=AgencyKind.LOCAL_AUTHORITY),
        required=False,
        empty_label="None",
    )
