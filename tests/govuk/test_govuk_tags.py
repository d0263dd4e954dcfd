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


def test_display_gives_what_get_field_display_gives() -> None:
    from safeguarding.concerns.models import Concern, ConcernCategory
    from safeguarding.mash.models import Contact

    for category in ConcernCategory:
        concern = Concern(category=category)
        assert (
            Template('{{ concern|display:"category" }}').render(Context({"concern": concern}))
            == concern.get_category_display()
        )
    # A value outside the choices shows as itself, as get_<field>_display does.
    stray = Contact(rag="purple")
    assert Template('{{ contact|display:"rag" }}').render(Context({"contact": stray})) == "purple"
    assert stray.get_rag_display() == "purple"


def test_clock_tags_show_each_clock_state_type_and_due_date() -> None:
    from datetime import date, timedelta

    from django.utils import timezone

    from safeguarding.clocks.models import Clock
    from safeguarding.clocks.rules import ClockType

    today = timezone.localdate()
    overdue = Clock(
        clock_type=ClockType.REFERRAL_DECISION,
        started_on=today - timedelta(days=30),
        due_on=today - timedelta(days=20),
    )
    met = Clock(
        clock_type=ClockType.PARTNER_INFORMATION,
        started_on=date(2026, 1, 5),
        due_on=date(2026, 1, 7),
        met_on=date(2026, 1, 6),
    )

    html = Template("{% clock_tags clocks %}").render(Context({"clocks": [overdue, met]}))

    first, second = html.split("<br>")
    assert first == (
        '<strong class="govuk-tag govuk-tag--red">Overdue</strong> '
        f"{overdue.get_clock_type_display()}, due {overdue.due_on:%-d %b %Y}"
    )
    assert second == (
        '<strong class="govuk-tag govuk-tag--green">Met</strong> '
        f"{met.get_clock_type_display()}, due 7 Jan 2026"
    )
    assert Template("{% clock_tags clocks %}").render(Context({"clocks": []})) == ""
