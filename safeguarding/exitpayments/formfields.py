"""Form pieces the GOV.UK patterns need beyond safeguarding/govuk/forms.py: an amount of money,
and an error summary in the order the fields appear. Generic; the support fund uses them too."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class ErrorsInPageOrder(forms.Form):
    """Keeps form.errors in the order of the form's fields, whether an error came from a
    field, from clean() or from an action, so that the error summary lists problems in
    the order the page asks the questions (GOV.UK error summary pattern). Errors about
    the whole form come first."""

    def add_error(self, field: str | None, error: ValidationError | str | Any) -> None:
        super().add_error(field, error)
        order = {name: index for index, name in enumerate(self.fields)}
        errors = self.errors
        ordered = sorted(
            errors.items(),
            key=lambda item: -1 if item[0] == NON_FIELD_ERRORS else order.get(item[0], -1),
        )
        errors.clear()
        errors.update(ordered)


class MoneyField(forms.DecimalField):
    """An amount in pounds: accepts "£60,000", "60000" or "60000.50"; at most 2 decimals."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        label = str(kwargs.get("label") or "The amount")
        messages = {
            "invalid": f"{label} must be an amount of money, like 60000 or 60,000.50",
            "min_value": f"{label} must be £0 or more",
            "max_digits": f"{label} must be less than £10,000,000,000",
            "max_whole_digits": f"{label} must be less than £10,000,000,000",
            "max_decimal_places": f"{label} must not include more than 2 decimal places",
        }
        messages.update(kwargs.pop("error_messages", {}))
        super().__init__(error_messages=messages, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # django-stubs: IntegerField's int
        if isinstance(value, str):
            value = re.sub(r"[£,\s]", "", value)
        result: Decimal | None = super().to_python(value)
        return result
