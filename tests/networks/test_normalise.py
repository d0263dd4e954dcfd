"""The same car, phone or flat recorded differently by two agencies gets one key;
different ones keep different keys."""

from __future__ import annotations

import pytest

from safeguarding.networks.normalise import (
    address_key,
    fits_uk_format,
    phone_key,
    registration_key,
    registration_label,
)


@pytest.mark.parametrize(
    ("seen", "misread"),
    [
        ("AB12 CDE", "ab12cde"),
        ("AB12 CDE", "A812 CDE"),  # 8 for B
        ("SO12 ABC", "S012 ABC"),  # 0 for O
        ("SO12 ABC", "5O12 ABC"),  # 5 for S
        ("LI70 XYZ", "L170 XYZ"),  # 1 for I
        ("B123 SOB", "8123 5OB"),  # prefix format, several at once
        ("AB12 CDE", "AB-12-CDE"),
    ],
)
def test_misread_registrations_share_a_key(seen: str, misread: str) -> None:
    assert registration_key(seen) == registration_key(misread)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("AB12 CDE", "AB12 CDF"),
        ("AB12 CDE", "AB13 CDE"),
        ("AB12 CDE", "BA12 CDE"),
        ("SO12 ABC", "SD12 ABC"),  # D is not a confusable of O
    ],
)
def test_different_registrations_keep_different_keys(one: str, other: str) -> None:
    assert registration_key(one) != registration_key(other)


def test_the_label_prefers_the_most_common_reading_in_a_uk_format() -> None:
    assert registration_label(["A812CDE", "AB12 CDE", "ab12cde"]) == "AB12 CDE"
    assert fits_uk_format("AB12CDE")
    assert fits_uk_format("A123BCD")
    assert not fits_uk_format("ABCDEFGH")


@pytest.mark.parametrize(
    "written", ["07700 900123", "+44 7700 900123", "(0)7700-900-123", "0044 7700 900 123"]
)
def test_phones_become_e164(written: str) -> None:
    assert phone_key(written) == "+447700900123"


def test_different_phones_keep_different_keys() -> None:
    assert phone_key("07700 900123") != phone_key("07700 900124")


def test_addresses_agree_despite_case_punctuation_and_abbreviations() -> None:
    one = address_key("Flat 3, 12a Mill St.", "nb1 1aa")
    assert one == address_key("FLAT 3 12 A MILL STREET", "NB11AA")
    assert one == address_key("Apartment 3, 12A Mill Street", "NB1 1AA")
    assert one != address_key("Flat 4, 12a Mill St", "NB1 1AA")
    assert one != address_key("Flat 3, 12a Mill St", "NB1 1AB")
