from __future__ import annotations

from typing import Any

from django import forms

from safeguarding.access.agency_kinds import AgencyKind
from safeguarding.access.models import Agency, User
from safeguarding.helpline import attachments
from safeguarding.helpline.actions import SHAREABLE_FIELDS
from safeguarding.helpline.models import Category, Disclosure, KnownAs, Outcome, RoutedReferral

TEXT_LIMIT = 10_000


class FilesInput(forms.FileInput):
    """A file input that takes several files at once."""

    allow_multiple_selected = True
    is_govuk_file = True


class FilesField(forms.FileField):
    """Optional files, each accepted by attachments.prepare; cleans to a list of Prepared."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", FilesInput(attrs={"accept": attachments.ACCEPT_ATTRIBUTE}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[attachments.Prepared]:
        uploads = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        return attachments.prepare_all(uploads)


def _files_field() -> FilesField:
    return FilesField(
        label="Add files (optional)",
        help_text=(
            f"Up to {attachments.MAX_FILES} files, each smaller than "
            f"{attachments.MAX_FILE_LABEL}: {attachments.ACCEPTED}. Files can hold hidden "
            "details of who made them, such as a name or where a photo was taken: we take "
            "them out of the copy our staff work with, and lock the original away as evidence."
        ),
    )


class DetailsForm(forms.Form):
    what_happened = forms.CharField(
        label="What happened?",
        help_text=(
            "Tell us what a professional or an organisation did, or failed to do, to protect "
            "a child. For example, a disclosure that was ignored or a referral left unread."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=TEXT_LIMIT,
        error_messages={
            "required": "Enter what happened",
            "max_length": "What happened must be 10,000 characters or fewer",
        },
    )
    named_agencies = forms.ModelMultipleChoiceField(
        label="Which organisations is this about?",
        help_text="Select any that apply. Their staff will not see your report.",
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organisations = forms.CharField(
        label="Other organisations, or more detail about them (optional)",
        help_text="For example, the name of a school, a team or a department.",
        max_length=1000,
        required=False,
        error_messages={"max_length": "Organisations must be 1,000 characters or fewer"},
    )
    area = forms.ModelChoiceField(
        label="Which area did it happen in? (optional)",
        help_text="The local authority area, if you know it.",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="I do not know",
    )
    who = forms.CharField(
        label="Who was involved? (optional)",
        help_text="Job titles or names of the professionals, if you know them.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        error_messages={"max_length": "Who was involved must be 2,000 characters or fewer"},
    )
    when = forms.CharField(
        label="When did it happen?",
        help_text="For example, 'last March' or 'over several years since 2019'.",
        max_length=200,
        error_messages={
            "required": "Enter when it happened",
            "max_length": "When it happened must be 200 characters or fewer",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        named, area = self.fields["named_agencies"], self.fields["area"]
        assert isinstance(named, forms.ModelMultipleChoiceField)
        assert isinstance(area, forms.ModelChoiceField)
        named.queryset = Agency.objects.filter(is_active=True).exclude(kind=AgencyKind.HELPLINE)
        area.queryset = Agency.objects.filter(is_active=True, kind=AgencyKind.LOCAL_AUTHORITY)


class _AsksForFilesAgain(forms.Form):
    """A page shown again with errors cannot keep the files chosen (browsers never send a
    file twice, and nothing is kept before the report is sent): say so, so that no file
    is lost quietly."""

    def full_clean(self) -> None:
        super().full_clean()
        chosen = (
            [upload for upload in self.files.getlist("attached_files") if upload]
            if self.files
            else []
        )
        if self.errors and chosen and "attached_files" not in self.errors:
            self.add_error("attached_files", "Select your files again")


class KnownAsForm(_AsksForFilesAgain):
    known_as = forms.ChoiceField(
        label="How do you want to be known?",
        choices=KnownAs.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you want to be known"},
    )
    name = forms.CharField(
        label="Your name (only if you are not anonymous)",
        max_length=200,
        required=False,
        error_messages={"max_length": "Your name must be 200 characters or fewer"},
    )
    contact = forms.CharField(
        label="How can we contact you? (only if you are not anonymous)",
        help_text="An email address or phone number. We never pass it on without asking you.",
        max_length=200,
        required=False,
        error_messages={"max_length": "Your contact details must be 200 characters or fewer"},
    )
    attached_files = _files_field()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        known_as = data.get("known_as")
        if known_as == KnownAs.ANONYMOUS:
            # Whatever was typed is dropped: an anonymous report keeps nothing about you.
            data["name"] = ""
            data["contact"] = ""
        elif known_as in (KnownAs.CONFIDENTIAL, KnownAs.OPEN):
            if not data.get("name", "").strip():
                self.add_error("name", "Enter your name, or choose to be anonymous")
            if not data.get("contact", "").strip():
                self.add_error("contact", "Enter how we can contact you, or choose to be anonymous")
        return data


class PhoneReportForm(DetailsForm, KnownAsForm):
    """A report taken down by a caseworker during a call: the same questions on one page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["what_happened"].label = "What did the caller tell you happened?"
        self.fields[
            "what_happened"
        ].help_text = "In the caller's words as far as you can. They can check this record later."
        self.fields["named_agencies"].help_text = "Their staff will not see the report."
        self.fields["known_as"].label = "How does the caller want to be known?"
        self.fields["name"].label = "Caller's name (only if they are not anonymous)"
        self.fields["contact"].label = "How can we contact them? (only if they are not anonymous)"
        self.fields["contact"].help_text = "Do not record the number they called from."


