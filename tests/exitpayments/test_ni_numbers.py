"""National Insurance numbers against HMRC's format rules (NIM39110)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from safeguarding.exitpayments.ni_numbers import display_ni_number, normalise_ni_number


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("AB123456C", "AB123456C"),
        ("ab 12 34 56 c", "AB123456C"),
        ("CE-98-76-54-A", "CE987654A"),
        ("JW 00 00 00 D", "JW000000D"),
        ("OA123456B", "OA123456B"),  # O may come first, though never second
    ],
)
def test_valid_numbers_are_stored_without_spaces(typed: str, stored: str):
    assert normalise_ni_number(typed) == stored


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("AB12345C", "ni_format"),  # five digits
        ("AB1234567C", "ni_format"),  # seven digits
        ("AB123456E", "ni_format"),  # suffix only A to D
        ("AB123456", "ni_format"),  # no suffix
        ("A1123456C", "ni_format"),
        ("DA123456C", "ni_prefix"),  # D, F, I, Q, U, V never first
        ("FA123456C", "ni_prefix"),
        ("IA123456C", "ni_prefix"),
        ("QQ123456C", "ni_prefix"),  # GOV.UK's example number is deliberately invalid
        ("UA123456C", "ni_prefix"),
        ("VA123456C", "ni_prefix"),
        ("AO123456C", "ni_prefix"),  # D, F, I, O, Q, U, V never second
        ("AD123456C", "ni_prefix"),
        ("BG123456C", "ni_prefix"),  # prefixes never allocated
        ("GB123456C", "ni_prefix"),
        ("KN123456C", "ni_prefix"),
        ("NK123456C", "ni_prefix"),
        ("NT123456C", "ni_prefix"),
        ("TN123456C", "ni_prefix"),  # temporary reference numbers
        ("ZZ123456C", "ni_prefix"),
    ],
)
def test_invalid_numbers_are_refused_with_the_reason(typed: str, code: str):
    with pytest.raises(ValidationError) as error:
        normalise_ni_number(typed)
    assert error.value.code == code


def test_display_groups_as_hmrc_prints():
    assert display_ni_number("AB123456C") == "AB 12 34 56 C"
