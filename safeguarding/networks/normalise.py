"""Keys that make the same car, phone or flat recorded by two agencies one node.

Each function returns a key: two values with the same key are treated as the same thing.
Keys are plain strings, so that a national build can compare them in sets and dicts.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

import phonenumbers

# Characters that witnesses, officers and number-plate cameras confuse. Each pair collapses
# to its digit in the key, so "AB12 CDE", "A812 CDE" and "AB12 CD E" are one vehicle.
CONFUSABLE = str.maketrans({"O": "0", "I": "1", "S": "5", "B": "8"})

# UK registration formats, letters (L) and digits (D), without spaces.
UK_FORMATS = (
    re.compile(r"[A-Z]{2}\d{2}[A-Z]{3}"),  # current, 2001 on: AB12 CDE
    re.compile(r"[A-Z]\d{1,3}[A-Z]{3}"),  # prefix, 1983 to 2001: A123 BCD
    re.compile(r"[A-Z]{3}\d{1,3}[A-Z]"),  # suffix, 1963 to 1983: ABC 123D
    re.compile(r"[A-Z]{1,3}\d{1,4}"),  # dateless: ABC 1234
    re.compile(r"\d{1,4}[A-Z]{1,3}"),  # dateless, reversed: 1234 ABC
)


def registration_text(value: str) -> str:
    """The registration as letters and digits only, upper case: "ab12 cde" -> "AB12CDE"."""
    return re.sub(r"[^A-Za-z0-9]", "", value or "").upper()


def registration_key(value: str) -> str:
    """The key of a vehicle registration: spacing, case and the confusable pairs 0/O, 1/I,
    5/S and 8/B ignored. Different plates keep different keys."""
    return registration_text(value).translate(CONFUSABLE)


def fits_uk_format(registration: str) -> bool:
    return any(pattern.fullmatch(registration) for pattern in UK_FORMATS)


def registration_label(readings: Iterable[str]) -> str:
    """How to show a vehicle recorded under several readings: the most often recorded
    reading that fits a UK format (the earliest in order on a tie), else the most common."""
    counts = Counter(registration_text(reading) for reading in readings)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    fitting = [text for text, _ in ranked if fits_uk_format(text)]
    best = fitting[0] if fitting else (ranked[0][0] if ranked else "")
    return _spaced(best)


def _spaced(registration: str) -> str:
    if UK_FORMATS[0].fullmatch(registration):
        return f"{registration[:4]} {registration[4:]}"
    if UK_FORMATS[1].fullmatch(registration):
        return f"{registration[:-3]} {registration[-3:]}"
    return registration


def phone_key(value: str) -> str:
    """The E.164 form of a phone number (UK by default), so that "07700 900123",
    "+44 7700 900123" and "(0)7700-900-123" are one phone. A number phonenumbers cannot
    parse keeps its digits."""
    try:
        parsed = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        return re.sub(r"\D", "", value or "")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


# Street words written in full or abbreviated; both sides of a comparison use the full word.
STREET_WORDS = {
    "RD": "ROAD",
    "ST": "STREET",
    "AVE": "AVENUE",
    "AV": "AVENUE",
    "LN": "LANE",
    "DR": "DRIVE",
    "CT": "COURT",
    "CRES": "CRESCENT",
    "CL": "CLOSE",
    "GDNS": "GARDENS",
    "PL": "PLACE",
    "SQ": "SQUARE",
    "TCE": "TERRACE",
    "HSE": "HOUSE",
    "FLT": "FLAT",
    "APT": "FLAT",
    "APARTMENT": "FLAT",
    "NO": "",
    "THE": "",
}


def address_line_key(line_1: str) -> str:
    """The first line of an address with case, punctuation and common abbreviations
    ignored: "Flat 3, 12a High St." and "FLAT 3 12 A HIGH STREET" agree."""
    text = re.sub(r"[^A-Z0-9]+", " ", (line_1 or "").upper())
    # "12 A" -> "12A": a house letter written apart from its number.
    text = re.sub(r"\b(\d+) ([A-Z])\b(?= [A-Z]{2,})", r"\1\2", text)
    words = [STREET_WORDS.get(word, word) for word in text.split()]
    return " ".join(word for word in words if word)


def postcode_key(postcode: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", (postcode or "").upper())


def address_key(line_1: str, postcode: str) -> str:
    """One flat or house: its postcode and first line, each normalised."""
    return f"{postcode_key(postcode)}|{address_line_key(line_1)}"
