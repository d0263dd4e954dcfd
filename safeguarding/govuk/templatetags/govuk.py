"""The one path for GOV.UK markup: form fields, error summaries and buttons render from the
templates in govuk/templates/govuk/, never from hand-written component HTML in pages."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any
from urllib.parse import urlencode

from django import forms, template
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Field, Model
from django.template.loader import render_to_string
from django.utils import dateformat
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _first_error(bound: forms.BoundField) -> str:
    return str(bound.errors[0]) if bound.errors else ""


def _kind(bound: forms.BoundField) -> str:
    widget = bound.field.widget
    if getattr(widget, "is_govuk_date", False):
        return "date"
    if isinstance(widget, forms.FileInput):
        return "file"
    # CheckboxSelectMultiple is a subclass of RadioSelect: it must be asked about first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    return "input"


def field_anchor(bound: forms.BoundField) -> str:
    """The id an error summary links to: the first input of the field."""
    kind = _kind(bound)
    if kind == "date":
        return f"{bound.auto_id}_0"
    if kind in {"radios", "checkboxes"}:
        return f"{bound.auto_id}_0"
    return str(bound.auto_id)


@register.simple_tag
def govuk_field(
    bound: forms.BoundField,
    label_size: str = "",
    width: str = "",
    autocomplete: str = "",
    is_page_heading: bool = False,
    input_type: str = "",
) -> SafeString:
    kind = _kind(bound)
    value = bound.value()
    context: dict[str, Any] = {
        "field": bound,
        "id": bound.auto_id,
        "name": bound.html_name,
        "label": bound.label,
        "hint": bound.help_text,
        "error": _first_error(bound),
        "required": bound.field.required,
        "label_size": label_size,
        "width": width,
        "autocomplete": autocomplete,
        "is_page_heading": is_page_heading,
        # A file input never shows a value: browsers do not let a page choose a file.
        "value": "" if value is None or kind == "file" else value,
        "input_type": input_type or getattr(bound.field.widget, "input_type", "text"),
        "attrs": bound.field.widget.attrs,
        "multiple": getattr(bound.field.widget, "allow_multiple_selected", False),
    }
    if kind in {"radios", "select", "checkboxes"}:
        selected = value if isinstance(value, list) else [value]
        selected = [str(item) for item in selected if item is not None]
        choices = list(bound.field.choices)  # type: ignore[attr-defined]  # a choice field, by its widget
        if kind == "radios":
            # Radios never offer the blank choice, so that ids (and error links) start at _0.
            choices = [choice for choice in choices if str(choice[0])]
        context["options"] = [
            {
                "value": str(option_value),
                "label": option_label,
                "id": f"{bound.auto_id}_{index}",
                "selected": str(option_value) in selected,
            }
            for index, (option_value, option_label) in enumerate(choices)
        ]
    if kind == "date":
        parts = bound.field.widget.decompress(value) if not isinstance(value, list) else value
        parts = [*(parts or []), None, None, None][:3]
        context["parts"] = [
            {"suffix": suffix, "label": label, "value": part or "", "width": width_class}
            for suffix, label, part, width_class in zip(
                ("0", "1", "2"), ("Day", "Month", "Year"), parts, ("2", "2", "4"), strict=True
            )
        ]
    return render_to_string(f"govuk/{kind}.html", context)


@register.simple_tag
def govuk_error_summary(*forms_: forms.Form) -> SafeString:
    items = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        # Every item links somewhere: a form-wide error to the form's first field.
        first_field = next(iter(form), None)
        for error in form.non_field_errors():
            href = "#" + field_anchor(first_field) if first_field is not None else ""
            items.append({"text": str(error), "href": href})
        for name in form.errors:
            if name == NON_FIELD_ERRORS:
                continue
            bound = form[name]
            items.append({"text": _first_error(bound), "href": "#" + field_anchor(bound)})
    return render_to_string("govuk/error_summary.html", {"items": items})


@register.simple_tag
def govuk_button(
    text: str, *, secondary: bool = False, warning: bool = False, name: str = "", value: str = ""
) -> SafeString:
    return render_to_string(
        "govuk/button.html",
        {"text": text, "secondary": secondary, "warning": warning, "name": name, "value": value},
    )


@register.simple_tag
def govuk_pagination(
    page: Any,
    *,
    label: str = "Pagination",
    previous: str = "Previous",
    following: str = "Next",
    numbered: bool = False,
    **params: str,
) -> SafeString:
    """GOV.UK pagination for a Django page; ``params`` (empty ones left out) are kept in
    every link's query string along with the page number."""
    kept = {name: value for name, value in params.items() if value}

    def link(number: int) -> str:
        return "?" + urlencode({"page": number, **kept})

    context = {
        "page": page,
        "label": label,
        "previous": previous,
        "next": following,
        "block": not numbered,
        "previous_href": link(page.previous_page_number()) if page.has_previous() else "",
        "next_href": link(page.next_page_number()) if page.has_next() else "",
        "numbers": [
            {"number": number, "href": link(number), "current": number == page.number}
            for number in page.paginator.page_range
        ]
        if numbered
        else [],
    }
    return render_to_string("govuk/pagination.html", context)


@register.filter
def govuk_tag_colour(category: str) -> str:
    """Colour for a concern category tag: exploitation and abuse stand out."""
    urgent = {"cse", "cce", "sexual-abuse", "online-abuse", "physical-abuse"}
    return "govuk-tag--red" if category in urgent else "govuk-tag--grey"


@register.filter
def rag_colour(rag: str) -> str:
    return {"red": "govuk-tag--red", "amber": "govuk-tag--orange", "green": "govuk-tag--green"}.get(
        rag, "govuk-tag--grey"
    )


_CLOCK_STATE_COLOURS = {
    "overdue": "govuk-tag--red",
    "due-soon": "govuk-tag--orange",
    "due": "govuk-tag--blue",
    "met": "govuk-tag--green",
    "met-late": "govuk-tag--yellow",
    "cancelled": "govuk-tag--grey",
}


@register.filter
def clock_state(clock: Any) -> str:
    return str(clock.state().label)


@register.filter
def clock_state_colour(clock: Any) -> str:
    return _state_colour(clock.state())


def _state_colour(state: object) -> str:
    return _CLOCK_STATE_COLOURS.get(str(state), "govuk-tag--grey")


@register.simple_tag
def clock_tags(clocks: Iterable[Any]) -> SafeString:
    """Each clock's state as a tag, its type and due date, a line each. Drawn here rather
    than by an included template: queues show one set per row, and an include per row cost
    more than the rest of the row."""
    lines = []
    for clock in clocks:
        state = clock.state()
        lines.append(
            format_html(
                '<strong class="govuk-tag {}">{}</strong> {}, due {}',
                _state_colour(state),
                state.label,
                display(clock, "clock_type"),
                dateformat.format(clock.due_on, "j M Y"),
            )
        )
    return mark_safe("<br>".join(lines))  # noqa: S308 - each line escaped by format_html


@register.filter
def display(instance: Model, field_name: str) -> str:
    """What ``instance.get_<field_name>_display()`` gives, from labels read once per field:
    Django's own rebuilds the field's choices on every call, which shows on long lists."""
    value = getattr(instance, field_name)
    return str(_choice_labels(type(instance), field_name).get(value, value))


@cache
def _choice_labels(model: type[Model], field_name: str) -> dict[Any, str]:
    field = model._meta.get_field(field_name)
    assert isinstance(field, Field), f"{field_name} is not a column of {model.__name__}"
    return {value: str(label) for value, label in field.flatchoices}


@register.filter
def lookup(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, [])