class ReceiptSavedForm(forms.Form):
    saved = forms.BooleanField(
        label="I have saved my receipt",
        error_messages={"required": "Confirm that you have saved your receipt"},
    )


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label="Your receipt",
        help_text="The 20 digits you were given when you made your report.",
        max_length=60,
        error_messages={"required": "Enter your receipt"},
    )


class AddInformationForm(_AsksForFilesAgain):
    text = forms.CharField(
        label="Add information or reply",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=TEXT_LIMIT,
        required=False,
        error_messages={"max_length": "Your message must be 10,000 characters or fewer"},
    )
    attached_files = _files_field()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("text", "").strip() and not data.get("attached_files"):
            self.add_error("text", "Enter the information you want to add, or choose a file")
        return data


# Staff ------------------------------------------------------------------------------------


class SearchForm(forms.Form):
    reference = forms.CharField(
        label="Find a report by reference",
        max_length=32,
        error_messages={"required": "Enter a reference"},
    )


class UnlockForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        help_text="Your password opens your helpline key for this session only.",
        widget=forms.PasswordInput,
        error_messages={"required": "Enter your password"},
    )


class CategoryForm(forms.Form):
    category = forms.ChoiceField(
        label="Category",
        choices=[c for c in Category.choices if c[0]],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a category"},
    )
    disclosure = forms.ChoiceField(
        label="Is this a worker's qualifying disclosure?",
        help_text=(
            "A worker (employee, agency worker, volunteer in some roles) who reasonably "
            "believes the report is in the public interest and shows a failure the helpline "
            "is prescribed for. Counted in the annual report."
        ),
        choices=Disclosure.choices,
        widget=forms.RadioSelect,
        required=False,
    )


class DangerForm(forms.Form):
    summary = forms.CharField(
        label="What the MASH and police need to know now",
        help_text="Do not include anything that could identify the reporter.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Enter what the MASH and police need to know now"},
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="Reply to the reporter",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=TEXT_LIMIT,
        error_messages={"required": "Enter your reply"},
    )
    gives_feedback = forms.BooleanField(
        label="This reply gives feedback on what has been done", required=False
    )


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label="Why will feedback take longer than 3 months?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter why feedback will take longer than 3 months"},
    )


class NameAgencyForm(forms.Form):
    agency = forms.ModelChoiceField(
        label="Organisation the report is about",
        queryset=Agency.objects.none(),
        error_messages={"required": "Choose the organisation"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        # Not a helpline: naming one would hide the report from every caseworker there.
        field.queryset = Agency.objects.filter(is_active=True).exclude(kind=AgencyKind.HELPLINE)


class AssignForm(forms.Form):
    to = forms.ModelChoiceField(
        label="Give the report to",
        queryset=User.objects.none(),
        error_messages={"required": "Choose a colleague"},
    )

    def __init__(self, *args: Any, candidates: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(pk__in=[user.pk for user in candidates])


class RouteForm(forms.Form):
    to_agency = forms.ModelChoiceField(
        label="Send to",
        help_text="A local authority (or its LADO), a police force, an inspectorate or taskforce",
        queryset=Agency.objects.none(),
        error_messages={"required": "Choose where to send the referral"},
    )
    shared_fields = forms.MultipleChoiceField(
        label="What to share",
        choices=list(SHAREABLE_FIELDS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one part of the report to share"},
    )
    legal_basis = forms.ChoiceField(
        label="Legal basis for sharing",
        choices=RoutedReferral.LegalBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the legal basis for sharing"},
    )
    include_identity = forms.BooleanField(
        label="Include the reporter's name and contact details", required=False
    )
    reporter_consented = forms.BooleanField(
        label="The reporter has agreed to their identity being shared", required=False
    )
    redactions = forms.CharField(
        label="Passages to take out (optional)",
        help_text=(
            "Copy each passage that must not leave the helpline onto its own line: a name, "
            "a detail only the reporter would know. Each is replaced with [redacted] in the "
            "copy sent; the report itself is not changed."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_LIMIT,
        required=False,
    )

    def clean_redactions(self) -> list[str]:
        text: str = self.cleaned_data.get("redactions", "")
        return [line.strip() for line in text.splitlines() if line.strip()]

    def __init__(self, *args: Any, excluded: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Agency.objects.filter(
            is_active=True,
            kind__in=(
                AgencyKind.LOCAL_AUTHORITY,
                AgencyKind.POLICE_FORCE,
                AgencyKind.NATIONAL_BODY,
            ),
        ).exclude(pk__in=excluded)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome"},
    )


class ConflictForm(forms.Form):
    user = forms.ModelChoiceField(
        label="Who has the conflict of interest",
        help_text=(
            "If it is you, you lose sight of the report at once. If it is a colleague, a "
            "second person must confirm it."
        ),
        queryset=User.objects.none(),
        error_messages={"required": "Choose who has the conflict"},
    )
    reason = forms.CharField(
        label="The conflict of interest",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter the conflict of interest"},
    )

    def __init__(self, *args: Any, candidates: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(pk__in=[user.pk for user in candidates]).order_by(
            "username"
        )
