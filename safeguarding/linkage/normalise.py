"""Standard forms of the details that link records: the same function prepares a record
for probabilistic person matching and gives the deterministic keys of other entities.

Everything here is plain Python, so DuckDB and Spark receive identical prepared columns
and a comparison means the same thing on either backend."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

import jellyfish
import phonenumbers

from safeguarding.people.names import fold, tokens

if TYPE_CHECKING:
    from nicknames import NickNamer

# Characters a person or a camera commonly misreads on a UK number plate, mapped to the
# digit they are confused with. A registration's "misreading key" replaces each by its
# digit, so that "AB05 CDE" and "AB0S CDE" share a key while the normalised registration
# keeps what was recorded.
PLATE_MISREADINGS = str.maketrans({"O": "0", "I": "1", "S": "5", "B": "8"})

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


@lru_cache(maxsize=1)
def _nicknamer() -> NickNamer:
    from nicknames import NickNamer

    return NickNamer()


@lru_cache(maxsize=65536)
def given_name_forms(given_name: str) -> tuple[str, ...]:
    """The folded first given name with the formal names it may be short for, from the
    ``nicknames`` dataset: "bill" gives ("bill", "robert", "will", "william", "willis").
    Two given names are nickname-compatible when their forms share a member."""
    first = tokens(given_name)[:1]
    if not first:
        return ()
    name = first[0]
    namer = _nicknamer()
    canonicals: set[str] = set(namer.canonicals_of(name))
    return tuple(sorted({name, *canonicals}))


def first_token(name: str) -> str | None:
    parts = tokens(name)
    return parts[0] if parts else None


def surname_key(name: str) -> str | None:
    """The folded family name with spaces removed, so "Mc Donald" meets "McDonald"."""
    folded = fold(name).replace(" ", "")
    return folded or None


def metaphone(word: str | None) -> str | None:
    return (jellyfish.metaphone(word) or None) if word else None


def soundex(word: str | None) -> str | None:
    return jellyfish.soundex(word) if word else None


def iso_date(day: date | None) -> str | None:
    return day.isoformat() if day else None


def swapped_date(day: date | None) -> str | None:
    """The date with day and month exchanged, when that is a different valid date."""
    if day is None or day.day > 12 or day.day == day.month:
        return None
    try:
        return day.replace(month=day.day, day=day.month).isoformat()
    except ValueError:
        return None


def normalise_postcode(raw: str) -> str | None:
    """'s601aa' -> 'S60 1AA'; None when it is not shaped like a UK postcode."""
    compact = re.sub(r"[^A-Z0-9]", "", (raw or "").upper())
    match = _POSTCODE.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else None


def postcode_district(postcode: str) -> str:
    return postcode.split(" ", 1)[0]


def normalise_phone(raw: str) -> str | None:
    """E.164, reading national numbers as UK ones: '07700 900123' -> '+447700900123'."""
    try:
        parsed = phonenumbers.parse(raw or "", "GB")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalise_registration(raw: str) -> str:
    """A registration as DVLA prints it without spaces: ' ab05-cde ' -> 'AB05CDE'."""
    return re.sub(r"[^A-Z0-9]", "", (raw or "").upper())


def registration_key(raw: str) -> str:
    """The key under which plates differing only by common misreadings meet."""
    return normalise_registration(raw).translate(PLATE_MISREADINGS)


def normalise_online_identifier(raw: str) -> str:
    """An e-mail address or a social-media handle in one comparable form: lower case,
    no surrounding spaces, no leading '@' on a handle, and for e-mail no '+tag' part."""
    value = (raw or "").strip().lower()
    if "@" in value[1:]:
        local, _, domain = value.partition("@")
        return f"{local.split('+', 1)[0]}@{domain}"
    return value.lstrip("@")


# Street types and common words as Royal Mail's Postcode Address File spells them out,
# keyed by the abbreviations agencies' systems write. Hand-written on purpose: the
# libraries that parse addresses properly either need libpostal's 2 GB model (postal),
# parse US addresses only (usaddress), or match against the Ordnance Survey's address
# base, which the Hub does not hold (uk-address-matcher). Matching two agencies' records
# of a person needs far less: the house number and the street in one spelling.
STREET_WORDS: dict[str, str] = {
    "st": "street",
    "str": "street",
    "rd": "road",
    "ave": "avenue",
    "av": "avenue",
    "ln": "lane",
    "la": "lane",
    "cl": "close",
    "cres": "crescent",
    "cresc": "crescent",
    "cr": "crescent",
    "crt": "court",
    "ct": "court",
    "dr": "drive",
    "gdns": "gardens",
    "gr": "grove",
    "gro": "grove",
    "pl": "place",
    "sq": "square",
    "ter": "terrace",
    "terr": "terrace",
    "tce": "terrace",
    "wy": "way",
    "pde": "parade",
    "hwy": "highway",
    "cct": "circuit",
    "cir": "circuit",
    "mt": "mount",
    "pk": "park",
    "n": "north",
    "s": "south",
    "e": "east",
    "w": "west",
}

_HOUSE_NUMBER = re.compile(r"\b(\d+[a-z]?)\b")
# "Flat 3", "Apartment 12b", "Unit 4": the part of a building, not the house number.
_SUB_BUILDING = re.compile(r"\b(?:flat|apartment|apt|unit|room|rm)\s*\d+[a-z]?\b")


@dataclass(frozen=True)
class StreetAddress:
    """An address line reduced to what two agencies write alike: the house number and
    the street in one spelling ("22a Mill Ln" -> "22a", "mill lane")."""

    number: str | None
    street: str | None

    @property
    def key(self) -> str | None:
        """Number and street together, for "same address" (None without both)."""
        return f"{self.number} {self.street}" if self.number and self.street else None


@lru_cache(maxsize=65536)
def street_address(line: str) -> StreetAddress:
    """The house number and normalised street of an address line: lower case, ASCII,
    no flat or unit number, abbreviations written out (``STREET_WORDS``), and a street
    run together with its type ("pridhamstreet") split again."""
    decomposed = unicodedata.normalize("NFKD", line or "")
    text = decomposed.encode("ascii", "ignore").decode().lower().replace("'", "")
    text = _SUB_BUILDING.sub(" ", text)
    # "Willow Lodge, 22 Mill Lane": the part with the house number is the street's; with
    # no number anywhere, the last part.
    parts = [part for part in text.split(",") if part.strip()] or [""]
    text = next((part for part in parts if _HOUSE_NUMBER.search(part)), parts[-1])
    number_match = _HOUSE_NUMBER.search(text)
    number = number_match.group(1) if number_match else None
    # Words after the house number are the street; before it, a building's name.
    rest = text[number_match.end() :] if number_match else text
    words = [STREET_WORDS.get(word, word) for word in re.findall(r"[a-z]+", rest)]
    if len(words) == 1:
        words = _split_street_type(words[0])
    street = " ".join(words) or None
    return StreetAddress(number=number, street=street)


_STREET_TYPES = tuple(sorted(set(STREET_WORDS.values()) - {"north", "south", "east", "west"}))


def _split_street_type(word: str) -> list[str]:
    """ "pridhamstreet" -> ["pridham", "street"]: a street name run into its type."""
    for street_type in _STREET_TYPES:
        if word.endswith(street_type) and len(word) > len(street_type) + 2:
            return [word[: -len(street_type)], street_type]
    return [word]


def town_key(town: str) -> str | None:
    """A town or locality folded to lower-case ASCII words."""
    return fold(town) or None


def postcode_key(raw: str) -> str | None:
    """A UK postcode in its standard form; a postcode of another country's shape (four
    digits, say) upper case without spaces, so records from abroad still compare; None
    when there is nothing."""
    uk = normalise_postcode(raw)
    if uk:
        return uk
    compact = re.sub(r"[^A-Z0-9]", "", (raw or "").upper())
    return compact or None
