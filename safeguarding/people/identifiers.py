"""Validation and normalisation of the identifiers agencies hold for a person."""

from __future__ import annotations

import functools
import operator
import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import models


class IdentifierScheme(models.TextChoices):
    NHS_NUMBER = "nhs", "NHS number"
    UNIQUE_PUPIL_NUMBER = "upn", "Unique pupil number"
    POLICE_REFERENCE = "police", "Police reference"
    AGENCY_LOCAL = "local", "Agency's own record id"


_SPACES_AND_HYPHENS = re.compile(r"[\s-]")
_NHS_WEIGHTS = range(10, 1, -1)


def normalise_nhs_number(value: str) -> str:
    """Return the ten digits of a valid NHS number, or raise ValidationError saying why.

    The check digit is modulus 11 over the first nine digits weighted 10 down to 2;
    a remainder giving 10 means the number is invalid (NHS Data Dictionary).
    """
    digits = _SPACES_AND_HYPHENS.sub("", value or "")
    if not digits.isdigit() or len(digits) != 10:
        raise ValidationError(
            "Enter an NHS number of 10 digits, like 485 777 3456", code="nhs_format"
        )
    total = sum(map(operator.mul, map(int, digits[:9]), _NHS_WEIGHTS))
    check = 11 - (total % 11)
    if check == 11:
        check = 0
    if check == 10 or check != int(digits[9]):
        raise ValidationError(
            "The NHS number is not valid: its check digit does not match. "
            "Check each digit against the source record",
            code="nhs_check_digit",
        )
    return digits


UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O or S


def normalise_upn(value: str) -> str:
    """Return a valid unique pupil number (DfE: check letter, 3-digit LA, 4-digit
    establishment, 2-digit year, 3-digit serial, last character digit or letter)."""
    upn = re.sub(r"\s", "", value or "").upper()
    if not re.fullmatch(r"[A-Z]\d{11}[0-9A-Z]", upn):
        raise ValidationError(
            "Enter a unique pupil number of 13 characters: a letter, 11 digits, "
            "then a digit or letter",
            code="upn_format",
        )
    if upn[12].isalpha() and upn[12] not in UPN_CHECK_LETTERS:
        raise ValidationError(
            "The unique pupil number has an invalid last letter", code="upn_format"
        )
    if upn_check_letter(upn[1:]) != upn[0]:
        raise ValidationError(
            "The unique pupil number is not valid: its check letter does not match",
            code="upn_check_letter",
        )
    return upn


def upn_check_letter(body: str) -> str:
    """The check letter for the 12 characters after it: each weighted by its position
    (2 to 13), a letter in last place counting as its place in the check-letter table."""
    total = sum(
        (int(char) if char.isdigit() else UPN_CHECK_LETTERS.index(char)) * position
        for position, char in enumerate(body, start=2)
    )
    return UPN_CHECK_LETTERS[total % 23]


def normalise_reference(value: str) -> str:
    reference = re.sub(r"\s+", " ", (value or "").strip()).upper()
    if not reference:
        raise ValidationError("Enter the reference", code="required")
    if len(reference) > 64:
        raise ValidationError("A reference must be 64 characters or fewer", code="max_length")
    return reference


def normalise_identifier(scheme: str, value: str) -> str:
    if scheme == IdentifierScheme.NHS_NUMBER:
        return normalise_nhs_number(value)
    if scheme == IdentifierScheme.UNIQUE_PUPIL_NUMBER:
        return normalise_upn(value)
    if scheme in (IdentifierScheme.POLICE_REFERENCE, IdentifierScheme.AGENCY_LOCAL):
        return normalise_reference(value)
    raise ValidationError(f"Unknown identifier type '{scheme}'", code="invalid_scheme")


@functools.lru_cache(maxsize=65_536)
def normalise_phone(value: str) -> str:
    """Return a UK-default phone number in E.164 form. Remembered, because the same
    numbers recur in bulk imports and parsing is the costly part of checking a row."""
    try:
        parsed = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException as error:
        raise ValidationError(
            "Enter a telephone number, like 01632 960 001 or +44 7700 900 982",
            code="phone_format",
        ) from error
    if not phonenumbers.is_possible_number(parsed):
        raise ValidationError(
            "Enter a telephone number, like 01632 960 001 or +44 7700 900 982",
            code="phone_format",
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalise_vehicle_registration(value: str) -> str:
    registration = re.sub(r"[^A-Za-z0-9]", "", value or "").upper()
    if not 2 <= len(registration) <= 8:
        raise ValidationError(
            "Enter a vehicle registration of 2 to 8 letters and numbers", code="vrm_format"
        )
    return registration


POSTCODE_PATTERN = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})$")


def normalise_postcode(value: str) -> str:
    postcode = re.sub(r"\s+", "", (value or "").upper())
    match = POSTCODE_PATTERN.match(postcode)
    if not match:
        raise ValidationError("Enter a full UK postcode, like AA1 1AA", code="postcode_format")
    return f"{match.group(1)} {match.group(2)}"
