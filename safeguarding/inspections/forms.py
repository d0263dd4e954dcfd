from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.forms.utils import ErrorDict

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.govuk.forms import GovukDateField
from safeguarding.inspections.actions import TEXT_MAX_LENGTH
from safeguarding.inspections.models import ActionStatus, FindingKind
from safeguarding.inspections.policy import INSPECTION_ROLES

if TYPE_CHECKING:
    _UserChoiceField = forms.ModelChoiceField[User]
else:
    _UserChoiceField = forms.ModelChoiceField  # not subscriptable at run time


class ScheduleForm(forms.Form):
    title = forms.CharField(
        label="Title",
        help_text="For example, Joint targeted area inspection: the response to child sexual "
        "abuse in the family",
        max_length=200,
        error_messages={"required": "Enter the inspection's title"},
    )
    area = forms.ModelChoiceField(
        label="Local authority area",
        queryset=Agency.objects.filter(kind=AgencyKind.LOCAL_AUTHORITY, is_active=True),
        empty_label="Choose a local authority",
        error_messages={"required": "Choose the local authority whose area is inspected"},
    )
    starts_on = GovukDateField(
        label="First day",
        past_only=False,
        help_text="The team sees the area's records from this day. For example, 2 3 2027",
        error_messages={"required": "Enter the first day of the inspection"},
    )
    ends_on = GovukDateField(
        label="Last day",
        past_only=False,
        help_text="The team sees the area's records until the end of this day.",
        error_messages={"required": "Enter the last day of the inspection"},
    )
    data_from = GovukDateField(
        label="Data pack from (optional)",
        past_only=False,
        required=False,
        help_text="The lists cover the area's work from this day. Leave empty for 6 months "
        "before the first day.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One checkbox for each inspectorate with inspectors, between the area and the days.
        self.inspectorates = list(
            Agency.objects.filter(
                kind=AgencyKind.NATIONAL_BODY,
                is_active=True,
                user__role__in=INSPECTION_ROLES,
                user__is_active=True,
            )
            .distinct()
            .order_by("name")
        )
        for agency in self.inspectorates:
            self.fields[self.field_name(agency)] = forms.BooleanField(
                label=agency.name, required=False
            )
        self.order_fields(
            ["title", "area", *(self.field_name(agency) for agency in self.inspectorates)]
        )

    @staticmethod
    def field_name(agency: Agency) -> str:
        return f"inspectorate_{agency.pk}"

    def inspectorate_fields(self) -> list[forms.BoundField]:
        return [self[self.field_name(agency)] for agency in self.inspectorates]

    def chosen_inspectorates(self) -> list[Agency]:
        return [
            agency
            for agency in self.inspectorates
            if self.cleaned_data.get(self.field_name(agency))
        ]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if self.inspectorates and not self.chosen_inspectorates():
            self.add_error(
                self.field_name(self.inspectorates[0]), "Choose the inspectorates taking part"
            )
        return data

    def full_clean(self) -> None:
        super().full_clean()
        # The inspectorates' error is added after the fields' own: put errors in page order,
        # so that the error summary follows the page.
        # Read directly: self.errors would clean the form again.
        errors: ErrorDict | None = self._errors  # type: ignore[has-type]  # untyped in django-stubs
        if errors:
            order = {name: index for index, name in enumerate(self.fields)}
            self._errors = ErrorDict(
                sorted(errors.items(), key=lambda item: order.get(item[0], -1))
            )


class FindingForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of finding",
        choices=FindingKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of finding"},
    )
    text = forms.CharField(
        label="Finding",
        help_text="Describe practice. Do not name children or families.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=TEXT_MAX_LENGTH,
        error_messages={"required": "Enter the finding"},
    )


class OwnerField(_UserChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name}, {obj.agency.name if obj.agency else ''}"


class ActionForm(forms.Form):
    description = forms.CharField(
        label="What must be done",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX_LENGTH,
        error_messages={"required": "Enter what must be done"},
    )
    owner = OwnerField(
        label="Owner",
        help_text="A member of staff of one of the inspected agencies.",
        queryset=User.objects.none(),
        empty_label="Choose the owner",
        error_messages={"required": "Choose a member of staff of one of the inspected agencies"},
    )
    due_on = GovukDateField(
        label="Due by",
        past_only=False,
        help_text="For example, 30 6 2027",
        error_messages={"required": "Enter the date the action is due"},
    )

    def __init__(self, *args: Any, owners: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = owners


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the action's status"},
    )
    note = forms.CharField(
        label="What has been done",
        help_text="Needed when you mark the action done.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX_LENGTH,
        required=False,
    )
