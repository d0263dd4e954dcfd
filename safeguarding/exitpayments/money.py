"""Money as Decimal pounds and pence: parsing what people type, exact rounding to the penny,
and display. Never floats: a figure that is recovered from someone must add up by hand."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django import forms

PENNY = Decimal("0.01")


def to_pennies(value: Fraction | Decimal | int) -> Decimal:
    """``value`` rounded to the penny, halves away from zero (ROUND_HALF_UP).

    Figures are worked as exact fractions (days over days, times hours over hours) and rounded here
    once, at the end, so that no intermediate rounding can move the result by a penny."""
    exact = Fraction(value)
    pennies = exact * 100
    whole, remainder = divmod(abs(pennies.numerator), pennies.denominator)
    if remainder * 2 >= pennies.denominator:
        whole += 1
    sign = -1 if exact < 0 else 1
    return (Decimal(sign * whole) / 100).quantize(PENNY)


def pounds(value: Decimal | int | None) -> str:
    """£1,234.56, as the GOV.UK style guide writes money."""
    if value is None:
        return ""
    amount = Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)
    sign = "\u2212" if amount < 0 else ""  # a minus sign, not a hyphen
    return f"{sign}£{abs(amount):,.2f}"


def ratio(numerator: Decimal | int, denominator: Decimal | int) -> str:
    """A fraction shown to six decimal places (for reading only; sums use the exact value)."""
    exact = Fraction(numerator) / Fraction(denominator)
    return str((Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("1e-6")))


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

    # django-stubs types DecimalField.to_python as IntegerField's, which returns int.
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = re.sub(r"[£,\s]", "", value)
        result: Decimal | None = super().to_python(value)
        return result
