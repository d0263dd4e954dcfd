"""What an agency knows of a person, and what those details add to a person's record:
the rules every write of personal details follows, whether one at a time or in bulk."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguarding.access.models import Agency
from safeguarding.people.identifiers import (
    IdentifierScheme,
    normalise_identifier,
    normalise_phone,
    normalise_postcode,
    normalise_vehicle_registration,
)
from safeguarding.people.models import Person, PersonKind, Sex
from safeguarding.people.names import hidden_character, phonetic_keys

# Identifiers that mean something only within the agency that issued them.
AGENCY_REFERENCE_SCHEMES = (IdentifierScheme.POLICE_REFERENCE, IdentifierScheme.AGENCY_LOCAL)
# Read once: an enum's .values builds a new list on every use.
_KINDS = tuple(PersonKind.values)
_SEXES = tuple(Sex.values)


@dataclass
class PersonDetails:
    """What an agency knows of a person, already validated at the edge."""

    given_name: str
    family_name: str
    kind: str = PersonKind.CHILD
    date_of_birth: date | None = None
    date_of_birth_is_estimated: bool = False
    sex: str = Sex.UNKNOWN
    identifiers: list[tuple[str, str]] = field(default_factory=list)  # (scheme, value)
    other_names: list[tuple[str, str]] = field(default_factory=list)  # (kind, name)
    addresses: list[tuple[str, str, str]] = field(default_factory=list)  # (line 1, town, postcode)
    phones: list[str] = field(default_factory=list)
    vehicles: list[str] = field(default_factory=list)

    def validate(self) -> None:
        """Raise one ValidationError listing every problem, keyed by field."""
        errors: dict[str, list[str]] = {}
        if not self.given_name.strip() and not self.family_name.strip():
            errors.setdefault("name", []).append("Enter a given name or a family name")
        if len(self.given_name) > 100 or len(self.family_name) > 100:
            errors.setdefault("name", []).append("Names must be 100 characters or fewer")
        names = [self.given_name, self.family_name, *(name for _, name in self.other_names)]
        if any(hidden_character(name) for name in names):
            errors.setdefault("name", []).append(
                "Names must not contain invisible characters, such as direction marks or "
                "zero-width spaces"
            )
        if self.kind not in _KINDS:
            errors.setdefault("kind", []).append("Choose whether the person is a child or adult")
        if self.sex not in _SEXES:
            errors.setdefault("sex", []).append("Choose female, male or not known")
        if self.date_of_birth and self.date_of_birth > date.today():  # noqa: DTZ011 - a calendar date
            errors.setdefault("date_of_birth", []).append("Date of birth must be in the past")
        normalised_identifiers = []
        for scheme, value in self.identifiers:
            try:
                normalised_identifiers.append((scheme, normalise_identifier(scheme, value)))
            except ValidationError as error:
                errors.setdefault(f"identifier_{scheme}", []).extend(error.messages)
        self.identifiers = normalised_identifiers
        for label, normaliser, values in (
            ("phone", normalise_phone, self.phones),
            ("vehicle", normalise_vehicle_registration, self.vehicles),
        ):
            cleaned = []
            for value in values:
                try:
                    cleaned.append(normaliser(value))
                except ValidationError as error:
                    errors.setdefault(label, []).extend(error.messages)
            values[:] = cleaned
        addresses = []
        for line_1, town, postcode in self.addresses:
            try:
                addresses.append((line_1.strip(), town.strip(), normalise_postcode(postcode)))
            except ValidationError as error:
                errors.setdefault("postcode", []).extend(error.messages)
        self.addresses = addresses
        if errors:
            raise ValidationError(errors)


def search_keys_for(person: Person, other_names: Iterable[str]) -> set[str]:
    """The phonetic keys of ``person``'s own names and ``other_names``."""
    keys: set[str] = set()
    for name in [person.given_name, person.family_name, *other_names]:
        keys |= phonetic_keys(name)
    return keys


@dataclass
class HeldDetails:
    """What a person's record already holds, in the form detail_rows compares."""

    identifiers: set[tuple[str, str]] = field(default_factory=set)  # (scheme, value)
    names: set[str] = field(default_factory=set)
    addresses: set[tuple[str, str]] = field(default_factory=set)  # (line 1, postcode)
    phones: set[str] = field(default_factory=set)
    vehicles: set[str] = field(default_factory=set)


@dataclass
class DetailRows:
    """What ``details`` add to a person, as plain values: written a table at a time
    without building a model instance per row."""

    identifiers: list[tuple[str, str, Agency | None]]  # (scheme, value, issuing agency)
    names: list[tuple[str, str]]  # (kind, name)
    addresses: list[tuple[str, str, str]]  # (line 1, town, postcode)
    phones: list[str]
    vehicles: list[str]


def detail_rows(details: PersonDetails, *, agency: Agency, held: HeldDetails) -> DetailRows:
    """What ``details`` add to a person who already holds ``held``."""
    return DetailRows(
        identifiers=[
            (scheme, value, agency if scheme in AGENCY_REFERENCE_SCHEMES else None)
            for scheme, value in dict.fromkeys(details.identifiers)
            if (scheme, value) not in held.identifiers
        ],
        names=[
            (kind, name.strip())
            for kind, name in details.other_names
            if name.strip() and name.strip() not in held.names
        ],
        addresses=[
            (line_1, town, postcode)
            for line_1, town, postcode in details.addresses
            if (line_1, postcode) not in held.addresses
        ],
        phones=[number for number in dict.fromkeys(details.phones) if number not in held.phones],
        vehicles=[
            registration
            for registration in dict.fromkeys(details.vehicles)
            if registration not in held.vehicles
        ],
    )


# Person's fields in the order the model declares them: new_person gives every value by
# position, which spares Django working out each field's default (a bulk import makes
# tens of thousands of persons). tests/people/test_details.py checks the order.
PERSON_FIELD_ORDER = (
    "id",
    "kind",
    "given_name",
    "family_name",
    "date_of_birth",
    "date_of_birth_is_estimated",
    "sex",
    "created_at",
)


def new_person(details: PersonDetails) -> Person:
    """The unsaved Person row that register_person creates for ``details``."""
    return Person(
        uuid.uuid4(),
        details.kind,
        details.given_name.strip(),
        details.family_name.strip(),
        details.date_of_birth,
        details.date_of_birth_is_estimated,
        details.sex,
        timezone.now(),
    )
