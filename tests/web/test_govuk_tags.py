"""The GOV.UK field tag chooses the Design System component from the widget."""

from __future__ import annotations

from django import forms
from django.template import Context, Template


class ChoicesForm(forms.Form):
    inspectorates = forms.MultipleChoiceField(
        label="Inspectorates",
        choices=[("ofsted", "Ofsted"), ("cqc", "CQC")],
        widget=forms.CheckboxSelectMultiple,
    )
    urgency = forms.ChoiceField(
        label="Urgency",
        choices=[("urgent", "Urgent"), ("routine", "Routine")],
        widget=forms.RadioSelect,
    )


def render(field: str) -> str:
    return Template("{% govuk_field form." + field + " %}").render(Context({"form": ChoicesForm()}))


def test_several_choices_are_checkboxes_and_one_choice_is_radios() -> None:
    checkboxes = render("inspectorates")
    assert "govuk-checkboxes" in checkboxes
    assert checkboxes.count('type="checkbox"') == 2
    assert 'type="radio"' not in checkboxes
    radios = render("urgency")
    assert "govuk-radios" in radios
    assert radios.count('type="radio"') == 2
