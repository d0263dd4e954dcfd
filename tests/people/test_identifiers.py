import pytest
from django.core.exceptions import ValidationError

from safeguarding.demo.generator import fictional_upn
from safeguarding.people.identifiers import (
    normalise_nhs_number,
    normalise_phone,
    normalise_postcode,
    normalise_upn,
    normalise_vehicle_registration,
)


def test_valid_nhs_number_is_normalised():
    # 943 476 5919 is NHS England's published example of a valid number.
    assert normalise_nhs_number("943 476 5919") == "9434765919"


def test_nhs_number_with_wrong_check_digit_says_so():
    with pytest.raises(ValidationError) as error:
        normalise_nhs_number("943 476 5918")
    assert error.value.code == "nhs_check_digit"
    assert "check digit" in error.value.messages[0]


@pytest.mark.parametrize("value", ["12345", "94347659190", "94347X5919", ""])
def test_nhs_number_of_wrong_shape_is_rejected(value):
    with pytest.raises(ValidationError) as error:
        normalise_nhs_number(value)
    assert error.value.code == "nhs_format"


def test_nhs_number_whose_check_would_be_ten_is_invalid():
    # 1000000010: weights give remainder 1 -> check digit 10, which no valid number has.
    with pytest.raises(ValidationError):
        normalise_nhs_number("1000000010")


def test_generated_upn_passes_validation_and_a_changed_digit_fails():
    import random

    upn = fictional_upn(random.Random(4))
    assert normalise_upn(upn.lower()) == upn
    altered = upn[:5] + str((int(upn[5]) + 1) % 10) + upn[6:]
    with pytest.raises(ValidationError) as error:
        normalise_upn(altered)
    assert error.value.code == "upn_check_letter"


def test_phone_numbers_normalise_to_e164():
    assert normalise_phone("07700 900123") == "+447700900123"
    assert normalise_phone("+44 (0)7700-900123") == "+447700900123"
    with pytest.raises(ValidationError):
        normalise_phone("not a number")


def test_registration_and_postcode_normalise():
    assert normalise_vehicle_registration("ab12 cde") == "AB12CDE"
    assert normalise_postcode("sw1a2aa") == "SW1A 2AA"
    with pytest.raises(ValidationError):
        normalise_postcode("12345")
