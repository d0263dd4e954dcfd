"""Money as Decimal pounds and pence: exact rounding to the penny, and display. Never floats:
a figure that is recovered from someone must add up by hand."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

PENNY = Decimal("0.01")


def to_pennies(value: Fraction | Decimal | int) -> Decimal:
    """``value`` rounded to the penny, halves away from zero (ROUND_HALF_UP).

    Figures are worked as exact fractions (days over days, times hours over hours) and
    rounded here once, at the end, so that no intermediate rounding can move the result by
    a penny."""
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
